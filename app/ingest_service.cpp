#include "app/ingest_service.h"

#include <charconv>
#include <future>
#include <nlohmann/json.hpp>

#include "app/inventory.h"
#include "app/log.h"
#include "store/rmm_repository.h"
#include "wire/json_writer.h"

namespace tend {

using rmm::CheckinRequest;
using rmm::CheckinResponse;
using rmm::CheckState;
using rmm::DeviceId;
using nlohmann::json;

namespace {

void append_number(std::string& out, double value) {
  char buffer[32];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  out.append(buffer, end);
}

// Check results as stored in agent_samples.checks: a JSON array.
std::string encode_checks(const std::vector<rmm::CheckResult>& checks) {
  if (checks.empty()) return {};
  std::string out;
  wire::JsonWriter w(out);
  w.begin_array();
  for (const auto& c : checks) {
    w.begin_object();
    w.field("id", c.check_id);
    w.field("state", rmm::to_string(c.state));
    w.key("value");
    if (c.value) w.number(*c.value);
    else w.null();
    w.field("output", c.output);
    w.end_object();
  }
  w.end_array();
  return out;
}

std::string event_details(const json& details) { return details.dump(-1, ' ', false, json::error_handler_t::replace); }

}  // namespace

IngestService::IngestService(AppContext context, AgentDirectory& directory)
    : context_(context), directory_(directory) {
  writer_ = std::thread([this] { run_writer(); });
}

IngestService::~IngestService() { stop(); }

void IngestService::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ && !writer_.joinable()) return;
    stopping_ = true;
  }
  wake_.notify_all();
  if (writer_.joinable()) writer_.join();
}

void IngestService::submit(const AgentIdentity& agent, CheckinRequest request, Completion done) {
  size_t records = request.records.size();
  std::unique_lock lock(mutex_);
  if (stopping_ || queue_.size() >= static_cast<size_t>(context_.config.rmm.ingest_queue_max)) {
    bool stopping = stopping_;
    lock.unlock();
    ++stats_.rejected_busy;
    Error error = Error::unavailable(stopping ? "the server is shutting down; retry later"
                                              : "the server is busy storing check-ins; retry later");
    error.retry_after_seconds = 5;
    done(std::unexpected(std::move(error)));
    return;
  }
  queue_.push_back({agent, std::move(request), context_.clock.now(), std::move(done)});
  queued_records_ += records;
  ++stats_.queued;
  lock.unlock();
  wake_.notify_one();
}

Result<CheckinResponse> IngestService::submit_and_wait(const AgentIdentity& agent, CheckinRequest request) {
  auto promise = std::make_shared<std::promise<Result<CheckinResponse>>>();
  auto future = promise->get_future();
  submit(agent, std::move(request), [promise](Result<CheckinResponse> r) { promise->set_value(std::move(r)); });
  return future.get();
}

void IngestService::run_writer() {
  std::vector<Job> batch;
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty() && stopping_) return;
      size_t records = 0;
      const size_t limit = static_cast<size_t>(context_.config.rmm.ingest_batch_max);
      while (!queue_.empty() && (batch.empty() || records + queue_.front().request.records.size() <= limit)) {
        records += queue_.front().request.records.size();
        queued_records_ -= queue_.front().request.records.size();
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
      stats_.queued -= static_cast<int64_t>(batch.size());
    }
    write_batch(batch);
    batch.clear();
  }
}

void IngestService::write_batch(std::vector<Job>& batch) {
  for (int64_t device : directory_.take_changed_checks()) devices_.erase(device);
  std::vector<Result<CheckinResponse>> outcomes;
  outcomes.reserve(batch.size());
  std::vector<std::string> new_names;
  int64_t values = 0;
  int64_t stored_before = stats_.records_stored.load();
  Status status = [&]() -> Status {
    auto tx = TEND_TRY(context_.store.write());
    for (auto& job : batch) {
      auto outcome = store_job(tx, job, new_names, values);
      // A failed job other than a database error (the device vanished) fails
      // alone; a database error fails the whole batch.
      if (!outcome && (outcome.error().kind == ErrorKind::internal || outcome.error().kind == ErrorKind::unavailable)) {
        return std::unexpected(outcome.error());
      }
      outcomes.push_back(std::move(outcome));
    }
    return tx.commit();
  }();
  ++stats_.batches;
  if (!status) {
    ++stats_.batch_failures;
    stats_.records_stored = stored_before;
    for (const auto& name : new_names) metric_ids_.erase(name);
    devices_.clear();  // the remembered check states may not match what was rolled back
    log::error("ingest.batch_failed", {{"error", status.error().message}, {"checkins", batch.size()}});
    Error error = status.error();
    if (error.kind == ErrorKind::internal) error = Error::unavailable("the check-in could not be stored; retry");
    for (auto& job : batch) job.done(std::unexpected(error));
    return;
  }
  stats_.values_stored += values;
  for (size_t i = 0; i < batch.size(); ++i) {
    if (outcomes[i]) ++stats_.checkins;
    batch[i].done(std::move(outcomes[i]));
  }
}

