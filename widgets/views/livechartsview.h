#pragma once

#include <QList>
#include <QTimer>
#include <QWidget>

#include "models/runrecording.h"
#include "views/exportableview.h"

class QGridLayout;
class QHBoxLayout;
class QLineSeries;
class QSortFilterProxyModel;
class QTableView;

namespace ipcpg {

class HistogramChart;
class MembersModel;
class TimeSeriesChart;

// The live view of a run: throughput, latency percentiles, errors, CPU cost per message and the
// latency histogram. Samples go into a RunRecording (bounded memory); a timer at kRefreshHz
// copies it into the charts with one replace() per series, so the redraw rate is fixed however
// fast samples arrive, and an idle view costs nothing. A fan-out or fan-in run adds what its
// totals hide: the slowest and the fastest member's latency on the latency chart and a table of
// every member beside the histogram; a pair run shows neither.
class LiveChartsView : public QWidget, public ExportableView {
    Q_OBJECT

public:
    static constexpr int kRefreshHz = 15;
    // While live, the histogram is redrawn at every second paced refresh. It shows the whole
    // run, so it changes slowly, and it was a third of the cost of a refresh.
    static constexpr int kHistogramEvery = 2;

    explicit LiveChartsView(QWidget* parent = nullptr);

    QWidget* exportedChart() override;
    bool exportData(DataFormat format, const QString& path, QString* error) const override;

    void reset(const RunSpec& spec);
    void addSample(const SampleMessage& sample);
    void setLive(bool live);
    const RunRecording& recording() const { return m_recording; }
    void setRecording(const RunRecording& recording); // shows a saved run
    // Saved runs drawn as dashed lines under the current one.
    void setOverlays(const QList<RunRecording>& recordings);

    // A widget shown beside the histogram (the main window puts the run's final numbers there).
    void setSideWidget(QWidget* widget);

    // Copies the recording into the charts now (the timer does this while live).
    void refresh() { refreshCharts(true); }

    TimeSeriesChart* throughputChart() const { return m_throughput; }
    TimeSeriesChart* latencyChart() const { return m_latency; }
    TimeSeriesChart* errorsChart() const { return m_errors; }
    TimeSeriesChart* costChart() const { return m_cost; }
    HistogramChart* histogramChart() const { return m_histogram; }
    QLineSeries* messagesSeries() const;
    QLineSeries* p50Series() const;
    QLineSeries* syncErrorsSeries() const;
    // The latency chart's member series (hidden for pair runs).
    QLineSeries* slowestP99Series() const;
    QLineSeries* fastestP99Series() const;
    MembersModel* membersModel() const { return m_members; }
    QTableView* membersView() const { return m_membersView; }
    int refreshCount() const { return m_refreshes; }

signals:
    void refreshed();

protected:
    void changeEvent(QEvent* event) override;

private:
    void buildCharts();
    QWidget* buildMembersTable();
    void buildGrid();
    void showKindOfRun(const RunSpec& spec);
    void refreshCharts(bool withHistogram);
    void refreshMembers();

    RunRecording m_recording;
    QList<RunRecording> m_overlays;
    bool m_dirty = false;
    int m_refreshes = 0;
    int m_pacedRefreshes = 0;
    QTimer m_timer;
    TimeSeriesChart* m_throughput = nullptr;
    TimeSeriesChart* m_latency = nullptr;
    TimeSeriesChart* m_errors = nullptr;
    TimeSeriesChart* m_cost = nullptr;
    HistogramChart* m_histogram = nullptr;
    MembersModel* m_members = nullptr;
    QSortFilterProxyModel* m_sortedMembers = nullptr;
    QTableView* m_membersView = nullptr;
    QGridLayout* m_grid = nullptr;
    QHBoxLayout* m_bottomRow = nullptr; // histogram, members table (hub runs), side widget
};

} // namespace ipcpg
