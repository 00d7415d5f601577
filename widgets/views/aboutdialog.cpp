#include "views/aboutdialog.h"

#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QIcon>
#include <QLabel>
#include <QVBoxLayout>

#include "ipcpg/version.h"

namespace ipcpg {

AboutDialog::AboutDialog(QWidget* parent)
    : QDialog(parent)
{
    setWindowTitle(tr("About IPC Playground"));
    auto* icon = new QLabel;
    icon->setPixmap(QIcon(QStringLiteral(":/icons/ipc-playground.svg")).pixmap(96, 96));
    auto* text = new QLabel(tr("<h2>IPC Playground %1</h2>"
                               "<p>A laboratory for interprocess communication on Linux: real processes move real "
                               "bytes over pipes, sockets, message queues, shared memory, signals, semaphores, "
                               "eventfd and RPC, and every message is verified and timed.</p>"
                               "<p>Released under the MIT licence.</p>")
                                .arg(QString::fromLatin1(kVersion)));
    text->setWordWrap(true);
    text->setTextInteractionFlags(Qt::TextBrowserInteraction);
    auto* row = new QHBoxLayout;
    row->addWidget(icon, 0, Qt::AlignTop);
    row->addWidget(text, 1);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(row);
    layout->addWidget(buttons);
    resize(460, 220);
}

} // namespace ipcpg
