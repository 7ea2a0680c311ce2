# Compiler warnings (errors, always) and sanitizer/fuzzer flags, applied per target.

set(HONDANA_WARNINGS
    -Wall -Wextra -Werror
    -Wshadow -Wnon-virtual-dtor -Woverloaded-virtual -Wcast-align
    -Wformat=2 -Wimplicit-fallthrough -Wmissing-declarations -Wundef)
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    list(APPEND HONDANA_WARNINGS -Wduplicated-cond -Wlogical-op)
endif()

set(HONDANA_SANITIZER_FLAGS "")
if(HONDANA_SANITIZE)
    set(HONDANA_SANITIZER_FLAGS -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
endif()
if(HONDANA_FUZZ)
    if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
        message(FATAL_ERROR "HONDANA_FUZZ needs clang (use the 'fuzz' preset)")
    endif()
    # Everything is built with fuzzer coverage; only fuzz targets link the fuzzer main.
    list(APPEND HONDANA_SANITIZER_FLAGS -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer)
endif()
if(HONDANA_SANITIZER_FLAGS)
    add_compile_options(${HONDANA_SANITIZER_FLAGS})
    add_link_options(${HONDANA_SANITIZER_FLAGS})
endif()

# Hardening for everything we ship (Debian's usual set): stack protector,
# fortified libc calls, full RELRO and immediate binding. Sanitizer and fuzzer
# builds skip it (it confuses their instrumentation).
if(NOT HONDANA_SANITIZE AND NOT HONDANA_FUZZ)
    add_compile_options(-fstack-protector-strong -D_FORTIFY_SOURCE=2 -fcf-protection)
    add_link_options(-Wl,-z,relro,-z,now)
endif()

# Debug builds stay debuggable but not glacial: PBKDF2, AES and MuPDF loops run in tests.
set(CMAKE_CXX_FLAGS_DEBUG "-Og -g" CACHE STRING "" FORCE)
set(CMAKE_C_FLAGS_DEBUG "-Og -g" CACHE STRING "" FORCE)

function(hondana_target_warnings target)
    target_compile_options(${target} PRIVATE $<$<COMPILE_LANGUAGE:CXX>:${HONDANA_WARNINGS}>)
endfunction()
