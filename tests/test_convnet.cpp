// The paper's ConvNet: shapes and parameter count (Keras' model.summary), a
// finite CPU training-mode forward/backward, and the whole network forward +
// backward on CUDA against the CPU (dropout off).
#include <gtest/gtest.h>

#include "core/graph/graph.h"
#include "models/convnet.h"
#include "test_util.h"

namespace adma::test {
namespace {

TEST(ConvNet, ShapesAndParameterCountMatchTheKerasModel) {
  Graph g(Device::cpu());
  Value x = g.input("x", Shape{2, 1, 28, 28});
  Value y = models::build_convnet(g, x, models::ConvNetOptions{});
  EXPECT_EQ(g.shape(y), Shape({2, 10}));
  // Pools floor 28 -> 14 -> 7 -> 3, so Dense sees 128 * 3 * 3 = 1152 features.
  for (int i = 0; i < g.size(); ++i)
    if (g.node_at(i).name() == "flatten") EXPECT_EQ(g.node_at(i).out_shape(), Shape({2, 1152}));
  // Trainable parameters: convs 320 + 9248 + 18496 + 36928 + 73856 + 147584,
  // BN gammas/betas 2 * (32 + 32 + 64 + 64 + 128 + 128), Dense 1152 * 10 + 10.
  g.build();  // parameters are declared when the graph is planned
  EXPECT_EQ(g.num_params(), 298858);
  EXPECT_GE(g.param_buffer().numel(), g.num_params());  // one buffer (plus alignment padding)
  EXPECT_EQ(g.buffers().size(), 12u);  // running mean and variance of 6 BN layers
}

TEST(ConvNet, L2IsARuleOfTheConvKernelsOnly) {
  // Keras's kernel_regularizer on every Conv2D: the six conv kernels carry the L2, nothing else.
  Graph g(Device::cpu());
  Value x = g.input("x", Shape{2, 1, 28, 28});
  models::ConvNetOptions o;
  o.l2 = 1e-4;
  models::build_convnet(g, x, o);
  g.build();
  int with_l2 = 0;
  for (const auto& p : g.parameters()) {
    const bool conv_kernel = p.name.find(".conv") != std::string::npos && p.name.find(".weight") != std::string::npos;
    EXPECT_EQ(p.rules.l2, conv_kernel ? 1e-4 : 0.0) << p.name;
    with_l2 += conv_kernel;
  }
  EXPECT_EQ(with_l2, 6);
}

TEST(ConvNet, CifarShapeAndNoBatchNormSwitch) {
  Graph g(Device::cpu());
  Value x = g.input("x", Shape{2, 3, 32, 32});
  models::ConvNetOptions o;
  o.classes = 100;
  o.batchnorm = false;
  o.softmax = true;
  Value y = models::build_convnet(g, x, o);
  EXPECT_EQ(g.shape(y), Shape({2, 100}));  // 32 -> 16 -> 8 -> 4: Dense sees 2048
  g.build();
  // conv1 sees 3 channels: 3 * 9 * 32 + 32 = 896; no BN parameters; Dense 2048 * 100 + 100.
  EXPECT_EQ(g.num_params(), 896 + 9248 + 18496 + 36928 + 73856 + 147584 + 204900);
}

TEST(ConvNet, CpuTrainingStepIsFiniteAndFillsEveryGradient) {
  Graph g(Device::cpu(), DType::F32, 1);
  Value x = g.input("x", Shape{4, 1, 28, 28});
  Value y = models::build_convnet(g, x, models::ConvNetOptions{});
  g.build();
  Rng rng(3);
  fill_random(g.value(x), rng);
  g.forward();
  fill_random(g.grad(y), rng);
  g.zero_grad();
  g.backward();
  EXPECT_FALSE(any_nan(g.value(y).to_host()));
  for (const auto& p : g.parameters()) {
    const Values gr = p.grad.to_host();
    EXPECT_FALSE(any_nan(gr)) << p.name;
    double norm = 0;
    for (double v : gr) norm += v * v;
    EXPECT_GT(norm, 0.0) << p.name << " got no gradient";
  }
}

TEST(ConvNetGPU, WholeNetworkForwardBackwardMatchesCpu) {
  ADMA_REQUIRE_GPU();
  models::ConvNetOptions o;
  o.dropout = {0, 0, 0};
  Graph gc(Device::cpu(), DType::F32, 5), gg(Device::cuda(0), DType::F32, 5);
  Value xc = gc.input("x", Shape{8, 1, 28, 28}), xg = gg.input("x", Shape{8, 1, 28, 28});
  Value yc = models::build_convnet(gc, xc, o), yg = models::build_convnet(gg, xg, o);
  gc.build();
  gg.build();
  Rng rng(fresh_seed());
  const Values xs = random_values(rng, 8 * 28 * 28), r = random_values(rng, 8 * 10);
  gc.value(xc).copy_from(Tensor::from_host(xs, Shape{8, 1, 28, 28}, DType::F32, Device::cpu()));
  gg.value(xg).copy_from(Tensor::from_host(xs, Shape{8, 1, 28, 28}, DType::F32, Device::cpu()));
  gc.forward();
  gg.forward();
  gc.grad(yc).copy_from(Tensor::from_host(r, Shape{8, 10}, DType::F32, Device::cpu()));
  gg.grad(yg).copy_from(Tensor::from_host(r, Shape{8, 10}, DType::F32, Device::cpu()));
  gc.zero_grad();
  gg.zero_grad();
  gc.backward();
  gg.backward();
  EXPECT_LE(nmse(gg.value(yg).to_host(), gc.value(yc).to_host()), 1e-6) << "logits";
  const auto &pc = gc.parameters(), &pg = gg.parameters();
  ASSERT_EQ(pc.size(), pg.size());
  for (size_t i = 0; i < pc.size(); ++i) {
    EXPECT_LE(nmse(pg[i].value.to_host(), pc[i].value.to_host()), 0.0) << pc[i].name << " init differs";
    EXPECT_LE(nmse(pg[i].grad.to_host(), pc[i].grad.to_host()), 1e-5) << pc[i].name << " gradient";
  }
}

}  // namespace
}  // namespace adma::test

