#pragma once

#include <string>

#include "views/view.h"

namespace hondana::client {

// Search the school's catalog; borrow what is available, reserve the rest.
class CatalogView final : public View {
public:
    using View::View;

protected:
    void drawContent(const AppState& state) override;

private:
    std::string m_query;
};

}
