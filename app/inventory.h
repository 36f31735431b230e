// Reading agent inventory documents (docs/agent-protocol.md, "inventory"):
// what changed between two of them, and the facts that classify a device.
#pragma once

#include <nlohmann/json.hpp>

#include "core/rmm/checks.h"

namespace tend {

// The differences between two inventory documents, or an empty object when
// they are the same: {"fields": {"kernel": [old, new], ...},
// "packages": {"added": [...], "removed": [...], "changed": [{"name", "from",
// "to"}]}}. Lists other than packages compare as a whole. `before` may be
// null (first inventory): then nothing is reported as changed.
nlohmann::json inventory_changes(const nlohmann::json& before, const nlohmann::json& after);

// Chassis type, OS name and whether a desktop is installed.
rmm::ClassFacts class_facts(const nlohmann::json& inventory);

}  // namespace tend
