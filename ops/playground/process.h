// Background server processes, started and stopped by PID, never by name.
//
// A PID alone is not an identity: once a process is gone the kernel may give
// its PID to an unrelated one. So a process is known by its PID and its start
// time (field 22 of /proc/<pid>/stat, in clock ticks since boot), and every
// look and every signal first checks both.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"

namespace kv::ops {

struct ProcessId {
  pid_t pid = 0;
  uint64_t start_time = 0;
};

enum class ProcessState {
  kAlive,
  kStopped,  // SIGSTOPped (state T)
  kDead,     // gone, a zombie, or its PID now belongs to another process
};
const char* ProcessStateName(ProcessState state);

struct SpawnSpec {
  std::string binary;
  std::vector<std::string> args;  // without argv[0]
  std::string stdout_path;        // appended to
  std::string stderr_path;
  // Set in the child's environment (over this process's, which it inherits).
  std::vector<std::pair<std::string, std::string>> env;
};

// Starts binary in a session of its own (setsid: a terminal's Ctrl-C does not
// reach it), stdin from /dev/null, stdout and stderr appended to the files.
// Fails (and leaves nothing running) when the binary cannot be executed.
Result<ProcessId> Spawn(const SpawnSpec& spec);

// Reaps the process when it is this process's child and has exited.
ProcessState Probe(const ProcessId& id);
inline bool IsRunning(const ProcessId& id) { return Probe(id) != ProcessState::kDead; }

// Sends sig after checking the identity; FailedPrecondition when the process is gone.
Status SendSignal(const ProcessId& id, int sig);

// Waits until the process is gone; false when the timeout passes first.
bool WaitUntilGone(const ProcessId& id, std::chrono::milliseconds timeout);
// Waits until Probe(id) == state; false when the timeout passes first.
bool WaitForState(const ProcessId& id, ProcessState state, std::chrono::milliseconds timeout);

// How Stop ended a process.
enum class StopOutcome { kAlreadyGone, kExited, kKilled };
const char* StopOutcomeName(StopOutcome outcome);

// Ends each of ids: SIGCONT (so a stopped one can act on the next signal) and
// SIGTERM to all, then up to grace for them to exit, then SIGKILL for the rest.
// Returns one outcome per id, in order; IOError when a process survives SIGKILL.
Result<std::vector<StopOutcome>> StopAll(const std::vector<ProcessId>& ids, std::chrono::milliseconds grace);

// Waits until child, a child of this process (Spawn), exits, and reaps it:
// its exit code, or 128 + the signal that ended it. When timeout passes first
// or *cancel turns true, SIGKILLs and reaps it and returns Aborted.
Result<int> WaitForExit(const ProcessId& child, std::chrono::milliseconds timeout,
                        const std::atomic<bool>* cancel = nullptr);

// SIGKILL and wait until the process is gone (nothing flushed, like a power cut).
Status KillAndWait(const ProcessId& id);

}  // namespace kv::ops
