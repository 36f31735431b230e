// The server's hot-path decoder of check-in bodies (simdjson on-demand).
// Same format and rules as wire::decode_checkin_request; unknown fields are
// ignored, wrong types and malformed JSON are invalid_input.
#pragma once

#include <memory>
#include <string>

#include "core/rmm/agent_protocol.h"

namespace tend::wire {

// Holds one simdjson parser (its buffers are reused). Not thread-safe: use
// one per thread.
class CheckinDecoder {
 public:
  CheckinDecoder();
  ~CheckinDecoder();
  CheckinDecoder(const CheckinDecoder&) = delete;
  CheckinDecoder& operator=(const CheckinDecoder&) = delete;

  // Decodes `body`. simdjson reads up to 64 bytes past the end, so the
  // decoder first makes sure `body` has that much spare capacity (it may
  // reallocate `body`; its contents are unchanged). Strings in the result
  // are copies. invalid_input for malformed JSON or wrong types.
  Result<rmm::CheckinRequest> decode(std::string& body);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tend::wire
