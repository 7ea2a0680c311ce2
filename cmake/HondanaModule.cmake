# hondana_module(<name> SOURCES ... [PUBLIC_DEPS ...] [PRIVATE_DEPS ...])
#
# One static library per module, target `hondana_<name>` (alias
# `hondana::<name>`). Its public headers live in <name>/include/hondana/<name>/;
# its sources and private headers in <name>/src/. Other modules see only the
# include/ folder of modules they list as dependencies, so an include of a
# module you do not depend on fails to compile.
function(hondana_module name)
    cmake_parse_arguments(M "" "" "SOURCES;PUBLIC_DEPS;PRIVATE_DEPS" ${ARGN})
    add_library(hondana_${name} STATIC ${M_SOURCES})
    add_library(hondana::${name} ALIAS hondana_${name})
    target_include_directories(hondana_${name}
        PUBLIC "${CMAKE_CURRENT_SOURCE_DIR}/include"
        PRIVATE "${CMAKE_CURRENT_SOURCE_DIR}/src")
    target_link_libraries(hondana_${name} PUBLIC ${M_PUBLIC_DEPS} PRIVATE ${M_PRIVATE_DEPS})
    hondana_target_warnings(hondana_${name})
endfunction()

# hondana_executable(<name> SOURCES ... DEPS ...)
function(hondana_executable name)
    cmake_parse_arguments(M "" "" "SOURCES;DEPS" ${ARGN})
    add_executable(${name} ${M_SOURCES})
    target_link_libraries(${name} PRIVATE ${M_DEPS})
    hondana_target_warnings(${name})
endfunction()
