// `adma train` and `adma evaluate` on the library: a TrainingSession (dataset,
// ConvNet, Trainer, batches) driven by the Trainer's hooks, with TrainReport
// writing the run folder and the progress. Checkpoints are written after every
// epoch with one commit point (apps/run/epoch_commit.h): last.safetensors always,
// carrying the metrics history; metrics.csv and best.safetensors (when the held-out
// accuracy improved) derived from it. One process writes a folder (apps/run/run_lock.h).
#include "apps/run/run_training.h"

#include <chrono>
#include <unistd.h>

#include <cstdio>
#include <optional>

#include "apps/common/files.h"
#include "apps/run/epoch_commit.h"
#include "apps/run/process_group.h"
#include "apps/run/progress.h"
#include "apps/run/run_lock.h"
#include "apps/run/train_report.h"
#include "apps/run/training_session.h"
#include "core/error.h"
#include "core/graph/checkpoint.h"

namespace adma::apps {

namespace {

// Progress every this many steps on a terminal (reading the running metrics synchronises the device).
constexpr int64_t kProgressEvery = 10;

}  // namespace

void run_training(const TrainSettings& settings, const std::vector<std::string>& train_args, bool profile) {
  // mpirun/srun: this process's rank, device and communicator; only rank 0 writes.
  const ProcessGroup group(settings.device);
  TrainSettings s = settings;
  s.device = group.device();
  const std::string last = s.out + "/last.safetensors";
  std::optional<RunLock> lock;
  if (group.writer()) {
    lock.emplace(s.out);       // one writer per folder, for the whole run
    remove_temp_files(s.out);  // what a killed writer left behind
  }
  // A resumed run killed before its first commit has config.json and no checkpoint: it starts over.
  const bool from_checkpoint = !s.resume.empty() && file_exists(last);
  const int64_t done = from_checkpoint ? checkpoint_epochs(last) : 0;
  ADMA_CHECK(done <= s.epochs, "--resume: ", last, " already holds ", done, " epochs and --epochs is ", s.epochs,
             " (--epochs may only grow)");

  SessionOptions options;
  options.train_args = train_args;
  options.communicator = group.communicator();
  TrainingSession session(s, options);
  if (from_checkpoint) {
    session.load(last);  // every rank the same file
  } else if (!s.weights.empty()) {
    const std::string loaded = session.load_pretrained();
    if (group.writer()) std::printf("%s\n", loaded.c_str());
  }
  if (group.writer()) std::fputs(session.training_report().c_str(), stdout);
  optim::Trainer& trainer = session.trainer();
  data::ImageBatches& train = session.train_batches();
  if (!group.writer()) {  // the same collective steps, nothing written or printed
    trainer.fit(train, &session.held_out_batches(), s.epochs);
    return;
  }

  TrainReport report(s, train.batches(), stdout);
  if (from_checkpoint) restore_from_checkpoint(report.folder(), last);
  report.start(s.device, session.backend() + group.describe(s.batch), s.resume.empty() ? &train_args : nullptr);
  // More epochs for a finished run: it is not finished until they are done.
  if (done < s.epochs) ::unlink(report.folder().path("summary.json").c_str());
  double seconds = 0;
  for (const auto& row : report.folder().metrics()) seconds += row.seconds;
  // The bar reads the running metrics, a collective call: only for one process.
  const bool tty = is_terminal(stdout) && group.size() == 1;
  trainer.on_step = [&](const optim::StepInfo& i) {
    if (tty && ((i.batch + 1) % kProgressEvery == 0 || i.batch + 1 == train.batches())) {
      const optim::EpochMetrics m = trainer.running_metrics();
      report.step(i.batch + 1, m.loss, m.accuracy);
    }
  };
  trainer.on_epoch = [&](const optim::EpochReport& r) {
    EpochMetrics m;
    m.epoch = static_cast<int>(r.epoch) + 1;
    m.train_loss = r.train.loss;
    m.train_accuracy = r.train.accuracy;
    m.val_loss = r.val->loss;
    m.val_accuracy = r.val->accuracy;
    m.lr = r.lr;
    m.a = session.current_a();
    m.seconds = r.seconds;
    seconds += r.seconds;
    commit_epoch(session, report.folder(), m, *r.val);
    report.end_epoch(m);
    if (profile) {  // once, after the first epoch: both steps have been captured by then
      std::printf("profile: training step (CUDA graph): %s\nprofile: evaluation step (CUDA graph): %s\n",
                  trainer.train_step_nodes().str().c_str(), trainer.eval_step_nodes().str().c_str());
      std::fflush(stdout);
      profile = false;
    }
    if (m.epoch < s.epochs) report.begin_epoch(m.epoch + 1);
  };
  if (done < s.epochs) report.begin_epoch(static_cast<int>(done) + 1);
  try {
    trainer.fit(train, &session.held_out_batches(), s.epochs);
  } catch (const optim::TrainingDiverged& e) {
    const int64_t kept = trainer.epoch();
    // e.step counts steps from the run's start (1-based), as the progress bar does within an epoch.
    const int64_t in_epoch = e.step - e.epoch * train.batches();
    ADMA_THROW("training diverged: the loss is NaN or Inf at epoch ", e.epoch + 1, ", step ", in_epoch, " of ",
               train.batches(), " (step ", e.step, " of the run); ",
               kept > 0 ? last + " still holds epoch " + std::to_string(kept) + ", the last good one"
                        : std::string("no epoch finished, so there is no checkpoint"),
               ". Try a smaller --lr.");
  }
  report.finish(seconds);
}

void run_evaluation(TrainSettings s, const EvaluateSettings& e) {
  ADMA_CHECK(s.dataset == e.dataset || e.dataset.empty(), "--dataset ", e.dataset, ": ", e.checkpoint,
             " was trained on ", s.dataset, " (its input shape and classes)");
  s.device = e.device;
  if (!e.data_dir.empty()) s.data_dir = e.data_dir;
  SessionOptions o;
  o.batch = e.batch;
  TrainingSession session(s, o);
  session.load(e.checkpoint);
  data::ImageBatches* test = session.test_batches();
  ADMA_CHECK(test, s.dataset, " has no test split");
  const optim::EpochMetrics m = session.trainer().evaluate(*test);
  std::printf("%s on %s test split (%lld images, %s): accuracy %.6f, loss %.6f\n", e.checkpoint.c_str(),
              s.dataset.c_str(), static_cast<long long>(m.examples), s.device.c_str(), m.accuracy, m.loss);
}

}  // namespace adma::apps
