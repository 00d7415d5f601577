// The rules every front end applies to what a user types: sizes, size lists, member counts,
// rates, durations, sweeps.
#include <QTest>
#include <algorithm>

#include "ipcpg/frontendrules.h"

using namespace ipcpg;

namespace {

bool mentions(const std::string& text, const char* word) { return text.find(word) != std::string::npos; }

} // namespace

class TestFrontEndRules : public QObject {
    Q_OBJECT

private slots:
    void sizesAreBytesUpToTheCeiling()
    {
        QCOMPARE(*parseMessageSize("4K").value, std::uint64_t { 4096 });
        QCOMPARE(*parseMessageSize("0").value, std::uint64_t { 0 });
        QCOMPARE(*parseMessageSize("16M").value, RunSpec::kMaxMessageSize);
        for (const char* bad : { "lots", "-1", "", "1.5K" }) {
            const auto parsed = parseMessageSize(bad);
            QVERIFY2(!parsed.value, bad);
            QVERIFY2(mentions(parsed.error, (std::string("\"") + bad + "\"").c_str()), parsed.error.c_str());
            QVERIFY2(mentions(parsed.error, "16M"), parsed.error.c_str());
        }
        const auto above = parseMessageSize("17M");
        QVERIFY(!above.value);
        QVERIFY2(mentions(above.error, "17 MiB") && mentions(above.error, "16M"), above.error.c_str());
    }

    void aSizeListNamesEveryBadItemAndTheFirstTooMany()
    {
        const SizeList list = parseMessageSizeList("64, 4K,lots,1M");
        QCOMPARE(list.sizes, (std::vector<std::uint64_t> { 64, 4096, 1U << 20 }));
        QCOMPARE(list.badItems.size(), std::size_t { 1 });
        QVERIFY2(mentions(list.badItems.front(), "\"lots\""), list.badItems.front().c_str());
        QVERIFY(list.tooMany.empty());

        std::string many;
        for (std::size_t i = 1; i <= kMaxSweepSizes + 1; ++i)
            many += (i > 1 ? "," : "") + std::to_string(i);
        const SizeList tooLong = parseMessageSizeList(many);
        QCOMPARE(tooLong.sizes.size(), kMaxSweepSizes);
        QVERIFY2(
            mentions(tooLong.tooMany, "at most 64") && mentions(tooLong.tooMany, "\"65\""), tooLong.tooMany.c_str());
    }

    void aMemberCountListNamesEveryBadItem()
    {
        const ValueList<unsigned> list = parseMemberCountList("1, 2,4,0,many,65,8");
        QCOMPARE(list.values, (std::vector<unsigned> { 1, 2, 4, 8 }));
        QCOMPARE(list.badItems.size(), std::size_t { 3 });
        for (const char* bad : { "\"0\"", "\"many\"", "\"65\"" }) {
            const bool named = std::any_of(list.badItems.begin(), list.badItems.end(),
                [bad](const std::string& item) { return mentions(item, bad); });
            QVERIFY2(named, bad);
        }
        QVERIFY2(mentions(list.badItems.front(), "from 1 to 64"), list.badItems.front().c_str());
        QVERIFY(list.tooMany.empty());
        const ValueList<unsigned> empty = parseMemberCountList("1,,2");
        QCOMPARE(empty.badItems.size(), std::size_t { 1 });
        QVERIFY2(mentions(empty.badItems.front(), "\"\""), empty.badItems.front().c_str());
    }

    void aRateListNamesEveryBadItemAndTheFirstTooMany()
    {
        const ValueList<double> list = parseOfferedRateList("10k, 2.5M,fast,500,-1");
        QCOMPARE(list.values, (std::vector<double> { 10e3, 2.5e6, 500 }));
        QCOMPARE(list.badItems.size(), std::size_t { 2 });
        QVERIFY2(
            mentions(list.badItems[0], "\"fast\"") && mentions(list.badItems[0], "100M"), list.badItems[0].c_str());
        QVERIFY2(mentions(list.badItems[1], "\"-1\""), list.badItems[1].c_str());
        QVERIFY(!parseOfferedRateList("0").badItems.empty()); // 0 is closed loop, not a rate to offer
        QVERIFY(!parseOfferedRateList("200M").badItems.empty());

        std::string many;
        for (std::size_t i = 1; i <= kMaxSweepSteps + 1; ++i)
            many += (i > 1 ? "," : "") + std::to_string(i) + "k";
        const ValueList<double> tooLong = parseOfferedRateList(many);
        QCOMPARE(tooLong.values.size(), kMaxSweepSteps);
        QVERIFY2(mentions(tooLong.tooMany, "65 rates") && mentions(tooLong.tooMany, "at most 64")
                && mentions(tooLong.tooMany, "\"65k\""),
            tooLong.tooMany.c_str());
    }

