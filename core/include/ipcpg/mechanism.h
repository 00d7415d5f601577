#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ipcpg/runspec.h"

namespace ipcpg {

class RunResources;
class Transport;

// One mechanism-specific setting the user can choose, declared by the mechanism so the CLI and
// the GUI can offer it without knowing the mechanism.
struct OptionSpec {
    std::string name; // "sync", "wait", "payload", ...
    std::vector<std::string> values;
    std::string defaultValue;
    std::string help; // one line: what it changes
};

// The message sizes a mechanism accepts with given options. `reason` says where the limit comes
// from and, when the kernel lets it be raised, how.
struct SizeLimit {
    std::uint64_t min = 1;
    std::uint64_t max = 0;
    std::string reason;
};

// How the receiver's findings count in the result.
enum class ErrorAccounting {
    Integrity, // any damage is an integrity error: the mechanism promises reliable delivery
    LossAllowed, // gaps are messages lost by design (udp, standard signals); the rest is damage
    SyncRace, // deliberately unsynchronised: damage is the race being demonstrated (sync errors)
};

// Whether a mechanism connects one hub to several members in a topology, and how; or why not.
struct TopologySupport {
    bool supported = false;
    std::string how; // supported: how it is done (for `ipcpg list`); not: why not (the refusal)
};

// A kernel mechanism that a mechanism built on a library carries its bytes over, with the
// options that choose it: zeromq with transport=ipc is a Unix stream socket underneath. What the
// library costs is the difference between the two, measured side by side.
struct BuiltOn {
    MechanismOptions options; // the options of this mechanism that select `mechanism`
    std::string mechanism; // the registry id of the kernel mechanism beneath
};

struct MechanismInfo {
    std::string id; // stable: part of the command-line contract (packaging/man/ipcpg.1.in)
    std::string title; // "Anonymous pipe"
    std::string summary; // one line for `ipcpg list`
    std::vector<Mode> modes;
    std::vector<OptionSpec> options;
    TopologySupport fanout;
    TopologySupport fanin;
    std::vector<BuiltOn> builtOn = {}; // empty for the kernel's own mechanisms

    const TopologySupport* support(Topology topology) const
    {
        return topology == Topology::FanOut ? &fanout : topology == Topology::FanIn ? &fanin : nullptr;
    }
};

// What a transport needs to know to set itself up for one pair.
struct TransportConfig {
    Mode mode = Mode::PingPong;
    std::size_t payloadSize = 0;
    std::size_t frameBytes = 0; // header + payload: every frame of the run has this length
    MechanismOptions options; // resolved: every declared option has a value
    int pair = 0;
};

// A mechanism knows its limits and makes transports. Implementations live in core/src/mechanisms
// and are listed in the registry; nothing outside core knows them by name.
class Mechanism {
public:
    virtual ~Mechanism() = default;

    virtual const MechanismInfo& info() const = 0;

    // The accepted sizes for these (resolved) options, read from the kernel where it sets them.
    virtual SizeLimit sizeLimit(const MechanismOptions& options) const = 0;

    // Whether verification findings are integrity errors, losses or sync errors in this (validated)
    // run: its options and its topology may decide (zeromq drops only in a fan-out, where it uses
    // PUB/SUB).
    virtual ErrorAccounting accounting(const RunSpec&) const { return ErrorAccounting::Integrity; }

    // How many times the payload of one delivered message is copied from one buffer to another
    // with these options (a write into the kernel, a read out of it, a copy into a ring), where
    // the mechanism knows; nullopt where it cannot say.
    virtual std::optional<double> payloadCopies(const RunSpec&) const { return std::nullopt; }

    // Checks beyond size, mode and option values (e.g. an option that needs another); returns a
    // message naming the problem, or nothing.
    virtual std::optional<std::string> checkSpec(const RunSpec&) const { return std::nullopt; }

    // Creates the kernel objects for one pair, in the lead worker before it forks the two sides.
    // Names come from `resources`, which removes the objects at the end of the run whatever
    // happens. Throws Error when the kernel refuses, naming the limit.
    virtual std::unique_ptr<Transport> createTransport(
        const TransportConfig& config, RunResources& resources) const = 0;

    // The transports of a fan-out's links, one per subscriber (link i to subscriber i). By default
    // each is a transport of its own (config.pair set to the link); a mechanism that can reach
    // every subscriber with one write shares one object between them.
    virtual std::vector<std::unique_ptr<Transport>> createFanOutTransports(
        TransportConfig config, unsigned subscribers, RunResources& resources) const;

    // The transports of a fan-in's links, one per publisher (link i from publisher i). By default
    // each is a transport of its own; a mechanism whose receiver takes every publisher's messages
    // from one object (one ZeroMQ PULL socket) shares it between them.
    virtual std::vector<std::unique_ptr<Transport>> createFanInTransports(
        TransportConfig config, unsigned publishers, RunResources& resources) const;
};

} // namespace ipcpg
