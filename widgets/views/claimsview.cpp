#include "views/claimsview.h"
#include "views/exporter.h"

#include <QGroupBox>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QVBoxLayout>

#include "controllers/sweepcontroller.h"
#include "support/qtconversions.h"

namespace ipcpg {

namespace {

QString badgeColor(ClaimVerdict::Outcome outcome)
{
    switch (outcome) {
    case ClaimVerdict::Outcome::Held:
        return QStringLiteral("#2e7d32");
    case ClaimVerdict::Outcome::Partly:
        return QStringLiteral("#b26a00");
    case ClaimVerdict::Outcome::NotHeld:
        return QStringLiteral("#c62828");
    case ClaimVerdict::Outcome::Inconclusive:
        break;
    }
    return QStringLiteral("#616161");
}

} // namespace

ClaimsView::ClaimsView(QWidget* parent)
    : QWidget(parent)
    , m_claims(articleClaims())
    , m_sweep(new SweepController(this))
{
    auto* content = new QWidget;
    auto* column = new QVBoxLayout(content);
    column->addWidget(buildIntroduction());
    for (std::size_t i = 0; i < m_claims.size(); ++i)
        column->addWidget(buildCard(static_cast<int>(i)));
    column->addStretch();
    auto* scroll = new QScrollArea;
    scroll->setWidget(content);
    scroll->setWidgetResizable(true);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(scroll);

    connect(m_sweep, &SweepController::resultReady, this, [this](int index, const RunResult& result) {
        if (index >= 0 && static_cast<std::size_t>(index) < m_results.size())
            m_results[static_cast<std::size_t>(index)] = result;
    });
    connect(m_sweep, &SweepController::progress, this, [this](int done, int, const QString&) {
        if (m_current >= 0)
            m_cards[m_current].progress->setValue(done);
    });
    connect(m_sweep, &SweepController::finished, this, &ClaimsView::finishCheck);
}

QWidget* ClaimsView::buildIntroduction()
{
    auto* intro = new QLabel(tr("The article this project grew from makes these claims about interprocess "
                                "communication. Each button runs the measurement that tests one of them on this "
                                "machine, with real processes, and says whether it held here."));
    intro->setWordWrap(true);
    return intro;
}

// The card of claim `index`: its statement, how it is tested, the button that checks it, the
// progress and the verdict. Appended to m_cards.
QWidget* ClaimsView::buildCard(int index)
{
    const Claim& claim = m_claims[static_cast<std::size_t>(index)];
    auto* box = new QGroupBox;
    auto* layout = new QVBoxLayout(box);
    auto* statement = new QLabel(QStringLiteral("<b>%1</b>").arg(toQString(claim.statement).toHtmlEscaped()));
    statement->setWordWrap(true);
    auto* method = new QLabel(tr("How it is tested: %1").arg(toQString(claim.method)));
    method->setWordWrap(true);
    Card card;
    card.button
        = new QPushButton(tr("Check on this machine (%n run(s))", nullptr, static_cast<int>(claim.plan.size())));
    card.button->setToolTip(tr("Runs the measurement for this claim; other runs wait until it is done"));
    card.progress = new QProgressBar;
    card.progress->setRange(0, std::max<int>(1, static_cast<int>(claim.plan.size())));
    card.progress->setValue(0);
    card.progress->hide();
    card.verdictLabel = new QLabel;
    card.verdictLabel->setWordWrap(true);
    card.verdictLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(statement);
    layout->addWidget(method);
    layout->addWidget(card.button);
    layout->addWidget(card.progress);
    layout->addWidget(card.verdictLabel);
    connect(card.button, &QPushButton::clicked, this, [this, index] {
        if (m_current == index)
            cancel();
        else
            check(index);
    });
    m_cards.append(card);
    return box;
}

void ClaimsView::check(int index)
{
    if (m_current >= 0 || index < 0 || index >= m_cards.size())
        return;
    const Claim& claim = m_claims[static_cast<std::size_t>(index)];
    m_current = index;
    m_results.assign(claim.plan.size(), std::nullopt);
    for (int i = 0; i < m_cards.size(); ++i)
        m_cards[i].button->setEnabled(i == index);
    Card& card = m_cards[index];
    card.button->setText(tr("Cancel"));
    card.progress->setValue(0);
    card.progress->show();
    card.verdictLabel->setText(tr("Measuring…"));
    m_sweep->start(QList<RunSpec>(claim.plan.begin(), claim.plan.end()));
}

void ClaimsView::cancel()
{
    m_queue.clear();
    m_sweep->cancel();
}

QStringList ClaimsView::checkSeveral(const QStringList& ids)
{
    QStringList unknown;
    m_queue.clear();
    for (std::size_t i = 0; i < m_claims.size(); ++i) {
        if (ids.isEmpty() || ids.contains(toQString(m_claims[i].id)))
            m_queue << static_cast<int>(i);
    }
    for (const QString& id : ids) {
        if (std::none_of(m_claims.begin(), m_claims.end(), [&](const Claim& c) { return toQString(c.id) == id; }))
            unknown << id;
    }
    if (m_queue.isEmpty()) {
        emit allChecked();
        return unknown;
    }
    check(m_queue.takeFirst());
    return unknown;
}

void ClaimsView::finishCheck(bool cancelled)
{
    const int index = m_current;
    if (index < 0)
        return;
    m_current = -1;
    const Claim& claim = m_claims[static_cast<std::size_t>(index)];
    for (Card& card : m_cards)
        card.button->setEnabled(true);
    Card& card = m_cards[index];
    card.button->setText(tr("Check again"));
    card.progress->hide();
    if (cancelled) {
        card.verdictLabel->setText(tr("Cancelled."));
        m_queue.clear();
        emit allChecked();
        return;
    }
    const ClaimVerdict verdict = claim.judge(claim.plan, m_results);
    showVerdict(index, verdict);
    emit claimChecked(index, verdict);
    if (!m_queue.isEmpty())
        check(m_queue.takeFirst());
    else
        emit allChecked();
}

void ClaimsView::showVerdict(int index, const ClaimVerdict& verdict)
{
    Card& card = m_cards[index];
    card.verdict = verdict;
    card.verdictLabel->setText(
        QStringLiteral("<span style=\"background:%1;color:white;padding:2px 6px;\">&nbsp;%2&nbsp;</span> %3")
            .arg(badgeColor(verdict.outcome), toQString(toString(verdict.outcome)).toUpper().toHtmlEscaped(),
                toQString(verdict.summary).toHtmlEscaped()));
}

QString ClaimsView::verdictText(int index) const
{
    const auto& verdict = m_cards.at(index).verdict;
    if (!verdict)
        return {};
    return toQString(toString(verdict->outcome)) + QStringLiteral(": ") + toQString(verdict->summary);
}

QByteArray ClaimsView::verdictsJson() const
{
    QJsonArray list;
    for (int i = 0; i < m_cards.size(); ++i) {
        const auto& verdict = m_cards[i].verdict;
        if (!verdict)
            continue;
        const Claim& claim = m_claims[static_cast<std::size_t>(i)];
        list.append(QJsonObject { { QStringLiteral("id"), toQString(claim.id) },
            { QStringLiteral("statement"), toQString(claim.statement) },
            { QStringLiteral("outcome"), toQString(toString(verdict->outcome)) },
            { QStringLiteral("summary"), toQString(verdict->summary) } });
    }
    return QJsonDocument(list).toJson();
}

QWidget* ClaimsView::exportedChart() { return this; }

bool ClaimsView::exportData(DataFormat format, const QString& path, QString* error) const
{
    if (format != DataFormat::Json) {
        *error = tr("The claims have no data to export as CSV; export them as JSON.");
        return false;
    }
    return exporting::writeBytes(verdictsJson(), path, error);
}

} // namespace ipcpg
