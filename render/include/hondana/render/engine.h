#pragma once

// The MuPDF engine of a process (or of one test): the base fz_context with
// its locks, its resource store and a hard cap on the memory MuPDF may
// allocate. Documents and renderers keep it alive; every thread that works on
// a document uses its own context cloned from this one.

#include <cstddef>
#include <memory>
#include <string_view>

#include "hondana/render/error.h"

namespace hondana::render {

struct EngineOptions {
    // MuPDF's resource store (decoded images, fonts, parsed objects): evicted past this.
    size_t store_bytes { 64u * 1024 * 1024 };
    // Every MuPDF allocation counts against this; past it, the allocation
    // fails and the operation ends with LimitExceeded (zip and image bombs).
    size_t memory_limit_bytes { 1024u * 1024 * 1024 };
};

// The MuPDF version render/ was built against (for the about screen and logs).
[[nodiscard]] std::string_view mupdf_version();

class Engine {
public:
    // Internal when MuPDF cannot start (out of memory, version mismatch).
    [[nodiscard]] static Result<std::shared_ptr<Engine>> create(const EngineOptions& options = {});
    ~Engine();
    Engine(const Engine&) = delete;
    Engine& operator=(const Engine&) = delete;

    // Bytes MuPDF holds right now (all contexts of this engine).
    [[nodiscard]] size_t allocated_bytes() const;
    [[nodiscard]] const EngineOptions& options() const;

    struct State;
    // For render/ internals.
    [[nodiscard]] State& state() { return *m_state; }

private:
    explicit Engine(std::unique_ptr<State> state);
    std::unique_ptr<State> m_state;
};

}
