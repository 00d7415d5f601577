// The dbus mechanism beyond "every message arrives" (tst_mechanisms): every mode and size up to
// its limit over the run's private bus, the limit refused by name, the generated bus
// configuration (this user only, in the private directory), and that no dbus-daemon and no
// socket file outlive a run: a normal one, a failed one, and one whose lead was SIGKILLed.
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTest>
#include <QXmlStreamReader>
#include <csignal>
#include <unistd.h>

#include "ipcpg/error.h"
#include "ipcpg/frame.h"
#include "ipcpg/mechanismregistry.h"
#include "ipcpg/runresources.h"
#include "testenvironment.h"
#include "transports/dbusbus.h"

using namespace ipcpg;

Q_DECLARE_METATYPE(ipcpg::Mode)

namespace {

std::uint64_t dbusLimit() { return MechanismRegistry::instance().find("dbus")->sizeLimit({}).max; }

// dbus-daemon processes whose command line names something under `under` (a run's config).
QList<int> daemonsUnder(const QString& under)
{
    QList<int> found;
    const QStringList entries = QDir(QStringLiteral("/proc")).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString& entry : entries) {
        bool numeric = false;
        const int pid = entry.toInt(&numeric);
        if (!numeric)
            continue;
        const QString exe = QFileInfo(QStringLiteral("/proc/%1/exe").arg(pid)).symLinkTarget();
        if (QFileInfo(exe).fileName() != QLatin1String("dbus-daemon"))
            continue;
        QFile cmdline(QStringLiteral("/proc/%1/cmdline").arg(pid));
        if (cmdline.open(QIODevice::ReadOnly) && QString::fromUtf8(cmdline.readAll()).contains(under))
            found.append(pid);
    }
    return found;
}

} // namespace

class TestDbus : public QObject {
    Q_OBJECT

    test::PrivateRuntimeDir m_runtime;

    void checkNothingLeft()
    {
        QCOMPARE(daemonsUnder(m_runtime.path()), QList<int> {});
        QCOMPARE(m_runtime.leftoverRunDirectories(), QStringList {});
    }

private slots:
    // Both modes, 1 B to the limit: every message verified, counted, and nothing left behind.
    void deliversEveryMessage_data()
    {
        QTest::addColumn<Mode>("mode");
        QTest::addColumn<quint64>("size");
        for (Mode mode : { Mode::PingPong, Mode::Stream }) {
            for (quint64 size : { quint64 { 1 }, quint64 { 64 }, quint64 { 4096 }, quint64 { 65536 },
                     quint64 { 1 } << 20, quint64 { dbusLimit() } })
                QTest::addRow("%s %lluB", toString(mode).data(), static_cast<unsigned long long>(size)) << mode << size;
        }
    }

    void deliversEveryMessage()
    {
        QFETCH(Mode, mode);
        QFETCH(quint64, size);
        const std::uint64_t messages = size > (1U << 20) ? 6 : size == (1U << 20) ? 40 : 400;
        const RunSpec spec = test::countedRun("dbus", mode, size, messages);
        const RunOutcome outcome = test::runWorker(spec);
        QVERIFY2(outcome.exitCode == 0, outcome.error.c_str());
        const RunResult& result = *outcome.result;
        QVERIFY2(!result.partial, result.error.c_str());
        QVERIFY2(result.integrityErrors == 0 && result.lost == 0, qPrintable(test::describeCounts(result)));
        QCOMPARE(result.messages, messages);
        QCOMPARE(result.histogram.count(), result.messages);
        QCOMPARE(test::leftoverObjects(result), QStringList {});
        checkNothingLeft();
    }

    // A stream far longer than the window: the acknowledgements keep the sender within it, the
    // daemon never disconnects anyone, and nothing is lost.
    void aLongStreamStaysWithinTheWindow()
    {
        const RunSpec spec = test::countedRun("dbus", Mode::Stream, 65536, 3000);
        const RunOutcome outcome = test::runWorker(spec);
        QVERIFY2(outcome.exitCode == 0, outcome.error.c_str());
        QVERIFY2(outcome.result->integrityErrors == 0 && outcome.result->lost == 0,
            qPrintable(test::describeCounts(*outcome.result)));
        QCOMPARE(outcome.result->messages, spec.messages);
        checkNothingLeft();
    }

    // One byte over the limit is refused up front, naming dbus, the size and the limit.
    void refusesSizesAboveTheLimit()
    {
        const QString over = QString::number(dbusLimit() + 1);
        const test::ProcessOutput output
            = test::runCli({ "run", "--mechanism", "dbus", "--size", over, "--mode", "pingpong", "--duration", "0.2" });
        QCOMPARE(output.exitCode, 2);
        const QString error = QString::fromUtf8(output.err).trimmed();
        QVERIFY2(error.contains(QLatin1String("dbus")) && error.contains(over)
                && error.contains(QString::number(dbusLimit())),
            qPrintable(output.describe()));
        QVERIFY2(!error.contains(QLatin1Char('\n')), qPrintable(error));
    }

