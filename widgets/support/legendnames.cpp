#include "support/legendnames.h"

#include "ipcpg/mechanismregistry.h"
#include "support/qtconversions.h"

namespace ipcpg {

namespace {

bool isDefault(const Mechanism* mechanism, const std::string& option, const std::string& value)
{
    if (!mechanism)
        return false;
    for (const OptionSpec& declared : mechanism->info().options) {
        if (declared.name == option)
            return declared.defaultValue == value;
    }
    return false;
}

} // namespace

QStringList legendNames(const QList<RunSpec>& specs)
{
    QStringList names;
    for (const RunSpec& spec : specs) {
        const Mechanism* mechanism = MechanismRegistry::instance().find(spec.mechanism);
        QString name = toQString(spec.mechanism);
        for (const auto& [option, value] : spec.options) {
            if (!isDefault(mechanism, option, value))
                name += QLatin1Char(' ') + toQString(option) + QLatin1Char('=') + toQString(value);
        }
        names << name;
    }
    return names;
}

} // namespace ipcpg
