// Optimizer: config parsing, the segment table, and the state tensors.
#include "optim/optimizer.h"

#include <cmath>

#include "kernels/elementwise.h"
#include "optim/kinds.h"

namespace adma::optim {

OptimizerConfig OptimizerConfig::parse(const std::string& text) {
  const Spec s = parse_spec(optimizer_kinds(), "optimizer", text);
  OptimizerConfig c;
  c.kind = s.kind;
  c.spec = s.str();
  c.lr = s.number("lr");
  ADMA_CHECK(c.lr > 0, "optimizer '", c.kind, "': lr must be > 0, got ", c.lr);
  if (s.kind == "sgd") {
    c.rule = kernels::UpdateRule::SGD;
    c.momentum = s.number("momentum");
    c.nesterov = s.flag("nesterov");
    ADMA_CHECK(c.momentum >= 0 && c.momentum < 1, "SGD momentum must be in [0, 1), got ", c.momentum);
    ADMA_CHECK(!c.nesterov || c.momentum > 0, "Nesterov SGD needs a momentum > 0");
  } else {
    c.rule = kernels::UpdateRule::Adam;
    c.beta1 = s.number("beta1");
    c.beta2 = s.number("beta2");
    c.epsilon = s.number("epsilon");
    c.weight_decay = s.number("weight_decay");
    ADMA_CHECK(c.beta1 >= 0 && c.beta1 < 1, "Adam beta1 must be in [0, 1), got ", c.beta1);
    ADMA_CHECK(c.beta2 >= 0 && c.beta2 < 1, "Adam beta2 must be in [0, 1), got ", c.beta2);
    ADMA_CHECK(c.epsilon > 0, "Adam epsilon must be > 0, got ", c.epsilon);
    ADMA_CHECK(c.weight_decay >= 0, "Adam weight_decay must be >= 0, got ", c.weight_decay);
  }
  return c;
}

Optimizer::Optimizer(Graph& g, const OptimizerConfig& config, const ScheduleConfig& schedule)
    : g_(g), c_(config), sched_(schedule, config.lr) {
  ADMA_CHECK(g.built(), "optimizer: build the graph first");
  const Tensor flat = g.trainable_buffer();
  ADMA_CHECK(flat.defined(), "optimizer: the graph has no trainable parameter (all ", g.num_params(),
             " are frozen)");
  // One segment per trainable parameter, with the rules its layer declared. Frozen
  // parameters lie after the trainable buffer: no segment, no moments, no L2.
  const size_t esize = dtype_size(g.dtype());
  for (const auto& p : g.parameters()) {
    if (!p.rules.trainable) continue;
    kernels::UpdateSegment s;
    s.begin = static_cast<int64_t>((p.value.byte_offset() - flat.byte_offset()) / esize);
    s.end = s.begin + p.value.numel();
    s.l2 = p.rules.l2;
    s.lr_mult = p.rules.lr_mult;
    s.decay = c_.weight_decay * p.rules.decay_mult;  // decoupled (AdamW) decay
    s.clamp = p.rules.clamp;
    s.lo = p.rules.lo;
    s.hi = p.rules.hi;
    setup_.segments.push_back(s);
  }
  setup_.rule = c_.rule;
  setup_.momentum = c_.momentum;
  setup_.nesterov = c_.nesterov;
  setup_.beta1 = c_.beta1;
  setup_.beta2 = c_.beta2;
  setup_.epsilon = c_.epsilon;
  sched_.fill_setup(setup_);

  Context& ctx = g.context();
  const Device dev = g.device();
  const int64_t n = flat.numel();
  t_.params = flat;
  t_.grads = g.grad_buffer();
  auto zeros = [&](const Shape& s, DType dt) {
    return Tensor::from_host(std::vector<double>(static_cast<size_t>(s.numel()), 0.0), s, dt, dev);
  };
  t_.m = zeros(Shape{n}, g.dtype());
  if (c_.rule == kernels::UpdateRule::Adam) t_.v = zeros(Shape{n}, g.dtype());
  t_.step = zeros(Shape{1}, DType::I32);
  t_.lr = Tensor::from_host({sched_.lr()}, Shape{1}, g.dtype(), dev);
  t_.penalty = zeros(Shape{1}, DType::F64);
  kernels::optimizer_setup_init(ctx, setup_);
}

void Optimizer::step() { kernels::optimizer_update(g_.context(), setup_, t_); }

void Optimizer::compute_penalty() { kernels::l2_penalty(g_.context(), setup_, t_); }

void Optimizer::set_lr(double lr) {
  ADMA_CHECK(std::isfinite(lr) && lr >= 0, "learning rate must be finite and >= 0, got ", lr);
  kernels::fill(g_.context(), t_.lr, lr);
}

void Optimizer::begin_epoch(int64_t epoch) {
  if (sched_.begin_epoch(epoch)) set_lr(sched_.lr());
}

void Optimizer::end_epoch(double monitored) {
  if (sched_.end_epoch(monitored)) set_lr(sched_.lr());
}

void Optimizer::set_total_steps(int64_t steps) {
  sched_.set_total_steps(steps);
  sched_.fill_setup(setup_);
}

int64_t Optimizer::steps_done() const { return static_cast<int64_t>(t_.step.to_host()[0]); }

std::vector<NamedTensor> Optimizer::state_tensors() const {
  std::vector<NamedTensor> s;
  if (c_.rule == kernels::UpdateRule::SGD) {
    s.push_back({"optimizer.velocity", t_.m, Tensor()});
  } else {
    s.push_back({"optimizer.m", t_.m, Tensor()});
    s.push_back({"optimizer.v", t_.v, Tensor()});
  }
  s.push_back({"optimizer.step", t_.step, Tensor()});
  s.push_back({"optimizer.lr", t_.lr, Tensor()});
  return s;
}

std::map<std::string, std::string> Optimizer::state_metadata() const {
  auto m = sched_.state();
  m["optimizer"] = c_.spec;
  return m;
}

Schedule::State Optimizer::check_metadata(const std::map<std::string, std::string>& meta,
                                          const std::string& path) const {
  const std::string& spec = metadata_text(meta, "optimizer", path);
  ADMA_CHECK(spec == c_.spec, "checkpoint ", path, " was saved with optimizer '", spec, "', this run uses '", c_.spec,
             "'");
  return sched_.parse_state(meta, path);
}

void Optimizer::restore_metadata(const Schedule::State& state) {
  sched_.restore(state);
  sched_.fill_setup(setup_);
}

}  // namespace adma::optim
