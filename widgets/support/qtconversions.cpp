#include "support/qtconversions.h"

#include "ipcpg/units.h"

namespace ipcpg {

QString formatBytesQ(std::uint64_t bytes) { return toQString(formatBytes(bytes)); }
QString formatNanosecondsQ(double ns) { return toQString(formatNanoseconds(ns)); }
QString formatBytesPerSecondQ(double bytesPerSecond) { return toQString(formatBytesPerSecond(bytesPerSecond)); }
QString formatRateQ(double perSecond) { return toQString(formatRate(perSecond)); }

void registerMetaTypes()
{
    qRegisterMetaType<RunSpec>();
    qRegisterMetaType<RunResult>();
    qRegisterMetaType<SampleMessage>();
    qRegisterMetaType<HelloMessage>();
    qRegisterMetaType<RaceSpec>();
    qRegisterMetaType<RaceResult>();
}

} // namespace ipcpg
