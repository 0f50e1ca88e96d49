// `adma experiment --slurm` without a cluster: the job array's files for the pending
// runs (script, commands, folders), the script's bash run by hand as Slurm would run
// one task, and failed tasks named in results.md. scripts/slurm-check runs it all on
// a real one-node Slurm (ctest -L slurm).
#include <cstdlib>
#include <filesystem>
#include <sstream>

#include "apps/cli/train_flags.h"
#include "apps/common/files.h"
#include "apps/common/subprocess.h"
#include "apps/experiment/plan.h"
#include "apps/experiment/results.h"
#include "apps/experiment/slurm.h"
#include "apps/run/run_folder.h"
#include "core/error.h"
#include "program_test_util.h"

namespace adma {
namespace {

using test::contains;

std::vector<apps::RunPlan> plan_in(const std::string& out) {
  apps::ExperimentSpec spec;
  spec.datasets = {"fashion-mnist"};
  spec.losses = {"adma", "cce"};
  spec.iterations = 2;
  spec.out = out;
  apps::TrainFlags f;
  f.epochs = 1;
  return apps::plan_experiment(spec, apps::train_recipe(f, false));
}

std::vector<std::string> lines_of(const std::string& path) {
  std::vector<std::string> out;
  std::istringstream is(apps::read_file(path));
  for (std::string l; std::getline(is, l);) out.push_back(l);
  return out;
}

TEST(Slurm, ArrayOfThePendingRunsWithTheOptions) {
  test::TempDir dir;
  auto plan = plan_in(dir / "exp");
  plan[1].finished = true;  // as if its summary.json were there
  apps::SlurmOptions o;
  o.partition = "gpu";
  o.time = "2:00:00";
  o.gpus_per_task = 1;
  o.max_parallel = 2;
  o.extra = {"--account=proj", "#SBATCH --mem=4G"};
  const auto a = apps::write_slurm_array(dir / "exp", plan, o, "/opt/adma", dir.path());
  ASSERT_EQ(a.tasks, 3u);
  const std::string script = apps::read_file(a.script);
  EXPECT_EQ(a.script, dir / "exp/slurm/experiment.sbatch");
  for (const char* line : {"#SBATCH --array=0-2%2\n", "#SBATCH --partition=gpu\n", "#SBATCH --time=2:00:00\n",
                           "#SBATCH --gpus-per-task=1\n", "#SBATCH --account=proj\n", "#SBATCH --mem=4G\n",
                           "#SBATCH --cpus-per-task=1\n"})
    EXPECT_TRUE(contains(script, line)) << line << " missing in\n" << script;
  EXPECT_TRUE(contains(script, "#SBATCH --chdir=" + dir.path() + "\n"));
  const auto commands = lines_of(a.commands), folders = lines_of(a.folders);
  ASSERT_EQ(commands.size(), 3u);
  ASSERT_EQ(folders.size(), 3u);
  // Line i is pending run i, in plan order, without the finished one.
  EXPECT_EQ(folders[0], plan[0].settings.out);
  EXPECT_EQ(folders[1], plan[2].settings.out);
  EXPECT_EQ(commands[1].rfind("/opt/adma train ", 0), 0u) << commands[1];
  EXPECT_TRUE(contains(commands[1], "--out " + plan[2].settings.out)) << commands[1];
  EXPECT_FALSE(contains(commands[1], "--device"));
  // No limit: no %K. Every run finished: nothing written.
  o.max_parallel = 0;
  EXPECT_TRUE(contains(apps::slurm_script_text(dir.path(), 4, o, dir.path()), "#SBATCH --array=0-3\n"));
  for (auto& r : plan) r.finished = true;
  EXPECT_EQ(apps::write_slurm_array(dir / "done", plan, o, "/opt/adma", dir.path()).tasks, 0u);
  EXPECT_FALSE(apps::dir_exists(dir / "done/slurm"));
}

TEST(Slurm, BadOptionsAreRefused) {
  apps::SlurmOptions o;
  o.max_parallel = -1;
  EXPECT_THROW(apps::check_slurm_options(o), Error);
  o = {};
  o.partition = "a b";
  EXPECT_THROW(apps::check_slurm_options(o), Error);
  o = {};
  o.extra = {"--mem=1G\n#SBATCH --x"};
  EXPECT_THROW(apps::check_slurm_options(o), Error);
  o = {};
  o.gpus_per_task = -2;
  EXPECT_THROW(apps::check_slurm_options(o), Error);
}

// The script as Slurm runs task 1: its command (here `sh -c` printing and failing)
// writes the folder's train.log and slurm.status, and results.md names the failure.
TEST(Slurm, TaskScriptRunsItsLineAndAFailureIsNamed) {
  test::TempDir dir;
  const std::string bash = apps::find_program("bash");
  if (bash.empty()) GTEST_SKIP() << "no bash";
  auto plan = plan_in(dir / "exp");
  const auto a = apps::write_slurm_array(dir / "exp", plan, {}, "/bin/true", dir.path());
  ASSERT_EQ(a.tasks, 4u);
  // Task 1's command: fail with a message, as a run that cannot read its data would.
  auto commands = lines_of(a.commands);
  commands[1] = "echo 'adma: error: data/x: no such directory'; exit 3";
  std::string text;
  for (const auto& c : commands) text += c + "\n";
  apps::write_file_checked(a.commands, text);
  std::string out;
  ::setenv("SLURM_ARRAY_TASK_ID", "1", 1);
  ::setenv("SLURM_ARRAY_JOB_ID", "77", 1);
  const int status = apps::run_captured({bash, a.script}, dir.path(), &out);
  ::unsetenv("SLURM_ARRAY_TASK_ID");
  EXPECT_EQ(status, 3) << out;
  const std::string folder = plan[1].settings.out;
  EXPECT_TRUE(contains(apps::read_file(folder + "/train.log"), "adma: error: data/x: no such directory"));
  EXPECT_TRUE(contains(apps::read_file(folder + "/slurm.status"), "exit 3 job 77_1"));

  const auto failed = apps::failed_slurm_runs(plan);
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_EQ(failed[0].folder, folder);
  EXPECT_EQ(failed[0].last_line, "adma: error: data/x: no such directory");
  const std::string md = apps::write_experiment_results(dir / "exp", 1, apps::collect_results(plan, 1), plan, stderr);
  apps::append_failed_runs(md, failed);
  const std::string text_md = apps::read_file(md);
  EXPECT_TRUE(contains(text_md, "## Failed runs")) << text_md;
  EXPECT_TRUE(contains(text_md, "| " + folder + " | exit 3 job 77_1")) << text_md;
  EXPECT_TRUE(contains(text_md, "adma: error: data/x: no such directory |")) << text_md;
}

}  // namespace
}  // namespace adma

