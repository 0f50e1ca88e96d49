// Gradient checks in double: every input and parameter gradient of every layer
// against central differences of L = sum(out * R) with a random R (Caffe's
// method; dropout re-seeded before each forward so the mask stays fixed), and
// a check that backward adds into gradients that already hold values.
#include <gtest/gtest.h>

#include "layer_cases.h"
#include "test_util.h"

namespace adma::test {
namespace {

// All the tensors whose gradient is checked: the inputs, then the parameters.
struct Checked {
  std::string name;
  Tensor value, grad;
};

std::vector<Checked> checked_tensors(CaseGraph& cg) {
  std::vector<Checked> out;
  for (size_t i = 0; i < cg.inputs.size(); ++i)
    out.push_back({"input" + std::to_string(i), cg.g->value(cg.inputs[i]), cg.g->grad(cg.inputs[i])});
  for (const auto& p : cg.g->parameters()) out.push_back({p.name, p.value, p.grad});
  return out;
}

double loss(CaseGraph& cg, const Values& r) {
  cg.g->reseed(1234);
  cg.g->forward();
  const Values y = cg.g->value(cg.out).to_host();
  double l = 0;
  for (size_t i = 0; i < y.size(); ++i) l += y[i] * r[i];
  return l;
}

void analytic_backward(CaseGraph& cg, const Values& r) {
  cg.g->reseed(1234);
  cg.g->forward();
  Tensor& seed = cg.g->grad(cg.out);
  seed.copy_from(Tensor::from_host(r, seed.shape(), DType::F64, Device::cpu()));
  cg.g->zero_grad();
  cg.g->backward();
}

class GradCheck : public ::testing::TestWithParam<LayerCase> {};

TEST_P(GradCheck, MatchesCentralDifferences) {
  const LayerCase& c = GetParam();
  CaseGraph cg = build_case(c, Device::cpu(), DType::F64, true);
  randomize_case(c, cg, 21);
  Rng rng(99);
  const Values r = random_values(rng, cg.g->value(cg.out).numel());
  analytic_backward(cg, r);
  // Read every analytic gradient first: each forward below clears activation gradients.
  auto tensors = checked_tensors(cg);
  std::vector<Values> analytics;
  for (auto& t : tensors) analytics.push_back(t.grad.to_host());
  const double h = 1e-6;
  int checked = 0;
  for (size_t k = 0; k < tensors.size(); ++k) {
    auto& t = tensors[k];
    const Values& analytic = analytics[k];
    Values v = t.value.to_host();
    for (size_t i = 0; i < v.size(); ++i) {
      const double keep = v[i];
      v[i] = keep + h;
      t.value.copy_from(Tensor::from_host(v, t.value.shape(), DType::F64, Device::cpu()));
      const double lp = loss(cg, r);
      v[i] = keep - h;
      t.value.copy_from(Tensor::from_host(v, t.value.shape(), DType::F64, Device::cpu()));
      const double lm = loss(cg, r);
      v[i] = keep;
      t.value.copy_from(Tensor::from_host(v, t.value.shape(), DType::F64, Device::cpu()));
      const double numeric = (lp - lm) / (2 * h);
      const double tol = 1e-6 * std::max({std::fabs(analytic[i]), std::fabs(numeric), 1.0});
      ASSERT_NEAR(analytic[i], numeric, tol) << c.name << ": d/d " << t.name << "[" << i << "]";
      ++checked;
    }
  }
  EXPECT_GT(checked, 0);
}

TEST_P(GradCheck, BackwardAddsIntoExistingGradients) {
  const LayerCase& c = GetParam();
  if (c.view) GTEST_SKIP() << c.name << " is a view: its gradient is its input's, there is nothing to add";
  CaseGraph cg = build_case(c, Device::cpu(), DType::F64, true);
  randomize_case(c, cg, 31);
  Rng rng(77);
  const Values r = random_values(rng, cg.g->value(cg.out).numel());
  analytic_backward(cg, r);
  auto tensors = checked_tensors(cg);
  std::vector<Values> fresh, before;
  for (auto& t : tensors) fresh.push_back(t.grad.to_host());
  // Put arbitrary values in every gradient, then run backward once more on the same forward.
  for (auto& t : tensors) {
    fill_random(t.grad, rng);
    before.push_back(t.grad.to_host());
  }
  cg.g->backward();
  for (size_t k = 0; k < tensors.size(); ++k) {
    const Values after = tensors[k].grad.to_host();
    for (size_t i = 0; i < after.size(); ++i)
      ASSERT_NEAR(after[i], before[k][i] + fresh[k][i], 1e-12) << c.name << ": " << tensors[k].name << "[" << i << "]";
  }
}

INSTANTIATE_TEST_SUITE_P(Layers, GradCheck, ::testing::ValuesIn(layer_cases()),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace adma::test
