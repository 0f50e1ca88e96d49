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
// Data parallelism (docs/scaling.md): with a Communicator of N ranks in the options,
// every process runs this same loop on its shard of each batch (data/batch_source.h).
// The Trainer broadcasts rank 0's parameters and buffers when it is made, so the ranks
// start equal; each step averages the gradient buffer with ONE all-reduce between
// backward and the update (inside the captured step on CUDA: NCCL is stream-ordered),
// so they stay equal; the epoch's metrics are summed over the ranks, so every rank
// reports the global loss and accuracy. Batch norm normalises with each process's own
// batch statistics (as PyTorch's DistributedDataParallel by default); its running
// statistics are rank 0's, broadcast to every rank at the end of each epoch, so
// evaluation and checkpoints see one model. Dropout draws different masks on each
// rank. Only the writer (rank 0, is_writer()) should save; on resume every rank loads
// the same checkpoint. Collective calls (train_epoch, evaluate, fit, running_metrics)
// must be made by every rank in the same order.
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
#include "parallel/communicator.h"

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
  // Data parallelism over the ranks of this communicator (not owned; it must outlive
  // the Trainer). Null: one process, as with parallel::SingleProcess. The training
  // source must then be this rank's shard (Shard{rank, size}); an evaluation source
  // may be the shard too (metrics summed over ranks) or the whole split (each rank
  // evaluates all of it, and all get the same figures).
  parallel::Communicator* communicator = nullptr;
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
  // What one replay of the captured training (evaluation) step launches: its CUDA graph's
  // nodes by type. "not captured" before the first step and on the CPU.
  cuda_rt::GraphNodeCounts train_step_nodes() const;
  cuda_rt::GraphNodeCounts eval_step_nodes() const;
  // Whether this process writes the run's files and checkpoints: rank 0 (or the only one).
  bool is_writer() const { return !comm_ || comm_->is_root(); }
  int rank() const { return comm_ ? comm_->rank() : 0; }
  int ranks() const { return comm_ ? comm_->size() : 1; }

 private:
  void run_train_step();
  // Rank 0's buffers (batch-norm running statistics) to every rank.
  void broadcast_buffers();
  // Throws TrainingDiverged when the accumulator recorded a non-finite loss.
  void check_finite(const std::vector<double>& acc) const;
  // An accumulator on the host (one synchronisation); with `over_ranks`, summed over the
  // ranks (collective) and acc[3] the first bad step of any rank.
  std::vector<double> totals(const Tensor& acc, bool over_ranks) const;
  // Reads an accumulator, checks it, and turns it into metrics.
  EpochMetrics read(const Tensor& acc, bool over_ranks) const;
  // Throws unless `source` is this rank's shard (or, where `whole_ok`, the whole split).
  void check_shard(const data::BatchSource& source, const char* what, bool whole_ok) const;

  Graph& g_;
  Value input_, labels_;
  LossNode* loss_;
  TrainerOptions o_;
  Optimizer opt_;
  parallel::Communicator* comm_;
  Tensor grads_;                 // the graph's flat gradient buffer, averaged over the ranks each step
  Tensor train_acc_, eval_acc_;  // float64 [4], see kernels/training_metrics.h
  std::unique_ptr<CapturedStep> train_step_, eval_step_;
  int64_t epoch_ = 0, global_step_ = 0, epoch_first_step_ = 0;
};

}  // namespace adma::optim