    void durationsHaveARange()
    {
        QCOMPARE(*parseDuration("0.5").value, 0.5);
        QVERIFY(!parseDuration("0").value);
        QVERIFY2(mentions(parseDuration("0").error, "more than 0"), parseDuration("0").error.c_str());
        const auto tooLong = parseDuration("90000");
        QVERIFY(!tooLong.value);
        QVERIFY2(mentions(tooLong.error, "86400"), tooLong.error.c_str());
        const auto belowFloor = parseDuration("0.05", 0.1, 3600);
        QVERIFY(!belowFloor.value);
        QVERIFY2(mentions(belowFloor.error, "3600"), belowFloor.error.c_str());
    }

    void refusalAsksWithoutChangingTheSpec()
    {
        RunSpec fine;
        fine.mechanism = "pipe";
        QVERIFY(!refusal(fine));
        QVERIFY(fine.options.empty()); // validation's defaults went to a copy
        RunSpec signal;
        signal.mechanism = "signal";
        signal.messageSize = 1 << 20;
        const auto reason = refusal(signal);
        QVERIFY(reason);
        QVERIFY2(mentions(*reason, "signal"), reason->c_str());
    }

    void aSweepPlansWhatIsAllowedAndSaysWhatItSkipped()
    {
        RunSpec base;
        base.durationS = 0.1;
        SweepAxes axes;
        axes.mechanisms = { "pipe", "signal" };
        axes.sizes = { 4, 4096 };
        axes.modes = { Mode::PingPong };
        axes.placements = { Placement::Unpinned };
        const SweepPlan plan = planSweep(base, axes);
        // pipe takes both sizes; a signal carries at most 4 bytes.
        QCOMPARE(plan.runs.size(), std::size_t { 3 });
        QCOMPARE(plan.skipped.size(), std::size_t { 1 });
        QCOMPARE(plan.skipped.front().spec.mechanism, std::string("signal"));
        QCOMPARE(plan.skipped.front().spec.messageSize, std::uint64_t { 4096 });
        QVERIFY(!plan.skipped.front().reason.empty());
        QCOMPARE(plan.runs.front().label, runLabel(plan.runs.front().spec));
        QVERIFY2(mentions(plan.runs.front().label, "pipe") && mentions(plan.runs.front().label, "unpinned"),
            plan.runs.front().label.c_str());
    }

    void aSweepVariesMembersThenRateInsideTheOtherAxes()
    {
        RunSpec base;
        base.topology = Topology::FanOut;
        base.mode = Mode::Stream;
        SweepAxes axes;
        axes.mechanisms = { "pipe" };
        axes.sizes = { 64, 4096 };
        axes.modes = { Mode::Stream };
        axes.placements = { Placement::Unpinned };
        axes.memberCounts = { 1, 4 };
        axes.rates = { 1000, 2000 };
        const SweepPlan plan = planSweep(base, axes);
        QVERIFY(plan.skipped.empty());
        QCOMPARE(plan.runs.size(), std::size_t { 8 });
        struct Expected {
            std::uint64_t size;
            unsigned subscribers;
            double rate;
        };
        const Expected order[] = { { 64, 1, 1000 }, { 64, 1, 2000 }, { 64, 4, 1000 }, { 64, 4, 2000 },
            { 4096, 1, 1000 }, { 4096, 1, 2000 }, { 4096, 4, 1000 }, { 4096, 4, 2000 } };
        for (std::size_t i = 0; i < plan.runs.size(); ++i) {
            const RunSpec& spec = plan.runs[i].spec;
            QCOMPARE(spec.messageSize, order[i].size);
            QCOMPARE(spec.subscribers, order[i].subscribers);
            QCOMPARE(spec.publishers, 1U);
            QCOMPARE(spec.rate, order[i].rate);
        }
        QVERIFY2(mentions(plan.runs[3].label, "fanout 4") && mentions(plan.runs[3].label, "2.00 k/s"),
            plan.runs[3].label.c_str());
    }

