#include "core/ticket.h"

#include <algorithm>
#include <set>

#include "core/validation.h"

namespace tend {
namespace {

void check(FieldErrors& errors, const std::string& field, const std::string& message) {
  if (!message.empty()) errors.add(field, message);
}

template <class Enum, size_t N>
Result<Enum> parse_enum(std::string_view text, const std::array<Enum, N>& values, const char* what) {
  std::string accepted;
  for (Enum v : values) {
    if (text == to_string(v)) return v;
    if (!accepted.empty()) accepted += ", ";
    accepted += to_string(v);
  }
  return std::unexpected(
      Error::invalid("'" + std::string(text) + "' is not a " + what + " (one of " + accepted + ")"));
}

}  // namespace

const char* to_string(TicketSource source) {
  switch (source) {
    case TicketSource::portal: return "portal";
    case TicketSource::email: return "email";
    case TicketSource::phone: return "phone";
    case TicketSource::api: return "api";
    case TicketSource::alert: return "alert";
    case TicketSource::schedule: return "schedule";
  }
  return "api";
}

const char* to_string(TicketType type) {
  switch (type) {
    case TicketType::incident: return "incident";
    case TicketType::request: return "request";
    case TicketType::maintenance: return "maintenance";
    case TicketType::alert: return "alert";
  }
  return "incident";
}

const char* to_string(StatusCategory category) {
  switch (category) {
    case StatusCategory::new_: return "new";
    case StatusCategory::open: return "open";
    case StatusCategory::waiting_on_client: return "waiting_on_client";
    case StatusCategory::waiting_on_vendor: return "waiting_on_vendor";
    case StatusCategory::resolved: return "resolved";
    case StatusCategory::closed: return "closed";
  }
  return "open";
}

const char* to_string(NoteVisibility visibility) {
  return visibility == NoteVisibility::public_ ? "public" : "internal";
}

Result<TicketSource> parse_ticket_source(std::string_view text) {
  static constexpr std::array kValues = {TicketSource::portal, TicketSource::email, TicketSource::phone,
                                         TicketSource::api,    TicketSource::alert, TicketSource::schedule};
  return parse_enum(text, kValues, "ticket source");
}

Result<TicketType> parse_ticket_type(std::string_view text) {
  static constexpr std::array kValues = {TicketType::incident, TicketType::request, TicketType::maintenance,
                                         TicketType::alert};
  return parse_enum(text, kValues, "ticket type");
}

Result<StatusCategory> parse_status_category(std::string_view text) {
  return parse_enum(text, kAllStatusCategories, "status category");
}

Result<NoteVisibility> parse_note_visibility(std::string_view text) {
  static constexpr std::array kValues = {NoteVisibility::public_, NoteVisibility::internal};
  return parse_enum(text, kValues, "note visibility");
}

Result<SlaState> parse_sla_state(std::string_view text) {
  static constexpr std::array kValues = {SlaState::ok, SlaState::warning, SlaState::breached, SlaState::paused};
  return parse_enum(text, kValues, "SLA state");
}

bool is_done(StatusCategory category) {
  return category == StatusCategory::resolved || category == StatusCategory::closed;
}

Status validate(const TicketStatus& s) {
  FieldErrors errors;
  check(errors, "name", check_required_text(s.name, 100));
  if (s.position < 0 || s.position > 10000) errors.add("position", "must be between 0 and 10000");
  if (s.pauses_sla && is_done(s.category)) {
    errors.add("pauses_sla", "a resolved or closed status already stops the SLA clocks; it cannot pause them");
  }
  if (s.is_default && (!s.active || (s.category != StatusCategory::new_ && s.category != StatusCategory::open))) {
    errors.add("is_default", "the default status must be active and of category new or open");
  }
  return std::move(errors).status("the status has invalid fields");
}

Status validate(const Queue& q) {
  FieldErrors errors;
  check(errors, "name", check_required_text(q.name, 100));
  check(errors, "description", check_optional_text(q.description, 1000));
  return std::move(errors).status("the queue has invalid fields");
}

Status validate(const SlaCalendarRecord& c) {
  FieldErrors errors;
  check(errors, "name", check_required_text(c.name, 100));
  auto calendar = BusinessCalendar::create(c.spec);
  if (!calendar) {
    for (const auto& f : calendar.error().fields) errors.add(f.field, f.message);
    if (calendar.error().fields.empty()) errors.add("hours", calendar.error().message);
  }
  return std::move(errors).status("the calendar has invalid fields");
}

Status validate(const SlaPolicyRecord& p) {
  FieldErrors errors;
  check(errors, "name", check_required_text(p.name, 100));
  SlaPolicy policy = to_sla_policy(p, std::nullopt);
  if (policy.name.empty()) policy.name = "-";  // reported above
  auto status = validate_sla_policy(policy);
  if (!status) {
    for (const auto& f : status.error().fields) errors.add(f.field, f.message);
  }
  return std::move(errors).status("the SLA policy has invalid fields");
}

SlaPolicy to_sla_policy(const SlaPolicyRecord& record, std::optional<BusinessCalendar> calendar) {
  SlaPolicy policy;
  policy.name = record.name;
  policy.calendar = std::move(calendar);
  policy.targets = record.targets;
  policy.warning_per_mille = record.warning_per_mille;
  return policy;
}

Status validate(const Ticket& t) {
  FieldErrors errors;
  check(errors, "subject", check_required_text(t.subject, 200));
  check(errors, "description", check_optional_text(t.description, 100000));
  if (!t.client_id.valid()) errors.add("client_id", "is required");
  if (t.device_ids.size() > Ticket::kMaxDevices) {
    errors.add("device_ids", "at most " + std::to_string(Ticket::kMaxDevices) + " devices");
  }
  std::set<DeviceId> seen;
  for (size_t i = 0; i < t.device_ids.size(); ++i) {
    std::string field = "device_ids[" + std::to_string(i) + "]";
    if (!t.device_ids[i].valid()) errors.add(field, "must be a positive id");
    else if (!seen.insert(t.device_ids[i]).second) errors.add(field, "is listed twice");
  }
  if (t.checklist.size() > Ticket::kMaxChecklistItems) {
    errors.add("checklist", "at most " + std::to_string(Ticket::kMaxChecklistItems) + " items");
  }
  for (size_t i = 0; i < t.checklist.size(); ++i) {
    check(errors, "checklist[" + std::to_string(i) + "].text", check_required_text(t.checklist[i].text, 500));
  }
  return std::move(errors).status("the ticket has invalid fields");
}

Status validate(const TicketNote& n) {
  FieldErrors errors;
  check(errors, "body", check_required_text(n.body, 100000));
  return std::move(errors).status("the note has invalid fields");
}

}  // namespace tend
