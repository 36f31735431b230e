#!/usr/bin/env python3
"""Adds (or refreshes) the paths and schemas of billing in api/openapi.json:
the billing run, invoices and credit notes, payments, AR ageing, the client
statement, the accounting exports and the billing settings.

Loads the document, replaces only what belongs to this area (the paths and
schemas named below), and writes it back with indent=1, so other areas'
additions are kept. Run from the repository root:
    python3 api/openapi_billing.py
The roles here must equal the route table (api/routes_billing.cpp);
api_test checks that. Helpers are shared with api/openapi_work.py.
"""
import json

from openapi_work import (ADMIN, DATE, DECIMAL, MONEY, PAGING, PATH, STAFF, TIME, id_param, nullable, obj, op, query,
                          ref)

BILLING_EDITORS = ["admin", "finance"]
BILLING_READERS = ["admin", "finance", "read_only"]
INVOICE_READERS = ["admin", "finance", "read_only", "portal"]

ID = [id_param()]
CURRENCY = {"type": "string", "description": "ISO 4217 code, e.g. EUR."}
INVOICE_STATUS = {"type": "string", "enum": ["draft", "issued", "sent", "partly_paid", "paid"]}
INVOICE_KIND = {"type": "string", "enum": ["invoice", "credit_note"]}
LINE_KIND = {"type": "string", "enum": ["recurring_fee", "block_purchase", "time", "part", "service", "manual",
                                        "credit"]}
METHOD = {"type": "string", "enum": ["bank_transfer", "direct_debit", "card", "cash", "other"]}
BUCKETS = obj({"current": MONEY, "1-30": MONEY, "31-60": MONEY, "61-90": MONEY, "90+": MONEY})

INVOICE_FIELDS = {
    "id": nullable("integer", description="null on a dry run"),
    "client_id": {"type": "integer"}, "client_name": {"type": "string"},
    "kind": INVOICE_KIND, "status": INVOICE_STATUS, "currency": CURRENCY,
    "number": nullable("string", description="2026-000123; null while draft"),
    "issued_on": nullable("string", format="date"), "due_on": nullable("string", format="date"),
    "payment_terms_days": {"type": "integer"},
    "credited_invoice_id": nullable("integer"), "credited_number": nullable("string"),
    "period": nullable("string"), "period_from": nullable("string", format="date"),
    "period_to": nullable("string", format="date"),
    "net": MONEY, "tax": MONEY, "total": MONEY, "notes": {"type": "string"},
    "issued_at": nullable("string", format="date-time"), "sent_at": nullable("string", format="date-time"),
    "created_by": {"type": "string"}, "created_at": TIME, "updated_at": TIME,
}
LINE = obj({"id": nullable("integer"), "position": {"type": "integer"}, "kind": LINE_KIND,
            "description": {"type": "string"}, "quantity": DECIMAL, "unit": {"type": "string"},
            "unit_price": MONEY, "factor": DECIMAL, "amount": MONEY, "tax_category_id": nullable("integer"),
            "tax_code": {"type": "string"}, "tax_rate": DECIMAL, "tax_amount": MONEY,
            "item_key": nullable("string", description="The billed item: time_entry:123, contract_fee:45:2026-11 ..."),
            "line_key": nullable("string"), "service_from": nullable("string", format="date"),
            "service_to": nullable("string", format="date")})
TAX_ROW = obj({"tax_code": {"type": "string"}, "tax_rate": DECIMAL, "base": MONEY, "tax": MONEY,
               "lines": {"type": "integer"}})
AGEING = {"currency": CURRENCY, "buckets": BUCKETS, "total": MONEY, "invoices": {"type": "integer"},
          "oldest_days_overdue": {"type": "integer"}}

