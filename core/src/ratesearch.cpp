#include "ipcpg/ratesearch.h"

#include <algorithm>
#include <cmath>

namespace ipcpg {

bool keptUp(double offered, const RunResult& result)
{
    if (offered <= 0 || result.partial || !result.error.empty() || !result.rate)
        return false;
    return result.rate->achieved >= offered * (1.0 - kKeptUpTolerance);
}

double ratePerReceiver(const RunResult& result)
{
    if (result.partial || !result.error.empty() || !(result.msgsPerS > 0))
        return 0;
    // RunResult::messages counts every delivery: each pair's, each subscriber's copy.
    double receivers = 1;
    if (result.spec.topology == Topology::FanOut)
        receivers = std::max(1U, result.spec.subscribers);
    else if (result.spec.topology == Topology::Pair)
        receivers = std::max(1U, result.spec.workers);
    return result.msgsPerS / receivers;
}

std::optional<double> saturationRate(const std::vector<RateStep>& steps)
{
    std::optional<double> lowestShort;
    for (const RateStep& step : steps) {
        if (!step.keptUp)
            lowestShort = std::min(lowestShort.value_or(step.offered), step.offered);
    }
    if (!lowestShort)
        return std::nullopt;
    std::optional<double> highestKeptUp;
    for (const RateStep& step : steps) {
        if (step.keptUp && step.offered < *lowestShort)
            highestKeptUp = std::max(highestKeptUp.value_or(step.offered), step.offered);
    }
    return highestKeptUp;
}

RateSearch::RateSearch(RateSearchPlan plan)
    : m_plan(plan)
{
}

std::optional<double> RateSearch::nextRate() const
{
    if (m_runs >= m_plan.maxRuns)
        return std::nullopt;
    if (!m_probed)
        return 0.0;
    if (!m_ceiling)
        return std::nullopt;
    return m_lowestShort ? refinementRate() : risingRate();
}

std::optional<double> RateSearch::risingRate() const
{
    const auto stepRate = [this](unsigned step) {
        const unsigned fractions = std::min(step, m_plan.risingFractions);
        const double rate = *m_ceiling * m_plan.stepFraction * fractions;
        return rate * std::pow(m_plan.growthBeyond, step - fractions);
    };
    // Past the largest rate any run may be offered, there is nothing left to try.
    if (m_rising > 0 && stepRate(m_rising) >= RunSpec::kMaxRate)
        return std::nullopt;
    return std::min(stepRate(m_rising + 1), RunSpec::kMaxRate);
}

std::optional<double> RateSearch::refinementRate() const
{
    if (m_refined >= m_plan.refinements)
        return std::nullopt;
    return (m_highestKeptUp + *m_lowestShort) / 2;
}

void RateSearch::record(double offered, const RunResult& result)
{
    ++m_runs;
    if (!m_probed) {
        m_probed = true;
        if (const double ceiling = ratePerReceiver(result); ceiling > 0)
            m_ceiling = ceiling;
        return;
    }
    RateStep step;
    step.offered = offered;
    step.achieved = result.rate ? result.rate->achieved : 0.0;
    step.keptUp = keptUp(offered, result);
    step.refinement = m_lowestShort.has_value();
    m_steps.push_back(step);
    if (step.refinement)
        ++m_refined;
    else
        ++m_rising;
    if (step.keptUp)
        m_highestKeptUp = std::max(m_highestKeptUp, offered);
    else
        m_lowestShort = std::min(m_lowestShort.value_or(offered), offered);
}

std::optional<double> RateSearch::ceiling() const { return m_ceiling; }

std::optional<double> RateSearch::saturation() const { return saturationRate(m_steps); }

} // namespace ipcpg
