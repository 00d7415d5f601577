#include "ipcpg/comparepresets.h"

#include <algorithm>
#include <map>

#include "ipcpg/mechanismregistry.h"

namespace ipcpg {

namespace {

void addOnce(std::vector<std::string>& items, const std::string& item)
{
    if (std::find(items.begin(), items.end(), item) == items.end())
        items.push_back(item);
}

// Every framework, and every kernel mechanism one of them is built on, in the registry's order;
// each framework option that selects what is beneath becomes a list of all its values.
ComparePreset frameworksPreset()
{
    ComparePreset preset { "frameworks", "Frameworks against the kernel beneath them",
        "Each framework over each kernel mechanism it can use, beside that mechanism on its own: the "
        "difference is what the framework's patterns, marshalling and queues cost.",
        {}, {} };
    std::vector<std::string> wanted;
    std::map<std::string, std::vector<std::string>> values;
    for (const Mechanism* mechanism : MechanismRegistry::instance().all()) {
        for (const BuiltOn& beneath : mechanism->info().builtOn) {
            addOnce(wanted, mechanism->info().id);
            addOnce(wanted, beneath.mechanism);
            for (const auto& [name, value] : beneath.options)
                addOnce(values[name], value);
        }
    }
    for (const Mechanism* mechanism : MechanismRegistry::instance().all()) {
        if (std::find(wanted.begin(), wanted.end(), mechanism->info().id) != wanted.end())
            preset.mechanisms.push_back(mechanism->info().id);
    }
    for (const auto& [name, list] : values) {
        std::string joined;
        for (const std::string& value : list)
            joined += (joined.empty() ? "" : ",") + value;
        preset.options[name] = joined;
    }
    return preset;
}

} // namespace

std::vector<ComparePreset> comparePresets()
{
    std::vector<ComparePreset> presets;
    if (ComparePreset frameworks = frameworksPreset(); !frameworks.mechanisms.empty())
        presets.push_back(std::move(frameworks));
    return presets;
}

const ComparePreset* findComparePreset(const std::string& id, std::string* known)
{
    static const std::vector<ComparePreset> presets = comparePresets();
    if (known) {
        known->clear();
        for (const ComparePreset& preset : presets)
            *known += (known->empty() ? "" : ", ") + preset.id;
    }
    const auto found
        = std::find_if(presets.begin(), presets.end(), [&](const ComparePreset& preset) { return preset.id == id; });
    return found == presets.end() ? nullptr : &*found;
}

} // namespace ipcpg
