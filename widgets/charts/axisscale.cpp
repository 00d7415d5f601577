#include "charts/axisscale.h"

#include <QValueAxis>

#include <QCoreApplication>
#include <cmath>

namespace ipcpg {

double AxisScale::niceStep(double range, int ticks)
{
    if (!(range > 0))
        return 1;
    const double rough = range / ticks;
    const double magnitude = std::pow(10.0, std::floor(std::log10(rough)));
    for (double factor : { 1.0, 2.0, 5.0 }) {
        if (factor * magnitude >= rough)
            return factor * magnitude;
    }
    return 10 * magnitude;
}

AxisScale AxisScale::forMaximum(Quantity quantity, double max)
{
    AxisScale scale;
    switch (quantity) {
    case Quantity::Nanoseconds:
        if (max >= 2e9) {
            scale.divisor = 1e9;
            scale.unit = QStringLiteral("s");
        } else if (max >= 2e6) {
            scale.divisor = 1e6;
            scale.unit = QStringLiteral("ms");
        } else if (max >= 2e3) {
            scale.divisor = 1e3;
            scale.unit = QStringLiteral("µs");
        } else {
            scale.unit = QStringLiteral("ns");
        }
        break;
    case Quantity::BytesPerSecond: {
        static const char* const names[] = { "B/s", "KiB/s", "MiB/s", "GiB/s" };
        int unit = 0;
        while (unit < 3 && max >= 2.0 * std::pow(1024.0, unit + 1))
            ++unit;
        scale.divisor = std::pow(1024.0, unit);
        scale.unit = QString::fromLatin1(names[unit]);
        break;
    }
    case Quantity::PerSecond:
        if (max >= 2e6) {
            scale.divisor = 1e6;
            scale.unit = QStringLiteral("M/s");
        } else if (max >= 2e3) {
            scale.divisor = 1e3;
            scale.unit = QStringLiteral("k/s");
        } else {
            scale.unit = QStringLiteral("/s");
        }
        break;
    case Quantity::Seconds:
        scale.unit = QStringLiteral("s");
        break;
    case Quantity::Plain:
        // Counts of millions read better as "12 (millions)" than as 12000000.
        if (max >= 2e9) {
            scale.divisor = 1e9;
            scale.unit = QCoreApplication::translate("AxisScale", "billions");
        } else if (max >= 2e6) {
            scale.divisor = 1e6;
            scale.unit = QCoreApplication::translate("AxisScale", "millions");
        } else if (max >= 2e4) {
            scale.divisor = 1e3;
            scale.unit = QCoreApplication::translate("AxisScale", "thousands");
        }
        break;
    }
    const double scaled = max / scale.divisor;
    scale.tickStep = niceStep(scaled > 0 ? scaled * 1.05 : 1.0);
    scale.niceMax = std::max(scale.tickStep, std::ceil(scaled * 1.05 / scale.tickStep) * scale.tickStep);
    return scale;
}

AxisScale AxisScale::forElapsedSeconds(double seconds)
{
    AxisScale scale = forMaximum(Quantity::Seconds, seconds);
    double end = 1;
    for (double decade = 1; end < seconds; decade *= 10) {
        for (const double mantissa : { 1.0, 2.0, 5.0 }) {
            end = mantissa * decade;
            if (end >= seconds)
                break;
        }
    }
    scale.niceMax = end;
    scale.tickStep = niceStep(end);
    return scale;
}

void applyScale(QValueAxis* axis, const AxisScale& scale)
{
    if (axis->tickType() != QValueAxis::TicksDynamic) {
        axis->setTickType(QValueAxis::TicksDynamic);
        axis->setTickAnchor(0);
    }
    const bool stepGrows = scale.tickStep > axis->tickInterval();
    if (stepGrows)
        axis->setTickInterval(scale.tickStep);
    if (axis->max() != scale.niceMax || axis->min() != 0)
        axis->setRange(0, scale.niceMax);
    if (!stepGrows && axis->tickInterval() != scale.tickStep)
        axis->setTickInterval(scale.tickStep);
}

QString axisTitle(const QString& titleTemplate, const QString& unit)
{
    QString title = titleTemplate;
    if (unit.isEmpty())
        title.remove(QStringLiteral(" (%1)"));
    else if (title.contains(QStringLiteral("%1")))
        title = title.arg(unit);
    return title;
}

} // namespace ipcpg
