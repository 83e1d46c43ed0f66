// The pieces of `ops` that read what the operator typed and format what it
// shows: nameserver lists (flag and $KV_NS), ages, showtable rows, and
// the confirmation prompt.
#include <catch2/catch.hpp>

#include <cstdio>

#include "ops/confirm.h"
#include "ops/endpoints.h"
#include "cli/command.h"
#include "ops/display.h"

using namespace kv;
using namespace kv::ops;

TEST_CASE("the --ns flag wins over $KV_NS, neither is a usage error", "[ops]") {
  CHECK(*ResolveNameservers("a:1", "b:2") == std::vector<std::string>{"a:1"});
  CHECK(*ResolveNameservers("", "b:2,c:3") == std::vector<std::string>{"b:2", "c:3"});
  auto none = ResolveNameservers("", nullptr);
  CHECK(none.status().IsInvalidArgument());
  CHECK_THAT(none.status().message(), Catch::Contains("--ns") && Catch::Contains("KV_NS"));
  CHECK(ResolveNameservers("", "").status().IsInvalidArgument());
  auto bad_env = ResolveNameservers("", "nonsense");
  CHECK_THAT(bad_env.status().message(), Catch::Contains("$KV_NS"));
  CHECK(cli::ExitCodeFor(none.status()) == 2);
}

TEST_CASE("ages read like OpenMLDB's: the largest whole unit", "[ops]") {
  CHECK(HumanAge(0) == "0s");
  CHECK(HumanAge(59'999) == "59s");
  CHECK(HumanAge(60'000) == "1m");
  CHECK(HumanAge(7 * 60'000 + 5'000) == "7m");
  CHECK(HumanAge(3 * 3'600'000 + 59 * 60'000) == "3h");
  CHECK(HumanAge(2 * 86'400'000ull + 5) == "2d");
}

TEST_CASE("showtable rows: one per replica, by table and pid, leader first", "[ops]") {
  v1::TableInfo t;
  t.set_name("t1");
  t.set_tid(4);
  for (uint32_t pid : {1u, 0u}) {
    v1::PartitionInfo* p = t.add_partitions();
    p->set_pid(pid);
    p->set_term(3 + pid);
    for (const char* ep : {"b:1", "a:1", "c:1"}) {
      v1::ReplicaInfo* r = p->add_replicas();
      r->set_endpoint(ep);
      r->set_role(std::string(ep) == "c:1" ? v1::LEADER : v1::FOLLOWER);
      r->set_is_alive(std::string(ep) != "b:1");
      r->set_offset(10);
      r->set_record_count(9);
    }
  }
  const auto rows = ReplicaRows({t});
  REQUIRE(rows.size() == 6);
  CHECK(rows[0].pid == 0);
  CHECK(rows[0].endpoint == "c:1");
  CHECK(rows[0].role == "leader");
  CHECK(rows[0].term == 3);
  CHECK(rows[1].endpoint == "a:1");
  CHECK(rows[2].endpoint == "b:1");
  CHECK(!rows[2].is_alive);
  CHECK(rows[3].pid == 1);
  CHECK(rows[3].term == 4);
  CHECK(rows[0].tid == 4);
  CHECK(rows[0].record_cnt == 9);
}

namespace {

// Feeds text to Confirm as its stdin.
Result<bool> Answer(const std::string& text) {
  FILE* in = std::tmpfile();
  FILE* err = std::tmpfile();
  std::fputs(text.c_str(), in);
  std::rewind(in);
  auto answer = Confirm("drop?", in, err);
  std::fclose(in);
  std::fclose(err);
  return answer;
}

}  // namespace

TEST_CASE("confirmation: yes goes ahead, anything else does not, no stdin refuses", "[ops]") {
  CHECK(*Answer("y\n") == true);
  CHECK(*Answer("YES\n") == true);
  CHECK(*Answer(" yes \n") == true);
  CHECK(*Answer("\n") == false);
  CHECK(*Answer("n\n") == false);
  CHECK(*Answer("yesplease\n") == false);
  CHECK(*Answer("y") == true);  // a last line without newline counts
  auto closed = Answer("");
  CHECK(closed.status().IsInvalidArgument());
  CHECK_THAT(closed.status().message(), Catch::Contains("--yes"));
}
