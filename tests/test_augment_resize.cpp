// The fused batch kernel for a model whose input differs from the images
// (kernels/augment_batch.h): resizing (PyTorch's bilinear interpolate, values computed
// by torch 1.13), grey repeated to 3 channels, per-channel normalisation, resize then
// augment, the refusals, and ImageBatches at the output size; CUDA against the CPU.
#include <gtest/gtest.h>

#include <cmath>

#include "data/image_batches.h"
#include "tests/augment_cases.h"
#include "tests/test_util.h"

namespace adma::data {
namespace {

using kernels::AugmentParams;
using kernels::BatchGather;
using kernels::FillMode;

// One image through the CPU kernel with gather `g` (image, order, labels filled in here).
std::vector<double> run(BatchGather g, const std::vector<uint8_t>& img) {
  const int32_t label = 0, order = 0;
  g.images = img.data();
  g.labels = &label;
  g.order = &order;
  g.examples = 1;
  g.rows = 1;
  Tensor x = Tensor::empty(Shape{1, kernels::out_channels(g), kernels::out_height(g), kernels::out_width(g)},
                           DType::F32, Device::cpu());
  Tensor y = Tensor::empty(Shape{1}, DType::I32, Device::cpu());
  kernels::augment_batch(Context::cpu(), g, x, y);
  return x.to_host();
}

BatchGather sized(int c, int h, int w, int oc, int oh, int ow) {
  BatchGather g;
  g.channels = c;
  g.height = h;
  g.width = w;
  g.out_channels = oc;
  g.out_height = oh;
  g.out_width = ow;
  return g;
}

const std::vector<uint8_t> kImage = {0, 100, 30, 200, 255, 7};  // 2 x 3

TEST(AugmentResize, UpAndDownscaleAsPyTorchsBilinearInterpolate) {
  // torch.nn.functional.interpolate(x, size=(4, 5), mode='bilinear', align_corners=False), torch 1.13.
  const std::vector<double> up = {0.0,   40.000003814697266, 99.99999237060547, 57.99999237060547,  30.0,
                                  50.0,  85.5,               138.74998474121094, 70.04998779296875, 24.25,
                                  150.0, 176.5,              216.24998474121094, 94.14998626708984, 12.75,
                                  200.0, 222.0,              254.99998474121094, 106.19998168945312, 7.0};
  const auto got = run(sized(1, 2, 3, 0, 4, 5), kImage);
  ASSERT_EQ(got.size(), up.size());
  for (size_t i = 0; i < up.size(); ++i) EXPECT_NEAR(got[i], up[i], 1e-4) << i;
  const auto down = run(sized(1, 2, 3, 0, 1, 2), kImage);  // size=(1, 2): [119.375, 58.25]
  EXPECT_NEAR(down[0], 119.375, 1e-4);
  EXPECT_NEAR(down[1], 58.25, 1e-4);
}

TEST(AugmentResize, SameSizeIsTheImageExactly) {
  // An output size equal to the image's is the plain kernel, value for value, augmented or not.
  Rng rng(3);
  std::vector<uint8_t> img(2 * 9 * 11);
  for (auto& v : img) v = static_cast<uint8_t>(rng.next_u32());
  AugmentParams p;
  p.theta = 17.0f;
  p.shift_row = 1.5f;
  p.flip = 1;
  BatchGather plain = sized(2, 9, 11, 0, 0, 0), same = sized(2, 9, 11, 2, 9, 11);
  plain.params = same.params = &p;
  EXPECT_EQ(run(same, img), run(plain, img));
}

TEST(AugmentResize, GreyRepeatedToThreeChannelsWithPerChannelNormalisation) {
  BatchGather g = sized(1, 2, 3, 3, 4, 5);
  g.norm_channels = 3;
  const float mean[3] = {10, 20, 30}, inv[3] = {1.0f, 0.5f, 0.25f};
  for (int c = 0; c < 3; ++c) {
    g.channel_mean[c] = mean[c];
    g.channel_inv_std[c] = inv[c];
  }
  const auto out = run(g, kImage);
  const auto grey = run(sized(1, 2, 3, 0, 4, 5), kImage);
  ASSERT_EQ(out.size(), 3 * grey.size());
  for (int c = 0; c < 3; ++c)
    for (size_t i = 0; i < grey.size(); ++i)
      EXPECT_NEAR(out[c * grey.size() + i], (grey[i] - mean[c]) * inv[c], 1e-4) << c << "," << i;
}

TEST(AugmentResize, ResizeThenAugment) {
  // A flip or a whole-pixel shift of the output equals that flip or shift of the resized image.
  Rng rng(5);
  std::vector<uint8_t> img(7 * 6);
  for (auto& v : img) v = static_cast<uint8_t>(rng.next_u32());
  const int oh = 12, ow = 10;
  const auto resized = run(sized(1, 7, 6, 0, oh, ow), img);
  AugmentParams flip;
  flip.flip = 1;
  BatchGather g = sized(1, 7, 6, 0, oh, ow);
  g.params = &flip;
  const auto flipped = run(g, img);
  AugmentParams shift;
  shift.shift_col = 2.0f;  // output column c reads resized column c + 2 (nearest fill past the edge)
  g.params = &shift;
  const auto shifted = run(g, img);
  for (int r = 0; r < oh; ++r)
    for (int c = 0; c < ow; ++c) {
      EXPECT_NEAR(flipped[r * ow + c], resized[r * ow + (ow - 1 - c)], 1e-4) << r << "," << c;
      EXPECT_NEAR(shifted[r * ow + c], resized[r * ow + std::min(c + 2, ow - 1)], 1e-4) << r << "," << c;
    }
}

TEST(AugmentResize, RefusesWhatItCannotDo) {
  auto refused = [](BatchGather g) {
    try {
      run(g, std::vector<uint8_t>(2 * 4 * 4));
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  EXPECT_NE(refused(sized(2, 4, 4, 3, 0, 0)).find("2-channel images cannot become 3 channels"), std::string::npos);
  BatchGather g = sized(1, 4, 4, 3, 8, 8);
  g.norm_channels = 1;
  EXPECT_NE(refused(g).find("1 per-channel normalisations for 3 output channels"), std::string::npos);
  g.norm_channels = 3;
  g.channel_inv_std[1] = 0.0f;
  EXPECT_NE(refused(g).find("channel 1 normalisation must be finite with a positive 1/std"), std::string::npos);
}

TEST(ImageBatchesResize, MnistSizedImagesBecomeResNetInputs) {
  Rng rng(8);
  const ImageSet set = test::random_set(rng, 10, 1, 28, 28, 10);
  BatchOptions o;
  o.batch_size = 4;
  o.shuffle = false;
  o.out_channels = 3;
  o.out_height = o.out_width = 32;
  o.channel_norm = ChannelNormalization::imagenet();
  ImageBatches b(set, o, Device::cpu());
  b.start_epoch(0);
  Tensor x = Tensor::empty(Shape{4, 3, 32, 32}, DType::F32, Device::cpu());
  Tensor y = Tensor::empty(Shape{4}, DType::I32, Device::cpu());
  b.fill(0, x, y);
  // The first image, resized alone, then normalised with ImageNet's red statistics.
  BatchGather g = sized(1, 28, 28, 0, 32, 32);
  const std::vector<uint8_t> first(set.pixels.begin(), set.pixels.begin() + 28 * 28);
  const auto resized = run(g, first);
  const auto got = x.to_host();
  for (size_t i = 0; i < resized.size(); ++i)
    ASSERT_NEAR(got[i], (resized[i] - 0.485 * 255) / (0.229 * 255), 1e-5) << i;
  // The wrong tensor size is refused naming the batch's.
  Tensor bad = Tensor::empty(Shape{4, 1, 28, 28}, DType::F32, Device::cpu());
  EXPECT_THROW(b.fill(1, bad, y), Error);
  BatchOptions wrong = o;
  wrong.channel_norm.std.pop_back();
  EXPECT_THROW(ImageBatches(set, wrong, Device::cpu()), Error);
}

TEST(AugmentResizeGPU, CudaMatchesTheCpu) {
  ADMA_REQUIRE_GPU();
  const uint64_t seed = test::fresh_seed();
  Rng rng(seed);
  const ImageSet set = test::random_set(rng, 70, 1, 28, 28, 10);
  for (FillMode mode : {FillMode::Nearest, FillMode::Constant, FillMode::Reflect, FillMode::Wrap})
    for (int side : {64, 20}) {  // up- and downscaled
      BatchOptions o;
      o.batch_size = 32;  // 70 = 2 x 32 + 6: a padded last batch
      o.seed = seed;
      o.augment.rotation = 30;
      o.augment.width_shift = o.augment.height_shift = 0.2f;
      o.augment.horizontal_flip = true;
      o.augment.fill = mode;
      o.out_channels = 3;
      o.out_height = o.out_width = side;
      o.channel_norm = ChannelNormalization::imagenet();
      ImageBatches cpu(set, o, Device::cpu()), gpu(set, o, Device::cuda());
      cpu.start_epoch(1);
      gpu.start_epoch(1);
      const Shape xs{32, 3, side, side};
      Tensor xc = Tensor::empty(xs, DType::F32, Device::cpu()), xg = Tensor::empty(xs, DType::F32, Device::cuda());
      Tensor yc = Tensor::empty(Shape{32}, DType::I32, Device::cpu()), yg = Tensor::empty(Shape{32}, DType::I32, Device::cuda());
      for (int64_t i = 0; i < cpu.batches(); ++i) {
        cpu.fill(i, xc, yc);
        gpu.fill(i, xg, yg);
        const auto a = xg.to_host(), b = xc.to_host();
        double worst = 0;
        for (size_t k = 0; k < a.size(); ++k) worst = std::max(worst, std::fabs(a[k] - b[k]));
        EXPECT_LE(worst, 1e-4) << kernels::fill_mode_name(mode) << " side " << side << " batch " << i;
        EXPECT_EQ(yg.to_host(), yc.to_host());
      }
    }
}

}  // namespace
}  // namespace adma::data
