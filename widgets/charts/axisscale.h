#pragma once

#include <QString>

QT_FORWARD_DECLARE_CLASS(QValueAxis)

namespace ipcpg {

// Chooses how to label an axis for values up to `max`: the unit to show (µs rather than 1e-6 s),
// the divisor that converts raw values into it, and a "nice" range and tick step (1, 2 or 5
// times a power of ten) so labels read 0, 20, 40 rather than 0, 13.7, 27.4.
struct AxisScale {
    enum class Quantity { Plain, Nanoseconds, BytesPerSecond, PerSecond, Seconds };

    double divisor = 1;
    QString unit;
    double niceMax = 1;
    double tickStep = 0.2;

    static AxisScale forMaximum(Quantity quantity, double max);
    // The time axis of a run that is still going: its end jumps along 1, 2, 5 x 10^k seconds,
    // so it changes (and its labels are laid out again) a few times per decade, not every
    // second of the run.
    static AxisScale forElapsedSeconds(double seconds);
    // A step of 1, 2 or 5 x 10^k that splits `range` into about `ticks` intervals.
    static double niceStep(double range, int ticks = 5);
};

// Sets a value axis to 0 .. scale.niceMax with ticks every scale.tickStep, touching only what
// changed: each change makes Qt Charts lay out its labels again, which costs far more than
// drawing a few hundred points.
//
// The order matters: an intermediate state of a wide range with the old, small step would make
// Qt Charts create thousands of label items (and keep them, which makes every later repaint
// slow). So a growing step is set before the range, a shrinking one after it.
void applyScale(QValueAxis* axis, const AxisScale& scale);

// "count (%1)" becomes "count (millions)", or just "count" when the values need no unit.
QString axisTitle(const QString& titleTemplate, const QString& unit);

} // namespace ipcpg
