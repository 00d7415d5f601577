#include "views/exporter.h"

#include <QBuffer>
#include <QImage>
#include <QPainter>
#include <QSaveFile>
#include <QSvgGenerator>
#include <QWidget>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "models/runrecording.h"

namespace ipcpg::exporting {

namespace {

constexpr qreal kPngScale = 2.0;

nlohmann::json seriesJson(const RunRecording& recording)
{
    static const std::pair<RunRecording::Metric, const char*> names[] = {
        { RunRecording::MessagesPerSecond, "msgs_per_s" },
        { RunRecording::BytesPerSecond, "bytes_per_s" },
        { RunRecording::LatencyP50, "latency_p50_ns" },
        { RunRecording::LatencyP99, "latency_p99_ns" },
        { RunRecording::LatencyP999, "latency_p999_ns" },
        { RunRecording::SyncErrorsPerSecond, "sync_errors_per_s" },
        { RunRecording::SyncErrorsTotal, "sync_errors" },
        { RunRecording::LostTotal, "lost" },
        { RunRecording::IntegrityErrorsTotal, "integrity_errors" },
        { RunRecording::CpuNsPerMessage, "cpu_ns_per_message" },
        { RunRecording::SwitchesPerMessage, "context_switches_per_message" },
        { RunRecording::SlowestMemberP50, "slowest_member_p50_ns" },
        { RunRecording::SlowestMemberP99, "slowest_member_p99_ns" },
        { RunRecording::FastestMemberP50, "fastest_member_p50_ns" },
        { RunRecording::FastestMemberP99, "fastest_member_p99_ns" },
    };
    // A pair run has no members: its series stay what they were before fan-out existed.
    const bool hub = recording.spec().topology != Topology::Pair;
    nlohmann::json series = nlohmann::json::object();
    for (const auto& [metric, name] : names) {
        if (!hub && metric >= RunRecording::SlowestMemberP50)
            continue;
        nlohmann::json points = nlohmann::json::array();
        for (const QPointF& point : recording.points(metric))
            points.push_back({ point.x(), point.y() });
        series[name] = std::move(points);
    }
    return series;
}

std::string number(double value)
{
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%.6g", value); // as core's csvRow() writes its numbers
    return buffer;
}

// The members table of a fan-out or fan-in: a header and one line per member, in the units and
// number format of the run's own line.
std::string membersCsv(const RunResult& result)
{
    std::string text = "role,index,messages,lost,integrity_errors,latency_min_ns,latency_mean_ns,latency_p50_ns,"
                       "latency_p90_ns,latency_p99_ns,latency_p999_ns,latency_max_ns,cpu_user_s,cpu_sys_s,"
                       "voluntary_switches,involuntary_switches,slowest,fastest\n";
    const MemberReport* slowest = result.slowestMember();
    const MemberReport* fastest = result.fastestMember();
    for (const MemberReport& m : result.members) {
        const LatencySummary& l = m.latencyNs;
        text += m.role + "," + std::to_string(m.index) + "," + std::to_string(m.messages) + "," + std::to_string(m.lost)
            + "," + std::to_string(m.integrityErrors) + "," + number(l.min) + "," + number(l.mean) + "," + number(l.p50)
            + "," + number(l.p90) + "," + number(l.p99) + "," + number(l.p999) + "," + number(l.max) + ","
            + number(m.userS) + "," + number(m.sysS) + "," + std::to_string(m.voluntarySwitches) + ","
            + std::to_string(m.involuntarySwitches) + "," + (&m == slowest ? "1" : "0") + ","
            + (&m == fastest ? "1" : "0") + "\n";
    }
    return text;
}

std::string resultsCsv(const QList<RunResult>& results)
{
    std::string text = csvHeader() + "\n";
    for (const RunResult& result : results)
        text += csvRow(result) + "\n";
    return text;
}

} // namespace

bool writeBytes(const QByteArray& bytes, const QString& path, QString* error)
{
    // QSaveFile: a failed export never leaves a half-written file in place of a good one.
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit()) {
        if (error)
            *error = QObject::tr("Cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}

bool writePng(QWidget* widget, const QString& path, QString* error)
{
    QImage image((QSizeF(widget->size()) * kPngScale).toSize(), QImage::Format_ARGB32_Premultiplied);
    image.setDevicePixelRatio(kPngScale);
    image.fill(widget->palette().color(QPalette::Window));
    {
        QPainter painter(&image);
        painter.setRenderHint(QPainter::Antialiasing);
        painter.setRenderHint(QPainter::TextAntialiasing);
        widget->render(&painter);
    }
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || !image.save(&file, "PNG") || !file.commit()) {
        if (error)
            *error = QObject::tr("Cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}

bool writeSvg(QWidget* widget, const QString& path, const QString& title, QString* error)
{
    // QSvgGenerator writes while painting; render into memory first so a failure leaves nothing.
    QByteArray svg;
    QBuffer buffer(&svg);
    buffer.open(QIODevice::WriteOnly);
    QSvgGenerator generator;
    generator.setOutputDevice(&buffer);
    generator.setSize(widget->size());
    generator.setViewBox(QRect(QPoint(0, 0), widget->size()));
    generator.setTitle(title);
    generator.setDescription(QObject::tr("Exported from IPC Playground"));
    {
        QPainter painter(&generator);
        painter.fillRect(QRect(QPoint(0, 0), widget->size()), widget->palette().color(QPalette::Window));
        widget->render(&painter);
    }
    buffer.close();
    return writeBytes(svg, path, error);
}

bool writeRunJson(const RunRecording& recording, const QString& path, QString* error)
{
    if (!recording.result()) {
        if (error)
            *error = QObject::tr("There is no finished run to export yet.");
        return false;
    }
    nlohmann::json json = *recording.result();
    json["series"] = seriesJson(recording);
    return writeBytes(QByteArray::fromStdString(json.dump(2)), path, error);
}

bool writeRunCsv(const RunResult& result, const QString& path, QString* error)
{
    // The run's line comes first, exactly as ipcpg --format csv writes it, so readers of that
    // format read this file's first two lines unchanged; a fan-out's or fan-in's members follow
    // after an empty line, as a table of their own.
    std::string text = resultsCsv({ result });
    if (!result.members.empty())
        text += "\n" + membersCsv(result);
    return writeBytes(QByteArray::fromStdString(text), path, error);
}

bool writeResultsJson(const QList<RunResult>& results, const QString& path, QString* error)
{
    nlohmann::json list = nlohmann::json::array();
    for (const RunResult& result : results)
        list.push_back(result);
    return writeBytes(QByteArray::fromStdString(list.dump(2)), path, error);
}

bool writeResultsCsv(const QList<RunResult>& results, const QString& path, QString* error)
{
    return writeBytes(QByteArray::fromStdString(resultsCsv(results)), path, error);
}

} // namespace ipcpg::exporting
