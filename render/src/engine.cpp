#include <cstdlib>
#include <cstring>

#include "engine_state.h"

namespace hondana::render {

namespace {

// Every block carries its size in front so the engine can count live bytes.
constexpr size_t header_size = alignof(std::max_align_t);

void* counted_malloc(void* user, size_t size)
{
    auto* state = static_cast<Engine::State*>(user);
    size_t before = state->allocated.fetch_add(size);
    if (before + size > state->options.memory_limit_bytes) {
        state->allocated.fetch_sub(size);
        return nullptr;
    }
    auto* block = static_cast<unsigned char*>(std::malloc(size + header_size));
    if (!block) {
        state->allocated.fetch_sub(size);
        return nullptr;
    }
    std::memcpy(block, &size, sizeof size);
    return block + header_size;
}

void counted_free(void* user, void* pointer)
{
    if (!pointer)
        return;
    auto* state = static_cast<Engine::State*>(user);
    auto* block = static_cast<unsigned char*>(pointer) - header_size;
    size_t size = 0;
    std::memcpy(&size, block, sizeof size);
    state->allocated.fetch_sub(size);
    std::free(block);
}

void* counted_realloc(void* user, void* pointer, size_t size)
{
    if (!pointer)
        return counted_malloc(user, size);
    if (size == 0) {
        counted_free(user, pointer);
        return nullptr;
    }
    auto* state = static_cast<Engine::State*>(user);
    auto* block = static_cast<unsigned char*>(pointer) - header_size;
    size_t old_size = 0;
    std::memcpy(&old_size, block, sizeof old_size);
    if (size > old_size) {
        size_t grow = size - old_size;
        size_t before = state->allocated.fetch_add(grow);
        if (before + grow > state->options.memory_limit_bytes) {
            state->allocated.fetch_sub(grow);
            return nullptr;
        }
    }
    auto* resized = static_cast<unsigned char*>(std::realloc(block, size + header_size));
    if (!resized) {
        if (size > old_size)
            state->allocated.fetch_sub(size - old_size);
        return nullptr;
    }
    if (size < old_size)
        state->allocated.fetch_sub(old_size - size);
    std::memcpy(resized, &size, sizeof size);
    return resized + header_size;
}

void lock_mutex(void* user, int lock)
{
    static_cast<Engine::State*>(user)->locks[static_cast<size_t>(lock)].lock();
}

void unlock_mutex(void* user, int lock)
{
    static_cast<Engine::State*>(user)->locks[static_cast<size_t>(lock)].unlock();
}

// MuPDF prints warnings and errors to stderr by default; the reader reports
// errors through Result instead, so the console stays quiet unless asked.
void quiet_print(void*, const char* message)
{
    if (std::getenv("HONDANA_MUPDF_LOG"))
        fprintf(stderr, "mupdf: %s\n", message);
}

void quieten(fz_context* ctx)
{
    fz_set_error_callback(ctx, quiet_print, nullptr);
    fz_set_warning_callback(ctx, quiet_print, nullptr);
}

}

namespace detail {

ErrorKind kind_for_mupdf_code(int code, ErrorKind fallback)
{
    switch (code) {
    case FZ_ERROR_MEMORY:
        return ErrorKind::LimitExceeded;
    case FZ_ERROR_ABORT:
        return ErrorKind::Cancelled;
    default:
        return fallback;
    }
}

}

std::string_view mupdf_version() { return FZ_VERSION; }

Result<detail::ContextHandle> Engine::State::clone_context()
{
    fz_context* clone = fz_clone_context(base.get());
    if (!clone)
        return fail(ErrorKind::Internal, "MuPDF could not clone its context (out of memory?)");
    quieten(clone);
    return detail::ContextHandle(clone);
}

Result<std::shared_ptr<Engine>> Engine::create(const EngineOptions& options)
{
    auto state = std::make_unique<State>();
    state->options = options;
    state->alloc = { state.get(), counted_malloc, counted_realloc, counted_free };
    state->lock_context = { state.get(), lock_mutex, unlock_mutex };
    fz_context* ctx = fz_new_context(&state->alloc, &state->lock_context, options.store_bytes);
    if (!ctx)
        return fail(ErrorKind::Internal, "MuPDF could not start (out of memory or library version mismatch)");
    state->base.reset(ctx);
    quieten(ctx);
    TRY(detail::guarded(ctx, ErrorKind::Internal, "registering document handlers",
        [&] { fz_register_document_handlers(ctx); }));
    return std::shared_ptr<Engine>(new Engine(std::move(state))); // raw-new: private constructor
}

Engine::Engine(std::unique_ptr<State> state)
    : m_state(std::move(state))
{
}

Engine::~Engine() = default;

size_t Engine::allocated_bytes() const { return m_state->allocated.load(); }

const EngineOptions& Engine::options() const { return m_state->options; }

}
