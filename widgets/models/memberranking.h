#pragma once

#include <vector>

#include "ipcpg/controlprotocol.h"

namespace ipcpg {

// Which member of a live fan-out or fan-in sample is the slowest and which the fastest, by the
// rule of RunResult::slowestMember() (slowerMember: highest p99, then p50, then the lower index), so the live
// view and the run's own account name the same member once the run has ended. A member that has
// measured nothing yet has no latency to rank and is left out: early in a run it would otherwise
// be "fastest" with a latency of 0.
struct MemberRanking {
    int slowest = -1; // position in the list; -1 when no member has measured anything
    int fastest = -1;
};

MemberRanking rankMembers(const std::vector<MemberSample>& members);

} // namespace ipcpg
