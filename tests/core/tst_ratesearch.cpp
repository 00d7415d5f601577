// RateSearch, ipcpg sweep --rate auto's stepping, fed with synthetic results: a mechanism whose
// senders carry at most a fixed ceiling (achieved = min(offered, ceiling)).
#include <QTest>
#include <algorithm>
#include <cmath>
#include <limits>

#include "ipcpg/ratesearch.h"

using namespace ipcpg;

namespace {

// What a fake mechanism reports: at rate 0 (the probe) a closed-loop rate of `probe`, at an
// offered rate as much of it as `ceiling` allows.
RunResult fakeRun(double offered, double probe, double ceiling)
{
    RunResult result;
    if (offered == 0) {
        result.msgsPerS = probe;
        return result;
    }
    result.spec.rate = offered;
    RateReport report;
    report.offered = offered;
    report.achieved = std::min(offered, ceiling);
    result.rate = report;
    return result;
}

// Runs the search to its end; fails the test (and returns early) past 100 runs.
void drive(RateSearch& search, double probe, double ceiling)
{
    for (int guard = 0; guard < 100; ++guard) {
        const auto rate = search.nextRate();
        if (!rate)
            return;
        search.record(*rate, fakeRun(*rate, probe, ceiling));
    }
    QFAIL("the search did not end within 100 runs");
}

// The highest rate the fake ceiling keeps up with, by keptUp()'s rule.
double threshold(double ceiling) { return ceiling / (1.0 - kKeptUpTolerance); }

bool allDistinct(const std::vector<RateStep>& steps)
{
    for (std::size_t i = 0; i < steps.size(); ++i) {
        for (std::size_t j = i + 1; j < steps.size(); ++j) {
            if (steps[i].offered == steps[j].offered)
                return false;
        }
    }
    return true;
}

} // namespace

class TestRateSearch : public QObject {
    Q_OBJECT

private slots:
    void keptUpAllowsTheTolerance()
    {
        QCOMPARE(kKeptUpTolerance, 0.02);
        QVERIFY(keptUp(1000, fakeRun(1000, 0, 980)));
        QVERIFY(!keptUp(1000, fakeRun(1000, 0, 979)));
        RunResult partial = fakeRun(1000, 0, 1000);
        partial.partial = true;
        QVERIFY(!keptUp(1000, partial)); // a run that ended early counts as saturated
        RunResult failed = fakeRun(1000, 0, 1000);
        failed.error = "the receiver of pair 0 was killed";
        QVERIFY(!keptUp(1000, failed));
        QVERIFY(!keptUp(1000, RunResult {})); // no rate report at all
    }

    void ratePerReceiverCountsEveryReceiver()
    {
        RunResult result;
        result.msgsPerS = 4e6;
        result.spec.topology = Topology::FanOut;
        result.spec.subscribers = 4;
        QCOMPARE(ratePerReceiver(result), 1e6); // each subscriber's copy is counted in msgs/s
        result.spec.topology = Topology::FanIn;
        result.spec.subscribers = 1;
        result.spec.publishers = 4;
        QCOMPARE(ratePerReceiver(result), 4e6); // one receiver gets it all
        result.spec.topology = Topology::Pair;
        result.spec.publishers = 1;
        result.spec.workers = 2;
        QCOMPARE(ratePerReceiver(result), 2e6);
        result.partial = true;
        QCOMPARE(ratePerReceiver(result), 0.0);
    }

    void saturationIsTheHighestKeptUpBelowTheFirstShort()
    {
        const std::vector<RateStep> steps { { 3000, 3000, true, false }, { 1000, 1000, true, false },
            { 4000, 3100, false, false }, { 2000, 2000, true, false }, { 5000, 5000, true, false } };
        QCOMPARE(saturationRate(steps), std::optional<double>(3000)); // 5000 above the short 4000 is noise
        QCOMPARE(saturationRate({ { 1000, 1000, true, false } }), std::nullopt); // not reached
        QCOMPARE(saturationRate({ { 1000, 10, false, false } }), std::nullopt); // below the lowest
        QCOMPARE(saturationRate({}), std::nullopt);
    }

    void findsTheSaturationWithinTheRefinementTolerance_data()
    {
        QTest::addColumn<double>("probe"); // the closed-loop rate the probe reports
        QTest::addColumn<double>("ceiling"); // what open-loop senders really carry
        QTest::newRow("knee at 73% of the probe") << 1e6 << 0.73e6;
        QTest::newRow("knee at the probe") << 1e6 << 1e6;
        QTest::newRow("knee above the probe") << 1e6 << 1.15e6;
        QTest::newRow("a slow mechanism") << 50e3 << 41e3;
        QTest::newRow("knee below the first step") << 2e7 << 1.5e6;
        QTest::newRow("a fast mechanism") << 3e7 << 2.2e7;
    }

