#pragma once

class QTableView;
class QWidget;

namespace ipcpg {

class SweepResultsModel;

// The shape every page of the Compare tab shares, so they read alike.

// `page`'s layout: its set-up on the left; on the right the chart above the results table.
void layOutComparePage(QWidget* page, QWidget* setup, QWidget* chart, QWidget* table);
// A table of `results` that sorts by value when a header is clicked, rows first in the order the
// runs came. The proxy that sorts belongs to the table.
QTableView* createResultsTable(SweepResultsModel* results);

} // namespace ipcpg
