#include "ops/bench/workload.h"

#include <charconv>
#include <set>

#include "common/file.h"

namespace kv::bench {
namespace {

std::string Trim(std::string_view s) {
  const size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string_view::npos) return "";
  const size_t e = s.find_last_not_of(" \t\r");
  return std::string(s.substr(b, e - b + 1));
}

// One "key=value" (or "key = value") from `where` ("FILE:LINE", "-p ..."),
// into the properties and where each was set last.
Status AddProperty(std::string_view line, const std::string& where, std::map<std::string, std::string>* properties,
                   std::map<std::string, std::string>* origin) {
  const size_t eq = line.find('=');
  if (eq == std::string_view::npos) return Status::InvalidArgument(where + ": expected key=value, got '" + Trim(line) + "'");
  const std::string key = Trim(line.substr(0, eq));
  if (key.empty()) return Status::InvalidArgument(where + ": a property without a name");
  (*properties)[key] = Trim(line.substr(eq + 1));
  (*origin)[key] = where;
  return Status::OK();
}

template <typename Number>
Status ReadNumber(const std::map<std::string, std::string>& p, const std::map<std::string, std::string>& origin,
                  const char* key, Number* out) {
  auto it = p.find(key);
  if (it == p.end()) return Status::OK();
  const std::string& text = it->second;
  Number value{};
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) {
    return Status::InvalidArgument(origin.at(key) + ": " + key + "=" + text + " is not a number");
  }
  *out = value;
  return Status::OK();
}

}  // namespace

const char* DistributionName(Distribution d) {
  switch (d) {
    case Distribution::kUniform: return "uniform";
    case Distribution::kZipfian: return "zipfian";
    case Distribution::kLatest: return "latest";
  }
  return "?";
}

Result<Workload> LoadWorkload(const std::vector<std::string>& property_files, const std::vector<std::string>& overrides) {
  std::map<std::string, std::string> p, origin;  // origin: where each key was set last
  for (const std::string& file : property_files) {
    auto text = ReadWholeFile(file);
    if (!text.ok()) return Status::NotFound("workload file " + file + ": " + text.status().message());
    size_t line_no = 0, at = 0;
    while (at <= text->size()) {
      size_t nl = text->find('\n', at);
      if (nl == std::string::npos) nl = text->size();
      const std::string line = Trim(std::string_view(*text).substr(at, nl - at));
      ++line_no;
      at = nl + 1;
      if (line.empty() || line[0] == '#' || line[0] == '!') continue;
      KV_RETURN_IF_ERROR(AddProperty(line, file + ":" + std::to_string(line_no), &p, &origin));
    }
  }
  for (const std::string& o : overrides) KV_RETURN_IF_ERROR(AddProperty(o, "-p " + o, &p, &origin));

  Workload w;
  KV_RETURN_IF_ERROR(ReadNumber(p, origin, "recordcount", &w.record_count));
  KV_RETURN_IF_ERROR(ReadNumber(p, origin, "operationcount", &w.operation_count));
  KV_RETURN_IF_ERROR(ReadNumber(p, origin, "threadcount", &w.thread_count));
  KV_RETURN_IF_ERROR(ReadNumber(p, origin, "target", &w.target_ops));
  KV_RETURN_IF_ERROR(ReadNumber(p, origin, "fieldcount", &w.field_count));
  KV_RETURN_IF_ERROR(ReadNumber(p, origin, "fieldlength", &w.field_length));
  KV_RETURN_IF_ERROR(ReadNumber(p, origin, "maxscanlength", &w.max_scan_length));
  KV_RETURN_IF_ERROR(ReadNumber(p, origin, "maxexecutiontime", &w.max_execution_s));
  KV_RETURN_IF_ERROR(ReadNumber(p, origin, "status.interval", &w.status_interval_s));
  const std::pair<const char*, double*> mix[] = {{"readproportion", &w.read},
                                                 {"updateproportion", &w.update},
                                                 {"insertproportion", &w.insert},
                                                 {"scanproportion", &w.scan},
                                                 {"readmodifywriteproportion", &w.read_modify_write}};
  double sum = 0;
  for (const auto& [key, field] : mix) {
    KV_RETURN_IF_ERROR(ReadNumber(p, origin, key, field));
    if (*field < 0 || *field > 1) {
      return Status::InvalidArgument(origin.at(key) + ": " + key + "=" + p.at(key) + " is not a proportion in [0, 1]");
    }
    sum += *field;
  }
  if (sum <= 0) return Status::InvalidArgument("the operation mix sums to 0: set readproportion, updateproportion, ...");
  if (w.thread_count == 0) return Status::InvalidArgument(origin.at("threadcount") + ": threadcount must be at least 1");
  if (w.status_interval_s == 0) {
    return Status::InvalidArgument(origin.at("status.interval") + ": status.interval must be at least 1 (seconds)");
  }
  if (auto it = p.find("requestdistribution"); it != p.end()) {
    bool known = false;
    for (Distribution d : {Distribution::kUniform, Distribution::kZipfian, Distribution::kLatest}) {
      if (it->second == DistributionName(d)) {
        w.distribution = d;
        known = true;
      }
    }
    if (!known) {
      return Status::InvalidArgument(origin.at("requestdistribution") + ": requestdistribution=" + it->second +
                                     " is not one of uniform, zipfian, latest");
    }
  }
  static const std::set<std::string> read_here = {
      "recordcount",      "operationcount",   "threadcount",      "target",
      "fieldcount",       "fieldlength",      "maxscanlength",    "maxexecutiontime",
      "status.interval",  "readproportion",   "updateproportion", "insertproportion",
      "scanproportion",   "readmodifywriteproportion", "requestdistribution",
      // Read by YCSB's core workload, with the only value this store offers.
      "workload",         "readallfields",    "scanlengthdistribution"};
  for (const auto& [key, value] : p) {
    if (!read_here.count(key)) w.unknown.push_back(key);
  }
  w.properties = std::move(p);
  return w;
}

}  // namespace kv::bench
