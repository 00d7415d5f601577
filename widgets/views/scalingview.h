#pragma once

#include <QStringList>
#include <QWidget>
#include <optional>

#include "ipcpg/runresult.h"
#include "views/exportableview.h"

class QChartView;
class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLineEdit;

namespace ipcpg {

class MechanismCheckList;
class SweepController;
class SweepProgressPanel;
class SweepResultsModel;

// How mechanisms scale with the members of a fan-out or fan-in: each ticked mechanism runs at
// each member count (1, 2, 4, 8 ...), one after the other, and the chart draws one line per
// mechanism against N: the slowest member's latency, CPU per delivered message, or the hub's CPU
// per message (where a mechanism that copies per subscriber pays).
class ScalingView : public QWidget, public ExportableView {
    Q_OBJECT

public:
    enum class Metric { SlowestP50, SlowestP99, SlowestP999, CpuPerDelivered, HubCpu, Delivered };
    Q_ENUM(Metric)

    explicit ScalingView(QWidget* parent = nullptr);

    QWidget* exportedChart() override;
    bool exportData(DataFormat format, const QString& path, QString* error) const override;

    // The runs the current choices stand for, in order; refused combinations are left out and
    // listed in `skipped` with the reason.
    QList<RunSpec> plan(QStringList* skipped = nullptr) const;
    void setMechanisms(const QStringList& ids);
    void setTopology(Topology topology);
    void setMemberCounts(const QString& counts);
    void setSize(const QString& size);
    void setMode(Mode mode);
    void setRate(const QString& rate);
    void setOptions(const QString& options);
    void setDuration(double seconds);
    void setMetric(Metric metric);
    // The metrics by the short names a command line gives them: p50, p99, p99.9, cpu, hub-cpu,
    // delivered.
    static QStringList metricIds();
    static std::optional<Metric> metricOf(const QString& id);
    void startSweep();
    void cancelSweep();

    SweepController* sweep() const { return m_sweep; }
    SweepResultsModel* resultsModel() const { return m_results; }
    QChartView* chartView() const { return m_chart; }
    SweepProgressPanel* progressPanel() const { return m_progress; }

signals:
    void sweepFinished(bool cancelled);

protected:
    void changeEvent(QEvent* event) override;

private:
    QWidget* buildSetup();
    QWidget* buildChart();
    void onSweepFinished(bool cancelled);
    void rebuildChart();
    void updateButtons();

    MechanismCheckList* m_mechanisms = nullptr;
    QComboBox* m_topology = nullptr;
    QLineEdit* m_members = nullptr;
    QLineEdit* m_size = nullptr;
    QComboBox* m_mode = nullptr;
    QLineEdit* m_rate = nullptr;
    QLineEdit* m_options = nullptr;
    QDoubleSpinBox* m_duration = nullptr;
    SweepProgressPanel* m_progress = nullptr;
    QComboBox* m_metric = nullptr;
    QCheckBox* m_logScale = nullptr;
    QChartView* m_chart = nullptr;
    SweepController* m_sweep = nullptr;
    SweepResultsModel* m_results = nullptr;
    QStringList m_failures;
    QStringList m_skipped;
};

} // namespace ipcpg
