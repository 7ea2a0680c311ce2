#pragma once

// ReaderSession's state shared with its worker jobs (private to core/).

#include <atomic>
#include <mutex>

#include "core/reader_session.h"

namespace hondana::client {

struct ReaderSession::Shared {
    std::mutex mutex;
    std::shared_ptr<render::Document> document;
    std::shared_ptr<render::Renderer> renderer;
    std::atomic<uint64_t> search_generation { 0 };
    std::atomic<uint64_t> open_generation { 0 };
};

}
