#pragma once

#include <QTabWidget>

#include "views/exportableview.h"

namespace ipcpg {

class CompareView;
class LoadCurveView;
class ScalingView;

// The Compare tab: mechanisms side by side across sizes ("Mechanisms"), against the members of a
// fan-out or fan-in ("Scaling"), and against offered load ("Latency vs load"). Exports go to the
// page in view.
class CompareTabs : public QTabWidget, public ExportableView {
    Q_OBJECT

public:
    explicit CompareTabs(QWidget* parent = nullptr);

    QWidget* exportedChart() override;
    bool exportData(DataFormat format, const QString& path, QString* error) const override;

    CompareView* mechanisms() const { return m_mechanisms; }
    ScalingView* scaling() const { return m_scaling; }
    LoadCurveView* load() const { return m_load; }

private:
    ExportableView* currentPage() const;

    CompareView* m_mechanisms = nullptr;
    ScalingView* m_scaling = nullptr;
    LoadCurveView* m_load = nullptr;
};

} // namespace ipcpg
