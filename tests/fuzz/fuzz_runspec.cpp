// libFuzzer target: the run spec ipcpg-worker receives, and the text parsers of the front ends
// (see fuzzentries.h).
#include <cstddef>
#include <cstdint>

#include "fuzzentries.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    ipcpg::fuzz::runSpec({ data, size });
    return 0;
}
