#!/usr/bin/env python3
"""Adds (or refreshes) the paths and schemas of time, parts, services,
contracts and import in api/openapi.json.

Loads the document, replaces only what belongs to this area (the paths and
schemas named below), and writes it back with indent=1, so other areas'
concurrent additions are kept. Run from the repository root:
    python3 api/openapi_work.py
The roles here must equal the route table (api/routes_work.cpp,
api/routes_contracts.cpp); api_test checks that.
"""
import json
import pathlib

PATH = pathlib.Path(__file__).with_name("openapi.json")

EVERYONE = ["admin", "technician", "finance", "read_only", "portal"]
STAFF = ["admin", "technician", "finance", "read_only"]
ADMIN = ["admin"]
TECHNICIANS = ["admin", "technician"]
FINANCE = ["admin", "finance"]
TIME_EDITORS = ["admin", "technician", "finance"]
CHARGE_READERS = ["admin", "finance", "read_only"]

SECURITY = [{"bearer": []}, {"cookie": []}]
PROBLEMS = {code: {"$ref": "#/components/responses/Problem"} for code in ["400", "401", "403", "404", "422"]}


def ref(name):
    return {"$ref": "#/components/schemas/" + name}


def nullable(kind, **extra):
    return {"type": [kind, "null"], **extra}


def id_param(name="id", description=None):
    p = {"name": name, "in": "path", "required": True, "schema": {"type": "integer", "minimum": 1}}
    if description:
        p["description"] = description
    return p


def query(name, description, schema=None):
    return {"name": name, "in": "query", "required": False, "description": description,
            "schema": schema or {"type": "string"}}


PAGING = [
    query("limit", "Page size, 1-200 (default 50).", {"type": "integer", "minimum": 1, "maximum": 200}),
    query("cursor", "The next_cursor of the previous page."),
    query("sort", "Sort field; prefix '-' for descending."),
]


def op(operation_id, summary, roles, response, status="200", params=None, body=None):
    o = {"operationId": operation_id, "summary": summary, "x-tend-roles": roles}
    if params:
        o["parameters"] = params
    if body:
        o["requestBody"] = {"required": True, "content": {"application/json": {"schema": ref(body)}}}
    responses = {}
    if response is None:
        responses[status] = {"description": "No content"}
    else:
        responses[status] = {"description": "OK", "content": {"application/json": {"schema": ref(response)}}}
    responses.update(PROBLEMS)
    responses["503"] = {"$ref": "#/components/responses/Problem"}
    o["responses"] = responses
    o["security"] = SECURITY
    return o


MONEY = {"type": "string", "pattern": "^-?[0-9]+(\\.[0-9]+)?$",
         "description": "An amount in major units as a decimal string, e.g. \"95.00\" (never a JSON number)."}
DATE = {"type": "string", "format": "date"}
TIME = {"type": "string", "format": "date-time"}
DECIMAL = {"type": "string", "description": "A decimal as a string, e.g. \"1.5\" or \"21\"."}
WORK_STATUS = {"type": "string", "enum": ["draft", "approved", "invoiced"]}
BASIS = {"type": "string", "enum": ["not_billable", "no_charge", "fixed_price_service", "covered", "block_hours",
                                   "time_and_materials", "fixed_price", "unpriced"]}


def obj(properties, required=None, extra=False):
    s = {"type": "object", "properties": properties, "additionalProperties": extra}
    if required:
        s["required"] = required
    return s


def items_of(name):
    return obj({"items": {"type": "array", "items": ref(name)}, "next_cursor": nullable("string")})


