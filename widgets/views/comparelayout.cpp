#include "views/comparelayout.h"

#include <QCoreApplication>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTableView>

#include "models/sweepresultsmodel.h"

namespace ipcpg {

void layOutComparePage(QWidget* page, QWidget* setup, QWidget* chart, QWidget* table)
{
    auto* right = new QSplitter(Qt::Vertical);
    right->addWidget(chart);
    right->addWidget(table);
    right->setStretchFactor(0, 3);
    right->setStretchFactor(1, 2);
    auto* main = new QSplitter(Qt::Horizontal);
    main->addWidget(setup);
    main->addWidget(right);
    main->setStretchFactor(1, 1);
    auto* layout = new QHBoxLayout(page);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(main);
}

QTableView* createResultsTable(SweepResultsModel* results)
{
    auto* table = new QTableView;
    auto* sorted = new QSortFilterProxyModel(table);
    sorted->setSourceModel(results);
    sorted->setSortRole(SweepResultsModel::kSortRole);
    table->setModel(sorted);
    table->setSortingEnabled(true);
    // Rows start in the order the runs came (the registry's); a click on a header sorts.
    table->horizontalHeader()->setSortIndicator(-1, Qt::AscendingOrder);
    sorted->sort(-1);
    table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    table->verticalHeader()->hide();
    table->setToolTip(QCoreApplication::translate("CompareLayout", "Click a column header to sort by it"));
    return table;
}

} // namespace ipcpg
