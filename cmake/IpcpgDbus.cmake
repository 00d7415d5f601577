# The dbus mechanism: libdbus-1 (the reference C library) through pkg-config, and dbus-daemon at
# run time for the private bus of each run (found on PATH then, not here: a build machine need not
# run one).
find_package(PkgConfig)
if(PkgConfig_FOUND)
    pkg_check_modules(DBUS IMPORTED_TARGET dbus-1>=1.10)
endif()
if(NOT DBUS_FOUND)
    message(FATAL_ERROR "IPCPG_WITH_DBUS is ON, but pkg-config finds no dbus-1 1.10 or later: install "
        "libdbus-1-dev and dbus-daemon (scripts/setup.sh does) or configure with -DIPCPG_WITH_DBUS=OFF")
endif()
add_library(Ipcpg::Dbus ALIAS PkgConfig::DBUS)
