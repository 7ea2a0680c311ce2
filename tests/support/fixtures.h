#pragma once

// Paths to test inputs. Third-party fixtures live beside the checkout in
// ../shared/fixtures and are never copied into the repository; a test that
// needs one skips, naming the folder, when it is absent.

#include <filesystem>
#include <string>

#include <gtest/gtest.h>

namespace hondana::test {

inline std::filesystem::path shared_fixtures()
{
    return HONDANA_SHARED_FIXTURES;
}

inline std::filesystem::path test_data()
{
    return std::filesystem::path(HONDANA_SOURCE_DIR) / "tests" / "data";
}

}

// Skips the current test when a shared fixture is missing.
#define HONDANA_REQUIRE_SHARED_FIXTURE(relative)                                                         \
    do {                                                                                                 \
        if (!std::filesystem::exists(::hondana::test::shared_fixtures() / (relative)))                   \
            GTEST_SKIP() << "shared fixture " << (relative) << " not found under "                       \
                         << ::hondana::test::shared_fixtures().string()                                  \
                         << " (the ../shared/fixtures folder beside the checkout)";                      \
    } while (0)
