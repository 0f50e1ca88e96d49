// Launch: rank and world size from the launcher's environment variables.
#include "parallel/launch.h"

#include <cerrno>
#include <cstdlib>

#include "core/error.h"

namespace adma::parallel {

namespace {

const char* env(const char* name) {
  const char* v = std::getenv(name);
  return v && *v ? v : nullptr;
}

int env_int(const char* name, int fallback) {
  const char* v = env(name);
  if (!v) return fallback;
  errno = 0;
  char* end = nullptr;
  const long n = std::strtol(v, &end, 10);
  ADMA_CHECK(errno == 0 && end && *end == '\0' && n >= 0 && n <= 1 << 24, "the environment variable ", name, "='", v,
             "' is not a rank or process count");
  return static_cast<int>(n);
}

// Rule `launcher`: the three variables, when the rank and size variables are both set.
bool try_rule(Launch& l, const char* launcher, const char* rank, const char* size, const char* local) {
  if (!env(rank) || !env(size)) return false;
  l.launcher = launcher;
  l.rank = env_int(rank, 0);
  l.size = env_int(size, 1);
  l.local_rank = env_int(local, 0);
  ADMA_CHECK(l.size >= 1 && l.rank < l.size, launcher, ": ", rank, "=", l.rank, " is not a rank of ", size, "=", l.size);
  return true;
}

}  // namespace

Launch launch_from_environment() {
  Launch l;
  if (try_rule(l, "ADMA_RANK", "ADMA_RANK", "ADMA_WORLD_SIZE", "ADMA_LOCAL_RANK")) return l;
  if (try_rule(l, "mpirun", "OMPI_COMM_WORLD_RANK", "OMPI_COMM_WORLD_SIZE", "OMPI_COMM_WORLD_LOCAL_RANK")) return l;
  if (try_rule(l, "pmi", "PMI_RANK", "PMI_SIZE", "MPI_LOCALRANKID")) return l;
  if (try_rule(l, "srun", "SLURM_PROCID", "SLURM_STEP_NUM_TASKS", "SLURM_LOCALID")) return l;
  l.launcher = "none";
  return l;
}

}  // namespace adma::parallel
