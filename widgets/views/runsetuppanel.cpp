#include "views/runsetuppanel.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QStandardItemModel>
#include <QTextBrowser>
#include <QVBoxLayout>
#include <cmath>

#include "ipcpg/mechanismregistry.h"
#include "ipcpg/units.h"
#include "support/mechanismtexts.h"
#include "support/qtconversions.h"

namespace ipcpg {

namespace {

constexpr std::uint64_t kSizePresets[]
    = { 0, 1, 64, 256, 1024, 4096, 16384, 65536, 262144, 1 << 20, 4 << 20, 16 << 20 };

// Offered rates in messages per second; 0 is "off", as fast as the mechanism takes messages.
constexpr double kRatePresets[] = { 0, 1e3, 1e4, 1e5, 1e6 };

// A rate as parseOfferedRate() reads it back exactly: "20k" rather than formatRate()'s rounded
// "20.0 k/s", so a spec set into the panel comes out of it unchanged.
QString rateText(double rate)
{
    if (rate <= 0)
        return QStringLiteral("off");
    if (rate >= 1e6 && std::fmod(rate, 1e6) == 0)
        return QString::number(rate / 1e6, 'f', 0) + QLatin1Char('M');
    if (rate >= 1e3 && std::fmod(rate, 1e3) == 0)
        return QString::number(rate / 1e3, 'f', 0) + QLatin1Char('k');
    return QString::number(rate, 'g', 15);
}

QString topologyName(Topology topology)
{
    switch (topology) {
    case Topology::FanOut:
        return RunSetupPanel::tr("Fan-out");
    case Topology::FanIn:
        return RunSetupPanel::tr("Fan-in");
    case Topology::Pair:
        break;
    }
    return RunSetupPanel::tr("Pair");
}

} // namespace

RunSetupPanel::RunSetupPanel(QWidget* parent)
    : QWidget(parent)
{
    auto* layout = new QVBoxLayout(this);
    auto* form = new QFormLayout;
    m_form = form;
    layout->addLayout(form);
    buildMechanismControls(form);
    buildSizeControls(form);
    buildModeControls(form);
    buildTopologyControls(form);
    buildRateControls(form);
    buildLengthControls(form);
    buildPlacementControls(form);
    buildProblemLabel(form);
    layout->addWidget(buildStartButton());
    layout->addWidget(buildDescription(), 1);

    connect(m_mechanism, &QComboBox::currentIndexChanged, this, &RunSetupPanel::mechanismChanged);
    connect(m_size, &QComboBox::currentTextChanged, this, &RunSetupPanel::validate);
    connect(m_mode, &QComboBox::currentIndexChanged, this, &RunSetupPanel::validate);
    connect(m_topology, &QComboBox::currentIndexChanged, this, [this] {
        applyTopology();
        validate();
    });
    // Members times size has a ceiling, and a hub topology takes one worker only: both are the
    // registry's to refuse, so every change asks it again.
    for (QSpinBox* box : { m_subscribers, m_publishers, m_workers })
        connect(box, &QSpinBox::valueChanged, this, &RunSetupPanel::validate);
    connect(m_rate, &QComboBox::currentTextChanged, this, &RunSetupPanel::validate);
    connect(m_start, &QPushButton::clicked, this, [this] {
        if (m_running)
            emit stopRequested();
        else if (m_problem.isEmpty())
            emit startRequested(spec());
    });
    mechanismChanged();
}

// The mechanism and, below it, its options (rebuildOptions() fills them in).
void RunSetupPanel::buildMechanismControls(QFormLayout* form)
{
    m_mechanism = new QComboBox;
    for (const Mechanism* mechanism : MechanismRegistry::instance().all())
        m_mechanism->addItem(toQString(mechanism->info().title), toQString(mechanism->info().id));
    m_mechanism->setToolTip(tr("The interprocess-communication mechanism to measure"));
    form->addRow(tr("&Mechanism"), m_mechanism);

    m_optionsForm = new QFormLayout;
    form->addRow(m_optionsForm);
}

void RunSetupPanel::buildSizeControls(QFormLayout* form)
{
    m_size = new QComboBox;
    m_size->setEditable(true);
    m_size->setInsertPolicy(QComboBox::NoInsert);
    for (std::uint64_t size : kSizePresets)
        m_size->addItem(formatBytesQ(size), QVariant::fromValue<qulonglong>(size));
    m_size->setCurrentIndex(m_size->findData(QVariant::fromValue<qulonglong>(64)));
    m_size->setToolTip(tr("Payload bytes per message: pick a preset or type a size such as 3000, 8K or 2M"));
    form->addRow(tr("Message &size"), m_size);
}

// The modes the mechanism has (mechanismChanged() fills them in).
void RunSetupPanel::buildModeControls(QFormLayout* form)
{
    m_mode = new QComboBox;
    m_mode->setToolTip(tr("Ping-pong: request and reply, latency is the round trip. "
                          "Stream: one side sends as fast as it can, latency is one-way."));
    form->addRow(tr("M&ode"), m_mode);
}

// How the processes are connected, and how many members a fan-out or fan-in has: one count per
// topology, only the chosen one shown, so switching back and forth keeps both.
void RunSetupPanel::buildTopologyControls(QFormLayout* form)
{
    m_topology = new QComboBox;
    for (Topology topology : { Topology::Pair, Topology::FanOut, Topology::FanIn })
        m_topology->addItem(topologyName(topology), toQString(toString(topology)));
    form->addRow(tr("&Topology"), m_topology);
    m_subscribers = new QSpinBox;
    m_subscribers->setRange(1, static_cast<int>(RunSpec::kMaxMembers));
    m_subscribers->setValue(4);
    m_subscribers->setToolTip(tr("Processes that each receive and verify every message the publisher sends"));
    form->addRow(tr("Su&bscribers"), m_subscribers);
    m_publishers = new QSpinBox;
    m_publishers->setRange(1, static_cast<int>(RunSpec::kMaxMembers));
    m_publishers->setValue(4);
    m_publishers->setToolTip(
        tr("Processes that send into the one receiver, which checks each publisher's order on its own"));
    form->addRow(tr("P&ublishers"), m_publishers);
}

// An offered load: a preset, off, or a typed rate such as 25k or 2.5M.
void RunSetupPanel::buildRateControls(QFormLayout* form)
{
    m_rate = new QComboBox;
    m_rate->setEditable(true);
    m_rate->setInsertPolicy(QComboBox::NoInsert);
    for (double rate : kRatePresets)
        m_rate->addItem(rateText(rate), rate);
    m_rate->setCurrentIndex(0);
    m_rate->setToolTip(tr("Offered load in messages per second for each receiver: off sends as fast as the mechanism "
                          "takes messages; a rate (type e.g. 25k or 2.5M) sends on a fixed schedule, and latency "
                          "then counts from each message's scheduled send time"));
    form->addRow(tr("R&ate (msg/s)"), m_rate);
}

// How long the run lasts: a duration or a message count, only the chosen one shown.
void RunSetupPanel::buildLengthControls(QFormLayout* form)
{
    m_limit = new QComboBox;
    m_limit->addItem(tr("Duration"), QStringLiteral("duration"));
    m_limit->addItem(tr("Message count"), QStringLiteral("messages"));
    m_limit->setToolTip(tr("End the run after a time or after a number of messages"));
    form->addRow(tr("&Run for"), m_limit);
    m_duration = new QDoubleSpinBox;
    m_duration->setRange(0.1, 3600.0);
    m_duration->setDecimals(1);
    m_duration->setSingleStep(0.5);
    m_duration->setValue(5.0);
    m_duration->setSuffix(tr(" s"));
    m_duration->setToolTip(tr("How long to measure, after a short warm-up"));
    form->addRow(tr("&Duration"), m_duration);
    m_messages = new QSpinBox;
    m_messages->setRange(1, 2'000'000'000);
    m_messages->setValue(100000);
    m_messages->setGroupSeparatorShown(true);
    m_messages->setToolTip(tr("How many messages to measure, after a short warm-up"));
    form->addRow(tr("Me&ssages"), m_messages);
    const auto showLimit = [this, form] {
        const bool byCount = m_limit->currentData().toString() == QStringLiteral("messages");
        form->setRowVisible(m_duration, !byCount);
        form->setRowVisible(m_messages, byCount);
    };
    connect(m_limit, &QComboBox::currentIndexChanged, this, showLimit);
    showLimit();
}

// The worker pairs and where their processes run.
void RunSetupPanel::buildPlacementControls(QFormLayout* form)
{
    m_workers = new QSpinBox;
    m_workers->setRange(1, static_cast<int>(RunSpec::kMaxWorkers));
    m_workers->setToolTip(tr("Independent sender/receiver pairs running at once; each pair has its own channel. "
                             "For the pair topology: a fan-out or fan-in has one hub and its members."));
    form->addRow(tr("&Workers (pairs)"), m_workers);
    m_placement = new QComboBox;
    m_placement->addItem(tr("Unpinned"), QStringLiteral("unpinned"));
    m_placement->addItem(tr("Same core"), QStringLiteral("same-core"));
    m_placement->addItem(tr("Cross core"), QStringLiteral("cross-core"));
    m_placement->setToolTip(tr("Same core: both processes share one CPU (cheap wake-ups, no parallelism). "
                               "Cross core: one CPU each (every hand-off crosses caches and may wake an idle CPU)."));
    form->addRow(tr("&Placement"), m_placement);
}

// Why the set-up cannot run, whichever field it is about: right above the Start button it refuses.
void RunSetupPanel::buildProblemLabel(QFormLayout* form)
{
    m_problemLabel = new QLabel;
    m_problemLabel->setObjectName(QStringLiteral("setupProblem")); // found by tests
    m_problemLabel->setWordWrap(true);
    m_problemLabel->setStyleSheet(QStringLiteral("color: #d62728"));
    m_problemLabel->hide();
    form->addRow(m_problemLabel);
}

QWidget* RunSetupPanel::buildStartButton()
{
    m_start = new QPushButton(tr("&Start"));
    m_start->setToolTip(tr("Start the run (Ctrl+R); while running, stop it"));
    return m_start;
}

// What the mechanism is, its strengths, costs and limits: read while choosing.
QWidget* RunSetupPanel::buildDescription()
{
    m_description = new QTextBrowser;
    m_description->setOpenExternalLinks(false);
    m_description->setMinimumHeight(120);
    m_description->setFocusPolicy(Qt::ClickFocus);
    m_description->setToolTip(tr("About the selected mechanism"));
    return m_description;
}

void RunSetupPanel::mechanismChanged()
{
    const Mechanism* mechanism
        = MechanismRegistry::instance().find(m_mechanism->currentData().toString().toStdString());
    if (!mechanism)
        return;
    const MechanismInfo& info = mechanism->info();
    const QString text = mechanismText(toQString(info.id));
    if (text.isEmpty())
        m_description->setPlainText(toQString(info.title) + QStringLiteral("\n\n") + toQString(info.summary));
    else
        m_description->setMarkdown(text);
    const QString previousMode = m_mode->currentData().toString();
    m_mode->blockSignals(true);
    m_mode->clear();
    for (Mode mode : info.modes)
        m_mode->addItem(mode == Mode::PingPong ? tr("Ping-pong") : tr("Stream"), toQString(toString(mode)));
    const int keep = m_mode->findData(previousMode);
    m_mode->setCurrentIndex(keep >= 0 ? keep : 0);
    m_mode->blockSignals(false);
    describeTopologies(info);
    rebuildOptions();
    adjustSizeToLimits();
    validate();
}

// Each topology's tooltip says how this mechanism does it, or why it cannot; the ones it cannot
// do are greyed out like the sizes it cannot take.
void RunSetupPanel::describeTopologies(const MechanismInfo& info)
{
    auto* model = qobject_cast<QStandardItemModel*>(m_topology->model());
    for (int i = 0; model && i < m_topology->count(); ++i) {
        const auto topology = parseTopology(m_topology->itemData(i).toString().toStdString());
        const TopologySupport* support = topology ? info.support(*topology) : nullptr;
        QStandardItem* item = model->item(i);
        if (!support) {
            item->setToolTip(tr("One sender and one receiver in each worker pair, each pair on its own channel"));
            continue;
        }
        item->setEnabled(support->supported);
        item->setToolTip(support->supported ? toQString(support->how)
                                            : tr("%1 cannot: %2").arg(toQString(info.id), toQString(support->how)));
    }
    applyTopology();
}

Topology RunSetupPanel::topology() const
{
    return parseTopology(m_topology->currentData().toString().toStdString()).value_or(Topology::Pair);
}

// The member count of the chosen topology is shown; the worker pairs are for pairs only.
void RunSetupPanel::applyTopology()
{
    const Topology current = topology();
    m_form->setRowVisible(m_subscribers, current == Topology::FanOut);
    m_form->setRowVisible(m_publishers, current == Topology::FanIn);
    m_workers->setEnabled(!m_running && current == Topology::Pair);
    m_topology->setToolTip(m_topology->itemData(m_topology->currentIndex(), Qt::ToolTipRole).toString());
}

Parsed<double> RunSetupPanel::rate() const
{
    const QString text = m_rate->currentText().trimmed();
    const int preset = m_rate->findText(text);
    if (preset >= 0)
        return { m_rate->itemData(preset).toDouble(), {} };
    // "off" and an empty field are not rates to core's parser: the panel's own way to say none.
    if (text.isEmpty() || text.compare(QStringLiteral("off"), Qt::CaseInsensitive) == 0)
        return { 0.0, {} };
    return parseOfferedRate(text.toStdString());
}

void RunSetupPanel::adjustSizeToLimits()
{
    // Keep the size when the mechanism takes it with these options; otherwise move to the nearest
    // preset it takes, so a switch never leaves the panel in a refused state.
    const RunSpec current = spec();
    const Mechanism* mechanism = MechanismRegistry::instance().find(current.mechanism);
    if (!mechanism)
        return;
    const SizeLimit limit
        = mechanism->sizeLimit(MechanismRegistry::instance().resolveOptions(*mechanism, current.options));
    if (current.messageSize >= limit.min && current.messageSize <= limit.max)
        return;
    int best = -1;
    for (int i = 0; i < m_size->count(); ++i) {
        const std::uint64_t preset = m_size->itemData(i).toULongLong();
        if (preset >= limit.min && preset <= limit.max && (best < 0 || preset <= current.messageSize))
            best = i;
    }
    if (best >= 0)
        m_size->setCurrentIndex(best);
}

void RunSetupPanel::rebuildOptions()
{
    while (m_optionsForm->rowCount() > 0)
        m_optionsForm->removeRow(0);
    m_optionBoxes.clear();
    const Mechanism* mechanism
        = MechanismRegistry::instance().find(m_mechanism->currentData().toString().toStdString());
    for (const OptionSpec& option : mechanism->info().options) {
        auto* box = new QComboBox;
        for (const std::string& value : option.values)
            box->addItem(toQString(value), toQString(value));
        box->setCurrentIndex(box->findData(toQString(option.defaultValue)));
        box->setToolTip(toQString(option.help));
        connect(box, &QComboBox::currentIndexChanged, this, [this] {
            adjustSizeToLimits();
            validate();
        });
        m_optionsForm->addRow(toQString(option.name), box);
        m_optionBoxes.insert(toQString(option.name), box);
    }
}

RunSpec RunSetupPanel::spec() const
{
    RunSpec spec;
    spec.mechanism = m_mechanism->currentData().toString().toStdString();
    spec.mode = parseMode(m_mode->currentData().toString().toStdString()).value_or(Mode::PingPong);
    const int preset = m_size->findText(m_size->currentText());
    if (preset >= 0)
        spec.messageSize = m_size->itemData(preset).toULongLong();
    else
        spec.messageSize = parseByteCount(m_size->currentText().toStdString()).value_or(0);
    spec.durationS = m_duration->value();
    if (m_limit->currentData().toString() == QStringLiteral("messages")) {
        spec.messages = static_cast<std::uint64_t>(m_messages->value());
        spec.durationS = RunSpec::kMaxDurationS;
    }
    spec.topology = topology();
    // Only the chosen topology's count goes in: the registry refuses subscribers on a fan-in.
    spec.workers = spec.topology == Topology::Pair ? static_cast<unsigned>(m_workers->value()) : 1;
    spec.subscribers = spec.topology == Topology::FanOut ? static_cast<unsigned>(m_subscribers->value()) : 1;
    spec.publishers = spec.topology == Topology::FanIn ? static_cast<unsigned>(m_publishers->value()) : 1;
    spec.rate = rate().value.value_or(0.0);
    spec.placement = parsePlacement(m_placement->currentData().toString().toStdString()).value_or(Placement::Unpinned);
    for (auto it = m_optionBoxes.cbegin(); it != m_optionBoxes.cend(); ++it)
        spec.options[it.key().toStdString()] = it.value()->currentData().toString().toStdString();
    return spec;
}

void RunSetupPanel::setSpec(const RunSpec& spec)
{
    const int mechanism = m_mechanism->findData(toQString(spec.mechanism));
    if (mechanism >= 0)
        m_mechanism->setCurrentIndex(mechanism);
    const int mode = m_mode->findData(toQString(toString(spec.mode)));
    if (mode >= 0)
        m_mode->setCurrentIndex(mode);
    const int preset = m_size->findData(QVariant::fromValue<qulonglong>(spec.messageSize));
    if (preset >= 0)
        m_size->setCurrentIndex(preset);
    else
        m_size->setEditText(QString::number(spec.messageSize));
    if (spec.messages > 0) {
        m_limit->setCurrentIndex(m_limit->findData(QStringLiteral("messages")));
        m_messages->setValue(static_cast<int>(std::min<std::uint64_t>(spec.messages, 2'000'000'000)));
    } else {
        m_limit->setCurrentIndex(m_limit->findData(QStringLiteral("duration")));
        m_duration->setValue(spec.durationS);
    }
    const int topology = m_topology->findData(toQString(toString(spec.topology)));
    if (topology >= 0)
        m_topology->setCurrentIndex(topology);
    // The other topologies' counts are left as they were, for when the user switches back.
    if (spec.topology == Topology::Pair)
        m_workers->setValue(static_cast<int>(spec.workers));
    if (spec.topology == Topology::FanOut)
        m_subscribers->setValue(static_cast<int>(spec.subscribers));
    if (spec.topology == Topology::FanIn)
        m_publishers->setValue(static_cast<int>(spec.publishers));
    const int ratePreset = m_rate->findData(spec.rate);
    if (ratePreset >= 0)
        m_rate->setCurrentIndex(ratePreset);
    else
        m_rate->setEditText(rateText(spec.rate));
    const int placement = m_placement->findData(toQString(toString(spec.placement)));
    if (placement >= 0)
        m_placement->setCurrentIndex(placement);
    for (const auto& [name, value] : spec.options) {
        if (QComboBox* box = m_optionBoxes.value(toQString(name))) {
            const int index = box->findData(toQString(value));
            if (index >= 0)
                box->setCurrentIndex(index);
        }
    }
    validate();
}

void RunSetupPanel::validate()
{
    const RunSpec current = spec();
    QString problem;
    // A preset is a size by construction; typed text gets the rule of every front end.
    const bool preset = m_size->findText(m_size->currentText()) >= 0;
    const Parsed<std::uint64_t> typed = parseMessageSize(m_size->currentText().toStdString());
    const Parsed<double> offered = rate();
    if (!preset && !typed.value)
        problem = toQString(typed.error);
    else if (!offered.value)
        problem = tr("Rate %1, or off for as fast as possible").arg(toQString(offered.error));
    else if (const auto why = refusal(current))
        problem = toQString(*why);
    m_problem = problem;
    m_problemLabel->setText(problem);
    m_problemLabel->setVisible(!problem.isEmpty());

    // Grey out the presets this mechanism cannot carry, with the reason as their tooltip.
    const Mechanism* mechanism = MechanismRegistry::instance().find(current.mechanism);
    if (mechanism) {
        const MechanismOptions options = MechanismRegistry::instance().resolveOptions(*mechanism, current.options);
        auto* model = qobject_cast<QStandardItemModel*>(m_size->model());
        for (int i = 0; model && i < m_size->count(); ++i) {
            const std::string why
                = MechanismRegistry::instance().refusal(*mechanism, options, m_size->itemData(i).toULongLong());
            QStandardItem* item = model->item(i);
            item->setEnabled(why.empty());
            item->setToolTip(toQString(why));
        }
    }
    m_start->setEnabled(m_running || problem.isEmpty());
}

void RunSetupPanel::setRunning(bool running)
{
    m_running = running;
    m_start->setText(running ? tr("&Stop") : tr("&Start"));
    for (QWidget* control : std::initializer_list<QWidget*> { m_mechanism, m_size, m_mode, m_topology, m_subscribers,
             m_publishers, m_rate, m_limit, m_duration, m_messages, m_workers, m_placement })
        control->setEnabled(!running);
    for (QComboBox* box : m_optionBoxes)
        box->setEnabled(!running);
    applyTopology();
    validate();
}

QString RunSetupPanel::descriptionText() const { return m_description->toPlainText(); }

} // namespace ipcpg
