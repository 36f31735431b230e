// The invoice PDF (app/invoice_pdf.h): rendering a typical invoice of 15
// lines (managed fee, block purchase, time, parts; two tax rates; Dutch and
// German names) to PDF bytes on one thread. The first render on the thread
// (font map, fontconfig) is done before timing.
//
//   BM_RenderTypicalInvoice           15 lines, one page
//   BM_RenderTypicalInvoiceWithLogo   the same with the demo provider's logo
//   BM_RenderEightyLines              80 lines with long descriptions, several pages
//
// Results and the command are in bench/README.md.
#include <benchmark/benchmark.h>

#include <chrono>
#include <fstream>
#include <iterator>
#include <string>

#include "app/invoice_pdf.h"

namespace tend {
namespace {

CivilDate day(int y, unsigned m, unsigned d) {
  return CivilDate(std::chrono::year(y) / std::chrono::month(m) / std::chrono::day(d));
}

InvoiceDocument typical_invoice(int lines) {
  InvoiceDocument d;
  d.provider.name = "Tend Demo IT B.V.";
  d.provider.legal_name = "Tend Demo IT B.V.";
  d.provider.address = {"Stationsplein 1", "", "3511 ED", "Utrecht", "", "NL"};
  d.provider.email = "facturen@tend-demo.nl";
  d.provider.vat_number = "NL001234567B01";
  d.provider.registration_number = "12345678";
  d.provider.bank_account = "NL91ABNA0417164300";
  d.provider.bank_bic = "ABNANL2A";
  d.client.name = "Jürgen Müller GmbH";
  d.client.address = {"Königstraße 12", "", "40212", "Düsseldorf", "", "DE"};
  d.client.vat_number = "DE123456789";
  Invoice& i = d.invoice;
  i.id = InvoiceId(1);
  i.status = InvoiceStatus::issued;
  i.number = "2026-000123";
  i.issued_on = day(2026, 12, 1);
  i.due_on = day(2026, 12, 15);
  d.period_from = day(2026, 11, 1);
  d.period_to = day(2026, 11, 30);
  const LineTax high{TaxCategoryId(1), "NL21", {21, 1}};
  const LineTax low{TaxCategoryId(2), "NL9", {9, 1}};
  const char* descriptions[] = {
      "Managed Gold: flat fee",
      "Managed Gold: 12 workstations",
      "Managed Gold: 2 servers",
      "Block of 10 hours (Q4)",
      "Remote support, ticket #4711: Outlook crashes when opening shared calendars",
      "On-site visit: replaced the switch in the server room and re-patched the office floor",
      "Dell Latitude 5440 laptop",
      "USB-C docking station",
      "Microsoft 365 Business Standard licence"};
  for (int k = 0; k < lines; ++k) {
    InvoiceLine line;
    line.description =
        std::string(descriptions[k % 9]) + (lines > 15 && k % 9 == 4 ? std::string(600, 'x') : "");
    line.quantity = {k % 3 + 1, 1};
    line.unit = k % 2 ? "pcs" : "h";
    line.unit_price = Money(Currency::eur(), 9500 + 1000 * k);
    line.tax = k % 4 == 0 ? low : high;
    i.lines.push_back(line);
  }
  i.totals = *price_invoice(Currency::eur(), i.lines);
  return d;
}

void render(benchmark::State& state, int lines, bool with_logo = false) {
  InvoiceDocument d = typical_invoice(lines);
  if (with_logo) {
    // The demo provider's logo: 480 x 160 pixels, 6 KiB.
    std::ifstream file(std::string(TEND_SOURCE_DIR) + "/cli/demo_logo.png", std::ios::binary);
    d.logo_png.assign(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
  }
  if (!render_invoice_pdf(d)) state.SkipWithError("render failed");  // warm the thread's font map
  size_t bytes = 0;
  for (auto _ : state) {
    auto pdf = render_invoice_pdf(d);
    bytes = pdf ? pdf->size() : 0;
    benchmark::DoNotOptimize(bytes);
  }
  state.counters["invoices/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["bytes"] = static_cast<double>(bytes);
}

void BM_RenderTypicalInvoice(benchmark::State& state) { render(state, 15); }
BENCHMARK(BM_RenderTypicalInvoice)->Unit(benchmark::kMillisecond)->MinTime(3.0);

void BM_RenderTypicalInvoiceWithLogo(benchmark::State& state) { render(state, 15, true); }
BENCHMARK(BM_RenderTypicalInvoiceWithLogo)->Unit(benchmark::kMillisecond)->MinTime(3.0);

void BM_RenderEightyLines(benchmark::State& state) { render(state, 80); }
BENCHMARK(BM_RenderEightyLines)->Unit(benchmark::kMillisecond)->MinTime(3.0);

}  // namespace
}  // namespace tend

BENCHMARK_MAIN();
