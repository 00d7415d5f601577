#pragma once

#include <optional>
#include <vector>

#include "ipcpg/runresult.h"

namespace ipcpg {

// A run keeps up with its offered rate while the rate it achieved is short of it by at most this
// fraction: measured rates jitter by a percent or so at short durations, and a sender that cannot
// keep up falls behind by much more than that.
inline constexpr double kKeptUpTolerance = 0.02;

// Whether `result`, run at `offered` messages per second, kept up: it ended normally (a partial
// or failed run counts as saturated: whatever stopped it, the rate was not carried) and its
// achieved rate is within kKeptUpTolerance of `offered`.
bool keptUp(double offered, const RunResult& result);

// What a closed-loop run moved per receiver, in the unit of RunSpec::rate: each pair's receiver,
// each subscriber of a fan-out, the one receiver of a fan-in. 0 for a run that ended early.
double ratePerReceiver(const RunResult& result);

// One run of a load curve.
struct RateStep {
    double offered = 0; // messages per second per receiver
    double achieved = 0; // RunResult::rate->achieved; 0 when the run reported none
    bool keptUp = false; // by keptUp()
    bool refinement = false; // chosen between the last rate that kept up and the first that did not
};

// The saturation point of a load curve: the highest offered rate that kept up below the lowest
// one that did not. Nullopt when every step kept up (saturation not reached) or none did.
std::optional<double> saturationRate(const std::vector<RateStep>& steps);

// How RateSearch steps. The defaults fit 16 runs per search: a closed-loop probe, at most 12
// rising steps and 3 refinements.
struct RateSearchPlan {
    // Rising step k (1, 2, ...) offers k * stepFraction of the probe's closed-loop rate, up to
    // risingFractions steps (0.1, 0.2, ..., 1.2 by default); past that, each step offers
    // growthBeyond times the one before, for a probe that came out low.
    double stepFraction = 0.1;
    unsigned risingFractions = 12;
    double growthBeyond = 1.5;
    // Bisections between the last rate that kept up and the first that did not: 3 narrow that
    // bracket from one step (10 % of the ceiling) to 1.25 % of it.
    unsigned refinements = 3;
    unsigned maxRuns = 16; // the probe included; the search ends there whatever it found
};

// Finds the saturation point of one mechanism, mode, size and placement: the highest offered
// rate it carries. A value type without I/O, driven by its caller (ipcpg sweep --rate auto, the
// GUI's Compare tab) one run at a time:
//
//     RateSearch search;
//     while (const auto rate = search.nextRate()) { spec.rate = *rate; search.record(*rate, run(spec)); }
//
// Why a probe first: the mechanisms here span four orders of magnitude (a signal carries tens of
// thousands of messages a second, shared memory tens of millions), so fixed rates from a low start
// would either waste most of the run budget far below saturation or step too coarsely near it. A
// closed-loop run (rate 0) measures the ceiling in one run; an open-loop sender cannot beat it by
// much, since it sends no faster than the mechanism accepts. Steps at even fractions of that
// ceiling then give a latency-versus-load curve with evenly spaced points, rising until the first
// rate that is not kept up, and bisection refines the bracket around it. A probe that fails or
// moves nothing ends the search without a saturation.
class RateSearch {
public:
    explicit RateSearch(RateSearchPlan plan = {});

    // The offered rate of the next run: 0 (closed loop, RunSpec::rate's "as fast as possible")
    // for the probe, then rising steps, then refinements; nullopt when the search is over (found,
    // the run cap reached, RunSpec::kMaxRate reached, or the probe failed).
    std::optional<double> nextRate() const;
    // The result of the run at `offered`, which must be the rate nextRate() gave.
    void record(double offered, const RunResult& result);

    // The probe's closed-loop rate per receiver (ratePerReceiver); nullopt before the probe or
    // when it failed.
    std::optional<double> ceiling() const;
    // saturationRate() of the steps so far.
    std::optional<double> saturation() const;
    // The open-loop runs so far, in the order they ran (the probe is not a step).
    const std::vector<RateStep>& steps() const { return m_steps; }
    unsigned runs() const { return m_runs; }

private:
    std::optional<double> risingRate() const;
    std::optional<double> refinementRate() const;

    RateSearchPlan m_plan;
    unsigned m_runs = 0;
    bool m_probed = false;
    std::optional<double> m_ceiling;
    std::vector<RateStep> m_steps;
    unsigned m_rising = 0;
    unsigned m_refined = 0;
    double m_highestKeptUp = 0; // 0 while no step kept up
    std::optional<double> m_lowestShort; // set by the first step that did not keep up
};

} // namespace ipcpg