    // The configuration admits this user only, listens in the private directory with EXTERNAL
    // authentication, and the daemon started on it goes with its owner.
    void theBusIsThisUsersAlone()
    {
        QString configPath;
        QString directory;
        int daemon = 0;
        {
            RunResources resources;
            directory = QString::fromStdString(resources.directory());
            const DbusBus bus("dbus-test", resources);
            configPath = QString::fromStdString(bus.configPath());
            daemon = bus.daemonPid();
            QVERIFY(QString::fromStdString(bus.address()).startsWith(QLatin1String("unix:path=") + directory + '/'));
            QCOMPARE(daemonsUnder(configPath), QList<int> { daemon });
            QCOMPARE(QFileInfo(directory).permissions() & (QFile::ReadGroup | QFile::ReadOther), QFile::Permissions {});

            QFile file(configPath);
            QVERIFY(file.open(QIODevice::ReadOnly));
            QCOMPARE(file.permissions() & (QFile::ReadGroup | QFile::ReadOther), QFile::Permissions {});
            const QByteArray text = file.readAll();
            QXmlStreamReader xml(text);
            const QString me = QString::number(getuid());
            QString type, listen, auth, policy;
            QStringList userPolicies, allowedUsers, defaultDenials;
            while (!xml.atEnd()) {
                if (xml.readNext() != QXmlStreamReader::StartElement)
                    continue;
                const QString name = xml.name().toString();
                const auto attributes = xml.attributes();
                if (name == QLatin1String("type"))
                    type = xml.readElementText();
                else if (name == QLatin1String("listen"))
                    listen = xml.readElementText();
                else if (name == QLatin1String("auth"))
                    auth = xml.readElementText();
                else if (name == QLatin1String("policy")) {
                    policy = attributes.hasAttribute(QLatin1String("user"))
                        ? attributes.value(QLatin1String("user")).toString()
                        : attributes.value(QLatin1String("context")).toString();
                    if (attributes.hasAttribute(QLatin1String("user")))
                        userPolicies.append(policy);
                } else if (name == QLatin1String("allow")) {
                    // Who may connect is bus-global (the default policy); everything else is
                    // allowed in this user's policy only.
                    if (attributes.hasAttribute(QLatin1String("user")))
                        allowedUsers.append(attributes.value(QLatin1String("user")).toString());
                    else
                        QVERIFY2(policy == me, qPrintable(QStringLiteral("an allow rule outside uid ") + me));
                } else if (name == QLatin1String("deny") && policy == QLatin1String("default")) {
                    for (const auto& attribute : attributes)
                        defaultDenials.append(attribute.name().toString() + '=' + attribute.value().toString());
                }
            }
            QVERIFY2(!xml.hasError(), qPrintable(xml.errorString()));
            QCOMPARE(type, QStringLiteral("custom"));
            QCOMPARE(auth, QStringLiteral("EXTERNAL"));
            QVERIFY2(listen.startsWith(QLatin1String("unix:path=") + directory + '/'), qPrintable(listen));
            QCOMPARE(userPolicies, QStringList { me });
            QCOMPARE(allowedUsers, QStringList { me });
            for (const char* denial : { "user=*", "own=*", "send_type=method_call", "send_type=signal",
                     "receive_type=method_call", "receive_type=signal" })
                QVERIFY2(defaultDenials.contains(QLatin1String(denial)), denial);
        }
        QVERIFY(test::processGone(daemon));
        QVERIFY(!QFileInfo::exists(configPath));
        QVERIFY(!QFileInfo::exists(directory));
    }

    // A side SIGKILLed mid-run: the run fails naming it, and the bus daemon and its files go.
    void aFailedRunLeavesNothing_data()
    {
        QTest::addColumn<Mode>("mode");
        QTest::addColumn<int>("victim");
        QTest::newRow("pingpong, initiator") << Mode::PingPong << 0;
        QTest::newRow("stream, receiver") << Mode::Stream << 1;
    }

    void aFailedRunLeavesNothing()
    {
        QFETCH(Mode, mode);
        QFETCH(int, victim);
        RunSpec spec = test::countedRun("dbus", mode, 64, 0);
        spec.durationS = test::kLongRunS;
        QList<int> daemons;
        int killedPid = 0;
        const RunOutcome outcome = test::runWorkerAndAct(spec, 2, [&](const HelloMessage& hello) {
            daemons = daemonsUnder(m_runtime.path());
            killedPid = hello.workerPids.at(static_cast<std::size_t>(victim));
            ::kill(killedPid, SIGKILL);
        });
        QCOMPARE(outcome.exitCode, 1);
        QVERIFY2(QString::fromStdString(outcome.error).contains(QStringLiteral("pid %1").arg(killedPid)),
            outcome.error.c_str());
        QCOMPARE(daemons.size(), 1);
        QVERIFY(test::waitUntilGone(daemons, 10000));
        QCOMPARE(test::leftoverObjects(*outcome.result), QStringList {});
        checkNothingLeft();
    }

    // The lead SIGKILLed: its daemon dies with it (parent-death signal), and the next sweep of
    // stale runs removes the socket file and the configuration it could not.
    void aKilledLeadLeavesNoDaemon()
    {
        RunSpec spec = test::countedRun("dbus", Mode::Stream, 64, 0);
        spec.durationS = test::kLongRunS;
        QList<int> daemons;
        test::RunObjects seen;
        const RunOutcome outcome = test::runWorkerAndAct(spec, 2, [&](const HelloMessage& hello) {
            daemons = daemonsUnder(m_runtime.path());
            seen = test::objectsOfLiveRun(m_runtime.path(), hello.pid);
            ::kill(hello.pid, SIGKILL);
        });
        QVERIFY(outcome.exitCode != 0);
        QCOMPARE(daemons.size(), 1);
        QVERIFY2(test::waitUntilGone(daemons, 10000), "the bus daemon outlived its lead");
        bool sawSocket = false;
        for (const QString& file : seen.files)
            sawSocket = sawSocket || file.endsWith(QLatin1String(".socket"));
        QVERIFY2(sawSocket, qPrintable(seen.files.join(QLatin1Char(' '))));
        RunResources::removeStaleObjects();
        QCOMPARE(test::stillExisting(seen), QStringList {});
        checkNothingLeft();
    }
};

QTEST_GUILESS_MAIN(TestDbus)
#include "tst_dbus.moc"
