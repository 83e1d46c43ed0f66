// tablet-power-cut: the tablet program with its WALs' files behind the
// power-cut simulator (tests/power_cut_files.h), for tests on real processes
// only. SIGUSR1 is the power cut: every WAL file loses a random part of what
// was not synced yet (names not synced into their folders too), then the
// process ends at once (exit 137, as a SIGKILL). What RocksDB wrote is not
// cut: it syncs what it needs itself (a flush, a manifest).
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <thread>

#include "cluster/tablet/tablet_program.h"
#include "tests/power_cut_files.h"

int main(int argc, char** argv) {
  // Blocked before any thread starts, so only the cutter takes it.
  sigset_t cut;
  sigemptyset(&cut);
  sigaddset(&cut, SIGUSR1);
  pthread_sigmask(SIG_BLOCK, &cut, nullptr);
  static kv::test::PowerCutFiles files(static_cast<uint64_t>(::getpid()));
  std::thread([cut] {
    int signal = 0;
    sigwait(&cut, &signal);
    files.PowerCut(kv::test::PowerCutFiles::Cut::kTornUnsynced);
    ::_exit(137);
  }).detach();
  return kv::tablet::TabletMain(argc, argv,
                                [](kv::tablet::TabletServerOptions* options) { options->tablet.storage.wal_files = &files; });
}
