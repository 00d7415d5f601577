#pragma once

#include "ipcpg/runspec.h"

namespace ipcpg {

// Exit statuses of ipcpg-worker, which the front ends pass on.
enum WorkerExit : int {
    WorkerSucceeded = 0,
    WorkerRunFailed = 1, // a side died, the kernel refused, the run hung: the message says which
    WorkerBadRequest = 2, // the spec was invalid: the message names the value and what is allowed
};

// Runs one measurement as the lead worker, in the calling process:
//   1. validates the spec, removes objects left by dead runs, creates the transports;
//   2. forks one process per side (2 per pair), each pinned as asked, and starts them together;
//   3. every ~100 ms writes a sample to `controlFd`; on SIGTERM/SIGINT/SIGHUP it stops the sides;
//   4. when a side dies, stops or hangs it ends the run at once, kills the other sides and
//      reports the failure and the partial result;
//   5. removes every kernel object it created, then writes the result.
// Returns a WorkerExit status. Never throws.
int runLeadWorker(const RunSpec& spec, int controlFd);

} // namespace ipcpg
