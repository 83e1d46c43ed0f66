// Aligned text tables for people; JSON lines for programs.
#pragma once

#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace kv::cli {

class Table {
 public:
  explicit Table(std::vector<std::string> headers) : headers_(std::move(headers)) {}
  void AddRow(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  size_t rows() const { return rows_.size(); }
  // Prints the header, a rule and the rows, each column as wide as its widest cell.
  void Print(FILE* out = stdout) const;

 private:
  std::vector<std::string> headers_;
  std::vector<std::vector<std::string>> rows_;
};

// Writes one compact JSON object and a newline.
void PrintJsonLine(const nlohmann::json& j, FILE* out = stdout);

// Bytes as printable text: ASCII stays, everything else becomes \xNN.
std::string Printable(std::string_view bytes);
std::string Hex(std::string_view bytes);

}  // namespace kv::cli
