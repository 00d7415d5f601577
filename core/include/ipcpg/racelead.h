#pragma once

#include "ipcpg/race.h"

namespace ipcpg {

// Runs one race scenario as the lead worker, in the calling process:
//   1. validates the spec, removes objects left by dead runs, creates the shared-memory segment
//      (shm_open O_EXCL, mode 0600, named and registered through RunResources) and sets up the
//      scenario's state in it (process-shared mutexes, semaphores, ...);
//   2. forks the scenario's worker processes (they die with the lead), waits until all are ready
//      and starts them together;
//   3. every ~100 ms writes a sample with expected, observed and sync_errors to `controlFd`;
//   4. on SIGTERM/SIGINT/SIGHUP asks the workers to stop and reports a partial result; when a
//      worker dies, is stopped for 2 s or makes no progress for 5 s, ends the race at once;
//   5. destroys the shared state, removes the segment, then writes the race_result.
// Returns a WorkerExit status (leadworker.h). Never throws.
int runRaceLead(const RaceSpec& spec, int controlFd);

} // namespace ipcpg
