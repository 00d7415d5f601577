#pragma once

#include <QWidget>

#include "ipcpg/runresult.h"
#include "views/exportableview.h"

class QChartView;
class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLayout;
class QLineEdit;
class QProgressBar;

namespace ipcpg {

class MechanismCheckList;
class SweepController;
class SweepProgressPanel;
class SweepResultsModel;

// Compare mechanisms side by side: a sweep over the chosen mechanisms x sizes x placements, run
// one after the other with a progress bar and Cancel, ending in a grouped bar chart (one group
// per size, one bar per mechanism) and a sortable table of percentiles and throughput.
class CompareView : public QWidget, public ExportableView {
    Q_OBJECT

public:
    explicit CompareView(QWidget* parent = nullptr);

    QWidget* exportedChart() override;
    bool exportData(DataFormat format, const QString& path, QString* error) const override;

    // The runs the current choices stand for, in order; refused pairs are left out and listed in
    // `skipped` with the reason.
    QList<RunSpec> plan(QStringList* skipped = nullptr) const;
    void setMechanisms(const QStringList& ids);
    // NAME=VALUE items for the runs, as typed in the Options field ("transport=ipc,tcp").
    void setOptions(const QString& options);
    QString options() const;
    // Ticks a preset's mechanisms and fills in its options (comparePresets()); false for an id
    // this build does not have.
    bool applyPreset(const QString& id);
    void setSizes(const QString& sizes);
    void setDuration(double seconds);
    void setMode(Mode mode);
    void setPlacements(const QList<Placement>& placements);
    void startSweep();
    void cancelSweep();

    SweepController* sweep() const { return m_sweep; }
    SweepResultsModel* resultsModel() const { return m_results; }
    QWidget* chartWidget() const;
    QProgressBar* progressBar() const;

signals:
    void sweepFinished(bool cancelled);

protected:
    void changeEvent(QEvent* event) override;

private:
    QWidget* buildSetup();
    QLayout* buildPlacementChoices();
    QWidget* buildChart();
    void onSweepFinished(bool cancelled);
    void rebuildChart();
    void updateButtons();

    QComboBox* m_preset = nullptr;
    bool m_applyingPreset = false;
    MechanismCheckList* m_mechanisms = nullptr;
    QLineEdit* m_options = nullptr;
    QLineEdit* m_sizes = nullptr;
    QCheckBox* m_unpinned = nullptr;
    QCheckBox* m_sameCore = nullptr;
    QCheckBox* m_crossCore = nullptr;
    QComboBox* m_mode = nullptr;
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
