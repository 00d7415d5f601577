#pragma once

#include <QAbstractListModel>
#include <QList>

#include "models/runrecording.h"

namespace ipcpg {

// Runs the user kept, by name. Each can be ticked to be overlaid on the live charts; names are
// editable in place.
class SavedRunsModel : public QAbstractListModel {
    Q_OBJECT

public:
    explicit SavedRunsModel(QObject* parent = nullptr);

    void add(const RunRecording& recording, const QString& name);
    void remove(int row);
    const RunRecording& recording(int row) const { return m_entries.at(row).recording; }
    QString name(int row) const { return m_entries.at(row).name; }
    QList<RunRecording> overlaid() const;

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    bool setData(const QModelIndex& index, const QVariant& value, int role = Qt::EditRole) override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;

signals:
    void overlaysChanged();

private:
    struct Entry {
        QString name;
        RunRecording recording;
        bool overlaid = true;
    };
    QList<Entry> m_entries;
};

} // namespace ipcpg