SCHEMAS = {
    "TaxCategory": obj({"id": {"type": "integer"}, "code": {"type": "string"}, "name": {"type": "string"},
                        "rate_percent": DECIMAL, "active": {"type": "boolean"}, "created_at": TIME, "updated_at": TIME}),
    "TaxCategoryInput": obj({"code": {"type": "string"}, "name": {"type": "string"}, "rate_percent": DECIMAL,
                             "active": {"type": "boolean"}}),
    "TaxCategoryList": items_of("TaxCategory"),
    "WorkType": obj({"id": {"type": "integer"}, "code": {"type": "string"}, "name": {"type": "string"},
                     "hourly_rate": MONEY, "currency": {"type": "string"}, "minimum_minutes": {"type": "integer"},
                     "rounding_increment_minutes": {"type": "integer"}, "after_hours_multiplier": DECIMAL,
                     "tax_category_id": nullable("integer"), "active": {"type": "boolean"},
                     "created_at": TIME, "updated_at": TIME}),
    "WorkTypeInput": obj({"code": {"type": "string"}, "name": {"type": "string"}, "hourly_rate": MONEY,
                          "minimum_minutes": {"type": "integer", "minimum": 0, "maximum": 1440},
                          "rounding_increment_minutes": {"type": "integer", "minimum": 0, "maximum": 1440},
                          "after_hours_multiplier": DECIMAL, "tax_category_id": nullable("integer"),
                          "active": {"type": "boolean"}}),
    "WorkTypeList": items_of("WorkType"),
    "Technician": obj({"user_id": {"type": "integer"}, "name": {"type": "string"}, "email": {"type": "string"},
                       "role": {"type": "string"}, "active": {"type": "boolean"}, "cost_rate": nullable("string"),
                       "currency": nullable("string"), "updated_at": nullable("string")}),
    "TechnicianList": items_of("Technician"),
    "CostRateInput": obj({"cost_rate": MONEY}, ["cost_rate"]),
    "ClientRate": obj({"client_id": {"type": "integer"}, "work_type_id": {"type": "integer"}, "hourly_rate": MONEY,
                       "currency": {"type": "string"}, "updated_at": TIME}),
    "ClientRateList": items_of("ClientRate"),
    "ClientRateInput": obj({"hourly_rate": MONEY}, ["hourly_rate"]),
    "CatalogueItem": obj({"id": {"type": "integer"}, "kind": {"type": "string", "enum": ["part", "service"]},
                          "sku": {"type": "string"}, "name": {"type": "string"}, "description": {"type": "string"},
                          "unit_cost": MONEY, "unit_price": nullable("string"), "markup_percent": nullable("string"),
                          "price": MONEY, "currency": {"type": "string"}, "tax_category_id": nullable("integer"),
                          "reorder_level": {"type": "integer"}, "stock_on_hand": nullable("integer"),
                          "below_reorder_level": {"type": "boolean"}, "active": {"type": "boolean"},
                          "created_at": TIME, "updated_at": TIME}),
    "CatalogueItemInput": obj({"kind": {"type": "string", "enum": ["part", "service"]}, "sku": {"type": "string"},
                               "name": {"type": "string"}, "description": {"type": "string"}, "unit_cost": MONEY,
                               "unit_price": nullable("string"), "markup_percent": nullable("string"),
                               "tax_category_id": nullable("integer"), "reorder_level": {"type": "integer"},
                               "active": {"type": "boolean"},
                               "initial_stock": {"type": "integer", "description": "Create only: booked as a receipt."}}),
    "CataloguePage": items_of("CatalogueItem"),
    "StockMovement": obj({"id": {"type": "integer"}, "item_id": {"type": "integer"},
                          "kind": {"type": "string", "enum": ["receipt", "usage", "return", "correction"]},
                          "quantity": {"type": "integer"}, "part_usage_id": nullable("integer"),
                          "note": {"type": "string"}, "at": TIME, "actor": {"type": "string"},
                          "balance_after": {"type": "integer"}}),
    "StockMovementList": items_of("StockMovement"),
    "StockMovementInput": obj({"kind": {"type": "string", "enum": ["receipt", "correction"]},
                               "quantity": {"type": "integer"}, "note": {"type": "string"}}, ["quantity"]),
    "TimeEntry": obj({"id": {"type": "integer"}, "ticket_id": {"type": "integer"}, "client_id": {"type": "integer"},
                      "user_id": {"type": "integer"}, "work_type_id": {"type": "integer"}, "work_date": DATE,
                      "started_at": nullable("string"), "ended_at": nullable("string"),
                      "minutes": {"type": "integer", "description": "Actual minutes."},
                      "billable_minutes": {"type": "integer", "description": "From the rounding rule or the override."},
                      "billable_override": nullable("integer"), "override_reason": {"type": "string"},
                      "billing": {"type": "string", "enum": ["billable", "non_billable", "no_charge"]},
                      "after_hours": {"type": "boolean"}, "service_usage_id": nullable("integer"),
                      "cost_rate": MONEY, "notes": {"type": "string"}, "status": WORK_STATUS,
                      "approved_at": nullable("string"), "approved_by_id": nullable("integer"),
                      "invoice_line_id": nullable("integer"), "invoiced_at": nullable("string"),
                      "created_by_id": nullable("integer"), "created_at": TIME, "updated_at": TIME,
                      "removed_at": nullable("string")}),
    "TimeEntryInput": obj({"ticket_id": {"type": "integer"}, "user_id": {"type": "integer"},
                           "work_type_id": {"type": "integer"}, "work_date": DATE, "started_at": TIME,
                           "ended_at": TIME, "minutes": {"type": "integer", "minimum": 0, "maximum": 1440},
                           "billing": {"type": "string", "enum": ["billable", "non_billable", "no_charge"]},
                           "after_hours": {"type": "boolean"}, "service_usage_id": nullable("integer"),
                           "notes": {"type": "string"},
                           "billable_minutes": {"type": ["integer", "null"],
                                                "description": "Finance and admins, on change only: overrides the billable minutes (null removes the override)."},
                           "override_reason": {"type": "string", "description": "Required with billable_minutes; goes on the ticket's timeline."}}),
    "TimeEntryPage": items_of("TimeEntry"),
    "TimerState": obj({"timer": {"oneOf": [ref("RunningTimer"), {"type": "null"}]}}),
    "RunningTimer": obj({"user_id": {"type": "integer"}, "ticket_id": {"type": "integer"},
                         "work_type_id": {"type": "integer"}, "started_at": TIME, "billing": {"type": "string"},
                         "after_hours": {"type": "boolean"}, "notes": {"type": "string"}}),
    "TimerStart": obj({"ticket_id": {"type": "integer"}, "work_type_id": {"type": "integer"},
                       "billing": {"type": "string"}, "after_hours": {"type": "boolean"}, "notes": {"type": "string"},
                       "user_id": {"type": "integer", "description": "Admins only."}}, ["ticket_id", "work_type_id"]),
    "TimerStop": obj({"notes": {"type": "string"}, "user_id": {"type": "integer", "description": "Admins only."}}),
    "PartUsage": obj({"id": {"type": "integer"}, "ticket_id": {"type": "integer"}, "client_id": {"type": "integer"},
                      "item_id": {"type": "integer"}, "quantity": {"type": "integer"}, "unit_price": MONEY,
                      "currency": {"type": "string"}, "unit_cost": MONEY, "notes": {"type": "string"},
                      "status": WORK_STATUS, "approved_at": nullable("string"), "approved_by_id": nullable("integer"),
                      "invoice_line_id": nullable("integer"), "invoiced_at": nullable("string"),
                      "created_by_id": nullable("integer"), "created_at": TIME, "updated_at": TIME,
                      "removed_at": nullable("string"), "used_on": DATE,
                      "serial_numbers": {"type": "array", "items": {"type": "string"}},
                      "stock": obj({"on_hand": {"type": "integer"}, "below_zero": {"type": "boolean"},
                                    "reorder": {"type": "boolean"}})}),
    "PartUsageList": items_of("PartUsage"),
    "PartUsageInput": obj({"ticket_id": {"type": "integer"}, "item_id": {"type": "integer"},
                           "quantity": {"type": "integer", "minimum": 1}, "serial_numbers": {"type": "array", "items": {"type": "string"}},
                           "used_on": DATE, "unit_price": MONEY, "notes": {"type": "string"}}, ["ticket_id", "item_id"]),
    "ServiceUsage": obj({"id": {"type": "integer"}, "ticket_id": {"type": "integer"}, "client_id": {"type": "integer"},
                         "item_id": {"type": "integer"}, "quantity": {"type": "integer"}, "unit_price": MONEY,
                         "currency": {"type": "string"}, "unit_cost": MONEY, "notes": {"type": "string"},
                         "status": WORK_STATUS, "approved_at": nullable("string"),
                         "approved_by_id": nullable("integer"), "invoice_line_id": nullable("integer"),
                         "invoiced_at": nullable("string"), "created_by_id": nullable("integer"), "created_at": TIME,
                         "updated_at": TIME, "removed_at": nullable("string"), "performed_on": DATE}),
    "ServiceUsageList": items_of("ServiceUsage"),
    "ServiceUsageInput": obj({"ticket_id": {"type": "integer"}, "item_id": {"type": "integer"},
                              "quantity": {"type": "integer", "minimum": 1}, "performed_on": DATE,
                              "unit_price": MONEY, "notes": {"type": "string"}}, ["ticket_id", "item_id"]),
    "TimeCharge": obj({"time_entry_id": {"type": "integer"}, "ticket_id": {"type": "integer"},
                       "user_id": {"type": "integer"}, "work_date": DATE, "work_type_id": {"type": "integer"},
                       "work_type": {"type": "string"}, "minutes": {"type": "integer"},
                       "billable_minutes": {"type": "integer"}, "charged_minutes": {"type": "integer"},
                       "billing": {"type": "string"}, "after_hours": {"type": "boolean"}, "status": WORK_STATUS,
                       "basis": BASIS, "contract_id": nullable("integer"), "contract": {"type": "string"},
                       "hourly_rate": nullable("string"), "rate_source": {"type": "string"},
                       "blocks": {"type": "array", "items": obj({"block_id": {"type": "integer"}, "minutes": {"type": "integer"},
                                                                "used_after": {"type": "integer"}, "capacity": {"type": "integer"}})},
                       "overage_minutes": {"type": "integer"}, "amount": MONEY, "tax_category_id": nullable("integer"),
                       "cost": {**MONEY, "description": "Staff only."},
                       "explanation": {"type": "string", "description": "Why this is charged, in words."}}),
    "ItemCharge": obj({"part_usage_id": {"type": "integer"}, "service_usage_id": {"type": "integer"},
                       "ticket_id": {"type": "integer"}, "item_id": {"type": "integer"}, "sku": {"type": "string"},
                       "name": {"type": "string"}, "used_on": DATE, "performed_on": DATE,
                       "quantity": {"type": "integer"}, "unit_price": MONEY, "status": WORK_STATUS, "basis": BASIS,
                       "contract_id": nullable("integer"), "contract": {"type": "string"}, "amount": MONEY,
                       "tax_category_id": nullable("integer"),
                       "serial_numbers": {"type": "array", "items": {"type": "string"}},
                       "cost": {**MONEY, "description": "Staff only."}, "explanation": {"type": "string"}}),
    "WorkCharges": obj({"client_id": {"type": "integer"}, "ticket_id": nullable("integer"),
                        "currency": {"type": "string"}, "time": {"type": "array", "items": ref("TimeCharge")},
                        "parts": {"type": "array", "items": ref("ItemCharge")},
                        "services": {"type": "array", "items": ref("ItemCharge")},
                        "totals": obj({"charged": MONEY, "cost": {**MONEY, "description": "Staff only."}})}),
    "ApprovalResult": obj({"time_entries": {"type": "integer"}, "part_usages": {"type": "integer"},
                           "service_usages": {"type": "integer"}}),
    "HourBlock": obj({"id": {"type": "integer"}, "label": {"type": "string"}, "hours": DECIMAL,
                      "minutes": {"type": "integer"}, "price": MONEY, "valid_from": DATE, "valid_to": DATE,
                      "warned_80_at": nullable("string"), "warned_95_at": nullable("string"),
                      "invoice_line_id": nullable("integer"), "invoiced_at": nullable("string")}),
    "HourBlockInput": obj({"label": {"type": "string"}, "hours": DECIMAL, "minutes": {"type": "integer"},
                           "price": MONEY, "valid_from": DATE, "valid_to": DATE},
                          ["label", "price", "valid_from", "valid_to"]),
    "ManagedTerms": obj({"effective_from": DATE, "flat_fee": MONEY, "per_workstation": MONEY, "per_server": MONEY,
                         "per_user": MONEY, "user_count": {"type": "integer"},
                         "manual_workstations": {"type": "integer"}, "manual_servers": {"type": "integer"},
                         "note": {"type": "string"}, "recorded_at": TIME, "recorded_by": {"type": "string"}}),
    "PriceChange": obj({"effective_from": DATE, "flat_fee": MONEY, "per_workstation": MONEY, "per_server": MONEY,
                        "per_user": MONEY, "user_count": {"type": "integer"},
                        "manual_workstations": {"type": "integer"}, "manual_servers": {"type": "integer"},
                        "note": {"type": "string"}}, ["effective_from"]),
    "Contract": obj({"id": {"type": "integer"}, "client_id": {"type": "integer"},
                     "kind": {"type": "string", "enum": ["time_and_materials", "block_hours", "managed"]},
                     "name": {"type": "string"}, "reference": {"type": "string"}, "currency": {"type": "string"},
                     "starts_on": DATE, "ends_on": nullable("string"), "term_months": {"type": "integer"},
                     "auto_renew": {"type": "boolean"}, "notice_days": {"type": "integer"},
                     "last_day": nullable("string"), "sla_policy_id": nullable("integer"),
                     "covered_work_types": {"type": "array", "items": {"type": "integer"}},
                     "covered_items": {"type": "array", "items": {"type": "integer"}},
                     "rates": {"type": "array", "items": obj({"work_type_id": {"type": "integer"}, "hourly_rate": MONEY})},
                     "overage_rate": nullable("string"), "rollover": {"type": "boolean"},
                     "blocks": {"type": "array", "items": ref("HourBlock")},
                     "terms": {"type": "array", "items": ref("ManagedTerms")},
                     "cancellation": {"oneOf": [obj({"effective_on": DATE, "recorded_at": nullable("string"),
                                                     "reason": {"type": "string"}, "by": {"type": "string"}}),
                                                {"type": "null"}]},
                     "notes": {"type": "string"}, "created_at": TIME, "updated_at": TIME}),
    "ContractInput": obj({"client_id": {"type": "integer"},
                          "kind": {"type": "string", "enum": ["time_and_materials", "block_hours", "managed"]},
                          "name": {"type": "string"}, "reference": {"type": "string"}, "starts_on": DATE,
                          "ends_on": nullable("string"), "term_months": {"type": "integer"},
                          "auto_renew": {"type": "boolean"}, "notice_days": {"type": "integer"},
                          "sla_policy_id": nullable("integer"),
                          "covered_work_types": {"type": "array", "items": {"type": "integer"}},
                          "covered_items": {"type": "array", "items": {"type": "integer"}},
                          "rates": {"type": "array", "items": obj({"work_type_id": {"type": "integer"}, "hourly_rate": MONEY})},
                          "overage_rate": nullable("string"), "rollover": {"type": "boolean"}, "notes": {"type": "string"},
                          "terms": obj({"flat_fee": MONEY, "per_workstation": MONEY, "per_server": MONEY,
                                        "per_user": MONEY, "user_count": {"type": "integer"},
                                        "manual_workstations": {"type": "integer"},
                                        "manual_servers": {"type": "integer"}, "note": {"type": "string"}}),
                          "blocks": {"type": "array", "items": ref("HourBlockInput")}}),
    "ContractPage": items_of("Contract"),
    "BlockBalance": obj({"block_id": {"type": "integer"}, "label": {"type": "string"}, "valid_from": DATE,
                         "valid_to": DATE, "purchased_minutes": {"type": "integer"},
                         "rolled_in_minutes": {"type": "integer"}, "used_minutes": {"type": "integer"},
                         "rolled_out_minutes": {"type": "integer"}, "remaining_minutes": {"type": "integer"},
                         "used_per_mille": {"type": "integer"}, "warning": {"type": "integer", "enum": [0, 80, 95]}}),
    "ManagedFee": obj({"terms_effective_from": DATE, "devices_from_agents": {"type": "boolean"},
                       "lines": {"type": "array", "items": obj({"what": {"type": "string"}, "quantity": {"type": "integer"},
                                                               "unit_price": MONEY, "amount": MONEY})},
                       "total": MONEY, "currency": {"type": "string"}}),
    "ContractDetails": obj({"contract": ref("Contract"), "client_name": {"type": "string"}, "as_of": DATE,
                            "active": {"type": "boolean"}, "last_day": nullable("string"),
                            "renewal_date": nullable("string"), "notice_deadline": nullable("string"),
                            "balances": {"type": "array", "items": ref("BlockBalance")},
                            "fee": {"oneOf": [ref("ManagedFee"), {"type": "null"}]}}),
    "ContractLedger": obj({"contract_id": {"type": "integer"}, "name": {"type": "string"},
                           "balances": {"type": "array", "items": ref("BlockBalance")},
                           "rows": {"type": "array", "items": obj({
                               "kind": {"type": "string", "enum": ["consumption", "overage", "rollover_out", "rollover_in"]},
                               "block_id": nullable("integer"), "time_entry_id": nullable("integer"),
                               "other_block_id": nullable("integer"), "on": DATE, "minutes": {"type": "integer"},
                               "locked": {"type": "boolean"}})}}),
    "ContractFee": obj({"contract_id": {"type": "integer"}, "on": DATE,
                        "agents": obj({"workstations": {"type": "integer"}, "servers": {"type": "integer"}}),
                        "fee": ref("ManagedFee")}),
    "Cancellation": obj({"effective_on": DATE, "reason": {"type": "string"}, "waive_notice": {"type": "boolean"}},
                        ["reason"]),
    "ImportFile": {"type": "object", "description": "A Tend import file: see docs/import-format.md.",
                   "required": ["tend_import"], "additionalProperties": True},
    "ImportSummary": obj({k: {"type": "integer"} for k in [
        "tax_categories", "work_types", "clients", "sites", "contacts", "client_rates", "users", "technician_rates",
        "catalogue_items", "contracts", "tickets", "service_usages", "time_entries", "part_usages"]}
        | {"dry_run": {"type": "boolean"}}),
}

