// Optimizer: SGD (momentum, Nesterov) or Adam (AdamW) over every trainable parameter
// of a graph, each under its own training rules (core/graph/param_rules.h: Keras's
// coupled L2, a learning-rate and decay multiplier, a clamp range, frozen or not), as
// the layers declared them, and a schedule. It knows no layer or loss type.
//
//   Optimizer opt(g, OptimizerConfig::parse("adam"), ScheduleConfig::parse("constant"));
//   g.zero_grad(); g.forward(); g.backward(); opt.step();   // step(): ONE kernel launch
//
// The update (kernels/optimizer_update.h) covers the graph's contiguous buffer of
// trainable parameters with a per-parameter segment table; the step counter and the learning rate
// live on the device, so step() synchronises nothing and can be captured in a CUDA
// graph. Schedule changes between steps are stream-ordered writes of the lr slot.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "core/graph/graph.h"
#include "kernels/optimizer_update.h"
#include "optim/schedule.h"

namespace adma::optim {

struct OptimizerConfig {
  std::string kind = "adam";  // a name in optimizer_kinds()
  std::string spec = "adam";  // the canonical spec (written to checkpoints)
  kernels::UpdateRule rule = kernels::UpdateRule::Adam;
  double lr = 0;
  double momentum = 0;
  bool nesterov = false;
  double beta1 = 0, beta2 = 0, epsilon = 0, weight_decay = 0;
  // Parses a spec against optimizer_kinds() (defaults from the table): "sgd:lr=0.01,momentum=0.9".
  static OptimizerConfig parse(const std::string& spec);
};

class Optimizer {
 public:
  Optimizer(Graph& g, const OptimizerConfig& config, const ScheduleConfig& schedule = ScheduleConfig{});

  // One fused update of every parameter from the gradients backward() left; it also
  // writes the L2 penalty of the weights it read and advances the device step counter.
  void step();
  // Only the L2 penalty of the current weights (for evaluation's reported loss).
  void compute_penalty();
  const Tensor& penalty() const { return t_.penalty; }    // float64 [1]
  const Tensor& step_counter() const { return t_.step; }  // int32 [1]: updates done

  // Schedule hooks, called between steps: they write the device lr slot when it changes.
  void begin_epoch(int64_t epoch);
  void end_epoch(double monitored);
  void set_lr(double lr);                 // stream-ordered write of the slot
  double lr() const { return sched_.lr(); }  // the slot, as the host set it
  Schedule& schedule() { return sched_; }
  // Cosine with steps=0: the run's length. Before the first step (the setup is a kernel argument).
  void set_total_steps(int64_t steps);

  // Updates done (reads the device counter: synchronises).
  int64_t steps_done() const;

  // State for checkpoints: moments, step counter, lr slot (tensors) and the schedule's
  // host state (metadata). The graph's parameters (and so `a`) are in Graph::state_dict().
  std::vector<NamedTensor> state_tensors() const;
  std::map<std::string, std::string> state_metadata() const;
  // Reading a checkpoint back: check_metadata() checks that it was saved by this
  // optimizer and schedule and parses the schedule's state strictly, changing nothing
  // (an Error names the file and key); restore_metadata() applies what it returned,
  // after the tensors were loaded.
  Schedule::State check_metadata(const std::map<std::string, std::string>& meta, const std::string& path) const;
  void restore_metadata(const Schedule::State& state);

  const OptimizerConfig& config() const { return c_; }
  const kernels::OptimizerUpdateSetup& setup() const { return setup_; }

 private:
  Graph& g_;
  OptimizerConfig c_;
  Schedule sched_;
  kernels::OptimizerUpdateSetup setup_;
  kernels::OptimizerTensors t_;
};

}  // namespace adma::optim
