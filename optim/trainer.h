// Trainer: the training loop, in the library beside the optimizers (as Caffe's
// Solver). It owns the Optimizer and runs
//   step()      one step on the batch already in the graph's inputs:
//               zero_grad, forward (the fused loss node), backward, the fused update,
//               and the device-side metric accumulation: no host synchronisation;
//   train_epoch one pass over a data::BatchSource;
//   evaluate    the graph in eval mode over a source (padded rows, label -1, skipped);
//   fit         epochs of train + evaluate + schedule, with hooks per step and epoch.
// On CUDA the step is recorded once as a CUDA graph (CapturedStep) and replayed;
// `capture = false` keeps the eager path for comparison. Metrics are summed on the
// device and read once per epoch; a NaN/Inf loss is caught there (or every
// `check_every` steps) and named by epoch and step.
//
//   Trainer t(g, x, y, loss, opts);
//   t.on_epoch = [](const EpochReport& r) { std::printf("%lld %.4f\n", (long long)r.epoch, r.train.loss); };
//   t.fit(train, &val, 50);
#pragma once
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/graph/captured_step.h"
#include "core/graph/checkpoint.h"
#include "core/graph/graph.h"
#include "core/graph/loss_node.h"
#include "data/batch_source.h"
#include "optim/optimizer.h"

namespace adma::optim {

// The bounds of one run: a checkpoint beyond them is refused, and the program caps its
// flags by them. Steps are counted on the device in int32 (kernels/optimizer_update.h).
constexpr int64_t kMaxEpochs = 100000;
constexpr int64_t kMaxSteps = 2147483647;

struct TrainerOptions {
  OptimizerConfig optimizer = OptimizerConfig::parse("adam");
  ScheduleConfig schedule = ScheduleConfig::parse("constant");
  bool capture = true;      // CUDA: replay the step as one CUDA graph (no effect on the CPU)
  int64_t check_every = 0;  // also check the loss for NaN/Inf every this many steps (0: at epoch end only)
  uint64_t seed = 0;        // dropout streams restart from (seed, epoch) at every epoch: resumable
};

struct EpochMetrics {
  double loss = 0;      // mean per example, the L2 penalty included (as Keras reports it)
  double accuracy = 0;  // correct / examples
  int64_t examples = 0;
};

struct EpochReport {
  int64_t epoch = 0;  // 0-based, the epoch just finished
  EpochMetrics train;
  std::optional<EpochMetrics> val;
  double lr = 0;  // the learning rate of the epoch's last step
  double seconds = 0;
};

struct StepInfo {
  int64_t epoch, batch, global_step;  // global_step counts updates, 1-based after the step
};

// Thrown when a loss turns NaN or Inf; says where.
class TrainingDiverged : public Error {
 public:
  TrainingDiverged(const std::string& what, int64_t epoch, int64_t step) : Error(what), epoch(epoch), step(step) {}
  int64_t epoch, step;  // 0-based epoch; 1-based global step of the first non-finite loss
};

class Trainer {
 public:
  // `loss` must be a loss node (core/graph/loss_node.h) fed by `labels`. The parameters
  // train under the rules their layers declared (core/graph/param_rules.h).
  Trainer(Graph& g, Value input, Value labels, Value loss, TrainerOptions options);
  ~Trainer();

  void step();
  EpochMetrics train_epoch(data::BatchSource& train);
  EpochMetrics evaluate(data::BatchSource& source);
  // Trains until `epochs` epochs are done in total (so a resumed run continues to the
  // same end); evaluates on `val` after each epoch when given.
  std::vector<EpochReport> fit(data::BatchSource& train, data::BatchSource* val, int64_t epochs);

  std::function<void(const StepInfo&)> on_step;      // after each step (host values only)
  std::function<void(const EpochReport&)> on_epoch;  // after each epoch (checkpoint here)

  // Everything a resumed run needs: graph parameters and buffers (so `a`), moments,
  // step counter, lr slot, schedule state, epochs done. Atomic (core/graph/checkpoint.h).
  // `extra` tensors (e.g. the data normalisation) and `extra_metadata` travel in the
  // same file; load() fills `extra` (same names, shapes) from it.
  void save(const std::string& path, const std::vector<NamedTensor>& extra = {},
            const std::map<std::string, std::string>& extra_metadata = {}) const;
  // Checks the whole checkpoint before it changes anything: every metadata value
  // strictly (epochs, steps, the optimizer and schedule and their state), every tensor
  // (names, shapes, finite values, the step counter equal to the metadata's), and
  // `check_extra` on the values of `extra` (e.g. a positive std); on a refusal the
  // model, the optimizer and the Trainer are as they were.
  void load(const std::string& path, const std::vector<NamedTensor>& extra = {},
            const CheckpointCheck& check_extra = nullptr);

  // The training metrics of the epoch so far (reads the device: synchronises).
  EpochMetrics running_metrics() const;
  int64_t epoch() const { return epoch_; }
  int64_t global_step() const { return global_step_; }
  Optimizer& optimizer() { return opt_; }
  Graph& graph() { return g_; }
  bool captured() const;  // whether steps replay a CUDA graph

 private:
  void run_train_step();
  // Throws TrainingDiverged when the accumulator recorded a non-finite loss.
  void check_finite(const std::vector<double>& acc) const;
  // Reads an accumulator (one synchronisation), checks it, and turns it into metrics.
  EpochMetrics read(const Tensor& acc) const;

  Graph& g_;
  Value input_, labels_;
  LossNode* loss_;
  TrainerOptions o_;
  Optimizer opt_;
  Tensor train_acc_, eval_acc_;  // float64 [4], see kernels/training_metrics.h
  std::unique_ptr<CapturedStep> train_step_, eval_step_;
  int64_t epoch_ = 0, global_step_ = 0, epoch_first_step_ = 0;
};

}  // namespace adma::optim
