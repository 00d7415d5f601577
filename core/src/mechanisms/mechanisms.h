#pragma once

#include "ipcpg/mechanism.h"

namespace ipcpg {

// One accessor per mechanism; the registry lists them in docs/ARCHITECTURE.md's order.
const Mechanism& pipeMechanism();
const Mechanism& fifoMechanism();
const Mechanism& unixStreamMechanism();
const Mechanism& unixDgramMechanism();
const Mechanism& tcpMechanism();
const Mechanism& udpMechanism();
const Mechanism& posixMqMechanism();
const Mechanism& sysvMqMechanism();
const Mechanism& shmMechanism();
const Mechanism& semaphoreMechanism();
const Mechanism& signalMechanism();
const Mechanism& eventfdMechanism();
const Mechanism& rpcMechanism();

} // namespace ipcpg
