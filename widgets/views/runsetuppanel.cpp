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

#include "ipcpg/frontendrules.h"
#include "ipcpg/mechanismregistry.h"
#include "ipcpg/units.h"
#include "support/mechanismtexts.h"
#include "support/qtconversions.h"

namespace ipcpg {

namespace {

constexpr std::uint64_t kSizePresets[]
    = { 0, 1, 64, 256, 1024, 4096, 16384, 65536, 262144, 1 << 20, 4 << 20, 16 << 20 };

} // namespace

RunSetupPanel::RunSetupPanel(QWidget* parent)
    : QWidget(parent)
{
    auto* layout = new QVBoxLayout(this);
    auto* form = new QFormLayout;
    layout->addLayout(form);
    buildMechanismControls(form);
    buildSizeControls(form);
    buildModeControls(form);
    buildLengthControls(form);
    buildPlacementControls(form);
    layout->addWidget(buildStartButton());
    layout->addWidget(buildDescription(), 1);

    connect(m_mechanism, &QComboBox::currentIndexChanged, this, &RunSetupPanel::mechanismChanged);
    connect(m_size, &QComboBox::currentTextChanged, this, &RunSetupPanel::validate);
    connect(m_mode, &QComboBox::currentIndexChanged, this, &RunSetupPanel::validate);
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
    m_sizeProblem = new QLabel;
    m_sizeProblem->setWordWrap(true);
    m_sizeProblem->setStyleSheet(QStringLiteral("color: #d62728"));
    m_sizeProblem->hide();
    form->addRow(m_sizeProblem);
}

// The modes the mechanism has (mechanismChanged() fills them in).
void RunSetupPanel::buildModeControls(QFormLayout* form)
{
    m_mode = new QComboBox;
    m_mode->setToolTip(tr("Ping-pong: request and reply, latency is the round trip. "
                          "Stream: one side sends as fast as it can, latency is one-way."));
    form->addRow(tr("M&ode"), m_mode);
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
    m_workers->setToolTip(tr("Independent sender/receiver pairs running at once; each pair has its own channel"));
    form->addRow(tr("&Workers (pairs)"), m_workers);
    m_placement = new QComboBox;
    m_placement->addItem(tr("Unpinned"), QStringLiteral("unpinned"));
    m_placement->addItem(tr("Same core"), QStringLiteral("same-core"));
    m_placement->addItem(tr("Cross core"), QStringLiteral("cross-core"));
    m_placement->setToolTip(tr("Same core: both processes share one CPU (cheap wake-ups, no parallelism). "
                               "Cross core: one CPU each (every hand-off crosses caches and may wake an idle CPU)."));
    form->addRow(tr("&Placement"), m_placement);
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
    rebuildOptions();
    adjustSizeToLimits();
    validate();
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
    spec.workers = static_cast<unsigned>(m_workers->value());
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
    m_workers->setValue(static_cast<int>(spec.workers));
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
    if (!preset && !typed.value)
        problem = toQString(typed.error);
    else if (const auto why = refusal(current))
        problem = toQString(*why);
    m_problem = problem;
    m_sizeProblem->setText(problem);
    m_sizeProblem->setVisible(!problem.isEmpty());

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
    for (QWidget* control : std::initializer_list<QWidget*> {
             m_mechanism, m_size, m_mode, m_limit, m_duration, m_messages, m_workers, m_placement })
        control->setEnabled(!running);
    for (QComboBox* box : m_optionBoxes)
        box->setEnabled(!running);
    validate();
}

QString RunSetupPanel::descriptionText() const { return m_description->toPlainText(); }

} // namespace ipcpg
