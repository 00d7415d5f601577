// The Compare tab's pages run real sweeps: the mechanisms page a sweep over sizes (progress
// reaches 100% and the table has a row per pair), the scaling page one over member counts (a line
// per mechanism, a point per count), the load page runs at offered rates and a rate search.
#include <QAbstractItemModelTester>
#include <QBarSeries>
#include <QChartView>
#include <QFile>
#include <QLineSeries>
#include <QProgressBar>
#include <QScatterSeries>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <algorithm>
#include <cmath>
#include <set>

#include "controllers/loadcurvecontroller.h"
#include "controllers/runcontroller.h"
#include "controllers/sweepcontroller.h"
#include "ipcpg/mechanismregistry.h"
#include "models/sweepresultsmodel.h"
#include "testenvironment.h"
#include "views/comparetabs.h"
#include "views/compareview.h"
#include "views/loadcurveview.h"
#include "views/scalingview.h"
#include "views/sweepprogresspanel.h"

using namespace ipcpg;

class TestCompare : public QObject {
    Q_OBJECT

    test::PrivateRuntimeDir m_runtime;

private slots:
    void initTestCase() { qputenv("IPCPG_WORKER", test::workerPath().toLocal8Bit()); }

    void sweepFillsTableAndChart()
    {
        CompareView view;
        view.resize(1200, 800);
        view.show();
        QAbstractItemModelTester tester(view.resultsModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        // Two mechanisms when the build has them, so the bars are grouped.
        QStringList mechanisms { QStringLiteral("pipe") };
        if (MechanismRegistry::instance().find("unix-stream"))
            mechanisms << QStringLiteral("unix-stream");
        view.setMechanisms(mechanisms);
        view.setSizes(QStringLiteral("64, 4K, lots"));
        view.setDuration(0.2);
        QStringList skipped;
        const QList<RunSpec> plan = view.plan(&skipped);
        QCOMPARE(plan.size(), mechanisms.size() * 2);
        QCOMPARE(skipped.size(), 1);
        QVERIFY(skipped.front().contains(QStringLiteral("lots")));

        QSignalSpy finished(&view, &CompareView::sweepFinished);
        QSignalSpy results(view.sweep(), &SweepController::resultReady);
        view.startSweep();
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 60000);
        QCOMPARE(finished.at(0).at(0).toBool(), false);
        QCOMPARE(results.count(), plan.size());
        QCOMPARE(view.resultsModel()->rowCount(), static_cast<int>(plan.size()));
        QCOMPARE(view.progressBar()->value(), view.progressBar()->maximum());
        QCOMPARE(view.progressBar()->maximum(), static_cast<int>(plan.size()));
        for (const RunResult& result : view.resultsModel()->results()) {
            QVERIFY(result.messages > 0);
            QCOMPARE(result.integrityErrors, std::uint64_t { 0 });
        }
        auto* chart = qobject_cast<QChartView*>(view.chartWidget());
        QVERIFY(chart);
        QCOMPARE(chart->chart()->series().size(), 1); // one grouped bar series
    }

    // An option's value may list several, each run in turn where the mechanism takes it; a comma
    // before NAME= still separates two options.
    void optionListsAreOneRunPerValue()
    {
        CompareView view;
        view.setMechanisms({ QStringLiteral("pipe"), QStringLiteral("shm") });
        view.setSizes(QStringLiteral("64"));
        view.setOptions(QStringLiteral("sync=spin,futex copy=zero-copy"));
        QStringList skipped;
        QList<RunSpec> plan = view.plan(&skipped);
        QVERIFY2(skipped.isEmpty(), qPrintable(skipped.join(QStringLiteral("; "))));
        QCOMPARE(plan.size(), 3);
        QCOMPARE(plan[0].mechanism, std::string("pipe"));
        QCOMPARE(plan[1].options.at("sync"), std::string("spin"));
        QCOMPARE(plan[2].options.at("sync"), std::string("futex"));
        QCOMPARE(plan[2].options.at("copy"), std::string("zero-copy"));

        view.setOptions(QStringLiteral("copy=zero-copy,sync=futex oops"));
        plan = view.plan(&skipped);
        QCOMPARE(plan.size(), 2);
        QCOMPARE(plan[1].options.at("sync"), std::string("futex"));
        QCOMPARE(plan[1].options.at("copy"), std::string("zero-copy"));
        QVERIFY2(skipped.size() == 1 && skipped.front().contains(QStringLiteral("\"oops\"")),
            qPrintable(skipped.join(QStringLiteral("; "))));
    }

