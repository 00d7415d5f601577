#include "views/comparetabs.h"

#include "views/compareview.h"
#include "views/loadcurveview.h"
#include "views/scalingview.h"

namespace ipcpg {

CompareTabs::CompareTabs(QWidget* parent)
    : QTabWidget(parent)
    , m_mechanisms(new CompareView)
    , m_scaling(new ScalingView)
    , m_load(new LoadCurveView)
{
    setDocumentMode(true);
    addTab(m_mechanisms, tr("&Mechanisms"));
    addTab(m_scaling, tr("&Scaling"));
    addTab(m_load, tr("Latency vs &load"));
    setTabToolTip(0, tr("Mechanisms side by side across message sizes and placements"));
    setTabToolTip(1, tr("Latency and CPU against the number of subscribers or publishers"));
    setTabToolTip(2, tr("Latency percentiles against offered rate, up to and past saturation"));
}

ExportableView* CompareTabs::currentPage() const { return dynamic_cast<ExportableView*>(currentWidget()); }

QWidget* CompareTabs::exportedChart() { return currentPage()->exportedChart(); }

bool CompareTabs::exportData(DataFormat format, const QString& path, QString* error) const
{
    return currentPage()->exportData(format, path, error);
}

} // namespace ipcpg
