#include "sys/clock.h"

#include <algorithm>
#include <array>

namespace ipcpg {

double measureClockReadNs()
{
    // Median of several short batches, so one preemption does not distort the figure.
    constexpr int kBatches = 9;
    constexpr int kCallsPerBatch = 20000;
    std::array<double, kBatches> perCall {};
    for (double& value : perCall) {
        const std::uint64_t start = monotonicNs();
        std::uint64_t sink = 0;
        for (int i = 0; i < kCallsPerBatch; ++i)
            sink += monotonicNs();
        const std::uint64_t end = monotonicNs();
        value = static_cast<double>(end - start) / kCallsPerBatch;
        asm volatile("" : : "r"(sink));
    }
    std::nth_element(perCall.begin(), perCall.begin() + kBatches / 2, perCall.end());
    return perCall[kBatches / 2];
}

} // namespace ipcpg
