// The device registry as values: enrollment tokens, devices, their check
// definitions and states, timeline events and metric history points.
#pragma once

#include <optional>
#include <string>

#include "core/ids.h"
#include "core/rmm/agent_protocol.h"
#include "core/rmm/checks.h"
#include "core/time.h"

namespace tend::rmm {

// Lets an agent register a device at one site. The secret is shown once;
// only its hash is stored. Usable while not revoked, not expired and (when
// max_uses is set) used fewer than max_uses times.
struct EnrollmentToken {
  EnrollmentTokenId id;
  ClientId client_id;
  SiteId site_id;
  std::string prefix;              // the first characters of the secret, to recognise it
  std::optional<int64_t> max_uses;
  int64_t uses = 0;
  Instant expires_at;
  Instant created_at;
  std::optional<Instant> revoked_at;

  // Why the token cannot enroll at `now`, or "" when it can.
  std::string refusal(Instant now) const;
};

// A monitored machine.
struct Device {
  DeviceId id;
  ClientId client_id;
  SiteId site_id;
  std::string name;             // shown in lists; the hostname unless renamed
  std::string hostname;
  std::string machine_id;
  DeviceClass device_class = DeviceClass::workstation;
  bool class_manual = false;    // set by a person: detection no longer changes it
  std::string os_name;
  std::string agent_version;
  Instant enrolled_at;
  std::optional<Instant> revoked_at;
  int64_t checks_version = 1;   // bumped whenever its check definitions change
  Instant created_at;
  Instant updated_at;
};

// The live state of a device, written by ingestion.
struct DeviceStatus {
  int64_t last_seq = 0;
  std::optional<Instant> last_seen_at;
  bool online = false;
  int64_t dropped_total = 0;
  int64_t spooled = 0;
  int64_t failing_checks = 0;
};

// A device with its status, as listed.
struct DeviceRow {
  Device device;
  DeviceStatus status;
};

// The current state of one check of a device.
struct CheckStatus {
  DeviceCheckId check_id;
  CheckState state = CheckState::pass;
  Instant since;                // when this state began
  Instant checked_at;
};

// An entry of a device's timeline: "enrolled", "online", "offline",
// "inventory_changed", "check_state", "spool_dropped", "revoked",
// "class_changed". `details` is a JSON object.
struct DeviceEvent {
  int64_t id = 0;
  DeviceId device_id;
  Instant at;
  std::string kind;
  std::string details = "{}";
};

// One point of a metric history. For raw points count is 1 and
// min = max = avg = the value.
struct MetricPoint {
  Instant at;                   // the sample time, or the bucket start
  double avg = 0;
  double min = 0;
  double max = 0;
  int64_t count = 1;
};

}  // namespace tend::rmm
