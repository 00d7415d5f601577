#pragma once

#include <QAbstractTableModel>
#include <QList>
#include <optional>

#include "ipcpg/runresult.h"

namespace ipcpg {

// The final numbers of a run as a two-column table (what, value), for the results panel.
class ResultsModel : public QAbstractTableModel {
    Q_OBJECT

public:
    explicit ResultsModel(QObject* parent = nullptr);

    void setResult(const RunResult& result);
    void clear();
    const std::optional<RunResult>& result() const { return m_result; }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    struct Row {
        QString name;
        QString value;
        QString tip;
        bool alarm = false;
    };
    std::optional<RunResult> m_result;
    QList<Row> m_rows;
};

} // namespace ipcpg
