#pragma once

// Writing META-INF/encryption.xml (the parser is public: package.h).

#include <string>
#include <utility>
#include <vector>

#include "hondana/drm/package.h"

namespace hondana::drm::detail {

// An encryption.xml document listing each (ZIP path, protection) in order,
// in the shape LCP uses: xmlenc EncryptedData with the content key retrieved
// from the licence, and an IDPF Compression property (Method 8 or 0 with the
// OriginalLength) when a length is known.
[[nodiscard]] std::string encryption_xml_document(
    const std::vector<std::pair<std::string, ResourceEncryption>>& resources);

}
