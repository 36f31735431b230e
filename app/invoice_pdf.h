// The invoice PDF: an adapter that renders an invoice or credit note, with
// the provider and the client it is between, as an A4 PDF with cairo and
// pango (docs/billing-rules.md "The invoice PDF",
// docs/adr/0013-invoice-pdf-cairo-pango.md). Nothing here reads the store or
// the clock: BillingService::pdf loads the document and calls this.
//
// Layout: the provider's logo (when set) and below it the provider's name
// and address top left, the kind ("Invoice",
// "Credit note") with number, dates and period top right, the client's
// name and address below; a table of lines (description wrapped inside its
// column, quantity, unit price, tax code and rate, amount) whose header is
// repeated on every page; then the tax summary per rate, net / tax / total,
// the payment terms with the bank details, and the notes. Every page has a
// footer with the provider's registration details and "Page N of M". A
// draft carries "DRAFT" in its title and across every page, and no number.
// Text is DejaVu Sans (fonts-dejavu-core), embedded as a subset.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "core/error.h"
#include "core/invoice.h"
#include "core/provider.h"
#include "core/tenancy.h"

namespace tend {

// Everything an invoice PDF shows; plain values, cheap to build in tests.
struct InvoiceDocument {
  // Kind, status (draft or not), number, issue and due dates, payment
  // terms, the credited invoice's number, the priced lines and totals.
  Invoice invoice;
  // The billing period shown under the dates (both or neither).
  std::optional<CivilDate> period_from;
  std::optional<CivilDate> period_to;
  std::string notes;          // printed below the payment terms when not empty
  ProviderSettings provider;  // name, legal name, address, VAT, registration, bank details
  Client client;              // name, reference, address, VAT number
  // The provider's logo (PNG bytes that logo_png_size accepted), printed
  // top left within 160 x 50 points, never enlarged beyond 96 pixels per
  // inch (a small logo is not blown up); empty: none.
  std::string logo_png;
};

// What a logo may be: a PNG file of at most kMaxLogoBytes whose sides are at
// most kMaxLogoPixels.
inline constexpr size_t kMaxLogoBytes = 512 * 1024;
inline constexpr int kMaxLogoPixels = 4000;

// The width and height in pixels of `png` when it is a logo the PDF can
// print (cairo decodes it; within the limits above); invalid_input with a
// field error on `field` otherwise.
Result<std::pair<int, int>> logo_png_size(std::string_view png, const std::string& field);

// The PDF bytes ("%PDF-1.5 ..."); an issued invoice always renders to the
// same bytes (its issue date is the PDF's creation date). `document.invoice.totals` and the lines'
// amounts are printed as given (price them with core/invoice.h first).
// internal when cairo fails to produce the document (out of memory).
//
// Thread-safe: every call creates its own cairo surface and pango context,
// and the fonts come from pango's default cairo font map, which pango keeps
// per thread (pango >= 1.32.6), so concurrent calls on different threads
// share no mutable state and take no lock. The first call on a thread pays
// for loading the font map (fontconfig) on that thread.
Result<std::string> render_invoice_pdf(const InvoiceDocument& document);

// The download name: "invoice-2026-000123.pdf", "credit-note-2026-000124.pdf",
// or "invoice-draft-17.pdf" (by id) for a draft.
std::string invoice_pdf_filename(const Invoice& invoice);

// An amount as printed: the currency's digits with a thousands separator,
// "1,234.50", "-85.55".
std::string format_amount(const Money& amount);

}  // namespace tend
