// Starting the pending runs of a plan (apps/experiment/plan.h) as `adma train`
// child processes of this same executable, N at a time, spread over --devices, each
// writing train.log in its folder; or printing one `adma train` command per pending
// run for a cluster scheduler.
#pragma once
#include <cstdio>
#include <string>
#include <vector>

#include "apps/experiment/plan.h"

namespace adma::apps {

struct LaunchOptions {
  int jobs = 1;                      // runs at once
  std::vector<std::string> devices;  // each child gets --device D (least busy first)
  bool print_commands = false;       // print pending runs' commands instead of running them
  bool collect_only = false;         // start nothing, collect what is finished
};

// Runs (or prints) the pending runs of `plan`, reporting to `log`. Returns the
// number of runs that failed (their train.log says why); the plan's `finished`
// flags are refreshed from the folders afterwards.
int launch_runs(std::vector<RunPlan>& plan, const LaunchOptions& o, std::FILE* log);

// The shell command (quoted) that runs one planned run.
std::string train_command(const std::string& program, const RunPlan& run, const std::string& device);

// `s` as one word for a POSIX shell: as it is when it holds only safe characters, else in single quotes.
std::string shell_quote(const std::string& s);

}  // namespace adma::apps