namespace adma {
namespace {

// A stand-in for a Slurm command on PATH: a shell script printing `said`.
class FakeSlurm {
 public:
  FakeSlurm() : old_path_(std::getenv("PATH") ? std::getenv("PATH") : "") {
    ::setenv("PATH", (dir_.path() + ":" + old_path_).c_str(), 1);
  }
  ~FakeSlurm() { ::setenv("PATH", old_path_.c_str(), 1); }
  // Each call appends its arguments, one call per line, to calls(name).
  void program(const std::string& name, const std::string& said, int status = 0) {
    const std::string path = dir_ / name;
    apps::write_file_checked(path, "#!/bin/sh\necho \"$*\" >> '" + calls(name) + "'\nprintf '%s' '" + said +
                                       "'\nexit " + std::to_string(status) + "\n");
    std::filesystem::permissions(path, std::filesystem::perms::owner_all);
  }
  std::string calls(const std::string& name) const { return dir_ / (name + ".calls"); }

 private:
  test::TempDir dir_;
  std::string old_path_;
};

TEST(Slurm, SubmitReadsTheJobIdAndARunningJobBlocksTheNextSubmission) {
  test::TempDir dir;
  FakeSlurm slurm;
  auto plan = plan_in(dir / "exp");
  const auto a = apps::write_slurm_array(dir / "exp", plan, {}, "/opt/adma", dir.path());
  slurm.program("sbatch", "sbatch: warning: something\n4242;cluster\n");
  apps::SlurmOptions o;
  o.max_parallel = 3;
  EXPECT_EQ(apps::submit_slurm_array(dir / "exp", a, o), std::vector<std::string>{"4242"});
  EXPECT_EQ(apps::read_file(dir / "exp/slurm/job"), "4242\n");
  EXPECT_EQ(apps::read_file(slurm.calls("sbatch")),
            "--parsable --array=0-3%3 --export=ALL,ADMA_TASK_OFFSET=0 " + a.script + "\n");
  // squeue still lists tasks of 4242: submitting (or rewriting the files) again is refused.
  slurm.program("squeue", "4242_3 PENDING\n");
  try {
    apps::slurm_submit_pending(dir / "exp", plan, {}, "", stderr);
    FAIL() << "expected a refusal";
  } catch (const Error& e) {
    EXPECT_TRUE(contains(e.what(), "Slurm job 4242")) << e.what();
    EXPECT_TRUE(contains(e.what(), "scancel 4242")) << e.what();
  }
  // The job has left squeue (empty output, or squeue's "Invalid job id" failure): allowed.
  slurm.program("squeue", "");
  EXPECT_NO_THROW(apps::check_no_job_running(dir / "exp"));
  slurm.program("squeue", "slurm_load_jobs error: Invalid job id specified\n", 1);
  EXPECT_NO_THROW(apps::check_no_job_running(dir / "exp"));
  // sbatch's refusal is an error with its words.
  slurm.program("sbatch", "sbatch: error: invalid partition specified: gpu\n", 1);
  try {
    apps::submit_slurm_array(dir / "exp", a, {});
    FAIL() << "expected sbatch's error";
  } catch (const Error& e) {
    EXPECT_TRUE(contains(e.what(), "invalid partition specified: gpu")) << e.what();
  }
}

// More runs than a cluster's MaxArraySize allows in one array: several arrays of the
// same script, each told where its runs start (ADMA_TASK_OFFSET), and the script
// takes line offset + index + 1.
TEST(Slurm, ManyRunsGoInSeveralArrays) {
  test::TempDir dir;
  FakeSlurm slurm;
  auto plan = plan_in(dir / "exp");  // 4 runs
  apps::SlurmOptions o;
  o.max_array_size = 3;
  const auto a = apps::write_slurm_array(dir / "exp", plan, o, "/bin/true", dir.path());
  EXPECT_TRUE(contains(apps::read_file(a.script), "#SBATCH --array=0-2\n"));
  slurm.program("sbatch", "77\n");
  EXPECT_EQ(apps::submit_slurm_array(dir / "exp", a, o), (std::vector<std::string>{"77", "77"}));
  EXPECT_EQ(apps::read_file(slurm.calls("sbatch")),
            "--parsable --array=0-2 --export=ALL,ADMA_TASK_OFFSET=0 " + a.script + "\n" +
                "--parsable --array=0-0 --export=ALL,ADMA_TASK_OFFSET=3 " + a.script + "\n");
  EXPECT_EQ(apps::read_file(dir / "exp/slurm/job"), "77\n77\n");
  // Task 0 of the second array runs the 4th run.
  const std::string bash = apps::find_program("bash");
  if (bash.empty()) GTEST_SKIP() << "no bash";
  ::setenv("SLURM_ARRAY_TASK_ID", "0", 1);
  ::setenv("SLURM_ARRAY_JOB_ID", "78", 1);
  ::setenv("ADMA_TASK_OFFSET", "3", 1);
  std::string out;
  const int status = apps::run_captured({bash, a.script}, dir.path(), &out);
  ::unsetenv("SLURM_ARRAY_TASK_ID");
  ::unsetenv("ADMA_TASK_OFFSET");
  EXPECT_EQ(status, 0) << out;
  EXPECT_TRUE(apps::file_exists(plan[3].settings.out + "/slurm.status"));
  EXPECT_FALSE(apps::file_exists(plan[0].settings.out + "/slurm.status"));
  EXPECT_TRUE(contains(apps::read_file(plan[3].settings.out + "/slurm.status"), "exit 0 job 78_0"));
}

}  // namespace
}  // namespace adma
