#include "models/sweepresultsmodel.h"

#include <QLocale>

#include "support/qtconversions.h"

namespace ipcpg {

SweepResultsModel::SweepResultsModel(QObject* parent)
    : QAbstractTableModel(parent)
{
}

void SweepResultsModel::clear()
{
    beginResetModel();
    m_results.clear();
    endResetModel();
}

void SweepResultsModel::append(const RunResult& result)
{
    const int row = static_cast<int>(m_results.size());
    beginInsertRows({}, row, row);
    m_results.append(result);
    endInsertRows();
}

int SweepResultsModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_results.size());
}

int SweepResultsModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant SweepResultsModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const RunResult& r = m_results.at(index.row());
    const bool latency = r.latencyNs.count > 0;
    const auto latencyCell = [&](double ns) -> QVariant {
        if (role == kSortRole)
            return latency ? ns : -1.0;
        return latency ? formatNanosecondsQ(ns) : QStringLiteral("–");
    };
    if (role == Qt::TextAlignmentRole)
        return index.column() >= SizeColumn && index.column() != PlacementColumn
            ? QVariant(Qt::AlignRight | Qt::AlignVCenter)
            : QVariant(Qt::AlignLeft | Qt::AlignVCenter);
    if (role == Qt::ToolTipRole && r.partial)
        return toQString(r.error);
    if (role != Qt::DisplayRole && role != kSortRole)
        return {};
    const bool sort = role == kSortRole;
    switch (index.column()) {
    case MechanismColumn:
        return toQString(r.spec.mechanism);
    case OptionsColumn: {
        QStringList options;
        for (const auto& [name, value] : r.spec.options)
            options << toQString(name) + QLatin1Char('=') + toQString(value);
        return options.join(QLatin1Char(' '));
    }
    case ModeColumn:
        return toQString(toString(r.spec.mode));
    case SizeColumn:
        return sort ? QVariant(static_cast<qulonglong>(r.spec.messageSize))
                    : QVariant(formatBytesQ(r.spec.messageSize));
    case PlacementColumn:
        return toQString(toString(r.spec.placement));
    case MessagesPerSecondColumn:
        return sort ? QVariant(r.msgsPerS) : QVariant(formatRateQ(r.msgsPerS));
    case BytesPerSecondColumn:
        return sort ? QVariant(r.bytesPerS) : QVariant(formatBytesPerSecondQ(r.bytesPerS));
    case P50Column:
        return latencyCell(r.latencyNs.p50);
    case P90Column:
        return latencyCell(r.latencyNs.p90);
    case P99Column:
        return latencyCell(r.latencyNs.p99);
    case P999Column:
        return latencyCell(r.latencyNs.p999);
    case ErrorsColumn:
        return sort ? QVariant(static_cast<qulonglong>(r.integrityErrors) + r.syncErrors)
                    : QVariant(QLocale().toString(static_cast<qulonglong>(r.integrityErrors) + r.syncErrors));
    case LostColumn:
        return sort ? QVariant(static_cast<qulonglong>(r.lost))
                    : QVariant(QLocale().toString(static_cast<qulonglong>(r.lost)));
    case CpuColumn:
        return sort ? QVariant(r.cpuNsPerMessage()) : QVariant(formatNanosecondsQ(r.cpuNsPerMessage()));
    case SwitchesColumn:
        return sort ? QVariant(r.switchesPerMessage()) : QVariant(QString::number(r.switchesPerMessage(), 'f', 2));
    default:
        return {};
    }
}

QVariant SweepResultsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return {};
    static const char* const titles[] = { "Mechanism", "Options", "Mode", "Size", "Placement", "Messages/s", "Bytes/s",
        "p50", "p90", "p99", "p99.9", "Errors", "Lost", "CPU/msg", "Switches/msg" };
    static const char* const tips[] = { "Mechanism id", "Mechanism options", "pingpong or stream",
        "Payload bytes per message", "Where the two sides ran", "Messages per second", "Payload bytes per second",
        "Median latency", "90th percentile latency", "99th percentile latency", "99.9th percentile latency",
        "Integrity and sync errors", "Messages lost by a lossy mechanism", "CPU time per message, all processes",
        "Context switches per message" };
    if (section < 0 || section >= ColumnCount)
        return {};
    if (role == Qt::DisplayRole)
        return tr(titles[section]);
    if (role == Qt::ToolTipRole)
        return tr(tips[section]);
    return {};
}

} // namespace ipcpg
