// Terms and leases: invariants 3 and 4 on in-process tablets.
#include <catch2/catch.hpp>

#include "tests/tablet_test_util.h"

namespace kv::test {
namespace {

constexpr uint32_t kTid = 2, kPid = 1;

v1::AppendRequest EmptyAppend(uint64_t term, const std::string& leader) {
  v1::AppendRequest req;
  req.mutable_partition()->set_tid(kTid);
  req.mutable_partition()->set_pid(kPid);
  req.set_term(term);
  req.set_leader(leader);
  return req;  // prev_offset 0: matches every log
}

}  // namespace

TEST_CASE("stale terms are refused on Write, Append and ChangeRole, across a restart too (invariant 3)", "[tablet]") {
  ThreeTablets c;
  c.CreatePartition(kTid, kPid, 3);
  c.RequireInSync(kTid, kPid);  // the followers have seen term 3

  const v1::WriteResponse w = Put(*c.tablets[0], kTid, kPid, "k", "v", /*term=*/2);
  CHECK(w.error().code() == v1::STALE_TERM);
  CHECK(w.error().current_term() == 3);
  CHECK(Put(*c.tablets[0], kTid, kPid, "k", "v", /*term=*/3).error().code() == v1::OK);

  v1::AppendResponse a = Append(*c.tablets[1], EmptyAppend(2, "old-leader:1"));
  CHECK(a.error().code() == v1::STALE_TERM);
  CHECK(a.error().current_term() == 3);

  const v1::ChangeRoleResponse r = ChangeRole(*c.tablets[1], Spec(kTid, kPid, v1::LEADER, 2));
  CHECK(r.error().code() == v1::STALE_TERM);
  CHECK(r.error().current_term() == 3);

  // The newest term is on disk: a restarted follower still refuses.
  c.tablets[1]->Stop();
  c.tablets[1]->Start();
  a = Append(*c.tablets[1], EmptyAppend(2, "old-leader:1"));
  CHECK(a.error().code() == v1::STALE_TERM);
  CHECK(Status(*c.tablets[1], kTid, kPid).term() == 3);
}

TEST_CASE("an Append of a newer term makes a leader step down, persisting the term first (invariant 3)", "[tablet]") {
  ThreeTablets c;
  c.CreatePartition(kTid, kPid, 1);
  const v1::AppendResponse a = Append(*c.tablets[0], EmptyAppend(2, "new-leader:1"));
  INFO(a.error().message());
  REQUIRE(a.error().code() == v1::OK);
  const v1::ReplicaStatus s = Status(*c.tablets[0], kTid, kPid);
  CHECK(s.role() == v1::FOLLOWER);
  CHECK(s.term() == 2);
  const v1::WriteResponse w = Put(*c.tablets[0], kTid, kPid, "k", "v");
  CHECK(w.error().code() == v1::NOT_LEADER);
  CHECK(w.error().leader_hint() == "new-leader:1");
}

TEST_CASE("a leader whose follower has seen a newer term stops leading", "[tablet]") {
  ThreeTablets c;
  c.CreatePartition(kTid, kPid, 1);
  REQUIRE(ChangeRole(*c.tablets[1], Spec(kTid, kPid, v1::FOLLOWER, 5)).error().code() == v1::OK);
  // The leader's next Append to tablet 1 (a write, or its idle probe) gets STALE_TERM.
  Put(*c.tablets[0], kTid, kPid, "k", "v");
  REQUIRE(WaitUntil([&] { return Status(*c.tablets[0], kTid, kPid).role() != v1::LEADER; }));
  CHECK(Put(*c.tablets[0], kTid, kPid, "k2", "v").error().code() == v1::NOT_LEADER);
  // Nor may the nameserver's old term make it lead again.
  CHECK(ChangeRole(*c.tablets[0], Spec(kTid, kPid, v1::LEADER, 4)).error().code() == v1::STALE_TERM);
}

TEST_CASE("a leader whose lease expired refuses writes and reads until a new grant (invariant 4)", "[tablet]") {
  ThreeTablets c;
  c.CreatePartition(kTid, kPid, 1);
  TestTablet& leader = *c.tablets[0];
  leader.GrantLeases({{{kTid, kPid}, 1}}, std::chrono::milliseconds(800));
  REQUIRE(Put(leader, kTid, kPid, "a", "1").error().code() == v1::OK);

  c.clock.Advance(std::chrono::milliseconds(800));
  const v1::WriteResponse w = Put(leader, kTid, kPid, "b", "2");
  CHECK(w.error().code() == v1::LEASE_EXPIRED);
  CHECK(Get(leader, kTid, kPid, "a").error().code() == v1::LEASE_EXPIRED);
  CHECK_FALSE(Status(leader, kTid, kPid).lease_valid());
  const uint64_t last = Status(leader, kTid, kPid).last_offset();

  // A grant for another term is no lease for this one.
  leader.GrantLeases({{{kTid, kPid}, 2}});
  CHECK(Put(leader, kTid, kPid, "b", "2").error().code() == v1::LEASE_EXPIRED);
  CHECK(Status(leader, kTid, kPid).last_offset() == last);  // refused before appending

  leader.GrantLeases({{{kTid, kPid}, 1}});
  CHECK(Put(leader, kTid, kPid, "b", "2").error().code() == v1::OK);
  CHECK(Get(leader, kTid, kPid, "b").value() == "2");
}

TEST_CASE("after a restart a replica leads only once the nameserver names it leader again", "[tablet]") {
  ThreeTablets c;
  c.CreatePartition(kTid, kPid, 1);
  REQUIRE(Put(*c.tablets[0], kTid, kPid, "a", "1").error().code() == v1::OK);
  c.tablets[0]->Stop();
  c.tablets[0]->Start();
  c.tablets[0]->GrantLeases({{{kTid, kPid}, 1}});
  CHECK(Status(*c.tablets[0], kTid, kPid).role() == v1::ROLE_UNKNOWN);
  CHECK(Put(*c.tablets[0], kTid, kPid, "b", "2").error().code() == v1::NOT_LEADER);

  const v1::ChangeRoleResponse r = ChangeRole(
      *c.tablets[0], Spec(kTid, kPid, v1::LEADER, 1, {c.tablets[1]->endpoint(), c.tablets[2]->endpoint()}));
  INFO(r.error().message());
  REQUIRE(r.error().code() == v1::OK);
  CHECK(Put(*c.tablets[0], kTid, kPid, "b", "2").error().code() == v1::OK);
  c.RequireInSync(kTid, kPid);
}

}  // namespace kv::test
