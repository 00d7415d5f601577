#pragma once

#include <QList>
#include <QString>

#include "ipcpg/runresult.h"

class QWidget;

namespace ipcpg {

class RunRecording;

// Writing what the user sees to files: charts as PNG (twice the on-screen resolution, for
// slides) and SVG (vector), data as JSON and CSV in README.md's shape. Each returns false and sets
// `error` to a sentence naming the file and the cause when it cannot write.
namespace exporting {

bool writePng(QWidget* widget, const QString& path, QString* error);
bool writeSvg(QWidget* widget, const QString& path, const QString& title, QString* error);
// One run: the run object of packaging/man/ipcpg.1.in (with its "members" for a fan-out or
// fan-in), plus its time series under "series".
bool writeRunJson(const RunRecording& recording, const QString& path, QString* error);
// One run: ipcpg's CSV header and line; for a fan-out or fan-in then an empty line and the
// members table (role, index, messages, lost, integrity errors, latency, CPU, slowest, fastest).
bool writeRunCsv(const RunResult& result, const QString& path, QString* error);
// Several runs (a comparison): a JSON array of run objects, or one CSV row each.
bool writeResultsJson(const QList<RunResult>& results, const QString& path, QString* error);
bool writeResultsCsv(const QList<RunResult>& results, const QString& path, QString* error);
bool writeBytes(const QByteArray& bytes, const QString& path, QString* error);

} // namespace exporting

} // namespace ipcpg
