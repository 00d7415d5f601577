#pragma once

#include "ipcpg/runspec.h"

#include <QStringList>

class QComboBox;
class QDoubleSpinBox;
class QLineEdit;

namespace ipcpg {

// The fields the Compare tab's set-ups share, so they read and behave the same in each.

// Ping-pong or stream, starting at `initial`; selectedMode() reads it back.
QComboBox* createModeChoice(Mode initial);
Mode selectedMode(const QComboBox* choice);
// Measured seconds per run, 0.1 to 60.
QDoubleSpinBox* createDurationField(double seconds);
// Unpinned, same core or cross core; selectedPlacement() reads it back.
QComboBox* createPlacementChoice();
Placement selectedPlacement(const QComboBox* choice);
// Mechanism options for every run, "NAME=VALUE" items separated by spaces or commas; each applies
// to the mechanisms that declare it, and a VALUE may list several ("transport=ipc,tcp"), each run
// in turn (planSweep's rules). readOptions() adds the items to `options` and a sentence to
// `reasons` for each item that is not NAME=VALUE.
QLineEdit* createOptionsField();
void readOptions(const QLineEdit* field, MechanismOptions& options, QStringList& reasons);

} // namespace ipcpg
