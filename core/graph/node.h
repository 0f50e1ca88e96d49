// Node: one operation of the static graph. A node has one output value, its
// inputs are earlier nodes, and it owns named parameters (trained), buffers
// (saved, not trained: BatchNorm running statistics) and state (kept from
// forward to backward: saved means, dropout masks). All of that memory is
// planned and bound by the Graph; a node only declares what it needs in
// plan() and then reads and writes the tensors the graph hands it.
//
// Contract:
//   infer_shape(inputs)  the output shape, or an Error naming the mismatch;
//   plan(ctx)            its part of the graph's memory plan: make kernel setups
//                        (cuDNN descriptors, algorithms) and declare params /
//                        buffers / state / workspace;
//   forward(ctx)         write out() from the inputs (every element);
//   backward(ctx)        ADD d(loss)/d(input) into in_grad(i) where defined, and
//                        d(loss)/d(param) into param_grad(i).
//
// Gradient-in-forward nodes (grads_in_forward() true; today only the fused loss,
// layers/softmax_loss.h) are the one exception, because their kernel must read the
// logits once: in a training-mode forward they also ADD (or write, as their options
// say) d(loss)/d(input) into in_grad(i) where defined. That is sound because such a
// node is a sink (Graph::add refuses a node that reads its output, so no gradient
// ever arrives at its output from downstream: its forward already knows the whole
// gradient) and Graph::forward() clears, before any node runs, every activation-gradient
// slot that is added into (a slot such a node overwrites, overwrites_input_grad(), needs none).
// Their backward() then adds only what forward could not: parameter gradients (a
// learnable Adma `a`), so zero_grad() may still come anywhere before backward().
// In eval mode they compute no input gradient at all.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/context.h"
#include "core/graph/param_rules.h"
#include "core/tensor.h"

namespace adma {

// Keras-default initialisers.
struct Init {
  enum Kind { Constant, GlorotUniform } kind = Constant;
  double value = 0;                // Constant
  double fan_in = 0, fan_out = 0;  // GlorotUniform: U(-l, l), l = sqrt(6 / (fan_in + fan_out))
  static Init zeros() { return constant(0.0); }
  static Init ones() { return constant(1.0); }
  static Init constant(double v) { return {Constant, v, 0, 0}; }
  static Init glorot_uniform(double fan_in, double fan_out) { return {GlorotUniform, 0, fan_in, fan_out}; }
};

class StepMode;
class LossNode;

class Node {
 public:
  virtual ~Node() = default;
  virtual std::string kind() const = 0;
  virtual Shape infer_shape(const std::vector<Shape>& inputs) const = 0;
  virtual void plan(Context& ctx) = 0;
  virtual void forward(Context& ctx) = 0;
  virtual void backward(Context& ctx) = 0;
  // True when the output is a reshaped view of input 0 (Flatten): no memory and no work.
  virtual bool is_view() const { return false; }
  // See "Gradient-in-forward nodes" above.
  virtual bool grads_in_forward() const { return false; }
  // Restarts the node's random stream (dropout); a no-op for deterministic nodes.
  virtual void reseed(Context&, uint64_t) {}
  // True when forward() in training mode WRITES (=, not +=) d(loss)/d(input i), as a
  // loss that computes its gradient in forward does: that slot then needs no clearing
  // before the step, since every backward writer adds after it.
  virtual bool overwrites_input_grad(int) const { return false; }
  // Host-side settings of this node that a captured step freezes (core/graph/step_mode.h).
  virtual void describe_mode(StepMode&) const {}
  // The node as a loss (core/graph/loss_node.h), or null: how the training loop finds
  // its per-sample losses and correct count without knowing any loss class.
  virtual LossNode* as_loss() { return nullptr; }
  // What the node is to layer counting (models/freeze.h: the paper's "top 5 layers"): a
  // weight layer (a convolution, a dense map) is one parameterised layer, and a
  // normalisation joins the weight layer it follows. So the rule reads roles, not names,
  // and a new layer says what it is where it is declared.
  enum class LayerRole { Other, Weights, Normalises };
  virtual LayerRole layer_role() const { return LayerRole::Other; }

