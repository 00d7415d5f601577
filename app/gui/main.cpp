// ipc-playground: the desktop laboratory. Its command line (README.md) lets a run and its exported
// charts be scripted, also headless on the offscreen platform:
//   ipc-playground --mechanism shm --size 4096 --mode stream --duration 2 --start
//       --export-png c.png --export-svg c.svg --export-csv c.csv --export-json c.json --quit-when-done
#include <QApplication>
#include <QCommandLineParser>
#include <QDoubleSpinBox>
#include <QTextStream>
#include <QTimer>

#include "claimsview.h"
#include "compareview.h"
#include "ipcpg/error.h"
#include "ipcpg/frontendrules.h"
#include "ipcpg/mechanismregistry.h"
#include "ipcpg/units.h"
#include "ipcpg/version.h"
#include "mainwindow.h"
#include "racelabview.h"
#include "runsetuppanel.h"
#include <QComboBox>

namespace {

struct Exports {
    QString png, svg, csv, json, screenshot;
    bool any() const
    {
        return !png.isEmpty() || !svg.isEmpty() || !csv.isEmpty() || !json.isEmpty() || !screenshot.isEmpty();
    }
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
    if (!exports.screenshot.isEmpty()) {
        // The whole window as it is on screen, for documentation (the chart exports hold the chart alone).
        if (!window.grab().save(exports.screenshot, "PNG")) {
            QTextStream(stderr) << "ipc-playground: cannot write " << exports.screenshot << '\n';
            ok = false;
        }
    }
    return ok;
}

// --compare: runs a sweep in the Compare tab, then exports and quits like a single run does.
int runComparison(
    QApplication& app, ipcpg::MainWindow& window, const QCommandLineParser& parser, const Exports& exports, bool quit)
{
    QTextStream err(stderr);
    const auto refuse = [&](const QString& message) {
        err << "ipc-playground: " << message << '\n';
        return 2;
    };
    const auto& registry = ipcpg::MechanismRegistry::instance();
    QStringList ids;
    const QString list = parser.value(QStringLiteral("compare"));
    if (list == QStringLiteral("all")) {
        for (const std::string& id : registry.ids())
            ids << QString::fromStdString(id);
    } else {
        for (const QString& id : list.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
            if (!registry.find(id.trimmed().toStdString()))
                return refuse(QStringLiteral("--compare names \"%1\", which is not a mechanism; see `ipcpg list`")
                                  .arg(id.trimmed()));
            ids << id.trimmed();
        }
    }
    if (ids.isEmpty())
        return refuse(QStringLiteral("--compare needs mechanism ids or all"));
    ipcpg::CompareView* view = window.compareView();
    view->setMechanisms(ids);
    view->setSizes(
        parser.isSet(QStringLiteral("size")) ? parser.value(QStringLiteral("size")) : QStringLiteral("64, 4K, 64K"));
    if (parser.isSet(QStringLiteral("mode"))) {
        const auto mode = ipcpg::parseMode(parser.value(QStringLiteral("mode")).toStdString());
        if (!mode)
            return refuse(QStringLiteral("--mode \"%1\" is not allowed; use pingpong or stream")
                              .arg(parser.value(QStringLiteral("mode"))));
        view->setMode(*mode);
    }
    if (parser.isSet(QStringLiteral("duration"))) {
        // The range of the Compare tab's duration field, which the value goes into.
        const auto seconds = ipcpg::parseDuration(parser.value(QStringLiteral("duration")).toStdString(), 0.1, 60.0);
        if (!seconds.value)
            return refuse(QStringLiteral("--duration ") + QString::fromStdString(seconds.error)
                + QStringLiteral(", per run with --compare"));
        view->setDuration(*seconds.value);
    }
    if (parser.isSet(QStringLiteral("placement"))) {
        QList<ipcpg::Placement> placements;
        for (const QString& name :
            parser.value(QStringLiteral("placement")).split(QLatin1Char(','), Qt::SkipEmptyParts)) {
            const auto placement = ipcpg::parsePlacement(name.trimmed().toStdString());
            if (!placement)
                return refuse(QStringLiteral("--placement \"%1\" is not allowed; use same-core, cross-core or unpinned")
                                  .arg(name.trimmed()));
            placements << *placement;
        }
        view->setPlacements(placements);
    }
    QStringList skipped;
    if (view->plan(&skipped).isEmpty())
        return refuse(QStringLiteral("nothing to compare: %1").arg(skipped.join(QStringLiteral("; "))));
    window.showTab(QStringLiteral("compare"));
    window.show();
    QObject::connect(view, &ipcpg::CompareView::sweepFinished, &app, [&, view](bool cancelled) {
        QTimer::singleShot(0, &app, [&, cancelled] {
            const bool exported = exportAll(window, exports);
            if (quit)
                QApplication::exit(exported && !cancelled ? 0 : 1);
        });
    });
    view->startSweep();
    return QApplication::exec();
}

// --race: opens the race lab on a scenario; with --start runs it, then exports and quits.
int runRace(
    QApplication& app, ipcpg::MainWindow& window, const QCommandLineParser& parser, const Exports& exports, bool quit)
{
    QTextStream err(stderr);
    ipcpg::RaceLabView* lab = window.raceLab();
    const QString scenario = parser.value(QStringLiteral("race"));
    const int scenarioIndex = lab->scenarioBox()->findData(scenario);
    if (scenarioIndex < 0) {
        err << "ipc-playground: --race \"" << scenario << "\" is not a scenario; see `ipcpg race --list`\n";
        return 2;
    }
    lab->scenarioBox()->setCurrentIndex(scenarioIndex);
    if (parser.isSet(QStringLiteral("sync"))) {
        const QString sync = parser.value(QStringLiteral("sync"));
        const int syncIndex = lab->syncBox()->findData(sync);
        if (syncIndex < 0) {
            QStringList modes;
            for (int i = 0; i < lab->syncBox()->count(); ++i)
                modes << lab->syncBox()->itemData(i).toString();
            err << "ipc-playground: --sync \"" << sync << "\" is not a mode of " << scenario << "; use "
                << modes.join(QStringLiteral(", ")) << '\n';
            return 2;
        }
        lab->syncBox()->setCurrentIndex(syncIndex);
    }
    window.showTab(QStringLiteral("race"));
    window.show();
    if (!parser.isSet(QStringLiteral("start")))
        return QApplication::exec();
    QObject::connect(lab, &ipcpg::RaceLabView::raceFinished, &app, [&](const ipcpg::RaceResult& result) {
        QTimer::singleShot(0, &app, [&, partial = result.partial] {
            const bool exported = exportAll(window, exports);
            if (quit)
                QApplication::exit(exported && !partial ? 0 : 1);
        });
    });
    QObject::connect(lab, &ipcpg::RaceLabView::raceFailed, &app, [&](const QString& reason) {
        err << "ipc-playground: " << reason << '\n';
        err.flush();
        if (quit)
            QTimer::singleShot(0, &app, [] { QApplication::exit(1); });
    });
    if (!lab->start())
        return 1;
    return QApplication::exec();
}

// --check-claims: checks the article's claims in the claims tab, then exports and quits.
int runClaims(QApplication& app, ipcpg::MainWindow& window, const QString& list, const Exports& exports, bool quit)
{
    QStringList ids;
    if (list != QStringLiteral("all"))
        ids = list.split(QLatin1Char(','), Qt::SkipEmptyParts);
    ipcpg::ClaimsView* view = window.claimsView();
    window.showTab(QStringLiteral("claims"));
    window.show();
    QObject::connect(view, &ipcpg::ClaimsView::allChecked, &app, [&] {
        QTimer::singleShot(0, &app, [&] {
            const bool exported = exportAll(window, exports);
            if (quit)
                QApplication::exit(exported ? 0 : 1);
        });
    });
    const QStringList unknown = view->checkSeveral(ids);
    if (!unknown.isEmpty()) {
        QStringList known;
        for (int i = 0; i < view->claimCount(); ++i)
            known << QString::fromStdString(view->claim(i).id);
        QTextStream(stderr) << "ipc-playground: --check-claims names " << unknown.join(QStringLiteral(", "))
                            << ", not a claim; use all or " << known.join(QStringLiteral(", ")) << '\n';
        return 2;
    }
    return QApplication::exec();
}

} // namespace

