#include "livechartsview.h"

#include <QChart>
#include <QChartView>
#include <QLineSeries>
#include <QPen>
#include <QSplitter>
#include <QVBoxLayout>
#include <QValueAxis>
#include <cmath>

#include "chartstyle.h"

namespace ipcpg {

namespace {

struct Unit {
    double divisor;
    QString name;
};

Unit timeUnit(double maxNs)
{
    if (maxNs >= 2e6)
        return { 1e6, QStringLiteral("ms") };
    if (maxNs >= 2e3)
        return { 1e3, QStringLiteral("µs") };
    return { 1, QStringLiteral("ns") };
}

Unit bytesUnit(double maxBytesPerSecond)
{
    if (maxBytesPerSecond >= 2.0 * (1 << 30))
        return { static_cast<double>(1 << 30), QStringLiteral("GiB/s") };
    if (maxBytesPerSecond >= 2.0 * (1 << 20))
        return { static_cast<double>(1 << 20), QStringLiteral("MiB/s") };
    if (maxBytesPerSecond >= 2.0 * (1 << 10))
        return { static_cast<double>(1 << 10), QStringLiteral("KiB/s") };
    return { 1, QStringLiteral("B/s") };
}

Unit rateUnit(double maxPerSecond)
{
    if (maxPerSecond >= 2e6)
        return { 1e6, QStringLiteral("million messages/s") };
    if (maxPerSecond >= 2e3)
        return { 1e3, QStringLiteral("thousand messages/s") };
    return { 1, QStringLiteral("messages/s") };
}

QList<QPointF> scaled(const QList<QPointF>& points, double divisor)
{
    QList<QPointF> result;
    result.reserve(points.size());
    for (const QPointF& p : points)
        result.append({ p.x(), p.y() / divisor });
    return result;
}

} // namespace

LiveChartsView::LiveChartsView(QWidget* parent)
    : QWidget(parent)
{
    auto* throughput = makeLiveChart(tr("Throughput"));
    m_messagesSeries = makeLineSeries(tr("messages/s"), QColor(0x1f, 0x77, 0xb4));
    m_bytesSeries = makeLineSeries(tr("bytes/s"), QColor(0x2c, 0xa0, 0x2c));
    throughput->addSeries(m_messagesSeries);
    throughput->addSeries(m_bytesSeries);
    m_throughputTime = addValueAxis(throughput, Qt::AlignBottom, tr("time (s)"), { m_messagesSeries, m_bytesSeries });
    m_messagesAxis = addValueAxis(throughput, Qt::AlignLeft, {}, { m_messagesSeries });
    m_bytesAxis = addValueAxis(throughput, Qt::AlignRight, {}, { m_bytesSeries });

    auto* latency = makeLiveChart(tr("Latency"));
    m_p50Series = makeLineSeries(tr("p50"), QColor(0x9e, 0x4f, 0xc9));
    m_p99Series = makeLineSeries(tr("p99"), QColor(0xd6, 0x27, 0x28));
    latency->addSeries(m_p50Series);
    latency->addSeries(m_p99Series);
    m_latencyTime = addValueAxis(latency, Qt::AlignBottom, tr("time (s)"), { m_p50Series, m_p99Series });
    m_latencyAxis = addValueAxis(latency, Qt::AlignLeft, {}, { m_p50Series, m_p99Series });

    m_throughputView = makeChartView(throughput);
    m_latencyView = makeChartView(latency);
    auto* splitter = new QSplitter(Qt::Vertical);
    splitter->addWidget(m_throughputView);
    splitter->addWidget(m_latencyView);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(splitter);

    m_timer.setInterval(1000 / kRefreshHz);
    connect(&m_timer, &QTimer::timeout, this, [this] {
        if (m_dirty)
            refresh();
    });
    reset(RunSpec {});
}

void LiveChartsView::reset(const RunSpec& spec)
{
    m_spec = spec;
    for (LiveSeries* series : { &m_messages, &m_bytes, &m_p50, &m_p99 })
        series->clear();
    const bool roundTrip = spec.mode == Mode::PingPong;
    m_latencyView->chart()->setTitle(roundTrip ? tr("Latency: round trip") : tr("Latency: one way"));
    m_dirty = true;
    refresh();
}

void LiveChartsView::addSample(const SampleMessage& sample)
{
    if (sample.elapsedS < 0 || sample.intervalS <= 0)
        return; // warm-up is not part of the picture
    const double t = sample.elapsedS;
    m_messages.append(t, static_cast<double>(sample.messages) / sample.intervalS);
    m_bytes.append(t, static_cast<double>(sample.bytes) / sample.intervalS);
    if (sample.latencyNs.count > 0) {
        m_p50.append(t, sample.latencyNs.p50);
        m_p99.append(t, sample.latencyNs.p99);
    }
    m_dirty = true;
}

void LiveChartsView::setLive(bool live)
{
    if (live)
        m_timer.start();
    else
        m_timer.stop();
}

void LiveChartsView::refresh()
{
    m_dirty = false;
    const double endTime = std::max({ 1.0, m_messages.lastX(), m_p50.lastX() });

    const Unit rate = rateUnit(m_messages.maxY());
    const Unit bytes = bytesUnit(m_bytes.maxY());
    m_messagesSeries->replace(scaled(m_messages.points(), rate.divisor));
    m_bytesSeries->replace(scaled(m_bytes.points(), bytes.divisor));
    m_messagesSeries->setName(rate.name);
    m_bytesSeries->setName(bytes.name);
    m_messagesAxis->setRange(0, niceCeiling(m_messages.maxY() / rate.divisor));
    m_messagesAxis->setTitleText(rate.name);
    m_bytesAxis->setRange(0, niceCeiling(m_bytes.maxY() / bytes.divisor));
    m_bytesAxis->setTitleText(bytes.name);
    m_throughputTime->setRange(0, niceCeiling(endTime));

    const Unit time = timeUnit(std::max(m_p99.maxY(), m_p50.maxY()));
    m_p50Series->replace(scaled(m_p50.points(), time.divisor));
    m_p99Series->replace(scaled(m_p99.points(), time.divisor));
    m_latencyAxis->setRange(0, niceCeiling(std::max(m_p99.maxY(), m_p50.maxY()) / time.divisor));
    m_latencyAxis->setTitleText(time.name);
    m_latencyTime->setRange(0, niceCeiling(endTime));
    emit refreshed();
}

} // namespace ipcpg
