#include "models/sweepresultsmodel.h"

#include <QLocale>
#include <iterator>

#include "ipcpg/loadcurve.h"
#include "ipcpg/ratesearch.h"
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
    const LatencySummary& headline = r.headlineLatency();
    const bool latency = headline.count > 0;
    const double offered = offeredRate(r);
    const auto latencyCell = [&](double ns) -> QVariant {
        if (role == kSortRole)
            return latency ? ns : -1.0;
        return latency ? formatNanosecondsQ(ns) : QStringLiteral("–");
    };
    if (role == Qt::TextAlignmentRole)
        return index.column() >= SizeColumn && index.column() != PlacementColumn && index.column() != TopologyColumn
                && index.column() != KeptUpColumn
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
    case TopologyColumn:
        if (r.spec.topology == Topology::Pair)
            return sort ? QVariant(0) : QVariant(tr("pair"));
        return sort ? QVariant(static_cast<int>(r.spec.topology) * 100 + static_cast<int>(r.spec.members()))
                    : QVariant(tr("%1 %2").arg(toQString(toString(r.spec.topology))).arg(r.spec.members()));
    case OfferedRateColumn:
        return sort ? QVariant(offered) : QVariant(offered > 0 ? formatRateQ(offered) : tr("as fast as possible"));
    case AchievedRateColumn:
        return sort ? QVariant(r.rate ? r.rate->achieved : -1.0)
                    : QVariant(r.rate ? formatRateQ(r.rate->achieved) : QStringLiteral("–"));
    case KeptUpColumn:
        if (!(offered > 0))
            return sort ? QVariant(-1) : QVariant(QStringLiteral("–"));
        return sort ? QVariant(keptUp(offered, r) ? 1 : 0) : QVariant(keptUp(offered, r) ? tr("yes") : tr("no"));
    case MessagesPerSecondColumn:
        return sort ? QVariant(r.msgsPerS) : QVariant(formatRateQ(r.msgsPerS));
    case BytesPerSecondColumn:
        return sort ? QVariant(r.bytesPerS) : QVariant(formatBytesPerSecondQ(r.bytesPerS));
    case P50Column:
        return latencyCell(headline.p50);
    case P90Column:
        return latencyCell(headline.p90);
    case P99Column:
        return latencyCell(headline.p99);
    case P999Column:
        return latencyCell(headline.p999);
    case ErrorsColumn:
        return sort ? QVariant(static_cast<qulonglong>(r.integrityErrors) + r.syncErrors)
                    : QVariant(QLocale().toString(static_cast<qulonglong>(r.integrityErrors) + r.syncErrors));
    case LostColumn:
        return sort ? QVariant(static_cast<qulonglong>(r.lost))
                    : QVariant(QLocale().toString(static_cast<qulonglong>(r.lost)));
    case CpuColumn:
        return sort ? QVariant(r.cpuNsPerMessage()) : QVariant(formatNanosecondsQ(r.cpuNsPerMessage()));
    case HubCpuColumn:
        if (r.spec.topology == Topology::Pair)
            return sort ? QVariant(-1.0) : QVariant(QStringLiteral("–"));
        return sort ? QVariant(r.hubCpuNsPerMessage()) : QVariant(formatNanosecondsQ(r.hubCpuNsPerMessage()));
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
    static const char* const titles[] = { "Mechanism", "Options", "Mode", "Size", "Placement", "Topology", "Messages/s",
        "Bytes/s", "Offered", "Achieved", "Kept up", "p50", "p90", "p99", "p99.9", "Errors", "Lost", "CPU/msg",
        "Hub CPU/msg", "Switches/msg" };
    static const char* const tips[]
        = { "Mechanism id", "Mechanism options", "pingpong or stream", "Payload bytes per message",
              "Where the processes ran", "pair, or a fan-out's subscribers or a fan-in's publishers",
              "Messages per second (a fan-out counts each subscriber's copy)", "Payload bytes per second",
              "Messages per second offered to each receiver (open loop)", "What the senders really sent, per receiver",
              "Whether the achieved rate came within 2% of the offered one",
              "Median latency (a fan-out's or fan-in's slowest member)", "90th percentile latency",
              "99th percentile latency", "99.9th percentile latency", "Integrity and sync errors",
              "Messages lost by a lossy mechanism", "CPU time per delivered message, all processes",
              "CPU time of a fan-out's publisher per message published, or a fan-in's receiver per message received",
              "Context switches per message" };
    static_assert(std::size(titles) == ColumnCount && std::size(tips) == ColumnCount);
    if (section < 0 || section >= ColumnCount)
        return {};
    if (role == Qt::DisplayRole)
        return tr(titles[section]);
    if (role == Qt::ToolTipRole)
        return tr(tips[section]);
    return {};
}

} // namespace ipcpg
