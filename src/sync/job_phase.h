#pragma once
// Where a job (export, sync) stopped when it failed; the CLI maps it to an exit code (usage 2,
// source 3, commit 4, warehouse not writable 7).
namespace icesync::sync {

enum class JobPhase { kValidate, kSource, kWrite, kCommit };

// Records the phase for the caller, who may not want it (null).
struct PhaseTracker {
  JobPhase* out = nullptr;
  void Set(JobPhase p) {
    if (out) *out = p;
  }
};

}  // namespace icesync::sync
