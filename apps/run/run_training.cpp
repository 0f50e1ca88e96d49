// `adma train` and `adma evaluate` on the library: a TrainingSession (dataset,
// ConvNet, Trainer, batches) driven by the Trainer's hooks, with TrainReport
// writing the run folder and the progress. Checkpoints are written after every
// epoch, atomically (core/graph/checkpoint.h): last.safetensors always,
// best.safetensors when the held-out accuracy improved.
#include "apps/run/run_training.h"

#include <chrono>
#include <cstdio>

#include "apps/common/files.h"
#include "apps/run/progress.h"
#include "apps/run/train_report.h"
#include "apps/run/training_session.h"
#include "core/error.h"
#include "core/graph/checkpoint.h"

namespace adma::apps {

namespace {

// Progress every this many steps on a terminal (reading the running metrics synchronises the device).
constexpr int64_t kProgressEvery = 10;

int64_t epochs_in(const std::string& checkpoint) {
  const auto meta = read_checkpoint_metadata(checkpoint);
  const auto it = meta.find("trainer.epoch");
  ADMA_CHECK(it != meta.end(), "checkpoint ", checkpoint, " holds no training state to resume");
  return std::stoll(it->second);
}

}  // namespace

void run_training(const TrainSettings& s, const std::vector<std::string>& train_args) {
  const std::string last = s.out + "/last.safetensors", best = s.out + "/best.safetensors";
  const int64_t done = s.resume.empty() ? 0 : epochs_in(last);
  ADMA_CHECK(done < s.epochs, "--resume: ", last, " already holds ", done, " epochs and --epochs is ", s.epochs,
             " (ask for more epochs to continue)");

  SessionOptions options;
  options.train_args = train_args;
  TrainingSession session(s, options);
  if (!s.resume.empty()) session.load(last);
  else if (!s.weights.empty()) std::printf("%s\n", session.load_pretrained().c_str());
  std::fputs(session.training_report().c_str(), stdout);
  optim::Trainer& trainer = session.trainer();
  data::ImageBatches& train = session.train_batches();

  TrainReport report(s, train.batches(), stdout, static_cast<int>(done));
  report.start(s.device, session.backend());
  double best_acc = -1, seconds = 0;
  for (const auto& row : report.folder().metrics()) {
    best_acc = std::max(best_acc, row.val_accuracy);
    seconds += row.seconds;
  }
  const bool tty = is_terminal(stdout);
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
    session.save(last, &*r.val);
    if (r.val->accuracy > best_acc) {
      best_acc = r.val->accuracy;
      session.save(best, &*r.val);
    }
    report.end_epoch(m);
    if (m.epoch < s.epochs) report.begin_epoch(m.epoch + 1);
  };
  report.begin_epoch(static_cast<int>(done) + 1);
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
  ADMA_CHECK(test, e.dataset, " has no test split");
  const optim::EpochMetrics m = session.trainer().evaluate(*test);
  std::printf("%s on %s test split (%lld images, %s): accuracy %.6f, loss %.6f\n", e.checkpoint.c_str(),
              s.dataset.c_str(), static_cast<long long>(m.examples), s.device.c_str(), m.accuracy, m.loss);
}

}  // namespace adma::apps
