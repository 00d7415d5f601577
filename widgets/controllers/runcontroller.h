#pragma once

#include <optional>

#include "controllers/workercontroller.h"
#include "ipcpg/runresult.h"
#include "ipcpg/runspec.h"
#include "ipcpg/sampleaccumulator.h"

namespace ipcpg {

// Runs one measurement (ipcpg-worker --run) at a time; see WorkerController for the events. When
// the worker dies before it reports, the samples it sent make the partial result, so what was
// measured until then is kept.
class RunController : public WorkerController {
    Q_OBJECT

public:
    explicit RunController(QObject* parent = nullptr);

    const RunSpec& spec() const { return m_spec; }

    // Validates the spec and starts a worker. An invalid spec emits failed() and returns false.
    bool start(const RunSpec& requested);

signals:
    void finished(const ipcpg::RunResult& result);

protected:
    void takeResult(const ControlMessage& message) override;
    bool hasResult() const override { return m_result.has_value(); }
    void clearResult() override { m_result.reset(); }
    void emitResult(const QString& failure) override;
    void keepSample(const SampleMessage& sample) override { m_samples.add(sample); }
    void salvageResult(const QString& failure) override;

private:
    RunSpec m_spec;
    std::optional<RunResult> m_result;
    SampleAccumulator m_samples; // what was measured, in case the worker dies before it reports
};

} // namespace ipcpg
