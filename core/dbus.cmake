# The dbus mechanism's transports, when the build has it (IPCPG_WITH_DBUS).
target_sources(ipcpg_core PRIVATE
    src/transports/dbusbus.cpp
    src/transports/dbusbus.h
    src/transports/dbustransport.cpp
    src/transports/dbustransport.h)
target_link_libraries(ipcpg_core PRIVATE Ipcpg::Dbus)
