// Routes of billing: the billing run (with dry run), invoices and credit
// notes (list, show, change or delete a draft, issue, send, credit note),
// payments, AR ageing, the client statement, the accounting exports (CSV for
// Xero / QuickBooks) and the billing settings of the provider and of a client.
//
// Roles (docs/billing-rules.md): finance and admins run billing and change
// invoices and payments; read_only reads; portal users read their own
// client's issued invoices and statement (404 for anything else);
// technicians have no access to billing.
#include "api/api.h"
#include "api/handler_support.h"
#include "app/billing_service.h"

namespace tend::api {

namespace {

const RoleSet kBillingEditors = {Role::admin, Role::finance};
const RoleSet kBillingReaders = {Role::admin, Role::finance, Role::read_only};
const RoleSet kInvoiceReaders = {Role::admin, Role::finance, Role::read_only, Role::portal};

Result<BillingService*> billing_of(BillingService* service) {
  if (!service) return std::unexpected(Error::unavailable("billing is not available in this process"));
  return service;
}

Result<BillingRunRequest> run_request(const nlohmann::json& body) {
  FieldErrors errors;
  JsonReader reader(body, errors);
  reader.only({"period", "client_id", "client_ids", "dry_run", "billing_date"});
  BillingRunRequest request;
  reader.text("period", request.period);
  if (!body.contains("period")) errors.add("period", "is required, e.g. \"2026-11\"");
  reader.id("client_id", request.client);
  reader.boolean("dry_run", request.dry_run);
  if (body.contains("client_ids")) {
    const nlohmann::json& ids = body["client_ids"];
    if (!ids.is_array() || ids.size() > 10000) {
      errors.add("client_ids", "must be an array of at most 10000 client ids");
    } else {
      for (size_t i = 0; i < ids.size(); ++i) {
        if (ids[i].is_number_integer() && ids[i].get<int64_t>() > 0)
          request.clients.push_back(ClientId(ids[i].get<int64_t>()));
        else
          errors.add("client_ids[" + std::to_string(i) + "]", "must be a client id");
      }
    }
    if (body.contains("client_id")) errors.add("client_ids", "give client_id or client_ids, not both");
  }
  if (body.contains("billing_date")) {
    std::string text;
    reader.text("billing_date", text);
    auto day = parse_civil_date(text);
    if (day)
      request.billing_date = *day;
    else
      errors.add("billing_date", day.error().message);
  }
  TEND_CHECK(std::move(errors).status());
  return request;
}

// The body of an issue request: {"issued_on"?: "2026-11-30"}.
Result<std::optional<CivilDate>> issue_date_of(const nlohmann::json& body) {
  FieldErrors errors;
  JsonReader reader(body, errors);
  reader.only({"issued_on"});
  std::optional<CivilDate> issued_on;
  if (body.is_object() && body.contains("issued_on")) {
    std::string text;
    reader.text("issued_on", text);
    auto day = parse_civil_date(text);
    if (day)
      issued_on = *day;
    else
      errors.add("issued_on", day.error().message);
  }
  TEND_CHECK(std::move(errors).status());
  return issued_on;
}

}  // namespace

void Api::add_billing_routes() {
  BillingService* const service = services_.billing;

  add("POST", "/api/v1/billing/runs", kBillingEditors,
      "run billing for a period (dry_run: only show what it would do)",
      [service](RequestContext& c) -> Result<HttpResponse> {
        BillingRunRequest request = TEND_TRY(run_request(TEND_TRY(body_of(c))));
        return json_response(200,
                             to_json(TEND_TRY(TEND_TRY(billing_of(service))->run(c.principal, request))));
      });
  add("GET", "/api/v1/billing/settings", kBillingReaders, "read the billing settings",
      [service](RequestContext& c) -> Result<HttpResponse> {
        TEND_CHECK(only_query(c, {}));
        return json_response(200, to_json(TEND_TRY(TEND_TRY(billing_of(service))->settings(c.principal))));
      });
  add("PUT", "/api/v1/billing/settings", kBillingEditors, "change the billing settings",
      [service](RequestContext& c) -> Result<HttpResponse> {
        return json_response(
            200, to_json(TEND_TRY(
                     TEND_TRY(billing_of(service))->update_settings(c.principal, TEND_TRY(body_of(c))))));
      });
  add("GET", "/api/v1/clients/{id}/billing", kBillingReaders,
      "read a client's tax treatment and payment terms",
      [service](RequestContext& c) -> Result<HttpResponse> {
        TEND_CHECK(only_query(c, {}));
        auto id = TEND_TRY(id_of<ClientId>(c));
        return json_response(
            200, to_json(TEND_TRY(TEND_TRY(billing_of(service))->client_billing(c.principal, id))));
      });
  add("PUT", "/api/v1/clients/{id}/billing", kBillingEditors,
      "change a client's tax treatment and payment terms",
      [service](RequestContext& c) -> Result<HttpResponse> {
        auto id = TEND_TRY(id_of<ClientId>(c));
        return json_response(
            200, to_json(TEND_TRY(TEND_TRY(billing_of(service))
                                      ->update_client_billing(c.principal, id, TEND_TRY(body_of(c))))));
      });
  add("GET", "/api/v1/clients/{id}/statement", kInvoiceReaders, "read a client's statement of account",
      [service](RequestContext& c) -> Result<HttpResponse> {
        TEND_CHECK(only_query(c, {"as_of"}));
        auto id = TEND_TRY(id_of<ClientId>(c));
        return json_response(
            200, to_json(TEND_TRY(TEND_TRY(billing_of(service))
                                      ->statement(c.principal, id, TEND_TRY(date_param(c, "as_of"))))));
      });

  add("GET", "/api/v1/invoices", kInvoiceReaders, "list invoices and credit notes",
      [service](RequestContext& c) -> Result<HttpResponse> {
        TEND_CHECK(only_query(c, {"limit", "cursor", "sort", "client_id", "status", "kind", "period"}));
        auto page = TEND_TRY(page_of(c, sorts(store::kInvoiceSorts), "-id"));
        store::InvoiceFilter filter;
        filter.client = ClientId(TEND_TRY(query_int(c, "client_id", 0)));
        if (auto status = c.query("status")) {
          auto parsed = parse_invoice_status(*status);
          if (!parsed) return std::unexpected(Error::invalid_field("status", parsed.error().message));
          filter.status = *parsed;
        }
        if (auto kind = c.query("kind")) {
          auto parsed = parse_invoice_kind(*kind);
          if (!parsed) return std::unexpected(Error::invalid_field("kind", parsed.error().message));
          filter.kind = *parsed;
        }
        filter.period = std::string(c.query("period").value_or(""));
        auto listed = TEND_TRY(TEND_TRY(billing_of(service))->list(c.principal, filter, page));
        nlohmann::json items = nlohmann::json::array();
        for (const auto& i : listed.items) items.push_back(to_json(i, false));
        return json_response(
            200, {{"items", std::move(items)},
                  {"next_cursor", listed.next_cursor.empty() ? nlohmann::json(nullptr)
                                                             : nlohmann::json(listed.next_cursor)}});
      });
  add("GET", "/api/v1/invoices/{id}", kInvoiceReaders,
      "read an invoice with its lines, payments and credit notes",
      [service](RequestContext& c) -> Result<HttpResponse> {
        TEND_CHECK(only_query(c, {}));
        auto id = TEND_TRY(id_of<InvoiceId>(c));
        return json_response(200, to_json(TEND_TRY(TEND_TRY(billing_of(service))->get(c.principal, id))));
      });
  add("GET", "/api/v1/invoices/{id}/pdf", kInvoiceReaders, "download an invoice or credit note as a PDF",
      [service](RequestContext& c) -> Result<HttpResponse> {
        TEND_CHECK(only_query(c, {}));
        auto id = TEND_TRY(id_of<InvoiceId>(c));
        InvoicePdf file = TEND_TRY(TEND_TRY(billing_of(service))->pdf(c.principal, id));
        HttpResponse r;
        r.status = 200;
        r.content_type = "application/pdf";
        r.body = std::move(file.bytes);
        r.add_header("Content-Disposition", "attachment; filename=\"" + file.filename + "\"");
        return r;
      });
  add("PATCH", "/api/v1/invoices/{id}", kBillingEditors,
      "change a draft (an issued invoice is refused and logged)",
      [service](RequestContext& c) -> Result<HttpResponse> {
        auto id = TEND_TRY(id_of<InvoiceId>(c));
        return json_response(
            200,
            to_json(TEND_TRY(TEND_TRY(billing_of(service))->update(c.principal, id, TEND_TRY(body_of(c))))));
      });
  add("DELETE", "/api/v1/invoices/{id}", kBillingEditors,
      "delete a draft (an issued invoice is refused and logged)",
      [service](RequestContext& c) -> Result<HttpResponse> {
        auto id = TEND_TRY(id_of<InvoiceId>(c));
        TEND_CHECK(TEND_TRY(billing_of(service))->remove(c.principal, id));
        return no_content();
      });
  add("POST", "/api/v1/invoices/{id}/lines", kBillingEditors,
      "add a line by hand to a draft (an issued invoice is refused and logged)",
      [service](RequestContext& c) -> Result<HttpResponse> {
        auto id = TEND_TRY(id_of<InvoiceId>(c));
        return json_response(
            201, to_json(TEND_TRY(TEND_TRY(billing_of(service))->add_line(c.principal, id, TEND_TRY(body_of(c))))));
      });
  add("DELETE", "/api/v1/invoices/{id}/lines/{position}", kBillingEditors,
      "remove a line added by hand from a draft", [service](RequestContext& c) -> Result<HttpResponse> {
        auto id = TEND_TRY(id_of<InvoiceId>(c));
        const int64_t position = TEND_TRY(c.id_param("position"));
        return json_response(
            200, to_json(TEND_TRY(TEND_TRY(billing_of(service))->remove_line(c.principal, id, position))));
      });
  add("POST", "/api/v1/invoices/{id}/issue", kBillingEditors,
      "issue a draft with the next number of the year", [service](RequestContext& c) -> Result<HttpResponse> {
        auto id = TEND_TRY(id_of<InvoiceId>(c));
        nlohmann::json body = c.request.body.empty() ? nlohmann::json::object() : TEND_TRY(body_of(c));
        std::optional<CivilDate> issued_on = TEND_TRY(issue_date_of(body));
        return json_response(200,
                             to_json(TEND_TRY(TEND_TRY(billing_of(service))->issue(c.principal, id, issued_on))));
      });
  add("POST", "/api/v1/invoices/{id}/send", kBillingEditors, "record that an issued invoice was sent",
      [service](RequestContext& c) -> Result<HttpResponse> {
        auto id = TEND_TRY(id_of<InvoiceId>(c));
        return json_response(200,
                             to_json(TEND_TRY(TEND_TRY(billing_of(service))->mark_sent(c.principal, id))));
      });
  add("POST", "/api/v1/invoices/{id}/credit-note", kBillingEditors,
      "draft a credit note for an issued invoice", [service](RequestContext& c) -> Result<HttpResponse> {
        auto id = TEND_TRY(id_of<InvoiceId>(c));
        nlohmann::json body = c.request.body.empty() ? nlohmann::json::object() : TEND_TRY(body_of(c));
        return json_response(
            201, to_json(TEND_TRY(TEND_TRY(billing_of(service))->credit_note(c.principal, id, body))));
      });

  add("GET", "/api/v1/payments", kBillingReaders, "list payments",
      [service](RequestContext& c) -> Result<HttpResponse> {
        TEND_CHECK(only_query(c, {"limit", "cursor", "sort", "client_id"}));
        auto page = TEND_TRY(page_of(c, sorts(store::kPaymentSorts), "-id"));
        store::PaymentFilter filter;
        filter.client = ClientId(TEND_TRY(query_int(c, "client_id", 0)));
        auto listed = TEND_TRY(TEND_TRY(billing_of(service))->list_payments(c.principal, filter, page));
        nlohmann::json items = nlohmann::json::array();
        for (const auto& p : listed.items) items.push_back(to_json(p));
        return json_response(
            200, {{"items", std::move(items)},
                  {"next_cursor", listed.next_cursor.empty() ? nlohmann::json(nullptr)
                                                             : nlohmann::json(listed.next_cursor)}});
      });
  add("POST", "/api/v1/payments", kBillingEditors, "record a payment and allocate it to invoices",
      [service](RequestContext& c) -> Result<HttpResponse> {
        return json_response(
            201,
            to_json(TEND_TRY(TEND_TRY(billing_of(service))->add_payment(c.principal, TEND_TRY(body_of(c))))));
      });
  add("GET", "/api/v1/payments/{id}", kBillingReaders, "read a payment with its allocations",
      [service](RequestContext& c) -> Result<HttpResponse> {
        TEND_CHECK(only_query(c, {}));
        auto id = TEND_TRY(id_of<PaymentId>(c));
        return json_response(200,
                             to_json(TEND_TRY(TEND_TRY(billing_of(service))->get_payment(c.principal, id))));
      });
  add("GET", "/api/v1/billing/exports/{format}", kBillingReaders,
      "export the issued invoices and credit notes of a period as CSV for Xero (invoices, credit notes) or QuickBooks Online",
      [service](RequestContext& c) -> Result<HttpResponse> {
        TEND_CHECK(only_query(c, {"period"}));
        auto format = parse_export_format(c.param("format"));
        if (!format) return std::unexpected(Error::not_found("no such export format (xero, xero_credit_notes, quickbooks)"));
        auto period = c.query("period");
        if (!period) return std::unexpected(Error::invalid_field("period", "is required, e.g. 2026-11"));
        HttpResponse r;
        r.content_type = "text/csv; charset=utf-8";
        r.body = TEND_TRY(TEND_TRY(billing_of(service))->export_csv(c.principal, *format, std::string(*period)));
        std::string name = std::string(to_string(*format)) + "-" + std::string(*period) + ".csv";
        for (char& ch : name) {
          if (ch == '.' && &ch != &name[name.size() - 4]) ch = '_';  // "2026-11-01..2026-11-15" stays one name
        }
        r.add_header("Content-Disposition", "attachment; filename=\"" + name + "\"");
        return r;
      });
  add("GET", "/api/v1/reports/ar", kBillingReaders, "read AR ageing per client as of a date",
      [service](RequestContext& c) -> Result<HttpResponse> {
        TEND_CHECK(only_query(c, {"as_of"}));
        return json_response(
            200, to_json(TEND_TRY(
                     TEND_TRY(billing_of(service))->ageing(c.principal, TEND_TRY(date_param(c, "as_of"))))));
      });
}

}  // namespace tend::api
