// ipc-playground: the desktop laboratory. Its command line (README.md, ScriptedSession) lets a run
// and its exported charts be scripted, also headless on the offscreen platform:
//   ipc-playground --mechanism shm --size 4096 --mode stream --duration 2 --start
//       --export-png c.png --export-svg c.svg --export-csv c.csv --export-json c.json --quit-when-done
#include <QApplication>

#include "ipcpg/version.h"
#include "scriptedsession.h"
#include "views/mainwindow.h"

namespace {

void nameApplication()
{
    QApplication::setApplicationName(QStringLiteral("ipc-playground"));
    QApplication::setApplicationDisplayName(QStringLiteral("IPC Playground"));
    QApplication::setOrganizationName(QStringLiteral("ipc-playground"));
    QApplication::setApplicationVersion(QString::fromLatin1(ipcpg::kVersion));
    // The installed .desktop file's name (IPCPG_APP_ID in CMakeLists.txt): Wayland compositors
    // find the window's icon and name through it.
    QApplication::setDesktopFileName(QStringLiteral(IPCPG_APP_ID));
}

} // namespace

int main(int argc, char** argv)
{
    QApplication app(argc, argv);
    nameApplication();
    ipcpg::ScriptedSession session;
    if (!session.parse(app))
        return ipcpg::ScriptedSession::kRefused;
    ipcpg::MainWindow window;
    window.restoreSettings();
    if (const std::optional<int> exitNow = session.begin(window))
        return *exitNow;
    return QApplication::exec();
}
