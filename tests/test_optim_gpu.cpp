// The CUDA optimizer update and metric accumulation against the CPU reference on
// fresh random parameters and gradients, several steps, every rule and schedule
// rule; and the trainer's captured CUDA-graph step against its eager step.
#include <gtest/gtest.h>

#include "data/synthetic.h"
#include "kernels/training_metrics.h"
#include "layers/dense.h"
#include "layers/softmax_loss.h"
#include "models/convnet.h"
#include "optim/optimizer.h"
#include "optim/trainer.h"
#include "test_util.h"

namespace adma::test {
namespace {

// Dense 2x700 -> 60 (42,000 weights: several 8192-element chunks) with L2 on its weight,
// and a learnable `a` with its own rate (a multiple of the optimizer's) and range.
struct Wide {
  Graph g;
  Value x, z, y, loss;
  Wide(Device d, double a_lr_mult) : g(d, DType::F32, 5) {
    x = g.input("x", Shape{2, 700});
    layers::Dense::Options fc{60, true};
    fc.l2 = 1e-3;
    z = g.add<layers::Dense>("fc", {x}, fc);
    y = g.labels("y", 2);
    layers::SoftmaxLoss::Options o;
    o.learnable_a = true;
    o.params.a = 0.3;
    o.a_lr_mult = a_lr_mult;
    o.a_min = 0.2;
    o.a_max = 0.4;
    loss = g.add<layers::SoftmaxLoss>("loss", {z, y}, o);
    g.build();
  }
};

void expect_close(const std::vector<double>& gpu, const std::vector<double>& cpu, const std::string& what) {
  ASSERT_EQ(gpu.size(), cpu.size()) << what;
  ASSERT_FALSE(any_nan(gpu)) << what;
  for (size_t i = 0; i < gpu.size(); ++i)
    ASSERT_NEAR(gpu[i], cpu[i], 2e-6 * std::max(1.0, std::fabs(cpu[i]))) << what << "[" << i << "]";
}

void compare_rule(const std::string& optimizer, const std::string& schedule) {
  SCOPED_TRACE(optimizer + " / " + schedule);
  const auto config = optim::OptimizerConfig::parse(optimizer);
  const double a_lr_mult = 0.05 / config.lr;  // a trains at 0.05
  Wide cpu(Device::cpu(), a_lr_mult), gpu(Device::cuda(0), a_lr_mult);
  optim::Optimizer oc(cpu.g, config, optim::ScheduleConfig::parse(schedule));
  optim::Optimizer og(gpu.g, config, optim::ScheduleConfig::parse(schedule));
  Rng rng(fresh_seed());
  // Fresh random weights too, the same on both sides.
  for (size_t k = 0; k < cpu.g.parameters().size(); ++k) {
    Tensor w = cpu.g.parameters()[k].value;
    fill_random(w, rng, -0.5, 0.5);
    Tensor wg = gpu.g.parameters()[k].value;
    wg.copy_from(w);
  }
  for (int step = 0; step < 6; ++step) {
    for (size_t k = 0; k < cpu.g.parameters().size(); ++k) {
      Tensor gc = cpu.g.parameters()[k].grad;
      fill_random(gc, rng, -1, 1);
      Tensor gg = gpu.g.parameters()[k].grad;
      gg.copy_from(gc);
    }
    oc.step();
    og.step();
  }
  for (size_t k = 0; k < cpu.g.parameters().size(); ++k)
    expect_close(gpu.g.parameters()[k].value.to_host(), cpu.g.parameters()[k].value.to_host(),
                 cpu.g.parameters()[k].name);
  const auto sc = oc.state_tensors(), sg = og.state_tensors();
  for (size_t k = 0; k < sc.size(); ++k) expect_close(sg[k].value.to_host(), sc[k].value.to_host(), sc[k].name);
  EXPECT_EQ(og.steps_done(), 6);
  EXPECT_NEAR(og.penalty().to_host()[0], oc.penalty().to_host()[0], 1e-6 * oc.penalty().to_host()[0]);
  og.compute_penalty();
  oc.compute_penalty();
  EXPECT_NEAR(og.penalty().to_host()[0], oc.penalty().to_host()[0], 1e-6 * oc.penalty().to_host()[0]);
}

TEST(OptimizerGPU, SgdMatchesCpu) {
  ADMA_REQUIRE_GPU();
  compare_rule("sgd:lr=0.05", "constant");
}
TEST(OptimizerGPU, NesterovWithTimeDecayMatchesCpu) {
  ADMA_REQUIRE_GPU();
  compare_rule("sgd:lr=0.05,momentum=0.9,nesterov=true", "time:decay=0.3");
}
TEST(OptimizerGPU, AdamWithCosineMatchesCpu) {
  ADMA_REQUIRE_GPU();
  compare_rule("adam:lr=0.01", "cosine:steps=4,min_lr=0.001");
}
TEST(OptimizerGPU, AdamWMatchesCpu) {
  ADMA_REQUIRE_GPU();
  compare_rule("adamw:lr=0.01,weight_decay=0.05", "constant");
}

TEST(MetricsGPU, AccumulationMatchesCpu) {
  ADMA_REQUIRE_GPU();
  Rng rng(fresh_seed());
  const int64_t n = 1000;
  std::vector<double> loss = random_values(rng, n, 0, 3), labels(n);
  for (auto& l : labels) l = rng.uniform() < 0.1 ? -1 : static_cast<double>(rng.below(10));
  labels[3] = -1;
  for (int64_t i = 0; i < n; ++i)
    if (labels[i] < 0) loss[i] = 0;  // the fused loss gives an ignored row loss 0
  auto run = [&](Device d) {
    Tensor ps = Tensor::from_host(loss, Shape{n}, DType::F32, d);
    Tensor y = Tensor::from_host(labels, Shape{n}, DType::I32, d);
    Tensor correct = Tensor::from_host({37}, Shape{1}, DType::F32, d);
    Tensor pen = Tensor::from_host({0.125}, Shape{1}, DType::F64, d);
    Tensor step = Tensor::from_host({9}, Shape{1}, DType::I32, d);
    Tensor acc = Tensor::from_host({1, 2, 3, 0}, Shape{4}, DType::F64, d);
    Context& ctx = Context::get(d);
    kernels::accumulate_metrics(ctx, ps, y, correct, pen, step, acc);
    kernels::accumulate_metrics(ctx, ps, y, correct, Tensor(), Tensor(), acc);
    return acc.to_host();
  };
  const auto c = run(Device::cpu()), g = run(Device::cuda(0));
  for (int i = 0; i < 4; ++i) EXPECT_NEAR(g[i], c[i], 1e-9 * std::max(1.0, std::fabs(c[i]))) << i;
  EXPECT_EQ(g[3], 0);  // every counted loss finite
}

// The trainer's step recorded as a CUDA graph matches the eager step.
TEST(TrainerGPU, CapturedStepMatchesEagerStep) {
  ADMA_REQUIRE_GPU();
  std::vector<std::vector<double>> params[2];
  optim::EpochMetrics metrics[2];
  for (int captured = 0; captured < 2; ++captured) {
    Graph g(Device::cuda(0), DType::F32, 3);
    Value x = g.input("x", Shape{16, 1, 8, 8});
    Value y = g.labels("y", 16);
    models::ConvNetOptions mo;
    mo.classes = 4;
    mo.filters = {4, 8, 8};
    mo.dropout = {0, 0, 0};
    mo.l2 = 1e-4;
    Value z = models::build_convnet(g, x, mo);
    Value loss = g.add<layers::SoftmaxLoss>("loss", {z, y}, layers::SoftmaxLoss::Options{});
    g.build();
    optim::TrainerOptions to;
    to.capture = captured == 1;
    optim::Trainer t(g, x, y, loss, to);
    data::SyntheticOptions so;
    so.examples = 160;
    data::SyntheticSource src(so);
    metrics[captured] = t.train_epoch(src);
    EXPECT_EQ(t.captured(), captured == 1);
    EXPECT_EQ(t.optimizer().steps_done(), 10);
    for (const auto& p : g.parameters()) params[captured].push_back(p.value.to_host());
  }
  EXPECT_NEAR(metrics[1].loss, metrics[0].loss, 1e-4 * metrics[0].loss);
  EXPECT_EQ(metrics[1].examples, 160);
  for (size_t k = 0; k < params[0].size(); ++k)
    for (size_t i = 0; i < params[0][k].size(); ++i)
      ASSERT_NEAR(params[1][k][i], params[0][k][i], 1e-4 * std::max(1.0, std::fabs(params[0][k][i]))) << k;
}

}  // namespace
}  // namespace adma::test
