#include "views/setupfields.h"

#include <QComboBox>
#include <QCoreApplication>
#include <QDoubleSpinBox>
#include <QLineEdit>
#include <QRegularExpression>

#include "support/qtconversions.h"

namespace ipcpg {

namespace {

QString tr(const char* text) { return QCoreApplication::translate("SetupFields", text); }

} // namespace

QComboBox* createModeChoice(Mode initial)
{
    auto* mode = new QComboBox;
    mode->addItem(tr("Ping-pong"), toQString(toString(Mode::PingPong)));
    mode->addItem(tr("Stream"), toQString(toString(Mode::Stream)));
    mode->setCurrentIndex(mode->findData(toQString(toString(initial))));
    mode->setToolTip(tr("Ping-pong measures round trips; stream measures throughput and one-way latency"));
    return mode;
}

Mode selectedMode(const QComboBox* choice)
{
    return parseMode(choice->currentData().toString().toStdString()).value_or(Mode::PingPong);
}

QDoubleSpinBox* createDurationField(double seconds)
{
    auto* duration = new QDoubleSpinBox;
    duration->setRange(0.1, 60);
    duration->setValue(seconds);
    duration->setSuffix(tr(" s per run"));
    duration->setToolTip(tr("Measured time of each run, after its warm-up"));
    return duration;
}

QComboBox* createPlacementChoice()
{
    auto* placement = new QComboBox;
    placement->addItem(tr("unpinned"), toQString(toString(Placement::Unpinned)));
    placement->addItem(tr("same core"), toQString(toString(Placement::SameCore)));
    placement->addItem(tr("cross core"), toQString(toString(Placement::CrossCore)));
    placement->setToolTip(tr("Where the processes run: where the scheduler puts them, all on one CPU, or spread"));
    return placement;
}

Placement selectedPlacement(const QComboBox* choice)
{
    return parsePlacement(choice->currentData().toString().toStdString()).value_or(Placement::Unpinned);
}

QLineEdit* createOptionsField()
{
    auto* options = new QLineEdit;
    options->setPlaceholderText(tr("e.g. copy=zero-copy sync=futex"));
    options->setToolTip(tr("Mechanism options NAME=VALUE, separated by spaces; each applies to the mechanisms that "
                           "have it (see ipcpg list). NAME=A,B runs each value in turn"));
    return options;
}

void readOptions(const QLineEdit* field, MechanismOptions& options, QStringList& reasons)
{
    // Items are separated by spaces, or by commas before a NAME=: "sync=spin,futex" is one item
    // whose value is a list (planSweep runs each value), "copy=zero-copy,sync=futex" two items.
    static const QRegularExpression separators(QStringLiteral("\\s+|,(?=[^,=\\s]+=)"));
    for (const QString& item : field->text().split(separators, Qt::SkipEmptyParts)) {
        const auto equals = item.indexOf(QLatin1Char('='));
        if (equals <= 0 || equals + 1 == item.size()) {
            reasons << tr("option \"%1\" is not NAME=VALUE").arg(item);
            continue;
        }
        options[item.left(equals).toStdString()] = item.mid(equals + 1).toStdString();
    }
}

} // namespace ipcpg
