// The exit-code policy every tool shares (cli/command.h, design brief "Exit
// codes and output"): 2 bad usage or unreadable input, 1 ran and found a
// problem or failed.
#include <catch2/catch.hpp>

#include "cli/command.h"

using kv::Status;
using kv::cli::ExitCodeFor;

TEST_CASE("exit codes: bad usage or a named thing that is not there 2, a failure 1", "[cli]") {
  CHECK(ExitCodeFor(Status::OK()) == 0);
  CHECK(ExitCodeFor(Status::InvalidArgument("--limit must be at least 1")) == 2);
  CHECK(ExitCodeFor(Status::NotFound("/data/wal: no such folder")) == 2);
  CHECK(ExitCodeFor(Status::NotFound("table 't' does not exist")) == 2);
  CHECK(ExitCodeFor(Status::Corruption("damage at byte 300000")) == 1);
  CHECK(ExitCodeFor(Status::Busy("LOCK is held")) == 1);
  CHECK(ExitCodeFor(Status::FailedPrecondition("refused")) == 1);
  CHECK(ExitCodeFor(Status::IOError("nameserver unreachable")) == 1);
  CHECK(ExitCodeFor(Status::AlreadyExists("a playground is already there")) == 1);
}
