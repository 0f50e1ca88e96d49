// The training loop: steps (eager or one captured CUDA graph), epochs, evaluation,
// device-side metrics, NaN/Inf detection, checkpoints.
#include "optim/trainer.h"

#include <chrono>
#include <cmath>
#include <limits>

#include "core/graph/checkpoint.h"
#include "core/graph/metadata.h"
#include "core/rng.h"
#include "core/zero.h"
#include "kernels/training_metrics.h"

namespace adma::optim {

namespace {

LossNode* loss_node(Graph& g, Value loss, Value labels) {
  LossNode* node = g.node(loss).as_loss();
  ADMA_CHECK(node, "trainer: the loss value must be a loss node, '", g.node(loss).name(), "' is a ",
             g.node(loss).kind());
  ADMA_CHECK(&node->labels_node() == &g.node(labels), "trainer: the loss node '", node->name(),
             "' does not read the labels '", g.node(labels).name(), "'");
  return node;
}

}  // namespace

Trainer::Trainer(Graph& g, Value input, Value labels, Value loss, TrainerOptions options)
    : g_(g),
      input_(input),
      labels_(labels),
      loss_(loss_node(g, loss, labels)),
      o_(std::move(options)),
      opt_(g, o_.optimizer, o_.schedule),
      comm_(o_.communicator) {
  ADMA_CHECK(o_.check_every >= 0, "trainer: check_every must be >= 0, got ", o_.check_every);
  train_acc_ = Tensor::from_host(std::vector<double>(4, 0.0), Shape{4}, DType::F64, g.device());
  eval_acc_ = Tensor::from_host(std::vector<double>(4, 0.0), Shape{4}, DType::F64, g.device());
  grads_ = g.grad_buffer();
  if (!comm_) return;
  ADMA_CHECK(comm_->serves(g.device()), "trainer: the ", comm_->name(), " communicator does not take buffers on ",
             g.device().str(), " (MPI averages CPU buffers, NCCL those of its own GPU)");
  // Every rank starts from rank 0's parameters and buffers (one graph seed or many).
  Tensor params = g.param_buffer();
  if (params.defined() && params.numel() > 0) comm_->broadcast(g.context(), params, 0);
  broadcast_buffers();
}

void Trainer::broadcast_buffers() {
  if (!comm_) return;
  for (const NamedTensor& b : g_.buffers()) {
    Tensor t = b.value;
    comm_->broadcast(g_.context(), t, 0);
  }
}

Trainer::~Trainer() = default;

bool Trainer::captured() const { return train_step_ && train_step_->is_graph(); }
cuda_rt::GraphNodeCounts Trainer::train_step_nodes() const {
  return train_step_ ? train_step_->node_counts() : cuda_rt::GraphNodeCounts{};
}
cuda_rt::GraphNodeCounts Trainer::eval_step_nodes() const {
  return eval_step_ ? eval_step_->node_counts() : cuda_rt::GraphNodeCounts{};
}

void Trainer::run_train_step() {
  Context& ctx = g_.context();
  // The mode is set outside the step: a CUDA graph freezes it, and CapturedStep checks
  // on every replay that it has not changed since the capture.
  g_.train();
  auto fn = [this] {
    Context& c = g_.context();
    g_.zero_grad();
    g_.forward();
    g_.backward();
    // Data parallelism: the mean gradient over every rank's rows, before any rank updates.
    if (comm_ && grads_.defined() && grads_.numel() > 0) comm_->all_reduce_average(c, grads_);
    opt_.step();
    kernels::accumulate_metrics(c, loss_->per_sample(), g_.value(labels_), loss_->correct(), opt_.penalty(),
                                opt_.step_counter(), train_acc_);
  };
  // The gradient scale is the loss node's: 1/N over the full batch, padded rows included
  // (losses/softmax_loss.cpp), so on a padded last batch the gradient is (real rows)/N of
  // Keras's, which divides by the real rows; the Trainer adds no correction of its own.
  if (!o_.capture || !ctx.is_cuda()) return fn();
  // CapturedStep runs the step once eagerly before capturing (so cuDNN and cuBLAS make
  // their lazy allocations outside the capture): that warm-up IS this first step, and
  // every later step replays the CUDA graph.
  if (!train_step_) {
    train_step_ = std::make_unique<CapturedStep>(g_, fn);
    return;
  }
  train_step_->replay();
}

void Trainer::step() {
  run_train_step();
  ++global_step_;
}

std::vector<double> Trainer::totals(const Tensor& acc, bool over_ranks) const {
  std::vector<double> a = acc.to_host();
  if (!over_ranks || !comm_ || comm_->size() == 1) return a;
  // Loss sum, correct count and rows add up over the ranks; acc[3] is a step number
  // (0: no bad loss), so the ranks agree on the earliest one any of them saw.
  comm_->all_reduce_host(a.data(), 3, parallel::HostReduce::Sum);
  double first_bad = a[3] == 0 ? std::numeric_limits<double>::infinity() : a[3];
  comm_->all_reduce_host(&first_bad, 1, parallel::HostReduce::Min);
  a[3] = std::isinf(first_bad) ? 0.0 : first_bad;
  return a;
}

EpochMetrics Trainer::read(const Tensor& acc, bool over_ranks) const {
  const std::vector<double> a = totals(acc, over_ranks);
  check_finite(a);
  EpochMetrics m;
  m.examples = static_cast<int64_t>(a[2]);
  m.loss = m.examples ? a[0] / a[2] : 0.0;
  m.accuracy = m.examples ? a[1] / a[2] : 0.0;
  return m;
}

void Trainer::check_finite(const std::vector<double>& a) const {
  if (a[3] == 0) return;
  const int64_t bad = static_cast<int64_t>(a[3]);
  throw TrainingDiverged(detail::concat("training diverged: the loss became NaN or Inf in epoch ", epoch_,
                                        " (0-based), batch ", bad - epoch_first_step_ - 1, " (global step ", bad,
                                        "); lower the learning rate or check the data"),
                         epoch_, bad);
}

EpochMetrics Trainer::running_metrics() const { return read(train_acc_, true); }

void Trainer::check_shard(const data::BatchSource& source, const char* what, bool whole_ok) const {
  const data::Shard mine{rank(), ranks()}, theirs = source.shard();
  if (theirs == mine || (whole_ok && theirs.count == 1)) return;
  ADMA_CHECK(false, "trainer: the ", what, " data is shard ", theirs.rank, " of ", theirs.count, ", but this is rank ",
             rank(), " of ", ranks(), comm_ ? "" : " (no communicator)", ": give the source Shard{", rank(), ", ",
             ranks(), "}", whole_ok ? " or the whole split" : "");
}

EpochMetrics Trainer::train_epoch(data::BatchSource& train) {
  Tensor& x = g_.value(input_);
  Tensor& y = g_.value(labels_);
  ADMA_CHECK(train.batch_size() == x.dim(0), "trainer: the data source gives batches of ", train.batch_size(),
             ", the graph was built for ", x.dim(0));
  check_shard(train, "training", false);
  Context& ctx = g_.context();
  opt_.begin_epoch(epoch_);
  // Dropout masks depend on (seed, epoch) only, so a run resumed at an epoch boundary
  // draws what the uninterrupted run drew; ranks past 0 draw their own masks.
  uint64_t dropout_key = philox(o_.seed, 0xE90C0000ull + static_cast<uint64_t>(epoch_)).v[0];
  if (rank() > 0) dropout_key = philox(dropout_key, static_cast<uint64_t>(rank())).v[0];
  g_.reseed(dropout_key);
  train.start_epoch(epoch_);
  adma::zero(ctx, train_acc_);
  const int64_t first = epoch_first_step_ = global_step_;
  for (int64_t i = 0; i < train.batches(); ++i) {
    train.fill(i, x, y);
    step();
    if (on_step) on_step(StepInfo{epoch_, i, global_step_});
    if (o_.check_every > 0 && (global_step_ - first) % o_.check_every == 0) check_finite(totals(train_acc_, true));
  }
  const EpochMetrics m = read(train_acc_, true);  // the epoch's one read; throws if a loss was NaN/Inf
  broadcast_buffers();  // batch norm's running statistics: rank 0's on every rank
  ++epoch_;
  return m;
}

EpochMetrics Trainer::evaluate(data::BatchSource& source) {
  Tensor& x = g_.value(input_);
  Tensor& y = g_.value(labels_);
  ADMA_CHECK(source.batch_size() == x.dim(0), "trainer: the data source gives batches of ", source.batch_size(),
             ", the graph was built for ", x.dim(0));
  check_shard(source, "evaluation", true);
  const bool sharded = source.shard().count > 1;  // else every rank evaluates the whole split
  Context& ctx = g_.context();
  opt_.compute_penalty();  // Keras's evaluate reports the loss with the regularisation penalty
  adma::zero(ctx, eval_acc_);
  source.start_epoch(0);
  g_.eval();  // outside the step, as in run_train_step()
  auto fn = [this] {
    g_.forward();
    kernels::accumulate_metrics(g_.context(), loss_->per_sample(), g_.value(labels_), loss_->correct(), opt_.penalty(),
                                Tensor(), eval_acc_);
  };
  for (int64_t i = 0; i < source.batches(); ++i) {
    source.fill(i, x, y);
    if (!o_.capture || !ctx.is_cuda())
      fn();
    else if (!eval_step_)
      eval_step_ = std::make_unique<CapturedStep>(g_, fn);  // its warm-up is this batch
    else
      eval_step_->replay();
  }
  g_.train();
  const EpochMetrics m = read(eval_acc_, sharded);
  ADMA_CHECK(std::isfinite(m.loss), "evaluation loss is NaN or Inf after epoch ", epoch_,
             " (the weights have diverged)");
  return m;
}

std::vector<EpochReport> Trainer::fit(data::BatchSource& train, data::BatchSource* val, int64_t epochs) {
  ADMA_CHECK(epochs >= 0, "trainer: epochs must be >= 0, got ", epochs);
  const Schedule& sched = opt_.schedule();
  ADMA_CHECK(!sched.monitors_validation() || val, "the plateau schedule monitors ", sched.config().monitor,
             " but no validation data was given");
  opt_.set_total_steps(epochs * train.batches());
  std::vector<EpochReport> reports;
  while (epoch_ < epochs) {
    const auto t0 = std::chrono::steady_clock::now();
    EpochReport r;
    r.epoch = epoch_;
    r.train = train_epoch(train);
    r.lr = sched.lr_at_step(global_step_);
    if (val) r.val = evaluate(*val);
    if (sched.config().kind == ScheduleKind::Plateau) {
      const EpochMetrics& m = sched.monitors_validation() ? *r.val : r.train;
      opt_.end_epoch(sched.monitors_accuracy() ? m.accuracy : m.loss);
    }
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    reports.push_back(r);
    if (on_epoch) on_epoch(r);
  }
  return reports;
}

void Trainer::save(const std::string& path, const std::vector<NamedTensor>& extra,
                   const std::map<std::string, std::string>& extra_metadata) const {
  std::vector<NamedTensor> tensors = g_.state_dict();
  for (auto& t : opt_.state_tensors()) tensors.push_back(t);
  for (auto& t : extra) tensors.push_back(t);
  auto meta = extra_metadata;
  for (auto& [k, v] : opt_.state_metadata()) meta[k] = v;
  meta["trainer.epoch"] = std::to_string(epoch_);
  meta["trainer.global_step"] = std::to_string(global_step_);
  save_checkpoint(path, tensors, meta);
}

void Trainer::load(const std::string& path, const std::vector<NamedTensor>& extra, const CheckpointCheck& check_extra) {
  // 1. Everything the metadata says, checked; nothing applied yet.
  const auto meta = read_checkpoint_metadata(path);
  for (const char* key : {"trainer.epoch", "trainer.global_step"})
    ADMA_CHECK(meta.count(key), "checkpoint ", path, " has no '", key,
               "': it holds weights only, not a training state to resume");
  const int64_t epoch = metadata_integer(meta, "trainer.epoch", 0, kMaxEpochs, path);
  const int64_t step = metadata_integer(meta, "trainer.global_step", 0, kMaxSteps, path);
  ADMA_CHECK(epoch > 0 || step == 0, "checkpoint ", path, ": ", step, " steps done in 0 epochs");
  const Schedule::State schedule = opt_.check_metadata(meta, path);
  // 2. The tensors: read whole, checked, then applied together.
  std::vector<NamedTensor> tensors = g_.state_dict();
  for (auto& t : opt_.state_tensors()) tensors.push_back(t);
  const size_t first_extra = tensors.size();
  for (auto& t : extra) tensors.push_back(t);
  load_checkpoint(path, tensors, [&](const std::vector<NamedTensor>& staged) {
    for (const auto& t : staged)
      if (t.name == "optimizer.step")
        ADMA_CHECK(t.value.to_host()[0] == static_cast<double>(step), "checkpoint ", path,
                   ": the optimizer's step counter is ", t.value.to_host()[0], " but the metadata says ", step,
                   " steps (the file was edited or damaged)");
    if (check_extra) check_extra(std::vector<NamedTensor>(staged.begin() + first_extra, staged.end()));
  });
  // 3. The host state, which can no longer fail.
  opt_.restore_metadata(schedule);
  epoch_ = epoch;
  global_step_ = step;
  // The setup (cosine length) may have changed: record the step again on next use.
  train_step_.reset();
  eval_step_.reset();
}

}  // namespace adma::optim