SCHEMAS = {
    "Invoice": obj(INVOICE_FIELDS | {"lines": {"type": "array", "items": LINE},
                                     "tax_summary": {"type": "array", "items": TAX_ROW}}),
    "InvoiceSummary": obj(INVOICE_FIELDS),
    "InvoicePage": obj({"items": {"type": "array", "items": ref("InvoiceSummary")}, "next_cursor": nullable("string")}),
    "InvoiceDetails": obj(INVOICE_FIELDS | {
        "lines": {"type": "array", "items": LINE}, "tax_summary": {"type": "array", "items": TAX_ROW},
        "paid": MONEY, "credited": MONEY, "open": MONEY,
        "payments": {"type": "array", "items": obj({"payment_id": {"type": "integer"}, "received_on": DATE,
                                                    "method": METHOD, "reference": {"type": "string"},
                                                    "amount": MONEY})},
        "credit_notes": {"type": "array", "items": obj({"id": {"type": "integer"}, "number": nullable("string"),
                                                        "status": INVOICE_STATUS, "total": MONEY})}}),
    "InvoiceInput": obj({"notes": {"type": "string", "maxLength": 2000}}),
    "ManualLineInput": obj({"description": {"type": "string", "maxLength": 1000}, "quantity": DECIMAL,
                            "unit": {"type": "string", "maxLength": 20}, "unit_price": MONEY,
                            "tax_category_id": nullable("integer")}, ["description", "unit_price"]),
    "IssueInput": obj({"issued_on": {**DATE, "description": "The issue date (default today)."}}),
    "CreditNoteInput": obj({"lines": {"type": "array", "items": obj(
        {"position": {"type": "integer", "minimum": 1}, "quantity": DECIMAL}, ["position"])},
        "notes": {"type": "string"}}),
    "BillingRunInput": obj({"period": {"type": "string", "description": "2026-11 or 2026-11-01..2026-11-15"},
                            "client_id": nullable("integer"),
                            "client_ids": {"type": "array", "maxItems": 10000, "items": {"type": "integer"},
                                           "description": "Only these clients (not with client_id)."},
                            "dry_run": {"type": "boolean"},
                            "billing_date": {**DATE, "description": "Devices are counted on this day (default "
                                                                    "today, moved into the period)."}},
                           ["period"]),
    "BillingRun": obj({"period": {"type": "string"}, "first_day": DATE, "last_day": DATE, "billing_date": DATE,
                       "dry_run": {"type": "boolean"}, "drafts": {"type": "integer"}, "failed": {"type": "integer"},
                       "totals": {"type": "array", "items": obj({"currency": CURRENCY, "total": MONEY})},
                       "clients": {"type": "array", "items": obj({
                           "client_id": {"type": "integer"}, "client_name": {"type": "string"},
                           "outcome": {"type": "string",
                                       "enum": ["created", "replaced", "unchanged", "nothing_to_bill", "failed"]},
                           "replaced": {"type": "array", "items": {"type": "integer"}},
                           "invoice": {"oneOf": [ref("Invoice"), {"type": "null"}]},
                           "error": nullable("string")})}}),
    "Payment": obj({"id": {"type": "integer"}, "client_id": {"type": "integer"}, "amount": MONEY,
                    "currency": CURRENCY, "received_on": DATE, "method": METHOD, "reference": {"type": "string"},
                    "notes": {"type": "string"},
                    "allocations": {"type": "array", "items": obj({"invoice_id": {"type": "integer"},
                                                                   "amount": MONEY})},
                    "unallocated": MONEY, "created_by": {"type": "string"}, "created_at": TIME}),
    "PaymentPage": obj({"items": {"type": "array", "items": ref("Payment")}, "next_cursor": nullable("string")}),
    "PaymentInput": obj({"client_id": {"type": "integer"}, "amount": MONEY, "received_on": DATE, "method": METHOD,
                         "reference": {"type": "string"}, "notes": {"type": "string"},
                         "allocations": {"type": "array", "items": obj({"invoice_id": {"type": "integer"},
                                                                        "amount": MONEY},
                                                                       ["invoice_id", "amount"])}},
                        ["client_id", "amount"]),
    "AgeingReport": obj({"as_of": DATE, "buckets": {"type": "array", "items": {"type": "string"}},
                         "clients": {"type": "array", "items": obj(AGEING | {"client_id": {"type": "integer"},
                                                                             "client_name": {"type": "string"}})},
                         "totals": {"type": "array", "items": obj(AGEING)}}),
    "ClientStatement": obj({"client_id": {"type": "integer"}, "client_name": {"type": "string"},
                            "currency": CURRENCY, "as_of": DATE,
                            "entries": {"type": "array", "items": obj({
                                "on": DATE, "kind": {"type": "string", "enum": ["invoice", "credit_note", "payment"]},
                                "id": {"type": "integer"}, "reference": {"type": "string"},
                                "due_on": nullable("string", format="date"), "amount": MONEY, "balance": MONEY,
                                "open": MONEY})},
                            "balance": MONEY, "unallocated": MONEY, "ageing": obj(AGEING)}),
    "BillingSettings": obj({"fee_tax_category_id": nullable("integer",
                                                            description="The tax of recurring fees and blocks.")}),
    "ClientBilling": obj({"client_id": {"type": "integer"},
                          "tax_treatment": {"type": "string", "enum": ["standard", "reverse_charge", "exempt"]},
                          "payment_terms_days": nullable("integer", description="null: the provider's")}),
    "ProviderLogo": obj({"width": {"type": "integer", "description": "Pixels."},
                         "height": {"type": "integer", "description": "Pixels."},
                         "bytes": {"type": "integer", "description": "The PNG file's size."},
                         "updated_at": TIME}),
    "ProviderLogoInput": obj({"png_base64": {"type": "string", "description": "The PNG file in base64."}},
                             required=["png_base64"]),
    "ClientBillingInput": obj({"tax_treatment": {"type": "string", "enum": ["standard", "reverse_charge", "exempt"]},
                               "payment_terms_days": nullable("integer", minimum=0, maximum=365)}),
}

