// common/file.h helpers that other tests do not reach on their own.
#include <catch2/catch.hpp>

#include "common/file.h"
#include "tests/test_util.h"

using namespace kv;

TEST_CASE("CreateDirsDurably makes every missing folder of a path, and accepts one that exists", "[common]") {
  test::TempDir tmp;
  const std::string deep = tmp / "partitions/7_3/wal";
  REQUIRE(CreateDirsDurably(deep + "/").ok());  // a trailing slash names the same folder
  CHECK(IsDirectory(deep));
  REQUIRE(CreateDirsDurably(deep).ok());  // nothing left to make
  test::WriteFile(tmp / "file", "x");
  const Status in_the_way = CreateDirsDurably(tmp / "file/below");
  CHECK(in_the_way.IsIOError());
  CHECK_THAT(in_the_way.message(), Catch::Contains(tmp / "file/below"));
}
