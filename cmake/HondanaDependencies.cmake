# Dependencies shared by several modules. All come from Debian 12 packages
# (scripts/setup installs them); versions are printed so a build log says what
# it was built against (REQ OPS-3). Module-specific libraries (MuPDF, SQLCipher,
# curl, Boost, SDL2, ImGui) are found in that module's CMakeLists.txt.

find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
find_package(OpenSSL 3.0 REQUIRED)
find_package(tl-expected REQUIRED)
find_package(nlohmann_json 3.10 REQUIRED)
find_package(CLI11 REQUIRED)

message(STATUS "Hondana dependency: OpenSSL ${OPENSSL_VERSION}")
message(STATUS "Hondana dependency: nlohmann_json ${nlohmann_json_VERSION}")
message(STATUS "Hondana dependency: tl-expected ${tl-expected_VERSION}")

if(HONDANA_BUILD_TESTS)
    find_package(GTest REQUIRED)
endif()
if(HONDANA_BUILD_BENCH)
    find_package(benchmark REQUIRED)
endif()

# Records a pkg-config module's version in the configure log.
function(hondana_report_pkg prefix label)
    message(STATUS "Hondana dependency: ${label} ${${prefix}_VERSION}")
endfunction()
