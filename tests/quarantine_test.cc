#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "common/crc32c.h"
#include "common/file.h"
#include "common/quarantine.h"
#include "tests/test_util.h"

using namespace kv;

TEST_CASE("quarantine keeps what it takes, with a manifest (invariant 8)", "[quarantine]") {
  test::TempDir tmp;
  test::WriteFile(tmp / "a.log", "alpha");
  test::WriteFile(tmp / "b.log", "bravo");
  auto q = Quarantine::Create(tmp / "quarantine", "unit-test", "quarantine_test");
  REQUIRE(q.ok());
  REQUIRE(q->MoveIn(tmp / "a.log", "moved for the test").ok());
  REQUIRE(q->CopyIn(tmp / "b.log", "copied for the test").ok());
  REQUIRE(q->AddBytes("cut.bin", "xyz", tmp / "b.log", "cut for the test").ok());

  CHECK_FALSE(PathExists(tmp / "a.log"));
  CHECK(test::ReadFile(q->dir() + "/a.log") == "alpha");
  CHECK(test::ReadFile(tmp / "b.log") == "bravo");
  CHECK(test::ReadFile(q->dir() + "/b.log") == "bravo");
  CHECK(test::ReadFile(q->dir() + "/cut.bin") == "xyz");

  auto manifest = nlohmann::json::parse(test::ReadFile(q->dir() + "/manifest.json"));
  CHECK(manifest["format_version"] == Quarantine::kManifestVersion);
  CHECK(manifest["reason"] == "unit-test");
  REQUIRE(manifest["items"].size() == 3);
  CHECK(manifest["items"][0]["action"] == "moved");
  CHECK(manifest["items"][0]["bytes"] == 5);
  CHECK(manifest["items"][0]["crc32c"] == crc32c::Value("alpha"));
  CHECK(manifest["items"][2]["action"] == "cut");
}

TEST_CASE("two quarantines made in the same second get distinct folders", "[quarantine]") {
  test::TempDir tmp;
  auto a = Quarantine::Create(tmp.path(), "same", "t");
  auto b = Quarantine::Create(tmp.path(), "same", "t");
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  CHECK(a->dir() != b->dir());
}

TEST_CASE("a whole folder moves in by one rename, each file listed with its CRC (invariant 8)", "[quarantine]") {
  test::TempDir tmp;
  REQUIRE(CreateDirs(tmp / "snap/sub").ok());
  test::WriteFile(tmp / "snap/000012.sst", "alpha");
  test::WriteFile(tmp / "snap/sub/x", "bravo!");
  auto q = Quarantine::Create(tmp / "quarantine", "unit-test", "quarantine_test");
  REQUIRE(q.ok());
  REQUIRE(q->MoveFolderIn(tmp / "snap/", "moved for the test").ok());

  CHECK_FALSE(PathExists(tmp / "snap"));
  CHECK(test::ReadFile(q->dir() + "/snap/000012.sst") == "alpha");  // the layout kept
  CHECK(test::ReadFile(q->dir() + "/snap/sub/x") == "bravo!");
  auto manifest = nlohmann::json::parse(test::ReadFile(q->dir() + "/manifest.json"));
  REQUIRE(manifest["items"].size() == 1);
  const auto& item = manifest["items"][0];
  CHECK(item["action"] == "moved");
  CHECK(item["kind"] == "folder");
  CHECK(item["stored"] == "snap");
  CHECK(item["original"] == (tmp / "snap"));
  CHECK(item["bytes"] == 11);
  CHECK_FALSE(item.contains("crc32c"));
  REQUIRE(item["files"].size() == 2);
  CHECK(item["files"][0]["path"] == "000012.sst");
  CHECK(item["files"][0]["crc32c"] == crc32c::Value("alpha"));
  CHECK(item["files"][1]["path"] == "sub/x");
  CHECK(item["files"][1]["bytes"] == 6);

  CHECK(q->MoveFolderIn(tmp / "snap", "again").IsNotFound());  // gone: nothing recorded
  CHECK(q->item_count() == 1);
}
