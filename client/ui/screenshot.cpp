#include "ui/screenshot.h"

#include <GL/gl.h>

#include <cstring>
#include <fstream>

#include "hondana/render/document.h"

namespace hondana::client::ui {

std::string write_screenshot(const std::shared_ptr<render::Engine>& engine, int width, int height, const std::filesystem::path& path)
{
    if (width <= 0 || height <= 0)
        return "the window has no pixels";
    render::PageImage image;
    image.width = width;
    image.height = height;
    size_t row = static_cast<size_t>(width) * 3;
    std::vector<uint8_t> bottom_up(row * static_cast<size_t>(height));
    glPixelStorei(GL_PACK_ALIGNMENT, 1);
    glReadPixels(0, 0, width, height, GL_RGB, GL_UNSIGNED_BYTE, bottom_up.data());
    image.rgb.resize(bottom_up.size());
    for (int y = 0; y < height; ++y)
        std::memcpy(image.rgb.data() + row * static_cast<size_t>(y), bottom_up.data() + row * static_cast<size_t>(height - 1 - y), row);
    auto png = render::encode_png(engine, image);
    if (!png)
        return png.error().message;
    std::error_code error;
    if (path.has_parent_path())
        std::filesystem::create_directories(path.parent_path(), error);
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(png->data()), static_cast<std::streamsize>(png->size()));
    return out ? std::string() : "cannot write " + path.string();
}

}