Result<int64_t> IngestService::metric_id(store::Transaction& tx, const std::string& name,
                                         std::vector<std::string>& new_names) {
  auto it = metric_ids_.find(name);
  if (it != metric_ids_.end()) return it->second;
  if (metric_ids_.empty()) {
    auto all = TEND_TRY(store::SampleRepository(tx.connection()).metric_names());
    for (auto& [id, known] : all) metric_ids_.emplace(std::move(known), id);
    it = metric_ids_.find(name);
    if (it != metric_ids_.end()) return it->second;
  }
  int64_t id = TEND_TRY(store::SampleRepository(tx.connection()).add_metric_name(name));
  metric_ids_.emplace(name, id);
  new_names.push_back(name);
  return id;
}

Status IngestService::load_device(store::Transaction& tx, DeviceId device, DeviceMemory& memory) {
  store::DeviceCheckRepository checks(tx.connection());
  auto definitions = TEND_TRY(checks.for_device(device));
  auto states = TEND_TRY(checks.states(device));
  auto stored = TEND_TRY(store::DeviceRepository(tx.connection()).get(device));
  memory = DeviceMemory{};
  memory.loaded = true;
  memory.checks_version = stored.checks_version;
  for (const auto& d : definitions) memory.check_states.emplace(d.id, std::nullopt);
  for (const auto& s : states) {
    auto it = memory.check_states.find(s.check_id.value());
    if (it != memory.check_states.end()) it->second = s.state;
  }
  for (const auto& [id, state] : memory.check_states) memory.failing += state && *state != CheckState::pass;
  return {};
}

Result<CheckinResponse> IngestService::store_job(store::Transaction& tx, Job& job, std::vector<std::string>& new_names,
                                                 int64_t& values) {
  const DeviceId device = job.agent.device_id;
  store::SampleRepository samples(tx.connection());
  store::DeviceEventRepository events(tx.connection());
  auto state = TEND_TRY(samples.ingest_state(device));
  DeviceMemory& memory = devices_[device.value()];
  if (!memory.loaded) TEND_CHECK(load_device(tx, device, memory));

  int64_t last_seq = state.last_seq;
  int64_t latest_sample = 0;
  int64_t failing_before = memory.failing;
  std::string metrics_text;
  for (auto& record : job.request.records) {
    if (record.seq <= last_seq) {
      ++stats_.records_duplicate;
      continue;
    }
    metrics_text.clear();
    for (const auto& m : record.metrics) {
      int64_t id = TEND_TRY(metric_id(tx, m.name, new_names));
      if (!metrics_text.empty()) metrics_text += ';';
      char buffer[24];
      auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, id);
      metrics_text.append(buffer, end);
      metrics_text += '=';
      append_number(metrics_text, m.value);
    }
    // Only results of this device's own checks are kept: a device cannot
    // write results for another device's checks.
    std::erase_if(record.checks, [&](const rmm::CheckResult& c) { return !memory.check_states.count(c.check_id); });
    const Instant at = from_unix_ms(record.at_ms);
    latest_sample = TEND_TRY(samples.insert(device, record.seq, at, job.received_at, metrics_text,
                                            encode_checks(record.checks)));
    values += static_cast<int64_t>(record.metrics.size());
    for (const auto& c : record.checks) {
      std::optional<CheckState>& current = memory.check_states[c.check_id];
      if (current == c.state) continue;
      bool was_failing = current && *current != CheckState::pass;
      memory.failing += (c.state != CheckState::pass) - was_failing;
      if (current || c.state != CheckState::pass) {
        TEND_CHECK(events.append({0, device, at, "check_state",
                                  event_details({{"check_id", c.check_id},
                                                 {"from", current ? json(rmm::to_string(*current)) : json(nullptr)},
                                                 {"to", rmm::to_string(c.state)},
                                                 {"value", c.value ? json(*c.value) : json(nullptr)},
                                                 {"output", c.output}})}));
      }
      current = c.state;
      TEND_CHECK(samples.upsert_check_state(device, rmm::DeviceCheckId(c.check_id), c.state, at, at));
    }
    if (!record.inventory_json.empty()) TEND_CHECK(store_inventory(tx, job.agent, record.inventory_json, at));
    last_seq = record.seq;
    ++stats_.records_stored;
  }
  if (memory.failing != failing_before) TEND_CHECK(samples.set_failing(device, memory.failing));
  if (!state.online) {
    TEND_CHECK(events.append({0, device, job.received_at, "online", "{}"}));
  }
  if (job.request.dropped_total > state.dropped_total) {
    TEND_CHECK(events.append({0, device, job.received_at, "spool_dropped",
                              event_details({{"count", job.request.dropped_total - state.dropped_total},
                                             {"total", job.request.dropped_total}})}));
  }
  TEND_CHECK(samples.update_status(device, last_seq, job.received_at, latest_sample,
                                   std::max(job.request.dropped_total, state.dropped_total), job.request.spooled));

  CheckinResponse response;
  response.acked_seq = last_seq;
  response.interval_seconds = context_.config.rmm.checkin_interval_seconds;
  if (job.request.config_version != memory.checks_version) {
    rmm::AgentConfig config;
    config.version = memory.checks_version;
    config.interval_seconds = context_.config.rmm.checkin_interval_seconds;
    config.inventory_interval_seconds = context_.config.rmm.inventory_interval_seconds;
    config.checks = TEND_TRY(store::DeviceCheckRepository(tx.connection()).for_device(device));
    response.config = std::move(config);
  }
  return response;
}

