#pragma once

#include <QAbstractTableModel>
#include <QList>

#include "ipcpg/runresult.h"

namespace ipcpg {

// One row per finished run of a comparison, one column per figure. Qt::DisplayRole gives human
// units ("4.2 µs"), kSortRole the raw number, so a QSortFilterProxyModel sorts by value. The
// percentiles are RunResult::headlineLatency(): a fan-out's or fan-in's slowest member's.
class SweepResultsModel : public QAbstractTableModel {
    Q_OBJECT

public:
    static constexpr int kSortRole = Qt::UserRole + 1;
    enum Column {
        MechanismColumn,
        OptionsColumn,
        ModeColumn,
        SizeColumn,
        PlacementColumn,
        TopologyColumn,
        MessagesPerSecondColumn,
        BytesPerSecondColumn,
        OfferedRateColumn,
        AchievedRateColumn,
        KeptUpColumn,
        P50Column,
        P90Column,
        P99Column,
        P999Column,
        ErrorsColumn,
        LostColumn,
        CpuColumn,
        HubCpuColumn,
        SwitchesColumn,
        ColumnCount
    };

    explicit SweepResultsModel(QObject* parent = nullptr);

    void clear();
    void append(const RunResult& result);
    const QList<RunResult>& results() const { return m_results; }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QList<RunResult> m_results;
};

} // namespace ipcpg
