#pragma once

#include <memory>

#include "ipcpg/transport.h"
#include "transports/notifier.h"

namespace ipcpg {

// The notification family over a Notifier (payload=none): no bytes move, each notify() is one
// post to the peer and each awaitNotification() one wait, so a run measures the primitive alone.
// A posts on ToB and waits on ToA; B the reverse.
class NotifyTransport final : public NotificationTransport {
public:
    explicit NotifyTransport(std::unique_ptr<Notifier> notifier);

    void attach(Side side) override;
    void notify(std::uint64_t token) override { m_notifier->post(m_sendChannel, token); }
    Notification awaitNotification() override { return m_notifier->wait(m_waitChannel); }

private:
    std::unique_ptr<Notifier> m_notifier;
    Channel m_sendChannel = Channel::ToB;
    Channel m_waitChannel = Channel::ToA;
};

} // namespace ipcpg
