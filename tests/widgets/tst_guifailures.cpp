// The desktop app when things go wrong: a worker killed mid-run, a worker that talks nonsense,
// the app itself killed, and bad values on its command line and in its fields.
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QElapsedTimer>
#include <QLabel>
#include <QLineEdit>
#include <QProcess>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTest>
#include <csignal>

#include "controllers/runcontroller.h"
#include "ipcpg/mechanismregistry.h"
#include "ipcpg/units.h"
#include "models/resultsmodel.h"
#include "testenvironment.h"
#include "views/mainwindow.h"
#include "views/runsetuppanel.h"

using namespace ipcpg;

namespace {

QString guiPath() { return qEnvironmentVariable("IPCPG_GUI"); }

QStringList strings(std::initializer_list<const char*> texts)
{
    QStringList list;
    for (const char* text : texts)
        list << QString::fromUtf8(text);
    return list;
}

// Environment for an ipc-playground started by a test: offscreen, with settings of its own.
QProcessEnvironment guiEnvironment(const QString& configHome)
{
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    environment.insert(QStringLiteral("XDG_CONFIG_HOME"), configHome);
    return environment;
}

// Sets IPCPG_WORKER for the lifetime of the object.
class WorkerOverride {
public:
    explicit WorkerOverride(const QString& path)
        : m_saved(qgetenv("IPCPG_WORKER"))
    {
        qputenv("IPCPG_WORKER", path.toLocal8Bit());
    }
    ~WorkerOverride() { qputenv("IPCPG_WORKER", m_saved); }
    WorkerOverride(const WorkerOverride&) = delete;
    WorkerOverride& operator=(const WorkerOverride&) = delete;

private:
    QByteArray m_saved;
};

} // namespace

class TestGuiFailures : public QObject {
    Q_OBJECT

    test::PrivateRuntimeDir m_runtime;
    QTemporaryDir m_scratch;

private slots:
    void initTestCase()
    {
        QVERIFY(m_scratch.isValid());
        qputenv("IPCPG_WORKER", test::workerPath().toLocal8Bit());
    }

    void killedWorkerShowsInTheWindow_data()
    {
        QTest::addColumn<int>("victim"); // 0: the lead, 1: side A, 2: side B
        QTest::newRow("lead") << 0;
        QTest::newRow("side A") << 1;
        QTest::newRow("side B") << 2;
    }

    // The window says which process died and how, keeps what was measured (partial) and is
    // ready for the next run, which works.
    void killedWorkerShowsInTheWindow()
    {
        QFETCH(int, victim);
        MainWindow window;
        window.show();
        RunSpec spec;
        spec.mechanism = MechanismRegistry::instance().all().front()->info().id;
        spec.durationS = test::kLongRunS;
        window.setupPanel()->setSpec(spec);
        QSignalSpy finished(&window, &MainWindow::runFinished);
        QSignalSpy failed(&window, &MainWindow::runFailed);
        QSignalSpy samples(window.controller(), &RunController::sampleReceived);
        HelloMessage hello;
        connect(window.controller(), &RunController::started, this, [&](const HelloMessage& h) { hello = h; });
        QVERIFY(window.startRun());
        QTRY_VERIFY_WITH_TIMEOUT(samples.count() >= 3, 60000);
        const test::RunObjects objects = test::objectsOfLiveRun(m_runtime.path(), hello.pid);
        const int pid = victim == 0 ? hello.pid : hello.workerPids.at(static_cast<qsizetype>(victim - 1));
        QCOMPARE(::kill(pid, SIGKILL), 0);

        QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, test::kEndedEarlyMs);
        const QString reason = failed.at(0).at(0).toString();
        QVERIFY2(reason.contains(QStringLiteral("pid %1)").arg(pid)), qPrintable(reason));
        QVERIFY2(reason.contains(QStringLiteral("signal 9")), qPrintable(reason));
        const auto* banner = window.findChild<QLabel*>(QStringLiteral("errorBanner"));
        QVERIFY(banner);
        QVERIFY(banner->isVisible());
        QVERIFY(banner->text().contains(reason));

        // What was measured is kept and marked partial, whoever died.
        QCOMPARE(finished.count(), 1);
        const RunResult result = finished.at(0).at(0).value<RunResult>();
        QVERIFY(result.partial);
        QVERIFY(result.messages > 0);
        QVERIFY(window.results()->result() && window.results()->result()->partial);