    // "sync=spin,futex" runs shm once per value; pipe, which has no sync option, runs once; a value
    // shm does not take is left out, and a list of which it takes none is refused by name.
    void anOptionListIsAnAxisOfTheMechanismsThatTakeIt()
    {
        RunSpec base;
        base.options = { { "sync", "spin, futex,warp" }, { "copy", "zero-copy" } };
        SweepAxes axes;
        axes.mechanisms = { "shm", "pipe" };
        axes.sizes = { 64, 4096 };
        axes.modes = { Mode::PingPong };
        axes.placements = { Placement::Unpinned };
        const SweepPlan plan = planSweep(base, axes);
        QVERIFY(plan.skipped.empty());
        QCOMPARE(plan.runs.size(), std::size_t { 6 });
        const std::string expected[][2]
            = { { "spin", "64" }, { "spin", "4096" }, { "futex", "64" }, { "futex", "4096" } };
        for (std::size_t i = 0; i < 4; ++i) {
            const RunSpec& spec = plan.runs[i].spec;
            QCOMPARE(spec.mechanism, std::string("shm"));
            QCOMPARE(spec.options.at("sync"), expected[i][0]);
            QCOMPARE(std::to_string(spec.messageSize), expected[i][1]);
            QCOMPARE(spec.options.at("copy"), std::string("zero-copy"));
        }
        QCOMPARE(plan.runs[4].spec.mechanism, std::string("pipe"));
        QVERIFY(plan.runs[4].spec.options.count("sync") == 0);

        base.options = { { "sync", "warp,weft" } };
        axes.mechanisms = { "shm" };
        axes.sizes = { 64 };
        const SweepPlan refused = planSweep(base, axes);
        QVERIFY(refused.runs.empty());
        QCOMPARE(refused.skipped.size(), std::size_t { 1 });
        QVERIFY2(
            mentions(refused.skipped.front().reason, "warp,weft") && mentions(refused.skipped.front().reason, "spin"),
            refused.skipped.front().reason.c_str());
    }

    void emptyMemberAndRateAxesKeepTheBase()
    {
        RunSpec base;
        base.topology = Topology::FanIn;
        base.publishers = 3;
        base.rate = 500;
        SweepAxes axes;
        axes.mechanisms = { "pipe" };
        axes.sizes = { 64 };
        axes.modes = { Mode::PingPong };
        axes.placements = { Placement::Unpinned };
        const SweepPlan plan = planSweep(base, axes);
        QCOMPARE(plan.runs.size(), std::size_t { 1 });
        QCOMPARE(plan.runs.front().spec.publishers, 3U);
        QCOMPARE(plan.runs.front().spec.rate, 500.0);
    }

    void aSweepSkipsWhatTheTopologyRefusesWithTheReason()
    {
        RunSpec base;
        base.topology = Topology::FanIn;
        SweepAxes axes;
        // Signals carry no sender, so one receiver cannot check each publisher's order.
        axes.mechanisms = { "pipe", "signal" };
        axes.sizes = { 4 };
        axes.modes = { Mode::Stream };
        axes.placements = { Placement::Unpinned };
        axes.memberCounts = { 2, 3 };
        const SweepPlan plan = planSweep(base, axes);
        QCOMPARE(plan.runs.size(), std::size_t { 2 });
        QCOMPARE(plan.runs[1].spec.publishers, 3U);
        QCOMPARE(plan.skipped.size(), std::size_t { 2 });
        for (const SkippedRun& skip : plan.skipped) {
            QCOMPARE(skip.spec.mechanism, std::string("signal"));
            QVERIFY2(mentions(skip.reason, "signal") && mentions(skip.reason, "fanin"), skip.reason.c_str());
        }
        QCOMPARE(plan.skipped[0].spec.publishers, 2U);
        QCOMPARE(plan.skipped[1].spec.publishers, 3U);
    }

    void aPairHasNoMembersToSweep()
    {
        RunSpec base;
        SweepAxes axes;
        axes.mechanisms = { "pipe" };
        axes.sizes = { 64 };
        axes.modes = { Mode::PingPong };
        axes.placements = { Placement::Unpinned };
        axes.memberCounts = { 1, 2 };
        const SweepPlan plan = planSweep(base, axes);
        QCOMPARE(plan.runs.size(), std::size_t { 1 }); // 1 is every topology's count
        QCOMPARE(plan.skipped.size(), std::size_t { 1 });
        const std::string& reason = plan.skipped.front().reason;
        QVERIFY2(
            mentions(reason, "2 members") && mentions(reason, "fanout") && mentions(reason, "pair"), reason.c_str());
    }
};

QTEST_GUILESS_MAIN(TestFrontEndRules)
#include "tst_frontendrules.moc"
