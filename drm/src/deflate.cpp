#include "deflate.h"

#include <algorithm>
#include <limits>

#include <zlib.h>

namespace hondana::drm::detail {

namespace {

constexpr int raw_window_bits = -15; // negative: no zlib header (RFC 1951 data only)
constexpr size_t chunk_size = 64 * 1024;

// A z_stream set up for one direction, ended when it goes out of scope.
class ZStream {
public:
    enum class Mode { Inflate, Deflate };
    explicit ZStream(Mode mode)
        : m_mode(mode)
    {
        int status = mode == Mode::Inflate
            ? inflateInit2(&m_stream, raw_window_bits)
            : deflateInit2(&m_stream, Z_BEST_COMPRESSION, Z_DEFLATED, raw_window_bits, 8, Z_DEFAULT_STRATEGY);
        m_ready = status == Z_OK;
    }
    ~ZStream()
    {
        if (m_ready)
            m_mode == Mode::Inflate ? inflateEnd(&m_stream) : deflateEnd(&m_stream);
    }
    ZStream(const ZStream&) = delete;
    ZStream& operator=(const ZStream&) = delete;
    [[nodiscard]] bool ready() const { return m_ready; }
    z_stream* get() { return &m_stream; }

private:
    Mode m_mode;
    z_stream m_stream {};
    bool m_ready { false };
};

}

Result<Bytes> inflate_raw(ByteSource& compressed, uint64_t max_output)
{
    ZStream stream(ZStream::Mode::Inflate);
    if (!stream.ready())
        return fail(ErrorKind::Crypto, "zlib inflateInit2 failed");
    max_output = std::min<uint64_t>(max_output, std::numeric_limits<size_t>::max() / 2);
    z_stream* z = stream.get();
    Bytes input(chunk_size);
    Bytes output;
    uint64_t input_offset = 0;
    int status = Z_OK;
    while (status != Z_STREAM_END) {
        if (z->avail_in == 0) {
            size_t count = input_offset < compressed.size() ? TRY(compressed.read_at(input_offset, input)) : 0;
            if (count == 0)
                return fail(ErrorKind::MalformedPackage, "deflate stream is truncated");
            input_offset += count;
            z->next_in = input.data();
            z->avail_in = static_cast<uInt>(count);
        }
        // Room for the next chunk, one byte past the limit so that passing it shows.
        size_t produced = output.size();
        size_t room = static_cast<size_t>(std::min<uint64_t>(chunk_size, max_output + 1 - produced));
        output.resize(produced + room);
        z->next_out = output.data() + produced;
        z->avail_out = static_cast<uInt>(room);
        uInt before = z->avail_in;
        status = inflate(z, Z_NO_FLUSH);
        output.resize(produced + (room - z->avail_out));
        if (status != Z_OK && status != Z_STREAM_END && status != Z_BUF_ERROR)
            return fail(ErrorKind::MalformedPackage,
                std::string("deflate stream is corrupt: ") + (z->msg != nullptr ? z->msg : "zlib error"));
        if (output.size() > max_output)
            return fail(ErrorKind::LimitExceeded,
                "inflated data is over the limit of " + std::to_string(max_output) + " bytes");
        if (status == Z_BUF_ERROR && before != 0 && z->avail_in == before && output.size() == produced)
            return fail(ErrorKind::MalformedPackage, "deflate stream makes no progress");
    }
    return output;
}

Result<Bytes> deflate_raw(ByteView data)
{
    ZStream stream(ZStream::Mode::Deflate);
    if (!stream.ready())
        return fail(ErrorKind::Crypto, "zlib deflateInit2 failed");
    z_stream* z = stream.get();
    Bytes output(deflateBound(z, static_cast<uLong>(data.size())));
    z->next_in = const_cast<Bytef*>(data.data());
    z->avail_in = static_cast<uInt>(data.size());
    z->next_out = output.data();
    z->avail_out = static_cast<uInt>(output.size());
    if (data.size() > std::numeric_limits<uInt>::max() || deflate(z, Z_FINISH) != Z_STREAM_END)
        return fail(ErrorKind::InvalidArgument, "deflate failed (input over 4 GiB?)");
    output.resize(z->total_out);
    return output;
}

}
