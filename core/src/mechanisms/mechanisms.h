#pragma once

#include "ipcpg/mechanism.h"

namespace ipcpg {

// One accessor per mechanism; the registry lists them in DESIGN.md's order.
const Mechanism& pipeMechanism();
const Mechanism& shmMechanism();
const Mechanism& rpcMechanism();

} // namespace ipcpg
