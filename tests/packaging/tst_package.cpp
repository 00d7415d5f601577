// The packages as a user gets them: CPack builds the .deb and the .tar.gz from this build tree,
// the .deb is unpacked into a temporary root with `dpkg -x`, and the programs run from there.
// IPCPG_WORKER is removed from every child's environment (ctest unsets it for this test as well),
// so the programs must find the worker in <root>/usr/libexec/ipcpg on their own.
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include "processoutput.h"
#include "testenvironment.h"

using ipcpg::test::ProcessOutput;
using ipcpg::test::requiredEnvironment;
using ipcpg::test::runProcess;

namespace {

// Every file under `root`, as paths relative to it, sorted.
QStringList filesUnder(const QString& root)
{
    QStringList files;
    QDirIterator it(root, QDir::Files | QDir::Hidden | QDir::System, QDirIterator::Subdirectories);
    while (it.hasNext())
        files.append(QDir(root).relativeFilePath(it.next()));
    files.sort();
    return files;
}

// Package names in a Depends field, without versions or alternatives.
QStringList packageNames(const QString& depends)
{
    QStringList names;
    for (const QString& item : depends.split(QRegularExpression(QStringLiteral("[,|]")), Qt::SkipEmptyParts))
        names.append(item.trimmed().section(QLatin1Char(' '), 0, 0).section(QLatin1Char(':'), 0, 0));
    names.removeAll(QString());
    return names;
}

} // namespace

class TestPackage : public QObject {
    Q_OBJECT

    ipcpg::test::PrivateRuntimeDir m_runtime;
    QTemporaryDir m_work { QDir::tempPath() + QStringLiteral("/ipcpg-package-XXXXXX") };
    bool m_gui = qEnvironmentVariableIsSet("IPCPG_GUI");
    // The build has the zeromq mechanism: its library is a dependency of the package.
    bool m_zeromq = qEnvironmentVariableIsSet("IPCPG_WITH_ZEROMQ");
    // The build has the dbus mechanism: its library, and the daemon each run starts.
    bool m_dbus = qEnvironmentVariableIsSet("IPCPG_WITH_DBUS");
    // The build has the grpc mechanism: gRPC's C++ library (protobuf comes with it).
    bool m_grpc = qEnvironmentVariableIsSet("IPCPG_WITH_GRPC");
    QString m_appId = m_gui ? requiredEnvironment("IPCPG_APP_ID") : QString();
    QString m_version = requiredEnvironment("IPCPG_EXPECTED_VERSION");
    QString m_deb;
    QString m_tarball;
    QString m_root;

    QString root(const QString& path) const { return m_root + QLatin1Char('/') + path; }

    // The environment of a user who installed the package: no IPCPG_WORKER, no display, and
    // settings in a scratch directory rather than the developer's own.
    QProcessEnvironment userEnvironment() const
    {
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.remove(QStringLiteral("IPCPG_WORKER"));
        environment.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
        environment.insert(QStringLiteral("XDG_CONFIG_HOME"), m_work.filePath(QStringLiteral("config")));
        return environment;
    }

    ProcessOutput runInstalled(const QString& program, const QStringList& arguments) const
    {
        return runProcess(root(QStringLiteral("usr/bin/")) + program, arguments, userEnvironment());
    }

