// CapturedStep: the eager warm-up before capture, the mode check on replay, and
// what the capture relies on: two graphs of one model agree bit for bit (one
// cached algorithm choice per geometry, deterministic backward algorithms), and
// forward clears every gradient slot backward accumulates into.
#include <gtest/gtest.h>

#include <string>

#include "core/cuda/runtime.h"
#include "core/graph/captured_step.h"
#include "core/graph/graph.h"
#include "kernels/elementwise.h"
#include "layers/dropout.h"
#include "layers/softmax_loss.h"
#include "models/convnet.h"
#include "test_util.h"
#if defined(ADMA_WITH_CUDA)
#include "kernels/cuda/cudnn_conv_algos.h"
#endif

namespace adma::test {
namespace {

TEST(StepMode, NamesEveryChange) {
  StepMode a, b;
  a.flag("training", true).flag("TF32", false).set("loss", "adma");
  b.flag("training", false).flag("TF32", false).set("loss", "adma");
  EXPECT_EQ(a.changes_since(a), "");
  EXPECT_EQ(b.changes_since(a), "training: on at capture, off now");
  b.flag("TF32", true).set("extra", "x");
  EXPECT_EQ(b.changes_since(a), "training: on at capture, off now; TF32: off at capture, on now; extra: unset at capture, x now");
  b.set("training", "on");  // set replaces
  EXPECT_EQ(b.entries().size(), 4u);
}

// Counts host calls of the step and, in a one-element tensor, executed steps.
struct CountingStep {
  Context& ctx;
  Tensor one, counter;
  int host_calls = 0;
  explicit CountingStep(Device d) : ctx(Context::get(d)) {
    one = Tensor::from_host({1.0}, Shape{1}, DType::F32, d);
    counter = Tensor::from_host({0.0}, Shape{1}, DType::F32, d);
  }
  std::function<void()> fn() {
    return [this] {
      ++host_calls;
      kernels::axpy(ctx, 1.0, one, counter);
    };
  }
  double executed() const { return counter.to_host()[0]; }
};

TEST(CapturedStep, CpuWarmUpIsOneStepAndReplayRunsTheStep) {
  CountingStep s(Device::cpu());
  CapturedStep cs(s.ctx, s.fn());
  EXPECT_FALSE(cs.is_graph());
  EXPECT_EQ(s.executed(), 1.0) << "the warm-up is a real step";
  cs.replay();
  cs.replay();
  EXPECT_EQ(s.executed(), 3.0);
  EXPECT_EQ(s.host_calls, 3);
}

TEST(CapturedStepGPU, WarmUpRunsOnceThenTheCaptureReplays) {
  ADMA_REQUIRE_GPU();
  CountingStep s(Device::cuda(0));
  CapturedStep cs(s.ctx, s.fn());
  ASSERT_TRUE(cs.is_graph());
  EXPECT_EQ(s.host_calls, 2) << "one eager warm-up call, one call recorded by the capture";
  EXPECT_EQ(s.executed(), 1.0) << "a capture records, it does not execute: only the warm-up ran";
  for (int i = 0; i < 3; ++i) cs.replay();
  s.ctx.synchronize();
  EXPECT_EQ(s.executed(), 4.0);
  EXPECT_EQ(s.host_calls, 2) << "a replay is one graph launch, no host call of the step";
}

TEST(CapturedStep, CpuCapturesNoGraphSoCountsNoNodes) {
  CountingStep s(Device::cpu());
  CapturedStep cs(s.ctx, s.fn());
  EXPECT_FALSE(cs.node_counts().captured);
  EXPECT_EQ(cs.node_counts().total(), 0);
  EXPECT_EQ(cs.node_counts().str(), "not captured");
  EXPECT_FALSE(cuda_rt::count_graph_nodes(nullptr).captured) << "no graph, nothing counted";
}

TEST(CapturedStepGPU, CountsTheKernelsOfTheCapturedStep) {
  ADMA_REQUIRE_GPU();
  CountingStep s(Device::cuda(0));
  CapturedStep cs(s.ctx, s.fn());
  const cuda_rt::GraphNodeCounts& c = cs.node_counts();
  ASSERT_TRUE(c.captured);
  EXPECT_EQ(c.kernels, 1) << "one axpy: " << c.str();
  EXPECT_EQ(c.memsets + c.memcpys + c.other, 0) << c.str();
  EXPECT_EQ(c.str(), "1 nodes: 1 kernels, 0 memsets, 0 memcpys, 0 other");
}

void expect_refusal(CapturedStep& cs, const std::string& what) {
  try {
    cs.replay();
    FAIL() << "replay in another mode was accepted; expected: " << what;
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(what), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("capture a new CapturedStep"), std::string::npos) << e.what();
  }
}

void replay_in_wrong_mode_fails(Device device) {
  Graph g(device, DType::F32, 4);
  Value x = g.input("x", Shape{8, 16}, true);
  Value y = g.add<layers::Dropout>("drop", {x}, 0.5);
  g.build();
  Rng rng(3);
  fill_random(g.value(x), rng);
  CapturedStep cs(g, [&] { g.forward(); });
  cs.replay();
  g.eval();
  expect_refusal(cs, "training: on at capture, off now");
  expect_refusal(cs, "dropout 'drop': on at capture, off now");
  g.train();
  cs.replay();
  Context& ctx = g.context();
  ctx.allow_tf32 = !ctx.allow_tf32;
  expect_refusal(cs, std::string("TF32: ") + (ctx.allow_tf32 ? "off at capture, on now" : "on at capture, off now"));
  ctx.allow_tf32 = !ctx.allow_tf32;
  cs.replay();
  g.context().synchronize();
  (void)y;
}

TEST(CapturedStep, CpuReplayInAnotherModeFailsNamingTheChange) { replay_in_wrong_mode_fails(Device::cpu()); }

TEST(CapturedStepGPU, ReplayInAnotherModeFailsNamingTheChange) {
  ADMA_REQUIRE_GPU();
  replay_in_wrong_mode_fails(Device::cuda(0));
}

// One training step (no dropout) of a freshly built ConvNet + Adma graph.
struct StepOut {
  Values logits, grads;
  double loss;
};
StepOut fresh_graph_step(Device device, const Values& xs, const Values& labels) {
  models::ConvNetOptions o;
  o.dropout = {0, 0, 0};
  Graph g(device, DType::F32, 9);
  Value x = g.input("x", Shape{8, 1, 28, 28});
  Value y = g.labels("y", 8);
  Value z = models::build_convnet(g, x, o);
  layers::SoftmaxLoss::Options lo;
  lo.params.a = 0.258;
  Value l = g.add<layers::SoftmaxLoss>("loss", {z, y}, lo);
  g.build();
  g.value(x).copy_from(Tensor::from_host(xs, Shape{8, 1, 28, 28}, DType::F32, Device::cpu()));
  g.value(y).copy_from(Tensor::from_host(labels, Shape{8}, DType::I32, Device::cpu()));
  g.zero_grad();
  g.forward();
  g.backward();
  g.context().synchronize();
  return {g.value(z).to_host(), g.grad_buffer().to_host(), g.value(l).to_host()[0]};
}

void two_graphs_agree_bit_for_bit(Device device) {
  Rng rng(fresh_seed());
  const Values xs = random_values(rng, 8 * 28 * 28);
  Values labels;
  for (int i = 0; i < 8; ++i) labels.push_back(static_cast<double>(rng.below(10)));
  const StepOut a = fresh_graph_step(device, xs, labels), b = fresh_graph_step(device, xs, labels);
  ASSERT_FALSE(any_nan(a.grads));
  EXPECT_EQ(a.logits, b.logits) << "forward differs between two graphs of one model";
  EXPECT_EQ(a.loss, b.loss);
  EXPECT_EQ(a.grads, b.grads) << "gradients differ: a non-deterministic or differently chosen algorithm";
}

TEST(ConvNet, TwoGraphsOfTheSameModelAgreeBitForBit) { two_graphs_agree_bit_for_bit(Device::cpu()); }

TEST(ConvNetGPU, TwoGraphsOfTheSameModelAgreeBitForBit) {
  ADMA_REQUIRE_GPU();
#if defined(ADMA_WITH_CUDA)
  // The first graph searches each convolution geometry once (none, if an earlier test
  // in this process built the same model); the second reuses all of it.
  const int before = kernels::cuda::conv_algo_searches();
  Rng rng(1);
  const Values xs = random_values(rng, 8 * 28 * 28), labels(8, 3.0);
  fresh_graph_step(Device::cuda(0), xs, labels);
  const int after_first = kernels::cuda::conv_algo_searches();
  EXPECT_LE(after_first - before, 6) << "at most one search per conv layer";
  fresh_graph_step(Device::cuda(0), xs, labels);
  EXPECT_EQ(kernels::cuda::conv_algo_searches(), after_first) << "a second graph of the same model searched again";
#endif
  two_graphs_agree_bit_for_bit(Device::cuda(0));
}

// forward() clears only the slots backward adds into; garbage left in every
// gradient slot by the previous step must not change the next step's gradients.
void garbage_in_gradient_slots_is_cleared(Device device) {
  models::ConvNetOptions o;
  o.dropout = {0, 0, 0};
  Graph g(device, DType::F32, 2);
  Value x = g.input("x", Shape{4, 1, 28, 28});
  Value y = g.labels("y", 4);
  Value z = models::build_convnet(g, x, o);
  g.add<layers::SoftmaxLoss>("loss", {z, y}, layers::SoftmaxLoss::Options{});
  g.build();
  // The logits' gradient is written by the loss, so it needs no clear; every other slot
  // is cleared ...
  EXPECT_LE(g.grad_clear_bytes(true), g.memory().activation_grads);
  EXPECT_GE(g.grad_clear_bytes(true) + g.grad(z).nbytes(), g.memory().activation_grads / 2);
  EXPECT_EQ(g.grad_clear_bytes(false), 0u) << "an eval forward is never followed by backward";
  // ... in one memset: the run crosses the logits' slot (the loss writes it later in forward).
  EXPECT_EQ(g.grad_clear_count(true), 1u) << "activation-gradient clears are one memset";
  Rng rng(5);
  fill_random(g.value(x), rng);
  g.value(y).copy_from(Tensor::from_host({1, 7, 3, 0}, Shape{4}, DType::I32, Device::cpu()));
  auto step = [&] {
    g.zero_grad();
    g.forward();
    g.backward();
    g.context().synchronize();
    return g.grad_buffer().to_host();
  };
  const Values first = step();
  for (int i = 0; i < g.size(); ++i) {
    const Node& n = g.node_at(i);
    if (!n.requires_grad() || n.out_dtype() != DType::F32) continue;
    Tensor& gr = g.grad(Value{i});
    fill_random(gr, rng, 100.0, 1000.0);
  }
  // Garbage of 100..1000 left in any accumulated slot would change the gradients by far
  // more than rounding (bit-exact on the CPU; on CUDA any reduction order may differ).
  const Values second = step();
  if (device.is_cpu())
    EXPECT_EQ(second, first) << "a gradient slot backward accumulates into was not cleared";
  else
    EXPECT_LE(nmse(second, first), 1e-10) << "a gradient slot backward accumulates into was not cleared";
}

TEST(Graph, ForwardClearsEveryAccumulatedGradientSlot) { garbage_in_gradient_slots_is_cleared(Device::cpu()); }

TEST(GraphGPU, ForwardClearsEveryAccumulatedGradientSlot) {
  ADMA_REQUIRE_GPU();
  garbage_in_gradient_slots_is_cleared(Device::cuda(0));
}

}  // namespace
}  // namespace adma::test
