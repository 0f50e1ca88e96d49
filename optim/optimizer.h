// Optimizer: SGD (momentum, Nesterov) or Adam (AdamW) over every parameter of a
// graph, with Keras's coupled L2 on the parameters it is attached to, a learnable
// Adma scaling factor with its own learning rate and range, and a schedule.
//
//   Optimizer opt(g, OptimizerConfig::parse("adam"), rules, ScheduleConfig::parse("constant"));
//   g.zero_grad(); g.forward(); g.backward(); opt.step();   // step(): ONE kernel launch
//
// The update (kernels/optimizer_update.h) covers the graph's contiguous parameter
// buffer with a per-parameter segment table; the step counter and the learning rate
// live on the device, so step() synchronises nothing and can be captured in a CUDA
// graph. Schedule changes between steps are stream-ordered writes of the lr slot.
#pragma once
#include <map>
#include <optional>
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

// Which parameters get what.
struct ParamRules {
  // Keras kernel_regularizer=l2(l2) on exactly these parameters (the ConvNet:
  // models::convnet_l2_parameters): l2 sum w^2 joins the reported loss, 2 l2 w the gradient.
  double l2 = 0;
  std::vector<std::string> l2_parameters;
  // A learnable Adma `a` (SoftmaxLoss with learnable_a): its learning rate (default:
  // the optimizer's; it follows the schedule in proportion) and the range it is clamped to.
  std::optional<double> a_lr;
  double a_min = 0, a_max = 1;
};

class Optimizer {
 public:
  Optimizer(Graph& g, const OptimizerConfig& config, const ParamRules& rules = {},
            const ScheduleConfig& schedule = ScheduleConfig{});

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
  // After the tensors were loaded: the host half from the metadata.
  void restore_metadata(const std::map<std::string, std::string>& meta);

  const OptimizerConfig& config() const { return c_; }
  const kernels::OptimizerUpdateSetup& setup() const { return setup_; }
  const ParamRules& rules() const { return rules_; }
  // Names of the learnable `a` parameters found in the graph.
  const std::vector<std::string>& learnable_a() const { return a_names_; }

 private:
  Graph& g_;
  OptimizerConfig c_;
  ParamRules rules_;
  Schedule sched_;
  kernels::OptimizerUpdateSetup setup_;
  kernels::OptimizerTensors t_;
  std::vector<std::string> a_names_;
};

}  // namespace adma::optim
