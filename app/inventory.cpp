#include "app/inventory.h"

#include <map>

namespace tend {

using nlohmann::json;

namespace {

std::map<std::string, std::string> package_map(const json& inventory) {
  std::map<std::string, std::string> out;
  auto it = inventory.find("packages");
  if (it == inventory.end() || !it->is_array()) return out;
  for (const auto& p : *it) {
    if (!p.is_object()) continue;
    auto name = p.find("name");
    auto version = p.find("version");
    if (name == p.end() || !name->is_string()) continue;
    out[name->get<std::string>()] = version != p.end() && version->is_string() ? version->get<std::string>() : "";
  }
  return out;
}

}  // namespace

json inventory_changes(const json& before, const json& after) {
  json out = json::object();
  if (!before.is_object() || !after.is_object()) return out;
  json fields = json::object();
  for (auto& [key, value] : after.items()) {
    if (key == "packages") continue;
    auto old = before.find(key);
    if (old == before.end()) fields[key] = json::array({nullptr, value});
    else if (*old != value) fields[key] = json::array({*old, value});
  }
  for (auto& [key, value] : before.items()) {
    if (key != "packages" && !after.contains(key)) fields[key] = json::array({value, nullptr});
  }
  if (!fields.empty()) out["fields"] = std::move(fields);
  auto old_packages = package_map(before);
  auto new_packages = package_map(after);
  json added = json::array(), removed = json::array(), changed = json::array();
  for (const auto& [name, version] : new_packages) {
    auto it = old_packages.find(name);
    if (it == old_packages.end()) added.push_back({{"name", name}, {"version", version}});
    else if (it->second != version) changed.push_back({{"name", name}, {"from", it->second}, {"to", version}});
  }
  for (const auto& [name, version] : old_packages) {
    if (!new_packages.count(name)) removed.push_back({{"name", name}, {"version", version}});
  }
  if (!added.empty() || !removed.empty() || !changed.empty()) {
    out["packages"] = {{"added", added}, {"removed", removed}, {"changed", changed}};
  }
  return out;
}

rmm::ClassFacts class_facts(const json& inventory) {
  rmm::ClassFacts facts;
  if (!inventory.is_object()) return facts;
  if (auto it = inventory.find("chassis_type"); it != inventory.end() && it->is_number_integer()) {
    facts.chassis_type = it->get<int>();
  }
  if (auto it = inventory.find("os_name"); it != inventory.end() && it->is_string()) {
    facts.os_name = it->get<std::string>();
  }
  if (auto it = inventory.find("has_desktop"); it != inventory.end() && it->is_boolean()) {
    facts.has_desktop = it->get<bool>();
  }
  return facts;
}

}  // namespace tend
