// The JSON spelling of the agent protocol (docs/agent-protocol.md), shared
// by the agent and the server so both sides read and write one format.
//
// Encoders write with JsonWriter (cheap, used on the agent and on the
// server's hot path). Decoders of the small documents use nlohmann::json and
// are strict about types but ignore unknown fields, so a newer peer can add
// fields. The server decodes check-ins, the hot path, with simdjson
// (wire/checkin_decoder.h).
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "core/rmm/agent_protocol.h"

namespace tend::wire {

// One spool record as a JSON object.
std::string encode(const rmm::AgentRecord& record);

// A check-in body around already-encoded records (spool texts, in order).
std::string encode_checkin(const rmm::CheckinRequest& header, std::span<const std::string_view> record_json);
// A check-in body with its records encoded.
std::string encode(const rmm::CheckinRequest& request);

std::string encode(const rmm::CheckinResponse& response);
std::string encode(const rmm::AgentConfig& config);
std::string encode(const rmm::EnrollRequest& request);
std::string encode(const rmm::EnrollResponse& response);

// invalid_input naming the field for malformed documents.
Result<rmm::CheckinResponse> decode_checkin_response(std::string_view json);
Result<rmm::AgentConfig> decode_agent_config(std::string_view json);
Result<rmm::EnrollRequest> decode_enroll_request(std::string_view json);
Result<rmm::EnrollResponse> decode_enroll_response(std::string_view json);
// The reference decoder of a check-in (nlohmann); the server uses the
// faster simdjson one, and tests check both agree.
Result<rmm::CheckinRequest> decode_checkin_request(std::string_view json);

}  // namespace tend::wire
