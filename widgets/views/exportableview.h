#pragma once

#include <QString>

class QWidget;

namespace ipcpg {

enum class DataFormat { Json, Csv };

// A tab that exports itself. The File menu's exports ask the current tab, whatever it is, so a new
// tab brings its own export and MainWindow needs no branch for it.
class ExportableView {
public:
    virtual ~ExportableView() = default;

    // The widget PNG and SVG exports draw.
    virtual QWidget* exportedChart() = 0;
    // Writes the tab's data. False with `error` set to a sentence when there is nothing to export
    // yet or the tab has no data in `format`.
    virtual bool exportData(DataFormat format, const QString& path, QString* error) const = 0;
};

} // namespace ipcpg
