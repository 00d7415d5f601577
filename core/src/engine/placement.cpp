#include "ipcpg/placement.h"

#include <algorithm>
#include <cerrno>
#include <sched.h>
#include <string>

#include "ipcpg/error.h"

namespace ipcpg {

std::vector<int> allowedCpus()
{
    cpu_set_t set;
    CPU_ZERO(&set);
    std::vector<int> cpus;
    if (sched_getaffinity(0, sizeof set, &set) != 0)
        return cpus;
    for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu) {
        if (CPU_ISSET(cpu, &set))
            cpus.push_back(cpu);
    }
    return cpus;
}

namespace {

// The CPUs sides may be pinned to; throws when none can be read or cross-core is impossible.
std::vector<int> pinnableCpus(Placement placement)
{
    std::vector<int> cpus = allowedCpus();
    if (cpus.empty())
        throw Error("cannot read this process's CPU affinity, so the sides cannot be pinned");
    if (placement == Placement::CrossCore && cpus.size() < 2)
        throw UsageError("placement cross-core needs two CPUs, but this process may only run on CPU "
            + std::to_string(cpus.front()) + "; use same-core or unpinned");
    return cpus;
}

} // namespace

std::vector<int> planHubPlacement(Placement placement, unsigned members)
{
    std::vector<int> plan(std::size_t { members } + 1, -1);
    if (placement == Placement::Unpinned)
        return plan;
    const std::vector<int> cpus = pinnableCpus(placement);
    if (placement == Placement::SameCore) {
        std::fill(plan.begin(), plan.end(), cpus.front());
        return plan;
    }
    plan[0] = cpus.front();
    for (unsigned member = 0; member < members; ++member)
        plan[1 + std::size_t { member }] = cpus[1 + member % (cpus.size() - 1)];
    return plan;
}

std::vector<int> planPlacement(Placement placement, unsigned pairs)
{
    std::vector<int> plan(2 * static_cast<std::size_t>(pairs), -1);
    if (placement == Placement::Unpinned)
        return plan;
    const std::vector<int> cpus = pinnableCpus(placement);
    for (unsigned pair = 0; pair < pairs; ++pair) {
        const std::size_t first = 2 * std::size_t { pair }; // side A of the pair; B follows it
        if (placement == Placement::SameCore) {
            const int cpu = cpus[pair % cpus.size()];
            plan[first] = cpu;
            plan[first + 1] = cpu;
        } else {
            plan[first] = cpus[first % cpus.size()];
            plan[first + 1] = cpus[(first + 1) % cpus.size()];
        }
    }
    return plan;
}

void pinToCpu(int cpu)
{
    if (cpu < 0)
        return;
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    if (sched_setaffinity(0, sizeof set, &set) != 0)
        throwSystemError("cannot pin a worker to CPU " + std::to_string(cpu), errno);
}

} // namespace ipcpg