def pdf_op():
    """The invoice as an A4 PDF (binary, not JSON)."""
    o = op("getInvoicePdf", "Download an invoice or credit note as an A4 PDF (drafts marked DRAFT, without a number; "
                            "portal users: their own client's issued ones, 404 otherwise).", INVOICE_READERS,
           "InvoiceDetails", params=ID)
    o["responses"]["200"] = {
        "description": "The PDF; Content-Disposition names it invoice-2026-000123.pdf (credit-note-..., "
                       "invoice-draft-<id>.pdf for a draft).",
        "headers": {"Content-Disposition": {"schema": {"type": "string"}}},
        "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}}
    return o


def logo_op():
    """The provider's logo as a PNG (binary, not JSON)."""
    o = op("getProviderLogo", "Download the logo printed at the top of invoice PDFs (404 when none is set).", STAFF,
           "ProviderLogo")
    o["responses"]["200"] = {"description": "The PNG file.",
                             "content": {"image/png": {"schema": {"type": "string", "format": "binary"}}}}
    return o


def csv_op(o):
    """An operation whose 200 answer is a CSV file instead of JSON."""
    o["responses"]["200"] = {"description": "A CSV file (RFC 4180, UTF-8, CRLF row ends)",
                             "content": {"text/csv": {"schema": {"type": "string"}}}}
    return o


PATHS = {
    "/api/v1/billing/runs": {
        "post": op("runBilling", "Make the draft invoices of a period per client (idempotent; dry_run: roll back "
                                 "and show what would be invoiced).", BILLING_EDITORS, "BillingRun",
                   body="BillingRunInput"),
    },
    "/api/v1/billing/settings": {
        "get": op("getBillingSettings", "Read the billing settings.", BILLING_READERS, "BillingSettings"),
        "put": op("setBillingSettings", "Change the billing settings.", BILLING_EDITORS, "BillingSettings",
                  body="BillingSettings"),
    },
    "/api/v1/clients/{id}/billing": {
        "get": op("getClientBilling", "Read a client's tax treatment and payment terms.", BILLING_READERS,
                  "ClientBilling", params=ID),
        "put": op("setClientBilling", "Change a client's tax treatment and payment terms.", BILLING_EDITORS,
                  "ClientBilling", params=ID, body="ClientBillingInput"),
    },
    "/api/v1/clients/{id}/statement": {
        "get": op("getClientStatement", "A client's statement: issued invoices, credit notes, payments, balance and "
                                        "ageing (portal users: their own client).", INVOICE_READERS,
                  "ClientStatement", params=ID + [query("as_of", "The date (default today).", DATE)]),
    },
    "/api/v1/invoices": {
        "get": op("listInvoices", "List invoices and credit notes (portal users: their own client's issued ones).",
                  INVOICE_READERS, "InvoicePage",
                  params=PAGING + [query("client_id", "Only this client.", {"type": "integer"}),
                                   query("status", "draft, issued, sent, partly_paid or paid."),
                                   query("kind", "invoice or credit_note."),
                                   query("period", "A billing run's period, e.g. 2026-11.")]),
    },
    "/api/v1/invoices/{id}": {
        "get": op("getInvoice", "Read an invoice with its lines, tax summary, payments and credit notes.",
                  INVOICE_READERS, "InvoiceDetails", params=ID),
        "patch": op("updateInvoice", "Change a draft; an issued invoice is refused (409) and the attempt logged.",
                    BILLING_EDITORS, "InvoiceDetails", params=ID, body="InvoiceInput"),
        "delete": op("deleteInvoice", "Delete a draft and release what it billed; an issued invoice is refused (409) "
                                      "and the attempt logged.", BILLING_EDITORS, None, "204", params=ID),
    },
    "/api/v1/invoices/{id}/pdf": {
        "get": pdf_op(),
    },
    "/api/v1/invoices/{id}/lines": {
        "post": op("addInvoiceLine", "Add a line by hand to a draft invoice (kept when a run regenerates the "
                   "draft).", BILLING_EDITORS, "InvoiceDetails", "201", params=ID, body="ManualLineInput"),
    },
    "/api/v1/invoices/{id}/lines/{position}": {
        "delete": op("removeInvoiceLine", "Remove a line added by hand from a draft; later lines move up.",
                     BILLING_EDITORS, "InvoiceDetails",
                     params=ID + [{"name": "position", "in": "path", "required": True,
                                   "schema": {"type": "integer", "minimum": 1}}]),
    },
    "/api/v1/invoices/{id}/issue": {
        "post": op("issueInvoice", "Issue a draft today (or on issued_on, not in the future and not before the "
                   "last issued number of its year) with the next gapless number of the year.", BILLING_EDITORS,
                   "InvoiceDetails", params=ID, body="IssueInput"),
    },
    "/api/v1/invoices/{id}/send": {
        "post": op("sendInvoice", "Record that an issued invoice was sent.", BILLING_EDITORS, "InvoiceDetails",
                   params=ID),
    },
    "/api/v1/invoices/{id}/credit-note": {
        "post": op("creditInvoice", "Draft a credit note for an issued invoice (all of it, or the lines given).",
                   BILLING_EDITORS, "InvoiceDetails", "201", params=ID, body="CreditNoteInput"),
    },
    "/api/v1/payments": {
        "get": op("listPayments", "List payments with their allocations.", BILLING_READERS, "PaymentPage",
                  params=PAGING + [query("client_id", "Only this client.", {"type": "integer"})]),
        "post": op("addPayment", "Record a payment and allocate it (oldest first, or as given).", BILLING_EDITORS,
                   "Payment", "201", body="PaymentInput"),
    },
    "/api/v1/payments/{id}": {
        "get": op("getPayment", "Read a payment with its allocations.", BILLING_READERS, "Payment", params=ID),
    },
    "/api/v1/billing/exports/{format}": {
        "get": csv_op(op("exportInvoices", "The issued invoices and credit notes whose issue date is in the period as "
                                           "a CSV import file for Xero (xero: sales invoices; xero_credit_notes: credit "
                                           "notes, as positive amounts) or QuickBooks Online (invoices and credit "
                                           "notes), one row per line (docs/billing-rules.md, Accounting exports).",
                         BILLING_READERS, "BillingRun",
                         params=[{"name": "format", "in": "path", "required": True,
                                  "schema": {"type": "string", "enum": ["xero", "quickbooks", "xero_credit_notes"]}},
                                 {**query("period", "2026-11 or 2026-11-01..2026-11-15."), "required": True}])),
    },
    "/api/v1/provider/logo": {
        "get": logo_op(),
        "put": op("setProviderLogo", "Set or replace the logo printed on invoice PDFs: a PNG of at most 512 KiB and "
                                     "4000 x 4000 pixels, in base64 (standard or URL-safe; 422 otherwise).",
                  ADMIN, "ProviderLogo", body="ProviderLogoInput"),
        "delete": op("removeProviderLogo", "Remove the logo (404 when none is set).", ADMIN, None, status="204"),
    },
    "/api/v1/reports/ar": {
        "get": op("getArAgeing", "AR ageing per client and currency (current, 1-30, 31-60, 61-90, 90+ days).",
                  BILLING_READERS, "AgeingReport", params=[query("as_of", "The date (default today).", DATE)]),
    },
}
# The issue body is optional (an empty POST issues today).
PATHS["/api/v1/invoices/{id}/issue"]["post"]["requestBody"]["required"] = False


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
