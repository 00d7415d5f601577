#include "mechanisms/notifytransport.h"

#include "ipcpg/error.h"

namespace ipcpg {

NotifyTransport::NotifyTransport(std::unique_ptr<Notifier> notifier, std::string name)
    : m_notifier(std::move(notifier))
    , m_name(std::move(name))
{
}

void NotifyTransport::attach(Side side)
{
    m_notifier->attach(side);
    m_sendChannel = side == Side::A ? Channel::ToB : Channel::ToA;
    m_waitChannel = side == Side::A ? Channel::ToA : Channel::ToB;
}

SendSlot NotifyTransport::beginSend() { throw Error(m_name + " with payload=none carries no frames"); }

void NotifyTransport::commitSend() { throw Error(m_name + " with payload=none carries no frames"); }

Received NotifyTransport::receive() { throw Error(m_name + " with payload=none carries no frames"); }

} // namespace ipcpg
