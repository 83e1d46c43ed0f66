// A playbook run's report (ops/playbook/report.h): report.json's round trip
// and what its reader refuses; report.html is one offline file whose embedded
// data no step message can break out of; and, opened in a real headless
// browser (chromium), its script draws a point per second of every workload
// and each fault as a marker at the x of its time.
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>
#include <vector>

#include "common/file.h"
#include "ops/playbook/report.h"
#include "tests/test_util.h"

using namespace kv;
using namespace kv::playbook;
using nlohmann::json;

namespace {

constexpr const char* kChromium = "/usr/bin/chromium";
const std::string kHostileMessage = "tablet said </script><script>alert(1)</script> <!-- and </SCRIPT >";

bench::SecondPoint Point(double t, uint64_t ops, uint64_t errors, uint64_t p99_us) {
  return {.t = t, .ops = ops, .errors = errors, .p50_us = p99_us / 4, .p99_us = p99_us, .max_us = p99_us * 3};
}

// A 25-second run: workload ycsb-a with a point per second for 20 seconds
// (errors while tablet-2 is down), ycsb-c for 6 seconds with a second in
// which nothing completed and a last part second; faults at 5.5 s and 12 s.
Report SampleReport() {
  Report r;
  r.playbook = "playbooks/kill-leader.yaml";
  r.name = "kill-leader";
  r.started = "2026-12-07T01:02:03Z";
  r.seconds = 25.25;
  r.outcome = "failed";
  r.parameters = {{"tablets", "3"}, {"workload", "workloada"}, {"victim", "tablet-2"}};
  r.steps = {{.index = 1, .line = 4, .kind = "ops", .text = "ops create-table t1 --partitions 4", .outcome = "passed",
              .start_s = 0.1, .seconds = 0.75, .message = ""},
             {.index = 2, .line = 7, .kind = "fault", .text = "fault kill tablet-2", .outcome = "passed",
              .start_s = 5.5, .seconds = 0.02, .message = "killed pid 4242"},
             {.index = 3, .line = 9, .kind = "wait", .text = "wait all-partitions-led 10s", .outcome = "failed",
              .start_s = 12.0, .seconds = 10.0, .message = kHostileMessage}};
  r.faults = {{.t = 5.5, .text = "kill tablet-2"}, {.t = 12, .text = "restart tablet-2"}};
  WorkloadSeries a{.name = "ycsb-a"};
  for (int t = 1; t <= 20; ++t) {
    const bool down = t >= 6 && t <= 12;
    a.points.push_back(Point(t, down ? 200 : 1000 + t, down ? 35 : 0, down ? 250000 : 1800 + 10 * t));
  }
  WorkloadSeries c{.name = "ycsb-c"};
  c.points = {Point(8, 500, 0, 900), Point(9, 0, 12, 0), Point(10, 480, 1, 950), Point(11, 510, 0, 870),
              Point(12, 505, 0, 880), Point(12.4, 190, 0, 860)};
  r.workloads = {a, c};
  return r;
}

size_t Count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size())) ++n;
  return n;
}

