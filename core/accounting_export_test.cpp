#include "core/accounting_export.h"

#include "tests/support/csv.h"

#include <gtest/gtest.h>
#include <rapidcheck.h>

#include <vector>

namespace tend {
namespace {

using Rows = std::vector<std::vector<std::string>>;

const Currency kEur = Currency::eur();
Money eur(int64_t cents) { return Money(kEur, cents); }
CivilDate day(int y, unsigned m, unsigned d) { return CivilDate(std::chrono::year(y) / m / d); }

size_t column(std::span<const std::string_view> columns, std::string_view name) {
  for (size_t i = 0; i < columns.size(); ++i) {
    if (columns[i] == name) return i;
  }
  ADD_FAILURE() << "no column " << name;
  return 0;
}

InvoiceLine line(LineKind kind, std::string description, Rational quantity, int64_t unit_cents,
                 Rational factor = {1, 1}, int64_t rate = 21) {
  InvoiceLine l;
  l.kind = kind;
  l.description = std::move(description);
  l.quantity = quantity;
  l.unit_price = eur(unit_cents);
  l.factor = factor;
  l.tax = LineTax{TaxCategoryId(1), rate == 0 ? "" : "NL" + std::to_string(rate), {rate, 1}};
  return l;
}

// An issued invoice of a client whose name and address need quoting, and a
// partial credit note for it.
std::vector<ExportInvoice> sample() {
  ExportInvoice invoice;
  invoice.contact_name = "Bakkerij \"De Zon\", Zaandam";
  invoice.email = "info@bakkerij.nl";
  invoice.address = {"Dorpsstraat 12", "2e verdieping\nachterom", "1506 AB", "Zaandam", "", "NL"};
  Invoice& i = invoice.invoice;
  i.kind = InvoiceKind::invoice;
  i.status = InvoiceStatus::issued;
  i.number = "2026-000001";
  i.issued_on = day(2026, 12, 1);
  i.due_on = day(2026, 12, 15);
  i.payment_terms_days = 14;
  i.lines = {
      line(LineKind::recurring_fee, "Managed Basic: workstations, 2026-11-01 to 2026-11-14 (14 of 30 days)",
           {10, 1}, 2000, {7, 15}),
      line(LineKind::time, "Remote support 2026-11-16 #1 Laptop – café, \"urgent\"", {3, 4}, 9500),
      line(LineKind::time, "On-site (after hours x1.5)", {1, 1}, 9500, {3, 2}),
      line(LineKind::part, "SSD 500 GB", {2, 1}, 7680), line(LineKind::time, "Covered 50 min", {5, 6}, 0)};
  i.totals = *price_invoice(kEur, i.lines);

  ExportInvoice note = invoice;
  note.credited_number = "2026-000001";
  Invoice& n = note.invoice;
  n.kind = InvoiceKind::credit_note;
  n.number = "2026-000002";
  n.issued_on = day(2026, 12, 3);
  n.due_on = day(2026, 12, 3);
  n.payment_terms_days = 0;
  InvoiceLine credit = i.lines[3];
  credit.kind = LineKind::credit;
  credit.description = "Credit: SSD 500 GB";
  credit.quantity = {-1, 1};
  n.lines = {credit};
  n.totals = *price_invoice(kEur, n.lines);
  return {invoice, note};
}

TEST(CsvField, QuotesOnlyWhatRfc4180NeedsAndKeepsUtf8) {
  EXPECT_EQ(csv_field("plain"), "plain");
  EXPECT_EQ(csv_field(""), "");
  EXPECT_EQ(csv_field("a,b"), "\"a,b\"");
  EXPECT_EQ(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(csv_field("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(csv_field("cr\rhere"), "\"cr\rhere\"");
  EXPECT_EQ(csv_field(" padded "), "\" padded \"");
  EXPECT_EQ(csv_field("Café – 10 €, ÜBER"), "\"Café – 10 €, ÜBER\"");
  EXPECT_EQ(csv_field("Ærø 東京"), "Ærø 東京");
}

TEST(ExportQuantity, CarriesQuantityTimesFactorOrFallsBackToOneTimesTheAmount) {
  auto priced = [](InvoiceLine l) { return *price_line(std::move(l)); };
  ExportQuantity hours = export_quantity(priced(line(LineKind::time, "t", {3, 4}, 9500)));
  EXPECT_EQ(hours.quantity, "0.75");
  EXPECT_EQ(hours.unit_amount, "95.00");
  ExportQuantity after_hours = export_quantity(priced(line(LineKind::time, "t", {1, 1}, 9500, {3, 2})));
  EXPECT_EQ(after_hours.quantity, "1.5");
  ExportQuantity half = export_quantity(priced(line(LineKind::recurring_fee, "f", {8, 1}, 2500, {1, 2})));
  EXPECT_EQ(half.quantity, "4");
  EXPECT_EQ(half.unit_amount, "25.00");
  // 10 x 20.00 x 7/15 = 93.33: 4.666... has no short decimal.
  ExportQuantity prorated =
      export_quantity(priced(line(LineKind::recurring_fee, "f", {10, 1}, 2000, {7, 15})));
  EXPECT_EQ(prorated.quantity, "1");
  EXPECT_EQ(prorated.unit_amount, "93.33");
  ExportQuantity credit = export_quantity(priced(line(LineKind::credit, "c", {-10, 1}, 2000, {7, 15})));
  EXPECT_EQ(credit.quantity, "-1");
  EXPECT_EQ(credit.unit_amount, "93.33");
  ExportQuantity returned = export_quantity(priced(line(LineKind::credit, "c", {-1, 1}, 3500)));
  EXPECT_EQ(returned.quantity, "-1");
  EXPECT_EQ(returned.unit_amount, "35.00");
}

TEST(ExportQuantity, PropertyQuantityTimesUnitAmountIsTheLineAmount) {
  rc::detail::TestParams params;
  params.seed = 20261127;
  params.maxSuccess = 300;
  rc::detail::TestMetadata metadata;
  metadata.id = metadata.description = "export quantity x unit amount = amount";
  auto result = rc::detail::checkTestable(
      [] {
        const int64_t q_num = *rc::gen::inRange<int64_t>(-5000, 5000);
        const int64_t q_den = *rc::gen::element<int64_t>(1, 2, 3, 4, 6, 60, 100);
        const int64_t f_num = *rc::gen::inRange<int64_t>(0, 31);
        const int64_t f_den = *rc::gen::element<int64_t>(1, 2, 28, 30, 31);
        const int64_t unit = *rc::gen::inRange<int64_t>(-100000, 1000000);
        InvoiceLine l = line(LineKind::manual, "x", {q_num, q_den}, unit, {f_num, f_den});
        auto priced = price_line(l);
        RC_PRE(priced.has_value());
        ExportQuantity q = export_quantity(*priced);
        Rational quantity = *Rational::parse_decimal(q.quantity);
        Money unit_amount = *Money::parse(kEur, q.unit_amount);
        RC_ASSERT(line_amount(unit_amount, quantity, {1, 1}) == priced->amount);
      },
      metadata, params);
  if (!result.is<rc::detail::SuccessResult>()) rc::detail::printResultMessage(result, std::cerr);
  EXPECT_TRUE(result.is<rc::detail::SuccessResult>());
}

TEST(XeroCsv, OneRowPerLineAddingUpToEachInvoice) {
  const auto invoices = sample();
  ExportOptions options;
  options.account_codes = {{"recurring_fee", "210"}};
  options.tax_types = {{"NL21", "21% (VAT on Income)"}};
  const Rows rows = read_csv(xero_csv(invoices, options));
  ASSERT_EQ(rows.size(), 1u + 5u);  // the credit note is in the credit-note file
  ASSERT_EQ(rows[0].size(), std::size(kXeroColumns));
  for (size_t c = 0; c < rows[0].size(); ++c) EXPECT_EQ(rows[0][c], kXeroColumns[c]);
  std::span<const std::string_view> cols(kXeroColumns);
  const size_t name = column(cols, "*ContactName"), number = column(cols, "*InvoiceNumber"),
               qty = column(cols, "*Quantity"), unit = column(cols, "*UnitAmount"),
               tax = column(cols, "TaxAmount"), total = column(cols, "Total"),
               account = column(cols, "*AccountCode"), type = column(cols, "*TaxType"),
               date = column(cols, "*InvoiceDate"), due = column(cols, "*DueDate"),
               ref = column(cols, "Reference"), currency = column(cols, "Currency"),
               desc = column(cols, "*Description"), po2 = column(cols, "POAddressLine2");
  for (size_t r = 1; r < rows.size(); ++r) EXPECT_EQ(rows[r].size(), std::size(kXeroColumns)) << "row " << r;
  // Text with commas, quotes, newlines and UTF-8 comes back as it was.
  EXPECT_EQ(rows[1][name], "Bakkerij \"De Zon\", Zaandam");
  EXPECT_EQ(rows[1][po2], "2e verdieping\nachterom");
  EXPECT_EQ(rows[2][desc], "Remote support 2026-11-16 #1 Laptop – café, \"urgent\"");
  EXPECT_EQ(rows[1][date], "01/12/2026");
  EXPECT_EQ(rows[1][due], "15/12/2026");
  EXPECT_EQ(rows[1][account], "210");  // mapped by kind
  EXPECT_EQ(rows[2][account], "200");  // the default
  EXPECT_EQ(rows[1][type], "21% (VAT on Income)");
  EXPECT_EQ(rows[1][currency], "EUR");
  EXPECT_EQ(rows[1][qty], "1");  // prorated: 1 x 93.33
  EXPECT_EQ(rows[1][unit], "93.33");
  EXPECT_EQ(rows[2][qty], "0.75");
  // Per invoice: the rows' amounts and taxes add up to net, tax and the Total column.
  for (const ExportInvoice& e : invoices) {
    if (e.invoice.kind != InvoiceKind::invoice) continue;
    Money net = Money::zero(kEur), taxes = Money::zero(kEur);
    size_t found = 0;
    for (size_t r = 1; r < rows.size(); ++r) {
      if (rows[r][number] != e.invoice.number) continue;
      ++found;
      net += line_amount(*Money::parse(kEur, rows[r][unit]), *Rational::parse_decimal(rows[r][qty]), {1, 1});
      taxes += *Money::parse(kEur, rows[r][tax]);
      EXPECT_EQ(rows[r][total], e.invoice.totals.total.to_decimal());
    }
    EXPECT_EQ(found, e.invoice.lines.size());
    EXPECT_EQ(net, e.invoice.totals.net) << e.invoice.number;
    EXPECT_EQ(taxes, e.invoice.totals.tax) << e.invoice.number;
    EXPECT_EQ(net + taxes, e.invoice.totals.total) << e.invoice.number;
  }
  EXPECT_EQ(rows[1][ref], "");
}

TEST(XeroCsv, CreditNotesGoToTheirOwnFileAsPositiveAmounts) {
  auto invoices = sample();
  // A second credit note line with a quantity that has no short decimal.
  ExportInvoice& note = invoices[1];
  note.invoice.lines.push_back(*price_line(line(LineKind::credit, "Credit: prorated fee", {-10, 1}, 2000, {7, 15})));
  note.invoice.totals = *price_invoice(kEur, note.invoice.lines);
  const Rows rows = read_csv(xero_credit_notes_csv(invoices, ExportOptions{}));
  ASSERT_EQ(rows.size(), 1u + 2u);  // the invoice is in the invoice file
  ASSERT_EQ(rows[0].size(), std::size(kXeroCreditNoteColumns));
  for (size_t c = 0; c < rows[0].size(); ++c) EXPECT_EQ(rows[0][c], kXeroCreditNoteColumns[c]);
  std::span<const std::string_view> cols(kXeroCreditNoteColumns);
  const size_t number = column(cols, "*CreditNoteNumber"), date = column(cols, "*CreditNoteDate"),
               ref = column(cols, "Reference"), qty = column(cols, "*Quantity"), unit = column(cols, "*UnitAmount"),
               tax = column(cols, "TaxAmount"), name = column(cols, "*ContactName"), type = column(cols, "*TaxType");
  EXPECT_EQ(rows[1][name], "Bakkerij \"De Zon\", Zaandam");
  EXPECT_EQ(rows[1][number], "2026-000002");
  EXPECT_EQ(rows[1][ref], "Credit note for 2026-000001");
  EXPECT_EQ(rows[1][date], "03/12/2026");
  EXPECT_EQ(rows[1][qty], "1");
  EXPECT_EQ(rows[1][unit], "76.80");
  EXPECT_EQ(rows[1][tax], "16.13");
  EXPECT_EQ(rows[1][type], "NL21");
  EXPECT_EQ(rows[2][qty], "1");  // 10 x 20.00 x 7/15 = 93.33 credited
  EXPECT_EQ(rows[2][unit], "93.33");
  // The rows add up to what the note credits: minus its net, tax and total.
  Money net = Money::zero(kEur), taxes = Money::zero(kEur);
  for (size_t r = 1; r < rows.size(); ++r) {
    EXPECT_EQ(rows[r].size(), std::size(kXeroCreditNoteColumns));
    net += line_amount(*Money::parse(kEur, rows[r][unit]), *Rational::parse_decimal(rows[r][qty]), {1, 1});
    taxes += *Money::parse(kEur, rows[r][tax]);
  }
  EXPECT_EQ(net, -note.invoice.totals.net);
  EXPECT_EQ(taxes, -note.invoice.totals.tax);
  EXPECT_EQ(net + taxes, -note.invoice.totals.total);
  // export_file picks the file by format.
  EXPECT_EQ(export_file(ExportFormat::xero_credit_notes, invoices, {}), xero_credit_notes_csv(invoices, {}));
  EXPECT_EQ(export_file(ExportFormat::xero, invoices, {}), xero_csv(invoices, {}));
  EXPECT_EQ(export_file(ExportFormat::quickbooks, invoices, {}), quickbooks_csv(invoices, {}));
}

TEST(QuickbooksCsv, OneRowPerLineWithTermsItemsAndServiceDates) {
  auto invoices = sample();
  invoices[0].invoice.lines[0].service_from = day(2026, 11, 1);
  ExportOptions options;
  options.dates = ExportDateOrder::mdy;
  options.quickbooks_items = {{"time", "Hours"}};
  const Rows rows = read_csv(quickbooks_csv(invoices, options));
  ASSERT_EQ(rows.size(), 7u);
  ASSERT_EQ(rows[0].size(), std::size(kQuickbooksColumns));
  std::span<const std::string_view> cols(kQuickbooksColumns);
  const size_t number = column(cols, "InvoiceNo"), customer = column(cols, "Customer"),
               date = column(cols, "InvoiceDate"), terms = column(cols, "Terms"), memo = column(cols, "Memo"),
               item = column(cols, "Item(Product/Service)"), qty = column(cols, "ItemQuantity"),
               rate = column(cols, "ItemRate"), amount = column(cols, "ItemAmount"),
               code = column(cols, "ItemTaxCode"), tax = column(cols, "ItemTaxAmount"),
               service = column(cols, "Service Date");
  EXPECT_EQ(rows[1][number], "2026-000001");
  EXPECT_EQ(rows[1][customer], "Bakkerij \"De Zon\", Zaandam");
  EXPECT_EQ(rows[1][date], "12/01/2026");
  EXPECT_EQ(rows[1][terms], "Net 14");
  EXPECT_EQ(rows[1][item], "Managed services");
  EXPECT_EQ(rows[1][service], "11/01/2026");
  EXPECT_EQ(rows[2][item], "Hours");
  EXPECT_EQ(rows[2][code], "NL21");
  EXPECT_EQ(rows[5][qty], "1");  // 5/6 h at 0.00
  EXPECT_EQ(rows[5][amount], "0.00");
  for (const ExportInvoice& e : invoices) {
    Money net = Money::zero(kEur), taxes = Money::zero(kEur);
    for (size_t r = 1; r < rows.size(); ++r) {
      if (rows[r][number] != e.invoice.number) continue;
      const Money a = *Money::parse(kEur, rows[r][amount]);
      EXPECT_EQ(
          line_amount(*Money::parse(kEur, rows[r][rate]), *Rational::parse_decimal(rows[r][qty]), {1, 1}), a);
      net += a;
      taxes += *Money::parse(kEur, rows[r][tax]);
    }
    EXPECT_EQ(net, e.invoice.totals.net);
    EXPECT_EQ(taxes, e.invoice.totals.tax);
  }
  EXPECT_EQ(rows[6][memo], "Credit note for 2026-000001");
  EXPECT_EQ(rows[6][terms], "");
  EXPECT_EQ(rows[6][amount], "-76.80");
  EXPECT_EQ(rows[6][item], "Credit");
}

TEST(ExportOptions, MappingsAndDateFormatsParseOrNameTheField) {
  auto map = parse_export_mapping(" NL21 = 21% (VAT on Income) ; exempt=Exempt Income;;", "tax_types");
  ASSERT_TRUE(map.has_value()) << map.error().message;
  EXPECT_EQ(map->size(), 2u);
  EXPECT_EQ(map->at("NL21"), "21% (VAT on Income)");
  EXPECT_EQ(map->at("exempt"), "Exempt Income");
  EXPECT_TRUE(parse_export_mapping("", "x")->empty());
  auto bad = parse_export_mapping("NL21", "tax_types");
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().fields.at(0).field, "tax_types");
  EXPECT_FALSE(parse_export_mapping("=x", "tax_types").has_value());
  EXPECT_EQ(*parse_export_date_order("MM/DD/YYYY"), ExportDateOrder::mdy);
  EXPECT_FALSE(parse_export_date_order("DD-MM-YYYY").has_value());
  EXPECT_EQ(format_export_date(day(2026, 1, 5), ExportDateOrder::iso), "2026-01-05");
  EXPECT_EQ(*parse_export_format("quickbooks"), ExportFormat::quickbooks);
  EXPECT_EQ(*parse_export_format("xero_credit_notes"), ExportFormat::xero_credit_notes);
  EXPECT_STREQ(to_string(ExportFormat::xero_credit_notes), "xero_credit_notes");
  EXPECT_EQ(parse_export_format("sage").error().fields.at(0).field, "format");
}

}  // namespace
}  // namespace tend
