// Splits of an ImageSet: the paper's fixed ones (MNIST: the last 10 000
// training images are the validation set), a seeded stratified train/validation
// split by ratio for the image-folder datasets, and a limit on the training
// examples for quick runs.
#pragma once
#include <cstdint>
#include <utility>

#include "data/image_set.h"

namespace adma::data {

// Examples [begin, end) in order.
ImageSet take_range(const ImageSet& set, int64_t begin, int64_t end);
// Per class, a seeded shuffle puts round(n_class * train_fraction) examples in
// the training part and the rest in the validation part; each part keeps the
// original order. Same seed, same split. train_fraction in (0, 1).
std::pair<ImageSet, ImageSet> stratified_split(const ImageSet& set, double train_fraction, uint64_t seed);
// The first `limit` examples (all when limit <= 0 or larger than the set).
ImageSet limit_examples(const ImageSet& set, int64_t limit);

}  // namespace adma::data
