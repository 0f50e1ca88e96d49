// A small problem for optimizer tests: a Dense layer (and optionally a loss with a
// learnable Adma `a`) whose parameters an optimizer updates from gradients the
// test writes, so every update can be recomputed in the test from the formulas.
#pragma once
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "core/graph/graph.h"
#include "layers/dense.h"
#include "layers/softmax_loss.h"

namespace adma::test {

// The training rules the layers declare (core/graph/param_rules.h), and overrides.
struct ProblemRules {
  double fc_l2 = 0;              // Dense::Options::l2 on fc.weight
  double a_lr_mult = 1;          // the learnable a's rules (SoftmaxLoss::Options)
  double a_min = 0, a_max = 1;
  std::function<void(const std::string&, ParamRules&)> overrides;  // Graph::set_rules
};

struct OptimProblem {
  Graph g;
  Value x, z, y, loss;
  explicit OptimProblem(Device d = Device::cpu(), DType dt = DType::F64, bool learnable_a = false,
                        const ProblemRules& r = {})
      : g(d, dt, 11) {
    x = g.input("x", Shape{2, 3});
    layers::Dense::Options fc{4, true};
    fc.l2 = r.fc_l2;
    z = g.add<layers::Dense>("fc", {x}, fc);
    if (learnable_a) {
      y = g.labels("y", 2);
      layers::SoftmaxLoss::Options o;
      o.params.a = 0.5;
      o.learnable_a = true;
      o.a_lr_mult = r.a_lr_mult;
      o.a_min = r.a_min;
      o.a_max = r.a_max;
      loss = g.add<layers::SoftmaxLoss>("loss", {z, y}, o);
    }
    if (r.overrides) g.set_rules(r.overrides);
    g.build();
  }
  const Parameter& param(const std::string& name) const {
    for (const auto& p : g.parameters())
      if (p.name == name) return p;
    ADMA_THROW("no parameter ", name);
  }
  std::vector<double> value(const std::string& name) const { return param(name).value.to_host(); }
  void set_value(const std::string& name, const std::vector<double>& v) {
    Tensor t = param(name).value;
    t.copy_from(Tensor::from_host(v, t.shape(), t.dtype(), Device::cpu()));
  }
  void set_grad(const std::string& name, const std::vector<double>& v) {
    Tensor t = param(name).grad;
    t.copy_from(Tensor::from_host(v, t.shape(), t.dtype(), Device::cpu()));
  }
  std::vector<std::string> names() const {
    std::vector<std::string> n;
    for (const auto& p : g.parameters()) n.push_back(p.name);
    return n;
  }
};

}  // namespace adma::test
