// Graph: a static DAG built once per model and batch size.
//
//   Graph g(Device::cpu());
//   Value x = g.input("x", {64, 1, 28, 28});
//   Value h = g.add<layers::Conv2d>("conv1", {x}, layers::Conv2d::Options{32, 3});
//   ...
//   g.build();              // shape checks done; memory planned and allocated; params initialised
//   g.value(x).copy_from(batch);
//   g.zero_grad(); g.forward(); g.grad(out).copy_from(seed); g.backward();
//
// build() lays out every tensor the graph will ever touch in seven arenas
// (params, param grads, buffers, activations, activation grads, workspace, and the
// folded weights of batch norm folded at evaluation: core/graph/node.h).
// forward()/backward()/zero_grad() then allocate nothing and never wait for
// the device, so a whole training step can be captured as one CUDA graph.
#pragma once
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/graph/arena.h"
#include "core/graph/node.h"
#include "core/graph/step_mode.h"
#include "core/named_tensor.h"

namespace adma {

struct Value {
  int id = -1;
};

// A trained parameter: its tensors and its training rules (core/graph/param_rules.h).
struct Parameter : NamedTensor {
  ParamRules rules;
};

class Graph {
 public:
  explicit Graph(Device device, DType dtype = DType::F32, uint64_t seed = 0);
  ~Graph();
  Graph(const Graph&) = delete;
  Graph& operator=(const Graph&) = delete;

  // A graph input (data or labels). With requires_grad its gradient is kept (gradient checks, saliency).
  Value input(const std::string& name, const Shape& shape, bool requires_grad = false);
  // Integer class labels [N] for a loss node.
  Value labels(const std::string& name, int64_t batch);
  // Adds a node; its output shape is inferred now, so a mismatch fails at the line that caused it.
  Value add(std::unique_ptr<Node> node, const std::string& name, const std::vector<Value>& inputs);
  template <typename N, typename... Args>
  Value add(const std::string& name, const std::vector<Value>& inputs, Args&&... args) {
    return add(std::make_unique<N>(std::forward<Args>(args)...), name, inputs);
  }

  // Overrides the training rules of parameters as the layers declare them: `fn(name, rules)`
  // sees each parameter ("block1.conv1.weight") when it is declared and may change its
  // rules (freeze it, scale its rate). Before plan(); a later call replaces the earlier.
  void set_rules(std::function<void(const std::string& name, ParamRules& rules)> fn);

  // plan() fixes every kernel setup and the memory layout without allocating (so memory()
  // and summary() can report a plan too large for this machine); build() plans if needed,
  // then allocates, binds and initialises.
  void plan();
  bool planned() const { return planned_; }
  void build();
  bool built() const { return built_; }

  // One step's pieces. forward() also clears the activation gradients that backward
  // accumulates into (all but those a node overwrites in forward, e.g. the logits' gradient).
  void forward();
  void backward();
  void zero_grad();  // one memset over the contiguous parameter-gradient buffer
  void train(bool on = true);  // train(false) is eval()
  // Eval mode: dropout passes through, batch norm uses its running statistics. With
  // batch-norm folding on, eval() also recomputes the folded weights from the current
  // parameters and buffers (refold(): queued kernels, no allocation, no wait), outside any
  // captured step, so a captured eval step replays on fresh ones: an evaluation pass starts
  // here. After writing parameters or buffers in eval mode, call eval() or refold() again.
  void eval();
  bool training() const { return training_; }

  // Batch norm folded at evaluation (core/graph/node.h): each weight layer whose output
  // feeds only a batch norm runs, in eval mode, on W' = s W and b' = s (b - mean) + beta,
  // and the batch norm passes through. On unless ADMA_FOLD_BN=0 (core/backend_options.h).
  // Set before plan() to decide whether the pairs get their memory (the folded-weights
  // arena); after it, folding may be switched off and on again (on only if it was planned).
  void set_fold_batchnorm(bool on);
  bool fold_batchnorm() const { return fold_on_; }
  // The folded pairs by node name, {weight layer, batch norm}, in graph order (after plan()).
  std::vector<std::pair<std::string, std::string>> folded_pairs() const;
  // Recomputes W' and b' of every folded pair from the current parameters and buffers
  // (a no-op with folding off or no pair). eval() calls it.
  void refold();
  // What a captured step freezes: training/eval, TF32, whether batch norm runs folded (when
  // the graph has a folded pair), and each node's own settings (each dropout on/off).
  // CapturedStep(Graph&, ...) checks it on every replay.
  StepMode mode() const;
  // Restarts every random stream (dropout) from `seed`: replays the same masks.
  void reseed(uint64_t seed);

