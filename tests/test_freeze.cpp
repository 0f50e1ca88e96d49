// Training rules on the parameters (core/graph/param_rules.h) as the graph applies them:
// a frozen parameter has no gradient, the backward pass stops below the lowest node that
// trains, a frozen layer between trainable ones still passes the gradient down, and the
// gradients of everything that trains are those of the same model with nothing frozen.
#include <gtest/gtest.h>

#include <map>

#include "core/graph/checkpoint.h"
#include "core/graph/graph.h"
#include "layers/batchnorm2d.h"
#include "layers/conv2d.h"
#include "layers/dense.h"
#include "layers/elu.h"
#include "layers/flatten.h"
#include "layers/softmax_loss.h"
#include "test_util.h"

namespace adma::test {
namespace {

using Overrides = std::function<void(const std::string&, ParamRules&)>;

// x [4, 2, 6, 6] -> conv1 -> elu -> bn -> conv2 -> flatten -> fc -> softmax + CCE, in double.
struct Chain {
  Graph g;
  Value x, y, c1, e, bn, c2, fc, loss;
  explicit Chain(const Overrides& rules, bool input_grad = false) : g(Device::cpu(), DType::F64, 3) {
    x = g.input("x", Shape{4, 2, 6, 6}, input_grad);
    y = g.labels("y", 4);
    c1 = g.add<layers::Conv2d>("conv1", {x}, layers::Conv2d::Options{3, 3, 1, "same", true});
    e = g.add<layers::Elu>("elu", {c1}, 1.0);
    bn = g.add<layers::BatchNorm2d>("bn", {e});
    c2 = g.add<layers::Conv2d>("conv2", {bn}, layers::Conv2d::Options{2, 3, 1, "same", true});
    Value f = g.add<layers::Flatten>("flat", {c2});
    fc = g.add<layers::Dense>("fc", {f}, layers::Dense::Options{5, true});
    layers::SoftmaxLoss::Options lo;
    lo.params.kind = losses::LossKind::CrossEntropy;
    loss = g.add<layers::SoftmaxLoss>("loss", {fc, y}, lo);
    if (rules) g.set_rules(rules);
    g.build();
    Rng rng(17);
    fill_random(g.value(x), rng);
    g.value(y).copy_from(Tensor::from_host({0, 3, 1, 4}, Shape{4}, DType::I32, Device::cpu()));
    // Non-trivial BN parameters, so a frozen gamma still scales what passes through.
    for (const auto& p : g.parameters())
      if (p.name.rfind("bn.", 0) == 0) {
        Tensor t = p.value;
        fill_random(t, rng, 0.5, 1.5);
      }
  }
  // One step's gradients by parameter name (frozen ones absent), and the input's when kept.
  std::map<std::string, Values> step() {
    g.zero_grad();
    g.forward();
    g.backward();
    std::map<std::string, Values> out;
    for (const auto& p : g.parameters())
      if (p.grad.defined()) out[p.name] = p.grad.to_host();
    if (g.node(x).requires_grad()) out["x"] = g.grad(x).to_host();
    return out;
  }
};

Overrides freeze(std::vector<std::string> names) {
  return [names](const std::string& name, ParamRules& r) {
    for (const auto& n : names)
      if (name == n) r.trainable = false;
  };
}

void expect_same(const Values& got, const Values& want, const std::string& what) {
  ASSERT_EQ(got.size(), want.size()) << what;
  for (size_t i = 0; i < got.size(); ++i)
    ASSERT_NEAR(got[i], want[i], 1e-12 * std::max(1.0, std::fabs(want[i]))) << what << "[" << i << "]";
}

TEST(Freeze, BackwardStopsBelowTheLowestTrainableLayer) {
  Chain all(nullptr);
  Chain top(freeze({"conv1.weight", "conv1.bias", "bn.gamma", "bn.beta"}));
  // Below conv2 nothing trains and nothing needs a gradient: no activation-gradient slots.
  for (Value v : {top.c1, top.e, top.bn}) EXPECT_FALSE(top.g.node(v).requires_grad()) << top.g.node(v).name();
  EXPECT_THROW(top.g.grad(top.bn), Error);
  EXPECT_LT(top.g.memory().activation_grads, all.g.memory().activation_grads);
  EXPECT_LT(top.g.memory().param_grads, all.g.memory().param_grads);
  EXPECT_EQ(top.g.num_trainable_params(), 2 * 3 * 9 + 2 + 72 * 5 + 5);
  // The frozen nodes' backward never runs.
  top.g.set_profiling(true);
  top.g.reset_profile();
  const auto g_top = top.step();
  for (int i = 0; i < top.g.size(); ++i) {
    const std::string& n = top.g.node_at(i).name();
    if (n == "conv1" || n == "elu" || n == "bn") EXPECT_EQ(top.g.profile()[i].backward_s, 0.0) << n;
  }
  // What trains gets the gradient of the model with nothing frozen.
  const auto g_all = all.step();
  EXPECT_EQ(g_top.size(), 4u);
  for (const auto& [name, grad] : g_top) expect_same(grad, g_all.at(name), name);
}

TEST(Freeze, FrozenLayerBetweenTrainableOnesPassesTheGradientDown) {
  Chain all(nullptr);
  Chain mid(freeze({"conv2.weight", "conv2.bias"}));
  EXPECT_TRUE(mid.g.node(mid.c2).requires_grad());
  const auto g_mid = mid.step(), g_all = all.step();
  EXPECT_EQ(g_mid.count("conv2.weight"), 0u);
  EXPECT_EQ(g_mid.count("conv1.weight"), 1u);
  for (const auto& [name, grad] : g_mid) expect_same(grad, g_all.at(name), name);
}

TEST(Freeze, PartlyFrozenLayersKeepTheirOtherGradients) {
  // A frozen BN scale, a frozen Dense weight, a frozen conv bias: the other parameter of
  // each layer and the input's gradient are unchanged.
  Chain all(nullptr, /*input_grad=*/true);
  Chain part(freeze({"bn.gamma", "fc.weight", "conv1.bias"}), true);
  const auto g_part = part.step(), g_all = all.step();
  for (const char* gone : {"bn.gamma", "fc.weight", "conv1.bias"}) EXPECT_EQ(g_part.count(gone), 0u) << gone;
  EXPECT_EQ(g_part.size(), g_all.size() - 3);
  for (const auto& [name, grad] : g_part) expect_same(grad, g_all.at(name), name);
}

TEST(Freeze, CheckpointsHoldFrozenParametersToo) {
  // The frozen parameters are part of the model: saved, loaded, and named as before.
  const std::string path = ::testing::TempDir() + "adma_freeze.safetensors";
  Chain frozen(freeze({"conv1.weight", "fc.bias"}));
  save_checkpoint(path, frozen.g.state_dict());
  Chain other(nullptr);
  Rng rng(99);
  for (const auto& p : other.g.parameters()) {
    Tensor t = p.value;
    fill_random(t, rng);
  }
  load_checkpoint(path, other.g.state_dict());
  for (size_t i = 0; i < frozen.g.parameters().size(); ++i)
    EXPECT_EQ(other.g.parameters()[i].value.to_host(), frozen.g.parameters()[i].value.to_host())
        << frozen.g.parameters()[i].name;
}

TEST(Freeze, RulesCannotChangeAfterThePlan) {
  Chain c(nullptr);
  EXPECT_THROW(c.g.set_rules(freeze({"fc.bias"})), Error);
}

}  // namespace
}  // namespace adma::test
