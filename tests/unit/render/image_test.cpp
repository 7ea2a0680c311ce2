// render_image: covers (SVG from the service, PNG, JPEG) drawn to fit a box,
// and clear errors for anything else.

#include <gtest/gtest.h>

#include "hondana/render/document.h"
#include "hondana/render/image.h"
#include "render_test_support.h"

using namespace hondana;
using namespace hondana::render;

namespace {

// A cover shaped like the service's (300 × 450, slate-blue card, a light band at the top).
const std::string cover_svg = R"(<svg xmlns="http://www.w3.org/2000/svg" width="300" height="450" viewBox="0 0 300 450">)"
                              R"(<rect width="300" height="450" fill="#2f4858"/>)"
                              R"(<rect width="300" height="45" fill="#f6ae2d"/></svg>)";

std::array<int, 3> pixel(const PageImage& image, int x, int y)
{
    size_t at = (static_cast<size_t>(y) * static_cast<size_t>(image.width) + static_cast<size_t>(x)) * 3;
    return { image.rgb[at], image.rgb[at + 1], image.rgb[at + 2] };
}

}

TEST(RenderImage, an_svg_cover_fits_the_box_keeping_its_shape_and_colours)
{
    auto image = render_image(test::test_engine(), "image/svg+xml", drm::as_bytes(cover_svg), 96, 200);
    ASSERT_TRUE(image) << image.error().message;
    EXPECT_EQ(image->width, 96);
    EXPECT_EQ(image->height, 144);
    ASSERT_EQ(image->rgb.size(), 96u * 144u * 3u);
    EXPECT_EQ(pixel(*image, 48, 100), (std::array<int, 3> { 0x2f, 0x48, 0x58 }));
    EXPECT_EQ(pixel(*image, 48, 5), (std::array<int, 3> { 0xf6, 0xae, 0x2d }));
}

TEST(RenderImage, a_png_round_trips_through_the_encoder)
{
    PageImage source;
    source.width = 40;
    source.height = 20;
    source.rgb.assign(40u * 20u * 3u, 0);
    for (size_t i = 0; i < source.rgb.size(); i += 3)
        source.rgb[i] = 200; // red
    auto png = encode_png(test::test_engine(), source);
    ASSERT_TRUE(png) << png.error().message;
    auto image = render_image(test::test_engine(), "image/png", *png, 20, 20);
    ASSERT_TRUE(image) << image.error().message;
    EXPECT_EQ(image->width, 20);
    EXPECT_EQ(image->height, 10);
    auto centre = pixel(*image, 10, 5);
    EXPECT_NEAR(centre[0], 200, 2);
    EXPECT_NEAR(centre[1], 0, 2);
}

TEST(RenderImage, other_types_garbage_and_bad_sizes_are_clear_errors)
{
    auto engine = test::test_engine();
    auto bytes = drm::as_bytes(cover_svg);
    auto gif = render_image(engine, "image/gif", bytes, 96, 144);
    ASSERT_FALSE(gif);
    EXPECT_EQ(gif.error().kind, ErrorKind::UnsupportedFormat);
    EXPECT_EQ(render_image(engine, "image/svg+xml", {}, 96, 144).error().kind, ErrorKind::InvalidArgument);
    EXPECT_EQ(render_image(engine, "image/svg+xml", bytes, 0, 144).error().kind, ErrorKind::InvalidArgument);
    EXPECT_EQ(render_image(engine, "image/svg+xml", bytes, 96, 5000).error().kind, ErrorKind::InvalidArgument);
    std::string garbage(300, 'x');
    EXPECT_FALSE(render_image(engine, "image/png", drm::as_bytes(garbage), 96, 144));
    EXPECT_FALSE(render_image(engine, "image/jpeg", drm::as_bytes(garbage), 96, 144));
    EXPECT_FALSE(render_image(engine, "image/svg+xml", drm::as_bytes("<svg"), 96, 144));
}
