// The REST API under /api/v1 plus /healthz and /metrics: routing,
// authentication (bearer token or session cookie), role checks, JSON
// codecs, problem responses, metrics and the access log.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "api/http.h"
#include "api/metrics.h"
#include "api/router.h"
#include "app/auth_service.h"
#include "app/billing_service.h"
#include "app/contract_service.h"
#include "app/desk_settings_service.h"
#include "app/import_service.h"
#include "app/schedule_service.h"
#include "app/sla_report_service.h"
#include "app/tenancy_service.h"
#include "app/ticket_service.h"
#include "app/user_service.h"
#include "app/work_service.h"
#include "store/store.h"

namespace tend::api {

struct RmmApiServices;  // api/agent_endpoint.h

// The use cases the API exposes. References owned by the composition root.
struct ApiServices {
  store::Store& store;
  const Clock& clock;
  AuthService& auth;
  TenancyService& tenancy;
  UserService& users;
  ProviderService& provider;
  // The service desk (api/routes_tickets.cpp).
  DeskSettingsService& desk_settings;
  TicketService& tickets;
  ScheduleService& schedules;
  SlaReportService& sla_reports;
  // RMM (api/routes_rmm.cpp); null where a process does not serve agents,
  // and then those routes answer 503.
  RmmApiServices* rmm = nullptr;
  // Time, parts, services, contracts and import (api/routes_work.cpp,
  // api/routes_contracts.cpp); null routes answer 503.
  WorkService* work = nullptr;
  ContractService* contracts = nullptr;
  ImportService* imports = nullptr;
  // Billing (api/routes_billing.cpp); null routes answer 503.
  BillingService* billing = nullptr;
};

struct ApiOptions {
  bool access_log = true;
  bool secure_cookies = false;
  int session_hours = 12;
  std::string version = "0.1.0";
};

// Thread-safe once constructed.
class Api {
 public:
  Api(ApiServices services, Metrics& metrics, ApiOptions options);

  // Handles one request from the network: authenticates, checks the role,
  // runs the handler, maps errors, records metrics, writes the access log.
  HttpResponse handle(HttpRequest& request);

  // Handles a request as `principal` without a credential (the CLI acting
  // on a data directory). Role checks still apply.
  HttpResponse handle_as(HttpRequest& request, const Principal& principal);

  const Router& router() const { return router_; }
  // The OpenAPI document served at /api/v1/openapi.json.
  static std::string_view openapi_document();

 private:
  HttpResponse dispatch(HttpRequest& request, const Principal* preset, Principal& resolved);
  // The route table, one function per area (api/routes_<area>.cpp).
  void add_routes();
  void add_tenancy_routes();
  void add_rmm_routes();
  void add_ticket_routes();
  void add_work_routes();
  void add_contract_routes();
  void add_billing_routes();
  void add(std::string method, std::string pattern, RoleSet roles, std::string summary, Handler handler);
  void add_public(std::string method, std::string pattern, std::string summary, Handler handler);

  ApiServices services_;
  Metrics& metrics_;
  ApiOptions options_;
  Router router_;
};

}  // namespace tend::api