    QStringList expectedFiles() const
    {
        QStringList files {
            QStringLiteral("usr/bin/ipcpg"),
            QStringLiteral("usr/libexec/ipcpg/ipcpg-worker"),
            QStringLiteral("usr/share/doc/ipc-playground/LICENSE"),
            QStringLiteral("usr/share/doc/ipc-playground/README.md"),
            QStringLiteral("usr/share/doc/ipc-playground/copyright"),
            QStringLiteral("usr/share/man/man1/ipcpg.1.gz"),
        };
        if (m_gui) {
            files += {
                QStringLiteral("usr/bin/ipc-playground"),
                QStringLiteral("usr/share/applications/") + m_appId + QStringLiteral(".desktop"),
                QStringLiteral("usr/share/icons/hicolor/scalable/apps/") + m_appId + QStringLiteral(".svg"),
                QStringLiteral("usr/share/man/man1/ipc-playground.1.gz"),
                QStringLiteral("usr/share/metainfo/") + m_appId + QStringLiteral(".metainfo.xml"),
            };
        }
        files.sort();
        return files;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_work.isValid());
        if (QStandardPaths::findExecutable(QStringLiteral("dpkg-deb")).isEmpty())
            QSKIP("dpkg-deb is not installed: the .deb cannot be built here (see scripts/setup.sh)");
        // -B keeps the packages and CPack's staging out of the build tree, so nothing collides
        // with a developer's own cpack run.
        const ProcessOutput cpack = runProcess(requiredEnvironment("IPCPG_CPACK"),
            { QStringLiteral("--config"), requiredEnvironment("IPCPG_CPACK_CONFIG"), QStringLiteral("-G"),
                QStringLiteral("DEB;TGZ"), QStringLiteral("-B"), m_work.path() },
            QProcessEnvironment::systemEnvironment(), 100000);
        QVERIFY2(cpack.exitCode == 0, qPrintable(cpack.describe() + QString::fromLocal8Bit(cpack.out)));
        const QDir work(m_work.path());
        const QStringList debs = work.entryList({ QStringLiteral("*.deb") }, QDir::Files);
        const QStringList tarballs = work.entryList({ QStringLiteral("*.tar.gz") }, QDir::Files);
        QCOMPARE(debs.size(), 1);
        QCOMPARE(tarballs.size(), 1);
        m_deb = work.filePath(debs.first());
        m_tarball = work.filePath(tarballs.first());
        m_root = work.filePath(QStringLiteral("root"));
        const ProcessOutput unpack = runProcess(QStringLiteral("dpkg"), { QStringLiteral("-x"), m_deb, m_root });
        QVERIFY2(unpack.exitCode == 0, qPrintable(unpack.describe()));
    }

    void debHoldsExactlyTheInstallLayout()
    {
        QCOMPARE(filesUnder(m_root), expectedFiles());
        QStringList executables { QStringLiteral("usr/bin/ipcpg"), QStringLiteral("usr/libexec/ipcpg/ipcpg-worker") };
        if (m_gui)
            executables.append(QStringLiteral("usr/bin/ipc-playground"));
        for (const QString& path : executables) {
            const QFileInfo file(root(path));
            QVERIFY2(file.isExecutable(), qPrintable(path));
            QVERIFY2(file.permissions().testFlag(QFileDevice::ExeOther),
                qPrintable(path + QStringLiteral(" is not executable by everyone")));
        }
    }

    void tarballHoldsTheSameTree()
    {
        const ProcessOutput list = runProcess(QStringLiteral("tar"), { QStringLiteral("-tzf"), m_tarball });
        QVERIFY2(list.exitCode == 0, qPrintable(list.describe()));
        // The archive has one top directory and the install tree below it, without usr/.
        QStringList files;
        for (const QString& line : QString::fromUtf8(list.out).split(QLatin1Char('\n'), Qt::SkipEmptyParts)) {
            if (!line.endsWith(QLatin1Char('/')))
                files.append(QStringLiteral("usr/") + line.section(QLatin1Char('/'), 1));
        }
        files.sort();
        QCOMPARE(files, expectedFiles());
    }

    void controlNamesVersionAndComputedDepends()
    {
        const auto field = [this](const char* name) {
            return QString::fromUtf8(
                runProcess(QStringLiteral("dpkg-deb"), { QStringLiteral("-f"), m_deb, QLatin1String(name) }).out)
                .trimmed();
        };
        QCOMPARE(field("Package"), QStringLiteral("ipc-playground"));
        QCOMPARE(field("Version"), m_version);
        QCOMPARE(field("Architecture"),
            QString::fromUtf8(runProcess(QStringLiteral("dpkg"), { QStringLiteral("--print-architecture") }).out)
                .trimmed());
        const QStringList depends = packageNames(field("Depends"));
        QStringList needed { QStringLiteral("libc6"), QStringLiteral("libstdc++6") };
        // libqt6svg6 also carries the SVG icon engine the window and About dialog icons need.
        if (m_gui)
            needed
                += { QStringLiteral("libqt6widgets6"), QStringLiteral("libqt6charts6"), QStringLiteral("libqt6svg6") };
        if (m_zeromq)
            needed += QStringLiteral("libzmq5");
        if (m_dbus)
            needed += { QStringLiteral("libdbus-1-3"), QStringLiteral("dbus-daemon") };
        if (m_grpc)
            needed += { QStringLiteral("libgrpc++1.51"), QStringLiteral("libprotobuf32") };
        for (const QString& package : needed)
            QVERIFY2(depends.contains(package),
                qPrintable(package + QStringLiteral(" missing from Depends: ") + depends.join(QLatin1Char(' '))));
    }

    void dependsCoversTheWorker()
    {
        // What dpkg-shlibdeps finds for the worker alone must all be in the package's Depends
        // (it needs a debian/control in its working directory, even an empty one).
        const QString shlibdeps = QStandardPaths::findExecutable(QStringLiteral("dpkg-shlibdeps"));
        if (shlibdeps.isEmpty())
            QSKIP("dpkg-shlibdeps is not installed");
        QDir scratch(m_work.filePath(QStringLiteral("shlibdeps")));
        QVERIFY(scratch.mkpath(QStringLiteral("debian")));
        QFile control(scratch.filePath(QStringLiteral("debian/control")));
        QVERIFY(control.open(QIODevice::WriteOnly));
        control.close();
        const QString worker = root(QStringLiteral("usr/libexec/ipcpg/ipcpg-worker"));
        const ProcessOutput output = runProcess(shlibdeps, { QStringLiteral("-O"), QStringLiteral("-e") + worker },
            QProcessEnvironment::systemEnvironment(), 60000, scratch.path());
        QVERIFY2(output.exitCode == 0, qPrintable(output.describe()));
        const QString line = QString::fromUtf8(output.out).trimmed();
        QVERIFY2(line.startsWith(QStringLiteral("shlibs:Depends=")), qPrintable(line));
        const QStringList workerNeeds = packageNames(line.section(QLatin1Char('='), 1));
        QVERIFY(workerNeeds.contains(QStringLiteral("libc6")));
        const QStringList depends = packageNames(QString::fromUtf8(
            runProcess(QStringLiteral("dpkg-deb"), { QStringLiteral("-f"), m_deb, QStringLiteral("Depends") }).out));
        for (const QString& package : workerNeeds)
            QVERIFY2(depends.contains(package),
                qPrintable(package + QStringLiteral(" (needed by the worker) missing from Depends")));
    }

    void cliListsAndRunsFromTheUnpackedRoot()
    {
        const ProcessOutput list = runInstalled(QStringLiteral("ipcpg"), { QStringLiteral("list") });
        QVERIFY2(list.exitCode == 0, qPrintable(list.describe()));
        QVERIFY2(list.out.contains("\npipe "), list.out.constData());

        const ProcessOutput run = runInstalled(QStringLiteral("ipcpg"),
            { QStringLiteral("run"), QStringLiteral("--mechanism"), QStringLiteral("pipe"), QStringLiteral("--size"),
                QStringLiteral("64"), QStringLiteral("--duration"), QStringLiteral("0.2"), QStringLiteral("--format"),
                QStringLiteral("json") });
        QVERIFY2(run.exitCode == 0, qPrintable(run.describe()));
        const QJsonObject result = QJsonDocument::fromJson(run.out).object();
        QCOMPARE(result[QStringLiteral("mechanism")].toString(), QStringLiteral("pipe"));
        QCOMPARE(result[QStringLiteral("message_size")].toInteger(), 64);
        QVERIFY(result[QStringLiteral("messages")].toInteger() > 0);
        QCOMPARE(result[QStringLiteral("integrity_errors")].toInteger(), 0);
        QCOMPARE(m_runtime.leftoverRunDirectories(), QStringList());
    }

    void cliUsesTheWorkerBesideIt()
    {
        // Without the unpacked worker the run must fail, naming where it looked: proof that the
        // run above used <root>/usr/libexec/ipcpg and not some other worker.
        const QString worker = root(QStringLiteral("usr/libexec/ipcpg/ipcpg-worker"));
        const QString moved = worker + QStringLiteral(".moved");
        QVERIFY(QFile::rename(worker, moved));
        const ProcessOutput run = runInstalled(QStringLiteral("ipcpg"),
            { QStringLiteral("run"), QStringLiteral("--mechanism"), QStringLiteral("pipe"),
                QStringLiteral("--messages"), QStringLiteral("10") });
        QVERIFY(QFile::rename(moved, worker));
        QCOMPARE(run.exitCode, 1);
        // The executable's own directory comes from /proc/self/exe, which has no symbolic links.
        const QString looked
            = QFileInfo(m_root).canonicalFilePath() + QStringLiteral("/usr/bin/../libexec/ipcpg/ipcpg-worker");
        QVERIFY2(run.err.contains(looked.toLocal8Bit()), run.err.constData());
    }

    void guiStartsAndRunsFromTheUnpackedRoot()
    {
        if (!m_gui)
            QSKIP("built without the GUI");
        const ProcessOutput version = runInstalled(QStringLiteral("ipc-playground"), { QStringLiteral("--version") });
        QVERIFY2(version.exitCode == 0, qPrintable(version.describe()));
        QCOMPARE(QString::fromUtf8(version.out), QStringLiteral("ipc-playground ") + m_version + QLatin1Char('\n'));

        const QString json = m_work.filePath(QStringLiteral("gui-run.json"));
        const ProcessOutput run = runInstalled(QStringLiteral("ipc-playground"),
            { QStringLiteral("--mechanism"), QStringLiteral("pipe"), QStringLiteral("--size"), QStringLiteral("64"),
                QStringLiteral("--duration"), QStringLiteral("0.2"), QStringLiteral("--start"),
                QStringLiteral("--export-json"), json, QStringLiteral("--quit-when-done") });
        QVERIFY2(run.exitCode == 0, qPrintable(run.describe()));
        QFile file(json);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QJsonObject result = QJsonDocument::fromJson(file.readAll()).object();
        QCOMPARE(result[QStringLiteral("mechanism")].toString(), QStringLiteral("pipe"));
        QVERIFY(result[QStringLiteral("messages")].toInteger() > 0);
        QCOMPARE(m_runtime.leftoverRunDirectories(), QStringList());
    }

    void manPagesAreTheBuiltOnes()
    {
        QStringList pages { QStringLiteral("ipcpg") };
        if (m_gui)
            pages.append(QStringLiteral("ipc-playground"));
        for (const QString& page : pages) {
            const ProcessOutput unzipped = runProcess(QStringLiteral("gzip"),
                { QStringLiteral("-dc"), root(QStringLiteral("usr/share/man/man1/%1.1.gz").arg(page)) });
            QVERIFY2(unzipped.exitCode == 0, qPrintable(unzipped.describe()));
            QFile built(QDir(requiredEnvironment("IPCPG_MAN_DIR")).filePath(page + QStringLiteral(".1")));
            QVERIFY(built.open(QIODevice::ReadOnly));
            QCOMPARE(unzipped.out, built.readAll());
        }
    }

    void installedTreeValidates()
    {
        if (!m_gui)
            QSKIP("built without the GUI: no desktop integration");
        // validate-tree also checks that the metainfo's launchable .desktop file exists beside it.
        const QString appstreamcli = QStandardPaths::findExecutable(QStringLiteral("appstreamcli"));
        if (appstreamcli.isEmpty())
            QSKIP("appstreamcli is not installed (see scripts/setup.sh)");
        const ProcessOutput tree
            = runProcess(appstreamcli, { QStringLiteral("validate-tree"), QStringLiteral("--no-net"), m_root });
        QVERIFY2(tree.exitCode == 0, qPrintable(tree.describe() + QString::fromUtf8(tree.out)));
        QVERIFY2(!QRegularExpression(QStringLiteral("^\\s*[EW]: "), QRegularExpression::MultilineOption)
                      .match(QString::fromUtf8(tree.out))
                      .hasMatch(),
            tree.out.constData());
    }
};

QTEST_GUILESS_MAIN(TestPackage)
#include "tst_package.moc"
