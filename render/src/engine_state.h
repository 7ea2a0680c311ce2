#pragma once

// Engine internals shared by render/ sources.

#include <array>
#include <atomic>
#include <mutex>

#include "hondana/render/engine.h"
#include "mupdf_guard.h"

namespace hondana::render {

struct Engine::State {
    EngineOptions options;
    std::array<std::mutex, FZ_LOCK_MAX> locks;
    std::atomic<size_t> allocated { 0 };
    fz_alloc_context alloc {};
    fz_locks_context lock_context {};
    detail::ContextHandle base;

    // A new context for one thread (or one document), sharing the store and
    // locks. Internal when MuPDF cannot clone.
    [[nodiscard]] Result<detail::ContextHandle> clone_context();
};

}
