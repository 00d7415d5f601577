#include "models/savedrunsmodel.h"

#include "support/qtconversions.h"

namespace ipcpg {

SavedRunsModel::SavedRunsModel(QObject* parent)
    : QAbstractListModel(parent)
{
}

void SavedRunsModel::add(const RunRecording& recording, const QString& name)
{
    const int row = static_cast<int>(m_entries.size());
    beginInsertRows({}, row, row);
    m_entries.append({ name, recording, true });
    endInsertRows();
    emit overlaysChanged();
}

void SavedRunsModel::remove(int row)
{
    if (row < 0 || row >= m_entries.size())
        return;
    beginRemoveRows({}, row, row);
    m_entries.removeAt(row);
    endRemoveRows();
    emit overlaysChanged();
}

QList<RunRecording> SavedRunsModel::overlaid() const
{
    QList<RunRecording> list;
    for (const Entry& entry : m_entries) {
        if (entry.overlaid)
            list.append(entry.recording);
    }
    return list;
}

int SavedRunsModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_entries.size());
}

QVariant SavedRunsModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Entry& entry = m_entries.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
    case Qt::EditRole:
        return entry.name;
    case Qt::CheckStateRole:
        return entry.overlaid ? Qt::Checked : Qt::Unchecked;
    case Qt::ToolTipRole: {
        QString tip = entry.recording.describe();
        if (const auto& result = entry.recording.result()) {
            tip += QStringLiteral("\n")
                + tr("p50 %1 · %2").arg(formatNanosecondsQ(result->latencyNs.p50), formatRateQ(result->msgsPerS));
        }
        return tip + QStringLiteral("\n") + tr("Tick to overlay on the live charts; double-click to rename");
    }
    default:
        return {};
    }
}

bool SavedRunsModel::setData(const QModelIndex& index, const QVariant& value, int role)
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return false;
    Entry& entry = m_entries[index.row()];
    if (role == Qt::CheckStateRole) {
        entry.overlaid = value.toInt() == Qt::Checked;
        emit dataChanged(index, index, { Qt::CheckStateRole });
        emit overlaysChanged();
        return true;
    }
    if (role == Qt::EditRole) {
        const QString name = value.toString().trimmed();
        if (name.isEmpty())
            return false;
        entry.name = name;
        emit dataChanged(index, index, { Qt::DisplayRole, Qt::EditRole });
        emit overlaysChanged();
        return true;
    }
    return false;
}

Qt::ItemFlags SavedRunsModel::flags(const QModelIndex& index) const
{
    if (!index.isValid())
        return Qt::NoItemFlags;
    return Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsEditable | Qt::ItemIsUserCheckable;
}

} // namespace ipcpg
