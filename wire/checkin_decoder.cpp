#include "wire/checkin_decoder.h"

#include <simdjson.h>

namespace tend::wire {

namespace od = simdjson::ondemand;
using namespace tend::rmm;

struct CheckinDecoder::Impl {
  od::parser parser;
};

namespace {

Error malformed(std::string_view where, simdjson::error_code code) {
  return Error::invalid("malformed check-in at " + std::string(where) + ": " + simdjson::error_message(code));
}

#define TEND_SJ(expr, where)                                  \
  do {                                                        \
    auto tend_sj_error = (expr);                              \
    if (tend_sj_error) return std::unexpected(malformed(where, tend_sj_error)); \
  } while (false)

Result<CheckResult> read_check(od::value value) {
  od::object object;
  TEND_SJ(value.get_object().get(object), "checks");
  CheckResult out;
  for (auto field : object) {
    std::string_view key;
    TEND_SJ(field.unescaped_key().get(key), "checks");
    od::value v;
    TEND_SJ(field.value().get(v), "checks");
    if (key == "id") {
      TEND_SJ(v.get_int64().get(out.check_id), "checks/id");
    } else if (key == "state") {
      std::string_view state;
      TEND_SJ(v.get_string().get(state), "checks/state");
      auto parsed = parse_check_state(state);
      if (!parsed) return std::unexpected(Error::invalid_field("checks/state", parsed.error().message));
      out.state = *parsed;
    } else if (key == "value") {
      bool is_null = false;
      TEND_SJ(v.is_null().get(is_null), "checks/value");
      if (!is_null) {
        double d = 0;
        TEND_SJ(v.get_double().get(d), "checks/value");
        out.value = d;
      }
    } else if (key == "output") {
      std::string_view text;
      TEND_SJ(v.get_string().get(text), "checks/output");
      out.output.assign(text);
    }
  }
  return out;
}

Result<AgentRecord> read_record(od::value value) {
  od::object object;
  TEND_SJ(value.get_object().get(object), "records");
  AgentRecord out;
  for (auto field : object) {
    std::string_view key;
    TEND_SJ(field.unescaped_key().get(key), "records");
    od::value v;
    TEND_SJ(field.value().get(v), "records");
    if (key == "seq") {
      TEND_SJ(v.get_int64().get(out.seq), "records/seq");
    } else if (key == "at") {
      TEND_SJ(v.get_int64().get(out.at_ms), "records/at");
    } else if (key == "metrics") {
      od::object metrics;
      TEND_SJ(v.get_object().get(metrics), "records/metrics");
      for (auto metric : metrics) {
        std::string_view name;
        TEND_SJ(metric.unescaped_key().get(name), "records/metrics");
        double d = 0;
        TEND_SJ(metric.value().get_double().get(d), "records/metrics");
        if (out.metrics.size() <= kMaxMetricsPerRecord) out.metrics.push_back({std::string(name), d});
      }
    } else if (key == "checks") {
      od::array checks;
      TEND_SJ(v.get_array().get(checks), "records/checks");
      for (auto item : checks) {
        od::value check;
        TEND_SJ(item.get(check), "records/checks");
        auto result = read_check(check);
        if (!result) return std::unexpected(std::move(result).error());
        if (out.checks.size() <= kMaxChecksPerRecord) out.checks.push_back(std::move(*result));
      }
    } else if (key == "inventory") {
      bool is_null = false;
      TEND_SJ(v.is_null().get(is_null), "records/inventory");
      if (!is_null) {
        od::object inventory;
        TEND_SJ(v.get_object().get(inventory), "records/inventory");
        std::string_view raw;
        TEND_SJ(inventory.raw_json().get(raw), "records/inventory");
        out.inventory_json.assign(raw);
      }
    }
  }
  return out;
}

}  // namespace

CheckinDecoder::CheckinDecoder() : impl_(std::make_unique<Impl>()) {}
CheckinDecoder::~CheckinDecoder() = default;

Result<CheckinRequest> CheckinDecoder::decode(std::string& body) {
  if (body.capacity() < body.size() + simdjson::SIMDJSON_PADDING) body.reserve(body.size() + simdjson::SIMDJSON_PADDING);
  simdjson::padded_string_view input(body.data(), body.size(), body.capacity());
  od::document doc;
  TEND_SJ(impl_->parser.iterate(input).get(doc), "the start");
  od::object root;
  TEND_SJ(doc.get_object().get(root), "the top level (an object is expected)");
  CheckinRequest out;
  bool has_records = false;
  for (auto field : root) {
    std::string_view key;
    TEND_SJ(field.unescaped_key().get(key), "the top level");
    od::value v;
    TEND_SJ(field.value().get(v), "the top level");
    if (key == "agent_version") {
      std::string_view text;
      TEND_SJ(v.get_string().get(text), "agent_version");
      out.agent_version.assign(text);
    } else if (key == "config_version") {
      TEND_SJ(v.get_int64().get(out.config_version), "config_version");
    } else if (key == "dropped") {
      TEND_SJ(v.get_int64().get(out.dropped_total), "dropped");
    } else if (key == "spooled") {
      TEND_SJ(v.get_int64().get(out.spooled), "spooled");
    } else if (key == "records") {
      has_records = true;
      od::array records;
      TEND_SJ(v.get_array().get(records), "records");
      for (auto item : records) {
        if (out.records.size() > kMaxRecordsPerCheckin) {
          return std::unexpected(Error::invalid_field("records", "at most " + std::to_string(kMaxRecordsPerCheckin) +
                                                                     " records per check-in"));
        }
        od::value record;
        TEND_SJ(item.get(record), "records");
        auto decoded = read_record(record);
        if (!decoded) return std::unexpected(std::move(decoded).error());
        out.records.push_back(std::move(*decoded));
      }
    }
  }
  // At the end of the document current_location() reports OUT_OF_BOUNDS;
  // anything else means there is more after the top-level object.
  if (doc.current_location().error() != simdjson::OUT_OF_BOUNDS) return std::unexpected(Error::invalid("malformed check-in: trailing content after the object"));
  if (!has_records) return std::unexpected(Error::invalid_field("records", "is required"));
  return out;
}

#undef TEND_SJ

}  // namespace tend::wire
