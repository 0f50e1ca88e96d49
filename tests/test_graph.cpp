// The graph engine: shape errors at the line that caused them, the memory plan
// (one contiguous parameter buffer), named parameters, and step semantics.
#include <gtest/gtest.h>

#include "core/graph/graph.h"
#include "layers/add.h"
#include "layers/conv2d.h"
#include "layers/dense.h"
#include "layers/dropout.h"
#include "layers/elu.h"
#include "layers/flatten.h"
#include "test_util.h"

namespace adma::test {
namespace {

TEST(Graph, ShapeMismatchNamesTheNode) {
  Graph g(Device::cpu());
  Value x = g.input("x", Shape{2, 3, 8, 8});
  try {
    g.add<layers::Dense>("fc", {x}, layers::Dense::Options{10, true});
    FAIL() << "Dense on a 4-D input must fail";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("fc"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("Flatten"), std::string::npos) << e.what();
  }
  Value y = g.input("y", Shape{2, 3, 8, 7});
  EXPECT_THROW(g.add<layers::Add>("sum", {x, y}), Error);
  EXPECT_THROW(g.add<layers::Elu>("x", {x}), Error);  // duplicate name
  EXPECT_THROW(g.add<layers::Conv2d>("c", {x}, layers::Conv2d::Options{4, 2, 1, "same", true}), Error);  // even kernel
}

TEST(Graph, ParametersLiveInOneContiguousBuffer) {
  Graph g(Device::cpu(), DType::F32, 1);
  Value x = g.input("x", Shape{2, 3, 8, 8});
  Value h = g.add<layers::Conv2d>("conv", {x}, layers::Conv2d::Options{4, 3, 1, "same", true});
  h = g.add<layers::Flatten>("flat", {h});
  g.add<layers::Dense>("fc", {h}, layers::Dense::Options{5, true});
  g.build();
  const auto& ps = g.parameters();
  ASSERT_EQ(ps.size(), 4u);
  EXPECT_EQ(ps[0].name, "conv.weight");
  EXPECT_EQ(ps[1].name, "conv.bias");
  EXPECT_EQ(ps[2].name, "fc.weight");
  EXPECT_EQ(ps[3].name, "fc.bias");
  Tensor all = g.param_buffer(), grads = g.grad_buffer();
  for (const auto& p : ps) {
    EXPECT_EQ(p.value.storage(), all.storage()) << p.name;
    EXPECT_EQ(p.grad.storage(), grads.storage()) << p.name;
    EXPECT_EQ(p.value.byte_offset(), p.grad.byte_offset()) << p.name << ": gradient layout differs";
  }
  // Glorot-uniform weights within their limit, zero biases.
  const double limit = std::sqrt(6.0 / (3 * 9 + 4 * 9));
  for (double v : ps[0].value.to_host()) EXPECT_LE(std::fabs(v), limit);
  for (double v : ps[1].value.to_host()) EXPECT_EQ(v, 0.0);
  EXPECT_GT(g.memory().activations, 0u);
  const std::string summary = g.summary();
  EXPECT_NE(summary.find("conv"), std::string::npos) << summary;
  EXPECT_NE(summary.find("total parameters: " + std::to_string(4 * 3 * 9 + 4 + 5 * 4 * 8 * 8 + 5)), std::string::npos)
      << summary;
  EXPECT_NE(summary.find("memory plan on cpu"), std::string::npos) << summary;
}

TEST(Graph, SameSeedSameModelDifferentSeedDifferentModel) {
  auto weights = [](uint64_t seed) {
    Graph g(Device::cpu(), DType::F32, seed);
    Value x = g.input("x", Shape{1, 6});
    g.add<layers::Dense>("fc", {x}, layers::Dense::Options{4, true});
    g.build();
    return g.parameters()[0].value.to_host();
  };
  EXPECT_EQ(weights(3), weights(3));
  EXPECT_NE(weights(3), weights(4));
}

TEST(Graph, ZeroGradClearsAndBackwardAccumulatesAcrossCalls) {
  Graph g(Device::cpu(), DType::F64, 1);
  Value x = g.input("x", Shape{2, 3});
  Value y = g.add<layers::Dense>("fc", {x}, layers::Dense::Options{2, true});
  g.build();
  Rng rng(2);
  fill_random(g.value(x), rng);
  g.forward();
  g.grad(y).fill(1.0);
  g.zero_grad();
  g.backward();
  const Values once = g.grad_buffer().to_host();
  g.backward();
  const Values twice = g.grad_buffer().to_host();
  for (size_t i = 0; i < once.size(); ++i) EXPECT_NEAR(twice[i], 2 * once[i], 1e-12);
  g.zero_grad();
  for (double v : g.grad_buffer().to_host()) EXPECT_EQ(v, 0.0);
  EXPECT_THROW(g.grad(x), Error);  // the input was not asked to keep a gradient
}

// Eval Dropout passes its input's memory through instead of copying; a view node after
// it (Flatten) must follow, not keep reading the buffer the last training forward wrote.
TEST(Graph, ViewAfterEvalDropoutReadsTheInputNotTheLastMaskedOutput) {
  Graph g(Device::cpu(), DType::F64, 3);
  Value x = g.input("x", {2, 3, 2, 2});
  Value d = g.add<layers::Dropout>("drop", {x}, 0.5);
  Value f = g.add<layers::Flatten>("flat", {d});
  g.build();
  Rng rng(11);
  fill_random(g.value(x), rng, 0.5, 1.0);
  const auto input = g.value(x).to_host();
  g.train();
  g.forward();
  EXPECT_NE(g.value(f).to_host(), input);  // some elements dropped, the rest scaled by 2
  g.eval();
  g.forward();
  EXPECT_EQ(g.value(f).to_host(), input);
  g.train();
  g.forward();
  EXPECT_NE(g.value(f).to_host(), input);
}

TEST(Graph, UseBeforeBuildIsAnError) {
  Graph g(Device::cpu());
  Value x = g.input("x", Shape{1, 2});
  EXPECT_THROW(g.forward(), Error);
  EXPECT_THROW(g.value(x), Error);
  g.build();
  EXPECT_THROW(g.add<layers::Elu>("e", {x}), Error);
}

}  // namespace
}  // namespace adma::test
