// The CUDA side refuses what the CPU side refuses. cuDNN alone would accept a
// batch-norm epsilon of 0 (CUDNN_BN_MIN_EPSILON is 0 in cuDNN 9), a momentum
// outside [0, 1] and a one-value channel, and a 4-d descriptor would silently
// drop a fifth dimension; these checks sit above the dispatch or in host-only
// helpers, so most of them run here without a device. Also: the GPU test guard.
#include <gtest/gtest.h>

#include <climits>
#include <string>

#include "core/graph/graph.h"
#include "kernels/batchnorm2d.h"
#include "kernels/cuda/cudnn_dims.h"
#include "kernels/dense.h"
#include "layers/batchnorm2d.h"
#include "test_util.h"

namespace adma::test {
namespace {

void expect_error(const std::function<void()>& f, const std::string& part) {
  try {
    f();
    FAIL() << "accepted; expected an error containing: " << part;
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(part), std::string::npos) << e.what();
  }
}

// The checks in kernels/batchnorm2d.h, above the dispatch: the setup refuses the
// options, a training forward a channel of one value. On the CPU context; the
// CUDA backend is reached only through the same inline functions.
TEST(BatchNormChecks, RefuseWhatCudnnWouldAccept) {
  Context& cpu = Context::cpu();
  const Shape s{8, 3, 4, 4};
  auto setup = [&](const Shape& shape, double momentum, double eps) {
    return kernels::batchnorm2d_setup(cpu, shape, DType::F32, momentum, eps);
  };
  EXPECT_NO_THROW(setup(s, 0.99, 1e-3));
  expect_error([&] { setup(s, 0.99, 0.0); }, "epsilon must be positive, got 0");
  expect_error([&] { setup(s, 0.99, -1e-5); }, "epsilon must be positive");
  expect_error([&] { setup(s, 1.5, 1e-3); }, "momentum must be in [0, 1], got 1.5");
  expect_error([&] { setup(s, -0.1, 1e-3); }, "momentum must be in [0, 1]");
  expect_error([&] { setup(Shape{8, 3, 4}, 0.99, 1e-3); }, "[N, C] or [N, C, H, W]");
  // A training forward with operands of the setup's shapes: refused before any work
  // when a channel holds one value (its variance is 0).
  auto train = [&](const Shape& shape) {
    const auto st = setup(shape, 0.99, 1e-3);
    const Shape c{shape[1]};
    auto make = [&](const Shape& sh, double v) {
      return Tensor::from_host(Values(static_cast<size_t>(sh.numel()), v), sh, DType::F32, Device::cpu());
    };
    Tensor x = make(shape, 0.5), y = make(shape, 0.0);
    Tensor gamma = make(c, 1.0), beta = make(c, 0.0), rm = make(c, 0.0), rv = make(c, 1.0);
    Tensor sm = make(c, 0.0), si = make(c, 0.0);
    kernels::batchnorm2d_forward_train(cpu, st, x, gamma, beta, rm, rv, sm, si, y);
  };
  EXPECT_NO_THROW(train(Shape{2, 3, 1, 1}));
  EXPECT_NO_THROW(train(Shape{1, 3, 2, 1}));
  expect_error([&] { train(Shape{1, 3, 1, 1}); }, "more than one value per channel");
  expect_error([&] { train(Shape{1, 3}); }, "more than one value per channel");
}

// Through the layer on `device`: the header's checks run before either backend.
void batchnorm_layer_refuses(Device device) {
  auto build = [&](double momentum, double eps, Shape shape) {
    Graph g(device);
    Value x = g.input("x", shape);
    g.add<layers::BatchNorm2d>("bn", {x}, layers::BatchNorm2d::Options{momentum, eps});
    g.build();
    g.forward();
  };
  expect_error([&] { build(0.99, 0.0, Shape{4, 2, 3, 3}); }, "epsilon must be positive");
  expect_error([&] { build(2.0, 1e-3, Shape{4, 2, 3, 3}); }, "momentum must be in [0, 1]");
  expect_error([&] { build(0.99, 1e-3, Shape{1, 2, 1, 1}); }, "more than one value per channel");
}

TEST(BatchNormChecks, LayerRefusesOnTheCpu) { batchnorm_layer_refuses(Device::cpu()); }

TEST(BatchNormChecksGPU, LayerRefusesOnCuda) {
  ADMA_REQUIRE_GPU();
  batchnorm_layer_refuses(Device::cuda(0));
}

TEST(CudnnDims, PadRankBelowFourAndRefuseWhatWouldBeDropped) {
  using kernels::cuda::cudnn_nchw;
  EXPECT_EQ(cudnn_nchw(Shape{64, 10}), (std::array<int, 4>{64, 10, 1, 1}));
  EXPECT_EQ(cudnn_nchw(Shape{2, 3, 4, 5}), (std::array<int, 4>{2, 3, 4, 5}));
  const int64_t five[5] = {2, 3, 4, 5, 6};
  expect_error([&] { cudnn_nchw(five, 5, "x"); }, "rank 1 to 4, got rank 5");
  const int64_t big[2] = {int64_t(3) << 30, 1};
  expect_error([&] { cudnn_nchw(big, 2, "x"); }, "dimension 0 is 3221225472");
  const int64_t many[4] = {65536, 65536, 1, 1};
  expect_error([&] { cudnn_nchw(many, 4, "x"); }, "elements");
  const int64_t zero[2] = {0, 4};
  expect_error([&] { cudnn_nchw(zero, 2, "x"); }, "dimension 0 is 0");
}

TEST(GpuGuard, RequireCudaTurnsTheSkipIntoAFailure) {
  EXPECT_EQ(gpu_guard(true, nullptr), GpuGuard::Run);
  EXPECT_EQ(gpu_guard(true, "1"), GpuGuard::Run);
  EXPECT_EQ(gpu_guard(false, nullptr), GpuGuard::Skip);
  EXPECT_EQ(gpu_guard(false, ""), GpuGuard::Skip);
  EXPECT_EQ(gpu_guard(false, "0"), GpuGuard::Skip);
  EXPECT_EQ(gpu_guard(false, "1"), GpuGuard::Fail);
  EXPECT_EQ(gpu_guard(false, "yes"), GpuGuard::Fail);
}

// The dense bias gradient (a block reduction over the batch on CUDA) against the
// CPU, on shapes that leave partial column tiles and rows past the block's height.
TEST(DenseGPU, BiasGradientMatchesCpu) {
  ADMA_REQUIRE_GPU();
  Rng rng(fresh_seed());
  for (auto [n, in, out] : {std::array<int64_t, 3>{1, 3, 1}, {64, 20, 10}, {513, 17, 70}, {4096, 8, 1000}}) {
    Context& gpu = Context::get(Device::cuda(0));
    const Values xv = random_values(rng, n * in), dyv = random_values(rng, n * out), dbv = random_values(rng, out);
    auto run = [&](Context& ctx) {
      const Device d = ctx.device;
      Tensor x = Tensor::from_host(xv, Shape{n, in}, DType::F32, d), dy = Tensor::from_host(dyv, Shape{n, out}, DType::F32, d);
      Tensor dw = Tensor::from_host(Values(static_cast<size_t>(out * in), 0.0), Shape{out, in}, DType::F32, d);
      Tensor db = Tensor::from_host(dbv, Shape{out}, DType::F32, d);  // backward adds into it
      kernels::dense_backward_params(ctx, x, dy, dw, db);
      ctx.synchronize();
      return db.to_host();
    };
    EXPECT_LE(nmse(run(gpu), run(Context::cpu())), 1e-10) << n << "x" << out;
  }
}

}  // namespace
}  // namespace adma::test