    // "Frameworks against the kernel beneath them" ticks every framework this build has and each
    // kernel mechanism beneath it, and runs each framework once per transport; the bars are told
    // apart by their options. A build without frameworks offers no preset.
    void frameworksPresetPairsEachFrameworkWithItsKernelMechanism()
    {
        CompareView view;
        view.resize(1200, 800);
        view.show();
        std::vector<const Mechanism*> frameworks;
        for (const Mechanism* mechanism : MechanismRegistry::instance().all()) {
            if (!mechanism->info().builtOn.empty())
                frameworks.push_back(mechanism);
        }
        if (frameworks.empty()) {
            QVERIFY(!view.applyPreset(QStringLiteral("frameworks")));
            return;
        }
        QVERIFY(view.applyPreset(QStringLiteral("frameworks")));
        view.setSizes(QStringLiteral("64"));
        view.setDuration(0.2);
        QStringList skipped;
        const QList<RunSpec> plan = view.plan(&skipped);
        QVERIFY2(skipped.isEmpty(), qPrintable(skipped.join(QStringLiteral("; "))));
        std::set<std::string> kernel;
        std::size_t frameworkRuns = 0;
        for (const Mechanism* framework : frameworks) {
            for (const BuiltOn& beneath : framework->info().builtOn) {
                kernel.insert(beneath.mechanism);
                const auto found = std::find_if(plan.begin(), plan.end(), [&](const RunSpec& spec) {
                    return spec.mechanism == framework->info().id
                        && std::all_of(beneath.options.begin(), beneath.options.end(),
                            [&](const auto& option) { return spec.options.at(option.first) == option.second; });
                });
                QVERIFY2(found != plan.end(), beneath.mechanism.c_str());
                ++frameworkRuns;
            }
        }
        QCOMPARE(static_cast<std::size_t>(plan.size()), frameworkRuns + kernel.size());
        for (const std::string& id : kernel) {
            QVERIFY2(
                std::count_if(plan.begin(), plan.end(), [&](const RunSpec& spec) { return spec.mechanism == id; }) == 1,
                id.c_str());
        }

        QSignalSpy finished(&view, &CompareView::sweepFinished);
        view.startSweep();
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 120000);
        QCOMPARE(view.resultsModel()->rowCount(), static_cast<int>(plan.size()));
        for (const RunResult& result : view.resultsModel()->results()) {
            QVERIFY(result.messages > 0);
            QCOMPARE(result.integrityErrors, std::uint64_t { 0 });
        }
        auto* chart = qobject_cast<QChartView*>(view.chartWidget());
        auto* bars = qobject_cast<QBarSeries*>(chart->chart()->series().value(0));
        QVERIFY(bars);
        QCOMPARE(bars->count(), static_cast<int>(plan.size())); // one bar per run: names differ
    }

    // Absurd lists are cut with the reason, not planned: 64 sizes at most, like ipcpg sweep.
    void sizeListIsBounded()
    {
        CompareView view;
        view.setMechanisms({ QString::fromStdString(MechanismRegistry::instance().all().front()->info().id) });
        QStringList many;
        for (int i = 1; i <= 1000; ++i)
            many << QString::number(i);
        view.setSizes(many.join(QLatin1Char(',')) + QStringLiteral(",1T,-1"));
        QStringList skipped;
        const QList<RunSpec> plan = view.plan(&skipped);
        QVERIFY(plan.size() <= 64);
        QVERIFY(!skipped.isEmpty());
        QVERIFY2(
            skipped.back().contains(QStringLiteral("\"65\"")) && skipped.back().contains(QStringLiteral("at most 64")),
            qPrintable(skipped.join(QStringLiteral("; "))));
    }

    void cancelStopsTheSweep()
    {
        CompareView view;
        view.setMechanisms({ QStringLiteral("pipe") });
        view.setSizes(QStringLiteral("64, 128, 256, 512, 1K, 2K"));
        // Each size would run for a minute: a sweep that ends within a third of one was cancelled
        // mid-run, on any machine.
        view.setDuration(test::kLongRunS);
        QSignalSpy finished(&view, &CompareView::sweepFinished);
        QSignalSpy progress(view.sweep(), &SweepController::progress);
        QSignalSpy samples(view.sweep()->runController(), &RunController::sampleReceived);
        view.startSweep();
        QTRY_VERIFY_WITH_TIMEOUT(samples.count() >= 1, 60000); // the first size is being measured
        QElapsedTimer timer;
        timer.start();
        view.cancelSweep();
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, test::kEndedEarlyMs);
        qInfo("the sweep ended %lld ms after Cancel", timer.elapsed());
        QCOMPARE(finished.at(0).at(0).toBool(), true);
        QVERIFY(view.resultsModel()->rowCount() <= 1);
        QCOMPARE(m_runtime.leftoverRunDirectories(), QStringList {});
    }

    // One line per mechanism, one point per member count, from real fan-outs; what cannot run is
    // skipped with the reason, and the rest still runs.
    void scalingDrawsALinePerMechanism()
    {
        ScalingView view;
        view.resize(1200, 800);
        view.show();
        QAbstractItemModelTester tester(view.resultsModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        view.setMechanisms({ QStringLiteral("pipe"), QStringLiteral("shm"), QStringLiteral("signal") });
        view.setMemberCounts(QStringLiteral("1, 3, many"));
        view.setSize(QStringLiteral("64"));
        view.setMode(Mode::Stream);
        view.setDuration(0.2);
        view.setMetric(ScalingView::Metric::HubCpu);
        QStringList skipped;
        const QList<RunSpec> plan = view.plan(&skipped);
        QCOMPARE(plan.size(), 4); // pipe and shm at 1 and 3; signal has no fan-out
        QVERIFY2(skipped.size() >= 2, qPrintable(skipped.join(QStringLiteral("; "))));
        QVERIFY(skipped.join(QLatin1Char(' ')).contains(QStringLiteral("\"many\"")));
        QVERIFY(skipped.join(QLatin1Char(' ')).contains(QStringLiteral("signal does not support the fanout")));
        for (const RunSpec& spec : plan)
            QVERIFY(spec.topology == Topology::FanOut);

        QSignalSpy finished(&view, &ScalingView::sweepFinished);
        view.startSweep();
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 60000);
        QCOMPARE(finished.at(0).at(0).toBool(), false);
        QCOMPARE(view.resultsModel()->rowCount(), 4);
        for (const RunResult& result : view.resultsModel()->results()) {
            QCOMPARE(result.members.size(), static_cast<std::size_t>(result.spec.subscribers));
            QCOMPARE(result.integrityErrors, std::uint64_t { 0 });
            QVERIFY(result.hubCpuNsPerMessage() > 0);
        }
        QList<QLineSeries*> lines;
        for (QAbstractSeries* series : view.chartView()->chart()->series()) {
            if (auto* line = qobject_cast<QLineSeries*>(series))
                lines << line;
        }
        QCOMPARE(lines.size(), 2);
        QCOMPARE(lines[0]->name(), QStringLiteral("pipe"));
        QCOMPARE(lines[1]->name(), QStringLiteral("shm"));
        for (QLineSeries* line : lines) {
            QCOMPARE(line->count(), 2);
            QCOMPARE(line->at(0).x(), 1.0);
            QCOMPARE(line->at(1).x(), 3.0);
            QVERIFY(line->at(0).y() > 0 && line->at(1).y() > 0);
        }

        QTemporaryDir out;
        QString error;
        const QString csv = out.filePath(QStringLiteral("scaling.csv"));
        QVERIFY2(view.exportData(DataFormat::Csv, csv, &error), qPrintable(error));
        QFile file(csv);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(file.readAll().trimmed().split('\n').size(), 1 + 4);
    }

    // Fixed rates: one run each, at the rate asked; far below what a pipe carries, each is kept up,
    // so the curve has no saturation and the chart no star.
    void loadCurveRunsEachRate()
    {
        LoadCurveView view;
        view.resize(1200, 800);
        view.show();
        view.setMechanisms({ QStringLiteral("pipe") });
        view.setSize(QStringLiteral("64"));
        view.setMode(Mode::Stream);
        view.setRates(QStringLiteral("1k, 2k, soon"));
        view.setDuration(0.5);
        QStringList skipped;
        const QList<LoadCurvePlan> plan = view.plan(&skipped);
        QCOMPARE(plan.size(), 1);
        QCOMPARE(plan.front().rates, (QList<double> { 1000.0, 2000.0 }));
        QCOMPARE(skipped.size(), 1);
        QVERIFY(skipped.front().contains(QStringLiteral("\"soon\"")));

        QSignalSpy finished(&view, &LoadCurveView::searchFinished);
        view.startSearch();
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 60000);
        QCOMPARE(finished.at(0).at(0).toBool(), false);
        const std::vector<LoadCurve>& curves = view.controller()->curves();
        QCOMPARE(curves.size(), std::size_t { 1 });
        QCOMPARE(curves.front().runs.size(), std::size_t { 2 });
        QCOMPARE(curves.front().runs[0].rate->offered, 1000.0);
        QCOMPARE(curves.front().runs[1].rate->offered, 2000.0);
        for (const RunResult& run : curves.front().runs)
            QVERIFY2(keptUp(run.rate->offered, run), qPrintable(QString::number(run.rate->achieved)));
        QVERIFY(!curves.front().saturation);
        QCOMPARE(view.resultsModel()->rowCount(), 2);
        QCOMPARE(
            view.resultsModel()->index(0, SweepResultsModel::KeptUpColumn).data().toString(), QStringLiteral("yes"));
        int lines = 0;
        for (QAbstractSeries* series : view.chartView()->chart()->series()) {
            QVERIFY2(!qobject_cast<QScatterSeries*>(series), "a star for a saturation that was not found");
            if (auto* line = qobject_cast<QLineSeries*>(series)) {
                ++lines;
                QCOMPARE(line->count(), 2); // p50, p99 and p99.9 at each rate
            }
        }
        QCOMPARE(lines, 3);
    }

    // auto: a closed-loop probe, then open-loop steps chosen from it. Whether this machine's pipe
    // saturates within the budget depends on the machine, so the test checks the search's own
    // rule: a saturation has a step that kept up at it and one above it that did not.
    void loadCurveSearchesForSaturation()
    {
        LoadCurveView view;
        view.resize(1200, 800);
        view.show();
        view.setMechanisms({ QStringLiteral("pipe") });
        view.setSize(QStringLiteral("64"));
        view.setMode(Mode::Stream);
        view.setRates(QStringLiteral("auto"));
        view.setDuration(0.2);
        QSignalSpy finished(&view, &LoadCurveView::searchFinished);
        QSignalSpy progress(view.controller(), &LoadCurveController::progress);
        view.startSearch();
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 240000);
        QCOMPARE(finished.at(0).at(0).toBool(), false);
        const LoadCurve& curve = view.controller()->curves().front();
        QVERIFY(curve.runs.size() >= 3);
        QVERIFY(curve.runs.size() <= RateSearchPlan {}.maxRuns);
        QCOMPARE(curve.runs.front().spec.rate, 0.0); // the probe
        QVERIFY(!curve.runs.front().rate);
        const double ceiling = ratePerReceiver(curve.runs.front());
        QVERIFY(ceiling > 0);
        QVERIFY(std::abs(curve.runs[1].rate->offered - 0.1 * ceiling) < 1e-6 * ceiling);
        const std::vector<RateStep> steps = rateSteps(curve.runs);
        if (curve.saturation) {
            QVERIFY(std::any_of(steps.begin(), steps.end(),
                [&curve](const RateStep& step) { return step.offered == *curve.saturation && step.keptUp; }));
            QVERIFY(std::any_of(steps.begin(), steps.end(),
                [&curve](const RateStep& step) { return step.offered > *curve.saturation && !step.keptUp; }));
        } else {
            QVERIFY(std::all_of(steps.begin(), steps.end(), [](const RateStep& step) { return step.keptUp; }));
        }
        bool star = false;
        for (QAbstractSeries* series : view.chartView()->chart()->series()) {
            if (auto* stars = qobject_cast<QScatterSeries*>(series))
                star = stars->count() == 1;
        }
        QCOMPARE(star, curve.saturation.has_value());
        // The budget a search did not use is taken off: the bar ends full.
        const QList<QVariant> last = progress.last();
        QCOMPARE(last.at(0).toInt(), static_cast<int>(curve.runs.size()));
        QCOMPARE(last.at(1).toInt(), static_cast<int>(curve.runs.size()));
        QCOMPARE(view.progressPanel()->progressBar()->value(), view.progressPanel()->progressBar()->maximum());
    }

    void cancelStopsTheLoadCurve()
    {
        LoadCurveView view;
        view.setMechanisms({ QStringLiteral("pipe"), QStringLiteral("fifo") });
        view.setRates(QStringLiteral("1k, 2k"));
        view.setDuration(test::kLongRunS);
        QSignalSpy finished(&view, &LoadCurveView::searchFinished);
        QSignalSpy samples(view.controller()->runController(), &RunController::sampleReceived);
        view.startSearch();
        QTRY_VERIFY_WITH_TIMEOUT(samples.count() >= 1, 60000);
        view.cancelSearch();
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, test::kEndedEarlyMs);
        QCOMPARE(finished.at(0).at(0).toBool(), true);
        QCOMPARE(view.controller()->curves().size(), std::size_t { 1 }); // fifo never started
        QVERIFY(view.controller()->curves().front().runs.size() <= 1);
        QVERIFY(!view.controller()->curves().front().saturation); // a stopped run says nothing of the rate
        QVERIFY(!view.controller()->isRunning());
        QCOMPARE(m_runtime.leftoverRunDirectories(), QStringList {});
    }

    // The File menu asks the Compare tab, which hands the export to the page in view.
    void compareTabsExportThePageInView()
    {
        CompareTabs tabs;
        QTemporaryDir out;
        tabs.setCurrentWidget(tabs.scaling());
        QCOMPARE(tabs.exportedChart(), static_cast<QWidget*>(tabs.scaling()->chartView()));
        tabs.setCurrentWidget(tabs.load());
        QCOMPARE(tabs.exportedChart(), static_cast<QWidget*>(tabs.load()->chartView()));
        RunResult run;
        run.spec.mechanism = "pipe";
        tabs.mechanisms()->resultsModel()->append(run);
        tabs.setCurrentWidget(tabs.mechanisms());
        QString error;
        const QString json = out.filePath(QStringLiteral("mechanisms.json"));
        QVERIFY2(tabs.exportData(DataFormat::Json, json, &error), qPrintable(error));
        QFile file(json);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QVERIFY(file.readAll().contains("\"pipe\""));
    }
};

QTEST_MAIN(TestCompare)
#include "tst_compare.moc"
