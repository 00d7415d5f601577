// ipc-playground: the desktop laboratory. Its command line (DESIGN.md) lets a run and its exported
// charts be scripted, also headless on the offscreen platform:
//   ipc-playground --mechanism shm --size 4096 --mode stream --duration 2 --start
//       --export-png c.png --export-svg c.svg --export-csv c.csv --export-json c.json --quit-when-done
#include <QApplication>
#include <QCommandLineParser>
#include <QTextStream>
#include <QTimer>

#include "ipcpg/error.h"
#include "ipcpg/mechanismregistry.h"
#include "ipcpg/units.h"
#include "ipcpg/version.h"
#include "mainwindow.h"
#include "runsetuppanel.h"

namespace {

struct Exports {
    QString png, svg, csv, json;
    bool any() const { return !png.isEmpty() || !svg.isEmpty() || !csv.isEmpty() || !json.isEmpty(); }
};

// Writes every requested file; false if any failed (the window says which).
bool exportAll(ipcpg::MainWindow& window, const Exports& exports)
{
    using Kind = ipcpg::MainWindow::ExportKind;
    bool ok = true;
    const std::pair<Kind, QString> jobs[] = { { Kind::Png, exports.png }, { Kind::Svg, exports.svg },
        { Kind::Csv, exports.csv }, { Kind::Json, exports.json } };
    for (const auto& [kind, path] : jobs) {
        if (!path.isEmpty())
            ok = window.exportCurrent(kind, path) && ok;
    }
    return ok;
}

} // namespace

