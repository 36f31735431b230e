// The invoice PDF renderer, checked by reading its output back with
// poppler's pdftotext and pdfinfo (poppler-utils, installed by tend.sh: a
// missing tool fails these tests rather than skipping them).
#include "app/invoice_pdf.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "app/test_png.h"

namespace tend {
namespace {

CivilDate day(int y, unsigned m, unsigned d) {
  return CivilDate(std::chrono::year(y) / std::chrono::month(m) / std::chrono::day(d));
}

Money eur(int64_t minor) { return Money(Currency::eur(), minor); }

// Runs a shell command; its stdout, or a failed expectation.
std::string run(const std::string& command) {
  std::string out;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (!pipe) {
    ADD_FAILURE() << "cannot run " << command;
    return out;
  }
  char buffer[4096];
  size_t n;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) out.append(buffer, n);
  EXPECT_EQ(::pclose(pipe), 0) << command;
  return out;
}

// The poppler tools are required (tend.sh installs poppler-utils).
void require_tool(const char* tool) {
  ASSERT_EQ(std::system(("command -v " + std::string(tool) + " >/dev/null 2>&1").c_str()), 0)
      << tool << " is not on PATH: install poppler-utils (./tend.sh setup does)";
}

class InvoicePdfTest : public ::testing::Test {
 protected:
  void SetUp() override {
    require_tool("pdftotext");
    require_tool("pdfinfo");
    // TEND_PDF_OUT=DIR keeps the PDFs there to look at.
    const char* keep = std::getenv("TEND_PDF_OUT");
    keep_ = keep != nullptr && *keep != '\0';
    dir_ = keep_
               ? std::filesystem::path(keep)
               : std::filesystem::temp_directory_path() / ("tend-invoice-pdf-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override {
    if (!keep_) std::filesystem::remove_all(dir_);
  }

  // Writes the PDF and returns {text, pdfinfo}.
  std::pair<std::string, std::string> read_back(const std::string& pdf, const std::string& name) {
    const auto path = dir_ / (name + ".pdf");
    std::ofstream(path, std::ios::binary) << pdf;
    return {run("pdftotext -enc UTF-8 '" + path.string() + "' -"), run("pdfinfo '" + path.string() + "'")};
  }

  std::filesystem::path dir_;
  bool keep_ = false;
};

InvoiceDocument sample(int lines) {
  InvoiceDocument d;
  d.provider.name = "Jürgen Müller GmbH";
  d.provider.legal_name = "Jürgen Müller IT-Dienstleistungen GmbH";
  d.provider.address = {"Königstraße 12", "", "40212", "Düsseldorf", "", "DE"};
  d.provider.email = "buchhaltung@mueller-it.de";
  d.provider.vat_number = "DE123456789";
  d.provider.registration_number = "HRB 98765";
  d.provider.bank_account = "DE89370400440532013000";
  d.provider.bank_bic = "COBADEFFXXX";
  d.provider.bank_account_holder = "Jürgen Müller GmbH";
  d.client.name = "Café De Ĳssel";
  d.client.reference = "CDY-7";
  d.client.address = {"Straße van de Ĳssel 3", "", "8011 AB", "Zwolle", "", "NL"};
  d.client.vat_number = "NL001234567B01";
  Invoice& i = d.invoice;
  i.id = InvoiceId(17);
  i.status = InvoiceStatus::issued;
  i.number = "2026-000123";
  i.issued_on = day(2026, 12, 1);
  i.due_on = day(2026, 12, 15);
  i.payment_terms_days = 14;
  d.period_from = day(2026, 11, 1);
  d.period_to = day(2026, 11, 30);
  const LineTax high{TaxCategoryId(1), "DE19", {19, 1}};
  const LineTax low{TaxCategoryId(2), "DE7", {7, 1}};
  for (int k = 0; k < lines; ++k) {
    InvoiceLine line;
    line.kind = LineKind::time;
    line.description = "Fernwartung für Jürgen — Ticket #" + std::to_string(1000 + k);
    if (k == 1) line.description += ", Office-Profil fixiert";  // "ffi", "fi" come back as letters
    if (k % 9 == 4) {
      line.description +=
          ": Umstellung der gesamten Arbeitsplatzumgebung auf die neue Domäne einschließlich Migration der "
          "Postfächer, Neueinrichtung der Drucker im Büro an der Königstraße, Überprüfung der "
          "Datensicherung, Aktualisierung sämtlicher Clients und ausführlicher Dokumentation für den Kunden "
          "— Averyveryveryverylongwordwithoutanyspacesthatmustbreakinsidethecolumnanywayxxxxxxxxxxxxxxx";
    }
    line.quantity = {3 * (k % 4 + 1), 4};  // 0.75 .. 3 hours
    line.unit = "h";
    line.unit_price = eur(9500);
    if (k % 10 == 7) line.factor = {3, 2};
    line.tax = k % 5 == 0 ? low : high;
    i.lines.push_back(line);
  }
  auto totals = price_invoice(Currency::eur(), i.lines);
  EXPECT_TRUE(totals.has_value());
  if (totals) i.totals = *totals;
  return d;
}

TEST(InvoicePdfFormat, AmountsHaveThousandsSeparators) {
  EXPECT_EQ(format_amount(eur(0)), "0.00");
  EXPECT_EQ(format_amount(eur(123456)), "1,234.56");
  EXPECT_EQ(format_amount(eur(-123456789)), "-1,234,567.89");
  EXPECT_EQ(format_amount(eur(99999)), "999.99");
}

TEST(InvoicePdfFormat, FileNamesFollowTheKindAndNumber) {
  Invoice i;
  i.id = InvoiceId(17);
  EXPECT_EQ(invoice_pdf_filename(i), "invoice-draft-17.pdf");
  i.status = InvoiceStatus::issued;
  i.number = "2026-000123";
  EXPECT_EQ(invoice_pdf_filename(i), "invoice-2026-000123.pdf");
  i.kind = InvoiceKind::credit_note;
  EXPECT_EQ(invoice_pdf_filename(i), "credit-note-2026-000123.pdf");
}

TEST_F(InvoicePdfTest, EightyLinesWithLongNonAsciiTextBreakIntoNumberedPages) {
  const InvoiceDocument d = sample(80);
  auto pdf = render_invoice_pdf(d);
  ASSERT_TRUE(pdf.has_value()) << pdf.error().message;
  ASSERT_EQ(pdf->rfind("%PDF-", 0), 0u);
  auto [text, info] = read_back(*pdf, "eighty");

  const size_t pages_at = info.find("Pages:");
  ASSERT_NE(pages_at, std::string::npos) << info;
  const int pages = std::atoi(info.c_str() + pages_at + 6);
  EXPECT_GE(pages, 3);  // 80 lines, a tenth of them wrapping over several lines
  EXPECT_LE(pages, 6);
  EXPECT_NE(info.find("595.276 x 841.89 pts (A4)"), std::string::npos) << info;
  EXPECT_NE(info.find("Invoice 2026-000123"), std::string::npos) << info;  // the title
  for (int p = 1; p <= pages; ++p) {
    const std::string footer = "Page " + std::to_string(p) + " of " + std::to_string(pages);
    EXPECT_NE(text.find(footer), std::string::npos) << footer;
  }
  // The table header is repeated on every page with lines (the last may
  // hold only the totals and the payment terms).
  size_t headers = 0;
  for (size_t at = text.find("Unit price"); at != std::string::npos; at = text.find("Unit price", at + 1)) {
    ++headers;
  }
  EXPECT_GE(headers, static_cast<size_t>(pages - 1));
  EXPECT_GE(headers, 3u);

  for (const char* expected : {"Jürgen Müller GmbH",
                               "Königstraße 12",
                               "40212 Düsseldorf",
                               "Café De Ĳssel",
                               "Straße van de Ĳssel 3",
                               "8011 AB Zwolle",
                               "NL001234567B01",
                               "INVOICE",
                               "2026-000123",
                               "1 Dec 2026",
                               "15 Dec 2026",
                               "1 Nov 2026 – 30 Nov 2026",
                               "Fernwartung für Jürgen — Ticket #1000",
                               "Ticket #1079",
                               "Postfächer",
                               "fixiert",
                               "Office",
                               "DE89 3704 0044 0532 0130 00",
                               "COBADEFFXXX",
                               "HRB 98765",
                               "DE123456789"}) {
    EXPECT_NE(text.find(expected), std::string::npos) << "missing: " << expected;
  }
  // Totals and the tax summary, as priced by core/invoice.h.
  const InvoiceTotals& t = d.invoice.totals;
  ASSERT_EQ(t.tax_summary.size(), 2u);
  for (const auto& row : t.tax_summary) {
    EXPECT_NE(text.find(format_amount(row.base)), std::string::npos) << row.code;
    EXPECT_NE(text.find(format_amount(row.tax)), std::string::npos) << row.code;
  }
  EXPECT_NE(text.find("DE19"), std::string::npos);
  EXPECT_NE(text.find("DE7"), std::string::npos);
  EXPECT_NE(text.find("EUR " + format_amount(t.net)), std::string::npos) << format_amount(t.net);
  EXPECT_NE(text.find("EUR " + format_amount(t.tax)), std::string::npos);
  EXPECT_NE(text.find("EUR " + format_amount(t.total)), std::string::npos);
  EXPECT_NE(text.find("Please pay EUR " + format_amount(t.total) + " by 15 Dec 2026"), std::string::npos);
  EXPECT_EQ(text.find("DRAFT"), std::string::npos);
}

TEST_F(InvoicePdfTest, ADraftIsMarkedAndHasNoNumber) {
  InvoiceDocument d = sample(3);
  d.invoice.status = InvoiceStatus::draft;
  d.invoice.number.clear();
  d.invoice.issued_on.reset();
  d.invoice.due_on.reset();
  auto pdf = render_invoice_pdf(d);
  ASSERT_TRUE(pdf.has_value()) << pdf.error().message;
  auto [text, info] = read_back(*pdf, "draft");
  EXPECT_NE(text.find("DRAFT INVOICE"), std::string::npos) << text;
  EXPECT_NE(text.find("no number yet"), std::string::npos) << text;
  EXPECT_EQ(text.find("2026-000"), std::string::npos) << text;
  EXPECT_NE(text.find("Page 1 of 1"), std::string::npos) << text;
  const size_t pages_at = info.find("Pages:");
  ASSERT_NE(pages_at, std::string::npos) << info;
  EXPECT_EQ(std::atoi(info.c_str() + pages_at + 6), 1) << info;
}

TEST_F(InvoicePdfTest, ACreditNoteNamesTheInvoiceItCredits) {
  InvoiceDocument d = sample(2);
  d.invoice.kind = InvoiceKind::credit_note;
  d.invoice.number = "2026-000124";
  d.invoice.credited_number = "2026-000123";
  d.invoice.lines = full_credit_lines(d.invoice);
  d.invoice.totals = *price_invoice(Currency::eur(), d.invoice.lines);
  auto pdf = render_invoice_pdf(d);
  ASSERT_TRUE(pdf.has_value()) << pdf.error().message;
  auto [text, info] = read_back(*pdf, "credit");
  EXPECT_NE(text.find("CREDIT NOTE"), std::string::npos) << text;
  EXPECT_NE(text.find("2026-000124"), std::string::npos) << text;
  EXPECT_NE(text.find("corrects invoice 2026-000123"), std::string::npos) << text;
  EXPECT_NE(text.find("EUR " + format_amount(d.invoice.totals.total)), std::string::npos) << text;
}

TEST(InvoicePdfLogo, APngWithinTheLimitsIsMeasuredAnythingElseIsAFieldError) {
  auto size = logo_png_size(test_png(300, 100), "png_base64");
  ASSERT_TRUE(size.has_value()) << size.error().message;
  EXPECT_EQ(*size, std::make_pair(300, 100));
  auto refused = [](const std::string& bytes, const std::string& why) {
    auto r = logo_png_size(bytes, "png_base64");
    ASSERT_FALSE(r.has_value()) << why;
    EXPECT_EQ(r.error().kind, ErrorKind::invalid_input) << why;
    ASSERT_EQ(r.error().fields.size(), 1u) << why;
    EXPECT_EQ(r.error().fields[0].field, "png_base64") << why;
  };
  refused("GIF89a\x01\x00\x01\x00", "another format");
  refused(test_png(300, 100).substr(0, 60), "a cut-off PNG");
  refused("", "nothing");
  refused(test_png(kMaxLogoPixels + 1, 2), "too wide");
  // A header claiming 30,000 x 30,000 pixels is refused before decoding.
  std::string bomb = test_png(10, 10);
  bomb.replace(16, 8, std::string("\x00\x00\x75\x30\x00\x00\x75\x30", 8));
  refused(bomb, "a huge declared size");
  EXPECT_NE(logo_png_size(bomb, "png_base64").error().fields[0].message.find("4000 x 4000"), std::string::npos);
  std::string big = test_png(10, 10);
  big.resize(kMaxLogoBytes + 1, '\0');
  refused(big, "too many bytes");
}

TEST_F(InvoicePdfTest, TheLogoIsPrintedAboveTheProvider) {
  require_tool("pdfimages");
  InvoiceDocument d = sample(8);
  auto plain = render_invoice_pdf(d);
  ASSERT_TRUE(plain.has_value()) << plain.error().message;
  d.logo_png = test_png(600, 200);
  auto with_logo = render_invoice_pdf(d);
  ASSERT_TRUE(with_logo.has_value()) << with_logo.error().message;
  auto [text, info] = read_back(*with_logo, "logo");
  EXPECT_NE(text.find("Jürgen Müller GmbH"), std::string::npos) << text;
  const size_t pages_at = info.find("Pages:");
  ASSERT_NE(pages_at, std::string::npos) << info;
  EXPECT_EQ(std::atoi(info.c_str() + pages_at + 6), 1) << info;
  // pdfimages lists one image, at its own 600 x 200 pixels; none without a
  // logo. Its rows: page, num, type, width, height, ...
  const auto images_of = [&](const std::string& name) {
    std::istringstream listing(run("pdfimages -list '" + (dir_ / name).string() + "'"));
    std::vector<std::string> found;
    std::string line;
    while (std::getline(listing, line)) {
      std::istringstream row(line);
      std::string page, num, type, width, height;
      if (row >> page >> num >> type >> width >> height && type == "image") found.push_back(width + "x" + height);
    }
    return found;
  };
  EXPECT_EQ(images_of("logo.pdf"), std::vector<std::string>{"600x200"});
  read_back(*plain, "plain");
  EXPECT_TRUE(images_of("plain.pdf").empty());
  // A logo that is not a PNG (never stored: set_logo checks it) fails the render.
  d.logo_png = "not a png";
  EXPECT_EQ(render_invoice_pdf(d).error().kind, ErrorKind::internal);
}

TEST_F(InvoicePdfTest, RendersOnSeveralThreadsAtOnce) {
  const InvoiceDocument d = sample(15);
  const auto reference = render_invoice_pdf(d);
  ASSERT_TRUE(reference.has_value());
  std::vector<std::thread> threads;
  std::vector<std::string> out(4);
  for (size_t t = 0; t < out.size(); ++t) {
    threads.emplace_back([&, t] {
      for (int k = 0; k < 3; ++k) {
        auto pdf = render_invoice_pdf(d);
        out[t] = pdf ? *pdf : "";
      }
    });
  }
  for (auto& t : threads) t.join();
  for (size_t t = 0; t < out.size(); ++t) {
    auto [text, info] = read_back(out[t], "thread" + std::to_string(t));
    EXPECT_NE(text.find("Café De Ĳssel"), std::string::npos) << t;
    EXPECT_NE(text.find("Page 1 of 2"), std::string::npos) << t;
    EXPECT_EQ(out[t], *reference) << t;  // an issued invoice renders to the same bytes
  }
}

}  // namespace
}  // namespace tend
