#pragma once

#include <QAbstractTableModel>
#include <QList>
#include <QString>

#include "ipcpg/controlprotocol.h"
#include "ipcpg/runresult.h"

namespace ipcpg {

// The subscribers of a fan-out or the publishers of a fan-in, one row each in index order, for
// the live view's members table: running totals while the run goes (setSamples), the run's own
// account once it has ended (setResult). The slowest member is highlighted: what it feels is what
// the publisher's slowest reader feels, which the totals hide. Qt::DisplayRole gives human units,
// kSortRole the raw number, so a QSortFilterProxyModel sorts by value.
class MembersModel : public QAbstractTableModel {
    Q_OBJECT

public:
    static constexpr int kSortRole = Qt::UserRole + 1;
    static constexpr int kSlowestRole = Qt::UserRole + 2; // bool: this row is the slowest member
    enum Column {
        MemberColumn,
        MessagesColumn,
        LostColumn,
        ErrorsColumn,
        P50Column,
        P99Column,
        P999Column,
        ColumnCount
    };

    explicit MembersModel(QObject* parent = nullptr);

    void clear();
    // One sample's members (running totals); `topology` names them subscribers or publishers.
    // Values change in place while the members stay the same, so a live table keeps its scroll
    // position and selection.
    void setSamples(Topology topology, const std::vector<MemberSample>& members);
    // The run's members as the worker reported them at the end.
    void setResult(const RunResult& result);

    // The row of the slowest member, -1 when there is none (yet).
    int slowestRow() const { return m_slowest; }
    int fastestRow() const { return m_fastest; }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    struct Row {
        int index = 0;
        std::uint64_t messages = 0;
        std::uint64_t lost = 0;
        std::uint64_t integrityErrors = 0;
        LatencySummary latencyNs;
    };
    void apply(Topology topology, QList<Row> rows, int slowest, int fastest);
    QString roleName() const; // "subscriber", "publisher"
    QVariant display(const Row& row, int column) const;
    QVariant sortValue(const Row& row, int column) const;

    QList<Row> m_rows;
    Topology m_topology = Topology::Pair; // names the members: a run's members all play the same part
    int m_slowest = -1;
    int m_fastest = -1;
};

} // namespace ipcpg
