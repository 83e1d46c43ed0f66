// What only the embedded back end has: the data dir's LOCK and the on-disk
// encoding documented in cluster/meta/README.md.
#include <catch2/catch.hpp>
#include <rocksdb/db.h>

#include <memory>

#include "cluster/meta/leader_election.h"
#include "cluster/meta/meta_store.h"
#include "common/file.h"
#include "tests/test_util.h"

using namespace kv;
using namespace kv::meta;

namespace {

std::unique_ptr<rocksdb::DB> OpenRaw(const std::string& dir, bool create = false) {
  rocksdb::Options options;
  options.create_if_missing = create;
  rocksdb::DB* db = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(options, dir, &db);
  INFO(s.ToString());
  REQUIRE(s.ok());
  return std::unique_ptr<rocksdb::DB>(db);
}

}  // namespace

TEST_CASE("embedded store: a second nameserver cannot open a data dir whose LOCK is held", "[meta][embedded]") {
  test::TempDir dir;
  auto first = OpenMetaStore({.data_dir = dir.path()});
  REQUIRE(first.ok());
  auto second = OpenMetaStore({.data_dir = dir.path()});
  REQUIRE(second.status().IsBusy());
  CHECK(second.status().message().find(dir / "LOCK") != std::string::npos);

  REQUIRE((*first)->Close().ok());
  CHECK(OpenMetaStore({.data_dir = dir.path()}).ok());
}

TEST_CASE("embedded store: records are the version as 8 bytes little-endian, then the value", "[meta][embedded]") {
  test::TempDir dir;
  {
    auto store = OpenMetaStore({.data_dir = dir.path()});
    REQUIRE(store.ok());
    REQUIRE((*store)->Put("/tables/t1", "v0").ok());
    REQUIRE((*store)->Put("/tables/t1", "v1").ok());
  }
  auto db = OpenRaw(dir / "meta");
  std::string record;
  REQUIRE(db->Get(rocksdb::ReadOptions(), "/tables/t1", &record).ok());
  CHECK(record == std::string("\x01\0\0\0\0\0\0\0v1", 10));
  std::string format;
  REQUIRE(db->Get(rocksdb::ReadOptions(), "#format_version", &format).ok());
  CHECK(format == "1");
}

TEST_CASE("embedded store: a store of another format version is refused, not misread", "[meta][embedded]") {
  test::TempDir dir;
  REQUIRE(CreateDirs(dir / "meta").ok());
  OpenRaw(dir / "meta", true)->Put(rocksdb::WriteOptions(), "#format_version", "2");
  auto store = OpenMetaStore({.data_dir = dir.path()});
  REQUIRE(store.status().IsFailedPrecondition());
  CHECK(store.status().message().find("format_version 2") != std::string::npos);
}

TEST_CASE("embedded store: a damaged record is reported as corruption with its key", "[meta][embedded]") {
  test::TempDir dir;
  OpenMetaStore({.data_dir = dir.path()}).value()->Close();
  OpenRaw(dir / "meta")->Put(rocksdb::WriteOptions(), "/tables/t1", "short");
  auto store = OpenMetaStore({.data_dir = dir.path()});
  REQUIRE(store.ok());
  Status s = (*store)->Get("/tables/t1").status();
  CHECK(s.IsCorruption());
  CHECK(s.message().find("/tables/t1") != std::string::npos);
  CHECK((*store)->List("/tables").status().IsCorruption());
}

TEST_CASE("embedded store: options must name a data dir or a ZooKeeper cluster", "[meta][embedded]") {
  CHECK(OpenMetaStore({}).status().IsInvalidArgument());
  CHECK(OpenLeaderElection({}).status().IsInvalidArgument());
}
