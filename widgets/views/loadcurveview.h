#pragma once

#include <QWidget>

#include "controllers/loadcurvecontroller.h"
#include "views/exportableview.h"

class QChartView;
class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLineEdit;
class QSpinBox;

namespace ipcpg {

class MechanismCheckList;
class SweepProgressPanel;
class SweepResultsModel;

// Latency against offered load: each ticked mechanism runs open loop at rising rates (chosen by a
// rate search from a closed-loop probe, or the rates typed), and the chart draws its p50, p99 and
// p99.9 against the offered rate with the saturation point marked: the highest rate it carried
// before latency climbs and the sender falls behind.
class LoadCurveView : public QWidget, public ExportableView {
    Q_OBJECT

public:
    explicit LoadCurveView(QWidget* parent = nullptr);

    QWidget* exportedChart() override;
    bool exportData(DataFormat format, const QString& path, QString* error) const override;

    // The curves the current choices stand for, in order; refused combinations and bad fields
    // are left out and listed in `skipped` with the reason.
    QList<LoadCurvePlan> plan(QStringList* skipped = nullptr) const;
    void setMechanisms(const QStringList& ids);
    void setSize(const QString& size);
    void setMode(Mode mode);
    void setPlacement(Placement placement);
    void setTopology(Topology topology, unsigned members);
    // "auto" for a rate search, else a comma-separated list of rates.
    void setRates(const QString& rates);
    void setOptions(const QString& options);
    void setDuration(double seconds);
    void startSearch();
    void cancelSearch();

    LoadCurveController* controller() const { return m_controller; }
    SweepResultsModel* resultsModel() const { return m_results; }
    QChartView* chartView() const { return m_chart; }
    SweepProgressPanel* progressPanel() const { return m_progress; }

signals:
    void searchFinished(bool cancelled);

protected:
    void changeEvent(QEvent* event) override;

private:
    QWidget* buildSetup();
    QWidget* buildChart();
    void onCurveUpdated(int curve);
    void onFinished(bool cancelled);
    void rebuildChart();
    void updateButtons();

    MechanismCheckList* m_mechanisms = nullptr;
    QLineEdit* m_size = nullptr;
    QComboBox* m_mode = nullptr;
    QComboBox* m_placement = nullptr;
    QComboBox* m_topology = nullptr;
    QSpinBox* m_members = nullptr;
    QLineEdit* m_rates = nullptr;
    QLineEdit* m_options = nullptr;
    QDoubleSpinBox* m_duration = nullptr;
    SweepProgressPanel* m_progress = nullptr;
    QCheckBox* m_showP50 = nullptr;
    QCheckBox* m_showP99 = nullptr;
    QCheckBox* m_showP999 = nullptr;
    QChartView* m_chart = nullptr;
    LoadCurveController* m_controller = nullptr;
    SweepResultsModel* m_results = nullptr;
    QStringList m_failures;
    QStringList m_skipped;
};

} // namespace ipcpg
