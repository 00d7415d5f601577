#pragma once

#include <QString>

namespace ipcpg {

// The explanation of a mechanism shown beside its set-up: what it is, its strengths and costs,
// its limits and what to look for in the charts. Kept as Markdown in resources/mechanisms/<id>.md.
// Returns an empty string for an id without a text.
QString mechanismText(const QString& id);

} // namespace ipcpg
