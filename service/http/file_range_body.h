#pragma once

// A Beast body that sends a byte range of a file, read in 64 KiB chunks as
// the socket takes them (Beast 1.74's file_body sends only whole files).

#include <cstdint>
#include <filesystem>
#include <memory>

#include <boost/beast/core/file.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/optional.hpp>

namespace hondana::http {

struct FileRangeBody {
    struct value_type {
        boost::beast::file file;
        uint64_t offset { 0 };
        uint64_t length { 0 };

        // Opens `path` for reading; an error code on failure.
        void open(const std::filesystem::path& path, uint64_t range_offset, uint64_t range_length,
            boost::beast::error_code& ec)
        {
            file.open(path.c_str(), boost::beast::file_mode::read, ec);
            offset = range_offset;
            length = range_length;
        }
    };

    static uint64_t size(const value_type& body) { return body.length; }

    class writer {
    public:
        using const_buffers_type = boost::asio::const_buffer;

        template<bool isRequest, class Fields>
        writer(boost::beast::http::header<isRequest, Fields>&, value_type& body)
            : m_body(body)
            , m_buffer(std::make_unique<char[]>(chunk_size))
        {
        }

        void init(boost::beast::error_code& ec)
        {
            m_remaining = m_body.length;
            m_body.file.seek(m_body.offset, ec);
        }

        boost::optional<std::pair<const_buffers_type, bool>> get(boost::beast::error_code& ec)
        {
            ec = {};
            if (m_remaining == 0)
                return boost::none;
            auto amount = static_cast<size_t>(std::min<uint64_t>(chunk_size, m_remaining));
            auto read = m_body.file.read(m_buffer.get(), amount, ec);
            if (ec)
                return boost::none;
            if (read == 0) {
                ec = boost::beast::http::error::short_read; // the file shrank under us
                return boost::none;
            }
            m_remaining -= read;
            return std::make_pair(const_buffers_type(m_buffer.get(), read), m_remaining > 0);
        }

    private:
        static constexpr size_t chunk_size = 64 * 1024;
        value_type& m_body;
        std::unique_ptr<char[]> m_buffer;
        uint64_t m_remaining { 0 };
    };
};

}
