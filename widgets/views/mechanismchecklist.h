#pragma once

#include <QListWidget>
#include <QStringList>

namespace ipcpg {

// The registry's mechanisms as a list of check boxes, tall enough for every one of them: what a
// comparison, a scaling curve or a load curve runs. Each item's tooltip is the mechanism's summary.
class MechanismCheckList : public QListWidget {
    Q_OBJECT

public:
    explicit MechanismCheckList(QWidget* parent = nullptr);

    QStringList checkedIds() const;
    void setCheckedIds(const QStringList& ids);
};

} // namespace ipcpg
