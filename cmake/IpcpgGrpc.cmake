# The grpc mechanism: gRPC C++ and protobuf through their CMake packages, protoc and gRPC's C++
# plugin to compile the service (core/proto) at build time. Defines Ipcpg::GrpcService, a library
# of the generated messages and stubs, built without the project's warnings (the code is
# protoc's, not ours) and included as a system header so -Werror and clang-tidy look past it.
find_package(gRPC CONFIG QUIET)
find_program(IPCPG_PROTOC protoc)
find_program(IPCPG_GRPC_CPP_PLUGIN grpc_cpp_plugin)
if(NOT gRPC_FOUND OR NOT TARGET protobuf::libprotobuf OR NOT IPCPG_PROTOC OR NOT IPCPG_GRPC_CPP_PLUGIN)
    message(FATAL_ERROR "IPCPG_WITH_GRPC is ON, but gRPC C++ (CMake package gRPC), protobuf, protoc or "
        "grpc_cpp_plugin is missing: install libgrpc++-dev libprotobuf-dev protobuf-compiler "
        "protobuf-compiler-grpc (scripts/setup.sh does) or configure with -DIPCPG_WITH_GRPC=OFF")
endif()

set(_ipcpg_proto ${PROJECT_SOURCE_DIR}/core/proto/ipcpgpair.proto)
# Outside any core/, app/ or widgets/ folder: .clang-tidy's header filter must not match it.
set(_ipcpg_grpc_out ${CMAKE_BINARY_DIR}/generated/grpc)
set(_ipcpg_grpc_sources
    ${_ipcpg_grpc_out}/ipcpgpair.pb.cc ${_ipcpg_grpc_out}/ipcpgpair.pb.h
    ${_ipcpg_grpc_out}/ipcpgpair.grpc.pb.cc ${_ipcpg_grpc_out}/ipcpgpair.grpc.pb.h)
file(MAKE_DIRECTORY ${_ipcpg_grpc_out})
add_custom_command(
    OUTPUT ${_ipcpg_grpc_sources}
    COMMAND ${IPCPG_PROTOC} --proto_path=${PROJECT_SOURCE_DIR}/core/proto --cpp_out=${_ipcpg_grpc_out}
        --grpc_out=${_ipcpg_grpc_out} --plugin=protoc-gen-grpc=${IPCPG_GRPC_CPP_PLUGIN} ${_ipcpg_proto}
    DEPENDS ${_ipcpg_proto}
    COMMENT "Compiling the grpc mechanism's service (ipcpgpair.proto)"
    VERBATIM)
add_library(ipcpg_grpc_service STATIC ${_ipcpg_grpc_sources})
target_include_directories(ipcpg_grpc_service SYSTEM PUBLIC ${_ipcpg_grpc_out})
target_link_libraries(ipcpg_grpc_service PUBLIC gRPC::grpc++ protobuf::libprotobuf)
set_target_properties(ipcpg_grpc_service PROPERTIES POSITION_INDEPENDENT_CODE ON)
if(IPCPG_SANITIZERS)
    # The generated code runs in the sanitized processes too: instrument it alike.
    target_link_libraries(ipcpg_grpc_service PRIVATE ipcpg::compiler_flags)
    target_compile_options(ipcpg_grpc_service PRIVATE -w)
endif()
add_library(Ipcpg::GrpcService ALIAS ipcpg_grpc_service)
