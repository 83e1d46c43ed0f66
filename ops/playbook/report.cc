#include "ops/playbook/report.h"

#include <cctype>
#include <string_view>

#include <nlohmann/json.hpp>

#include "common/file.h"
#include "common/json_field.h"
#include "ops/playbook/report_page.h"

namespace kv::playbook {
namespace {

using nlohmann::json;

json StepJson(const StepRecord& s) {
  return {{"index", s.index},     {"line", s.line},       {"kind", s.kind},
          {"text", s.text},       {"outcome", s.outcome}, {"start_s", s.start_s},
          {"seconds", s.seconds}, {"message", s.message}};
}

json WorkloadJson(const WorkloadSeries& w) {
  json points = json::array();
  for (const bench::SecondPoint& p : w.points) points.push_back(bench::PointJson(p));
  return {{"name", w.name}, {"points", std::move(points)}};
}

// The readers below return JsonField's Corruption ("<where>: field X is
// missing or not ..."); ReportFromJson turns it into InvalidArgument.
std::string Element(const std::string& where, const char* array, size_t i) {
  return where + " " + array + "[" + std::to_string(i) + "]";
}

Result<StepRecord> StepFromJson(const json& j, const std::string& where) {
  StepRecord s;
  KV_ASSIGN_OR_RETURN(s.index, JsonField<int>(j, "index", where));
  KV_ASSIGN_OR_RETURN(s.line, JsonField<int>(j, "line", where));
  KV_ASSIGN_OR_RETURN(s.kind, JsonField<std::string>(j, "kind", where));
  KV_ASSIGN_OR_RETURN(s.text, JsonField<std::string>(j, "text", where));
  KV_ASSIGN_OR_RETURN(s.outcome, JsonField<std::string>(j, "outcome", where));
  KV_ASSIGN_OR_RETURN(s.start_s, JsonField<double>(j, "start_s", where));
  KV_ASSIGN_OR_RETURN(s.seconds, JsonField<double>(j, "seconds", where));
  KV_ASSIGN_OR_RETURN(s.message, JsonField<std::string>(j, "message", where));
  return s;
}

Result<WorkloadSeries> WorkloadFromJson(const json& j, const std::string& where) {
  WorkloadSeries w;
  KV_ASSIGN_OR_RETURN(w.name, JsonField<std::string>(j, "name", where));
  KV_ASSIGN_OR_RETURN(json points, JsonField<json>(j, "points", where));
  for (size_t i = 0; i < points.size(); ++i) {
    auto point = bench::PointFromJson(points[i]);
    if (!point.ok()) return Status::Corruption(Element(where, "points", i) + ": " + point.status().message());
    w.points.push_back(*point);
  }
  return w;
}

// Each element of the array field `name` read by `read`.
template <typename T, typename Read>
Status ReadArray(const json& j, const char* name, const std::string& where, Read read, std::vector<T>* out) {
  KV_ASSIGN_OR_RETURN(json items, JsonField<json>(j, name, where));
  for (size_t i = 0; i < items.size(); ++i) {
    KV_ASSIGN_OR_RETURN(T item, read(items[i], Element(where, name, i)));
    out->push_back(std::move(item));
  }
  return Status::OK();
}

Result<Report> ParseReport(const json& j) {
  const std::string where = "playbook report";
  if (!j.is_object()) return Status::Corruption(where + ": not a JSON object");
  KV_ASSIGN_OR_RETURN(int version, JsonField<int>(j, "format_version", where));
  if (version != kReportFormatVersion) {
    return Status::Corruption(where + ": format_version " + std::to_string(version) +
                              (version > kReportFormatVersion ? " is newer than" : " is not") +
                              " the version this ops reads (" + std::to_string(kReportFormatVersion) + ")");
  }
  Report r;
  KV_ASSIGN_OR_RETURN(r.playbook, JsonField<std::string>(j, "playbook", where));
  KV_ASSIGN_OR_RETURN(r.name, JsonField<std::string>(j, "name", where));
  KV_ASSIGN_OR_RETURN(r.started, JsonField<std::string>(j, "started", where));
  KV_ASSIGN_OR_RETURN(r.seconds, JsonField<double>(j, "seconds", where));
  KV_ASSIGN_OR_RETURN(r.outcome, JsonField<std::string>(j, "outcome", where));
  using Parameter = std::pair<std::string, std::string>;
  KV_RETURN_IF_ERROR(ReadArray<Parameter>(
      j, "parameters", where,
      [](const json& p, const std::string& at) -> Result<Parameter> {
        KV_ASSIGN_OR_RETURN(std::string name, JsonField<std::string>(p, "name", at));
        KV_ASSIGN_OR_RETURN(std::string value, JsonField<std::string>(p, "value", at));
        return Parameter{std::move(name), std::move(value)};
      },
      &r.parameters));
  KV_RETURN_IF_ERROR(ReadArray<StepRecord>(j, "steps", where, StepFromJson, &r.steps));
  KV_RETURN_IF_ERROR(ReadArray<FaultEvent>(
      j, "faults", where,
      [](const json& f, const std::string& at) -> Result<FaultEvent> {
        FaultEvent e;
        KV_ASSIGN_OR_RETURN(e.t, JsonField<double>(f, "t", at));
        KV_ASSIGN_OR_RETURN(e.text, JsonField<std::string>(f, "text", at));
        return e;
      },
      &r.faults));
  KV_RETURN_IF_ERROR(ReadArray<WorkloadSeries>(j, "workloads", where, WorkloadFromJson, &r.workloads));
  return r;
}

std::string EscapeHtml(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

// The report's JSON as the text of a <script> element: '<' occurs only
// inside JSON strings, where \u003c means the same, so no "</script>" or
// "<!--" in a message can end or disturb the element.
std::string JsonForScript(const Report& report) {
  const std::string text = ReportJson(report).dump(-1, ' ', false, json::error_handler_t::replace);
  std::string out;
  for (char c : text) {
    if (c == '<') {
      out += "\\u003c";
    } else {
      out += c;
    }
  }
  return out;
}

std::string Title(const Report& report) {
  std::string outcome = report.outcome;
  for (char& c : outcome) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return (report.name.empty() ? report.playbook : report.name) + " \u2014 " + outcome;
}

}  // namespace

json ReportJson(const Report& report) {
  json parameters = json::array(), steps = json::array(), faults = json::array(), workloads = json::array();
  for (const auto& [name, value] : report.parameters) parameters.push_back({{"name", name}, {"value", value}});
  for (const StepRecord& s : report.steps) steps.push_back(StepJson(s));
  for (const FaultEvent& f : report.faults) faults.push_back({{"t", f.t}, {"text", f.text}});
  for (const WorkloadSeries& w : report.workloads) workloads.push_back(WorkloadJson(w));
  return {{"format_version", kReportFormatVersion},
          {"playbook", report.playbook},
          {"name", report.name},
          {"started", report.started},
          {"seconds", report.seconds},
          {"outcome", report.outcome},
          {"parameters", std::move(parameters)},
          {"steps", std::move(steps)},
          {"faults", std::move(faults)},
          {"workloads", std::move(workloads)}};
}

Result<Report> ReportFromJson(const json& j) {
  auto report = ParseReport(j);
  if (!report.ok()) return Status::InvalidArgument(report.status().message());
  return report;
}

std::string ReportHtml(const Report& report) {
  const std::string title = EscapeHtml(Title(report));
  const std::string data = JsonForScript(report);
  // The page's placeholders are filled in one pass over the template, so
  // nothing substituted is searched again.
  std::string page;
  std::string_view rest = kReportPage;
  for (;;) {
    const size_t at = rest.find("{{");
    if (at == std::string_view::npos) break;
    page += rest.substr(0, at);
    rest.remove_prefix(at);
    if (rest.starts_with(kTitlePlaceholder)) {
      page += title;
      rest.remove_prefix(kTitlePlaceholder.size());
    } else if (rest.starts_with(kReportJsonPlaceholder)) {
      page += data;
      rest.remove_prefix(kReportJsonPlaceholder.size());
    } else {
      page += "{{";
      rest.remove_prefix(2);
    }
  }
  page += rest;
  return page;
}

Status WriteReport(const Report& report, const std::string& dir) {
  KV_RETURN_IF_ERROR(WriteFileAtomic(dir + "/report.json", ReportJson(report).dump(2, ' ', false,
                                                                                     json::error_handler_t::replace) +
                                                               "\n"));
  return WriteFileAtomic(dir + "/report.html", ReportHtml(report));
}

}  // namespace kv::playbook
