// Graph building (shape inference, memory plan, init) and execution.
#include "core/graph/graph.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "core/backend_options.h"
#include "core/graph/input_node.h"
#include "core/rng.h"
#include "core/zero.h"

namespace adma {

Graph::Graph(Device device, DType dtype, uint64_t seed)
    : device_(device), dtype_(dtype), seed_(seed), ctx_(&Context::get(device)), fold_on_(backend_options().fold_bn) {
  ADMA_CHECK(device.is_cpu() || dtype == DType::F32, "graphs on ", device.str(), " are float32; float64 is CPU-only");
}

Graph::~Graph() = default;

Value Graph::input(const std::string& name, const Shape& shape, bool requires_grad) {
  Value v = add(std::make_unique<InputNode>(shape), name, {});
  nodes_.back()->requires_grad_ = requires_grad;
  return v;
}

Value Graph::labels(const std::string& name, int64_t batch) {
  Value v = add(std::make_unique<InputNode>(Shape{batch}), name, {});
  nodes_.back()->out_dtype_ = DType::I32;
  return v;
}

Value Graph::add(std::unique_ptr<Node> node, const std::string& name, const std::vector<Value>& inputs) {
  ADMA_CHECK(!planned_, "cannot add node '", name, "': the graph is already planned");
  for (const auto& n : nodes_) ADMA_CHECK(n->name_ != name, "duplicate node name '", name, "'");
  std::vector<Shape> shapes;
  for (Value v : inputs) {
    ADMA_CHECK(v.id >= 0 && v.id < size(), "node '", name, "': input value ", v.id, " is not in this graph");
    const Node& in = *nodes_[static_cast<size_t>(v.id)];
    ADMA_CHECK(!in.grads_in_forward(), "node '", name, "' reads the output of '", in.name_, "' (", in.kind(),
               "), which computes its input gradients in forward and must be a sink (core/graph/node.h)");
    node->inputs_.push_back(nodes_[static_cast<size_t>(v.id)].get());
    shapes.push_back(nodes_[static_cast<size_t>(v.id)]->out_shape_);
  }
  try {
    node->out_shape_ = node->infer_shape(shapes);
  } catch (const Error& e) {
    ADMA_THROW("node '", name, "' (", node->kind(), "): ", e.what());
  }
  node->name_ = name;
  node->dtype_ = dtype_;
  node->out_dtype_ = dtype_;
  node->training_ = &training_;
  node->rules_hook_ = &rules_fn_;
  // A distinct, reproducible stream per node (dropout): Philox of the graph seed and the node index.
  node->seed_ = philox(seed_, 0x5EED0000ull + nodes_.size()).v[0] | (uint64_t(nodes_.size()) << 32);
  for (Node* in : node->inputs_) node->requires_grad_ = node->requires_grad_ || in->requires_grad_;
  nodes_.push_back(std::move(node));
  return Value{size() - 1};
}

void Graph::set_rules(std::function<void(const std::string& name, ParamRules& rules)> fn) {
  ADMA_CHECK(!planned_, "set_rules: the graph is already planned (its parameters are declared)");
  rules_fn_ = std::move(fn);
}

void Graph::plan() {
  ADMA_CHECK(!planned_, "graph already planned");
  Context& ctx = *ctx_;
  // 1. Kernel plans and declarations. A node with a trainable parameter needs gradients
  // from downstream, and so does every node fed by one that needs them; a node whose
  // parameters are all frozen and whose inputs need none is left out of backward, so the
  // backward pass stops below the lowest node that trains.
  for (auto& n : nodes_) {
    n->plan(ctx);
    for (const auto& p : n->param_specs_) n->requires_grad_ = n->requires_grad_ || p.rules.trainable;
    for (Node* in : n->inputs_) n->requires_grad_ = n->requires_grad_ || in->requires_grad_;
  }
  // 2. Lay out the arenas (sizes and offsets only; nothing is allocated here). Trainable
  // parameters first, each with its gradient at the same offset; frozen ones after them,
  // with none.
  slots_.assign(nodes_.size(), Slots{});
  for (bool trainable : {true, false})
    for (size_t i = 0; i < nodes_.size(); ++i) {
      Slots& s = slots_[i];
      s.params.resize(nodes_[i]->param_specs_.size(), -1);
      s.param_grads.resize(nodes_[i]->param_specs_.size(), -1);
      for (size_t k = 0; k < nodes_[i]->param_specs_.size(); ++k) {
        const auto& p = nodes_[i]->param_specs_[k];
        if (p.rules.trainable != trainable) continue;
        s.params[k] = params_.reserve(p.shape, dtype_);
        if (trainable) s.param_grads[k] = param_grads_.reserve(p.shape, dtype_);
      }
    }
  size_t workspace = 0;
  for (size_t i = 0; i < nodes_.size(); ++i) {
    Node& n = *nodes_[i];
    Slots& s = slots_[i];
    if (!n.is_view()) {
      s.out = acts_.reserve(n.out_shape_, n.out_dtype_);
      if (n.requires_grad_) s.grad = act_grads_.reserve(n.out_shape_, dtype_);
    }
    for (const auto& b : n.buffer_specs_) s.buffers.push_back(bufs_.reserve(b.shape, dtype_));
    for (const auto& st : n.state_specs_) s.states.push_back(acts_.reserve(st.shape, st.dtype));
    workspace = std::max(workspace, n.workspace_bytes_);
  }
  ws_slot_ = work_.reserve_bytes(workspace);
  plan_folds();
  planned_ = true;
}

void Graph::build() {
  ADMA_CHECK(!built_, "graph already built");
  if (!planned_) plan();
  Context& ctx = *ctx_;
  const std::vector<Slots>& slots = slots_;
  const int ws_slot = ws_slot_;
  for (Arena* a : {&params_, &param_grads_, &bufs_, &acts_, &act_grads_, &work_, &folded_}) a->allocate(device_);
  workspace_ = work_.slot(ws_slot);
  // Every arena starts at zero, once: alignment padding between parameters is then
  // zero for whole-buffer kernels (optimizer, all-reduce, checkpoints compare equal),
  // and a node's state may hold counters (the loss kernel's ticket) kept at zero.
  for (Arena* a : {&params_, &param_grads_, &bufs_, &acts_, &act_grads_, &work_, &folded_})
    if (Tensor t = a->whole(DType::F32); t.defined()) zero(ctx, t);

  // 3. Bind views. A trainable parameter and its gradient sit at the same offset of their arenas.
  for (size_t i = 0; i < nodes_.size(); ++i) {
    Node& n = *nodes_[i];
    const Slots& s = slots[i];
    if (n.is_view()) {
      const Node& src = *n.inputs_.at(0);
      n.out_ = src.out_.reshape(n.out_shape_);
      n.out_dtype_ = src.out_dtype_;
      if (n.requires_grad_ && src.out_grad_.defined()) n.out_grad_ = src.out_grad_.reshape(n.out_shape_);
    } else {
      n.out_ = acts_.slot(s.out);
      if (s.grad >= 0) n.out_grad_ = act_grads_.slot(s.grad);
    }
    for (size_t k = 0; k < s.params.size(); ++k) {
      n.params_.push_back(params_.slot(s.params[k]));
      n.param_grads_.push_back(s.param_grads[k] >= 0 ? param_grads_.slot(s.param_grads[k]) : Tensor());
      parameters_.push_back(
          {{n.name_ + "." + n.param_specs_[k].name, n.params_.back(), n.param_grads_.back()}, n.param_specs_[k].rules});
    }
    for (size_t k = 0; k < s.buffers.size(); ++k) {
      n.buffers_.push_back(bufs_.slot(s.buffers[k]));
      buffers_.push_back({n.name_ + "." + n.buffer_specs_[k].name, n.buffers_.back(), Tensor()});
    }
    for (int st : s.states) n.states_.push_back(acts_.slot(st));
    n.workspace_ = &workspace_;
  }
  bind_folds();
  built_ = true;
  plan_grad_clears();
  reset_profile();
  init_parameters();
  zero_grad();
  if (!training_) refold();  // eval() came before build()
  ctx.synchronize();
}

void Graph::init_parameters() {
  // Drawn on the host in declaration order from one seeded stream, so a model is
  // identical on every device; copied in with one explicit copy per tensor.
  Rng rng(seed_);
  for (auto& n : nodes_) {
    for (size_t k = 0; k < n->param_specs_.size(); ++k) {
      const auto& spec = n->param_specs_[k];
      std::vector<double> v(static_cast<size_t>(spec.shape.numel()), spec.init.value);
      if (spec.init.kind == Init::GlorotUniform) {
        const double limit = std::sqrt(6.0 / (spec.init.fan_in + spec.init.fan_out));
        for (auto& x : v) x = rng.uniform(-limit, limit);
      }
      n->params_[k].copy_from(Tensor::from_host(v, spec.shape, dtype_, Device::cpu()));
    }
    for (size_t k = 0; k < n->buffer_specs_.size(); ++k) n->buffers_[k].fill(n->buffer_specs_[k].value);
  }
}

void Graph::plan_grad_clears() {
  // Which nodes write each gradient slot. A slot needs clearing before a step unless
  // a consumer overwrites it in forward (all other writers add, and run later, in
  // backward). A slot nobody consumes (the model's output) is cleared: the caller
  // writes its seed after forward, or backward reads zeros. Only training clears:
  // an eval forward is never followed by backward, so its list stays empty.
  grad_clears_[0].clear();
  struct Run {
    size_t begin, end;
    bool clear;
  };
  std::vector<Run> runs;  // every gradient slot, [begin, end) bytes
  for (auto& n : nodes_) {
    if (n->is_view() || !n->out_grad_.defined()) continue;
    bool overwritten = false;
    for (auto& c : nodes_)
      for (size_t i = 0; i < c->inputs_.size(); ++i)
        if (c->inputs_[i] == n.get() && c->overwrites_input_grad(static_cast<int>(i)))
          overwritten = true;
    const size_t b = n->out_grad_.byte_offset();
    runs.push_back({b, b + n->out_grad_.nbytes(), !overwritten});
  }
  std::sort(runs.begin(), runs.end(), [](const Run& a, const Run& b) { return a.begin < b.begin; });
  // Adjacent slots to clear merge into one memset (the alignment padding between
  // them is unused). A slot that is not cleared is written over in forward, after
  // the clears at its start, so a run may go on across it: clearing it too changes
  // nothing and saves a memset (one graph node, about 2 us of launch in which the
  // GPU clears megabytes). Only up to kMaxSkip bytes of such slots are crossed; the
  // ConvNet's one, the logits' gradient the loss writes, is 2.5 KiB at batch 64, and
  // crossing it leaves one memset for all activation gradients instead of two.
  constexpr size_t kMaxSkip = size_t(1) << 20;
  std::vector<std::pair<size_t, size_t>> merged;
  bool extend = false;
  size_t skipped = 0;  // bytes of not-cleared slots since the last cleared one
  for (const auto& r : runs) {
    if (!r.clear) {
      skipped += r.end - r.begin;
      if (skipped > kMaxSkip) extend = false;
      continue;
    }
    if (extend)
      merged.back().second = std::max(merged.back().second, r.end);
    else
      merged.emplace_back(r.begin, r.end);
    extend = true;
    skipped = 0;
  }
  Tensor whole = act_grads_.whole(DType::F32);
  grad_clears_[1].clear();
  for (const auto& r : merged) {
    const size_t end = std::min(r.second, whole.nbytes());
    grad_clears_[1].push_back(
        Tensor::view(whole.storage(), r.first, Shape{static_cast<int64_t>((end - r.first) / 4)}, DType::F32));
  }
}

size_t Graph::grad_clear_bytes(bool training) const {
  size_t b = 0;
  for (const Tensor& t : grad_clears_[training ? 1 : 0]) b += t.nbytes();
  return b;
}

StepMode Graph::mode() const {
  StepMode m;
  m.flag("training", training_);
  m.flag("TF32", ctx_->allow_tf32);
  // Folded, the weight layers read W' and the batch norms pass through: other pointers.
  if (!folds_.empty()) m.flag("batch norm folded", fold_on_ && !training_);
  for (const auto& n : nodes_) n->describe_mode(m);
  return m;
}

void Graph::check_built(const char* what) const { ADMA_CHECK(built_, what, ": call build() first"); }

namespace {
// Runs one node's forward or backward; while profiling, adds its wall time to `acc`.
template <typename F>
void run_node(Context& ctx, bool profiling, double& acc, F&& f) {
  if (!profiling) return f();
  ctx.synchronize();
  const auto t0 = std::chrono::steady_clock::now();
  f();
  ctx.synchronize();
  acc += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}
}  // namespace

void Graph::forward() {
  check_built("forward");
  Context& ctx = *ctx_;
  // Backward accumulates into activation gradients, so a training forward clears the
  // slots it adds into; an eval forward is never followed by backward and clears nothing.
  for (const Tensor& t : grad_clears_[training_ ? 1 : 0]) zero(ctx, t);
  for (size_t i = 0; i < nodes_.size(); ++i) {
    Node& n = *nodes_[i];
    if (n.is_view()) {
      // A view follows its input, which may have been re-pointed by this very forward
      // (eval Dropout passes its input's memory through): re-derive it, a shape change only.
      n.out_ = n.inputs_.at(0)->out_.reshape(n.out_shape_);
      continue;
    }
    run_node(ctx, profiling_, times_[i].forward_s, [&] { n.forward(ctx); });
  }
}

void Graph::backward() {
  check_built("backward");
  Context& ctx = *ctx_;
  for (size_t i = nodes_.size(); i-- > 0;) {
    Node& n = *nodes_[i];
    // An input node has nothing to propagate (its gradient, if kept, is already complete).
    if (n.is_view() || !n.requires_grad_ || n.inputs_.empty()) continue;
    run_node(ctx, profiling_, times_[i].backward_s, [&] { n.backward(ctx); });
  }
}

void Graph::zero_grad() {
  check_built("zero_grad");
  Tensor g = grad_buffer();
  if (g.defined()) zero(*ctx_, g);
}

void Graph::reseed(uint64_t seed) {
  for (size_t i = 0; i < nodes_.size(); ++i) nodes_[i]->reseed(*ctx_, seed * 1000003ull + i);
}

Tensor& Graph::value(Value v) {
  check_built("value");
  return nodes_.at(static_cast<size_t>(v.id))->out_;
}

Tensor& Graph::grad(Value v) {
  check_built("grad");
  Node& n = *nodes_.at(static_cast<size_t>(v.id));
  ADMA_CHECK(n.out_grad_.defined(), "value '", n.name_, "' has no gradient (nothing upstream requires one)");
  return n.out_grad_;
}

const Shape& Graph::shape(Value v) const { return nodes_.at(static_cast<size_t>(v.id))->out_shape_; }

Node& Graph::node(Value v) { return *nodes_.at(static_cast<size_t>(v.id)); }

std::vector<NamedTensor> Graph::state_dict() const {
  std::vector<NamedTensor> all(parameters_.begin(), parameters_.end());
  all.insert(all.end(), buffers_.begin(), buffers_.end());
  return all;
}

int64_t Graph::num_params() const {
  int64_t n = 0;
  for (const auto& node : nodes_) n += node->num_params();
  return n;
}

int64_t Graph::num_trainable_params() const {
  int64_t n = 0;
  for (const auto& node : nodes_)
    for (const auto& p : node->param_specs_) n += p.rules.trainable ? p.shape.numel() : 0;
  return n;
}

Tensor Graph::trainable_buffer() const {
  // The trainable parameters were reserved first, in the order of their gradients: the
  // gradient buffer is exactly as long as the trainable prefix.
  const Tensor all = params_.whole(dtype_), grads = grad_buffer();
  if (!grads.defined()) return Tensor();
  return Tensor::view(all.storage(), all.byte_offset(), grads.shape(), dtype_);
}

Graph::MemoryReport Graph::memory() const {
  return {params_.bytes(),     param_grads_.bytes(), bufs_.bytes(),  acts_.bytes(),
          act_grads_.bytes(), work_.bytes(),        folded_.bytes()};
}

std::string Graph::summary() const {
  std::ostringstream os;
  char line[256];
  std::snprintf(line, sizeof line, "%-22s %-12s %-20s %10s\n", "node", "kind", "output", "params");
  os << line;
  for (const auto& n : nodes_) {
    std::snprintf(line, sizeof line, "%-22s %-12s %-20s %10lld\n", n->name_.c_str(), n->kind().c_str(),
                  n->out_shape_.str().c_str(), static_cast<long long>(n->num_params()));
    os << line;
  }
  os << "total parameters: " << num_params();
  if (num_trainable_params() != num_params()) os << " (" << num_trainable_params() << " trainable)";
  os << "\n";
  if (planned_) {
    auto m = memory();
    auto mib = [](size_t b) { return b / (1024.0 * 1024.0); };
    std::snprintf(line, sizeof line,
                  "memory plan on %s (MiB): params %.2f, param grads %.2f, buffers %.3f, activations %.2f, "
                  "activation grads %.2f, workspace %.2f, ",
                  device_.str().c_str(), mib(m.params), mib(m.param_grads), mib(m.buffers), mib(m.activations),
                  mib(m.activation_grads), mib(m.workspace));
    os << line;
    if (m.folded) {
      std::snprintf(line, sizeof line, "folded weights %.2f, ", mib(m.folded));
      os << line;
    }
    std::snprintf(line, sizeof line, "total %.2f\n", mib(m.total()));
    os << line;
    if (!folds_.empty())
      os << "batch norm folded at evaluation into the layer before it: " << folds_.size() << " pair"
         << (folds_.size() == 1 ? "" : "s") << " (" << nodes_[folds_[0].weights]->name_ << " <- "
         << nodes_[folds_[0].norm]->name_ << (folds_.size() > 1 ? ", ..." : "") << ")\n";
  }
  return os.str();
}

}  // namespace adma
