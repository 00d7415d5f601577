#include "ipcpg/mechanism.h"

#include "ipcpg/transport.h"

namespace ipcpg {

std::vector<std::unique_ptr<Transport>> Mechanism::createFanOutTransports(
    TransportConfig config, unsigned subscribers, RunResources& resources) const
{
    std::vector<std::unique_ptr<Transport>> transports;
    for (unsigned link = 0; link < subscribers; ++link) {
        config.pair = static_cast<int>(link);
        transports.push_back(createTransport(config, resources));
    }
    return transports;
}

} // namespace ipcpg