int main(int argc, char** argv)
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("ipc-playground"));
    QApplication::setApplicationDisplayName(QStringLiteral("IPC Playground"));
    QApplication::setOrganizationName(QStringLiteral("ipc-playground"));
    QApplication::setApplicationVersion(QString::fromLatin1(ipcpg::kVersion));
    QApplication::setDesktopFileName(QStringLiteral("io.github.ipc_playground.IpcPlayground"));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("A desktop laboratory for interprocess communication on Linux"));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption mechanism(QStringLiteral("mechanism"), QStringLiteral("Mechanism id (see ipcpg list)"), QStringLiteral("ID"));
    const QCommandLineOption size(QStringLiteral("size"), QStringLiteral("Message size in bytes (suffixes K, M)"), QStringLiteral("BYTES"));
    const QCommandLineOption mode(QStringLiteral("mode"), QStringLiteral("pingpong or stream"), QStringLiteral("MODE"));
    const QCommandLineOption duration(QStringLiteral("duration"), QStringLiteral("Seconds to measure"), QStringLiteral("SECONDS"));
    const QCommandLineOption sync(QStringLiteral("sync"), QStringLiteral("Synchronisation, where the mechanism has it"), QStringLiteral("MODE"));
    const QCommandLineOption option(QStringLiteral("option"), QStringLiteral("Mechanism option NAME=VALUE (repeatable)"), QStringLiteral("NAME=VALUE"));
    const QCommandLineOption placement(QStringLiteral("placement"), QStringLiteral("same-core, cross-core or unpinned"), QStringLiteral("PLACEMENT"));
    const QCommandLineOption start(QStringLiteral("start"), QStringLiteral("Start the run at once"));
    const QCommandLineOption exportPng(QStringLiteral("export-png"), QStringLiteral("After the run, write the charts as PNG (2x)"), QStringLiteral("FILE"));
    const QCommandLineOption exportSvg(QStringLiteral("export-svg"), QStringLiteral("After the run, write the charts as SVG"), QStringLiteral("FILE"));
    const QCommandLineOption exportCsv(QStringLiteral("export-csv"), QStringLiteral("After the run, write its result as CSV"), QStringLiteral("FILE"));
    const QCommandLineOption exportJson(QStringLiteral("export-json"), QStringLiteral("After the run, write its result as JSON"), QStringLiteral("FILE"));
    const QCommandLineOption quitWhenDone(QStringLiteral("quit-when-done"), QStringLiteral("Quit after the run and the exports (exit 1 if either failed)"));
    const QCommandLineOption theme(QStringLiteral("theme"), QStringLiteral("system, light or dark"), QStringLiteral("THEME"));
    parser.addOptions({ mechanism, size, mode, duration, sync, option, placement, start, exportPng, exportSvg, exportCsv,
        exportJson, quitWhenDone, theme });
    QTextStream err(stderr);
    auto refuse = [&](const QString& message) {
        err << "ipc-playground: " << message << '\n';
        return 2;
    };
    // Not process(): it exits with status 1 on a bad option, and bad arguments exit 2 here as
    // they do in ipcpg.
    if (!parser.parse(QCoreApplication::arguments()))
        return refuse(parser.errorText() + QStringLiteral(" (see ipc-playground --help)"));
    if (parser.isSet(QStringLiteral("help")))
        parser.showHelp(0);
    if (parser.isSet(QStringLiteral("version")))
        parser.showVersion();
    if (!parser.positionalArguments().isEmpty())
        return refuse(QStringLiteral("unexpected argument \"%1\"; every setting is an option (see ipc-playground --help)")
                          .arg(parser.positionalArguments().constFirst()));

    ipcpg::MainWindow window;
    window.restoreSettings();
    ipcpg::RunSpec spec = window.setupPanel()->spec();
    if (parser.isSet(mechanism)) {
        spec.mechanism = parser.value(mechanism).toStdString();
        if (!ipcpg::MechanismRegistry::instance().find(spec.mechanism)) {
            QStringList known;
            for (const std::string& id : ipcpg::MechanismRegistry::instance().ids())
                known << QString::fromStdString(id);
            return refuse(QStringLiteral("--mechanism \"%1\" is unknown; use one of: %2")
                              .arg(parser.value(mechanism), known.join(QStringLiteral(", "))));
        }
        spec.options.clear();
    }
    if (parser.isSet(size)) {
        const auto bytes = ipcpg::parseByteCount(parser.value(size).toStdString());
        if (!bytes || *bytes > ipcpg::RunSpec::kMaxMessageSize)
            return refuse(QStringLiteral("--size \"%1\" is not allowed; give bytes from 0 to 16M (suffixes K, M)").arg(parser.value(size)));
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
        // The range of the window's duration field, which the value goes into.
        if (!seconds || *seconds < 0.1 || *seconds > 3600)
            return refuse(QStringLiteral("--duration \"%1\" is not allowed; give seconds from 0.1 to 3600").arg(parser.value(duration)));
        spec.durationS = *seconds;
        spec.messages = 0;
    }
    if (parser.isSet(placement)) {
        const auto parsed = ipcpg::parsePlacement(parser.value(placement).toStdString());
        if (!parsed)
            return refuse(QStringLiteral("--placement \"%1\" is not allowed; use same-core, cross-core or unpinned").arg(parser.value(placement)));
        spec.placement = *parsed;
    }
    for (const QString& assignment : parser.values(option)) {
        const auto equals = assignment.indexOf(QLatin1Char('='));
        if (equals <= 0 || equals + 1 == assignment.size())
            return refuse(QStringLiteral("--option \"%1\" is not NAME=VALUE").arg(assignment));
        spec.options[assignment.left(equals).toStdString()] = assignment.mid(equals + 1).toStdString();
    }
    if (parser.isSet(sync))
        spec.options["sync"] = parser.value(sync).toStdString();
    try {
        ipcpg::RunSpec checked = spec;
        ipcpg::MechanismRegistry::instance().validate(checked);
    } catch (const ipcpg::UsageError& error) {
        return refuse(QString::fromUtf8(error.what()));
    }
    if (parser.isSet(theme)) {
        const QString name = parser.value(theme);
        if (name == QStringLiteral("light"))
            window.setTheme(ipcpg::MainWindow::Theme::Light);
        else if (name == QStringLiteral("dark"))
            window.setTheme(ipcpg::MainWindow::Theme::Dark);
        else if (name == QStringLiteral("system"))
            window.setTheme(ipcpg::MainWindow::Theme::System);
        else
            return refuse(QStringLiteral("--theme \"%1\" is not allowed; use system, light or dark").arg(name));
    }

    const Exports exports { parser.value(exportPng), parser.value(exportSvg), parser.value(exportCsv), parser.value(exportJson) };
    const bool quit = parser.isSet(quitWhenDone);
    window.setupPanel()->setSpec(spec);
    window.show();

    if (parser.isSet(start)) {
        QObject::connect(&window, &ipcpg::MainWindow::runFinished, &app, [&](const ipcpg::RunResult& result) {
            // Let the charts take the final state before they are drawn into files.
            QTimer::singleShot(0, &app, [&, failed = result.partial && !result.error.empty()] {
                const bool exported = exportAll(window, exports);
                if (quit)
                    QApplication::exit(exported && !failed ? 0 : 1);
            });
        });
        QObject::connect(&window, &ipcpg::MainWindow::runFailed, &app, [&](const QString& reason) {
            err << "ipc-playground: " << reason << '\n';
            err.flush();
            if (quit)
                QTimer::singleShot(0, &app, [] { QApplication::exit(1); });
        });
        if (!window.startRun())
            return 1;
    } else if (exports.any() || quit) {
        QTimer::singleShot(0, &app, [&] {
            const bool exported = exportAll(window, exports);
            if (quit)
                QApplication::exit(exported ? 0 : 1);
        });
    }
    return QApplication::exec();
}
