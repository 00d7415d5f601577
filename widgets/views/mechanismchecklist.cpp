#include "views/mechanismchecklist.h"

#include "ipcpg/mechanismregistry.h"
#include "support/qtconversions.h"

namespace ipcpg {

MechanismCheckList::MechanismCheckList(QWidget* parent)
    : QListWidget(parent)
{
    for (const Mechanism* mechanism : MechanismRegistry::instance().all()) {
        auto* item = new QListWidgetItem(toQString(mechanism->info().id), this);
        item->setToolTip(toQString(mechanism->info().summary));
        item->setCheckState(Qt::Unchecked);
    }
    setToolTip(tr("Tick the mechanisms to compare (Space toggles the current one)"));
    // Tall enough for every mechanism, no taller: the form below stays in view.
    setMaximumHeight(sizeHintForRow(0) * (count() + 1) + 2 * frameWidth());
}

QStringList MechanismCheckList::checkedIds() const
{
    QStringList ids;
    for (int i = 0; i < count(); ++i) {
        if (item(i)->checkState() == Qt::Checked)
            ids << item(i)->text();
    }
    return ids;
}

void MechanismCheckList::setCheckedIds(const QStringList& ids)
{
    for (int i = 0; i < count(); ++i)
        item(i)->setCheckState(ids.contains(item(i)->text()) ? Qt::Checked : Qt::Unchecked);
}

} // namespace ipcpg
