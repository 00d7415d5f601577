#include "charts/histogramchart.h"

#include <QAreaSeries>
#include <QLineSeries>
#include <QLogValueAxis>
#include <QValueAxis>
#include <cmath>

#include "charts/axisscale.h"
#include "charts/chartsetup.h"
#include "charts/charttheme.h"

namespace ipcpg {

namespace {

// Fine buckets are merged into about 12 per factor of ten for drawing: the shape stays, the
// step plot does not turn into noise.
constexpr double kBinsPerDecade = 12.0;

} // namespace

HistogramChart::HistogramChart(QWidget* parent)
    : QChartView(parent)
{
    QChart* chart = createLiveChart(tr("Latency distribution"));
    buildArea(chart);
    buildAxes(chart);
    buildMarkers(chart);
    installChart(this, chart);
    applyPalette(palette());
    setHistogram(LatencyHistogram {}, QString());
}

void HistogramChart::buildArea(QChart* chart)
{
    // QAreaSeries does not own its boundary lines: the view does, and deletes them after the
    // chart (which it owns) and the area series are gone.
    m_upper = new QLineSeries(this);
    m_lower = new QLineSeries(this);
    m_area = new QAreaSeries(m_upper, m_lower);
    m_area->setName(tr("share of messages"));
    QColor fill = ChartTheme::seriesColor(0);
    m_area->setPen(QPen(fill, 1.5));
    fill.setAlpha(110);
    m_area->setBrush(fill);
    chart->addSeries(m_area);
}

void HistogramChart::buildAxes(QChart* chart)
{
    // Only the decades as vertical grid lines: each one costs a round of the raster engine's
    // thread pool on every refresh (see TimeSeriesChart, m_time).
    m_x = createLogAxis();
    m_y = new QValueAxis;
    m_y->setTitleText(tr("% of messages"));
    m_y->setLabelFormat(QStringLiteral("%.0f"));
    chart->addAxis(m_x, Qt::AlignBottom);
    chart->addAxis(m_y, Qt::AlignLeft);
    m_area->attachAxis(m_x);
    m_area->attachAxis(m_y);
}

void HistogramChart::buildMarkers(QChart* chart)
{
    const QStringList names { tr("p50"), tr("p99"), tr("p99.9") };
    for (int i = 0; i < names.size(); ++i) {
        auto* marker = new QLineSeries;
        marker->setName(names[i]);
        marker->setPen(QPen(ChartTheme::seriesColor(i + 1), 1.5, Qt::DashLine));
        chart->addSeries(marker);
        marker->attachAxis(m_x);
        marker->attachAxis(m_y);
        m_markers.append(marker);
    }
}

void HistogramChart::setHistogram(const LatencyHistogram& histogram, const QString& kind)
{
    chart()->setTitle(kind.isEmpty() ? tr("Latency distribution") : tr("Latency distribution (%1)").arg(kind));
    if (histogram.count() == 0) {
        m_upper->clear();
        m_lower->clear();
        for (QLineSeries* marker : m_markers)
            marker->clear();
        m_x->setRange(1, 1000);
        m_x->setTitleText(tr("latency (µs)"));
        applyScale(m_y, AxisScale::forMaximum(AxisScale::Quantity::Plain, 100));
        return;
    }
    const AxisScale unit
        = AxisScale::forMaximum(AxisScale::Quantity::Nanoseconds, static_cast<double>(histogram.percentile(50)));
    // Merge the fine buckets into display bins of equal width on the log axis.
    struct Bin {
        double low, high;
        std::uint64_t count;
    };
    QList<Bin> bins;
    for (const auto& [index, count] : histogram.nonEmptyBuckets()) {
        const int bucket = static_cast<int>(index);
        const double low = std::max(1.0, static_cast<double>(HistogramLayout::lowerBound(bucket)));
        const double bin = std::floor(std::log10(low) * kBinsPerDecade);
        const double binLow = std::pow(10.0, bin / kBinsPerDecade);
        const double binHigh = std::pow(10.0, (bin + 1) / kBinsPerDecade);
        if (!bins.isEmpty() && bins.back().low == binLow)
            bins.back().count += count;
        else
            bins.append({ binLow, binHigh, count });
    }
    QList<QPointF> upper, lower;
    double peak = 0;
    const auto total = static_cast<double>(histogram.count());
    for (const Bin& bin : bins) {
        const double share = 100.0 * static_cast<double>(bin.count) / total;
        peak = std::max(peak, share);
        const double low = bin.low / unit.divisor, high = bin.high / unit.divisor;
        upper << QPointF(low, 0) << QPointF(low, share) << QPointF(high, share) << QPointF(high, 0);
        lower << QPointF(low, 0) << QPointF(low, 0) << QPointF(high, 0) << QPointF(high, 0);
    }
    m_upper->replace(upper);
    m_lower->replace(lower);
    // Ticks on round numbers: 0, 10, 20 rather than 0, 12.5, 25.
    applyScale(m_y, AxisScale::forMaximum(AxisScale::Quantity::Plain, peak));
    const double xMin = std::pow(10.0, std::floor(std::log10(bins.front().low / unit.divisor)));
    const double xMax = std::pow(10.0, std::ceil(std::log10(bins.back().high / unit.divisor)));
    m_x->setRange(xMin, std::max(xMax, xMin * 10));
    m_x->setTitleText(tr("latency (%1), logarithmic").arg(unit.unit));
    const double percentiles[] = { 50.0, 99.0, 99.9 };
    for (int i = 0; i < m_markers.size(); ++i) {
        const double x = static_cast<double>(histogram.percentile(percentiles[i])) / unit.divisor;
        m_markers[i]->replace({ QPointF(x, 0), QPointF(x, m_y->max()) });
    }
}

void HistogramChart::applyPalette(const QPalette& palette) { ChartTheme::apply(chart(), palette); }

} // namespace ipcpg
