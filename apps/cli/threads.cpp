// The OpenMP wait policy (by re-execution) and --threads.
#include "apps/cli/threads.h"

#include <sched.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>

#include "apps/cli/flags.h"
#include "kernels/cpu_backend.h"

namespace adma::apps {

void use_passive_openmp_wait(char** argv) {
  if (std::getenv("OMP_WAIT_POLICY")) return;
  ::setenv("OMP_WAIT_POLICY", "passive", 1);
  ::execv("/proc/self/exe", argv);
  // Not reached unless exec failed (no /proc): run on with libgomp's default policy.
}

CLI::Option* add_threads_flag(CLI::App* cmd, int& threads) {
  return add_integer(cmd, "--threads", threads,
                     "CPU threads of the fast backend (0: every core; a run beside other work is faster with fewer)",
                     0, 4096);
}

void apply_threads(int threads) {
  if (threads > 0) kernels::set_cpu_threads(threads);
}

int usable_cores() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (::sched_getaffinity(0, sizeof set, &set) == 0) return std::max(1, CPU_COUNT(&set));
  return std::max(1L, ::sysconf(_SC_NPROCESSORS_ONLN));
}

}  // namespace adma::apps
