# Use ccache when it is installed (scripts/setup installs it).
find_program(HONDANA_CCACHE ccache)
if(HONDANA_CCACHE)
    set(CMAKE_C_COMPILER_LAUNCHER "${HONDANA_CCACHE}")
    set(CMAKE_CXX_COMPILER_LAUNCHER "${HONDANA_CCACHE}")
endif()
