# The mechanisms, in the order `ipcpg list` shows them. This list is the registry: one line a
# mechanism, "<id> <accessor>". From each line the build takes
#   core/src/mechanisms/<accessor, lowercased>.cpp   the source file that defines the accessor,
#   resources/mechanisms/<id>.md                      the text the app shows beside its charts,
# and generates the accessor's declaration and its place in MechanismRegistry (mechanismlist.h).
# CONTRIBUTING.md, "Adding a mechanism", says what goes into the source file.
set(IPCPG_MECHANISMS
    "pipe pipeMechanism"
    "fifo fifoMechanism"
    "unix-stream unixStreamMechanism"
    "unix-dgram unixDgramMechanism"
    "tcp tcpMechanism"
    "udp udpMechanism"
    "posix-mq posixMqMechanism"
    "sysv-mq sysvMqMechanism"
    "shm shmMechanism"
    "semaphore semaphoreMechanism"
    "signal signalMechanism"
    "eventfd eventfdMechanism"
    "rpc rpcMechanism"
)
# Mechanisms on a library of their own come last, when the build has them (CMakeLists.txt).
if(IPCPG_WITH_ZEROMQ)
    list(APPEND IPCPG_MECHANISMS "zeromq zeromqMechanism")
endif()
if(IPCPG_WITH_DBUS)
    list(APPEND IPCPG_MECHANISMS "dbus dbusMechanism")
endif()
if(IPCPG_WITH_GRPC)
    list(APPEND IPCPG_MECHANISMS "grpc grpcMechanism")
endif()

# Splits the list: IPCPG_MECHANISM_IDS, IPCPG_MECHANISM_ACCESSORS (in order).
set(IPCPG_MECHANISM_IDS)
set(IPCPG_MECHANISM_ACCESSORS)
foreach(entry IN LISTS IPCPG_MECHANISMS)
    separate_arguments(fields UNIX_COMMAND "${entry}")
    list(LENGTH fields count)
    if(NOT count EQUAL 2)
        message(FATAL_ERROR "core/mechanisms.cmake: \"${entry}\" is not \"<id> <accessor>\"")
    endif()
    list(GET fields 0 id)
    list(GET fields 1 accessor)
    list(APPEND IPCPG_MECHANISM_IDS ${id})
    list(APPEND IPCPG_MECHANISM_ACCESSORS ${accessor})
endforeach()
