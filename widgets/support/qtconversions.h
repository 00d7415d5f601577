#pragma once

#include <QMetaType>
#include <QString>
#include <string>

#include "ipcpg/controlprotocol.h"
#include "ipcpg/race.h"
#include "ipcpg/runresult.h"

namespace ipcpg {

inline QString toQString(const std::string& text) { return QString::fromStdString(text); }
inline QString toQString(std::string_view text)
{
    return QString::fromUtf8(text.data(), static_cast<qsizetype>(text.size()));
}

QString formatBytesQ(std::uint64_t bytes);
QString formatNanosecondsQ(double ns);
QString formatBytesPerSecondQ(double bytesPerSecond);
QString formatRateQ(double perSecond);

// Registers the core value types so they can travel through queued signals and QSignalSpy.
void registerMetaTypes();

} // namespace ipcpg

Q_DECLARE_METATYPE(ipcpg::RunSpec)
Q_DECLARE_METATYPE(ipcpg::RunResult)
Q_DECLARE_METATYPE(ipcpg::SampleMessage)
Q_DECLARE_METATYPE(ipcpg::HelloMessage)
Q_DECLARE_METATYPE(ipcpg::RaceSpec)
Q_DECLARE_METATYPE(ipcpg::RaceResult)
