#include "transports/zmqinbox.h"

#include <algorithm>
#include <cstring>

#include "sys/clock.h"

namespace ipcpg {

std::string zmqMemberTag(unsigned member) { return "member-" + std::to_string(member); }

ZmqInbox::ZmqInbox(ZmqSocket& socket, unsigned links, Envelope envelope, int timeoutMs)
    : m_socket(socket)
    , m_envelope(envelope)
    , m_timeoutMs(timeoutMs)
    , m_kept(links)
{
    for (unsigned link = 0; link < links; ++link)
        m_tags.push_back(zmqMemberTag(link));
    m_socket.setOption(ZMQ_RCVTIMEO, timeoutMs < 0 ? -1 : timeoutMs, "ZMQ_RCVTIMEO");
}

unsigned ZmqInbox::linkOf(std::span<const std::byte> tag) const
{
    for (unsigned link = 0; link < m_tags.size(); ++link) {
        const std::string& expected = m_tags[link];
        if (tag.size() == expected.size() && std::memcmp(tag.data(), expected.data(), tag.size()) == 0)
            return link;
    }
    return 0; // not from a member: link 0's verifier shows it
}

std::optional<unsigned> ZmqInbox::readOne(int flags)
{
    ZmqMessage tag;
    if (!m_socket.receive(tag, flags))
        return std::nullopt;
    // The other parts of a message are there with the first: libzmq delivers messages whole.
    bool wellFormed = m_socket.moreParts();
    ZmqMessage frame;
    if (wellFormed) {
        m_socket.receive(frame, 0);
        if (m_envelope == Envelope::Routed) {
            // The empty delimiter a REQ socket puts before its request, then the request itself.
            wellFormed = frame.size() == 0 && m_socket.moreParts();
            if (wellFormed)
                m_socket.receive(frame, 0);
        }
    }
    while (m_socket.moreParts()) {
        m_socket.receive(frame, 0);
        wellFormed = false;
    }
    const unsigned link = wellFormed ? linkOf(tag.bytes()) : 0;
    m_kept[link].push_back(wellFormed ? std::move(frame) : std::move(tag));
    ++m_keptCount;
    return link;
}

bool ZmqInbox::next(unsigned link, ZmqMessage& frame)
{
    const std::uint64_t deadline
        = m_timeoutMs < 0 ? 0 : monotonicNs() + static_cast<std::uint64_t>(m_timeoutMs) * 1'000'000ULL;
    while (m_kept[link].empty()) {
        if (!readOne(0))
            return false;
        if (m_kept[link].empty() && deadline != 0 && monotonicNs() >= deadline)
            return false;
    }
    frame = std::move(m_kept[link].front());
    m_kept[link].pop_front();
    --m_keptCount;
    return true;
}

bool ZmqInbox::peek(unsigned link)
{
    while (m_kept[link].empty()) {
        if (m_keptCount >= m_kept.size() || !m_socket.readable() || !readOne(ZMQ_DONTWAIT))
            return false;
    }
    return true;
}

} // namespace ipcpg
