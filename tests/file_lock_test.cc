// FileLock: the lock every server holds on its data dir, and the check that
// inspect and repair make without taking it (invariant 8: inspect never changes
// anything, not even whether a tablet can start).
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <thread>

#include "common/file.h"
#include "tests/test_util.h"

using namespace kv;

namespace {

// A child process that holds lock_path until told to go: the lock of a
// running tablet, as inspect sees it.
class LockHolder {
 public:
  explicit LockHolder(const std::string& lock_path) {
    int ready[2], go[2];
    REQUIRE(::pipe(ready) == 0);
    REQUIRE(::pipe(go) == 0);
    pid_ = ::fork();
    REQUIRE(pid_ >= 0);
    if (pid_ == 0) {
      ::close(ready[0]);
      ::close(go[1]);
      auto lock = FileLock::Acquire(lock_path);
      const char got = lock.ok() ? 'y' : 'n';
      (void)!::write(ready[1], &got, 1);
      char c;
      (void)!::read(go[0], &c, 1);  // returns when the parent closes its end
      ::_exit(0);
    }
    ::close(ready[1]);
    ::close(go[0]);
    go_ = go[1];
    char got = 'n';
    REQUIRE(::read(ready[0], &got, 1) == 1);
    ::close(ready[0]);
    locked_ = got == 'y';
  }
  ~LockHolder() { Release(); }
  bool locked() const { return locked_; }
  // Tells the child to exit and reaps it: its lock is gone afterwards.
  void Release() {
    if (pid_ <= 0) return;
    ::close(go_);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
  }

 private:
  pid_t pid_ = -1;
  int go_ = -1;
  bool locked_ = false;
};

}  // namespace

TEST_CASE("a lock held by another process is seen, and free once it exits (invariant 8)", "[file][lock]") {
  test::TempDir tmp;
  const std::string path = tmp / "LOCK";
  CHECK_FALSE(FileLock::IsHeld(path));  // no file: nobody holds it
  LockHolder holder(path);
  REQUIRE(holder.locked());
  CHECK(FileLock::IsHeld(path));
  CHECK(FileLock::Acquire(path).status().IsBusy());
  holder.Release();
  CHECK_FALSE(FileLock::IsHeld(path));
  CHECK(FileLock::Acquire(path).ok());
}

TEST_CASE("a lock held in this process through another open is seen too", "[file][lock]") {
  test::TempDir tmp;
  const std::string path = tmp / "LOCK";
  auto held = FileLock::Acquire(path);
  REQUIRE(held.ok());
  CHECK(FileLock::IsHeld(path));
  CHECK(FileLock::Acquire(path).status().IsBusy());
}

TEST_CASE("checking a lock never makes a concurrent locker fail (invariant 8)", "[file][lock]") {
  // A check that took the lock, even for an instant, would make some of these
  // Acquire calls fail with Busy: a tablet starting while inspect looks.
  test::TempDir tmp;
  const std::string path = tmp / "LOCK";
  std::atomic<bool> stop{false};
  std::atomic<uint64_t> checks{0};
  std::thread checker([&] {
    while (!stop.load()) {
      FileLock::IsHeld(path);
      checks.fetch_add(1);
    }
  });
  constexpr int kRounds = 5000;
  int busy = 0;
  for (int i = 0; i < kRounds; ++i) {
    auto lock = FileLock::Acquire(path);
    if (!lock.ok()) ++busy;
  }
  stop = true;
  checker.join();
  INFO("checks made meanwhile: " << checks.load());
  CHECK(busy == 0);
}
