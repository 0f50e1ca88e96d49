// Slurm job arrays of pending runs: the script, its command list, submission, and the
// failed tasks (see apps/experiment/slurm.h).
#include "apps/experiment/slurm.h"

#include <algorithm>
#include <filesystem>
#include <sstream>

#include "apps/common/files.h"
#include "apps/common/subprocess.h"
#include "apps/experiment/launch.h"
#include "apps/run/run_folder.h"
#include "core/error.h"

namespace adma::apps {

namespace {

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

std::string last_line_of(const std::string& path) {
  if (!file_exists(path)) return "";
  const std::string text = trimmed(read_file(path));
  const size_t nl = text.find_last_of('\n');
  return nl == std::string::npos ? text : text.substr(nl + 1);
}

// "0-(n-1)%K": n tasks, K at once.
std::string array_range(size_t n, const SlurmOptions& o) {
  return "0-" + std::to_string(n - 1) + (o.max_parallel > 0 ? "%" + std::to_string(o.max_parallel) : "");
}

std::string absolute(const std::string& path, const std::string& workdir) {
  return !path.empty() && path[0] == '/' ? path : workdir + "/" + path;
}

}  // namespace

void check_slurm_options(const SlurmOptions& o) {
  ADMA_CHECK(o.gpus_per_task >= 0, "--slurm-gpus-per-task must be >= 0, got ", o.gpus_per_task);
  ADMA_CHECK(o.cpus_per_task >= 1, "--slurm-cpus-per-task must be >= 1, got ", o.cpus_per_task);
  ADMA_CHECK(o.max_parallel >= 0, "--slurm-max-parallel must be >= 0 (0: no limit), got ", o.max_parallel);
  ADMA_CHECK(o.max_array_size >= 1, "--slurm-max-array-size must be >= 1, got ", o.max_array_size);
  for (const auto& [flag, v] : std::vector<std::pair<std::string, std::string>>{
           {"--slurm-partition", o.partition}, {"--slurm-time", o.time}})
    ADMA_CHECK(v.find_first_of("\n\r ") == std::string::npos, flag, " '", v, "' holds a space or line break");
  for (const auto& e : o.extra)
    ADMA_CHECK(!e.empty() && e.find_first_of("\n\r") == std::string::npos, "--slurm-extra '", e,
               "' must be one non-empty line (an #SBATCH option such as --account=proj)");
}

std::string slurm_script_text(const std::string& slurm_dir, size_t tasks, const SlurmOptions& o,
                              const std::string& workdir) {
  ADMA_CHECK(tasks > 0, "a Slurm array needs at least one task");
  std::ostringstream s;
  s << "#!/bin/bash\n"
    << "# Written by adma: one array task per pending run. Task i runs line i+1 of commands.txt in\n"
    << "# the run folder on line i+1 of folders.txt; its output goes to that folder's train.log and\n"
    << "# its exit status to slurm.status. Submit again (and collect) with the same adma command.\n"
    << "#SBATCH --job-name=adma-runs\n"
    << "#SBATCH --array=" << array_range(std::min<size_t>(tasks, o.max_array_size), o) << "\n"
    << "#SBATCH --ntasks=1\n"
    << "#SBATCH --cpus-per-task=" << o.cpus_per_task << "\n"
    << "#SBATCH --chdir=" << workdir << "\n"
    << "#SBATCH --output=" << slurm_dir << "/logs/%A_%a.out\n";
  if (!o.partition.empty()) s << "#SBATCH --partition=" << o.partition << "\n";
  if (!o.time.empty()) s << "#SBATCH --time=" << o.time << "\n";
  if (o.gpus_per_task > 0) s << "#SBATCH --gpus-per-task=" << o.gpus_per_task << "\n";
  for (const auto& e : o.extra) s << (e.rfind("#SBATCH", 0) == 0 ? e : "#SBATCH " + e) << "\n";
  s << "\nhere=" << shell_quote(slurm_dir) << "\n"
    << "line=$((SLURM_ARRAY_TASK_ID + ${ADMA_TASK_OFFSET:-0} + 1))  # the offset of this array's first run\n"
    << "folder=$(sed -n \"${line}p\" \"$here/folders.txt\")\n"
    << "command=$(sed -n \"${line}p\" \"$here/commands.txt\")\n"
    << "if [ -z \"$folder\" ] || [ -z \"$command\" ]; then\n"
    << "  echo \"adma: no run on line $line of $here/commands.txt\" >&2\n"
    << "  exit 2\n"
    << "fi\n"
    << "task=\"job ${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID} node $(hostname)\"\n"
    << "mkdir -p \"$folder\" || exit 1\n"
    << "rm -f \"$folder/slurm.status\"\n"
    << "echo \"slurm $task: $command\" > \"$folder/train.log\"\n"
    << "# Slurm signals the task at its time limit or scancel: say so where collecting looks.\n"
    << "trap 'echo \"killed by SIGTERM (time limit or scancel) $task\" > \"$folder/slurm.status\"; exit 143' TERM\n"
    << "export OMP_NUM_THREADS=${OMP_NUM_THREADS:-${SLURM_CPUS_PER_TASK:-1}}\n"
    << "export OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-$OMP_NUM_THREADS}\n"
    << "(eval \"$command\") >> \"$folder/train.log\" 2>&1  # a subshell: the line cannot end the script\n"
    << "status=$?\n"
    << "echo \"exit $status $task\" > \"$folder/slurm.status\"\n"
    << "exit $status\n";
  return s.str();
}

SlurmArray write_slurm_array(const std::string& out, const std::vector<RunPlan>& plan, const SlurmOptions& o,
                             const std::string& program, const std::string& workdir, const std::string& device) {
  SlurmArray a;
  const std::string dir = absolute(out, workdir) + "/slurm";
  a.script = dir + "/experiment.sbatch";
  a.commands = dir + "/commands.txt";
  a.folders = dir + "/folders.txt";
  std::string commands, folders;
  for (const auto& r : plan) {
    if (r.finished) continue;
    ADMA_CHECK(r.settings.out.find('\n') == std::string::npos, "run folder '", r.settings.out, "' holds a line break");
    commands += train_command(program, r, device) + "\n";
    folders += r.settings.out + "\n";
    ++a.tasks;
  }
  if (a.tasks == 0) return a;
  make_dirs(dir + "/logs");
  write_file_atomic(a.commands, commands);
  write_file_atomic(a.folders, folders);
  write_file_atomic(a.script, slurm_script_text(dir, a.tasks, o, workdir));
  return a;
}

void check_no_job_running(const std::string& out) {
  const std::string job_file = out + "/slurm/job";
  if (!file_exists(job_file)) return;
  std::string job = trimmed(read_file(job_file));  // ids, one per line
  for (char& ch : job)
    if (ch == '\n') ch = ',';
  const std::string squeue = find_program("squeue");
  if (job.empty() || squeue.empty()) return;
  std::string listed;
  const int status = run_captured({squeue, "-h", "-j", job, "-o", "%i %T"}, "", &listed);
  // squeue fails ("Invalid job id") once the job has left its memory: then nothing runs.
  ADMA_CHECK(status != 0 || trimmed(listed).empty(), "Slurm job ", job, " (", job_file,
             ") still has tasks queued or running:\n", trimmed(listed),
             "\nsubmitting again would run them twice; wait for it (squeue -j ", job,
             "), collect with --collect-only, or cancel it (scancel ", job, ")");
}

std::vector<std::string> submit_slurm_array(const std::string& out, const SlurmArray& a, const SlurmOptions& o) {
  const std::string sbatch = find_program("sbatch");
  ADMA_CHECK(!sbatch.empty(), "--slurm: sbatch is not on PATH (Debian: slurm-client); ", a.script,
             " is written, submit it where Slurm is, or pass --slurm-script-only");
  std::vector<std::string> jobs;
  std::string recorded;
  const size_t per_array = static_cast<size_t>(o.max_array_size);
  for (size_t first = 0; first < a.tasks; first += per_array) {
    const size_t n = std::min(per_array, a.tasks - first);
    std::string said;
    const int status = run_captured({sbatch, "--parsable", "--array=" + array_range(n, o),
                                     "--export=ALL,ADMA_TASK_OFFSET=" + std::to_string(first), a.script},
                                    "", &said);
    said = trimmed(said);
    ADMA_CHECK(status == 0, "sbatch ", a.script, " (runs ", first + 1, " to ", first + n, ") failed (exit status ",
               status, "): ", said, jobs.empty() ? "" : "; submitted before it: " + recorded);
    // --parsable prints "JOBID" or "JOBID;CLUSTER" (after any warnings, on its last line).
    const size_t nl = said.find_last_of('\n');
    std::string job = said.substr(nl == std::string::npos ? 0 : nl + 1);
    job = job.substr(0, job.find(';'));
    ADMA_CHECK(!job.empty() && job.find_first_not_of("0123456789") == std::string::npos, "sbatch ", a.script,
               " printed no job id: ", said);
    jobs.push_back(job);
    recorded += job + "\n";
    write_file_atomic(out + "/slurm/job", recorded);  // after each: a later failure leaves the earlier ones known
  }
  return jobs;
}

std::vector<FailedRun> failed_slurm_runs(const std::vector<RunPlan>& plan) {
  std::vector<FailedRun> failed;
  for (const auto& r : plan) {
    const std::string status = r.settings.out + "/slurm.status";
    if (run_finished(r.settings.out) || !file_exists(status)) continue;
    failed.push_back({r.settings.out, trimmed(read_file(status)), last_line_of(r.settings.out + "/train.log")});
  }
  return failed;
}

void append_failed_runs(const std::string& md_path, const std::vector<FailedRun>& failed) {
  if (failed.empty()) return;
  std::ostringstream md;
  md << read_file(md_path) << "\n## Failed runs\n\n"
     << failed.size() << (failed.size() == 1 ? " Slurm task" : " Slurm tasks")
     << " ended without a summary.json; run the same command again to submit them again.\n\n"
     << "| run folder | task | last line of train.log |\n|---|---|---|\n";
  auto cell = [](std::string s) {
    for (size_t p = 0; (p = s.find('|', p)) != std::string::npos; p += 2) s.replace(p, 1, "\\|");
    return s;
  };
  for (const auto& f : failed)
    md << "| " << cell(f.folder) << " | " << cell(f.status) << " | " << cell(f.last_line) << " |\n";
  write_file_atomic(md_path, md.str());
}

}  // namespace adma::apps

