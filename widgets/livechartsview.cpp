#include "livechartsview.h"

#include <QChart>
#include <QChartView>
#include <QLineSeries>
#include <QPen>
#include <QSplitter>
#include <QVBoxLayout>
#include <QValueAxis>
#include <cmath>

namespace ipcpg {

namespace {

// A "nice" upper bound for an axis: 1, 2 or 5 times a power of ten, with some headroom, so the
// axis does not jump on every sample.
double niceCeiling(double value)
{
    if (value <= 0)
        return 1;
    const double magnitude = std::pow(10.0, std::floor(std::log10(value * 1.1)));
    for (double step : { 1.0, 2.0, 5.0, 10.0 }) {
        if (step * magnitude >= value * 1.1)
            return step * magnitude;
    }
    return 10 * magnitude;
}

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

QLineSeries* makeSeries(const QString& name, const QColor& color)
{
    auto* series = new QLineSeries;
    series->setName(name);
    QPen pen(color);
    pen.setWidthF(2.0);
    series->setPen(pen);
    return series;
}

QChart* makeChart(const QString& title)
{
    auto* chart = new QChart;
    chart->setTitle(title);
    chart->setAnimationOptions(QChart::NoAnimation); // live data: animations only lag
    chart->legend()->setAlignment(Qt::AlignBottom);
    chart->setMargins(QMargins(4, 4, 4, 4));
    return chart;
}

} // namespace

LiveChartsView::LiveChartsView(QWidget* parent)
    : QWidget(parent)
{
    auto* throughput = makeChart(tr("Throughput"));
    m_messagesSeries = makeSeries(tr("messages/s"), QColor(0x1f, 0x77, 0xb4));
    m_bytesSeries = makeSeries(tr("bytes/s"), QColor(0x2c, 0xa0, 0x2c));
    throughput->addSeries(m_messagesSeries);
    throughput->addSeries(m_bytesSeries);
    m_throughputTime = new QValueAxis;
    m_throughputTime->setTitleText(tr("time (s)"));
    m_messagesAxis = new QValueAxis;
    m_bytesAxis = new QValueAxis;
    throughput->addAxis(m_throughputTime, Qt::AlignBottom);
    throughput->addAxis(m_messagesAxis, Qt::AlignLeft);
    throughput->addAxis(m_bytesAxis, Qt::AlignRight);
    m_messagesSeries->attachAxis(m_throughputTime);
    m_messagesSeries->attachAxis(m_messagesAxis);
    m_bytesSeries->attachAxis(m_throughputTime);
    m_bytesSeries->attachAxis(m_bytesAxis);

    auto* latency = makeChart(tr("Latency"));
    m_p50Series = makeSeries(tr("p50"), QColor(0x9e, 0x4f, 0xc9));
    m_p99Series = makeSeries(tr("p99"), QColor(0xd6, 0x27, 0x28));
    latency->addSeries(m_p50Series);
    latency->addSeries(m_p99Series);
    m_latencyTime = new QValueAxis;
    m_latencyTime->setTitleText(tr("time (s)"));
    m_latencyAxis = new QValueAxis;
    latency->addAxis(m_latencyTime, Qt::AlignBottom);
    latency->addAxis(m_latencyAxis, Qt::AlignLeft);
    for (QLineSeries* series : { m_p50Series, m_p99Series }) {
        series->attachAxis(m_latencyTime);
        series->attachAxis(m_latencyAxis);
    }

    m_throughputView = new QChartView(throughput);
    m_latencyView = new QChartView(latency);
    for (QChartView* view : { m_throughputView, m_latencyView }) {
        view->setRenderHint(QPainter::Antialiasing);
        view->setMinimumHeight(180);
    }
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
