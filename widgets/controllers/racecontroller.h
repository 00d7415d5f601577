#pragma once

#include <optional>

#include "controllers/workercontroller.h"
#include "ipcpg/race.h"

namespace ipcpg {

// Runs one race scenario (ipcpg-worker --race) at a time; see WorkerController for the events.
// Samples carry expected, observed and sync_errors so far.
class RaceController : public WorkerController {
    Q_OBJECT

public:
    explicit RaceController(QObject* parent = nullptr);

    const RaceSpec& spec() const { return m_spec; } // resolved: defaults filled in

    // Validates the spec against RaceRegistry and starts a worker. An invalid spec emits failed()
    // and returns false.
    bool start(const RaceSpec& requested);
    // Starts `spec` now, or, while a race runs, stops it and starts `spec` as soon as it has ended
    // (its partial result is still reported). Several restarts in a row keep only the last spec.
    void restart(const RaceSpec& spec);
    bool restartPending() const { return m_pending.has_value(); }

signals:
    void finished(const ipcpg::RaceResult& result);

protected:
    void takeResult(const ControlMessage& message) override;
    bool hasResult() const override { return m_result.has_value(); }
    void clearResult() override { m_result.reset(); }
    void emitResult(const QString& failure) override;

private:
    void startPending();

    RaceSpec m_spec;
    std::optional<RaceResult> m_result;
    std::optional<RaceSpec> m_pending;
};

} // namespace ipcpg
