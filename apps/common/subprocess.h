// Child processes: run one program and capture what it prints (gnuplot), or run
// many at once with a limit, each with its own log file and device (the `adma
// train` runs of `adma experiment` and `adma sweep`).
#pragma once
#include <functional>
#include <string>
#include <vector>

namespace adma::apps {

// The full path of `name` found on $PATH (or `name` itself when it holds a '/'
// and is executable); "" when there is none.
std::string find_program(const std::string& name);

// Runs argv[0] (a path) with `argv` in folder `cwd` ("" = here), waits, and
// returns its exit status (128 + signal number when killed by a signal); its
// stdout and stderr together go to *output. Throws when it cannot be started.
int run_captured(const std::vector<std::string>& argv, const std::string& cwd, std::string* output);

// The path of this executable (/proc/self/exe resolved), so children run the same build.
std::string self_executable();

struct Job {
  std::vector<std::string> argv;  // argv[0] is the program's path
  std::string log;                // stdout and stderr go here (truncated at start)
};

struct JobHooks {
  // Called when job i starts on `device` ("" when no devices were given).
  std::function<void(size_t i, const std::string& device)> started;
  // Called when job i ends with exit status `status`.
  std::function<void(size_t i, int status)> finished;
};

// Runs every job, at most `parallel` at once. With `devices` given, each job is
// started with `--device D` appended, D being the device with the fewest jobs
// running (ties: the first in the list), so N jobs over N devices get one each.
// Returns each job's exit status (127: it could not be started; see its log).
std::vector<int> run_jobs(const std::vector<Job>& jobs, int parallel, const std::vector<std::string>& devices,
                          const JobHooks& hooks = {});

}  // namespace adma::apps
