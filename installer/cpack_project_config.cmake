# Read by cpack after CPackConfig.cmake (CPACK_PROJECT_CONFIG_FILE).
# HONDANA_PACKAGE_VERSION overrides the package version: the packaging tests
# build a second, newer version of both packages to test an upgrade.
if(DEFINED ENV{HONDANA_PACKAGE_VERSION} AND NOT "$ENV{HONDANA_PACKAGE_VERSION}" STREQUAL "")
    set(CPACK_PACKAGE_VERSION "$ENV{HONDANA_PACKAGE_VERSION}")
endif()
