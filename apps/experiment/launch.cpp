// Child runs of a plan: `adma train` processes with their logs and devices (see
// apps/experiment/launch.h; the process pool is apps/common/subprocess.h).
#include "apps/experiment/launch.h"

#include "apps/common/files.h"
#include "apps/common/format.h"
#include "apps/common/subprocess.h"
#include "apps/run/run_folder.h"
#include "core/error.h"

namespace adma::apps {

namespace {

std::string last_line_of(const std::string& path) {
  std::string text;
  try {
    text = read_file(path);
  } catch (const std::exception&) {
    return "";
  }
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  const size_t nl = text.find_last_of('\n');
  return nl == std::string::npos ? text : text.substr(nl + 1);
}

}  // namespace

std::string shell_quote(const std::string& s) {
  if (!s.empty() && s.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./:=,+-@%") ==
                        std::string::npos)
    return s;
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string train_command(const std::string& program, const RunPlan& run, const std::string& device) {
  std::string cmd = shell_quote(program) + " train";
  for (const auto& a : run.train_args) cmd += " " + shell_quote(a);
  if (!device.empty()) cmd += " --device " + shell_quote(device);
  return cmd;
}

int launch_runs(std::vector<RunPlan>& plan, const LaunchOptions& o, std::FILE* log) {
  ADMA_CHECK(o.jobs >= 1, "--jobs must be >= 1, got ", o.jobs);
  std::vector<size_t> pending;
  for (size_t i = 0; i < plan.size(); ++i)
    if (!plan[i].finished) pending.push_back(i);
  std::fprintf(log, "%zu runs: %zu finished, %zu to do\n", plan.size(), plan.size() - pending.size(),
               pending.size());
  const std::string program = self_executable();
  if (o.print_commands) {
    for (size_t k = 0; k < pending.size(); ++k) {
      const std::string device = o.devices.empty() ? "" : o.devices[k % o.devices.size()];
      std::printf("%s\n", train_command(program, plan[pending[k]], device).c_str());
    }
    ADMA_CHECK(std::fflush(stdout) == 0 && !std::ferror(stdout), "cannot write the commands to standard output");
    return 0;
  }
  if (o.collect_only || pending.empty()) return 0;

  std::vector<Job> jobs;
  for (size_t i : pending) {
    make_dirs(plan[i].settings.out);
    Job j;
    j.argv = {program, "train"};
    for (const auto& a : plan[i].train_args) j.argv.push_back(a);
    j.log = plan[i].settings.out + "/train.log";
    jobs.push_back(j);
  }
  const size_t total = jobs.size();
  size_t done = 0;
  auto describe = [&](size_t k) {
    const RunPlan& r = plan[pending[k]];
    return r.dataset + " " + (r.loss == "adma" ? "adma a=" + exact_number(r.a) : r.loss) + " seed " +
           std::to_string(r.settings.seed);
  };
  JobHooks hooks;
  hooks.started = [&](size_t k, const std::string& device) {
    std::fprintf(log, "started  %s%s%s (log %s)\n", describe(k).c_str(), device.empty() ? "" : " on ",
                 device.c_str(), jobs[k].log.c_str());
    std::fflush(log);
  };
  hooks.finished = [&](size_t k, int status) {
    ++done;
    const std::string& dir = plan[pending[k]].settings.out;
    if (status == 0 && run_finished(dir)) {
      const RunSummary s = read_summary_json(dir + "/summary.json");
      std::fprintf(log, "[%zu/%zu] finished %s: final validation accuracy %.4f in %.0f s\n", done, total,
                   describe(k).c_str(), s.final_val_accuracy, s.seconds);
    } else {
      std::fprintf(log, "[%zu/%zu] FAILED   %s (exit status %d): %s\n", done, total, describe(k).c_str(), status,
                   last_line_of(jobs[k].log).c_str());
    }
    std::fflush(log);
  };
  const std::vector<int> status = run_jobs(jobs, o.jobs, o.devices, hooks);
  int failed = 0;
  for (size_t k = 0; k < pending.size(); ++k) {
    RunPlan& r = plan[pending[k]];
    r.finished = run_finished(r.settings.out);
    if (status[k] != 0 || !r.finished) ++failed;
  }
  return failed;
}

}  // namespace adma::apps
