# The dbus suite: it parses the generated bus configuration and reads the transport's window,
# so it sees core's private headers.
ipcpg_add_test(tst_dbus SOURCES tst_dbus.cpp LABELS integration TIMEOUT 300)
target_include_directories(tst_dbus PRIVATE ${PROJECT_SOURCE_DIR}/core/src)
