#include "ipcpg/mechanism.h"

#include "ipcpg/transport.h"

namespace ipcpg {

namespace {

// One transport of its own per link, each made as for a pair (config.pair set to the link).
std::vector<std::unique_ptr<Transport>> transportPerLink(
    const Mechanism& mechanism, TransportConfig config, unsigned links, RunResources& resources)
{
    std::vector<std::unique_ptr<Transport>> transports;
    for (unsigned link = 0; link < links; ++link) {
        config.pair = static_cast<int>(link);
        transports.push_back(mechanism.createTransport(config, resources));
    }
    return transports;
}

} // namespace

std::vector<std::unique_ptr<Transport>> Mechanism::createFanOutTransports(
    TransportConfig config, unsigned subscribers, RunResources& resources) const
{
    return transportPerLink(*this, std::move(config), subscribers, resources);
}

std::vector<std::unique_ptr<Transport>> Mechanism::createFanInTransports(
    TransportConfig config, unsigned publishers, RunResources& resources) const
{
    return transportPerLink(*this, std::move(config), publishers, resources);
}

} // namespace ipcpg
