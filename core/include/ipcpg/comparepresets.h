#pragma once

#include <string>
#include <vector>

#include "ipcpg/runspec.h"

namespace ipcpg {

// A ready-made comparison: which mechanisms to run, with which options, and why. Front ends
// offer them by id (`ipcpg sweep --preset ID`, the Compare tab's preset choice); the sizes,
// modes and placements stay the user's.
struct ComparePreset {
    std::string id; // stable: part of the command-line contract
    std::string title; // "Frameworks against the kernel beneath them"
    std::string description; // one or two sentences: what to look for
    std::vector<std::string> mechanisms; // registry ids, in the registry's order
    // Options for the sweep, a value being a comma-separated list where a mechanism runs once per
    // value it accepts (planSweep's rule).
    MechanismOptions options;
};

// The presets this build can run, made from the registry: "frameworks" runs every mechanism
// built on a library once over each kernel mechanism it can use, beside that kernel mechanism
// on its own (MechanismInfo::builtOn). A preset with nothing to run in this build (no
// frameworks) is left out.
std::vector<ComparePreset> comparePresets();

// The preset with this id, or nullptr; `known` (when given) receives the ids there are, for a
// refusal that names them.
const ComparePreset* findComparePreset(const std::string& id, std::string* known = nullptr);

} // namespace ipcpg
