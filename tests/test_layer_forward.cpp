// CPU forward of every layer against its naive double-precision reference,
// with the output poisoned (NaN) before the call so an unwritten element shows.
#include <gtest/gtest.h>

#include <limits>

#include "layer_cases.h"
#include "layers/batchnorm2d.h"
#include "layers/dropout.h"
#include "test_util.h"

namespace adma::test {
namespace {

class LayerForward : public ::testing::TestWithParam<LayerCase> {};

TEST_P(LayerForward, MatchesNaiveReference) {
  const LayerCase& c = GetParam();
  CaseGraph cg = build_case(c, Device::cpu(), DType::F64, false);
  randomize_case(c, cg, 11);
  if (!c.view) cg.g->value(cg.out).fill(std::numeric_limits<double>::quiet_NaN());
  cg.g->forward();
  std::vector<Values> in;
  for (Value v : cg.inputs) in.push_back(cg.g->value(v).to_host());
  const Values got = cg.g->value(cg.out).to_host();
  const Values want = c.reference(in, params_of(*cg.g));
  ASSERT_EQ(got.size(), want.size());
  ASSERT_FALSE(any_nan(got)) << "an output element was not written";
  for (size_t i = 0; i < got.size(); ++i) ASSERT_NEAR(got[i], want[i], 1e-10 * (1 + std::fabs(want[i]))) << "at " << i;
}

INSTANTIATE_TEST_SUITE_P(Layers, LayerForward, ::testing::ValuesIn(deterministic_cases()),
                         [](const auto& info) { return info.param.name; });

// Dropout cannot be compared to a fixed reference; its definition is checked instead.
TEST(DropoutForward, MasksScalesAndReplays) {
  const double p = 0.3;
  Graph g(Device::cpu(), DType::F64, 3);
  Value x = g.input("x", Shape{16, 4, 8, 8});
  Value y = g.add<layers::Dropout>("drop", {x}, p);
  g.build();
  Rng rng(5);
  fill_random(g.value(x), rng, 0.5, 1.5);
  const Values xs = g.value(x).to_host();
  g.value(y).fill(std::numeric_limits<double>::quiet_NaN());
  g.forward();
  const Values ys = g.value(y).to_host();
  int dropped = 0;
  for (size_t i = 0; i < ys.size(); ++i) {
    if (ys[i] == 0.0)
      ++dropped;
    else
      ASSERT_NEAR(ys[i], xs[i] / (1 - p), 1e-12) << "kept element not scaled by 1/(1-p) at " << i;
  }
  const double frac = static_cast<double>(dropped) / ys.size();
  // 4096 draws: the standard deviation of the fraction is 0.0072; allow 5 of them.
  EXPECT_NEAR(frac, p, 0.036);
  // The next forward draws a new mask; reseeding replays a mask exactly.
  g.forward();
  EXPECT_NE(g.value(y).to_host(), ys);
  g.reseed(42);
  g.forward();
  const Values a = g.value(y).to_host();
  g.reseed(42);
  g.forward();
  EXPECT_EQ(g.value(y).to_host(), a);
  // Eval: identity.
  g.eval();
  g.forward();
  EXPECT_EQ(g.value(y).to_host(), xs);
}

TEST(BatchNormForward, UpdatesRunningStatisticsAndUsesThemInEval) {
  const double m = 0.9, eps = 1e-3;
  Graph g(Device::cpu(), DType::F64, 3);
  Value x = g.input("x", Shape{5, 2, 3, 3});
  Value y = g.add<layers::BatchNorm2d>("bn", {x}, layers::BatchNorm2d::Options{m, eps});
  g.build();
  Rng rng(9);
  fill_random(g.value(x), rng, -3, 5);
  const Values xs = g.value(x).to_host();
  g.forward();
  const Params p = params_of(g);
  const Values rm = p.at("bn.running_mean"), rv = p.at("bn.running_var");
  for (int c = 0; c < 2; ++c) {
    double mean = 0, var = 0;
    const int cnt = 5 * 9;
    for (int n = 0; n < 5; ++n)
      for (int i = 0; i < 9; ++i) mean += xs[(n * 2 + c) * 9 + i];
    mean /= cnt;
    for (int n = 0; n < 5; ++n)
      for (int i = 0; i < 9; ++i) var += std::pow(xs[(n * 2 + c) * 9 + i] - mean, 2);
    var /= cnt - 1;  // the running variance is unbiased
    EXPECT_NEAR(rm[c], (1 - m) * mean, 1e-12);
    EXPECT_NEAR(rv[c], m * 1.0 + (1 - m) * var, 1e-12);
  }
  g.eval();
  g.forward();
  const Values ys = g.value(y).to_host();
  for (int n = 0; n < 5; ++n)
    for (int c = 0; c < 2; ++c)
      for (int i = 0; i < 9; ++i) {
        const int at = (n * 2 + c) * 9 + i;
        EXPECT_NEAR(ys[at], (xs[at] - rm[c]) / std::sqrt(rv[c] + eps), 1e-12);  // gamma 1, beta 0
      }
  // Backward after an eval forward has no batch statistics to differentiate.
  EXPECT_THROW(g.backward(), Error);
}

}  // namespace
}  // namespace adma::test
