#pragma once

#include <QCommandLineParser>
#include <QString>
#include <QStringList>
#include <optional>

#include "ipcpg/runspec.h"

class QCoreApplication;

namespace ipcpg {

class MainWindow;

// ipc-playground's command line (README.md, packaging/man): the set-up the window opens with
// and the session it may script, also headless on the offscreen platform: start a run, a
// comparison (--compare), a scaling curve (--scaling), load curves (--load), a race (--race) or the claims
// (--check-claims), write the exports and a screenshot when it has ended, and quit with --quit-when-done (exit 1 if the
// run or an export failed). Bad arguments are refused with a sentence naming the value and what is allowed, exit status
// 2 as in every executable of the project; sizes, durations, member counts and rates follow core's front-end rules
// (ipcpg/frontendrules.h).
//
// The functions returning std::optional<int> return the exit status when the program must end
// now (2 refused, 1 a start failed), and std::nullopt when the event loop takes over.
class ScriptedSession {
public:
    static constexpr int kRefused = 2;

    ScriptedSession();

    // Reads the command line of `app`; --help, --help-all and --version print and exit here.
    // False when it is refused: the reason is on stderr, exit with kRefused.
    bool parse(const QCoreApplication& app);
    // Applies the options to `window` (which must outlive the event loop), shows it and starts
    // what they ask for.
    std::optional<int> begin(MainWindow& window);

private:
    bool isSet(const char* option) const;
    QString value(const char* option) const;
    int refuse(const QString& message) const;

    std::optional<int> resizeWindow();
    std::optional<int> beginRun();
    std::optional<int> readRunSpec(RunSpec& spec) const;
    std::optional<int> readTopology(RunSpec& spec) const;
    std::optional<int> readMechanismOptions(RunSpec& spec) const;
    std::optional<int> applyTheme();
    QStringList mechanismList(const char* option, std::optional<int>& exit) const;
    std::optional<int> readPerRunDuration(const char* page, double& seconds) const;
    template <typename Page> std::optional<int> readPageRunOptions(Page& page, const char* option) const;
    std::optional<int> beginComparison();
    std::optional<int> beginScaling();
    std::optional<int> beginLoadCurves();
    std::optional<int> beginRace();
    std::optional<int> beginClaims();

    // Once what the session started has ended: the exports on the next turn of the event loop
    // (the views take the final state first), then, with --quit-when-done, the exit.
    void finishLater(bool failed);
    // What the session started failed without a result: says why and, with --quit-when-done,
    // quits with status 1.
    void reportFailure(const QString& reason);
    bool exportsRequested() const;
    // Writes every requested file; false if any failed (the window says which).
    bool writeExports();

    QCommandLineParser m_parser;
    MainWindow* m_window = nullptr;
    bool m_quit = false;
};

} // namespace ipcpg
