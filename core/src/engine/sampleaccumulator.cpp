#include "ipcpg/sampleaccumulator.h"

namespace ipcpg {

void SampleAccumulator::add(const SampleMessage& sample)
{
    ++m_samples;
    m_last = sample;
    m_histogram.addBuckets(sample.histogramDelta);
}

std::optional<RunResult> SampleAccumulator::partialResult(const RunSpec& spec, const std::string& error) const
{
    if (m_samples == 0)
        return std::nullopt;
    RunResult result;
    result.spec = spec;
    // Counted the way the lead counts them: measured messages, payload bytes one way.
    result.messages = m_last.totalMessages;
    result.bytes = result.messages * spec.messageSize;
    // elapsedS counts from the end of the warm-up; negative while it lasts.
    result.durationS = m_last.elapsedS > 0 ? m_last.elapsedS : 0.0;
    if (result.durationS > 0) {
        result.msgsPerS = static_cast<double>(result.messages) / result.durationS;
        result.bytesPerS = static_cast<double>(result.bytes) / result.durationS;
    }
    result.histogram = m_histogram;
    result.latencyNs = LatencySummary::of(m_histogram);
    result.latencyKind = m_histogram.count() == 0 ? "none" : spec.mode == Mode::PingPong ? "round-trip" : "one-way";
    result.integrityErrors = m_last.integrityErrors;
    result.lost = m_last.lost;
    result.syncErrors = m_last.syncErrors;
    result.cpuUserS = m_last.cpuUserS;
    result.cpuSysS = m_last.cpuSysS;
    result.voluntarySwitches = m_last.voluntarySwitches;
    result.involuntarySwitches = m_last.involuntarySwitches;
    result.warmupS = spec.warmupS;
    result.partial = true;
    result.error = error;
    result.samplesNotWritten = m_last.samplesNotWritten;
    return result;
}

} // namespace ipcpg
