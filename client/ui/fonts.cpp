#include "ui/fonts.h"

#include <fontconfig/fontconfig.h>
#include <imgui.h>
#include <imgui_freetype.h>
#include <backends/imgui_impl_opengl3.h>

#include <memory>
#include <vector>

namespace hondana::client::ui {

namespace {

struct PatternDeleter {
    void operator()(FcPattern* pattern) const { FcPatternDestroy(pattern); }
};
using Pattern = std::unique_ptr<FcPattern, PatternDeleter>;

// Decodes UTF-8; invalid bytes are skipped.
void add_codepoints(std::string_view text, std::set<unsigned>& out)
{
    for (size_t i = 0; i < text.size();) {
        auto c = static_cast<unsigned char>(text[i]);
        int length = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
        if (length == 0 || i + static_cast<size_t>(length) > text.size()) {
            ++i;
            continue;
        }
        unsigned codepoint = length == 1 ? c : c & (0x7F >> length);
        for (int k = 1; k < length; ++k)
            codepoint = (codepoint << 6) | (static_cast<unsigned char>(text[i + static_cast<size_t>(k)]) & 0x3F);
        if (codepoint <= 0xFFFF) // ImWchar is 16-bit in Debian's build
            out.insert(codepoint);
        i += static_cast<size_t>(length);
    }
}

}

std::optional<FontFile> find_cjk_font()
{
    if (!FcInit())
        return std::nullopt;
    Pattern pattern(FcNameParse(reinterpret_cast<const FcChar8*>("Noto Sans CJK JP:lang=ja")));
    if (!pattern)
        return std::nullopt;
    FcConfigSubstitute(nullptr, pattern.get(), FcMatchPattern);
    FcDefaultSubstitute(pattern.get());
    FcResult result = FcResultNoMatch;
    Pattern match(FcFontMatch(nullptr, pattern.get(), &result));
    if (!match)
        return std::nullopt;
    FcChar8* file = nullptr;
    int index = 0;
    if (FcPatternGetString(match.get(), FC_FILE, 0, &file) != FcResultMatch || !file)
        return std::nullopt;
    FcPatternGetInteger(match.get(), FC_INDEX, 0, &index);
    FcChar8* family = nullptr;
    FcPatternGetString(match.get(), FC_FAMILY, 0, &family);
    // Only a font that covers Japanese will do; otherwise fall back to ImGui's own (ASCII).
    FcLangSet* languages = nullptr;
    if (FcPatternGetLangSet(match.get(), FC_LANG, 0, &languages) == FcResultMatch
        && FcLangSetHasLang(languages, reinterpret_cast<const FcChar8*>("ja")) == FcLangDifferentLang)
        return std::nullopt;
    return FontFile { reinterpret_cast<const char*>(file), index };
}

FontManager::FontManager(std::optional<FontFile> file)
    : m_file(std::move(file))
{
    for (unsigned c = 0x20; c < 0x7F; ++c)
        m_codepoints.insert(c);
    for (unsigned c = 0x3000; c < 0x3100; ++c) // CJK punctuation, hiragana, katakana
        m_codepoints.insert(c);
    for (unsigned c : { 0x2026u, 0x00D7u, 0x2190u, 0x2192u, 0x25B6u, 0x25C0u, 0xFF08u, 0xFF09u, 0xFF1Au, 0xFF01u, 0xFF1Fu })
        m_codepoints.insert(c);
}

void FontManager::note_text(std::string_view text)
{
    size_t before = m_codepoints.size();
    add_codepoints(text, m_codepoints);
    if (m_codepoints.size() != before)
        m_dirty = true;
}

void FontManager::set_pixel_size(float size)
{
    if (size != m_pixel_size) {
        m_pixel_size = size;
        m_dirty = true;
    }
}

bool FontManager::rebuild_if_needed()
{
    if (!m_dirty)
        return false;
    m_dirty = false;
    ImGuiIO& io = ImGui::GetIO();
    io.Fonts->Clear();
    io.Fonts->FontBuilderIO = ImGuiFreeType::GetBuilderForFreeType();
    if (m_file) {
        std::vector<ImWchar> ranges;
        for (unsigned c : m_codepoints) {
            ranges.push_back(static_cast<ImWchar>(c));
            ranges.push_back(static_cast<ImWchar>(c));
        }
        ranges.push_back(0);
        ImFontConfig config;
        config.FontNo = m_file->index;
        config.OversampleH = 1;
        // The atlas copies the ranges it uses at build time, so a local vector is enough.
        io.Fonts->AddFontFromFileTTF(m_file->path.c_str(), m_pixel_size, &config, ranges.data());
        io.Fonts->Build();
    } else {
        ImFontConfig config;
        config.SizePixels = m_pixel_size;
        io.Fonts->AddFontDefault(&config);
        io.Fonts->Build();
    }
    ImGui_ImplOpenGL3_DestroyFontsTexture();
    ImGui_ImplOpenGL3_CreateFontsTexture();
    return true;
}

}
