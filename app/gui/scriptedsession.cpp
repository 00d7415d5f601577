#include "scriptedsession.h"

#include <QApplication>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QTextStream>
#include <QTimer>
#include <algorithm>
#include <array>
#include <string_view>

#include "ipcpg/comparepresets.h"
#include "ipcpg/frontendrules.h"
#include "ipcpg/mechanismregistry.h"
#include "ipcpg/race.h"
#include "views/claimsview.h"
#include "views/compareview.h"
#include "views/loadcurveview.h"
#include "views/mainwindow.h"
#include "views/racelabview.h"
#include "views/runsetuppanel.h"
#include "views/scalingview.h"

namespace ipcpg {

namespace {

struct OptionText {
    const char* name;
    const char* description;
    const char* valueName; // nullptr: a switch
};

// In the order --help lists them.
constexpr OptionText kOptions[] = {
    { "mechanism", "Mechanism id (see ipcpg list)", "ID" },
    { "size", "Message size in bytes (suffixes K, M)", "BYTES" },
    { "mode", "pingpong or stream", "MODE" },
    { "duration", "Seconds to measure", "SECONDS" },
    { "sync", "Synchronisation, where the mechanism has it", "MODE" },
    { "option", "Mechanism option NAME=VALUE (repeatable)", "NAME=VALUE" },
    { "placement", "same-core, cross-core or unpinned", "PLACEMENT" },
    { "topology", "pair, fanout (one publisher, --subscribers N) or fanin (--publishers N, one receiver)", "TOPOLOGY" },
    { "subscribers", "Subscribers of a fan-out (1-64)", "N" },
    { "publishers", "Publishers of a fan-in (1-64)", "N" },
    { "rate",
        "Offered load in messages per second per receiver (k and M allowed, e.g. 10k), or off: as fast as possible",
        "RATE" },
    { "start", "Start the run at once", nullptr },
    { "export-png", "After the run, write the charts as PNG (2x)", "FILE" },
    { "export-svg", "After the run, write the charts as SVG", "FILE" },
    { "export-csv", "After the run, write its result as CSV", "FILE" },
    { "export-json", "After the run, write its result as JSON", "FILE" },
    { "quit-when-done", "Quit after the run and the exports (exit 1 if either failed)", nullptr },
    { "theme", "system, light or dark", "THEME" },
    { "compare",
        "Run a comparison in the Compare tab instead of a single run: mechanism ids, comma separated, or all; "
        "--size takes a comma-separated list, --placement too; the exports then hold the comparison",
        "IDS" },
    { "preset",
        "Run a ready-made comparison in the Compare tab: frameworks (every framework over each kernel mechanism "
        "it can use, beside that mechanism); --size, --mode, --placement, --option and --duration apply",
        "ID" },
    { "scaling",
        "Run a scaling curve in the Compare tab: mechanism ids, comma separated, or all, at each member count of "
        "--members; --topology fanout (the default) or fanin, --size, --mode, --rate and --duration per run apply",
        "IDS" },
    { "members", "Member counts N of --scaling, comma separated (default 1,2,4,8)", "LIST" },
    { "show", "What the --scaling chart draws against N: p50, p99, p99.9, cpu, hub-cpu or delivered", "METRIC" },
    { "load",
        "Run latency-versus-load curves in the Compare tab: mechanism ids, comma separated, or all; --rate auto "
        "(the default: a search for saturation) or a comma-separated list of rates; --size, --mode, --placement, "
        "--topology with --subscribers or --publishers, and --duration per run apply",
        "IDS" },
    { "tab", "Show this tab: live, compare, scaling, load, race or claims", "TAB" },
    { "race",
        "Open the race lab on this scenario (see ipcpg race --list); --sync picks its mode and --start runs it; "
        "the exports then hold the race",
        "SCENARIO" },
    { "check-claims",
        "Open the claims tab and check these claims of the article (ids comma separated, or all); "
        "--export-json then writes the verdicts",
        "IDS" },
    { "screenshot", "When the exports are written, also save the whole window as a PNG image", "FILE" },
    { "window-size", "Open the window at this size in pixels, e.g. 1440x900", "WxH" },
};

const char* const kModes = "pingpong or stream";
const char* const kPlacements = "same-core, cross-core or unpinned";
const char* const kTopologies = "pair, fanout or fanin";

// `--mode "sideways" is not allowed; use pingpong or stream`
QString notAllowed(const char* option, const QString& text, const char* allowed)
{
    return QStringLiteral("--%1 \"%2\" is not allowed; use %3")
        .arg(QLatin1String(option), text, QLatin1String(allowed));
}

// A front-end rule's sentence (it names the text and the range) after the option's name.
QString withOption(const char* option, const std::string& error)
{
    return QStringLiteral("--%1 %2").arg(QLatin1String(option), QString::fromStdString(error));
}

QStringList mechanismIds()
{
    QStringList ids;
    for (const std::string& id : MechanismRegistry::instance().ids())
        ids << QString::fromStdString(id);
    return ids;
}

} // namespace

ScriptedSession::ScriptedSession()
{
    m_parser.setApplicationDescription(QStringLiteral("A desktop laboratory for interprocess communication on Linux"));
    m_parser.addHelpOption();
    m_parser.addVersionOption();
    for (const OptionText& option : kOptions) {
        m_parser.addOption(QCommandLineOption(QString::fromLatin1(option.name), QString::fromUtf8(option.description),
            option.valueName ? QString::fromLatin1(option.valueName) : QString()));
    }
}

bool ScriptedSession::isSet(const char* option) const { return m_parser.isSet(QString::fromLatin1(option)); }

QString ScriptedSession::value(const char* option) const { return m_parser.value(QString::fromLatin1(option)); }

int ScriptedSession::refuse(const QString& message) const
{
    QTextStream(stderr) << "ipc-playground: " << message << '\n';
    return kRefused;
}

bool ScriptedSession::parse(const QCoreApplication& app)
{
    // process() alone would exit 1 on an unknown option or a missing value; bad arguments are
    // status 2 in every executable of the project, so parse errors are caught here first.
    if (!m_parser.parse(QCoreApplication::arguments())) {
        refuse(m_parser.errorText() + QStringLiteral(" (see ipc-playground --help)"));
        return false;
    }
    if (!m_parser.positionalArguments().isEmpty()) {
        refuse(QStringLiteral("unexpected argument \"%1\"; every setting is an option (see ipc-playground --help)")
                   .arg(m_parser.positionalArguments().constFirst()));
        return false;
    }
    m_parser.process(app); // --help, --help-all and --version print and exit here
    m_quit = isSet("quit-when-done");
    return true;
}

std::optional<int> ScriptedSession::begin(MainWindow& window)
{
    m_window = &window;
    if (const auto exit = resizeWindow())
        return exit;
    if (isSet("check-claims"))
        return beginClaims();
    if (isSet("race"))
        return beginRace();
    if (isSet("compare") || isSet("preset"))
        return beginComparison();
    if (isSet("scaling"))
        return beginScaling();
    if (isSet("load"))
        return beginLoadCurves();
    return beginRun();
}

std::optional<int> ScriptedSession::resizeWindow()
{
    if (!isSet("window-size"))
        return std::nullopt;
    const QStringList parts = value("window-size").split(QLatin1Char('x'));
    const int width = parts.size() == 2 ? parts[0].toInt() : 0;
    const int height = parts.size() == 2 ? parts[1].toInt() : 0;
    if (width < 640 || height < 480 || width > 7680 || height > 4320)
        return refuse(QStringLiteral("--window-size \"%1\" is not allowed; give WIDTHxHEIGHT from 640x480 to 7680x4320")
                          .arg(value("window-size")));
    m_window->resize(width, height);
    return std::nullopt;
}

// A single run, set up in the Live tab's panel; --start starts it.
std::optional<int> ScriptedSession::beginRun()
{
    RunSpec spec = m_window->setupPanel()->spec();
    if (const auto exit = readRunSpec(spec))
        return exit;
    if (const auto exit = applyTheme())
        return exit;
    if (isSet("tab") && !m_window->showTab(value("tab")))
        return refuse(notAllowed("tab", value("tab"), "live, compare, scaling, load, race or claims"));
    m_window->setupPanel()->setSpec(spec);
    m_window->show();

    if (isSet("start")) {
        QObject::connect(m_window, &MainWindow::runFinished, m_window,
            [this](const RunResult& result) { finishLater(result.partial && !result.error.empty()); });
        QObject::connect(
            m_window, &MainWindow::runFailed, m_window, [this](const QString& reason) { reportFailure(reason); });
        if (!m_window->startRun())
            return 1;
    } else if (exportsRequested() || m_quit) {
        finishLater(false);
    }
    return std::nullopt;
}

// What to measure: the panel's set-up with the options given on top.
std::optional<int> ScriptedSession::readRunSpec(RunSpec& spec) const
{
    if (isSet("mechanism")) {
        spec.mechanism = value("mechanism").toStdString();
        if (!MechanismRegistry::instance().find(spec.mechanism))
            return refuse(QStringLiteral("--mechanism \"%1\" is unknown; use one of: %2")
                              .arg(value("mechanism"), mechanismIds().join(QStringLiteral(", "))));
        spec.options.clear();
    }
    if (isSet("size")) {
        const auto bytes = parseMessageSize(value("size").toStdString());
        if (!bytes.value)
            return refuse(withOption("size", bytes.error));
        spec.messageSize = *bytes.value;
    }
    if (isSet("mode")) {
        const auto mode = parseMode(value("mode").toStdString());
        if (!mode)
            return refuse(notAllowed("mode", value("mode"), kModes));
        spec.mode = *mode;
    }
    if (isSet("duration")) {
        // The range of the window's duration field, which the value goes into.
        const QDoubleSpinBox* field = m_window->setupPanel()->durationBox();
        const auto seconds = parseDuration(value("duration").toStdString(), field->minimum(), field->maximum());
        if (!seconds.value)
            return refuse(withOption("duration", seconds.error));
        spec.durationS = *seconds.value;
        spec.messages = 0;
    }
    if (isSet("placement")) {
        const auto placement = parsePlacement(value("placement").toStdString());
        if (!placement)
            return refuse(notAllowed("placement", value("placement"), kPlacements));
        spec.placement = *placement;
    }
    if (const auto exit = readTopology(spec))
        return exit;
    return readMechanismOptions(spec);
}

// --topology, --subscribers, --publishers and --rate, by ipcpg run's rules. The set-up they go
// into may come from the last session: a topology given here drops the counts that only another
// topology takes (the registry would refuse them, and nothing on this command line could undo
// them), and "--rate off" takes back a remembered rate.
std::optional<int> ScriptedSession::readTopology(RunSpec& spec) const
{
    if (isSet("topology")) {
        const auto topology = parseTopology(value("topology").toStdString());
        if (!topology)
            return refuse(notAllowed("topology", value("topology"), kTopologies));
        spec.topology = *topology;
        if (spec.topology != Topology::FanOut)
            spec.subscribers = 1;
        if (spec.topology != Topology::FanIn)
            spec.publishers = 1;
        if (spec.topology != Topology::Pair)
            spec.workers = 1;
    }
    for (const char* option : { "subscribers", "publishers" }) {
        if (!isSet(option))
            continue;
        const Parsed<unsigned> count = parseMemberCount(value(option).toStdString());
        if (!count.value)
            return refuse(withOption(option, count.error));
        (std::string_view(option) == "subscribers" ? spec.subscribers : spec.publishers) = *count.value;
    }
    if (isSet("rate")) {
        const QString text = value("rate").trimmed();
        if (text == QStringLiteral("off")) {
            spec.rate = 0;
        } else {
            const Parsed<double> rate = parseOfferedRate(text.toStdString());
            if (!rate.value)
                return refuse(withOption("rate", rate.error) + QStringLiteral(", or off for as fast as possible"));
            spec.rate = *rate.value;
        }
    }
    return std::nullopt;
}

// --option NAME=VALUE and --sync, then the registry's verdict on the whole spec.
std::optional<int> ScriptedSession::readMechanismOptions(RunSpec& spec) const
{
    for (const QString& assignment : m_parser.values(QStringLiteral("option"))) {
        const auto equals = assignment.indexOf(QLatin1Char('='));
        if (equals <= 0 || equals + 1 == assignment.size())
            return refuse(QStringLiteral("--option \"%1\" is not NAME=VALUE").arg(assignment));
        spec.options[assignment.left(equals).toStdString()] = assignment.mid(equals + 1).toStdString();
    }
    if (isSet("sync"))
        spec.options["sync"] = value("sync").toStdString();
    if (const auto why = refusal(spec))
        return refuse(QString::fromStdString(*why));
    return std::nullopt;
}

std::optional<int> ScriptedSession::applyTheme()
{
    if (!isSet("theme"))
        return std::nullopt;
    const QString name = value("theme");
    if (name == QStringLiteral("light"))
        m_window->setTheme(MainWindow::Theme::Light);
    else if (name == QStringLiteral("dark"))
        m_window->setTheme(MainWindow::Theme::Dark);
    else if (name == QStringLiteral("system"))
        m_window->setTheme(MainWindow::Theme::System);
    else
        return refuse(notAllowed("theme", name, "system, light or dark"));
    return std::nullopt;
}

// The mechanism ids of --compare, --scaling or --load: a comma-separated list, or all. Empty
// with the refusal's exit status in `exit` when an id is unknown or none is given.
QStringList ScriptedSession::mechanismList(const char* option, std::optional<int>& exit) const
{
    const QString list = value(option);
    if (list == QStringLiteral("all"))
        return mechanismIds();
    QStringList ids;
    for (const QString& id : list.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        if (!MechanismRegistry::instance().find(id.trimmed().toStdString())) {
            exit = refuse(QStringLiteral("--%1 names \"%2\", which is not a mechanism; see `ipcpg list`")
                              .arg(QLatin1String(option), id.trimmed()));
            return {};
        }
        ids << id.trimmed();
    }
    if (ids.isEmpty())
        exit = refuse(QStringLiteral("--%1 needs mechanism ids or all").arg(QLatin1String(option)));
    return ids;
}

// --duration of a Compare page: the range of its duration field, which the value goes into.
std::optional<int> ScriptedSession::readPerRunDuration(const char* page, double& seconds) const
{
    if (!isSet("duration"))
        return std::nullopt;
    const auto parsed = parseDuration(value("duration").toStdString(), 0.1, 60.0);
    if (!parsed.value)
        return refuse(
            withOption("duration", parsed.error) + QStringLiteral(", per run with --%1").arg(QLatin1String(page)));
    seconds = *parsed.value;
    return std::nullopt;
}

// --compare: a sweep in the Compare tab; --size and --placement take lists there.
std::optional<int> ScriptedSession::beginComparison()
{
    CompareView* view = m_window->compareView();
    QStringList options;
    if (isSet("preset")) {
        if (isSet("compare"))
            return refuse(QStringLiteral("--preset and --compare both choose the mechanisms: give one"));
        std::string known;
        if (!findComparePreset(value("preset").toStdString(), &known))
            return refuse(notAllowed("preset", value("preset"), known.empty() ? "none in this build" : known.c_str()));
        view->applyPreset(value("preset"));
        options << view->options();
    } else {
        std::optional<int> exit;
        const QStringList ids = mechanismList("compare", exit);
        if (exit)
            return exit;
        view->setMechanisms(ids);
    }
    for (const QString& assignment : m_parser.values(QStringLiteral("option"))) {
        const auto equals = assignment.indexOf(QLatin1Char('='));
        if (equals <= 0 || equals + 1 == assignment.size() || assignment.contains(QLatin1Char(' ')))
            return refuse(QStringLiteral("--option \"%1\" is not NAME=VALUE").arg(assignment));
        options << assignment;
    }
    view->setOptions(options.join(QLatin1Char(' ')));
    view->setSizes(isSet("size") ? value("size") : QStringLiteral("64, 4K, 64K"));
    if (isSet("mode")) {
        const auto mode = parseMode(value("mode").toStdString());
        if (!mode)
            return refuse(notAllowed("mode", value("mode"), kModes));
        view->setMode(*mode);
    }
    double seconds = 1.0;
    if (const auto refused = readPerRunDuration("compare", seconds))
        return refused;
    view->setDuration(seconds);
    if (isSet("placement")) {
        QList<Placement> placements;
        for (const QString& name : value("placement").split(QLatin1Char(','), Qt::SkipEmptyParts)) {
            const auto placement = parsePlacement(name.trimmed().toStdString());
            if (!placement)
                return refuse(notAllowed("placement", name.trimmed(), kPlacements));
            placements << *placement;
        }
        view->setPlacements(placements);
    }
    QStringList skipped;
    if (view->plan(&skipped).isEmpty())
        return refuse(QStringLiteral("nothing to compare: %1").arg(skipped.join(QStringLiteral("; "))));
    m_window->showTab(QStringLiteral("compare"));
    m_window->show();
    QObject::connect(view, &CompareView::sweepFinished, m_window, [this](bool cancelled) { finishLater(cancelled); });
    view->startSweep();
    return std::nullopt;
}

// --size (one size), --mode, --option and --sync (for the mechanisms that have them) and
// --duration (per run) of the Scaling or Latency vs load page.
template <typename Page> std::optional<int> ScriptedSession::readPageRunOptions(Page& page, const char* option) const
{
    if (isSet("size")) {
        const auto bytes = parseMessageSize(value("size").toStdString());
        if (!bytes.value)
            return refuse(
                withOption("size", bytes.error) + QStringLiteral(", one size with --%1").arg(QLatin1String(option)));
        page.setSize(value("size"));
    }
    if (isSet("mode")) {
        const auto mode = parseMode(value("mode").toStdString());
        if (!mode)
            return refuse(notAllowed("mode", value("mode"), kModes));
        page.setMode(*mode);
    }
    QStringList options;
    for (const QString& assignment : m_parser.values(QStringLiteral("option"))) {
        const auto equals = assignment.indexOf(QLatin1Char('='));
        if (equals <= 0 || equals + 1 == assignment.size() || assignment.contains(QLatin1Char(' ')))
            return refuse(QStringLiteral("--option \"%1\" is not NAME=VALUE").arg(assignment));
        options << assignment;
    }
    if (isSet("sync"))
        options << QStringLiteral("sync=") + value("sync");
    page.setOptions(options.join(QLatin1Char(' ')));
    double seconds = 0.5;
    if (const auto refused = readPerRunDuration(option, seconds))
        return refused;
    page.setDuration(seconds);
    return std::nullopt;
}

// --scaling: the Compare tab's Scaling page over --members, with the run options that apply to it.
std::optional<int> ScriptedSession::beginScaling()
{
    std::optional<int> exit;
    const QStringList ids = mechanismList("scaling", exit);
    if (exit)
        return exit;
    ScalingView* view = m_window->scalingView();
    view->setMechanisms(ids);
    Topology topology = Topology::FanOut;
    if (isSet("topology")) {
        const auto parsed = parseTopology(value("topology").toStdString());
        if (!parsed || *parsed == Topology::Pair)
            return refuse(notAllowed("topology", value("topology"), "fanout or fanin with --scaling"));
        topology = *parsed;
    }
    view->setTopology(topology);
    if (isSet("members")) {
        const ValueList<unsigned> counts = parseMemberCountList(value("members").toStdString());
        if (!counts.badItems.empty())
            return refuse(withOption("members", counts.badItems.front()));
        if (!counts.tooMany.empty())
            return refuse(withOption("members", counts.tooMany));
        view->setMemberCounts(value("members"));
    }
    if (isSet("rate")) {
        const QString text = value("rate").trimmed();
        if (text != QStringLiteral("off")) {
            const Parsed<double> rate = parseOfferedRate(text.toStdString());
            if (!rate.value)
                return refuse(withOption("rate", rate.error) + QStringLiteral(", or off for as fast as possible"));
        }
        view->setRate(text);
    }
    if (isSet("show")) {
        const auto metric = ScalingView::metricOf(value("show"));
        if (!metric)
            return refuse(QStringLiteral("--show \"%1\" is not allowed; use %2")
                              .arg(value("show"), ScalingView::metricIds().join(QStringLiteral(", "))));
        view->setMetric(*metric);
    }
    if (const auto refused = readPageRunOptions(*view, "scaling"))
        return refused;
    QStringList skipped;
    if (view->plan(&skipped).isEmpty())
        return refuse(QStringLiteral("nothing to run: %1").arg(skipped.join(QStringLiteral("; "))));
    m_window->showTab(QStringLiteral("scaling"));
    m_window->show();
    QObject::connect(view, &ScalingView::sweepFinished, m_window, [this](bool cancelled) { finishLater(cancelled); });
    view->startSweep();
    return std::nullopt;
}

// --load: the Compare tab's Latency vs load page; --rate is auto or a list of rates there.
std::optional<int> ScriptedSession::beginLoadCurves()
{
    std::optional<int> exit;
    const QStringList ids = mechanismList("load", exit);
    if (exit)
        return exit;
    LoadCurveView* view = m_window->loadCurveView();
    view->setMechanisms(ids);
    RunSpec spec; // the topology, its counts and the placement, read by ipcpg run's rules
    if (isSet("topology") || isSet("subscribers") || isSet("publishers")) {
        RunSpec counts;
        if (isSet("topology")) {
            const auto topology = parseTopology(value("topology").toStdString());
            if (!topology)
                return refuse(notAllowed("topology", value("topology"), kTopologies));
            counts.topology = *topology;
        }
        for (const char* option : { "subscribers", "publishers" }) {
            if (!isSet(option))
                continue;
            const Parsed<unsigned> count = parseMemberCount(value(option).toStdString());
            if (!count.value)
                return refuse(withOption(option, count.error));
            (std::string_view(option) == "subscribers" ? counts.subscribers : counts.publishers) = *count.value;
        }
        view->setTopology(counts.topology, counts.members());
    }
    if (isSet("placement")) {
        const auto placement = parsePlacement(value("placement").toStdString());
        if (!placement)
            return refuse(notAllowed("placement", value("placement"), kPlacements));
        view->setPlacement(*placement);
    }
    if (isSet("rate")) {
        const QString rates = value("rate").trimmed();
        if (rates != QStringLiteral("auto")) {
            const ValueList<double> list = parseOfferedRateList(rates.toStdString());
            if (!list.badItems.empty())
                return refuse(withOption("rate", list.badItems.front()) + QStringLiteral(", or auto"));
            if (!list.tooMany.empty())
                return refuse(withOption("rate", list.tooMany));
        }
        view->setRates(rates);
    }
    if (const auto refused = readPageRunOptions(*view, "load"))
        return refused;
    QStringList skipped;
    if (view->plan(&skipped).isEmpty())
        return refuse(QStringLiteral("nothing to run: %1").arg(skipped.join(QStringLiteral("; "))));
    m_window->showTab(QStringLiteral("load"));
    m_window->show();
    QObject::connect(
        view, &LoadCurveView::searchFinished, m_window, [this](bool cancelled) { finishLater(cancelled); });
    view->startSearch();
    return std::nullopt;
}

// --race: the race lab on a scenario; with --start it runs.
std::optional<int> ScriptedSession::beginRace()
{
    RaceLabView* lab = m_window->raceLab();
    const QString scenario = value("race");
    const int scenarioIndex = lab->scenarioBox()->findData(scenario);
    if (scenarioIndex < 0)
        return refuse(QStringLiteral("--race \"%1\" is not a scenario; see `ipcpg race --list`").arg(scenario));
    lab->scenarioBox()->setCurrentIndex(scenarioIndex);
    if (isSet("sync")) {
        const QString sync = value("sync");
        const int syncIndex = lab->syncBox()->findData(sync);
        if (syncIndex < 0) {
            QStringList modes;
            for (int i = 0; i < lab->syncBox()->count(); ++i)
                modes << lab->syncBox()->itemData(i).toString();
            return refuse(QStringLiteral("--sync \"%1\" is not a mode of %2; use %3")
                              .arg(sync, scenario, modes.join(QStringLiteral(", "))));
        }
        lab->syncBox()->setCurrentIndex(syncIndex);
    }
    m_window->showTab(QStringLiteral("race"));
    m_window->show();
    if (!isSet("start"))
        return std::nullopt;
    QObject::connect(
        lab, &RaceLabView::raceFinished, m_window, [this](const RaceResult& result) { finishLater(result.partial); });
    QObject::connect(lab, &RaceLabView::raceFailed, m_window, [this](const QString& reason) { reportFailure(reason); });
    if (!lab->start())
        return 1;
    return std::nullopt;
}

// --check-claims: the article's claims, checked one after the other in the claims tab.
std::optional<int> ScriptedSession::beginClaims()
{
    const QString list = value("check-claims");
    QStringList ids;
    if (list != QStringLiteral("all"))
        ids = list.split(QLatin1Char(','), Qt::SkipEmptyParts);
    ClaimsView* view = m_window->claimsView();
    m_window->showTab(QStringLiteral("claims"));
    m_window->show();
    QObject::connect(view, &ClaimsView::allChecked, m_window, [this] { finishLater(false); });
    const QStringList unknown = view->checkSeveral(ids);
    if (!unknown.isEmpty()) {
        QStringList known;
        for (int i = 0; i < view->claimCount(); ++i)
            known << QString::fromStdString(view->claim(i).id);
        return refuse(QStringLiteral("--check-claims names %1, not a claim; use all or %2")
                          .arg(unknown.join(QStringLiteral(", ")), known.join(QStringLiteral(", "))));
    }
    return std::nullopt;
}

void ScriptedSession::finishLater(bool failed)
{
    QTimer::singleShot(0, m_window, [this, failed] {
        const bool exported = writeExports();
        if (m_quit)
            QApplication::exit(exported && !failed ? 0 : 1);
    });
}

void ScriptedSession::reportFailure(const QString& reason)
{
    QTextStream(stderr) << "ipc-playground: " << reason << '\n';
    if (m_quit)
        QTimer::singleShot(0, m_window, [] { QApplication::exit(1); });
}

bool ScriptedSession::exportsRequested() const
{
    static constexpr std::array<const char*, 5> kExports { "export-png", "export-svg", "export-csv", "export-json",
        "screenshot" };
    return std::ranges::any_of(kExports, [this](const char* option) { return !value(option).isEmpty(); });
}

bool ScriptedSession::writeExports()
{
    using Kind = MainWindow::ExportKind;
    bool ok = true;
    const std::pair<Kind, const char*> files[] = { { Kind::Png, "export-png" }, { Kind::Svg, "export-svg" },
        { Kind::Csv, "export-csv" }, { Kind::Json, "export-json" } };
    for (const auto& [kind, option] : files) {
        if (const QString path = value(option); !path.isEmpty())
            ok = m_window->exportCurrent(kind, path) && ok;
    }
    if (const QString path = value("screenshot"); !path.isEmpty()) {
        // The whole window as it is on screen, for documentation (the chart exports hold the chart alone).
        if (!m_window->grab().save(path, "PNG")) {
            QTextStream(stderr) << "ipc-playground: cannot write " << path << '\n';
            ok = false;
        }
    }
    return ok;
}

} // namespace ipcpg
