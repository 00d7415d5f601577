#include "models/memberranking.h"

namespace ipcpg {

namespace {

bool slowerThan(const MemberSample& a, const MemberSample& b)
{
    return slowerMember(a.latencyNs, a.index, b.latencyNs, b.index);
}

} // namespace

MemberRanking rankMembers(const std::vector<MemberSample>& members)
{
    MemberRanking ranking;
    for (int i = 0; i < static_cast<int>(members.size()); ++i) {
        const MemberSample& member = members[static_cast<std::size_t>(i)];
        if (member.latencyNs.count == 0)
            continue;
        if (ranking.slowest < 0 || slowerThan(member, members[static_cast<std::size_t>(ranking.slowest)]))
            ranking.slowest = i;
        if (ranking.fastest < 0 || slowerThan(members[static_cast<std::size_t>(ranking.fastest)], member))
            ranking.fastest = i;
    }
    return ranking;
}

} // namespace ipcpg
