#include "ops/playbook/expectation.h"

#include <sstream>

namespace kv::playbook {
namespace {

const nlohmann::json* Field(const nlohmann::json& row, const std::string& path) {
  const nlohmann::json* at = &row;
  std::istringstream parts(path);
  for (std::string part; std::getline(parts, part, '.');) {
    if (!at->is_object()) return nullptr;
    auto it = at->find(part);
    if (it == at->end()) return nullptr;
    at = &*it;
  }
  return at;
}

std::string AsText(const nlohmann::json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); }

// One test on one value; false with why in *why.
bool Holds(const nlohmann::json& actual, const std::string& op, const std::string& expected, std::string* why) {
  const std::string seen = AsText(actual);
  const std::optional<double> e = ParseNumber(expected);
  const std::optional<double> a = actual.is_number() ? std::optional<double>(actual.get<double>()) : ParseNumber(seen);
  const bool numeric = e && a;
  bool held;
  if (op == "==" || op == "!=") {
    const bool equal = numeric ? *a == *e : seen == expected;
    held = (op == "==") == equal;
  } else if (!numeric) {
    *why = "\"" + seen + "\" " + op + " \"" + expected + "\": not numbers";
    return false;
  } else {
    held = op == ">=" ? *a >= *e : *a <= *e;
  }
  if (!held) *why = seen + " " + op + " " + expected + " does not hold";
  return held;
}

Result<std::vector<ValueTest>> Expanded(const std::vector<ValueTest>& tests, const Variables& vars) {
  std::vector<ValueTest> out;
  for (const ValueTest& t : tests) {
    ValueTest e{t.field, t.op, "", {}};
    KV_ASSIGN_OR_RETURN(e.value, Expand(t.value, vars));
    for (const std::string& one : t.one_of) {
      KV_ASSIGN_OR_RETURN(std::string value, Expand(one, vars));
      e.one_of.push_back(std::move(value));
    }
    out.push_back(std::move(e));
  }
  return out;
}

std::string ValueText(const ValueTest& t) {
  if (t.op != "in") return t.value;
  std::string text;
  for (const std::string& one : t.one_of) text += (text.empty() ? "[" : ", ") + one;
  return text + "]";
}

// Whether every test holds on the row; the first failure in *why.
bool RowPasses(const nlohmann::json& row, const std::vector<ValueTest>& tests, std::string* why) {
  for (const ValueTest& t : tests) {
    const nlohmann::json* v = Field(row, t.field);
    if (v == nullptr) {
      *why = "no field " + t.field + " in " + row.dump();
      return false;
    }
    std::string failed;
    bool held = false;
    if (t.op == "in") {
      for (const std::string& one : t.one_of) held = held || Holds(*v, "==", one, &failed);
      if (!held) failed = AsText(*v) + " is not one of " + ValueText(t);
    } else {
      held = Holds(*v, t.op, t.value, &failed);
    }
    if (!held) {
      *why = t.field + ": " + failed;
      return false;
    }
  }
  return true;
}

std::string Describe(const std::vector<ValueTest>& tests) {
  std::string text;
  for (const ValueTest& t : tests) text += (text.empty() ? "" : ", ") + t.field + " " + t.op + " " + ValueText(t);
  return text;
}

std::vector<const nlohmann::json*> Select(const std::vector<nlohmann::json>& rows, const std::vector<ValueTest>& where) {
  std::vector<const nlohmann::json*> selected;
  std::string ignored;
  for (const nlohmann::json& row : rows) {
    if (RowPasses(row, where, &ignored)) selected.push_back(&row);
  }
  return selected;
}

}  // namespace

std::vector<nlohmann::json> ParseRows(const std::string& output) {
  std::vector<nlohmann::json> rows;
  std::istringstream lines(output);
  for (std::string line; std::getline(lines, line);) {
    auto j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (j.is_object()) rows.push_back(std::move(j));
    if (j.is_array()) {
      for (auto& e : j) rows.push_back(std::move(e));
    }
  }
  return rows;
}

std::string DescribeExpectation(const Expectation& e) {
  std::string text;
  auto add = [&](const std::string& part) { text += (text.empty() ? "" : "; ") + part; };
  if (!e.where.empty()) add("where " + Describe(e.where));
  if (!e.every.empty()) add("every " + Describe(e.every));
  if (!e.none.empty()) add("none " + Describe(e.none));
  if (e.count) add("count " + e.count->op + " " + e.count->value);
  return text;
}

Verdict Check(const Expectation& e, const std::vector<nlohmann::json>& rows, const Variables& vars) {
  auto where = Expanded(e.where, vars);
  auto every = Expanded(e.every, vars);
  auto none = Expanded(e.none, vars);
  if (!where.ok() || !every.ok() || !none.ok()) {
    return {false, (!where.ok() ? where.status() : !every.ok() ? every.status() : none.status()).message()};
  }
  const auto selected = Select(rows, *where);
  const std::string of = std::to_string(selected.size()) + " of " + std::to_string(rows.size()) + " rows" +
                         (where->empty() ? "" : " where " + Describe(*where));
  if (e.count) {
    auto count = Expand(e.count->value, vars);
    if (!count.ok()) return {false, count.status().message()};
    std::string why;
    if (!Holds(nlohmann::json(selected.size()), e.count->op, *count, &why)) return {false, of + ": count " + why};
  }
  if (!every->empty()) {
    if (selected.empty()) return {false, of + ": no row to check " + Describe(*every) + " on"};
    for (const nlohmann::json* row : selected) {
      std::string why;
      if (!RowPasses(*row, *every, &why)) return {false, of + ": " + why};
    }
  }
  if (!none->empty()) {
    for (const nlohmann::json* row : selected) {
      std::string ignored;
      if (RowPasses(*row, *none, &ignored)) return {false, of + ": a row has " + Describe(*none) + ": " + row->dump()};
    }
  }
  std::string held = of;
  if (!every->empty()) held += ", every " + Describe(*every);
  if (!none->empty()) held += ", none " + Describe(*none);
  return {true, held};
}

Result<std::string> CaptureValue(const Capture& c, const std::vector<nlohmann::json>& rows, const Variables& vars) {
  KV_ASSIGN_OR_RETURN(std::vector<ValueTest> where, Expanded(c.where, vars));
  const auto selected = Select(rows, where);
  const std::string of = std::to_string(selected.size()) + " of " + std::to_string(rows.size()) + " rows where " + Describe(where);
  if (c.row ? *c.row >= selected.size() : selected.size() != 1) {
    return Status::FailedPrecondition("capture " + c.variable + ": " + of +
                                      (c.row ? " (row " + std::to_string(*c.row) + " wanted)" : " (one needed)"));
  }
  const nlohmann::json& row = *selected[c.row.value_or(0)];
  const nlohmann::json* v = Field(row, c.field);
  if (v == nullptr) return Status::FailedPrecondition("capture " + c.variable + ": no field " + c.field + " in " + row.dump());
  return AsText(*v);
}

}  // namespace kv::playbook
