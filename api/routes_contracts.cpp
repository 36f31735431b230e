// Routes of contracts: time and materials, block hours (block purchases and
// the balance ledger) and managed services agreements (price changes,
// cancellation, the monthly fee).
//
// Roles: finance and admins create and change contracts; every staff role
// reads; portal users read their own client's contracts, ledgers and fees
// (docs/rating-and-contracts.md, "Who sees what").
#include "api/api.h"
#include "api/handler_support.h"
#include "app/work_codec.h"

namespace tend::api {

namespace {

const RoleSet kContractEditors = {Role::admin, Role::finance};

Result<ContractService*> contracts_of(ContractService* service) {
  if (!service) return std::unexpected(Error::unavailable("contracts are not available in this process"));
  return service;
}

}  // namespace

void Api::add_contract_routes() {
  ContractService* const service = services_.contracts;

  add("GET", "/api/v1/contracts", kEveryone, "list contracts", [service](RequestContext& c) -> Result<HttpResponse> {
    TEND_CHECK(only_query(c, {"limit", "cursor", "sort", "q", "client_id", "kind", "active_on"}));
    auto page = TEND_TRY(page_of(c, sorts(store::kContractSorts), "name"));
    store::ContractFilter filter;
    filter.text = std::string(c.query("q").value_or(""));
    filter.client = ClientId(TEND_TRY(query_int(c, "client_id", 0)));
    if (auto kind = c.query("kind")) {
      auto parsed = parse_contract_kind(*kind);
      if (!parsed) return std::unexpected(Error::invalid_field("kind", parsed.error().message));
      filter.kind = *parsed;
    }
    filter.active_on = TEND_TRY(date_param(c, "active_on"));
    return page_response(TEND_TRY(TEND_TRY(contracts_of(service))->list(c.principal, filter, page)));
  });
  add("POST", "/api/v1/contracts", kContractEditors, "create a contract", [service](RequestContext& c) -> Result<HttpResponse> {
    return object_response(201, TEND_TRY(TEND_TRY(contracts_of(service))->create(c.principal, TEND_TRY(body_of(c)))));
  });
  add("GET", "/api/v1/contracts/{id}", kEveryone, "read a contract with its status, balances and fee",
      [service](RequestContext& c) -> Result<HttpResponse> {
        TEND_CHECK(only_query(c, {"as_of"}));
        auto id = TEND_TRY(id_of<ContractId>(c));
        return object_response(200, TEND_TRY(TEND_TRY(contracts_of(service))->get(c.principal, id, TEND_TRY(date_param(c, "as_of")))));
      });
  add("PATCH", "/api/v1/contracts/{id}", kContractEditors, "change a contract", [service](RequestContext& c) -> Result<HttpResponse> {
    auto id = TEND_TRY(id_of<ContractId>(c));
    return object_response(200, TEND_TRY(TEND_TRY(contracts_of(service))->update(c.principal, id, TEND_TRY(body_of(c)))));
  });
  add("POST", "/api/v1/contracts/{id}/price-changes", kContractEditors, "change an agreement's prices from a date on",
      [service](RequestContext& c) -> Result<HttpResponse> {
        auto id = TEND_TRY(id_of<ContractId>(c));
        return object_response(201, TEND_TRY(TEND_TRY(contracts_of(service))->change_price(c.principal, id, TEND_TRY(body_of(c)))));
      });
  add("POST", "/api/v1/contracts/{id}/cancel", kContractEditors, "cancel a contract with an effective date",
      [service](RequestContext& c) -> Result<HttpResponse> {
        auto id = TEND_TRY(id_of<ContractId>(c));
        return object_response(200, TEND_TRY(TEND_TRY(contracts_of(service))->cancel(c.principal, id, TEND_TRY(body_of(c)))));
      });
  add("POST", "/api/v1/contracts/{id}/blocks", kContractEditors, "add a block of prepaid hours",
      [service](RequestContext& c) -> Result<HttpResponse> {
        auto id = TEND_TRY(id_of<ContractId>(c));
        return object_response(201, TEND_TRY(TEND_TRY(contracts_of(service))->add_block(c.principal, id, TEND_TRY(body_of(c)))));
      });
  add("GET", "/api/v1/contracts/{id}/ledger", kEveryone, "read the balance ledger of a block-hours contract",
      [service](RequestContext& c) -> Result<HttpResponse> {
        TEND_CHECK(only_query(c, {}));
        return object_response(200, TEND_TRY(TEND_TRY(contracts_of(service))->ledger(c.principal, TEND_TRY(id_of<ContractId>(c)))));
      });
  add("GET", "/api/v1/contracts/{id}/fee", kEveryone, "read the monthly fee of a managed agreement on a date",
      [service](RequestContext& c) -> Result<HttpResponse> {
        TEND_CHECK(only_query(c, {"on"}));
        auto id = TEND_TRY(id_of<ContractId>(c));
        return object_response(200, TEND_TRY(TEND_TRY(contracts_of(service))->fee(c.principal, id, TEND_TRY(date_param(c, "on")))));
      });
}

}  // namespace tend::api
