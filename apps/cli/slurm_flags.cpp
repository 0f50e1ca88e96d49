// The --slurm flags: a Slurm job array of the pending runs instead of local children.
//   adma experiment --table 1 --iterations 10 --slurm --slurm-partition gpu
//                   --slurm-gpus-per-task 1 --slurm-max-parallel 8
#include "apps/cli/slurm_flags.h"

namespace adma::apps {

void add_slurm_flags(CLI::App* cmd, SlurmOptions& o) {
  cmd->add_flag("--slurm", o.enabled,
                "submit the pending runs as one Slurm job array (OUT/slurm/experiment.sbatch) and print its job id");
  cmd->add_flag("--slurm-script-only", o.script_only, "with --slurm: write the job array's files, submit nothing");
  cmd->add_option("--slurm-partition", o.partition, "#SBATCH --partition (default: the cluster's)");
  cmd->add_option("--slurm-time", o.time, "#SBATCH --time of each task, e.g. 2:00:00 (default: the partition's)");
  cmd->add_option("--slurm-gpus-per-task", o.gpus_per_task, "#SBATCH --gpus-per-task (default 0: none)");
  cmd->add_option("--slurm-cpus-per-task", o.cpus_per_task, "#SBATCH --cpus-per-task (also the run's threads)")
      ->capture_default_str();
  cmd->add_option("--slurm-max-parallel", o.max_parallel, "tasks running at once: the %K of --array (0: no limit)")
      ->capture_default_str();
  cmd->add_option("--slurm-max-array-size", o.max_array_size,
                  "tasks per array (the cluster's MaxArraySize - 1); more runs go in several arrays")
      ->capture_default_str();
  // One value per use; a value that starts with '-' needs the '=' form: --slurm-extra=--account=proj.
  cmd->add_option("--slurm-extra", o.extra, "a raw #SBATCH line, repeatable: --slurm-extra=--account=proj")
      ->allow_extra_args(false);
}

}  // namespace adma::apps
