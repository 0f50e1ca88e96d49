// Keras-exact augmentation on the CPU against pixels computed by hand, the
// parameter draws, and the CPU batch source (order, padding, determinism,
// the prefetching worker).
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "data/image_batches.h"
#include "tests/augment_cases.h"

namespace adma::data {
namespace {

using kernels::AugmentParams;
using kernels::FillMode;

std::vector<uint8_t> ramp(int h, int w) {  // pixel (r, c) = 10 r + c + 1: every value distinct
  std::vector<uint8_t> img;
  for (int r = 0; r < h; ++r)
    for (int c = 0; c < w; ++c) img.push_back(static_cast<uint8_t>(10 * r + c + 1));
  return img;
}

TEST(Augment, IdentityParametersCopyTheImage) {
  const auto img = ramp(4, 5);
  const auto out = test::augment_one(img, 1, 4, 5, AugmentParams{}, FillMode::Nearest);
  for (size_t i = 0; i < img.size(); ++i) EXPECT_EQ(out[i], img[i]);
}

TEST(Augment, Rotation90DegreesTurnsCounterClockwise) {
  // Keras' matrix, axes swapped for channels-last: in = (c, n-1-r), i.e. np.rot90(img).
  const int n = 5;
  const auto img = ramp(n, n);
  AugmentParams p;
  p.theta = 90.0f;
  const auto out = test::augment_one(img, 1, n, n, p, FillMode::Nearest);
  for (int r = 0; r < n; ++r)
    for (int c = 0; c < n; ++c) EXPECT_NEAR(out[r * n + c], img[c * n + (n - 1 - r)], 1e-3) << r << "," << c;
}

TEST(Augment, ShiftOfOnePixelAndTheFillModes) {
  // shift_col = 1 (Keras' tx): output column c reads input column c + 1.
  const int h = 3, w = 4;
  const auto img = ramp(h, w);
  AugmentParams p;
  p.shift_col = 1.0f;
  const auto nearest = test::augment_one(img, 1, h, w, p, FillMode::Nearest);
  const auto constant = test::augment_one(img, 1, h, w, p, FillMode::Constant, -7.0f);
  const auto reflect = test::augment_one(img, 1, h, w, p, FillMode::Reflect);
  const auto wrap = test::augment_one(img, 1, h, w, p, FillMode::Wrap);
  for (int r = 0; r < h; ++r) {
    for (int c = 0; c < w - 1; ++c) {
      EXPECT_EQ(nearest[r * w + c], img[r * w + c + 1]);
      EXPECT_EQ(constant[r * w + c], img[r * w + c + 1]);
    }
    EXPECT_EQ(nearest[r * w + 3], img[r * w + 3]);   // aaaa|abcd|dddd
    EXPECT_EQ(constant[r * w + 3], -7.0f);           // cval, in normalised units
    EXPECT_EQ(reflect[r * w + 3], img[r * w + 3]);   // dcba|abcd|dcba: column 4 is d
    EXPECT_EQ(wrap[r * w + 3], img[r * w + 1]);      // scipy wrap, period n - 1: column 4 is column 1
  }
  // Two columns: reflect reads column 5 -> c; a row shift moves rows.
  p.shift_col = 2.0f;
  const auto reflect2 = test::augment_one(img, 1, h, w, p, FillMode::Reflect);
  EXPECT_EQ(reflect2[3], img[2]);
  AugmentParams q;
  q.shift_row = -1.0f;  // output row r reads input row r - 1
  const auto down = test::augment_one(img, 1, h, w, q, FillMode::Nearest);
  for (int c = 0; c < w; ++c) {
    EXPECT_EQ(down[0 * w + c], img[c]);
    EXPECT_EQ(down[2 * w + c], img[1 * w + c]);
  }
}

TEST(Augment, HalfPixelShiftIsBilinear) {
  const int h = 2, w = 4;
  const auto img = ramp(h, w);
  AugmentParams p;
  p.shift_col = 0.5f;
  const auto out = test::augment_one(img, 1, h, w, p, FillMode::Nearest);
  for (int r = 0; r < h; ++r)
    for (int c = 0; c < w - 1; ++c) EXPECT_FLOAT_EQ(out[r * w + c], 0.5f * (img[r * w + c] + img[r * w + c + 1]));
}

TEST(Augment, HorizontalFlipMirrorsColumnsOfEveryChannel) {
  const int c = 3, h = 2, w = 5;
  std::vector<uint8_t> img;
  for (int k = 0; k < c; ++k) {
    const auto plane = ramp(h, w);
    for (uint8_t v : plane) img.push_back(static_cast<uint8_t>(v + 50 * k));
  }
  AugmentParams p;
  p.flip = 1;
  const auto out = test::augment_one(img, c, h, w, p, FillMode::Nearest);
  for (int k = 0; k < c; ++k)
    for (int r = 0; r < h; ++r)
      for (int x = 0; x < w; ++x) EXPECT_EQ(out[(k * h + r) * w + x], img[(k * h + r) * w + (w - 1 - x)]);
}

TEST(Augment, DrawsLieInKerasRanges) {
  kernels::AugmentSpec s;
  s.rotation = 30.0f;
  s.width_shift = 0.2f;
  s.height_shift = 0.1f;
  s.horizontal_flip = true;
  const uint64_t key = kernels::augment_key(42, 3);
  int flips = 0;
  float max_theta = 0, max_col = 0, max_row = 0;
  for (int64_t i = 0; i < 20000; ++i) {
    const AugmentParams p = kernels::augment_draw(s, key, i, 28, 32);
    ASSERT_GE(p.theta, -30.0f);
    ASSERT_LT(p.theta, 30.0f);
    ASSERT_LE(std::abs(p.shift_col), 0.1f * 28);  // height range, scaled by the height
    ASSERT_LE(std::abs(p.shift_row), 0.2f * 32);  // width range, scaled by the width
    max_theta = std::max(max_theta, std::abs(p.theta));
    max_col = std::max(max_col, std::abs(p.shift_col));
    max_row = std::max(max_row, std::abs(p.shift_row));
    flips += p.flip;
  }
  EXPECT_GT(max_theta, 29.9f);
  EXPECT_GT(max_col, 2.7f);
  EXPECT_GT(max_row, 6.3f);
  EXPECT_NEAR(flips / 20000.0, 0.5, 0.02);
  // The same (seed, epoch, example) gives the same draw; another epoch another one.
  const AugmentParams a = kernels::augment_draw(s, key, 7, 28, 28), b = kernels::augment_draw(s, key, 7, 28, 28);
  EXPECT_EQ(a.theta, b.theta);
  EXPECT_NE(a.theta, kernels::augment_draw(s, kernels::augment_key(42, 4), 7, 28, 28).theta);
  s.width_shift = 1.5f;
  EXPECT_THROW(kernels::check_augment_spec(s), Error);
}

// All batches of one epoch, as host vectors.
struct Epoch {
  std::vector<double> x, labels;
};
Epoch run_epoch(BatchSource& src, int64_t epoch, Device device, const ImageSet& set) {
  src.start_epoch(epoch);
  Tensor x = Tensor::empty(Shape{src.batch_size(), set.channels, set.height, set.width}, DType::F32, device);
  Tensor y = Tensor::empty(Shape{src.batch_size()}, DType::I32, device);
  Epoch e;
  for (int64_t i = 0; i < src.batches(); ++i) {
    src.fill(i, x, y);
    const auto hx = x.to_host(), hy = y.to_host();
    e.x.insert(e.x.end(), hx.begin(), hx.end());
    e.labels.insert(e.labels.end(), hy.begin(), hy.end());
  }
  return e;
}

TEST(ImageBatches, EveryExampleOnceAndAPaddedLastBatch) {
  Rng rng(3);
  const ImageSet set = test::random_set(rng, 70, 1, 3, 3, 10);
  BatchOptions o;
  o.batch_size = 16;
  o.seed = 9;
  ImageBatches src(set, o, Device::cpu());
  EXPECT_EQ(src.batches(), 5);
  EXPECT_EQ(src.valid_rows(4), 6);
  const Epoch e = run_epoch(src, 0, Device::cpu(), set);
  // Without augmentation and with mean 0 / std 1 each row is an image of the set, in the epoch's order.
  const std::vector<int32_t> order = epoch_order(70, true, 9, 0);
  std::set<int32_t> seen(order.begin(), order.end());
  EXPECT_EQ(seen.size(), 70u);
  for (int64_t r = 0; r < 70; ++r) {
    EXPECT_EQ(e.labels[r], set.labels[order[r]]);
    for (int k = 0; k < 9; ++k) ASSERT_EQ(e.x[r * 9 + k], set.image(order[r])[k]);
  }
  for (int64_t r = 70; r < 80; ++r) {
    EXPECT_EQ(e.labels[r], -1);
    for (int k = 0; k < 9; ++k) ASSERT_EQ(e.x[r * 9 + k], 0.0);
  }
}

TEST(ImageBatches, ABatchLargerThanTheSplitIsOnePaddedBatch) {
  Rng rng(6);
  const ImageSet set = test::random_set(rng, 3, 1, 2, 2, 4);
  BatchOptions o;
  o.batch_size = 8;
  o.shuffle = false;
  ImageBatches src(set, o, Device::cpu());
  EXPECT_EQ(src.batches(), 1);
  EXPECT_EQ(src.valid_rows(0), 3);
  const Epoch e = run_epoch(src, 0, Device::cpu(), set);
  EXPECT_EQ(e.labels, (std::vector<double>{static_cast<double>(set.labels[0]), static_cast<double>(set.labels[1]),
                                           static_cast<double>(set.labels[2]), -1, -1, -1, -1, -1}));
  EXPECT_THROW(ImageBatches(set, BatchOptions{0}, Device::cpu()), Error);
  ImageSet empty = set.like();
  EXPECT_THROW(ImageBatches(empty, o, Device::cpu()), Error);
}

TEST(ImageBatches, SameSeedSameBatchesOtherEpochOtherOrder) {
  Rng rng(4);
  const ImageSet set = test::random_set(rng, 100, 1, 8, 8, 10);
  BatchOptions o;
  o.batch_size = 32;
  o.seed = 11;
  o.augment.rotation = 30;
  o.augment.width_shift = o.augment.height_shift = 0.2f;
  o.norm = Normalization::from(set);
  ImageBatches a(set, o, Device::cpu()), b(set, o, Device::cpu());
  const Epoch a0 = run_epoch(a, 0, Device::cpu(), set), b0 = run_epoch(b, 0, Device::cpu(), set);
  EXPECT_EQ(a0.x, b0.x);
  EXPECT_EQ(a0.labels, b0.labels);
  const Epoch a1 = run_epoch(a, 1, Device::cpu(), set);
  EXPECT_NE(a0.labels, a1.labels);
  // Resuming at epoch 1 in a fresh source gives epoch 1's batches.
  EXPECT_EQ(run_epoch(b, 1, Device::cpu(), set).x, a1.x);
  // Normalised: roughly zero mean over an epoch.
  double sum = 0;
  for (double v : a0.x) sum += v;
  EXPECT_NEAR(sum / a0.x.size(), 0.0, 0.15);
  o.shuffle = false;
  ImageBatches fixed(set, o, Device::cpu());
  const Epoch f = run_epoch(fixed, 5, Device::cpu(), set);
  for (int64_t r = 0; r < 100; ++r) EXPECT_EQ(f.labels[r], set.labels[r]);
}

TEST(ImageBatches, TheWorkerPreparesTheNextBatchWhileTheStepRuns) {
  Rng rng(7);
  const ImageSet set = test::random_set(rng, 40, 1, 8, 8, 3);
  BatchOptions o;
  o.batch_size = 10;
  o.augment.rotation = 10;
  ImageBatches src(set, o, Device::cpu());
  src.start_epoch(0);
  EXPECT_TRUE(src.wait_prepared(0, 5000));  // start_epoch already asked for batch 0
  Tensor x = Tensor::empty(Shape{10, 1, 8, 8}, DType::F32, Device::cpu());
  Tensor y = Tensor::empty(Shape{10}, DType::I32, Device::cpu());
  src.fill(0, x, y);
  // No call into the source: batch 1 gets ready by itself, as a step would run meanwhile.
  EXPECT_TRUE(src.wait_prepared(1, 5000));
  src.fill(1, x, y);
  EXPECT_TRUE(src.wait_prepared(2, 5000));
}

TEST(ImageBatches, OutOfOrderFillsAndTheWorkerAgree) {
  Rng rng(5);
  const ImageSet set = test::random_set(rng, 50, 3, 4, 4, 5);
  BatchOptions o;
  o.batch_size = 8;
  o.augment.horizontal_flip = true;
  ImageBatches src(set, o, Device::cpu());
  const Epoch e = run_epoch(src, 2, Device::cpu(), set);
  src.start_epoch(2);
  Tensor x = Tensor::empty(Shape{8, 3, 4, 4}, DType::F32, Device::cpu());
  Tensor y = Tensor::empty(Shape{8}, DType::I32, Device::cpu());
  for (int64_t i : {5, 1, 6, 6, 0}) {
    src.fill(i, x, y);
    const auto hx = x.to_host();
    EXPECT_TRUE(std::equal(hx.begin(), hx.end(), e.x.begin() + i * 8 * 48)) << "batch " << i;
  }
  EXPECT_THROW(src.fill(7, x, y), Error);
  Tensor wrong = Tensor::empty(Shape{8, 3, 4, 5}, DType::F32, Device::cpu());
  EXPECT_THROW(src.fill(0, wrong, y), Error);
}

}  // namespace
}  // namespace adma::data
