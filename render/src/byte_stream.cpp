#include "byte_stream.h"

#include <algorithm>
#include <cstdio>
#include <vector>

namespace hondana::render::detail {

void SourceStatus::record(const drm::Error& error)
{
    std::lock_guard lock(m_mutex);
    if (!m_first)
        m_first = error;
}

std::optional<drm::Error> SourceStatus::first_error() const
{
    std::lock_guard lock(m_mutex);
    return m_first;
}

namespace {

struct Block {
    uint64_t offset { 0 };
    size_t length { 0 };
    uint64_t last_use { 0 };
    std::vector<uint8_t> bytes;
};

struct StreamState {
    std::shared_ptr<drm::ByteSource> source;
    std::shared_ptr<SourceStatus> status;
    StreamOptions options;
    std::vector<Block> blocks;
    uint64_t clock { 0 };
    std::string failure;

    // The cached block holding `offset`, reading it on a miss into the least
    // recently used slot (from the block_size boundary below `offset`, or
    // from `offset` up to read_end when set). Null on a source error, with
    // `failure` set.
    Block* block_at(uint64_t offset)
    {
        Block* victim = &blocks.front();
        for (auto& block : blocks) {
            if (block.length > 0 && offset >= block.offset && offset < block.offset + block.length) {
                block.last_use = ++clock;
                return &block;
            }
            if (block.last_use < victim->last_use)
                victim = &block;
        }
        uint64_t start = offset - offset % options.block_size;
        size_t length = options.block_size;
        if (options.read_end) {
            start = offset;
            uint64_t end = std::max(options.read_end(offset), offset + 1);
            length = static_cast<size_t>(std::min<uint64_t>(end - offset, options.block_size));
        }
        victim->bytes.resize(length);
        auto count = source->read_at(start, victim->bytes);
        if (!count) {
            status->record(count.error());
            failure = std::string(drm::error_code(count.error().kind)) + ": " + count.error().message;
            victim->length = 0;
            return nullptr;
        }
        victim->offset = start;
        victim->length = *count;
        victim->last_use = ++clock;
        return victim;
    }
};

int next_block(fz_context* ctx, fz_stream* stm, size_t)
{
    auto* state = static_cast<StreamState*>(stm->state);
    auto position = static_cast<uint64_t>(stm->pos);
    if (position >= state->source->size())
        return EOF;
    Block* block = state->block_at(position);
    if (!block)
        fz_throw(ctx, FZ_ERROR_GENERIC, "reading protected content failed: %s", state->failure.c_str());
    size_t skip = static_cast<size_t>(position - block->offset);
    if (skip >= block->length)
        return EOF;
    stm->rp = block->bytes.data() + skip;
    stm->wp = block->bytes.data() + block->length;
    stm->pos += static_cast<int64_t>(block->length - skip);
    return *stm->rp++;
}

void seek_block(fz_context*, fz_stream* stm, int64_t offset, int whence)
{
    auto* state = static_cast<StreamState*>(stm->state);
    auto size = static_cast<int64_t>(state->source->size());
    int64_t target = offset;
    if (whence == SEEK_CUR)
        target = stm->pos - (stm->wp - stm->rp) + offset;
    else if (whence == SEEK_END)
        target = size + offset;
    stm->pos = std::clamp<int64_t>(target, 0, size);
    stm->rp = stm->wp = nullptr;
    stm->eof = 0;
}

void drop_state(fz_context*, void* state)
{
    std::unique_ptr<StreamState> owned(static_cast<StreamState*>(state));
}

}

fz_stream* open_byte_stream(fz_context* ctx, std::shared_ptr<drm::ByteSource> source,
    std::shared_ptr<SourceStatus> status, const StreamOptions& options)
{
    auto state = std::make_unique<StreamState>();
    state->source = std::move(source);
    state->status = std::move(status);
    state->options = options;
    state->options.block_size = std::max<size_t>(options.block_size, 4096);
    state->blocks.resize(std::max<size_t>(options.cached_blocks, 1));
    // fz_new_stream drops the state itself if it fails, so it owns it from here.
    fz_stream* stream = fz_new_stream(ctx, state.release(), next_block, drop_state);
    stream->seek = seek_block;
    return stream;
}

}
