// A small problem for optimizer tests: a Dense layer (and optionally a loss with a
// learnable Adma `a`) whose parameters an optimizer updates from gradients the
// test writes, so every update can be recomputed in the test from the formulas.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "core/graph/graph.h"
#include "layers/dense.h"
#include "losses/softmax_loss.h"

namespace adma::test {

struct OptimProblem {
  Graph g;
  Value x, z, y, loss;
  explicit OptimProblem(Device d = Device::cpu(), DType dt = DType::F64, bool learnable_a = false)
      : g(d, dt, 11) {
    x = g.input("x", Shape{2, 3});
    z = g.add<layers::Dense>("fc", {x}, layers::Dense::Options{4, true});
    if (learnable_a) {
      y = g.labels("y", 2);
      losses::SoftmaxLoss::Options o;
      o.params.a = 0.5;
      o.learnable_a = true;
      loss = g.add<losses::SoftmaxLoss>("loss", {z, y}, o);
    }
    g.build();
  }
  const NamedTensor& param(const std::string& name) const {
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