  // Batch norm folded at evaluation. In eval mode a normalisation with fixed statistics is
  // a per-channel affine map of its input, y[:, o] = s[o] z[:, o] + t[o] (BatchNorm2d with
  // its running statistics). When z = W x + b comes from a weight layer (LayerRole::Weights)
  // whose output feeds that normalisation and nothing else, y = W' x + b' exactly with
  // W'[o, ...] = s[o] W[o, ...] and b'[o] = s[o] b[o] + t[o] (b = 0 without a bias). The
  // graph finds such pairs when it plans, from the two declarations below and never from a
  // model's name, keeps W' and b' in an arena of their own, recomputes them when an
  // evaluation pass starts (Graph::eval), and in an eval forward the weight layer runs on
  // them while the normalisation passes its input through (no kernel). Training never folds.
  //
  // The weight layer's side: the indices of its weight (output channel on axis 0, and on
  // axis 1 of the output) and bias (-1: none) among its parameters; weight -1 (the
  // default): it cannot run folded.
  struct FoldableParams {
    int weight = -1, bias = -1;
  };
  virtual FoldableParams foldable_params() const { return {}; }
  // The normalisation's side: whether it is such a map in eval mode, and the fold itself,
  // W' and b' from its current parameters and buffers (queued on the context's stream; no
  // allocation). `bias` is undefined when the weight layer has none.
  virtual bool folds_at_eval() const { return false; }
  virtual void fold(Context&, const Tensor& /*weight*/, const Tensor& /*bias*/, Tensor& /*folded_weight*/,
                    Tensor& /*folded_bias*/) {}

  const std::string& name() const { return name_; }
  const Shape& out_shape() const { return out_shape_; }
  DType out_dtype() const { return out_dtype_; }
  const Node& input_node(int i) const { return *inputs_.at(static_cast<size_t>(i)); }
  int num_inputs() const { return static_cast<int>(inputs_.size()); }
  bool requires_grad() const { return requires_grad_; }
  int64_t num_params() const;

 protected:
  // --- declared in plan() -------------------------------------------------
  // A parameter with its training rules (core/graph/param_rules.h), as the layer's options
  // set them; the graph's overrides (Graph::set_rules) apply at once, so plan() may ask
  // trains(i) right after.
  int add_param(const std::string& name, const Shape& shape, Init init, const ParamRules& rules = {});
  int add_buffer(const std::string& name, const Shape& shape, double value);
  int add_state(const Shape& shape, DType dtype);
  int add_state_bytes(size_t bytes);
  void need_workspace(size_t bytes);

  // --- bound by the graph, used in forward()/backward() --------------------
  const Tensor& in(int i) const;
  Tensor& in_grad(int i) const;  // undefined when that input needs no gradient
  Tensor& out() { return out_; }
  Tensor& out_grad() { return out_grad_; }
  Tensor& param(int i) { return params_.at(static_cast<size_t>(i)); }
  // Undefined for a frozen parameter (trains(i) false): it has no gradient buffer.
  Tensor& param_grad(int i) { return param_grads_.at(static_cast<size_t>(i)); }
  bool trains(int i) const { return param_specs_.at(static_cast<size_t>(i)).rules.trainable; }
  Tensor& buffer(int i) { return buffers_.at(static_cast<size_t>(i)); }
  Tensor& state(int i) { return states_.at(static_cast<size_t>(i)); }
  Tensor& workspace();
  const Shape& in_shape(int i) const { return inputs_.at(static_cast<size_t>(i))->out_shape_; }
  DType dtype() const { return dtype_; }
  bool training() const;
  uint64_t seed() const { return seed_; }
  // True in an eval forward where this node is half of a folded pair (above) and the
  // graph's folding is on: a weight layer then runs on folded_weight() and folded_bias(),
  // a normalisation passes its input through.
  bool runs_folded() const;
  const Tensor& folded_weight() const { return folded_weight_; }
  const Tensor& folded_bias() const { return folded_bias_; }

 private:
  friend class Graph;
  std::string name_;
  std::vector<Node*> inputs_;
  Shape out_shape_;
  DType dtype_ = DType::F32;      // the graph's compute dtype
  DType out_dtype_ = DType::F32;  // this node's output: the compute dtype, or int32 for label inputs
  uint64_t seed_ = 0;
  bool requires_grad_ = false;
  const bool* training_ = nullptr;  // the graph's train()/eval() switch
  const bool* folding_ = nullptr;   // the graph's batch-norm folding switch; set for both halves of a folded pair
  Tensor folded_weight_, folded_bias_;  // a weight layer's W' and b' (the graph's folded-weights arena)

  struct ParamSpec {
    std::string name;
    Shape shape;
    Init init;
    ParamRules rules;
  };
  struct BufferSpec {
    std::string name;
    Shape shape;
    double value;
  };
  std::vector<ParamSpec> param_specs_;
  std::vector<BufferSpec> buffer_specs_;
  const std::function<void(const std::string&, ParamRules&)>* rules_hook_ = nullptr;  // Graph::set_rules
  struct StateSpec {
    Shape shape;
    DType dtype;
  };
  std::vector<StateSpec> state_specs_;
  size_t workspace_bytes_ = 0;

  Tensor out_, out_grad_;
  std::vector<Tensor> params_, param_grads_, buffers_, states_;
  Tensor* workspace_ = nullptr;
};

}  // namespace adma
