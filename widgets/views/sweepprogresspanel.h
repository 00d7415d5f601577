#pragma once

#include <QStringList>
#include <QWidget>

class QLabel;
class QProgressBar;
class QPushButton;

namespace ipcpg {

// The foot of every Compare set-up: the button that starts a series of runs, Cancel, a progress
// bar and a status line that ends with what ran, what failed and what was skipped (with the
// reasons in its tooltip).
class SweepProgressPanel : public QWidget {
    Q_OBJECT

public:
    SweepProgressPanel(const QString& runText, const QString& runToolTip, QWidget* parent = nullptr);

    void setRunning(bool running);
    // `done` of `total` runs finished, `current` running (empty: between runs or at the end).
    void showProgress(int done, int total, const QString& current);
    void showStatus(const QString& text);
    // The closing status of a series of `runs` results: cancelled or done, the failures' reasons,
    // how many combinations were skipped (their reasons in the tooltip).
    void showFinished(bool cancelled, int runs, const QStringList& failures, const QStringList& skipped);

    QProgressBar* progressBar() const { return m_progress; }
    QLabel* statusLabel() const { return m_status; }

signals:
    void runRequested();
    void cancelRequested();

private:
    QPushButton* m_run = nullptr;
    QPushButton* m_cancel = nullptr;
    QProgressBar* m_progress = nullptr;
    QLabel* m_status = nullptr;
};

} // namespace ipcpg
