#include "support/mechanismtexts.h"

#include <QFile>

namespace ipcpg {

QString mechanismText(const QString& id)
{
    QFile file(QStringLiteral(":/mechanisms/%1.md").arg(id));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QString::fromUtf8(file.readAll());
}

} // namespace ipcpg
