#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ipcpg/runspec.h"
#include "ipcpg/transport.h"

namespace ipcpg {

struct ControlBlock;
struct ProcessSlot;

// What a side does, from the mode and the side: in ping-pong A initiates and B responds, in a
// stream A sends and B receives. A topology with more sides is more of the same four roles.
enum class Role { Initiator, Responder, Sender, Receiver };
Role roleOf(Mode mode, Side side);
std::string roleName(Role role);

// One link a side holds an end of: the transport and its index in the run (ControlBlock::ends).
struct LinkEnd {
    int link = 0;
    Transport* transport = nullptr;
};

// Everything one process of a run needs once it runs on its own.
struct SideContext {
    const RunSpec* spec = nullptr;
    ControlBlock* control = nullptr;
    ProcessSlot* process = nullptr;
    Side side = Side::A; // the end it holds of each of its links
    // One link for a side of a pair or a member of a fan-out or fan-in; every member's link for
    // the hub (the publisher of a fan-out, the receiver of a fan-in), which serves them all.
    std::vector<LinkEnd> links;
    // The mechanism may drop messages (ErrorAccounting::LossAllowed): in ping-pong, a request or
    // reply that does not come back within the transport's poll interval counts as lost and the
    // initiator moves on instead of waiting for ever.
    bool lossy = false;
    // Open loop: this sender's messages per second (0: as fast as possible) and the shift of its
    // schedule, so that several publishers into one receiver arrive evenly spread.
    double rate = 0;
    std::uint64_t scheduleOffsetNs = 0;
    // For tests only: a member that takes this long over every message, so a test can make one
    // subscriber the slowest on purpose.
    std::uint64_t handlingDelayNs = 0;
};

// Runs one side to the end of the run. Returns normally when the run ended; throws Error when
// the mechanism failed. Which end records what, per link:
//   pingpong: A times every round trip (from the request's due time to the reply: one clock read
//             per message when closed loop) and counts them; both ends verify what they receive.
//   stream:   A stamps each frame with its due time (the moment it is handed over, closed loop);
//             B takes the one-way latency on arrival and counts. Nothing is sampled: every message
//             is in the histogram.
void runSide(const SideContext& context);

} // namespace ipcpg
