// CUDA against the CPU reference for every layer, forward and backward, on
// fresh random inputs and parameters (float32, TF32 off). Outputs are poisoned
// before the call. Compared by normalised MSE, as ggml's test-backend-ops does.
// Every test here skips (saying why) on a machine without a CUDA device.
#include <gtest/gtest.h>

#include <limits>

#include "layer_cases.h"
#include "layers/dropout.h"
#include "test_util.h"

namespace adma::test {
namespace {

constexpr double kForwardNmse = 1e-7;
constexpr double kBackwardNmse = 1e-6;

// Same case on both devices with the same inputs, parameters and output gradient.
struct Pair {
  CaseGraph cpu, gpu;
};

Pair make_pair(const LayerCase& c, uint64_t seed) {
  Pair p{build_case(c, Device::cpu(), DType::F32, true), build_case(c, Device::cuda(0), DType::F32, true)};
  randomize_case(c, p.cpu, seed);
  randomize_case(c, p.gpu, seed);
  return p;
}

void forward_backward(CaseGraph& cg, const Values& r) {
  // The sentinel shows an unwritten output; a view's output is its input's memory (Flatten), so not there.
  if (!cg.g->node(cg.out).is_view()) cg.g->value(cg.out).fill(std::numeric_limits<double>::quiet_NaN());
  cg.g->forward();
  Tensor& seed = cg.g->grad(cg.out);
  seed.copy_from(Tensor::from_host(r, seed.shape(), DType::F32, Device::cpu()));
  cg.g->zero_grad();
  cg.g->backward();
  cg.g->context().synchronize();
}

class LayerGPU : public ::testing::TestWithParam<LayerCase> {};

TEST_P(LayerGPU, CudaMatchesCpu) {
  ADMA_REQUIRE_GPU();
  const LayerCase& c = GetParam();
  const uint64_t seed = fresh_seed();
  Pair p = make_pair(c, seed);
  Rng rng(seed + 1);
  const Values r = random_values(rng, p.cpu.g->value(p.cpu.out).numel());
  forward_backward(p.cpu, r);
  forward_backward(p.gpu, r);
  const Values yc = p.cpu.g->value(p.cpu.out).to_host(), yg = p.gpu.g->value(p.gpu.out).to_host();
  ASSERT_FALSE(any_nan(yg)) << c.name << ": CUDA output has NaN (unwritten or overflow)";
  EXPECT_LE(nmse(yg, yc), kForwardNmse) << c.name << " forward";
  for (size_t i = 0; i < p.cpu.inputs.size(); ++i)
    EXPECT_LE(nmse(p.gpu.g->grad(p.gpu.inputs[i]).to_host(), p.cpu.g->grad(p.cpu.inputs[i]).to_host()), kBackwardNmse)
        << c.name << " input " << i << " gradient";
  const auto& pc = p.cpu.g->parameters();
  const auto& pg = p.gpu.g->parameters();
  ASSERT_EQ(pc.size(), pg.size());
  for (size_t i = 0; i < pc.size(); ++i)
    EXPECT_LE(nmse(pg[i].grad.to_host(), pc[i].grad.to_host()), kBackwardNmse) << pc[i].name << " gradient";
  const auto& bc = p.cpu.g->buffers();
  const auto& bg = p.gpu.g->buffers();
  for (size_t i = 0; i < bc.size(); ++i)
    EXPECT_LE(nmse(bg[i].value.to_host(), bc[i].value.to_host()), kForwardNmse) << bc[i].name;
}

INSTANTIATE_TEST_SUITE_P(Layers, LayerGPU, ::testing::ValuesIn(deterministic_cases()),
                         [](const auto& info) { return info.param.name; });
// The own kernels (LeakyReLU, Maxout, global average pooling) and ResNet's geometries
// again at sizes that take many blocks, grid-stride trips and warp lanes.
INSTANTIATE_TEST_SUITE_P(LargeLayers, LayerGPU, ::testing::ValuesIn(large_cases()),
                         [](const auto& info) { return info.param.name; });

// cuDNN draws its own masks, so CUDA dropout is held to the definition the CPU
// implements: kept elements scaled by 1/(1-p), rate p, backward uses the same mask.
TEST(DropoutGPU, CudaFollowsTheCpuDefinition) {
  ADMA_REQUIRE_GPU();
  const double p = 0.3;
  Graph g(Device::cuda(0), DType::F32, 3);
  Value x = g.input("x", Shape{64, 8, 16, 16}, true);
  Value y = g.add<layers::Dropout>("drop", {x}, p);
  g.build();
  Rng rng(fresh_seed());
  fill_random(g.value(x), rng, 0.5, 1.5);
  const Values xs = g.value(x).to_host();
  Values r = random_values(rng, g.value(y).numel());
  g.value(y).fill(std::numeric_limits<double>::quiet_NaN());
  g.forward();
  g.grad(y).copy_from(Tensor::from_host(r, g.value(y).shape(), DType::F32, Device::cpu()));
  g.backward();
  const Values ys = g.value(y).to_host(), dx = g.grad(x).to_host();
  ASSERT_FALSE(any_nan(ys));
  size_t dropped = 0;
  for (size_t i = 0; i < ys.size(); ++i) {
    const bool kept = ys[i] != 0.0;
    dropped += !kept;
    if (kept) ASSERT_NEAR(ys[i], xs[i] / (1 - p), 1e-5 * ys[i]);
    ASSERT_NEAR(dx[i], kept ? r[i] / (1 - p) : 0.0, 1e-5) << "backward mask differs from forward at " << i;
  }
  EXPECT_NEAR(static_cast<double>(dropped) / ys.size(), p, 0.01);
  g.eval();
  g.forward();
  const Values ye = g.value(y).to_host();
  for (size_t i = 0; i < ye.size(); ++i) ASSERT_EQ(static_cast<float>(ye[i]), static_cast<float>(xs[i]));
}

}  // namespace
}  // namespace adma::test
