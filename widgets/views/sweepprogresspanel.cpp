#include "views/sweepprogresspanel.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QVBoxLayout>

namespace ipcpg {

SweepProgressPanel::SweepProgressPanel(const QString& runText, const QString& runToolTip, QWidget* parent)
    : QWidget(parent)
    , m_run(new QPushButton(runText))
    , m_cancel(new QPushButton(tr("&Cancel")))
    , m_progress(new QProgressBar)
    , m_status(new QLabel)
{
    m_run->setToolTip(runToolTip);
    m_cancel->setToolTip(tr("Stop the current run and skip the rest"));
    m_progress->setRange(0, 1);
    m_progress->setValue(0);
    m_status->setWordWrap(true);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_run);
    buttons->addWidget(m_cancel);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(buttons);
    layout->addWidget(m_progress);
    layout->addWidget(m_status);
    connect(m_run, &QPushButton::clicked, this, &SweepProgressPanel::runRequested);
    connect(m_cancel, &QPushButton::clicked, this, &SweepProgressPanel::cancelRequested);
    setRunning(false);
}

void SweepProgressPanel::setRunning(bool running)
{
    m_run->setEnabled(!running);
    m_cancel->setEnabled(running);
}

void SweepProgressPanel::showProgress(int done, int total, const QString& current)
{
    m_progress->setRange(0, std::max(total, 1));
    m_progress->setValue(done);
    m_status->setText(current.isEmpty() ? tr("%1 of %2 runs done").arg(done).arg(total)
                                        : tr("Running %1 (%2 of %3)").arg(current).arg(done + 1).arg(total));
}

void SweepProgressPanel::showStatus(const QString& text)
{
    m_status->setToolTip(QString());
    m_status->setText(text);
}

void SweepProgressPanel::showFinished(bool cancelled, int runs, const QStringList& failures, const QStringList& skipped)
{
    QString text = cancelled ? tr("Cancelled after %1 runs.").arg(runs) : tr("Done: %1 runs.").arg(runs);
    if (!failures.isEmpty())
        text += QLatin1Char(' ') + tr("%n run(s) failed: ", nullptr, static_cast<int>(failures.size()))
            + failures.join(QStringLiteral("; "));
    if (!skipped.isEmpty())
        text += QLatin1Char(' ')
            + tr("Skipped %n combination(s) a mechanism cannot carry (hover here for why).", nullptr,
                static_cast<int>(skipped.size()));
    m_status->setToolTip(skipped.join(QLatin1Char('\n')));
    m_status->setText(text);
}

} // namespace ipcpg
