// ipc-playground: the desktop laboratory. See DESIGN.md for its command line.
#include <QApplication>
#include <QCommandLineParser>
#include <QTextStream>

#include "ipcpg/error.h"
#include "ipcpg/mechanismregistry.h"
#include "ipcpg/units.h"
#include "ipcpg/version.h"
#include "mainwindow.h"
#include "runsetuppanel.h"

int main(int argc, char** argv)
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("ipc-playground"));
    QApplication::setApplicationDisplayName(QStringLiteral("IPC Playground"));
    QApplication::setOrganizationName(QStringLiteral("ipc-playground"));
    QApplication::setApplicationVersion(QString::fromLatin1(ipcpg::kVersion));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("A desktop laboratory for interprocess communication on Linux"));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption mechanism(QStringLiteral("mechanism"), QStringLiteral("Mechanism id (see ipcpg list)"), QStringLiteral("ID"));
    const QCommandLineOption size(QStringLiteral("size"), QStringLiteral("Message size in bytes (suffixes K, M)"), QStringLiteral("BYTES"));
    const QCommandLineOption mode(QStringLiteral("mode"), QStringLiteral("pingpong or stream"), QStringLiteral("MODE"));
    const QCommandLineOption duration(QStringLiteral("duration"), QStringLiteral("Seconds to measure"), QStringLiteral("SECONDS"));
    const QCommandLineOption sync(QStringLiteral("sync"), QStringLiteral("Synchronisation, where the mechanism has it"), QStringLiteral("MODE"));
    const QCommandLineOption start(QStringLiteral("start"), QStringLiteral("Start the run at once"));
    parser.addOptions({ mechanism, size, mode, duration, sync, start });
    parser.process(app);

    QTextStream err(stderr);
    auto refuse = [&](const QString& message) {
        err << "ipc-playground: " << message << '\n';
        return 2;
    };

    ipcpg::MainWindow window;
    ipcpg::RunSpec spec = window.setupPanel()->spec();
    if (parser.isSet(mechanism)) {
        spec.mechanism = parser.value(mechanism).toStdString();
        if (!ipcpg::MechanismRegistry::instance().find(spec.mechanism))
            return refuse(QStringLiteral("--mechanism \"%1\" is unknown; see `ipcpg list`").arg(parser.value(mechanism)));
        spec.options.clear();
    }
    if (parser.isSet(size)) {
        const auto bytes = ipcpg::parseByteCount(parser.value(size).toStdString());
        if (!bytes || *bytes > ipcpg::RunSpec::kMaxMessageSize)
            return refuse(QStringLiteral("--size \"%1\" is not allowed; give bytes from 1 to 16M (suffixes K, M)").arg(parser.value(size)));
        spec.messageSize = *bytes;
    }
    if (parser.isSet(mode)) {
        const auto parsed = ipcpg::parseMode(parser.value(mode).toStdString());
        if (!parsed)
            return refuse(QStringLiteral("--mode \"%1\" is not allowed; use pingpong or stream").arg(parser.value(mode)));
        spec.mode = *parsed;
    }
    if (parser.isSet(duration)) {
        const auto seconds = ipcpg::parseSeconds(parser.value(duration).toStdString());
        if (!seconds || *seconds <= 0 || *seconds > 3600)
            return refuse(QStringLiteral("--duration \"%1\" is not allowed; give seconds, more than 0 and at most 3600").arg(parser.value(duration)));
        spec.durationS = *seconds;
    }
    if (parser.isSet(sync))
        spec.options["sync"] = parser.value(sync).toStdString();
    try {
        ipcpg::RunSpec checked = spec;
        ipcpg::MechanismRegistry::instance().validate(checked);
    } catch (const ipcpg::UsageError& error) {
        return refuse(QString::fromUtf8(error.what()));
    }
    window.setupPanel()->setSpec(spec);
    window.show();
    if (parser.isSet(start))
        window.startRun();
    return QApplication::exec();
}