        QVERIFY(!window.controller()->isRunning());
        QCOMPARE(window.setupPanel()->startButton()->text(), QStringLiteral("&Start"));
        QVERIFY(window.setupPanel()->startButton()->isEnabled());
        QVERIFY(test::waitUntilGone(
            QList<int> { hello.pid } + QList<int>(hello.workerPids.begin(), hello.workerPids.end()), 1000));
        QCOMPARE(test::stillExisting(objects), QStringList {});
        QCOMPARE(m_runtime.leftoverRunDirectories(), QStringList {});

        spec.durationS = 0.3;
        window.setupPanel()->setSpec(spec);
        QVERIFY(window.startRun());
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, 60000); // a 0.3 s run: a bound for a hang
        QCOMPARE(failed.count(), 1);
        QVERIFY(!finished.at(1).at(0).value<RunResult>().partial);
        QVERIFY(banner->isHidden());
    }

    void misbehavingWorkerFailsTheRunCleanly_data() { test::addMisbehavingWorkerRows(); }

    void misbehavingWorkerFailsTheRunCleanly()
    {
        QFETCH(int, index);
        const test::FakeWorker fake = test::misbehavingWorkers().at(index);
        const QString path = test::installFakeWorker(m_scratch.path(), fake);
        const WorkerOverride worker(path);
        RunController controller;
        controller.setSilenceLimits({ std::chrono::milliseconds(1000), std::chrono::milliseconds(1000) });
        QSignalSpy failed(&controller, &RunController::failed);
        RunSpec spec;
        spec.mechanism = MechanismRegistry::instance().all().front()->info().id;
        QElapsedTimer timer;
        timer.start();
        QVERIFY(controller.start(spec));
        // Bounded by the silence limit (1 s) and the waits for an exit after it, with room for a
        // sanitizer build on a loaded machine; an unbounded wait (the fault checked) never ends.
        QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, 20000);
        qInfo("the run failed %lld ms after it started", timer.elapsed());
        const QString reason = failed.at(0).at(0).toString();
        QVERIFY2(reason.contains(fake.expected), qPrintable(reason));
        QCOMPARE(controller.state(), RunController::State::Idle);
        const int pid = test::fakeWorkerPid(path);
        QVERIFY(pid > 0);
        QVERIFY2(test::waitUntilGone({ pid }, 5000), "the fake worker was left running");
        // The controller takes the next run.
        QSignalSpy failedAgain(&controller, &RunController::failed);
        QVERIFY(controller.start(spec));
        QTRY_COMPARE_WITH_TIMEOUT(failedAgain.count(), 1, 20000);
    }

    // Killed outright, the app cannot stop its run: the lead's parent-death signal (SIGTERM)
    // makes it stop its sides and remove its objects, within a second.
    void killedAppTakesItsWorkersAlong()
    {
        QProcess gui;
        gui.setProcessEnvironment(guiEnvironment(m_scratch.path() + QStringLiteral("/config")));
        gui.start(guiPath(),
            { QStringLiteral("--mechanism"),
                QString::fromStdString(MechanismRegistry::instance().all().front()->info().id),
                QStringLiteral("--duration"), QStringLiteral("3600"), QStringLiteral("--start") });
        QVERIFY(gui.waitForStarted());
        test::killFrontEndAndCheckItsWorkersGo(gui, m_runtime);
    }

    void badCommandLineExitsTwoNamingTheValue_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QStringList>("mentions"); // the value and the allowed range
        QTest::newRow("size 1T") << strings({ "--size", "1T" }) << strings({ "1T", "16M" });
        QTest::newRow("size negative") << strings({ "--size", "-1" }) << strings({ "-1", "16M" });
        QTest::newRow("size empty") << strings({ "--size", "" }) << strings({ "\"\"", "16M" });
        QTest::newRow("size words") << strings({ "--size", "lots" }) << strings({ "lots", "16M" });
        QTest::newRow("duration negative") << strings({ "--duration", "-1" }) << strings({ "-1", "3600" });
        QTest::newRow("duration zero") << strings({ "--duration", "0" }) << strings({ "\"0\"", "3600" });
        QTest::newRow("duration absurd") << strings({ "--duration", "1e9" }) << strings({ "1e9", "3600" });
        QTest::newRow("duration empty") << strings({ "--duration", "" }) << strings({ "\"\"", "3600" });
        QTest::newRow("mechanism unknown") << strings({ "--mechanism", "pigeon" }) << strings({ "pigeon", "pipe" });
        QTest::newRow("mechanism empty") << strings({ "--mechanism", "" }) << strings({ "\"\"", "pipe" });
        QTest::newRow("mode") << strings({ "--mode", "sideways" }) << strings({ "sideways", "pingpong or stream" });
        QTest::newRow("placement") << strings({ "--placement", "moon" }) << strings({ "moon", "same-core" });
        QTest::newRow("option syntax") << strings({ "--option", "novalue" }) << strings({ "novalue", "NAME=VALUE" });
        QTest::newRow("option unknown") << strings({ "--mechanism", "pipe", "--option", "colour=blue" })
                                        << strings({ "colour", "no options" });
        QTest::newRow("sync on pipe") << strings({ "--mechanism", "pipe", "--sync", "spin" })
                                      << strings({ "sync", "pipe" });
        QTest::newRow("topology") << strings({ "--topology", "star" }) << strings({ "star", "pair, fanout or fanin" });
        QTest::newRow("subscribers zero")
            << strings({ "--topology", "fanout", "--subscribers", "0" }) << strings({ "--subscribers", "\"0\"", "64" });
        QTest::newRow("subscribers too many")
            << strings({ "--topology", "fanout", "--subscribers", "65" }) << strings({ "--subscribers", "65", "64" });
        QTest::newRow("publishers words")
            << strings({ "--topology", "fanin", "--publishers", "lots" }) << strings({ "--publishers", "lots", "64" });
        QTest::newRow("subscribers of a pair")
            << strings({ "--topology", "pair", "--subscribers", "4" }) << strings({ "subscribers", "fanout" });
        for (const Mechanism* mechanism : MechanismRegistry::instance().all()) {
            if (mechanism->info().fanin.supported)
                continue;
            const QString id = QString::fromStdString(mechanism->info().id);
            QTest::addRow("fanin on %s", mechanism->info().id.c_str()) << QStringList { QStringLiteral("--mechanism"),
                id, QStringLiteral("--topology"), QStringLiteral("fanin") }
                                                                       << QStringList { id, QStringLiteral("fanin") };
            break; // one is enough: the registry's sentence is the same for each
        }
        QTest::newRow("rate words") << strings({ "--rate", "fast" }) << strings({ "--rate", "fast", "100M", "off" });
        QTest::newRow("rate zero") << strings({ "--rate", "0" }) << strings({ "\"0\"", "100M" });
        QTest::newRow("scaling of a pair")
            << strings({ "--scaling", "pipe", "--topology", "pair" }) << strings({ "pair", "fanout or fanin" });
        QTest::newRow("scaling members") << strings({ "--scaling", "pipe", "--members", "1,x" })
                                         << strings({ "--members", "\"x\"", "64" });
        QTest::newRow("scaling unknown mechanism")
            << strings({ "--scaling", "pigeon" }) << strings({ "--scaling", "pigeon", "ipcpg list" });
        QTest::newRow("scaling metric") << strings({ "--scaling", "pipe", "--show", "speed" })
                                        << strings({ "speed", "p50", "hub-cpu" });
        QTest::newRow("scaling refused") << strings({ "--scaling", "signal" }) << strings({ "signal", "fanout" });
        QTest::newRow("load rate") << strings({ "--load", "pipe", "--rate", "1k,fast" })
                                   << strings({ "--rate", "fast", "100M", "auto" });
        QTest::newRow("load size list") << strings({ "--load", "pipe", "--size", "64,4K" })
                                        << strings({ "64,4K", "one size", "--load" });
        QTest::newRow("load duration") << strings({ "--load", "pipe", "--duration", "61" })
                                       << strings({ "61", "60", "--load" });
        QTest::newRow("theme") << strings({ "--theme", "purple" }) << strings({ "purple", "system, light or dark" });
        QTest::newRow("unknown option") << strings({ "--turbo" }) << strings({ "turbo" });
        QTest::newRow("missing value") << strings({ "--size" }) << strings({ "size" });
        QTest::newRow("stray argument") << strings({ "pipe" }) << strings({ "pipe" });
    }

    void badCommandLineExitsTwoNamingTheValue()
    {
        QFETCH(QStringList, arguments);
        QFETCH(QStringList, mentions);
        QProcess gui;
        gui.setProcessEnvironment(guiEnvironment(m_scratch.path() + QStringLiteral("/config")));
        gui.start(guiPath(), arguments);
        QVERIFY(gui.waitForFinished(20000));
        QCOMPARE(gui.exitStatus(), QProcess::NormalExit);
        QCOMPARE(gui.exitCode(), 2);
        const QString error = QString::fromLocal8Bit(gui.readAllStandardError()).trimmed();
        QVERIFY2(!error.contains(QLatin1Char('\n')), qPrintable(error));
        for (const QString& mention : mentions)
            QVERIFY2(error.contains(mention), qPrintable(error));
    }

    // The number fields cannot hold a value outside their range, whatever is typed.
    void numberFieldsStayInRange()
    {
        RunSetupPanel panel;
        panel.show();
        QCOMPARE(panel.durationBox()->minimum(), 0.1);
        QCOMPARE(panel.durationBox()->maximum(), 3600.0);
        QCOMPARE(panel.workersBox()->minimum(), 1);
        QCOMPARE(panel.workersBox()->maximum(), static_cast<int>(RunSpec::kMaxWorkers));
        QCOMPARE(panel.messagesBox()->minimum(), 1);
        QVERIFY(panel.messagesBox()->maximum() <= 2'000'000'000);
        const QStringList typed { QStringLiteral("-5"), QStringLiteral("0"), QStringLiteral("99999999999"),
            QStringLiteral("abc"), QStringLiteral("1e9"), QString() };
        for (QAbstractSpinBox* box :
            std::initializer_list<QAbstractSpinBox*> { panel.durationBox(), panel.workersBox(), panel.messagesBox() }) {
            auto* edit = box->findChild<QLineEdit*>();
            QVERIFY(edit);
            for (const QString& text : typed) {
                edit->selectAll();
                QTest::keyClicks(edit, text);
                QTest::keyClick(edit, Qt::Key_Enter);
                box->clearFocus();
                const RunSpec spec = panel.spec();
                QVERIFY2(spec.workers >= 1 && spec.workers <= RunSpec::kMaxWorkers, qPrintable(text));
                QVERIFY2(panel.durationBox()->value() >= 0.1 && panel.durationBox()->value() <= 3600, qPrintable(text));
                QVERIFY2(panel.messagesBox()->value() >= 1, qPrintable(text));
            }
        }
    }

    void sizeFieldRefusesWithTheReason_data()
    {
        QTest::addColumn<QString>("mechanism");
        QTest::addColumn<QString>("typed");
        QTest::addColumn<QStringList>("mentions");
        const QString first = QString::fromStdString(MechanismRegistry::instance().all().front()->info().id);
        QTest::newRow("1T") << first << QStringLiteral("1T") << strings({ "TiB", "16 MiB" });
        QTest::newRow("17M") << first << QStringLiteral("17M") << strings({ "17 MiB", "16 MiB" });
        QTest::newRow("negative") << first << QStringLiteral("-1") << strings({ "\"-1\"", "16 MiB" });
        QTest::newRow("empty") << first << QString() << strings({ "\"\"", "16 MiB" });
        QTest::newRow("words") << first << QStringLiteral("lots") << strings({ "\"lots\"", "16 MiB" });
        QTest::newRow("fraction") << first << QStringLiteral("1.5K") << strings({ "\"1.5K\"", "16 MiB" });
        QTest::newRow("beyond 64 bits") << first << QStringLiteral("99999999999999999999")
                                        << strings({ "99999999999999999999", "16 MiB" });
        // Every mechanism with a ceiling of its own refuses one byte more, giving that ceiling's reason.
        for (const Mechanism* mechanism : MechanismRegistry::instance().all()) {
            const SizeLimit limit = mechanism->sizeLimit(MechanismRegistry::instance().resolveOptions(*mechanism, {}));
            if (limit.max >= RunSpec::kMaxMessageSize)
                continue;
            QTest::addRow("%s above its limit", mechanism->info().id.c_str())
                << QString::fromStdString(mechanism->info().id) << QString::number(limit.max + 1)
                << QStringList { QString::fromStdString(mechanism->info().id),
                       QStringLiteral("(%1 B)").arg(limit.max) };
        }
    }

    void sizeFieldRefusesWithTheReason()
    {
        QFETCH(QString, mechanism);
        QFETCH(QString, typed);
        QFETCH(QStringList, mentions);
        MainWindow window;
        RunSetupPanel* panel = window.setupPanel();
        panel->mechanismBox()->setCurrentIndex(panel->mechanismBox()->findData(mechanism));
        panel->sizeBox()->setEditText(typed);
        const QString problem = panel->problem();
        for (const QString& mention : mentions)
            QVERIFY2(problem.contains(mention), qPrintable(problem));
        QVERIFY(!panel->startButton()->isEnabled());
        QVERIFY(!window.startRun());
        QVERIFY(!window.controller()->isRunning());
    }
};

QTEST_MAIN(TestGuiFailures)
#include "tst_guifailures.moc"
