#include "models/membersmodel.h"

#include <QBrush>
#include <QColor>
#include <QFont>
#include <QLocale>
#include <algorithm>

#include "models/memberranking.h"
#include "support/qtconversions.h"

namespace ipcpg {

namespace {

// Translucent, so the highlight reads on light and dark palettes alike.
const QColor kSlowestBackground(0xe1, 0x57, 0x59, 70);

} // namespace

MembersModel::MembersModel(QObject* parent)
    : QAbstractTableModel(parent)
{
}

void MembersModel::clear() { apply(Topology::Pair, {}, -1, -1); }

void MembersModel::setSamples(Topology topology, const std::vector<MemberSample>& members)
{
    QList<Row> rows;
    rows.reserve(static_cast<qsizetype>(members.size()));
    for (const MemberSample& member : members)
        rows.append({ member.index, member.messages, member.lost, member.integrityErrors, member.latencyNs });
    const MemberRanking ranking = rankMembers(members);
    apply(topology, std::move(rows), ranking.slowest, ranking.fastest);
}

void MembersModel::setResult(const RunResult& result)
{
    QList<Row> rows;
    rows.reserve(static_cast<qsizetype>(result.members.size()));
    for (const MemberReport& member : result.members)
        rows.append({ member.index, member.messages, member.lost, member.integrityErrors, member.latencyNs });
    // The run's own verdict, so the table and the exported slowest_member agree.
    const auto rowOf = [&result](const MemberReport* member) {
        return member ? static_cast<int>(member - result.members.data()) : -1;
    };
    apply(result.spec.topology, std::move(rows), rowOf(result.slowestMember()), rowOf(result.fastestMember()));
}

void MembersModel::apply(Topology topology, QList<Row> rows, int slowest, int fastest)
{
    const bool sameMembers = topology == m_topology && rows.size() == m_rows.size()
        && std::equal(
            rows.cbegin(), rows.cend(), m_rows.cbegin(), [](const Row& a, const Row& b) { return a.index == b.index; });
    if (!sameMembers) {
        beginResetModel();
        m_topology = topology;
        m_rows = std::move(rows);
        m_slowest = slowest;
        m_fastest = fastest;
        endResetModel();
        return;
    }
    m_rows = std::move(rows);
    m_slowest = slowest;
    m_fastest = fastest;
    if (!m_rows.isEmpty())
        emit dataChanged(index(0, 0), index(static_cast<int>(m_rows.size()) - 1, ColumnCount - 1));
}

QString MembersModel::roleName() const { return m_topology == Topology::FanIn ? tr("publisher") : tr("subscriber"); }

int MembersModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int MembersModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant MembersModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row& row = m_rows.at(index.row());
    const bool slowest = index.row() == m_slowest;
    switch (role) {
    case Qt::DisplayRole:
        return display(row, index.column());
    case kSortRole:
        return sortValue(row, index.column());
    case kSlowestRole:
        return slowest;
    case Qt::TextAlignmentRole:
        return index.column() == MemberColumn ? QVariant(Qt::AlignLeft | Qt::AlignVCenter)
                                              : QVariant(Qt::AlignRight | Qt::AlignVCenter);
    case Qt::BackgroundRole:
        return slowest ? QVariant(QBrush(kSlowestBackground)) : QVariant();
    case Qt::FontRole:
        if (slowest) {
            QFont font;
            font.setBold(true);
            return font;
        }
        return {};
    case Qt::ToolTipRole:
        if (slowest)
            return tr("The slowest %1: the highest p99 latency (then p50) of all members").arg(roleName());
        if (index.row() == m_fastest)
            return tr("The fastest %1: the lowest p99 latency (then p50) of all members").arg(roleName());
        return {};
    default:
        return {};
    }
}

QVariant MembersModel::display(const Row& row, int column) const
{
    const QLocale locale;
    const bool latency = row.latencyNs.count > 0;
    const auto latencyText = [latency](double ns) { return latency ? formatNanosecondsQ(ns) : QStringLiteral("–"); };
    switch (column) {
    case MemberColumn:
        return row.index; // the column's title names the role
    case MessagesColumn:
        return locale.toString(static_cast<qulonglong>(row.messages));
    case LostColumn:
        return locale.toString(static_cast<qulonglong>(row.lost));
    case ErrorsColumn:
        return locale.toString(static_cast<qulonglong>(row.integrityErrors));
    case P50Column:
        return latencyText(row.latencyNs.p50);
    case P99Column:
        return latencyText(row.latencyNs.p99);
    case P999Column:
        return latencyText(row.latencyNs.p999);
    default:
        return {};
    }
}

QVariant MembersModel::sortValue(const Row& row, int column) const
{
    // Members without a latency sort below every measured one.
    const bool latency = row.latencyNs.count > 0;
    switch (column) {
    case MemberColumn:
        return row.index;
    case MessagesColumn:
        return static_cast<qulonglong>(row.messages);
    case LostColumn:
        return static_cast<qulonglong>(row.lost);
    case ErrorsColumn:
        return static_cast<qulonglong>(row.integrityErrors);
    case P50Column:
        return latency ? row.latencyNs.p50 : -1.0;
    case P99Column:
        return latency ? row.latencyNs.p99 : -1.0;
    case P999Column:
        return latency ? row.latencyNs.p999 : -1.0;
    default:
        return {};
    }
}

QVariant MembersModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return {};
    if (role == Qt::ToolTipRole) {
        switch (section) {
        case MessagesColumn:
            return tr("Measured messages delivered to a subscriber, or received from a publisher");
        case LostColumn:
            return tr("Messages a lossy mechanism dropped on the way to or from this member");
        case ErrorsColumn:
            return tr("Integrity errors: damaged, missing, duplicated or reordered messages");
        case P50Column:
        case P99Column:
        case P999Column:
            return tr("Latency percentile of all of this member's messages so far");
        default:
            return {};
        }
    }
    if (role != Qt::DisplayRole)
        return {};
    if (section == MemberColumn && m_topology != Topology::Pair)
        return m_topology == Topology::FanIn ? tr("Publisher") : tr("Subscriber");
    static const char* const titles[ColumnCount] = { QT_TR_NOOP("Member"), QT_TR_NOOP("Messages"), QT_TR_NOOP("Lost"),
        QT_TR_NOOP("Errors"), QT_TR_NOOP("p50"), QT_TR_NOOP("p99"), QT_TR_NOOP("p99.9") };
    return section >= 0 && section < ColumnCount ? tr(titles[section]) : QVariant();
}

} // namespace ipcpg
