#include "api/agent_endpoint.h"

#include <future>

#include "api/problem.h"
#include "wire/agent_json.h"
#include "wire/checkin_decoder.h"

namespace tend::api {
namespace {

std::string_view bearer_of(const HttpRequest& request) {
  std::string_view auth = request.header("authorization");
  if (auth.size() > 7 && (auth.substr(0, 7) == "Bearer " || auth.substr(0, 7) == "bearer ")) return auth.substr(7);
  return {};
}

struct PreparedCheckin {
  AgentIdentity agent;
  rmm::CheckinRequest request;
};

// Authenticates, decodes and validates; nothing is stored on any error.
Result<PreparedCheckin> prepare(RmmApiServices& services, HttpRequest& request) {
  std::string_view credential = bearer_of(request);
  if (credential.empty()) {
    return std::unexpected(Error::unauthenticated("send the device credential: Authorization: Bearer tend_dev_..."));
  }
  PreparedCheckin out;
  out.agent = TEND_TRY(services.agents.authenticate(credential));
  if (request.body.size() > rmm::kMaxCheckinBodyBytes) {
    return std::unexpected(Error::too_large("a check-in body may hold at most " +
                                            std::to_string(rmm::kMaxCheckinBodyBytes) + " bytes; send fewer records"));
  }
  std::string_view type = request.header("content-type");
  if (!type.starts_with("application/json")) {
    return std::unexpected(Error::invalid("send the body as Content-Type: application/json"));
  }
  thread_local wire::CheckinDecoder decoder;
  out.request = TEND_TRY(decoder.decode(request.body));
  TEND_CHECK(rmm::validate(out.request));
  return out;
}

HttpResponse response_of(const Result<rmm::CheckinResponse>& outcome) {
  if (!outcome) {
    HttpResponse r = problem_response(outcome.error(), kCheckinPath);
    return r;
  }
  HttpResponse r;
  r.status = 200;
  r.body = wire::encode(*outcome);
  return r;
}

}  // namespace

bool AgentEndpoint::try_handle(HttpRequest& request, const std::function<void(HttpResponse)>& respond) {
  if (request.method != "POST" || request.path() != kCheckinPath) return false;
  auto prepared = prepare(services_, request);
  if (!prepared) {
    respond(problem_response(prepared.error(), kCheckinPath));
    return true;
  }
  services_.ingest.submit(prepared->agent, std::move(prepared->request),
                          [respond](Result<rmm::CheckinResponse> outcome) { respond(response_of(outcome)); });
  return true;
}

HttpResponse AgentEndpoint::handle_and_wait(HttpRequest& request) {
  auto prepared = prepare(services_, request);
  if (!prepared) return problem_response(prepared.error(), kCheckinPath);
  return response_of(services_.ingest.submit_and_wait(prepared->agent, std::move(prepared->request)));
}

}  // namespace tend::api
