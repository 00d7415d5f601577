#pragma once

#include <cstdint>
#include <string>
#include <sys/types.h>

namespace ipcpg {

class RunResources;

// A private dbus-daemon for one run: the bus the dbus mechanism's sides meet on. The machine's
// system and session buses are never involved.
//
// The lead creates it before forking the sides. The constructor writes a generated bus
// configuration into the run's private 0700 directory (a custom bus listening on a Unix socket
// there, EXTERNAL authentication, a policy that admits only this user), registers the
// configuration and the socket file with RunResources, starts `dbus-daemon --nofork` from PATH and
// reads the address it prints. The daemon gets SIGKILL when the process that started it dies
// (PR_SET_PDEATHSIG), so a SIGKILLed lead leaves no daemon; the stale sweep then removes its files.
//
// Ownership: once started, the daemon is the run's (RunResources::addProcess): it lasts until the
// run's objects are removed, then is killed and reaped, and the lead fails the run naming it if it
// dies first. This object only holds what the sides need to connect. Throws Error naming dbus when
// dbus-daemon is missing, refuses the configuration or prints no address.
class DbusBus {
public:
    // The bus's largest message, set in the configuration (max_message_size): ipcpg's largest
    // message plus room for the D-Bus header.
    static constexpr std::uint64_t kMaxMessageBytes = (16ULL << 20) + 4096;
    // Bytes a D-Bus message with one `ay` argument needs beyond the array: the fixed header, the
    // header fields (path, interface, member, destination, sender, signature) padded to 8, and
    // the array's length. Generous, as names vary in length.
    static constexpr std::uint64_t kHeaderReserve = 4096;

    DbusBus(const std::string& purpose, RunResources& resources);
    DbusBus(const DbusBus&) = delete;
    DbusBus& operator=(const DbusBus&) = delete;

    // "unix:path=...,guid=...": what dbus_connection_open_private takes.
    const std::string& address() const { return m_address; }
    const std::string& configPath() const { return m_configPath; }
    pid_t daemonPid() const { return m_daemon; }

    // The configuration this class writes: a custom bus on `socketPath`, for `uid` only.
    static std::string configText(const std::string& socketPath, uid_t uid);

private:
    // Only while starting fails: the daemon is not yet the run's.
    void stop() noexcept;

    pid_t m_daemon = -1;
    std::string m_configPath;
    std::string m_address;
};

} // namespace ipcpg