// Every <tag ...> element in html, as its attributes.
std::vector<std::map<std::string, std::string>> Elements(const std::string& html, const std::string& tag) {
  std::vector<std::map<std::string, std::string>> found;
  const std::regex element("<" + tag + R"((\s[^>]*)?>)");
  const std::regex attribute(R"re(([\w:-]+)="([^"]*)")re");
  for (auto e = std::sregex_iterator(html.begin(), html.end(), element); e != std::sregex_iterator(); ++e) {
    const std::string attrs = (*e)[1];
    std::map<std::string, std::string> m;
    for (auto a = std::sregex_iterator(attrs.begin(), attrs.end(), attribute); a != std::sregex_iterator(); ++a) {
      m[(*a)[1]] = (*a)[2];
    }
    found.push_back(std::move(m));
  }
  return found;
}

std::string Why(const Result<Report>& r) { return r.ok() ? "(accepted)" : r.status().message(); }

}  // namespace

TEST_CASE("report.json: a full report reads back as it was written", "[playbook][report]") {
  const Report r = SampleReport();
  const json j = ReportJson(r);
  CHECK(j.at("format_version") == kReportFormatVersion);
  // Through the text, as a resumed run reads its report back.
  auto back = ReportFromJson(json::parse(j.dump(2)));
  INFO(Why(back));
  REQUIRE(back.ok());
  CHECK(ReportJson(*back) == j);
  CHECK(back->parameters == r.parameters);  // in their order
  REQUIRE(back->steps.size() == 3);
  CHECK(back->steps[2].message == kHostileMessage);
  CHECK(back->steps[2].start_s == 12.0);
  REQUIRE(back->faults.size() == 2);
  CHECK(back->faults[0].t == 5.5);
  REQUIRE(back->workloads.size() == 2);
  CHECK(back->workloads[0].points.size() == 20);
  CHECK(back->workloads[1].points.back().t == 12.4);
  CHECK(back->workloads[1].points[1].errors == 12);

  SECTION("WriteReport writes both files, and no temp file is left") {
    test::TempDir dir;
    REQUIRE(WriteReport(r, dir.path()).ok());
    auto files = ListDir(dir.path());
    REQUIRE(files.ok());
    CHECK(*files == std::vector<std::string>{"report.html", "report.json"});
    auto written = ReportFromJson(json::parse(test::ReadFile(dir / "report.json")));
    REQUIRE(written.ok());
    CHECK(ReportJson(*written) == j);
    CHECK(test::ReadFile(dir / "report.html") == ReportHtml(r));
    // A second write (the runner rewrites the report as the run goes) replaces both.
    Report later = r;
    later.outcome = "passed";
    REQUIRE(WriteReport(later, dir.path()).ok());
    CHECK(json::parse(test::ReadFile(dir / "report.json")).at("outcome") == "passed");
  }
}

TEST_CASE("report.json: a bad report is refused naming the field, a newer one by its version",
          "[playbook][report]") {
  const json good = ReportJson(SampleReport());
  struct Case {
    const char* what;
    std::function<void(json&)> damage;
    std::vector<std::string> named;  // the message names these
  };
  const std::vector<Case> cases = {
      {"no format_version", [](json& j) { j.erase("format_version"); }, {"format_version"}},
      {"a newer format_version", [](json& j) { j["format_version"] = kReportFormatVersion + 1; },
       {"format_version 2", "newer"}},
      {"format_version 0", [](json& j) { j["format_version"] = 0; }, {"format_version 0"}},
      {"no outcome", [](json& j) { j.erase("outcome"); }, {"outcome"}},
      {"seconds as a string", [](json& j) { j["seconds"] = "long"; }, {"seconds"}},
      {"no workloads", [](json& j) { j.erase("workloads"); }, {"workloads"}},
      {"a step without its outcome", [](json& j) { j["steps"][1].erase("outcome"); }, {"steps[1]", "outcome"}},
      {"a parameter without its value", [](json& j) { j["parameters"][2].erase("value"); },
       {"parameters[2]", "value"}},
      {"a fault whose time is text", [](json& j) { j["faults"][0]["t"] = "5.5"; }, {"faults[0]", "t"}},
      {"a point without p99", [](json& j) { j["workloads"][0]["points"][3].erase("p99_us"); },
       {"workloads[0]", "points[3]", "p99_us"}},
      {"not an object", [](json& j) { j = json::array(); }, {"not a JSON object"}},
  };
  for (const Case& c : cases) {
    json bad = good;
    c.damage(bad);
    auto r = ReportFromJson(bad);
    INFO(c.what << ": " << Why(r));
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().IsInvalidArgument());
    for (const std::string& name : c.named) CHECK(r.status().message().find(name) != std::string::npos);
  }
}

TEST_CASE("report.html: one offline file whose data no step message breaks out of", "[playbook][report]") {
  Report r = SampleReport();
  r.name = "kill <b>leader</b>";
  const std::string page = ReportHtml(r);
  INFO(page.substr(0, 400));
  for (const char* external : {"http://", "https://", "src=", "<link", "@import", "url(", "<img", "<iframe"}) {
    INFO(external);
    CHECK(page.find(external) == std::string::npos);
  }
  // The points exist only once the page's script drew them.
  CHECK(page.find("<circle") == std::string::npos);
  CHECK(page.find("<title>kill &lt;b&gt;leader&lt;/b&gt; \u2014 FAILED</title>") != std::string::npos);

  // Two script elements, the data and the drawing: the message's "</script>"
  // and "<!--" are not in the page as such.
  CHECK(Count(page, "<script") == 2);
  CHECK(Count(page, "</script>") == 2);
  CHECK(page.find("<!--") == std::string::npos);
  const std::string open = R"(<script type="application/json" id="report-data">)";
  const size_t begin = page.find(open);
  REQUIRE(begin != std::string::npos);
  const size_t end = page.find("</script>", begin);
  const std::string embedded = page.substr(begin + open.size(), end - begin - open.size());
  REQUIRE(json::accept(embedded));
  auto back = ReportFromJson(json::parse(embedded));
  REQUIRE(back.ok());
  CHECK(back->steps[2].message == kHostileMessage);
  CHECK(back->name == r.name);
}

