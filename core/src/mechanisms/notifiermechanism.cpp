#include "mechanisms/notifiermechanism.h"

#include "shm/shmmailbox.h"
#include "transports/notifytransport.h"

namespace ipcpg {

OptionSpec NotifierMechanism::payloadOption(std::string_view primitive)
{
    const std::string name(primitive);
    return { "payload", { "none", "shm" }, "none",
        "none: " + name + " carries no payload, a run measures the notification alone; shm: the payload moves "
            + "through shared memory (1 B to 16 MiB, built and verified in place); " + name + " only signals" };
}

bool NotifierMechanism::payloadInSharedMemory(const MechanismOptions& options)
{
    const auto it = options.find("payload");
    return it != options.end() && it->second == "shm";
}

SizeLimit NotifierMechanism::sizeLimit(const MechanismOptions& options) const
{
    if (payloadInSharedMemory(options))
        return { 1, RunSpec::kMaxMessageSize,
            "payload=shm builds each frame in a shared-memory slot, any size from 1 B to 16 MiB" };
    return bareLimit(options);
}

std::unique_ptr<Transport> NotifierMechanism::createTransport(const TransportConfig& config, RunResources&) const
{
    if (payloadInSharedMemory(config.options))
        return std::make_unique<ShmMailbox>(config, createNotifier(config), info().id);
    return std::make_unique<NotifyTransport>(createNotifier(config));
}

} // namespace ipcpg
