#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ipcpg/mechanism.h"
#include "ipcpg/runspec.h"

namespace ipcpg {

// Every mechanism the project implements, in docs/ARCHITECTURE.md's order. The CLI and the GUI list and
// validate through this, never by naming mechanisms themselves.
class MechanismRegistry {
public:
    static const MechanismRegistry& instance();

    std::span<const Mechanism* const> all() const { return m_mechanisms; }
    std::vector<std::string> ids() const;

    // nullptr when the id is unknown.
    const Mechanism* find(std::string_view id) const;

    // Checks the spec against the mechanism and fills in option defaults. Throws UsageError with
    // a one-line reason naming the bad value and what is allowed.
    void validate(RunSpec& spec) const;

    // The reason `size` cannot be used with these options, or an empty string when it can.
    // Meant for front ends that grey out sizes.
    std::string refusal(const Mechanism& mechanism, const MechanismOptions& options, std::uint64_t size) const;

    // The options with every declared default filled in; unknown names or values throw UsageError.
    MechanismOptions resolveOptions(const Mechanism& mechanism, const MechanismOptions& options) const;

private:
    MechanismRegistry();
    std::vector<const Mechanism*> m_mechanisms;
};

} // namespace ipcpg
