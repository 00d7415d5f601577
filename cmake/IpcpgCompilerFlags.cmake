# Warning and sanitizer flags, applied to every target of the project through one interface
# library so that third-party code and Qt's generated sources are not affected by -Werror.
add_library(ipcpg_compiler_flags INTERFACE)
add_library(ipcpg::compiler_flags ALIAS ipcpg_compiler_flags)

target_compile_options(ipcpg_compiler_flags INTERFACE
    -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast -Wcast-align
    -Woverloaded-virtual -Wimplicit-fallthrough
    # Always a bug, whatever the build: error even without IPCPG_WARNINGS_AS_ERRORS.
    -Werror=return-type -Werror=undef)

if(IPCPG_WARNINGS_AS_ERRORS)
    target_compile_options(ipcpg_compiler_flags INTERFACE -Werror)
endif()

if(IPCPG_SANITIZERS)
    string(REPLACE "," ";" _ipcpg_sanitizer_list "${IPCPG_SANITIZERS}")
    foreach(_sanitizer IN LISTS _ipcpg_sanitizer_list)
        target_compile_options(ipcpg_compiler_flags INTERFACE -fsanitize=${_sanitizer})
        target_link_options(ipcpg_compiler_flags INTERFACE -fsanitize=${_sanitizer})
    endforeach()
    target_compile_options(ipcpg_compiler_flags INTERFACE -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
endif()

# libFuzzer's coverage instrumentation for everything the fuzz targets link (the core parsers
# above all); the targets themselves add -fsanitize=fuzzer, which brings libFuzzer's main.
if(IPCPG_BUILD_FUZZERS)
    target_compile_options(ipcpg_compiler_flags INTERFACE -fsanitize=fuzzer-no-link)
endif()