    void findsTheSaturationWithinTheRefinementTolerance()
    {
        QFETCH(double, probe);
        QFETCH(double, ceiling);
        const RateSearchPlan plan;
        RateSearch search(plan);
        drive(search, probe, ceiling);
        QVERIFY(!search.nextRate());
        QVERIFY(search.runs() <= plan.maxRuns);
        QCOMPARE(search.ceiling(), std::optional<double>(probe));
        QVERIFY(allDistinct(search.steps()));
        const auto saturation = search.saturation();
        QVERIFY(saturation);
        // The bracket is one rising step wide; each refinement halves it.
        const double tolerance = plan.stepFraction * probe / std::pow(2.0, plan.refinements);
        QVERIFY2(*saturation <= threshold(ceiling) && *saturation >= threshold(ceiling) - tolerance,
            qPrintable(QStringLiteral("saturation %1, expected within %2 below %3")
                           .arg(*saturation)
                           .arg(tolerance)
                           .arg(threshold(ceiling))));
        const auto refinements = std::count_if(
            search.steps().begin(), search.steps().end(), [](const RateStep& step) { return step.refinement; });
        QCOMPARE(static_cast<unsigned>(refinements), plan.refinements);
    }

    void aLowProbeKeepsRisingPastItsCeiling()
    {
        const RateSearchPlan plan;
        RateSearch search(plan);
        drive(search, 1e5, 3e5); // the probe came out at a third of what the senders carry
        QCOMPARE(search.runs(), plan.maxRuns);
        const auto saturation = search.saturation();
        QVERIFY(saturation);
        QVERIFY(*saturation <= threshold(3e5));
        QVERIFY(*saturation >= threshold(3e5) / plan.growthBeyond);
        QVERIFY(allDistinct(search.steps()));
    }

    void stopsAtTheRunCapWhenEveryRateIsCarried()
    {
        RateSearchPlan plan;
        plan.maxRuns = 10;
        RateSearch search(plan);
        drive(search, 1e6, std::numeric_limits<double>::infinity());
        QCOMPARE(search.runs(), 10U);
        QCOMPARE(search.steps().size(), std::size_t { 9 }); // the probe is not a step
        QVERIFY(!search.saturation());
        for (std::size_t i = 1; i < search.steps().size(); ++i)
            QVERIFY(search.steps()[i].offered > search.steps()[i - 1].offered);
        QCOMPARE(search.steps().front().offered, 0.1 * 1e6);
    }

    void neverOffersMoreThanTheLargestRate()
    {
        RateSearch search;
        drive(search, 2 * RunSpec::kMaxRate, std::numeric_limits<double>::infinity());
        QVERIFY(!search.steps().empty());
        QCOMPARE(search.steps().back().offered, RunSpec::kMaxRate);
        QVERIFY(allDistinct(search.steps()));
        QVERIFY(search.runs() < RateSearchPlan {}.maxRuns);
    }

    void aFailedProbeEndsTheSearch()
    {
        RateSearch search;
        QCOMPARE(search.nextRate(), std::optional<double>(0.0)); // the probe runs closed loop
        RunResult failed;
        failed.partial = true;
        failed.msgsPerS = 1e6;
        search.record(0, failed);
        QVERIFY(!search.nextRate());
        QVERIFY(!search.ceiling());
        QVERIFY(!search.saturation());
        QCOMPARE(search.runs(), 1U);
    }

    void aPartialStepCountsAsSaturated()
    {
        RateSearch search;
        for (int guard = 0; guard < 100; ++guard) {
            const auto rate = search.nextRate();
            if (!rate)
                break;
            RunResult result = fakeRun(*rate, 1e6, std::numeric_limits<double>::infinity());
            result.partial = std::abs(*rate - 0.5e6) < 1; // this one run ended early
            search.record(*rate, result);
        }
        const auto saturation = search.saturation();
        QVERIFY(saturation);
        QVERIFY(*saturation >= 0.4e6 && *saturation < 0.5e6);
        const auto shortStep = std::find_if(search.steps().begin(), search.steps().end(),
            [](const RateStep& step) { return std::abs(step.offered - 0.5e6) < 1; });
        QVERIFY(shortStep != search.steps().end());
        QVERIFY(!shortStep->keptUp);
    }
};

QTEST_APPLESS_MAIN(TestRateSearch)
#include "tst_ratesearch.moc"
