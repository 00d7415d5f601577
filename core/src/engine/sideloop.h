#pragma once

#include <cstdint>
#include <string>

#include "ipcpg/runspec.h"
#include "ipcpg/transport.h"

namespace ipcpg {

struct ControlBlock;
struct SideCounters;

// What a side does, from the mode and the side: in ping-pong A initiates and B responds, in a
// stream A sends and B receives. A topology with more sides is more of the same four roles.
enum class Role { Initiator, Responder, Sender, Receiver };
Role roleOf(Mode mode, Side side);
std::string roleName(Role role);

// Everything one side of one pair needs once it runs in its own process.
struct SideContext {
    const RunSpec* spec = nullptr;
    Transport* transport = nullptr;
    ControlBlock* control = nullptr;
    SideCounters* counters = nullptr;
    Side side = Side::A;
    int pair = 0;
    // The mechanism may drop messages (ErrorAccounting::LossAllowed): in ping-pong, a request or
    // reply that does not come back within the transport's poll interval counts as lost and the
    // initiator moves on instead of waiting for ever.
    bool lossy = false;
};

// Runs one side to the end of the run. Returns normally when the run ended; throws Error when
// the mechanism failed. Which side records what:
//   pingpong: A times every round trip (consecutive CLOCK_MONOTONIC stamps, one clock read per
//             message) and counts them; both sides verify what they receive.
//   stream:   A stamps each frame just before handing it over; B takes the one-way latency on
//             arrival and counts. Nothing is sampled: every message is in the histogram.
void runSide(const SideContext& context);

} // namespace ipcpg
