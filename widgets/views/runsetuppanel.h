#pragma once

#include <QMap>
#include <QWidget>

#include "ipcpg/frontendrules.h"
#include "ipcpg/runspec.h"

class QComboBox;
class QDoubleSpinBox;
class QSpinBox;
class QFormLayout;
class QLabel;
class QTextBrowser;
class QPushButton;

namespace ipcpg {

struct MechanismInfo;

// Where the user sets up a run: mechanism (from the registry), its options, message size, mode,
// topology (pairs, a fan-out to subscribers, a fan-in from publishers), offered rate, duration
// and placement. What the registry would refuse (a size the mechanism cannot take, a topology it
// does not support, a rate that is not one) is refused here, with the reason, before anything
// starts.
class RunSetupPanel : public QWidget {
    Q_OBJECT

public:
    explicit RunSetupPanel(QWidget* parent = nullptr);

    RunSpec spec() const;
    void setSpec(const RunSpec& spec);
    void setRunning(bool running);

    // Empty when the current set-up can run; otherwise why not.
    QString problem() const { return m_problem; }

    QComboBox* mechanismBox() const { return m_mechanism; }
    QComboBox* sizeBox() const { return m_size; }
    QComboBox* modeBox() const { return m_mode; }
    QDoubleSpinBox* durationBox() const { return m_duration; }
    QSpinBox* messagesBox() const { return m_messages; }
    QSpinBox* workersBox() const { return m_workers; }
    QComboBox* topologyBox() const { return m_topology; }
    QSpinBox* subscribersBox() const { return m_subscribers; }
    QSpinBox* publishersBox() const { return m_publishers; }
    QComboBox* rateBox() const { return m_rate; }
    QLabel* problemLabel() const { return m_problemLabel; }
    QPushButton* startButton() const { return m_start; }
    QString descriptionText() const;

signals:
    void startRequested(const ipcpg::RunSpec& spec);
    void stopRequested();

private:
    void buildMechanismControls(QFormLayout* form);
    void buildSizeControls(QFormLayout* form);
    void buildModeControls(QFormLayout* form);
    void buildTopologyControls(QFormLayout* form);
    void buildRateControls(QFormLayout* form);
    void buildLengthControls(QFormLayout* form);
    void buildPlacementControls(QFormLayout* form);
    void buildProblemLabel(QFormLayout* form);
    QWidget* buildStartButton();
    QWidget* buildDescription();
    void mechanismChanged();
    void rebuildOptions();
    void adjustSizeToLimits();
    void describeTopologies(const MechanismInfo& info);
    void applyTopology();
    Topology topology() const;
    // The typed or chosen rate in messages per second (0: off), or why the text is not one.
    Parsed<double> rate() const;
    void validate();

    QComboBox* m_mechanism = nullptr;
    QTextBrowser* m_description = nullptr;
    QFormLayout* m_optionsForm = nullptr;
    QMap<QString, QComboBox*> m_optionBoxes;
    QComboBox* m_size = nullptr;
    QComboBox* m_mode = nullptr;
    QComboBox* m_topology = nullptr;
    QSpinBox* m_subscribers = nullptr;
    QSpinBox* m_publishers = nullptr;
    QComboBox* m_rate = nullptr;
    QComboBox* m_limit = nullptr;
    QDoubleSpinBox* m_duration = nullptr;
    QSpinBox* m_messages = nullptr;
    QSpinBox* m_workers = nullptr;
    QComboBox* m_placement = nullptr;
    QFormLayout* m_form = nullptr;
    QLabel* m_problemLabel = nullptr;
    QPushButton* m_start = nullptr;
    bool m_running = false;
    QString m_problem;
};

} // namespace ipcpg
