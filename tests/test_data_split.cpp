// Splits and normalisation.
#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "data/normalization.h"
#include "data/split.h"
#include "tests/data_files.h"

namespace adma::data {
namespace {

ImageSet numbered(int64_t n, int64_t classes) {
  ImageSet s;
  s.channels = 1;
  s.height = 1;
  s.width = 2;
  s.classes = classes;
  s.source = "numbered";
  for (int64_t i = 0; i < n; ++i) {
    s.pixels.push_back(static_cast<uint8_t>(i % 256));
    s.pixels.push_back(static_cast<uint8_t>(i / 256));
    s.labels.push_back(static_cast<int32_t>(i % classes));
  }
  return s;
}
int64_t id_of(const ImageSet& s, int64_t i) { return s.image(i)[0] + 256 * s.image(i)[1]; }

TEST(Split, StratifiedKeepsClassProportionsAndIsSeeded) {
  const ImageSet all = numbered(1000, 4);
  auto [train, val] = stratified_split(all, 0.75, 7);
  EXPECT_EQ(train.size(), 752);  // 4 classes x round(250 * 0.75) = 4 x 188
  EXPECT_EQ(val.size(), 248);
  std::vector<int64_t> per(4, 0);
  for (int32_t y : train.labels) ++per[y];
  for (int64_t n : per) EXPECT_EQ(n, 188);  // round(250 * 0.75)
  std::set<int64_t> ids;
  for (int64_t i = 0; i < train.size(); ++i) ids.insert(id_of(train, i));
  for (int64_t i = 0; i < val.size(); ++i) ids.insert(id_of(val, i));
  EXPECT_EQ(ids.size(), 1000u);  // a partition
  for (int64_t i = 0; i < train.size(); ++i) EXPECT_EQ(train.labels[i], id_of(train, i) % 4);  // labels follow images
  auto again = stratified_split(all, 0.75, 7);
  EXPECT_EQ(again.first.pixels, train.pixels);
  auto other = stratified_split(all, 0.75, 8);
  EXPECT_NE(other.first.pixels, train.pixels);
  auto sixty = stratified_split(all, 0.6, 7);
  EXPECT_EQ(sixty.first.size(), 600);
  EXPECT_THROW(stratified_split(all, 1.0, 7), Error);
}

TEST(Split, RangeAndLimit) {
  const ImageSet all = numbered(70, 10);
  ImageSet tail = take_range(all, 50, 70);
  EXPECT_EQ(tail.size(), 20);
  EXPECT_EQ(id_of(tail, 0), 50);
  EXPECT_EQ(limit_examples(all, 7).size(), 7);
  EXPECT_EQ(limit_examples(all, 0).size(), 70);
  EXPECT_EQ(limit_examples(all, 700).size(), 70);
  EXPECT_THROW(take_range(all, 60, 80), Error);
}

TEST(Normalization, GlobalMeanAndPopulationStd) {
  ImageSet s;
  s.channels = 2;
  s.height = 1;
  s.width = 1;
  s.classes = 1;
  s.pixels = {0, 10, 20, 30};
  s.labels = {0, 0};
  Normalization z = Normalization::from(s);
  EXPECT_FLOAT_EQ(z.mean, 15.0f);
  EXPECT_FLOAT_EQ(z.std, static_cast<float>(std::sqrt(125.0)));
  // Named tensors round-trip (what the checkpoint stores).
  auto t = z.tensors();
  ASSERT_EQ(t.size(), 2u);
  EXPECT_EQ(t[0].name, "data.mean");
  EXPECT_EQ(t[1].name, "data.std");
  Normalization back = Normalization::from_tensors(t);
  EXPECT_EQ(back.mean, z.mean);
  EXPECT_EQ(back.std, z.std);
  EXPECT_THROW(Normalization::from_tensors({}), Error);
  ImageSet flat = s;
  flat.pixels = {5, 5, 5, 5};
  EXPECT_EQ(Normalization::from(flat).std, 0.0f);
  EXPECT_TRUE(std::isfinite(Normalization::from(flat).inv_std()));
}

}  // namespace
}  // namespace adma::data
