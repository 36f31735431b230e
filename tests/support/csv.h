// Test support: a strict RFC 4180 reader for checking CSV output (the
// accounting exports) in tests. Header-only; needs GoogleTest.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace tend {

// The rows of `text`: CRLF row ends, quoted fields with doubled quotes.
// Adds a test failure for anything else (a quote inside an unquoted field,
// a bare CR or LF outside quotes, an unterminated quote, no CRLF after the
// last row).
inline std::vector<std::vector<std::string>> read_csv(const std::string& text) {
  std::vector<std::vector<std::string>> rows(1);
  std::string field;
  bool quoted = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c == '"') {
      EXPECT_TRUE(field.empty()) << "a quote inside an unquoted field";
      quoted = true;
    } else if (c == ',') {
      rows.back().push_back(field);
      field.clear();
    } else if (c == '\r') {
      EXPECT_TRUE(i + 1 < text.size() && text[i + 1] == '\n') << "a CR without LF outside quotes";
      rows.back().push_back(field);
      field.clear();
      ++i;
      rows.emplace_back();
    } else {
      EXPECT_NE(c, '\n') << "a bare LF outside quotes";
      field += c;
    }
  }
  EXPECT_FALSE(quoted) << "an unterminated quote";
  EXPECT_TRUE(rows.back().empty() && field.empty()) << "the last row must end with CRLF";
  rows.pop_back();
  return rows;
}

}  // namespace tend
