// CPU threads on a shared machine. libgomp's idle threads spin (busy-wait) for up to
// ~300000 iterations between parallel regions unless OMP_WAIT_POLICY=passive: two runs
// on two cores then burn each other's time (issue 17: 17.6 s each where one alone takes
// 1.76 s). The program therefore runs with the passive policy unless the user chose
// one, and `--threads N` sizes the fast backend's OpenMP team; the runs of `adma
// experiment --jobs N` on a CPU get cores / N threads each.
#pragma once
#include <CLI/CLI.hpp>

namespace adma::apps {

// Before anything else in main: when OMP_WAIT_POLICY is unset, sets it to passive and
// executes this program again with the same arguments (libgomp reads the variable once,
// when it is loaded, so setting it later would change nothing). Returns when the
// policy is already chosen (or the re-execution failed: then the default policy stays).
void use_passive_openmp_wait(char** argv);

// --threads N (0: every core) on `cmd`.
CLI::Option* add_threads_flag(CLI::App* cmd, int& threads);
// Applies --threads (no-op for 0).
void apply_threads(int threads);
// The cores this process may run on (sched_getaffinity).
int usable_cores();

}  // namespace adma::apps
