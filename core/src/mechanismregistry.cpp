#include "ipcpg/mechanismregistry.h"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "ipcpg/error.h"
#include "ipcpg/units.h"
#include "mechanisms/mechanismlist.h"

namespace ipcpg {

namespace {

std::string joined(const std::vector<std::string>& values)
{
    std::string text;
    for (const auto& value : values)
        text += (text.empty() ? "" : ", ") + value;
    return text;
}

} // namespace

const MechanismRegistry& MechanismRegistry::instance()
{
    static const MechanismRegistry registry;
    return registry;
}

MechanismRegistry::MechanismRegistry()
{
    for (const MechanismListEntry& entry : kMechanismList) {
        const Mechanism& mechanism = entry.accessor();
        // The list's id names the mechanism's text and must be the one it answers to.
        if (mechanism.info().id != entry.id)
            throw std::logic_error("core/mechanisms.cmake lists \"" + std::string(entry.id)
                + "\" for a mechanism whose id is \"" + mechanism.info().id + "\"");
        m_mechanisms.push_back(&mechanism);
    }
}

std::vector<std::string> MechanismRegistry::ids() const
{
    std::vector<std::string> list;
    for (const Mechanism* mechanism : m_mechanisms)
        list.push_back(mechanism->info().id);
    return list;
}

const Mechanism* MechanismRegistry::find(std::string_view id) const
{
    for (const Mechanism* mechanism : m_mechanisms) {
        if (mechanism->info().id == id)
            return mechanism;
    }
    return nullptr;
}

MechanismOptions MechanismRegistry::resolveOptions(const Mechanism& mechanism, const MechanismOptions& options) const
{
    const MechanismInfo& info = mechanism.info();
    MechanismOptions resolved;
    for (const auto& [name, value] : options) {
        // Captured by an init-capture: clang before 16 cannot capture a structured binding, and
        // the fuzzers are built with clang.
        const auto spec = std::find_if(info.options.begin(), info.options.end(),
            [&wanted = name](const OptionSpec& o) { return o.name == wanted; });
        if (spec == info.options.end()) {
            std::vector<std::string> names;
            for (const auto& o : info.options)
                names.push_back(o.name);
            throw UsageError("option \"" + name + "\" does not apply to " + info.id + "; "
                + (names.empty() ? "it has no options" : "its options are: " + joined(names)));
        }
        if (std::find(spec->values.begin(), spec->values.end(), value) == spec->values.end())
            throw UsageError("option " + name + "=\"" + value + "\" is not valid for " + info.id
                + "; allowed: " + joined(spec->values));
        resolved[name] = value;
    }
    for (const auto& spec : info.options)
        resolved.emplace(spec.name, spec.defaultValue);
    return resolved;
}

std::string MechanismRegistry::refusal(
    const Mechanism& mechanism, const MechanismOptions& options, std::uint64_t size) const
{
    const SizeLimit limit = mechanism.sizeLimit(options);
    if (size >= limit.min && size <= limit.max)
        return {};
    const std::string id = mechanism.info().id;
    if (size < limit.min)
        return "message size " + std::to_string(size) + " B is below the smallest size " + id + " takes ("
            + std::to_string(limit.min) + " B): " + limit.reason;
    const std::string exact = std::to_string(size) + " B";
    const std::string named = formatBytes(size) == exact ? exact : formatBytes(size) + " (" + exact + ")";
    return "message size " + named + " is above the limit of " + id + " (" + std::to_string(limit.max)
        + " B): " + limit.reason;
}

void MechanismRegistry::validate(RunSpec& spec) const
{
    const Mechanism* mechanism = find(spec.mechanism);
    if (!mechanism)
        throw UsageError("mechanism \"" + spec.mechanism + "\" is unknown; known mechanisms: " + joined(ids()));
    const MechanismInfo& info = mechanism->info();
    if (std::find(info.modes.begin(), info.modes.end(), spec.mode) == info.modes.end()) {
        std::vector<std::string> modes;
        for (Mode mode : info.modes)
            modes.emplace_back(toString(mode));
        throw UsageError("mode " + std::string(toString(spec.mode)) + " is not supported by " + info.id
            + "; it supports: " + joined(modes));
    }
    checkGeneralLimits(spec);
    if (const TopologySupport* support = info.support(spec.topology); support && !support->supported)
        throw UsageError(
            info.id + " does not support the " + std::string(toString(spec.topology)) + " topology: " + support->how);
    spec.options = resolveOptions(*mechanism, spec.options);
    if (const std::string why = refusal(*mechanism, spec.options, spec.messageSize); !why.empty())
        throw UsageError(why);
    if (const auto why = mechanism->checkSpec(spec))
        throw UsageError(*why);
}

} // namespace ipcpg
