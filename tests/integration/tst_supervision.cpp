// What happens when things go wrong around a run: a side killed or stopped, a stop request.
#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QTest>
#include <algorithm>
#include <csignal>
#include <fcntl.h>
#include <nlohmann/json.hpp>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

#include "ipcpg/controlprotocol.h"
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
        spec.durationS = test::kLongRunS;
        QElapsedTimer timer;
        timer.start();
        int killedPid = 0;
        const RunOutcome outcome = test::runWorkerAndAct(spec, 3, [&](const HelloMessage& hello) {
            killedPid = hello.workerPids.at(static_cast<std::size_t>(side));
            ::kill(killedPid, SIGKILL);
        });
        QVERIFY(timer.elapsed() < test::kEndedEarlyMs);
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
        spec.durationS = test::kLongRunS;
        QElapsedTimer timer;
        timer.start();
        const RunOutcome outcome = test::runWorkerAndAct(
            spec, 3, [](const HelloMessage& hello) { ::kill(hello.workerPids.at(1), SIGSTOP); });
        QVERIFY(timer.elapsed() < test::kEndedEarlyMs);
        QCOMPARE(outcome.exitCode, 1);
        QVERIFY2(QString::fromStdString(outcome.error).contains(QStringLiteral("stopped")), outcome.error.c_str());
        QVERIFY(outcome.result && outcome.result->partial);
        QCOMPARE(m_runtime.leftoverRunDirectories(), QStringList {});
    }

    void cancelStopsEarlyWithAPartialResult()
    {
        RunSpec spec;
        spec.mechanism = "pipe";
        spec.durationS = test::kLongRunS;
        QElapsedTimer timer;
        timer.start();
        const RunOutcome outcome = test::runWorkerCancelledAfter(spec, 3);
        QVERIFY(timer.elapsed() < test::kEndedEarlyMs);
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
        options.silence = { std::chrono::milliseconds(1000), std::chrono::milliseconds(1000) };
        RunSpec spec;
        spec.mechanism = "pipe";
        QElapsedTimer timer;
        timer.start();
        const RunOutcome outcome = superviseRun(spec, options);
        // Bounded by the silence limit (1 s), the 2 s the supervisor waits for an exit and the 2 s
        // after a kill, and room for a sanitizer build on a loaded machine; an unbounded wait (the
        // fault this checks) would hit ctest's timeout instead.
        QVERIFY2(timer.elapsed() < 20000, qPrintable(QString::number(timer.elapsed())));
        QCOMPARE(outcome.exitCode, 1);
        QVERIFY2(QString::fromStdString(outcome.error).contains(fake.expected), outcome.error.c_str());
        const int pid = test::fakeWorkerPid(QString::fromStdString(options.workerPath));
        QVERIFY(pid > 0);
        QVERIFY2(test::waitUntilGone({ pid }, 1000), "the fake worker was left running");
    }

    // A front end that stops reading for 2 s (a busy GUI) makes the lead drop samples on a full
    // control pipe. Nothing of theirs is lost: the samples that did arrive add up to the result,
    // messages, histogram and errors alike, and the result says how many were not written. The
    // pipe is shrunk to one page so a stall of 2 s fills it on any machine.
    void stalledFrontEndLosesNothingOfTheSamples()
    {
        RunSpec spec;
        spec.mechanism = "pipe";
        spec.messageSize = 64;
        spec.durationS = 3600; // ended by this test, after the stall
        spec.warmupS = 0;
        int control[2];
        QCOMPARE(pipe2(control, O_CLOEXEC), 0);
        QVERIFY(fcntl(control[1], F_SETPIPE_SZ, 4096) >= 0);
        const std::string worker = test::workerPath().toStdString();
        const std::string json = nlohmann::json(spec).dump();
        const pid_t lead = fork();
        if (lead == 0) {
            dup2(control[1], STDOUT_FILENO);
            prctl(PR_SET_PDEATHSIG, SIGKILL);
            execl(worker.c_str(), worker.c_str(), "--run", json.c_str(), static_cast<char*>(nullptr));
            _exit(127);
        }
        close(control[1]);
        const int fd = control[0];

        ControlLineBuffer lines;
        std::vector<SampleMessage> samples;
        std::optional<RunResult> result;
        QStringList errors;
        // Reads what is there (waiting up to `waitMs` for it) and returns false at end of stream.
        const auto readSome = [&](int waitMs) {
            pollfd pfd { fd, POLLIN, 0 };
            if (poll(&pfd, 1, waitMs) <= 0)
                return true;
            char buffer[65536];
            const ssize_t n = read(fd, buffer, sizeof buffer);
            if (n <= 0)
                return false;
            lines.append(std::string_view(buffer, static_cast<std::size_t>(n)));
            while (const auto line = lines.nextLine()) {
                const ControlMessage message = parseControlLine(*line);
                if (const auto* sample = std::get_if<SampleMessage>(&message))
                    samples.push_back(*sample);
                else if (const auto* final = std::get_if<ResultMessage>(&message))
                    result = final->result;
                else if (const auto* error = std::get_if<ErrorMessage>(&message))
                    errors << QString::fromStdString(error->message);
            }
            return true;
        };
        QElapsedTimer timer;
        timer.start();
        while (samples.size() < 3 && timer.elapsed() < 60000 && readSome(100)) { }
        QVERIFY2(samples.size() >= 3, qPrintable(errors.join(QStringLiteral("; "))));
        std::this_thread::sleep_for(std::chrono::seconds(2)); // the stall: nothing is read
        ::kill(lead, SIGTERM); // then a stop, as the front end's Stop would send
        while (!result && timer.elapsed() < 120000 && readSome(100)) { }
        while (readSome(100)) { } // to the end of the stream
        close(fd);
        int status = 0;
        QCOMPARE(waitpid(lead, &status, 0), lead);
        QVERIFY2(WIFEXITED(status) && WEXITSTATUS(status) == 0, qPrintable(errors.join(QStringLiteral("; "))));
        QVERIFY(result);

        std::uint64_t messages = 0;
        std::uint64_t histogramCount = 0;
        for (const SampleMessage& sample : samples) {
            messages += sample.messages;
            for (const auto& bucket : sample.histogramDelta)
                histogramCount += bucket.second;
        }
        QVERIFY2(result->samplesNotWritten > 0, "the stall filled no pipe: the test proves nothing");
        QCOMPARE(samples.back().samplesNotWritten, result->samplesNotWritten);
        QVERIFY(result->messages > 0);
        QCOMPARE(messages, result->messages);
        QCOMPARE(samples.back().totalMessages, result->messages);
        QCOMPARE(histogramCount, result->histogram.count());
        QCOMPARE(samples.back().integrityErrors, result->integrityErrors);
        QCOMPARE(samples.back().lost, result->lost);
        QCOMPARE(result->integrityErrors, std::uint64_t { 0 });
        qInfo("%zu samples arrived, %llu were not written; %llu messages", samples.size(),
            static_cast<unsigned long long>(result->samplesNotWritten), static_cast<unsigned long long>(messages));
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
        // The pace is the lead's: the median gap between samples, which a loaded machine may
        // stretch now and then but not as a rule (a count in a second would race the clock).
        QVERIFY2(samples.size() >= 3, qPrintable(QString::number(samples.size())));
        std::vector<double> gaps;
        for (std::size_t i = 1; i < samples.size(); ++i)
            gaps.push_back(samples[i].elapsedS - samples[i - 1].elapsedS);
        std::nth_element(gaps.begin(), gaps.begin() + static_cast<std::ptrdiff_t>(gaps.size() / 2), gaps.end());
        const double medianGap = gaps[gaps.size() / 2];
        QVERIFY2(medianGap >= 0.05 && medianGap <= 0.2, qPrintable(QString::number(medianGap)));
        std::uint64_t total = 0;
        std::uint64_t histogramTotal = 0;
        for (const SampleMessage& sample : samples) {
            total += sample.messages;
            for (const auto& bucket : sample.histogramDelta)
                histogramTotal += bucket.second;
        }
        // Every measured message shows up in the samples, and in their histograms: the deltas add
        // up to the last running total, which the result's count includes. The counter and the
        // histogram are read one after the other while the side runs on: a few messages apart
        // normally, more when the lead is preempted in between (a loaded machine, a sanitizer
        // build), hence a slack of a few messages or 0.1%.
        QCOMPARE(total, samples.back().totalMessages);
        QVERIFY(total > 0);
        QVERIFY(total <= outcome.result->messages);
        const std::uint64_t slack = std::max<std::uint64_t>(4, total / 1000);
        QVERIFY2(histogramTotal + slack >= total && histogramTotal <= total + slack,
            qPrintable(QStringLiteral("histogram %1, counted %2").arg(histogramTotal).arg(total)));
    }
};

QTEST_GUILESS_MAIN(TestSupervision)
#include "tst_supervision.moc"
