#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ipcpg/runresult.h"

namespace ipcpg {

// The claims of the article the project grew from, restated, each with the measurement that
// tests it on this machine and the rule that turns the results into a verdict with numbers.
struct ClaimVerdict {
    enum class Outcome { Held, Partly, NotHeld, Inconclusive };
    Outcome outcome = Outcome::Inconclusive;
    std::string summary; // one or two sentences with the figures that decided it
};

std::string_view toString(ClaimVerdict::Outcome outcome);

struct Claim {
    std::string id;
    std::string statement; // what the article asserts, in our words
    std::string method; // what we run to test it
    std::vector<RunSpec> plan; // the runs, in order; mechanisms this build lacks are left out
    // Judges the results, one per plan entry in the same order (nullopt where a run failed).
    ClaimVerdict (*judge)(const std::vector<RunSpec>& plan, const std::vector<std::optional<RunResult>>& results);
};

// Every claim, with plans for this machine (cross-core where it has two CPUs) and `seconds` of
// measurement per run.
std::vector<Claim> articleClaims(double seconds = 1.0);

} // namespace ipcpg
