// Splits: index bookkeeping only; pixels are copied once into each part.
#include "data/split.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "core/error.h"
#include "core/rng.h"
#include "kernels/augment_batch.h"

namespace adma::data {

ImageSet take_range(const ImageSet& set, int64_t begin, int64_t end) {
  ADMA_CHECK(0 <= begin && begin <= end && end <= set.size(), set.source, ": examples [", begin, ", ", end,
             ") do not lie in the ", set.size(), " there are");
  ImageSet out = set.like();
  out.pixels.assign(set.image(begin), set.image(begin) + (end - begin) * set.image_bytes());
  out.labels.assign(set.labels.begin() + begin, set.labels.begin() + end);
  return out;
}

std::pair<ImageSet, ImageSet> stratified_split(const ImageSet& set, double train_fraction, uint64_t seed) {
  ADMA_CHECK(train_fraction > 0.0 && train_fraction < 1.0, "train fraction must be in (0, 1), got ", train_fraction);
  std::vector<std::vector<int64_t>> by_class(static_cast<size_t>(set.classes));
  for (int64_t i = 0; i < set.size(); ++i) by_class[static_cast<size_t>(set.labels[static_cast<size_t>(i)])].push_back(i);
  std::vector<char> in_train(static_cast<size_t>(set.size()), 0);
  Rng rng(kernels::mix_key(seed, 0, 3));
  for (auto& idx : by_class) {
    for (size_t i = idx.size(); i > 1; --i) std::swap(idx[i - 1], idx[rng.below(i)]);  // Fisher-Yates
    const size_t k = static_cast<size_t>(std::llround(static_cast<double>(idx.size()) * train_fraction));
    for (size_t i = 0; i < k; ++i) in_train[static_cast<size_t>(idx[i])] = 1;
  }
  ImageSet train = set.like(), val = set.like();
  for (int64_t i = 0; i < set.size(); ++i) (in_train[static_cast<size_t>(i)] ? train : val).append(set, i);
  return {std::move(train), std::move(val)};
}

ImageSet limit_examples(const ImageSet& set, int64_t limit) {
  if (limit <= 0 || limit >= set.size()) return set;
  return take_range(set, 0, limit);
}

}  // namespace adma::data
