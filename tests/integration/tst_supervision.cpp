// What happens when things go wrong around a run: a side killed or stopped, a stop request.
#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QTest>
#include <csignal>
#include <thread>

#include "testenvironment.h"

using namespace ipcpg;

class TestSupervision : public QObject {
    Q_OBJECT

    test::PrivateRuntimeDir m_runtime;

private slots:
    void killedSideFailsTheRunAndLeavesNothing_data()
    {
        QTest::addColumn<int>("side");
        QTest::newRow("initiator") << 0;
        QTest::newRow("responder") << 1;
    }

    void killedSideFailsTheRunAndLeavesNothing()
    {
        QFETCH(int, side);
        RunSpec spec;
        spec.mechanism = "pipe";
        spec.durationS = 30;
        QElapsedTimer timer;
        timer.start();
        int killedPid = 0;
        const RunOutcome outcome = test::runWorkerAndAct(spec, 3, [&](const HelloMessage& hello) {
            killedPid = hello.workerPids.at(static_cast<std::size_t>(side));
            ::kill(killedPid, SIGKILL);
        });
        QVERIFY(timer.elapsed() < 10000);
        QCOMPARE(outcome.exitCode, 1);
        const QString error = QString::fromStdString(outcome.error);
        QVERIFY2(error.contains(QStringLiteral("pid %1").arg(killedPid)), qPrintable(error));
        QVERIFY2(error.contains(QStringLiteral("signal 9")), qPrintable(error));
        QVERIFY(outcome.result.has_value());
        QVERIFY(outcome.result->partial);
        QVERIFY(outcome.result->messages > 0); // what was measured before is kept
        QCOMPARE(test::leftoverObjects(*outcome.result), QStringList {});
        QCOMPARE(m_runtime.leftoverRunDirectories(), QStringList {});
    }

    void stoppedSideFailsTheRunWithinBoundedTime()
    {
        RunSpec spec;
        spec.mechanism = "pipe";
        spec.durationS = 30;
        QElapsedTimer timer;
        timer.start();
        const RunOutcome outcome = test::runWorkerAndAct(
            spec, 3, [](const HelloMessage& hello) { ::kill(hello.workerPids.at(1), SIGSTOP); });
        QVERIFY(timer.elapsed() < 10000);
        QCOMPARE(outcome.exitCode, 1);
        QVERIFY2(QString::fromStdString(outcome.error).contains(QStringLiteral("stopped")), outcome.error.c_str());
        QVERIFY(outcome.result && outcome.result->partial);
        QCOMPARE(m_runtime.leftoverRunDirectories(), QStringList {});
    }

    void cancelStopsEarlyWithAPartialResult()
    {
        RunSpec spec;
        spec.mechanism = "pipe";
        spec.durationS = 30;
        QElapsedTimer timer;
        timer.start();
        const RunOutcome outcome = test::runWorkerCancelledAfter(spec, 3);
        QVERIFY(timer.elapsed() < 5000);
        QCOMPARE(outcome.exitCode, 0);
        QVERIFY(outcome.result && outcome.result->partial);
        QVERIFY(outcome.result->messages > 0);
        QCOMPARE(outcome.result->integrityErrors, std::uint64_t { 0 });
    }

    void misbehavingWorkerFailsTheRunCleanly_data() { test::addMisbehavingWorkerRows(); }

    // The CLI's supervisor against a stand-in worker that breaks the protocol: a failed run with
    // a message, within the silence limit and a little, and no process left behind.
    void misbehavingWorkerFailsTheRunCleanly()
    {
        QFETCH(int, index);
        const test::FakeWorker fake = test::misbehavingWorkers().at(index);
        QTemporaryDir scratch;
        QVERIFY(scratch.isValid());
        SupervisorOptions options;
        options.workerPath = test::installFakeWorker(scratch.path(), fake).toStdString();
        options.silenceLimit = std::chrono::milliseconds(1000);
        RunSpec spec;
        spec.mechanism = "pipe";
        QElapsedTimer timer;
        timer.start();
        const RunOutcome outcome = superviseRun(spec, options);
        QVERIFY2(timer.elapsed() < 5000, qPrintable(QString::number(timer.elapsed())));
        QCOMPARE(outcome.exitCode, 1);
        QVERIFY2(QString::fromStdString(outcome.error).contains(fake.expected), outcome.error.c_str());
        const int pid = test::fakeWorkerPid(QString::fromStdString(options.workerPath));
        QVERIFY(pid > 0);
        QVERIFY2(test::waitUntilGone({ pid }, 1000), "the fake worker was left running");
    }

    void samplesArriveAboutEveryHundredMilliseconds()
    {
        RunSpec spec;
        spec.mechanism = "pipe";
        spec.durationS = 1.0;
        SupervisorOptions options;
        options.workerPath = test::workerPath().toStdString();
        std::vector<SampleMessage> samples;
        options.onSample = [&](const SampleMessage& sample) { samples.push_back(sample); };
        const RunOutcome outcome = superviseRun(spec, options);
        QVERIFY2(outcome.exitCode == 0, outcome.error.c_str());
        QVERIFY2(samples.size() >= 7 && samples.size() <= 15, qPrintable(QString::number(samples.size())));
        std::uint64_t total = 0;
        std::uint64_t histogramTotal = 0;
        for (const SampleMessage& sample : samples) {
            total += sample.messages;
            for (const auto& bucket : sample.histogramDelta)
                histogramTotal += bucket.second;
        }
        // Every measured message shows up in the samples, and in their histograms. The counter and
        // the histogram are read one after the other while the side runs on: a few messages apart
        // normally, more when the lead is preempted in between (a loaded machine, a sanitizer
        // build), hence a slack of a few messages or 0.1%.
        QVERIFY(total <= outcome.result->messages);
        QVERIFY(total >= outcome.result->messages * 8 / 10);
        const std::uint64_t slack = std::max<std::uint64_t>(4, total / 1000);
        QVERIFY2(histogramTotal + slack >= total && histogramTotal <= total + slack,
            qPrintable(QStringLiteral("histogram %1, counted %2").arg(histogramTotal).arg(total)));
    }
};

QTEST_GUILESS_MAIN(TestSupervision)
#include "tst_supervision.moc"
