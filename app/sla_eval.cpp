#include "app/sla_eval.h"

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/calendar.h"
#include "core/time.h"

namespace tend {
namespace {

using nlohmann::json;

constexpr size_t kMaxCases = 100'000;
constexpr size_t kMaxPausesPerCase = 10'000;
constexpr size_t kMaxMessagesShown = 10;

// Collects field problems with a display path (which may name a case id) and
// the stable field path.
class Problems {
 public:
  void add(std::string field, std::string display, std::string message) {
    lines_.push_back(display + ": " + message);
    fields_.push_back({std::move(field), std::move(message)});
  }
  bool empty() const { return fields_.empty(); }
  bool has(const std::string& field) const {
    for (const auto& f : fields_) {
      if (f.field == field) return true;
    }
    return false;
  }
  Error error() && {
    std::string message;
    for (size_t i = 0; i < lines_.size() && i < kMaxMessagesShown; ++i) {
      if (i > 0) message += "; ";
      message += lines_[i];
    }
    if (lines_.size() > kMaxMessagesShown) {
      message += "; and " + std::to_string(lines_.size() - kMaxMessagesShown) + " more";
    }
    return Error::invalid(std::move(message), std::move(fields_));
  }

 private:
  std::vector<std::string> lines_;
  std::vector<FieldError> fields_;
};

std::string type_name(const json& value) { return value.type_name(); }

// Reads a calendar object into a spec; type problems are reported under
// `prefix` ("calendars.office").
CalendarSpec read_calendar_spec(const json& value, const std::string& prefix, Problems& problems) {
  CalendarSpec spec;
  auto report = [&](const std::string& field, const std::string& message) {
    problems.add(prefix + "." + field, prefix + "." + field, message);
  };
  if (!value.is_object()) {
    problems.add(prefix, prefix, "must be an object, not " + type_name(value));
    return spec;
  }
  if (auto it = value.find("time_zone"); it == value.end() || !it->is_string()) {
    report("time_zone", "is required: a string such as \"Europe/Amsterdam\"");
  } else {
    spec.time_zone = it->get<std::string>();
  }
  if (auto it = value.find("hours"); it != value.end()) {
    if (!it->is_object()) {
      report("hours", "must be an object keyed by weekday (\"mon\" ... \"sun\")");
    } else {
      for (const auto& [day, windows] : it->items()) {
        auto& list = spec.hours[day];
        if (!windows.is_array()) {
          report("hours." + day, "must be a list of [\"HH:MM\", \"HH:MM\"] windows");
          continue;
        }
        for (size_t i = 0; i < windows.size(); ++i) {
          const json& w = windows[i];
          if (!w.is_array() || w.size() != 2 || !w[0].is_string() || !w[1].is_string()) {
            report("hours." + day + "[" + std::to_string(i) + "]",
                   "must be a pair of times [\"HH:MM\", \"HH:MM\"]");
            list.push_back({"", ""});  // keeps the indexes of later windows
            continue;
          }
          list.push_back({w[0].get<std::string>(), w[1].get<std::string>()});
        }
      }
    }
  }
  if (auto it = value.find("holidays"); it != value.end()) {
    if (!it->is_array()) {
      report("holidays", "must be a list of dates \"YYYY-MM-DD\"");
    } else {
      for (size_t i = 0; i < it->size(); ++i) {
        const json& h = (*it)[i];
        if (!h.is_string()) {
          report("holidays[" + std::to_string(i) + "]", "must be a date string \"YYYY-MM-DD\"");
          spec.holidays.push_back("");
          continue;
        }
        spec.holidays.push_back(h.get<std::string>());
      }
    }
  }
  return spec;
}

struct Case {
  std::string id;
  std::optional<std::string> calendar;
  Instant start;
  int64_t minutes = 0;
  std::vector<Interval> pauses;
};

}  // namespace

Result<json> evaluate_sla_cases(const json& input) {
  if (!input.is_object()) {
    return std::unexpected(
        Error::invalid("the input must be a JSON object with \"calendars\" and \"cases\""));
  }
  Problems problems;

  // Calendars.
  std::map<std::string, BusinessCalendar> calendars;
  if (auto it = input.find("calendars"); it != input.end() && !it->is_null()) {
    if (!it->is_object()) {
      problems.add("calendars", "calendars", "must be an object keyed by calendar name");
    } else {
      for (const auto& [name, value] : it->items()) {
        std::string prefix = "calendars." + name;
        CalendarSpec spec = read_calendar_spec(value, prefix, problems);
        if (!value.is_object()) continue;
        auto calendar = BusinessCalendar::create(spec);
        if (!calendar) {
          for (const auto& field : calendar.error().fields) {
            // A window or holiday already reported as the wrong JSON type
            // shows up again as malformed text; report it once.
            std::string path = prefix + "." + field.field;
            if (!problems.has(path)) problems.add(path, path, field.message);
          }
          continue;
        }
        calendars.emplace(name, std::move(*calendar));
      }
    }
  }

  // Cases.
  auto cases_it = input.find("cases");
  if (cases_it == input.end() || !cases_it->is_array()) {
    problems.add("cases", "cases", "is required: a list of cases");
    return std::unexpected(std::move(problems).error());
  }
  if (cases_it->size() > kMaxCases) {
    return std::unexpected(Error::too_large("at most " + std::to_string(kMaxCases) + " cases per file"));
  }
  std::vector<Case> cases;
  std::set<std::string> seen_ids;
  for (size_t index = 0; index < cases_it->size(); ++index) {
    const json& value = (*cases_it)[index];
    std::string path = "cases[" + std::to_string(index) + "]";
    std::string display = path;
    if (value.is_object()) {
      if (auto id = value.find("id"); id != value.end() && id->is_string()) {
        display += " (id \"" + id->get<std::string>() + "\")";
      }
    }
    auto report = [&](const std::string& field, const std::string& message) {
      problems.add(path + "." + field, display + "." + field, message);
    };
    if (!value.is_object()) {
      problems.add(path, display, "must be an object, not " + type_name(value));
      continue;
    }
    Case c;
    if (auto it = value.find("id"); it == value.end() || !it->is_string() || it->get<std::string>().empty()) {
      report("id", "is required: a non-empty string");
    } else {
      c.id = it->get<std::string>();
      if (!seen_ids.insert(c.id).second) report("id", "\"" + c.id + "\" is used by an earlier case");
    }
    if (auto it = value.find("calendar"); it != value.end() && !it->is_null()) {
      if (!it->is_string()) {
        report("calendar", "must be a calendar name or null (24x7)");
      } else {
        c.calendar = it->get<std::string>();
        auto known = input.find("calendars");
        bool defined = known != input.end() && known->is_object() && known->contains(*c.calendar);
        if (!defined) report("calendar", "\"" + *c.calendar + "\" is not defined in \"calendars\"");
      }
    }
    if (auto it = value.find("start"); it == value.end() || !it->is_string()) {
      report("start", "is required: an RFC 3339 time such as 2026-12-24T15:00:00Z");
    } else if (auto start = parse_rfc3339(it->get<std::string>()); !start) {
      report("start", start.error().message);
    } else {
      c.start = *start;
    }
    if (auto it = value.find("minutes"); it == value.end() || !it->is_number_integer()) {
      report("minutes", "is required: a whole number of business minutes");
    } else if (it->is_number_unsigned()
                   ? it->get<uint64_t>() > static_cast<uint64_t>(kMaxBudgetMinutes)
                   : (it->get<int64_t>() < 0 || it->get<int64_t>() > kMaxBudgetMinutes)) {
      report("minutes", "must be between 0 and " + std::to_string(kMaxBudgetMinutes));
    } else {
      c.minutes = it->get<int64_t>();
    }
    if (auto it = value.find("pauses"); it != value.end() && !it->is_null()) {
      if (!it->is_array()) {
        report("pauses", "must be a list of {\"from\": ..., \"to\": ...}");
      } else if (it->size() > kMaxPausesPerCase) {
        report("pauses", "at most " + std::to_string(kMaxPausesPerCase) + " pauses per case");
      } else {
        for (size_t p = 0; p < it->size(); ++p) {
          const json& pause = (*it)[p];
          std::string field = "pauses[" + std::to_string(p) + "]";
          if (!pause.is_object()) {
            report(field, "must be an object {\"from\": ..., \"to\": ...}");
            continue;
          }
          std::optional<Instant> bounds[2];
          const char* names[2] = {"from", "to"};
          for (int k = 0; k < 2; ++k) {
            auto b = pause.find(names[k]);
            if (b == pause.end() || !b->is_string()) {
              report(field + "." + names[k], "is required: an RFC 3339 time");
            } else if (auto t = parse_rfc3339(b->get<std::string>()); !t) {
              report(field + "." + names[k], t.error().message);
            } else {
              bounds[k] = *t;
            }
          }
          if (bounds[0] && bounds[1]) {
            if (*bounds[1] < *bounds[0]) {
              report(field + ".to", "ends before the pause starts");
            } else {
              c.pauses.push_back({*bounds[0], *bounds[1]});
            }
          }
        }
      }
    }
    cases.push_back(std::move(c));
  }
  if (!problems.empty()) return std::unexpected(std::move(problems).error());

  json results = json::array();
  const Instant latest = from_unix_ms(253402300799999);  // 9999-12-31T23:59:59.999Z
  for (size_t index = 0; index < cases.size(); ++index) {
    const Case& c = cases[index];
    const BusinessCalendar calendar = c.calendar ? calendars.at(*c.calendar) : BusinessCalendar::always();
    Instant due = calendar.add_business_minutes(c.start, c.minutes, c.pauses);
    if (due > latest) {
      problems.add("cases[" + std::to_string(index) + "].minutes",
                   "cases[" + std::to_string(index) + "] (id \"" + c.id + "\").minutes",
                   "the due time falls after the year 9999");
      continue;
    }
    results.push_back({{"id", c.id}, {"due", format_rfc3339(due)}});
  }
  if (!problems.empty()) return std::unexpected(std::move(problems).error());
  return json{{"results", std::move(results)}};
}

Result<json> evaluate_sla_cases_text(std::string_view text) {
  json input;
  try {
    input = json::parse(text);
  } catch (const json::parse_error& e) {
    return std::unexpected(
        Error::invalid("the input is not valid JSON (at byte " + std::to_string(e.byte) + "): " + e.what()));
  }
  return evaluate_sla_cases(input);
}

}  // namespace tend
