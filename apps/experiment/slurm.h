// Slurm job arrays for `adma experiment --slurm` and `adma sweep --slurm`: one array
// task per pending run of a plan (apps/experiment/plan.h). In OUT/slurm/:
//   experiment.sbatch  #SBATCH --array=0-(N-1)%K; task i runs line i+1 of commands.txt
//                      in the folder on line i+1 of folders.txt, its output in that run
//                      folder's train.log (as a local child's), then writes slurm.status.
//                      More runs than --slurm-max-array-size M (Slurm's MaxArraySize is
//                      1001 by default: indices up to 1000) go in several arrays of the
//                      same script, array k with ADMA_TASK_OFFSET=k*M in its environment
//   commands.txt       one `adma train ...` line per pending run (this build's binary)
//   folders.txt        the run folder of each line
//   job                the ids sbatch gave the last submission, one per line
// The runs write their folders in place on the shared file system, so collecting is
// what it is locally: `--collect-only`, or the same command again (which submits the
// runs that are still not finished, skipping the others, and refuses while the last
// job still has tasks in squeue). A run folder with slurm.status but no summary.json
// is a failed task: results.md names it with its log's last line.
#pragma once
#include <cstdio>
#include <string>
#include <vector>

#include "apps/experiment/plan.h"

namespace adma::apps {

struct SlurmOptions {
  bool enabled = false;      // --slurm
  bool script_only = false;  // --slurm-script-only: write, do not submit
  std::string partition, time;  // --slurm-partition, --slurm-time ("" = the cluster's default)
  int gpus_per_task = 0;        // --slurm-gpus-per-task (0: none asked)
  int cpus_per_task = 1;        // --slurm-cpus-per-task
  int max_parallel = 0;         // --slurm-max-parallel: the %K of --array (0: no limit)
  int max_array_size = 1000;    // --slurm-max-array-size: tasks per array (the cluster's MaxArraySize - 1)
  std::vector<std::string> extra;  // --slurm-extra: raw "#SBATCH ..." lines (the "#SBATCH " may be left out)
};

// Throws (naming the flag) on a bad value: negative counts, a line break in a value.
void check_slurm_options(const SlurmOptions& o);

struct SlurmArray {
  std::string script, commands, folders;  // paths
  size_t tasks = 0;                       // pending runs = array tasks (0: nothing written)
};
// Writes the files above for the pending runs of `plan`, each command running
// `program` (this executable) from the folder `workdir` (where relative run folders
// are); without `device`, each run takes --device auto: the GPU Slurm gave the task
// (CUDA_VISIBLE_DEVICES), else the CPU.
// `device` ("" = none): the --device of every command.
SlurmArray write_slurm_array(const std::string& out, const std::vector<RunPlan>& plan, const SlurmOptions& o,
                             const std::string& program, const std::string& workdir, const std::string& device = "");
// The text of experiment.sbatch (what write_slurm_array writes), for tests.
std::string slurm_script_text(const std::string& slurm_dir, size_t tasks, const SlurmOptions& o,
                              const std::string& workdir);

// Refuses while OUT/slurm/job names a job that squeue still lists (resubmitting
// would run its pending tasks twice). Without squeue on PATH, nothing is checked.
void check_no_job_running(const std::string& out);
// Submits with `sbatch --parsable --array=... --export=ALL,ADMA_TASK_OFFSET=...`, one
// array per o.max_array_size tasks, records the ids in OUT/slurm/job and returns them;
// throws with sbatch's message when it fails or is not installed.
std::vector<std::string> submit_slurm_array(const std::string& out, const SlurmArray& array, const SlurmOptions& o);

struct FailedRun {
  std::string folder, status, last_line;  // status: slurm.status's text, e.g. "exit 1 job 12_3 node n1"
};
// The planned runs without summary.json whose folder holds a slurm.status: failed tasks.
std::vector<FailedRun> failed_slurm_runs(const std::vector<RunPlan>& plan);
// Appends a "Failed runs" section naming them (folder, status, the log's last line) to
// the results.md at `md_path`; nothing when `failed` is empty.
void append_failed_runs(const std::string& md_path, const std::vector<FailedRun>& failed);

}  // namespace adma::apps

namespace adma::apps {

// --slurm after planning: refuses while the last job runs (its pending tasks read
// commands.txt when they start, so it is not rewritten under them either), writes
// the array of pending runs, submits it unless script_only, and reports to `log`.
// Returns the job ids (none when nothing was submitted).
std::vector<std::string> slurm_submit_pending(const std::string& out, const std::vector<RunPlan>& plan, const SlurmOptions& o,
                                 const std::string& device, std::FILE* log);

}  // namespace adma::apps