#include "core/graph/captured_step.h"
#include "layers/softmax_loss.h"

namespace adma::test {
namespace {

// A ConvNet + Adma step on `device`; returns the loss and every parameter gradient.
struct StepResult {
  double loss;
  Values grads;
};

StepResult convnet_step(Device device, bool captured) {
  models::ConvNetOptions o;
  o.dropout = {0, 0, 0};  // cuDNN's dropout stream would differ between the two runs
  Graph g(device, DType::F32, 5);
  Value x = g.input("x", Shape{16, 1, 28, 28});
  Value y = g.labels("y", 16);
  Value z = models::build_convnet(g, x, o);
  layers::SoftmaxLoss::Options lo;
  lo.params.a = 0.258;
  Value l = g.add<layers::SoftmaxLoss>("loss", {z, y}, lo);
  g.build();
  Rng rng(12);
  fill_random(g.value(x), rng);
  std::vector<double> labels;
  for (int i = 0; i < 16; ++i) labels.push_back(static_cast<double>(rng.below(10)));
  g.value(y).copy_from(Tensor::from_host(labels, Shape{16}, DType::I32, Device::cpu()));
  auto step = [&] {
    g.zero_grad();
    g.forward();
    g.backward();
  };
  if (captured) {
    CapturedStep cs(g.context(), step);
    EXPECT_TRUE(cs.is_graph() || device.is_cpu());
    cs.replay();
  } else {
    step();
  }
  g.context().synchronize();
  return {g.value(l).to_host()[0], g.grad_buffer().to_host()};
}

TEST(ConvNet, CpuCapturedStepRunsTheStep) {
  const auto eager = convnet_step(Device::cpu(), false), cap = convnet_step(Device::cpu(), true);
  EXPECT_EQ(cap.loss, eager.loss);
  EXPECT_EQ(cap.grads, eager.grads);
}

TEST(ConvNetGPU, TrainingStepCapturesAsOneCudaGraph) {
  ADMA_REQUIRE_GPU();
  // Capture fails on any allocation or synchronisation inside the step, so this is the
  // check that forward, loss and backward keep the memory plan's promise.
  const auto eager = convnet_step(Device::cuda(0), false);
  const auto cap = convnet_step(Device::cuda(0), true);
  EXPECT_NEAR(cap.loss, eager.loss, 1e-6 * std::fabs(eager.loss));
  EXPECT_LE(nmse(cap.grads, eager.grads), 1e-10);
  const auto cpu = convnet_step(Device::cpu(), false);
  EXPECT_NEAR(cap.loss, cpu.loss, 1e-4 * std::fabs(cpu.loss));
}

}  // namespace
}  // namespace adma::test
