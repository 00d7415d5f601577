// libFuzzer target: the control channel a front end reads from ipcpg-worker (see fuzzentries.h).
#include <cstddef>
#include <cstdint>

#include "fuzzentries.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    ipcpg::fuzz::controlProtocol({ data, size });
    return 0;
}