int main(int argc, char** argv)
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("ipc-playground"));
    QApplication::setApplicationDisplayName(QStringLiteral("IPC Playground"));
    QApplication::setOrganizationName(QStringLiteral("ipc-playground"));
    QApplication::setApplicationVersion(QString::fromLatin1(ipcpg::kVersion));
    // The installed .desktop file's name (IPCPG_APP_ID in CMakeLists.txt): Wayland compositors
    // find the window's icon and name through it.
    QApplication::setDesktopFileName(QStringLiteral(IPCPG_APP_ID));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("A desktop laboratory for interprocess communication on Linux"));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption mechanism(
        QStringLiteral("mechanism"), QStringLiteral("Mechanism id (see ipcpg list)"), QStringLiteral("ID"));
    const QCommandLineOption size(
        QStringLiteral("size"), QStringLiteral("Message size in bytes (suffixes K, M)"), QStringLiteral("BYTES"));
    const QCommandLineOption mode(QStringLiteral("mode"), QStringLiteral("pingpong or stream"), QStringLiteral("MODE"));
    const QCommandLineOption duration(
        QStringLiteral("duration"), QStringLiteral("Seconds to measure"), QStringLiteral("SECONDS"));
    const QCommandLineOption sync(
        QStringLiteral("sync"), QStringLiteral("Synchronisation, where the mechanism has it"), QStringLiteral("MODE"));
    const QCommandLineOption option(QStringLiteral("option"),
        QStringLiteral("Mechanism option NAME=VALUE (repeatable)"), QStringLiteral("NAME=VALUE"));
    const QCommandLineOption placement(
        QStringLiteral("placement"), QStringLiteral("same-core, cross-core or unpinned"), QStringLiteral("PLACEMENT"));
    const QCommandLineOption start(QStringLiteral("start"), QStringLiteral("Start the run at once"));
    const QCommandLineOption exportPng(QStringLiteral("export-png"),
        QStringLiteral("After the run, write the charts as PNG (2x)"), QStringLiteral("FILE"));
    const QCommandLineOption exportSvg(
        QStringLiteral("export-svg"), QStringLiteral("After the run, write the charts as SVG"), QStringLiteral("FILE"));
    const QCommandLineOption exportCsv(
        QStringLiteral("export-csv"), QStringLiteral("After the run, write its result as CSV"), QStringLiteral("FILE"));
    const QCommandLineOption exportJson(QStringLiteral("export-json"),
        QStringLiteral("After the run, write its result as JSON"), QStringLiteral("FILE"));
    const QCommandLineOption quitWhenDone(QStringLiteral("quit-when-done"),
        QStringLiteral("Quit after the run and the exports (exit 1 if either failed)"));
    const QCommandLineOption theme(
        QStringLiteral("theme"), QStringLiteral("system, light or dark"), QStringLiteral("THEME"));
    const QCommandLineOption compare(QStringLiteral("compare"),
        QStringLiteral(
            "Run a comparison in the Compare tab instead of a single run: mechanism ids, comma separated, or all; "
            "--size takes a comma-separated list, --placement too; the exports then hold the comparison"),
        QStringLiteral("IDS"));
    const QCommandLineOption tab(
        QStringLiteral("tab"), QStringLiteral("Show this tab: live, compare, race or claims"), QStringLiteral("TAB"));
    const QCommandLineOption race(QStringLiteral("race"),
        QStringLiteral(
            "Open the race lab on this scenario (see ipcpg race --list); --sync picks its mode and --start runs it; "
            "the exports then hold the race"),
        QStringLiteral("SCENARIO"));
    const QCommandLineOption claims(QStringLiteral("check-claims"),
        QStringLiteral("Open the claims tab and check these claims of the article (ids comma separated, or all); "
                       "--export-json then writes the verdicts"),
        QStringLiteral("IDS"));
    const QCommandLineOption screenshot(QStringLiteral("screenshot"),
        QStringLiteral("When the exports are written, also save the whole window as a PNG image"),
        QStringLiteral("FILE"));
    const QCommandLineOption windowSize(QStringLiteral("window-size"),
        QStringLiteral("Open the window at this size in pixels, e.g. 1440x900"), QStringLiteral("WxH"));
    parser.addOptions({ mechanism, size, mode, duration, sync, option, placement, start, exportPng, exportSvg,
        exportCsv, exportJson, quitWhenDone, theme, compare, tab, race, claims, screenshot, windowSize });

    QTextStream err(stderr);
    auto refuse = [&](const QString& message) {
        err << "ipc-playground: " << message << '\n';
        return 2;
    };
    // process() alone would exit 1 on an unknown option or a missing value; bad arguments are
    // status 2 in every executable of the project, so parse errors are caught here first.
    if (!parser.parse(QCoreApplication::arguments()))
        return refuse(parser.errorText() + QStringLiteral(" (see ipc-playground --help)"));
    if (!parser.positionalArguments().isEmpty())
        return refuse(
            QStringLiteral("unexpected argument \"%1\"; every setting is an option (see ipc-playground --help)")
                .arg(parser.positionalArguments().constFirst()));
    parser.process(app); // --help, --help-all and --version print and exit here

    ipcpg::MainWindow window;
    window.restoreSettings();
    if (parser.isSet(windowSize)) {
        const QStringList parts = parser.value(windowSize).split(QLatin1Char('x'));
        const int width = parts.size() == 2 ? parts[0].toInt() : 0;
        const int height = parts.size() == 2 ? parts[1].toInt() : 0;
        if (width < 640 || height < 480 || width > 7680 || height > 4320)
            return refuse(
                QStringLiteral("--window-size \"%1\" is not allowed; give WIDTHxHEIGHT from 640x480 to 7680x4320")
                    .arg(parser.value(windowSize)));
        window.resize(width, height);
    }
    if (parser.isSet(compare) || parser.isSet(race) || parser.isSet(claims)) {
        const Exports exports { parser.value(exportPng), parser.value(exportSvg), parser.value(exportCsv),
            parser.value(exportJson), parser.value(screenshot) };
        if (parser.isSet(claims))
            return runClaims(app, window, parser.value(claims), exports, parser.isSet(quitWhenDone));
        if (parser.isSet(race))
            return runRace(app, window, parser, exports, parser.isSet(quitWhenDone));
        return runComparison(app, window, parser, exports, parser.isSet(quitWhenDone));
    }
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
        const auto bytes = ipcpg::parseMessageSize(parser.value(size).toStdString());
        if (!bytes.value)
            return refuse(QStringLiteral("--size ") + QString::fromStdString(bytes.error));
        spec.messageSize = *bytes.value;
    }
    if (parser.isSet(mode)) {
        const auto parsed = ipcpg::parseMode(parser.value(mode).toStdString());
        if (!parsed)
            return refuse(
                QStringLiteral("--mode \"%1\" is not allowed; use pingpong or stream").arg(parser.value(mode)));
        spec.mode = *parsed;
    }
    if (parser.isSet(duration)) {
        // The range of the window's duration field, which the value goes into.
        const QDoubleSpinBox* field = window.setupPanel()->durationBox();
        const auto seconds
            = ipcpg::parseDuration(parser.value(duration).toStdString(), field->minimum(), field->maximum());
        if (!seconds.value)
            return refuse(QStringLiteral("--duration ") + QString::fromStdString(seconds.error));
        spec.durationS = *seconds.value;
        spec.messages = 0;
    }
    if (parser.isSet(placement)) {
        const auto parsed = ipcpg::parsePlacement(parser.value(placement).toStdString());
        if (!parsed)
            return refuse(QStringLiteral("--placement \"%1\" is not allowed; use same-core, cross-core or unpinned")
                              .arg(parser.value(placement)));
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
    if (const auto why = ipcpg::refusal(spec))
        return refuse(QString::fromStdString(*why));
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

    const Exports exports { parser.value(exportPng), parser.value(exportSvg), parser.value(exportCsv),
        parser.value(exportJson), parser.value(screenshot) };
    if (parser.isSet(tab) && !window.showTab(parser.value(tab)))
        return refuse(
            QStringLiteral("--tab \"%1\" is not allowed; use live, compare, race or claims").arg(parser.value(tab)));
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
