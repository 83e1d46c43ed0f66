// The merged scan: pages from every partition come out as one sequence in key
// order, with the limit applied across partitions and paging that neither
// skips nor repeats a key.
#include <catch2/catch.hpp>

#include <map>
#include <set>

#include "cluster/client/routing.h"
#include "cluster/client/scan_merge.h"

using namespace kv;
using namespace kv::client;

namespace {

// Partitions in memory, keys routed as the client routes them.
struct FakeTable {
  explicit FakeTable(uint32_t partitions) : data(partitions) {}
  void Put(const std::string& k, const std::string& v) { data[PartitionOf(k, data.size())][k] = v; }

  // Serves at most min(limit, page_cap) keys per page, like a server with its own page limit.
  PageFetch Fetcher(uint32_t page_cap, const std::string& to = "") {
    return [this, page_cap, to](uint32_t pid, const std::string& from, uint32_t limit) -> Result<ScanPage> {
      ++fetches;
      requested_limits.insert(limit);
      ScanPage page;
      const uint32_t n = std::min(limit, page_cap);
      auto it = data[pid].lower_bound(from);
      for (; it != data[pid].end() && (to.empty() || it->first < to); ++it) {
        if (page.entries.size() == n) {
          page.more = true;
          break;
        }
        page.entries.push_back({it->first, it->second});
      }
      return page;
    };
  }

  std::vector<std::map<std::string, std::string>> data;
  int fetches = 0;
  std::set<uint32_t> requested_limits;
};

std::vector<std::string> Drain(MergedScan& scan) {
  std::vector<std::string> keys;
  while (true) {
    auto next = scan.Next();
    REQUIRE(next.ok());
    if (!next->has_value()) return keys;
    keys.push_back((*next)->key);
  }
}

std::vector<std::string> Keys(int n) {
  std::vector<std::string> keys;
  for (int i = 0; i < n; ++i) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "k%05d", i);
    keys.push_back(buf);
  }
  return keys;
}

}  // namespace

TEST_CASE("a merged scan returns every key of every partition in order", "[client]") {
  FakeTable table(8);
  const auto keys = Keys(1000);
  for (const auto& k : keys) table.Put(k, "v" + k);
  MergedScan scan(8, "", 0, table.Fetcher(37));  // small server pages: many refills
  CHECK(Drain(scan) == keys);
}

TEST_CASE("a merged scan starts at from and stops at the limit across partitions", "[client]") {
  FakeTable table(4);
  const auto keys = Keys(200);
  for (const auto& k : keys) table.Put(k, "v");
  MergedScan scan(4, "k00050", 25, table.Fetcher(1000));
  const auto got = Drain(scan);
  CHECK(got == std::vector<std::string>(keys.begin() + 50, keys.begin() + 75));
  // Each partition was asked for at most the limit, once.
  CHECK(table.fetches == 4);
  CHECK(*table.requested_limits.rbegin() == 25);
}

TEST_CASE("a merged scan honours the end of the range the pages apply", "[client]") {
  FakeTable table(3);
  const auto keys = Keys(100);
  for (const auto& k : keys) table.Put(k, "v");
  MergedScan scan(3, "k00010", 0, table.Fetcher(7, "k00020"));
  CHECK(Drain(scan) == std::vector<std::string>(keys.begin() + 10, keys.begin() + 20));
}

TEST_CASE("a merged scan over empty partitions ends at once", "[client]") {
  FakeTable table(5);
  table.Put("only", "1");
  MergedScan scan(5, "", 0, table.Fetcher(10));
  CHECK(Drain(scan) == std::vector<std::string>{"only"});
}

TEST_CASE("a merged scan passes a page's error on", "[client]") {
  MergedScan scan(2, "", 0, [](uint32_t pid, const std::string&, uint32_t) -> Result<ScanPage> {
    if (pid == 1) return Status::IOError("partition 1 at 127.0.0.1:1: no answer in time");
    return ScanPage{{{"a", "1"}}, false};
  });
  auto next = scan.Next();
  CHECK(next.status().IsIOError());
}

TEST_CASE("a merged scan keeps values with their keys, binary bytes included", "[client]") {
  FakeTable table(2);
  const std::string binary_key("k\0\xff", 3), binary_value("\0\x01\x02", 3);
  table.Put(binary_key, binary_value);
  table.Put("a", "1");
  MergedScan scan(2, "", 0, table.Fetcher(1));
  auto first = scan.Next();
  REQUIRE(first.ok());
  CHECK((*first)->key == "a");
  auto second = scan.Next();
  REQUIRE(second.ok());
  CHECK(**second == KeyValue{binary_key, binary_value});
}
