// ipcpg-worker: runs one measurement or one race scenario and reports on stdout, one JSON object
// per line.
//
//   ipcpg-worker --run '<RunSpec JSON>' [--parent-pid PID]
//   ipcpg-worker --race '<RaceSpec JSON>' [--parent-pid PID]
//   ipcpg-worker --version
//
// Started by ipcpg or ipc-playground, not by people; its output is the control protocol of
// controlprotocol.h. Exit status: 0 done, 1 the run failed, 2 the request was invalid.
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <nlohmann/json.hpp>
#include <string>
#include <sys/prctl.h>
#include <unistd.h>

#include "ipcpg/controlprotocol.h"
#include "ipcpg/error.h"
#include "ipcpg/leadworker.h"
#include "ipcpg/race.h"
#include "ipcpg/racelead.h"
#include "ipcpg/version.h"

namespace {

constexpr const char* kUsage = "usage: ipcpg-worker --run '<RunSpec JSON>' | --race '<RaceSpec JSON>'";

int refuse(const std::string& message)
{
    const std::string line = ipcpg::encodeControlMessage(ipcpg::ErrorMessage { message }) + "\n";
    if (write(STDOUT_FILENO, line.data(), line.size()) < 0) {
        // Nobody to tell but stderr.
    }
    std::fprintf(stderr, "ipcpg-worker: %s\n", message.c_str());
    return ipcpg::WorkerBadRequest;
}

} // namespace

int main(int argc, char** argv)
{
    std::string runJson;
    std::string raceJson;
    long parentPid = 0;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--version") {
            std::printf("ipcpg-worker %s\n", ipcpg::kVersion);
            return 0;
        }
        if (arg == "--run" && i + 1 < argc) {
            runJson = argv[++i];
        } else if (arg == "--race" && i + 1 < argc) {
            raceJson = argv[++i];
        } else if (arg == "--parent-pid" && i + 1 < argc) {
            char* end = nullptr;
            parentPid = std::strtol(argv[++i], &end, 10);
            if (*end != '\0' || parentPid <= 0)
                return refuse(std::string("--parent-pid takes a process id, not \"") + argv[i] + "\"");
        } else {
            return refuse("unknown argument \"" + arg + "\"; " + kUsage);
        }
    }
    if (runJson.empty() == raceJson.empty())
        return refuse(
            std::string(runJson.empty() ? "nothing to do" : "--run and --race exclude each other") + "; " + kUsage);

    // If the front end dies, SIGTERM makes this process end its run cleanly and remove its
    // kernel objects; the forked sides die with it.
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (parentPid > 0 && getppid() != static_cast<pid_t>(parentPid))
        return refuse("the process that started this worker is gone");
    std::signal(SIGPIPE, SIG_IGN);
    // Growing a shared-memory object past `ulimit -f` must fail with EFBIG, which names the
    // limit, rather than kill the lead with SIGXFSZ. The forked sides inherit this.
    std::signal(SIGXFSZ, SIG_IGN);

    if (!raceJson.empty()) {
        ipcpg::RaceSpec race;
        try {
            race = nlohmann::json::parse(raceJson).get<ipcpg::RaceSpec>();
        } catch (const ipcpg::Error& error) {
            return refuse(error.what());
        } catch (const nlohmann::json::exception& error) {
            return refuse(std::string("the race spec is not valid JSON: ") + error.what());
        }
        return ipcpg::runRaceLead(race, STDOUT_FILENO);
    }

    ipcpg::RunSpec spec;
    try {
        spec = nlohmann::json::parse(runJson).get<ipcpg::RunSpec>();
    } catch (const ipcpg::Error& error) {
        return refuse(error.what());
    } catch (const nlohmann::json::exception& error) {
        return refuse(std::string("the run spec is not valid JSON: ") + error.what());
    }
    return ipcpg::runLeadWorker(spec, STDOUT_FILENO);
}
