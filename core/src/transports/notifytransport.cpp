#include "transports/notifytransport.h"

namespace ipcpg {

NotifyTransport::NotifyTransport(std::unique_ptr<Notifier> notifier)
    : m_notifier(std::move(notifier))
{
}

void NotifyTransport::attach(Side side)
{
    m_notifier->attach(side);
    m_sendChannel = side == Side::A ? Channel::ToB : Channel::ToA;
    m_waitChannel = side == Side::A ? Channel::ToA : Channel::ToB;
}

} // namespace ipcpg
