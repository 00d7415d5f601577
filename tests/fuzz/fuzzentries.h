#pragma once

#include <cstdint>
#include <span>

namespace ipcpg::fuzz {

// What the fuzzers run on each input, shared with tst_fuzzregressions so every input that once
// crashed keeps being replayed by the ordinary test suite. Each entry returns normally for any
// input the parsers refuse; a broken invariant aborts with a message on stderr, which is what a
// fuzzer reports as a crash.

// The worker's control channel as a front end reads it: the bytes are cut into chunks (the first
// byte chooses their size), fed to ControlLineBuffer, and every line goes through
// parseControlLine, ControlMessageOrder and a SampleAccumulator. A message the parser accepts
// must survive encodeControlMessage and parse again.
void controlProtocol(std::span<const std::uint8_t> data);

// A run spec as the worker receives it: JSON -> RunSpec -> registry validation. A spec that
// passes must survive the trip through JSON unchanged. The same bytes also go through the text
// parsers the front ends use (sizes, seconds, counts) and through the RunResult reader.
void runSpec(std::span<const std::uint8_t> data);

} // namespace ipcpg::fuzz
