#include "charts/charttheme.h"

#include <QAbstractAxis>
#include <QChart>
#include <QLegend>

namespace ipcpg {

bool ChartTheme::isDark(const QPalette& palette) { return palette.color(QPalette::Window).lightness() < 128; }

QColor ChartTheme::seriesColor(int index)
{
    // Tableau 10: distinct in hue and lightness, also for the common colour-vision deficiencies.
    static const QList<QColor> colors { QColor(0x4e, 0x79, 0xa7), QColor(0xf2, 0x8e, 0x2b), QColor(0xe1, 0x57, 0x59),
        QColor(0x76, 0xb7, 0xb2), QColor(0x59, 0xa1, 0x4f), QColor(0xed, 0xc9, 0x48), QColor(0xb0, 0x7a, 0xa1),
        QColor(0xff, 0x9d, 0xa7), QColor(0x9c, 0x75, 0x5f), QColor(0xba, 0xb0, 0xac) };
    return colors.at(index % colors.size());
}

void ChartTheme::apply(QChart* chart, const QPalette& palette)
{
    const QColor background = palette.color(QPalette::Base);
    const QColor text = palette.color(QPalette::Text);
    // The grid is a faint mix of text and background, made opaque here: a translucent pen
    // would be blended into every pixel it covers on every refresh, a solid one is just written.
    const double weight = isDark(palette) ? 50.0 / 255 : 35.0 / 255;
    const auto mix = [weight](double ink, double paper) { return ink * weight + paper * (1 - weight); };
    const QColor grid = QColor::fromRgbF(static_cast<float>(mix(text.redF(), background.redF())),
        static_cast<float>(mix(text.greenF(), background.greenF())),
        static_cast<float>(mix(text.blueF(), background.blueF())));
    chart->setBackgroundBrush(background);
    chart->setBackgroundPen(QPen(palette.color(QPalette::Mid)));
    chart->setTitleBrush(text);
    chart->legend()->setLabelColor(text);
    for (QAbstractAxis* axis : chart->axes()) {
        axis->setLabelsColor(text);
        axis->setTitleBrush(text);
        axis->setGridLineColor(grid);
        axis->setMinorGridLineColor(grid);
        axis->setLinePenColor(palette.color(QPalette::Mid));
    }
}

} // namespace ipcpg