  // Per-node time of forward() and backward(), summed while profiling is on. On
  // CUDA each node is followed by a synchronize, so profile outside captured steps.
  struct NodeTime {
    double forward_s = 0, backward_s = 0;
  };
  void set_profiling(bool on) { profiling_ = on; }
  void reset_profile() { times_.assign(nodes_.size(), NodeTime{}); }
  const std::vector<NodeTime>& profile() const { return times_; }  // one per node, by index

  Tensor& value(Value v);
  Tensor& grad(Value v);
  const Shape& shape(Value v) const;
  Node& node(Value v);
  int size() const { return static_cast<int>(nodes_.size()); }
  const Node& node_at(int i) const { return *nodes_.at(static_cast<size_t>(i)); }

  // Named parameters ("block1.conv1.weight") with their gradients and rules, and buffers ("...running_mean").
  const std::vector<Parameter>& parameters() const { return parameters_; }
  const std::vector<NamedTensor>& buffers() const { return buffers_; }
  // Parameters and buffers together: what a checkpoint holds.
  std::vector<NamedTensor> state_dict() const;
  // All parameters as one contiguous tensor. The trainable ones come first, and
  // trainable_buffer() is that prefix: it and grad_buffer() have the same layout, so one
  // update kernel and one all-reduce cover every trained parameter. Frozen parameters
  // follow them and have no gradient.
  Tensor param_buffer() const { return params_.whole(dtype_); }
  Tensor trainable_buffer() const;
  Tensor grad_buffer() const { return param_grads_.whole(dtype_); }
  int64_t num_params() const;
  int64_t num_trainable_params() const;

  struct MemoryReport {
    size_t params, param_grads, buffers, activations, activation_grads, workspace;
    size_t folded = 0;  // W' and b' of the folded pairs (batch norm folded at evaluation)
    size_t total() const {
      return params + param_grads + buffers + activations + activation_grads + workspace + folded;
    }
  };
  MemoryReport memory() const;
  // Bytes of activation gradients forward() clears in training mode (eval: none).
  size_t grad_clear_bytes(bool training) const;
  // How many memsets those clears are (adjacent slots merge into one).
  size_t grad_clear_count(bool training) const { return grad_clears_[training ? 1 : 0].size(); }
  // A table of nodes: name, kind, output shape, parameters; then the memory plan.
  std::string summary() const;

  Context& context() const { return *ctx_; }
  Device device() const { return device_; }
  DType dtype() const { return dtype_; }

 private:
  void check_built(const char* what) const;
  void init_parameters();
  // Batch norm folded at evaluation (core/graph/graph_fold.cpp): finds the pairs and
  // reserves their W' and b' (plan), then binds them to the nodes (build).
  void plan_folds();
  void bind_folds();

  Device device_;
  DType dtype_;
  uint64_t seed_;
  Context* ctx_;
  bool planned_ = false, built_ = false;
  bool training_ = true;
  bool fold_on_ = true;        // batch norm folded at evaluation (set_fold_batchnorm)
  bool fold_planned_ = false;  // whether plan() ran with folding on (the pairs have memory)
  bool profiling_ = false;
  std::vector<NodeTime> times_;
  std::vector<std::unique_ptr<Node>> nodes_;
  std::vector<Parameter> parameters_;
  std::vector<NamedTensor> buffers_;
  std::function<void(const std::string&, ParamRules&)> rules_fn_;
  Arena params_{"parameters"}, param_grads_{"parameter gradients"}, bufs_{"buffers"}, acts_{"activations"},
      act_grads_{"activation gradients"}, work_{"workspace"}, folded_{"folded weights"};
  Tensor workspace_;
  // The plan: each node's arena slots, kept from plan() to build().
  struct Slots {
    int out = -1, grad = -1;
    std::vector<int> params, param_grads, buffers, states;  // param_grads: -1 for a frozen parameter
  };
  std::vector<Slots> slots_;
  int ws_slot_ = -1;
  // One folded pair: the weight layer's and the batch norm's node indices, and the
  // folded-weights arena slots of W' and b'.
  struct FoldedPair {
    size_t weights, norm;
    int weight_slot, bias_slot;
  };
  std::vector<FoldedPair> folds_;
  // What forward() clears, per mode ([0] eval, [1] training): coalesced runs of the
  // activation-gradient arena (adjacent slots merged into one memset). The eval list
  // is empty: an eval forward is never followed by backward.
  std::vector<Tensor> grad_clears_[2];
  void plan_grad_clears();
};

}  // namespace adma
