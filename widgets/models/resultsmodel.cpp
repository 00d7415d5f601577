#include "models/resultsmodel.h"

#include <QBrush>
#include <QColor>
#include <QLocale>

#include "support/qtconversions.h"

namespace ipcpg {

ResultsModel::ResultsModel(QObject* parent)
    : QAbstractTableModel(parent)
{
}

void ResultsModel::clear()
{
    beginResetModel();
    m_result.reset();
    m_rows.clear();
    endResetModel();
}

void ResultsModel::setResult(const RunResult& r)
{
    const QLocale locale;
    QList<Row> rows;
    const bool roundTrip = r.spec.mode == Mode::PingPong;
    rows.append({ tr("Mechanism"),
        toQString(r.spec.mechanism) + QStringLiteral(" · ") + toQString(toString(r.spec.mode)) + QStringLiteral(" · ")
            + formatBytesQ(r.spec.messageSize),
        tr("What ran: mechanism, mode and message size"), false });
    rows.append({ roundTrip ? tr("Round trips") : tr("Messages"),
        tr("%1 in %2 s").arg(locale.toString(static_cast<qulonglong>(r.messages))).arg(r.durationS, 0, 'f', 2),
        tr("Counted after warm-up"), false });
    rows.append(
        { tr("Throughput"), formatRateQ(r.msgsPerS) + QStringLiteral(" · ") + formatBytesPerSecondQ(r.bytesPerS),
            tr("Messages and payload bytes per second"), false });
    if (r.latencyNs.count > 0) {
        const QString kind = roundTrip ? tr("round trip") : tr("one way");
        rows.append(
            { tr("Latency p50"), formatNanosecondsQ(r.latencyNs.p50), tr("Median %1 latency").arg(kind), false });
        rows.append(
            { tr("Latency p99"), formatNanosecondsQ(r.latencyNs.p99), tr("99% of messages were faster"), false });
        rows.append(
            { tr("Latency p99.9"), formatNanosecondsQ(r.latencyNs.p999), tr("99.9% of messages were faster"), false });
        rows.append({ tr("Latency min / max"),
            formatNanosecondsQ(r.latencyNs.min) + QStringLiteral(" / ") + formatNanosecondsQ(r.latencyNs.max),
            tr("Fastest and slowest message"), false });
    }
    if (r.spec.topology != Topology::Pair) {
        rows.append({ tr("Topology"),
            r.spec.topology == Topology::FanOut ? tr("fan-out to %1 subscribers").arg(r.spec.subscribers)
                                                : tr("fan-in from %1 publishers").arg(r.spec.publishers),
            r.spec.topology == Topology::FanOut
                ? tr("One publisher, every subscriber gets every message; messages count each subscriber's copy")
                : tr("Several publishers into one receiver, which checks each publisher's order"),
            false });
    }
    const auto memberText = [](const MemberReport& m) {
        return QStringLiteral("%1 %2: p50 %3 · p99 %4")
            .arg(toQString(m.role))
            .arg(m.index)
            .arg(formatNanosecondsQ(m.latencyNs.p50), formatNanosecondsQ(m.latencyNs.p99));
    };
    if (const MemberReport* slowest = r.slowestMember()) {
        rows.append({ tr("Slowest member"), memberText(*slowest),
            tr("The member with the highest p99 latency: what the slowest reader of the publisher feels"), false });
        rows.append({ tr("Fastest member"), memberText(*r.fastestMember()),
            tr("The member with the lowest p99 latency"), false });
    }
    if (r.rate) {
        // More than 2% short of the offer is where man ipcpg's sweep --rate auto calls a mechanism
        // saturated; the same rule flags it here.
        const bool shortOfOffer = r.rate->achieved < 0.98 * r.rate->offered;
        rows.append({ tr("Rate offered / achieved"),
            tr("%1 / %2 per receiver").arg(formatRateQ(r.rate->offered), formatRateQ(r.rate->achieved)),
            tr("Messages per second each receiver was offered on a fixed schedule, and what the senders really "
               "sent"),
            shortOfOffer });
        rows.append({ tr("Behind schedule"),
            tr("at most %1 · at the end %2")
                .arg(formatNanosecondsQ(static_cast<double>(r.rate->maxBehindNs)),
                    formatNanosecondsQ(static_cast<double>(r.rate->endBehindNs))),
            tr("How far the senders fell behind their schedule; latency counts from the scheduled send time, so a "
               "stall counts against every message it delayed"),
            false });
    }
    rows.append({ tr("Integrity errors"), locale.toString(static_cast<qulonglong>(r.integrityErrors)),
        tr("Damaged, missing, duplicated or reordered messages on a mechanism that promises delivery"),
        r.integrityErrors > 0 });
    rows.append({ tr("Lost"), locale.toString(static_cast<qulonglong>(r.lost)),
        tr("Messages a lossy mechanism dropped or coalesced (udp, standard signals)"), false });
    rows.append({ tr("Sync errors"), locale.toString(static_cast<qulonglong>(r.syncErrors)),
        tr("Damage caused by missing synchronisation (the race being demonstrated)"), r.syncErrors > 0 });
    rows.append({ tr("CPU"), tr("user %1 s · system %2 s").arg(r.cpuUserS, 0, 'f', 3).arg(r.cpuSysS, 0, 'f', 3),
        tr("CPU time of all worker processes, from getrusage"), false });
    rows.append({ tr("CPU per message"), formatNanosecondsQ(r.cpuNsPerMessage()),
        tr("Total CPU time divided by the messages counted"), false });
    rows.append({ tr("Context switches"),
        tr("%1 voluntary · %2 involuntary (%3 per message)")
            .arg(locale.toString(static_cast<qulonglong>(r.voluntarySwitches)))
            .arg(locale.toString(static_cast<qulonglong>(r.involuntarySwitches)))
            .arg(r.switchesPerMessage(), 0, 'f', 2),
        tr("Voluntary: the process blocked and gave up the CPU. Involuntary: it was preempted."), false });
    QStringList cpus;
    for (int cpu : r.cpus)
        cpus << (cpu < 0 ? QStringLiteral("?") : QString::number(cpu));
    rows.append(
        { tr("Placement"), toQString(toString(r.spec.placement)) + tr(" · CPUs ") + cpus.join(QStringLiteral(", ")),
            tr("Requested placement and the CPU each side last ran on"), false });
    if (r.partial)
        rows.append({ tr("Partial"), toQString(r.error), tr("The run ended early"), true });

    beginResetModel();
    m_result = r;
    m_rows = std::move(rows);
    endResetModel();
}

int ResultsModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int ResultsModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : 2; }

QVariant ResultsModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    const Row& row = m_rows.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        return index.column() == 0 ? row.name : row.value;
    case Qt::ToolTipRole:
        return row.tip;
    case Qt::ForegroundRole:
        if (row.alarm && index.column() == 1)
            return QBrush(QColor(0xd6, 0x27, 0x28));
        return {};
    default:
        return {};
    }
}

QVariant ResultsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    return section == 0 ? tr("Measure") : tr("Value");
}

} // namespace ipcpg
