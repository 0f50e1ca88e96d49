// CUDA against the CPU reference: the fused gather + augment + normalise
// kernel on fresh random images and parameters (every fill mode), and whole
// epochs of ImageBatches on both devices (same seed, same batches).
#include <gtest/gtest.h>

#include <cmath>

#include "data/image_batches.h"
#include "tests/augment_cases.h"
#include "tests/test_util.h"

namespace adma::data {
namespace {

using kernels::FillMode;

double max_abs_diff(const std::vector<double>& a, const std::vector<double>& b) {
  EXPECT_EQ(a.size(), b.size());
  double m = 0;
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) m = std::max(m, std::fabs(a[i] - b[i]));
  return m;
}

// Explicit per-image parameters, uploaded for CUDA: the kernels agree given the same draws.
TEST(AugmentGPU, ExplicitParametersMatchTheCpuReference) {
  ADMA_REQUIRE_GPU();
  Rng rng(test::fresh_seed());
  const int n = 37, c = 3, h = 19, w = 23;
  const ImageSet set = test::random_set(rng, n, c, h, w, 10);
  std::vector<kernels::AugmentParams> params(n);
  for (auto& p : params) {
    p.theta = static_cast<float>(rng.uniform(-180, 180));
    p.shift_row = static_cast<float>(rng.uniform(-8, 8));
    p.shift_col = static_cast<float>(rng.uniform(-8, 8));
    p.flip = rng.uniform() < 0.5;
  }
  std::vector<int32_t> order(n);
  for (int i = 0; i < n; ++i) order[i] = n - 1 - i;
  auto dev = [&](const void* p, size_t bytes) {
    auto st = Storage::make(bytes, Device::cuda());
    cuda_rt::memcpy_sync(st->data(), p, bytes, cuda_rt::CopyKind::HostToDevice, 0, Context::get(Device::cuda()).stream);
    return st;
  };
  auto d_img = dev(set.pixels.data(), set.pixels.size());
  auto d_lab = dev(set.labels.data(), n * 4);
  auto d_ord = dev(order.data(), n * 4);
  auto d_par = dev(params.data(), n * sizeof(kernels::AugmentParams));
  for (FillMode mode : {FillMode::Nearest, FillMode::Constant, FillMode::Reflect, FillMode::Wrap}) {
    kernels::BatchGather g;
    g.images = set.pixels.data();
    g.labels = set.labels.data();
    g.order = order.data();
    g.params = params.data();
    g.examples = n;
    g.first = 0;
    g.rows = 40;  // three padded rows
    g.channels = c;
    g.height = h;
    g.width = w;
    g.spec.fill = mode;
    g.spec.cval = 0.25f;
    g.mean = 120.0f;
    g.inv_std = 1.0f / 70.0f;
    Tensor x = Tensor::empty(Shape{40, c, h, w}, DType::F32, Device::cpu());
    Tensor y = Tensor::empty(Shape{40}, DType::I32, Device::cpu());
    kernels::augment_batch(Context::cpu(), g, x, y);
    kernels::BatchGather gd = g;
    gd.images = static_cast<const uint8_t*>(d_img->data());
    gd.labels = static_cast<const int32_t*>(d_lab->data());
    gd.order = static_cast<const int32_t*>(d_ord->data());
    gd.params = static_cast<const kernels::AugmentParams*>(d_par->data());
    Tensor xd = Tensor::empty(Shape{40, c, h, w}, DType::F32, Device::cuda());
    Tensor yd = Tensor::empty(Shape{40}, DType::I32, Device::cuda());
    kernels::augment_batch(Context::get(Device::cuda()), gd, xd, yd);
    EXPECT_LE(max_abs_diff(xd.to_host(), x.to_host()), 1e-5) << kernels::fill_mode_name(mode);
    EXPECT_EQ(yd.to_host(), y.to_host());
    EXPECT_EQ(y.to_host()[39], -1);
  }
}

// Whole epochs: permutation, Philox draws, gather and normalisation on both devices.
TEST(ImageBatchesGPU, SameSeedSameBatchesAsTheCpu) {
  ADMA_REQUIRE_GPU();
  const uint64_t seed = test::fresh_seed();
  Rng rng(seed);
  const ImageSet set = test::random_set(rng, 300, 1, 28, 28, 10);
  for (FillMode mode : {FillMode::Nearest, FillMode::Constant, FillMode::Reflect, FillMode::Wrap}) {
    BatchOptions o;
    o.batch_size = 64;  // 300 = 4 x 64 + 44: a padded last batch
    o.seed = seed;
    o.augment.rotation = 30;
    o.augment.width_shift = 0.2f;
    o.augment.height_shift = 0.2f;
    o.augment.horizontal_flip = true;
    o.augment.fill = mode;
    o.norm = Normalization::from(set);
    ImageBatches cpu(set, o, Device::cpu()), gpu(set, o, Device::cuda());
    for (int64_t epoch : {0, 3}) {
      cpu.start_epoch(epoch);
      gpu.start_epoch(epoch);
      Tensor xc = Tensor::empty(Shape{64, 1, 28, 28}, DType::F32, Device::cpu());
      Tensor yc = Tensor::empty(Shape{64}, DType::I32, Device::cpu());
      Tensor xg = Tensor::empty(Shape{64, 1, 28, 28}, DType::F32, Device::cuda());
      Tensor yg = Tensor::empty(Shape{64}, DType::I32, Device::cuda());
      for (int64_t i = 0; i < cpu.batches(); ++i) {
        cpu.fill(i, xc, yc);
        gpu.fill(i, xg, yg);
        EXPECT_LE(max_abs_diff(xg.to_host(), xc.to_host()), 1e-5)
            << kernels::fill_mode_name(mode) << " epoch " << epoch << " batch " << i;
        EXPECT_EQ(yg.to_host(), yc.to_host());
      }
    }
  }
}

}  // namespace
}  // namespace adma::data