namespace adma::apps {

std::vector<std::string> slurm_submit_pending(const std::string& out, const std::vector<RunPlan>& plan,
                                              const SlurmOptions& o, const std::string& device, std::FILE* log) {
  check_slurm_options(o);
  // Even when only writing: the last job's pending tasks read commands.txt when they start.
  check_no_job_running(out);
  const std::string workdir = std::filesystem::current_path().string();
  const SlurmArray a = write_slurm_array(out, plan, o, self_executable(), workdir, device);
  std::fprintf(log, "%zu runs: %zu finished, %zu to do\n", plan.size(), plan.size() - a.tasks, a.tasks);
  if (a.tasks == 0) {
    std::fprintf(log, "every run is finished: nothing to submit\n");
    return {};
  }
  if (o.script_only) {
    std::fprintf(log, "wrote %s (%zu array tasks; commands in %s); submit it with: sbatch %s\n", a.script.c_str(),
                 a.tasks, a.commands.c_str(), shell_quote(a.script).c_str());
    if (a.tasks > static_cast<size_t>(o.max_array_size))
      std::fprintf(log, "(its #SBATCH --array covers the first %d; adma submits the others as further arrays)\n",
                   o.max_array_size);
    return {};
  }
  const std::vector<std::string> jobs = submit_slurm_array(out, a, o);
  std::string ids;
  for (const auto& j : jobs) ids += (ids.empty() ? "" : ",") + j;
  std::fprintf(log,
               "submitted Slurm job%s %s: %zu array task(s) (%s); watch with squeue -j %s, then collect with the "
               "same command and --collect-only\n",
               jobs.size() == 1 ? "" : "s", ids.c_str(), a.tasks, a.script.c_str(), ids.c_str());
  return jobs;
}

}  // namespace adma::apps
