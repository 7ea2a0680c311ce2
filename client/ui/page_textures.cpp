#include "ui/page_textures.h"

#include <GL/gl.h>

namespace hondana::client::ui {

PageTextures::~PageTextures()
{
    for (auto& [image, entry] : m_entries)
        glDeleteTextures(1, &entry.id);
}

uintptr_t PageTextures::texture(const std::shared_ptr<const render::PageImage>& image)
{
    if (!image || image->width <= 0 || image->height <= 0)
        return 0;
    auto found = m_entries.find(image.get());
    if (found != m_entries.end()) {
        found->second.used = true;
        return found->second.id;
    }
    Entry entry;
    glGenTextures(1, &entry.id);
    glBindTexture(GL_TEXTURE_2D, entry.id);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
    glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_RGB, image->width, image->height, 0, GL_RGB, GL_UNSIGNED_BYTE, image->rgb.data());
    entry.image = image.get();
    entry.used = true;
    m_entries[image.get()] = entry;
    m_keep[image.get()] = image; // the key stays valid while the texture lives
    return entry.id;
}

void PageTextures::end_frame()
{
    for (auto it = m_entries.begin(); it != m_entries.end();) {
        if (!it->second.used) {
            glDeleteTextures(1, &it->second.id);
            m_keep.erase(it->first);
            it = m_entries.erase(it);
        } else {
            it->second.used = false;
            ++it;
        }
    }
}

}
