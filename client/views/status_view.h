#pragma once

#include "views/view.h"

namespace hondana::client {

// Device ID, enrolment, network trust and, when something is wrong, what an admin should do.
class StatusView final : public View {
public:
    using View::View;

protected:
    void drawContent(const AppState& state) override;
};

}
