# The grpc mechanism's transports and the service they speak, when the build has it
# (IPCPG_WITH_GRPC; cmake/IpcpgGrpc.cmake compiles the service).
target_sources(ipcpg_core PRIVATE
    src/transports/grpcendpoint.cpp
    src/transports/grpcendpoint.h
    src/transports/grpcsettings.cpp
    src/transports/grpcsettings.h
    src/transports/grpctransport.cpp
    src/transports/grpctransport.h)
target_link_libraries(ipcpg_core PRIVATE Ipcpg::GrpcService)
