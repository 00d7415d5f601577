# The grpc suite: it drives the transport by hand to see a server-side refusal, so it sees core's
# private headers.
ipcpg_add_test(tst_grpc SOURCES tst_grpc.cpp LABELS integration TIMEOUT 300)
target_include_directories(tst_grpc PRIVATE ${PROJECT_SOURCE_DIR}/core/src)
