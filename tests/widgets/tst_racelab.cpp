// The race lab view on the offscreen platform, with real workers behind it.
#include <QComboBox>
#include <QLabel>
#include <QLineSeries>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTest>
#include <QTextBrowser>

#include "controllers/racecontroller.h"
#include "ipcpg/raceregistry.h"
#include "testenvironment.h"
#include "views/racelabview.h"

using namespace ipcpg;

class TestRaceLab : public QObject {
    Q_OBJECT

    test::PrivateRuntimeDir m_runtime;

    static void select(QComboBox* box, const QString& data)
    {
        const int index = box->findData(data);
        QVERIFY2(index >= 0, qPrintable(data));
        box->setCurrentIndex(index);
    }

private slots:
    void initTestCase() { qputenv("IPCPG_WORKER", test::workerPath().toLocal8Bit()); }

    void everyScenarioHasAnExplanationAndItsModes()
    {
        RaceLabView view;
        QCOMPARE(view.scenarioBox()->count(), static_cast<int>(RaceRegistry::instance().all().size()));
        for (const RaceScenarioInfo* info : RaceRegistry::instance().all()) {
            const QString id = QString::fromStdString(info->id);
            const QString text = RaceLabView::explanationText(id);
            QVERIFY2(text.size() > 500, qPrintable(id));
            select(view.scenarioBox(), id);
            QVERIFY(!view.explanation()->toPlainText().isEmpty());
            QVERIFY2(view.explanation()->toMarkdown().contains(QStringLiteral("Why")), qPrintable(id));
            QCOMPARE(view.syncBox()->count(), static_cast<int>(info->modes.size()));
            for (const RaceSyncMode& mode : info->modes)
                QVERIFY(view.syncBox()->findData(QString::fromStdString(mode.id)) >= 0);
            // The controls take the scenario's ranges and defaults.
            QCOMPARE(view.workersBox()->value(), static_cast<int>(info->workers.defaultValue));
            QCOMPARE(view.workersBox()->isEnabled(), info->workers.min != info->workers.max);
            QCOMPARE(view.windowBox()->maximum(), static_cast<int>(info->windowNs.max));
            QCOMPARE(view.recordSizeBox()->isEnabled(), info->recordSize.has_value());
            const RaceSpec spec = view.spec();
            QCOMPARE(spec.scenario, info->id);
            QCOMPARE(spec.recordSize.has_value(), info->recordSize.has_value());
        }
    }

    void everyControlHasATooltip()
    {
        RaceLabView view;
        const auto widgets = view.findChildren<QWidget*>();
        int controls = 0;
        for (QWidget* widget : widgets) {
            if (!qobject_cast<QComboBox*>(widget) && !qobject_cast<QSpinBox*>(widget)
                && !qobject_cast<QPushButton*>(widget) && !qobject_cast<QTextBrowser*>(widget))
                continue;
            ++controls;
            QVERIFY2(!widget->toolTip().isEmpty(), widget->metaObject()->className());
        }
        QCOMPARE(controls, 8);
    }

    void brokenModeShowsErrorsLiveAndSwitchingTheModeRestartsWithoutErrors()
    {
        RaceLabView view;
        view.show();
        select(view.scenarioBox(), QStringLiteral("counter"));
        select(view.syncBox(), QStringLiteral("none"));
        // As many iterations as allowed, so the race is still going when the test switches the
        // mode and stops it, however fast this machine is; the test ends it, not its count.
        view.iterationsBox()->setValue(view.iterationsBox()->maximum());
        QSignalSpy started(view.controller(), &RaceController::started);
        QSignalSpy samples(view.controller(), &RaceController::sampleReceived);
        QSignalSpy finished(view.controller(), &RaceController::finished);
        QVERIFY(view.start());
        QCOMPARE(view.startButton()->text(), QStringLiteral("S&top"));

        // Errors climb while the race runs, not only at its end.
        QTRY_VERIFY_WITH_TIMEOUT(view.errorTotalSeries()->count() >= 3, 60000);
        QVERIFY(view.controller()->isRunning());
        QTRY_VERIFY_WITH_TIMEOUT(view.errorTotalSeries()->at(view.errorTotalSeries()->count() - 1).y() > 0, 60000);
        QVERIFY(view.expectedSeries()->count() >= 3);
        QVERIFY(view.observedSeries()->count() >= 3);
        QVERIFY(view.tallyLabel()->text().contains(QStringLiteral("lost updates")));

        // One click on the mode: the race restarts with the fix, on the same timeline.
        const double switchedAt = view.errorTotalSeries()->at(view.errorTotalSeries()->count() - 1).x();
        select(view.syncBox(), QStringLiteral("atomic"));
        QTRY_COMPARE_WITH_TIMEOUT(started.count(), 2, 60000);
        QCOMPARE(finished.count(), 1); // the broken race ended and reported first
        QVERIFY(finished.at(0).at(0).value<RaceResult>().partial);
        QVERIFY(finished.at(0).at(0).value<RaceResult>().syncErrors > 0);
        QCOMPARE(view.controller()->spec().sync, std::string("atomic"));
        const qsizetype before = samples.count();
        QTRY_VERIFY_WITH_TIMEOUT(samples.count() >= before + 3, 60000);
        for (qsizetype i = before; i < samples.count(); ++i)
            QCOMPARE(samples.at(i).at(0).value<SampleMessage>().syncErrors, std::uint64_t { 0 });
        view.refresh();
        const QLineSeries* rate = view.errorRateSeries();
        QVERIFY(rate->at(rate->count() - 1).x() > switchedAt);
        QCOMPARE(rate->at(rate->count() - 1).y(), 0.0);

        view.stop();
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, test::kEndedEarlyMs); // partial says it ended early
        const RaceResult result = finished.at(1).at(0).value<RaceResult>();
        QVERIFY(result.partial);
        QCOMPARE(result.syncErrors, std::uint64_t { 0 });
        QCOMPARE(result.observed, result.expected);
        QCOMPARE(view.startButton()->text(), QStringLiteral("&Start"));
        QCOMPARE(m_runtime.leftoverRunDirectories(), QStringList {});
    }

    void refusedSpecReportsTheReason()
    {
        RaceController controller;
        QSignalSpy failed(&controller, &RaceController::failed);
        RaceSpec spec;
        spec.scenario = "torn";
        spec.sync = "none";
        spec.recordSize = 100;
        QVERIFY(!controller.start(spec));
        QCOMPARE(failed.count(), 1);
        QVERIFY(failed.at(0).at(0).toString().contains(QStringLiteral("100")));
        QVERIFY(!controller.isRunning());
    }
};

QTEST_MAIN(TestRaceLab)
#include "tst_racelab.moc"
