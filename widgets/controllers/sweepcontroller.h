#pragma once

#include <QList>
#include <QObject>

#include "ipcpg/runresult.h"

namespace ipcpg {

class RunController;

// Runs a list of specs one after the other (never in parallel: runs would disturb each other's
// numbers) and reports each result as it comes. Cancel stops the current run within a second and
// skips the rest.
class SweepController : public QObject {
    Q_OBJECT

public:
    explicit SweepController(QObject* parent = nullptr);

    void start(const QList<RunSpec>& plan);
    void cancel();
    bool isRunning() const { return m_running; }
    int total() const { return static_cast<int>(m_plan.size()); }
    int done() const { return m_next; }
    RunController* runController() const { return m_runs; }

signals:
    void progress(int done, int total, const QString& current);
    void resultReady(int index, const ipcpg::RunResult& result);
    void runFailed(int index, const QString& reason);
    void finished(bool cancelled);

private:
    void startNext();
    void onRunEnded();

    RunController* m_runs = nullptr;
    QList<RunSpec> m_plan;
    int m_next = 0;
    bool m_running = false;
    bool m_cancelled = false;
    bool m_currentReported = false;
};

} // namespace ipcpg