ID = [id_param()]
RATE_PARAMS = [id_param("id", "The client."), id_param("work_type_id", "The work type.")]

PATHS = {
    "/api/v1/tax-categories": {
        "get": op("listTaxCategories", "List tax categories.", STAFF, "TaxCategoryList"),
        "post": op("createTaxCategory", "Create a tax category (code, name, rate in percent).", FINANCE,
                   "TaxCategory", "201", body="TaxCategoryInput"),
    },
    "/api/v1/tax-categories/{id}": {
        "patch": op("updateTaxCategory", "Change a tax category.", FINANCE, "TaxCategory", params=ID,
                    body="TaxCategoryInput"),
    },
    "/api/v1/work-types": {
        "get": op("listWorkTypes", "List work types.", STAFF, "WorkTypeList"),
        "post": op("createWorkType", "Create a work type with its default rate (provider currency), minimum and increment.",
                   FINANCE, "WorkType", "201", body="WorkTypeInput"),
    },
    "/api/v1/work-types/{id}": {
        "get": op("getWorkType", "Read a work type.", STAFF, "WorkType", params=ID),
        "patch": op("updateWorkType", "Change a work type.", FINANCE, "WorkType", params=ID, body="WorkTypeInput"),
    },
    "/api/v1/technicians": {
        "get": op("listTechnicians", "List active staff with their internal cost rates.", FINANCE, "TechnicianList"),
    },
    "/api/v1/technicians/{id}": {
        "patch": op("setTechnicianCostRate", "Set a staff user's cost rate per hour.", FINANCE, "Technician",
                    params=ID, body="CostRateInput"),
    },
    "/api/v1/clients/{id}/rates": {
        "get": op("listClientRates", "List a client's own hourly rates.", STAFF, "ClientRateList", params=ID),
    },
    "/api/v1/clients/{id}/rates/{work_type_id}": {
        "put": op("setClientRate", "Set a client's hourly rate for a work type (client currency).", FINANCE,
                  "ClientRate", params=RATE_PARAMS, body="ClientRateInput"),
        "delete": op("removeClientRate", "Remove a client's rate for a work type.", FINANCE, None, "204",
                     params=RATE_PARAMS),
    },
    "/api/v1/clients/{id}/charges": {
        "get": op("getClientCharges", "What a client's time, parts and services dated from..to are charged, and why.",
                  CHARGE_READERS, "WorkCharges",
                  params=ID + [query("from", "First date (YYYY-MM-DD), required.", DATE),
                               query("to", "Last date (YYYY-MM-DD), required.", DATE)]),
    },
    "/api/v1/catalogue": {
        "get": op("listCatalogue", "List parts and fixed-price services.", STAFF, "CataloguePage",
                  params=PAGING + [query("q", "Text in the name or SKU."),
                                   query("kind", "part or service."),
                                   query("active", "true or false."),
                                   query("below_reorder_level", "true: parts at or below their reorder level.")]),
        "post": op("createCatalogueItem", "Add a part or fixed-price service (provider currency).", FINANCE,
                   "CatalogueItem", "201", body="CatalogueItemInput"),
    },
    "/api/v1/catalogue/{id}": {
        "get": op("getCatalogueItem", "Read a catalogue item with its stock on hand.", STAFF, "CatalogueItem", params=ID),
        "patch": op("updateCatalogueItem", "Change a catalogue item.", FINANCE, "CatalogueItem", params=ID,
                    body="CatalogueItemInput"),
    },
    "/api/v1/catalogue/{id}/stock": {
        "get": op("listStockMovements", "Read a part's stock ledger, newest first.", STAFF, "StockMovementList",
                  params=ID + [query("before", "Only movements with a smaller id.", {"type": "integer"}),
                               query("limit", "1-500 (default 100).", {"type": "integer"})]),
        "post": op("addStockMovement", "Book a receipt or a correction (with a note).", FINANCE, "StockMovement",
                   "201", params=ID, body="StockMovementInput"),
    },
    "/api/v1/time-entries": {
        "get": op("listTimeEntries", "List time entries.", STAFF, "TimeEntryPage",
                  params=PAGING + [query("ticket_id", "Only this ticket.", {"type": "integer"}),
                                   query("client_id", "Only this client.", {"type": "integer"}),
                                   query("user_id", "Only this technician.", {"type": "integer"}),
                                   query("status", "draft, approved or invoiced."),
                                   query("from", "Work date from (YYYY-MM-DD).", DATE),
                                   query("to", "Work date to (YYYY-MM-DD).", DATE)]),
        "post": op("logTime", "Log time on a ticket (start/end or minutes); billable minutes follow the rounding rule.",
                   TECHNICIANS, "TimeEntry", "201", body="TimeEntryInput"),
    },
    "/api/v1/time-entries/{id}": {
        "get": op("getTimeEntry", "Read a time entry.", STAFF, "TimeEntry", params=ID),
        "patch": op("updateTimeEntry", "Change a draft time entry; finance and admins may override billable minutes with a reason.",
                    TIME_EDITORS, "TimeEntry", params=ID, body="TimeEntryInput"),
        "delete": op("removeTimeEntry", "Remove a draft time entry (kept as history).", TECHNICIANS, "TimeEntry",
                     params=ID),
    },
    "/api/v1/time-entries/{id}/charge": {
        "get": op("getTimeEntryCharge", "What a time entry is charged, which contract covers it, and why.", STAFF,
                  "TimeCharge", params=ID),
    },
    "/api/v1/time-entries/{id}/approve": {
        "post": op("approveTimeEntry", "Approve a time entry for billing.", FINANCE, "TimeEntry", params=ID),
    },
    "/api/v1/time-entries/{id}/unapprove": {
        "post": op("unapproveTimeEntry", "Return an approved (not invoiced) entry to draft.", FINANCE, "TimeEntry",
                   params=ID),
    },
    "/api/v1/timer": {
        "get": op("getTimer", "Your running timer, if any (admins: any user's).", TECHNICIANS, "TimerState",
                  params=[query("user_id", "Admins: whose timer.", {"type": "integer"})]),
    },
    "/api/v1/timer/start": {
        "post": op("startTimer", "Start a timer on a ticket (one per technician).", TECHNICIANS, "RunningTimer", "201",
                   body="TimerStart"),
    },
    "/api/v1/timer/stop": {
        "post": op("stopTimer", "Stop your timer and log the time as an entry.", TECHNICIANS, "TimeEntry", "201",
                   body="TimerStop"),
    },
    "/api/v1/tickets/{id}/parts": {
        "get": op("listTicketParts", "List the parts used on a ticket.", STAFF, "PartUsageList", params=ID),
    },
    "/api/v1/part-usages": {
        "post": op("useParts", "Use parts on a ticket; writes a stock movement (stock may go below zero, flagged).",
                   TECHNICIANS, "PartUsage", "201", body="PartUsageInput"),
    },
    "/api/v1/part-usages/{id}": {
        "delete": op("removePartUsage", "Remove parts from a ticket; they go back into stock.", TECHNICIANS,
                     "PartUsage", params=ID),
    },
    "/api/v1/part-usages/{id}/approve": {
        "post": op("approvePartUsage", "Approve a part usage for billing.", FINANCE, "PartUsage", params=ID),
    },
    "/api/v1/part-usages/{id}/unapprove": {
        "post": op("unapprovePartUsage", "Return an approved part usage to draft.", FINANCE, "PartUsage", params=ID),
    },
    "/api/v1/tickets/{id}/services": {
        "get": op("listTicketServices", "List the fixed-price services of a ticket.", STAFF, "ServiceUsageList",
                  params=ID),
    },
    "/api/v1/service-usages": {
        "post": op("addService", "Add a fixed-price service to a ticket.", TECHNICIANS, "ServiceUsage", "201",
                   body="ServiceUsageInput"),
    },
    "/api/v1/service-usages/{id}": {
        "delete": op("removeService", "Remove a fixed-price service that is not invoiced.", TECHNICIANS,
                     "ServiceUsage", params=ID),
    },
    "/api/v1/service-usages/{id}/approve": {
        "post": op("approveService", "Approve a service for billing.", FINANCE, "ServiceUsage", params=ID),
    },
    "/api/v1/service-usages/{id}/unapprove": {
        "post": op("unapproveService", "Return an approved service to draft.", FINANCE, "ServiceUsage", params=ID),
    },
    "/api/v1/tickets/{id}/charges": {
        "get": op("getTicketCharges",
                  "What a ticket's time, parts and services are charged, which contract covers each, and why "
                  "(portal users: their own client's tickets, without costs).",
                  EVERYONE, "WorkCharges", params=ID),
    },
    "/api/v1/tickets/{id}/approve-work": {
        "post": op("approveTicketWork", "Approve every draft time entry, part and service of a ticket.", FINANCE,
                   "ApprovalResult", params=ID),
    },
    "/api/v1/import": {
        "post": op("importFile", "Import a file of clients, users, work types, catalogue, contracts, tickets, "
                                 "time and parts in one transaction: all or nothing (docs/import-format.md).",
                   ADMIN, "ImportSummary", "201",
                   params=[query("dry_run", "true: check and roll back (200).")], body="ImportFile"),
    },
    "/api/v1/contracts": {
        "get": op("listContracts", "List contracts (portal users: their own client's).", EVERYONE, "ContractPage",
                  params=PAGING + [query("q", "Text in the name."),
                                   query("client_id", "Only this client.", {"type": "integer"}),
                                   query("kind", "time_and_materials, block_hours or managed."),
                                   query("active_on", "Only contracts that apply on this date.", DATE)]),
        "post": op("createContract", "Create a contract (T&M, block hours with blocks, or managed with prices).",
                   FINANCE, "Contract", "201", body="ContractInput"),
    },
    "/api/v1/contracts/{id}": {
        "get": op("getContract", "Read a contract with its status, renewal, block balances and monthly fee.",
                  EVERYONE, "ContractDetails", params=ID + [query("as_of", "The date to evaluate (default today).", DATE)]),
        "patch": op("updateContract", "Change a contract (prices change through price-changes).", FINANCE, "Contract",
                    params=ID, body="ContractInput"),
    },
    "/api/v1/contracts/{id}/price-changes": {
        "post": op("changeContractPrice", "Add new prices from a date on; the history is kept.", FINANCE, "Contract",
                   "201", params=ID, body="PriceChange"),
    },
    "/api/v1/contracts/{id}/cancel": {
        "post": op("cancelContract", "Cancel with an effective date (the notice period applies unless waived).",
                   FINANCE, "Contract", params=ID, body="Cancellation"),
    },
    "/api/v1/contracts/{id}/blocks": {
        "post": op("addHourBlock", "Add a block of prepaid hours.", FINANCE, "Contract", "201", params=ID,
                   body="HourBlockInput"),
    },
    "/api/v1/contracts/{id}/ledger": {
        "get": op("getContractLedger", "The balance ledger of a block-hours contract: consumption per time entry, "
                                       "overage and rollover.", EVERYONE, "ContractLedger", params=ID),
    },
    "/api/v1/contracts/{id}/fee": {
        "get": op("getContractFee", "The monthly fee of a managed agreement on a date, devices counted from the "
                                    "RMM registry.", EVERYONE, "ContractFee",
                  params=ID + [query("on", "The date (default today).", DATE)]),
    },
}


def main():
    doc = json.loads(PATH.read_text())
    paths = doc.setdefault("paths", {})
    for path, operations in PATHS.items():
        existing = paths.setdefault(path, {})
        existing.update(operations)
    doc.setdefault("components", {}).setdefault("schemas", {}).update(SCHEMAS)
    PATH.write_text(json.dumps(doc, indent=1, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
