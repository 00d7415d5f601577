#pragma once

#include <memory>
#include <string_view>

#include "ipcpg/mechanism.h"
#include "transports/notifier.h"

namespace ipcpg {

// What the semaphore, eventfd and signal mechanisms share: the `payload` option and the two
// transports it chooses between. payload=none runs the primitive bare (NotifyTransport: no data,
// the notification cost alone); payload=shm moves frames through a shared-memory mailbox and
// uses the primitive only to wake a sleeping side (ShmMailbox). A subclass supplies the
// primitive and what it can carry by itself.
class NotifierMechanism : public Mechanism {
public:
    SizeLimit sizeLimit(const MechanismOptions& options) const final;
    std::unique_ptr<Transport> createTransport(const TransportConfig& config, RunResources& resources) const final;

protected:
    // `primitive` names it in the help text: "the semaphore".
    static OptionSpec payloadOption(std::string_view primitive);
    static bool payloadInSharedMemory(const MechanismOptions& options);

    // The sizes the primitive carries by itself, with payload=none.
    virtual SizeLimit bareLimit(const MechanismOptions& options) const = 0;
    // Called in the lead before fork. Throws Error when the kernel refuses.
    virtual std::unique_ptr<Notifier> createNotifier(const TransportConfig& config) const = 0;
};

} // namespace ipcpg
