// The rules every front end applies to what a user types: sizes, size lists, durations, sweeps.
#include <QTest>

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
};

QTEST_GUILESS_MAIN(TestFrontEndRules)
#include "tst_frontendrules.moc"
