#pragma once

namespace ipcpg {

// The signals a lead worker handles in its poll loop instead of in handlers: SIGCHLD (a worker
// changed state) and SIGTERM, SIGINT, SIGHUP (stop and report what was done). They are blocked
// and read from a signalfd; forked children must close fd() (ChildSet::closeInChildren) and
// start with an empty mask (ChildSet does that).
class LeadSignals {
public:
    LeadSignals(); // throws Error when the signalfd cannot be created
    ~LeadSignals();
    LeadSignals(const LeadSignals&) = delete;
    LeadSignals& operator=(const LeadSignals&) = delete;

    int fd() const { return m_fd; }

    // Reads every pending signal; true when a stop signal was among them.
    bool takeStopRequest();

private:
    int m_fd = -1;
};

} // namespace ipcpg
