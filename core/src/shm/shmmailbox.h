#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "ipcpg/mechanism.h"
#include "ipcpg/transport.h"
#include "sys/sharedmapping.h"
#include "transports/notifier.h"

namespace ipcpg {

// The payload=shm variant of the notification mechanisms: frames live in a small ring of slots
// in shared memory, one ring per direction, and the Notifier only wakes a side that sleeps.
//
// The producer builds the frame in its slot and publishes it by advancing `head`; the consumer
// verifies it in place and frees the slot by advancing `tail`. Neither copies the payload. The
// indices in shared memory are the truth; a post is only a wake-up, sent when the other side
// announced that it sleeps (a flag set before it re-checks the index, the eventcount pattern), so
// a post is never lost between a check and a sleep and posts do not pile up unconsumed. That also
// makes coalescing primitives (standard signals) safe: a merged wake-up still leads to a re-check.
//
// Everything read from shared memory (indices, frame lengths) is checked before use: a peer that
// writes garbage makes the run fail with an Error, never an access outside the mapping.
//
// Memory: anonymous MAP_SHARED, mapped before fork; each process unmaps its own view.
class ShmMailbox final : public FrameTransport {
public:
    // `name` is the mechanism id, for messages. Throws Error when the mapping fails.
    ShmMailbox(const TransportConfig& config, std::unique_ptr<Notifier> notifier, std::string name);

    void attach(Side side) override;
    SendSlot beginSend() override;
    void commitSend() override;
    Received receive() override;
    void releaseReceive() override;

    // Slots per ring for a mode and frame size: two in ping-pong (a responder answers before it
    // releases the request's slot, and the next request must not wait for that slot), a few in
    // stream so the sender can run ahead.
    static std::size_t slotCount(Mode mode, std::size_t frameBytes);

private:
    struct alignas(64) Word {
        std::atomic<std::uint64_t> value;
    };
    // Each word on its own cache line: head and tail have one writer each, and a flag is
    // written by the sleeper and cleared by the waker.
    struct RingControl {
        Word head; // frames published
        Word tail; // frames released
        Word consumerSleeping;
        Word producerSleeping;
    };
    // This side's end of one ring. The index it advances is kept privately: the copy in shared
    // memory is only written, so the peer cannot make this side skip or repeat slots.
    struct End {
        RingControl* control = nullptr;
        std::byte* slots = nullptr;
        std::uint64_t index = 0;
        Channel dataChannel = Channel::ToB; // "a frame is ready"
        Channel freeChannel = Channel::FreeForA; // "a slot is free"
    };

    End endOf(int ring) const;
    std::atomic_ref<std::uint64_t> lengthOf(const End& end) const;
    std::byte* frameOf(const End& end) const;
    std::uint64_t framesInFlight(const End& producer) const;
    std::uint64_t framesAvailable(const End& consumer) const;
    template <typename Ready> bool sleepUntil(Word& sleeping, Channel channel, Ready ready);
    void wake(Word& sleeping, Channel channel);
    [[noreturn]] void corrupt(const std::string& what) const;

    std::string m_name;
    std::unique_ptr<Notifier> m_notifier;
    std::size_t m_frameBytes;
    std::size_t m_slots;
    std::size_t m_stride; // bytes per slot: a length line, then the frame
    int m_rings;
    SharedMapping m_memory;
    End m_out;
    End m_in;
};

} // namespace ipcpg
