// Accounting exports: the issued invoices and credit notes of a period as
// CSV files that Xero (sales invoice import, credit note import) and
// QuickBooks Online (invoice import) read. One row per invoice line. Pure:
// the app layer loads the invoices and their clients and writes the text.
// docs/billing-rules.md ("Accounting exports") documents the column layouts.
//
// Rules:
// * CSV per RFC 4180: fields separated by commas, rows ended by CRLF, a
//   field that holds a comma, a double quote, CR or LF (or starts or ends
//   with a space) is quoted and its quotes doubled; bytes are passed as they
//   are, so UTF-8 text stays intact. The first row is the header.
// * Money is a decimal with a dot in major units ("1234.50", "-35.00"),
//   never with thousands separators or a currency sign.
// * Quantity x UnitAmount of a row always comes to the line's amount: the
//   row carries quantity x factor when that is a decimal with at most four
//   places and reproduces the amount exactly, otherwise quantity 1 (or -1)
//   at the line's amount (a prorated 10 x 20.00 x 7/15 = 93.33 becomes
//   1 x 93.33; the description still says what it is). TaxAmount is the
//   line's tax, so the rows add up to the invoice's net, tax and total.
// * Xero takes invoices and credit notes in two files (it does not approve
//   an invoice whose total is negative): the invoice file holds invoices
//   only, the credit-note file credit notes only, with positive quantities
//   and amounts (Xero credits them) and their own number.
// * QuickBooks' invoice import has no credit memos: its file holds credit
//   notes as rows with negative quantities (and amounts), so the period ties
//   out; they are entered there as credit memos.
// * A credit note's rows name the invoice it credits (Reference / Memo).
#pragma once

#include <map>
#include <span>
#include <string>
#include <string_view>

#include "core/invoice.h"
#include "core/tenancy.h"

namespace tend {

// The accounting tools' import files. Wire spelling = enumerator name.
enum class ExportFormat { xero, quickbooks, xero_credit_notes };
const char* to_string(ExportFormat format);
// invalid_input (field "format") naming the accepted values.
Result<ExportFormat> parse_export_format(std::string_view text);

// How dates are written: 31/12/2026 (dmy, the default: Xero's template and
// QuickBooks outside the US), 12/31/2026 (mdy) or 2026-12-31 (iso).
enum class ExportDateOrder { dmy, mdy, iso };
// "DD/MM/YYYY", "MM/DD/YYYY" or "YYYY-MM-DD"; invalid_input otherwise.
Result<ExportDateOrder> parse_export_date_order(std::string_view text);
std::string format_export_date(CivilDate day, ExportDateOrder order);

// What the tools need that Tend does not know: account codes, tax rate
// names and item names. The maps are keyed by line kind ("recurring_fee",
// "time", ..., core/invoice.h) or by Tend tax code ("NL21",
// "reverse_charge", "exempt"); what is not mapped gets the default.
struct ExportOptions {
  ExportDateOrder dates = ExportDateOrder::dmy;
  std::string account_code = "200";                  // Xero AccountCode (Xero's default "Sales")
  std::map<std::string, std::string> account_codes;  // by line kind
  // The tax rate's name in the tool, by Tend tax code; default: the Tend
  // code itself, or "No VAT" for a line without a code.
  std::map<std::string, std::string> tax_types;
  // QuickBooks Item(Product/Service), by line kind; default: kDefaultQuickbooksItems.
  std::map<std::string, std::string> quickbooks_items;
};

// Parses "key=value;key=value" (spaces around keys and values trimmed; empty
// text is an empty map). invalid_input (field `field`) for an entry without
// '=' or an empty key.
Result<std::map<std::string, std::string>> parse_export_mapping(std::string_view text,
                                                                const std::string& field);

// An issued invoice or credit note with what the export says about its client.
struct ExportInvoice {
  Invoice invoice;  // issued: number, issued_on, due_on, lines, totals
  std::string contact_name;
  std::string email;
  Address address;
  std::string credited_number;  // a credit note: the invoice it credits
};

// The header rows, for the documentation and the tests.
extern const std::string_view kXeroColumns[29];
extern const std::string_view kXeroCreditNoteColumns[27];
extern const std::string_view kQuickbooksColumns[16];

// One field, quoted when RFC 4180 needs it.
std::string csv_field(std::string_view text);

// The Xero sales invoice import file: the header and one row per line of
// each invoice (kind invoice; credit notes are left out), in the given order.
std::string xero_csv(std::span<const ExportInvoice> invoices, const ExportOptions& options);
// The Xero credit note import file: the header and one row per line of each
// credit note (invoices are left out), in the given order, with the signs
// turned: quantity x unit amount and the tax are what the note credits.
std::string xero_credit_notes_csv(std::span<const ExportInvoice> invoices, const ExportOptions& options);
// The QuickBooks Online invoice import file: one row per line of each
// invoice and credit note (negative), in the given order.
std::string quickbooks_csv(std::span<const ExportInvoice> invoices, const ExportOptions& options);
// The file of `format` (one of the three above).
std::string export_file(ExportFormat format, std::span<const ExportInvoice> invoices,
                        const ExportOptions& options);

// The quantity and unit amount a row carries for a line (see the file
// comment): quantity x unit amount = the line's amount, exactly.
struct ExportQuantity {
  std::string quantity;     // "0.75", "-1"
  std::string unit_amount;  // "95.00"
};
ExportQuantity export_quantity(const InvoiceLine& line);

}  // namespace tend
