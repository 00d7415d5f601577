#pragma once

#include <optional>
#include <string>

#include "ipcpg/controlprotocol.h"
#include "ipcpg/runresult.h"

namespace ipcpg {

// Adds up the samples a lead worker sent, so a run whose lead died before it could report still
// has a result: what was measured until the last sample, marked partial. Front ends (the CLI's
// supervisor, the GUI's RunController) feed it every sample they accept.
class SampleAccumulator {
public:
    void add(const SampleMessage& sample);
    int samples() const { return m_samples; }

    // nullopt when no sample arrived (nothing was measured); otherwise a result for `spec` with
    // the totals of the samples, partial, with `error` as the reason. Per-side reports and the
    // run's kernel objects are unknown to the front end and stay empty.
    std::optional<RunResult> partialResult(const RunSpec& spec, const std::string& error) const;

private:
    int m_samples = 0;
    SampleMessage m_last;
    LatencyHistogram m_histogram;
};

} // namespace ipcpg
