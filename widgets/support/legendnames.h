#pragma once

#include <QList>
#include <QStringList>

#include "ipcpg/runspec.h"

namespace ipcpg {

// The names of the lines of a chart with one line per spec: the mechanism id and the options set
// away from the mechanism's defaults ("shm copy=zero-copy sync=futex"). The registry fills every
// option in, so the full set would crowd the legend with what nobody chose.
QStringList legendNames(const QList<RunSpec>& specs);

} // namespace ipcpg
