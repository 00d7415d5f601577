#pragma once

#include <vector>

#include "ipcpg/runspec.h"

namespace ipcpg {

// The CPUs this process may run on (its affinity mask), ascending.
std::vector<int> allowedCpus();

// The CPU for each side, indexed 2 * pair + (0 for A, 1 for B); -1 means not pinned.
// same-core puts both sides of a pair on one CPU, cross-core on two different ones; pairs are
// spread over the allowed CPUs round robin. Throws UsageError when cross-core is impossible.
std::vector<int> planPlacement(Placement placement, unsigned pairs);

// The CPU for the hub of a fan-out or fan-in (index 0) and each of its `members` (index 1 + i).
// same-core puts them all on one CPU; cross-core gives the hub a CPU of its own where there are
// more than two and spreads the members round robin over the others. Throws UsageError when
// cross-core is impossible.
std::vector<int> planHubPlacement(Placement placement, unsigned members);

// Pins the calling process to `cpu` (no-op for -1). Throws Error when the kernel refuses.
void pinToCpu(int cpu);

} // namespace ipcpg