// A real browser runs the page's script; the DOM it dumps afterwards is what
// an operator sees. Fails (never skips) without chromium: CI installs it
// (scripts/install-deps.sh).
TEST_CASE("report.html in headless chromium: a point per second, each fault marked at its time",
          "[playbook][report][browser]") {
  if (::access(kChromium, X_OK) != 0) {
    FAIL(kChromium << " is missing: the report's browser test needs chromium (scripts/install-deps.sh installs it)");
  }
  const Report r = SampleReport();
  test::TempDir dir;
  REQUIRE(WriteReport(r, dir.path()).ok());
  REQUIRE(CreateDirs(dir / "chromium-profile").ok());
  const test::ProgramRun run = test::RunProgram(
      {kChromium, "--headless", "--disable-gpu", "--no-sandbox", "--disable-quic", "--no-first-run",
       "--disable-background-networking", "--disable-component-update", "--disable-sync",
       "--user-data-dir=" + (dir / "chromium-profile"), "--dump-dom", "file://" + (dir / "report.html")},
      120);
  INFO("chromium's stderr (tail): " << run.err.substr(run.err.size() > 2000 ? run.err.size() - 2000 : 0));
  REQUIRE(run.exit_code == 0);
  const std::string& dom = run.out;
  const size_t body = dom.find("<body");
  REQUIRE(body != std::string::npos);
  // "yes", or "failed: <the script's exception>"; none when the script never ran.
  INFO("the DOM's body: " << dom.substr(body, 600));
  REQUIRE(dom.find(R"(data-rendered="yes")", body) != std::string::npos);

  // plot -> workload -> t -> cx
  std::map<std::string, std::map<std::string, std::map<double, double>>> cx;
  size_t points = 0;
  for (const auto& c : Elements(dom, "circle")) {
    if (c.count("class") == 0 || c.at("class") != "point") continue;
    ++points;
    cx[c.at("data-plot")][c.at("data-workload")][std::stod(c.at("data-t"))] = std::stod(c.at("cx"));
  }
  // Throughput and errors: every point; p99: the seconds in which something completed.
  CHECK(cx["throughput"]["ycsb-a"].size() == 20);
  CHECK(cx["throughput"]["ycsb-c"].size() == 6);
  CHECK(cx["errors"]["ycsb-a"].size() == 20);
  CHECK(cx["p99"]["ycsb-a"].size() == 20);
  CHECK(cx["p99"]["ycsb-c"].size() == 5);
  CHECK(points == 20 + 6 + 20 + 6 + 20 + 5);
  for (int t = 1; t <= 20; ++t) CHECK(cx["throughput"]["ycsb-a"].count(t) == 1);

  std::map<std::string, int> markers_per_plot;
  for (const auto& m : Elements(dom, "line")) {
    if (m.count("class") == 0 || m.at("class") != "fault-marker") continue;
    const std::string plot = m.at("data-plot");
    ++markers_per_plot[plot];
    const double t = std::stod(m.at("data-t")), x1 = std::stod(m.at("x1"));
    INFO("the marker at t=" << t << " on " << plot << ": x1=" << x1);
    CHECK(std::stod(m.at("x2")) == Approx(x1));
    const std::map<double, double>& at = cx[plot]["ycsb-a"];
    REQUIRE(at.size() == 20);
    // The same linear map as the points: at a point's t its cx, between two
    // points the x halfway between theirs.
    if (t == 12) {
      CHECK(x1 == Approx(at.at(12)).margin(1e-6));
    } else {
      REQUIRE(t == 5.5);
      CHECK(x1 == Approx((at.at(5) + at.at(6)) / 2).margin(1e-6));
    }
    // The same on ycsb-c's points, which started later.
    if (t == 12) CHECK(x1 == Approx(cx[plot]["ycsb-c"].at(12)).margin(1e-6));
  }
  CHECK(markers_per_plot == std::map<std::string, int>{{"errors", 2}, {"p99", 2}, {"throughput", 2}});

  // The steps table: the failed step coloured as failed, its message as text
  // (the browser escapes it again when it dumps the DOM).
  const auto rows = Elements(dom, "tr");
  const auto failed = std::count_if(rows.begin(), rows.end(), [](const auto& row) {
    return row.count("data-outcome") == 1 && row.at("data-outcome") == "failed";
  });
  CHECK(failed == 1);
  CHECK(dom.find(R"(<td class="outcome-failed">failed</td>)") != std::string::npos);
  CHECK(dom.find("tablet said &lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;") != std::string::npos);
  CHECK(dom.find("<script>alert") == std::string::npos);
}