Status IngestService::store_inventory(store::Transaction& tx, const AgentIdentity& agent,
                                      const std::string& inventory_json, Instant at) {
  json inventory = json::parse(inventory_json, nullptr, false);
  if (!inventory.is_object()) return {};  // the decoder guarantees an object; be safe anyway
  store::SampleRepository samples(tx.connection());
  std::string previous_text = TEND_TRY(samples.inventory(agent.device_id));
  json previous = previous_text.empty() ? json(nullptr) : json::parse(previous_text, nullptr, false);
  json changes = inventory_changes(previous, inventory);
  if (!previous.is_null() && changes.empty()) return {};
  TEND_CHECK(samples.set_inventory(agent.device_id, inventory.dump(-1, ' ', false, json::error_handler_t::replace), at));
  store::DeviceEventRepository events(tx.connection());
  if (previous.is_null()) {
    TEND_CHECK(events.append({0, agent.device_id, at, "inventory_changed", event_details({{"first", true}})}));
  } else {
    TEND_CHECK(events.append({0, agent.device_id, at, "inventory_changed", event_details(changes)}));
  }
  store::DeviceRepository devices(tx.connection());
  auto device = TEND_TRY(devices.get(agent.device_id));
  rmm::Device updated = device;
  if (auto h = inventory.find("hostname"); h != inventory.end() && h->is_string() && !h->get<std::string>().empty()) {
    std::string hostname = h->get<std::string>().substr(0, 255);
    if (updated.name == updated.hostname) updated.name = hostname;
    updated.hostname = hostname;
  }
  if (auto o = inventory.find("os_name"); o != inventory.end() && o->is_string()) updated.os_name = o->get<std::string>();
  if (auto v = inventory.find("agent_version"); v != inventory.end() && v->is_string()) {
    updated.agent_version = v->get<std::string>();
  }
  if (!updated.class_manual) updated.device_class = rmm::classify(class_facts(inventory));
  if (updated.name != device.name || updated.hostname != device.hostname || updated.os_name != device.os_name ||
      updated.agent_version != device.agent_version || updated.device_class != device.device_class) {
    updated.updated_at = at;
    TEND_CHECK(devices.update(updated));
    if (updated.device_class != device.device_class) {
      TEND_CHECK(events.append({0, agent.device_id, at, "class_changed",
                                event_details({{"from", rmm::to_string(device.device_class)},
                                               {"to", rmm::to_string(updated.device_class)},
                                               {"source", "detected"}})}));
    }
  }
  return {};
}

}  // namespace tend
