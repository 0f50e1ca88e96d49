// ImageSet: a split of a dataset as it sits in memory after reading: uint8
// pixels, one image after another in CHW order, and one int32 class label per
// image. Every reader produces one; splits, normalisation and batch sources
// consume one. uint8 keeps the whole training split small enough to live on the
// device (Fashion-MNIST: 47 MB; CIFAR: 154 MB).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace adma::data {

// The largest image side adma accepts: keeps every size product far from overflow.
constexpr int64_t kMaxSide = 65535;

struct ImageSet {
  int64_t channels = 0, height = 0, width = 0;
  int64_t classes = 0;
  std::vector<uint8_t> pixels;  // [size(), channels, height, width]
  std::vector<int32_t> labels;  // [size()], each in [0, classes)
  std::string source;           // where it was read from, for messages

  int64_t size() const { return static_cast<int64_t>(labels.size()); }
  int64_t image_bytes() const { return channels * height * width; }
  const uint8_t* image(int64_t i) const { return pixels.data() + i * image_bytes(); }
  // Appends example `i` of `other` (same geometry).
  void append(const ImageSet& other, int64_t i);
  // An empty set with this one's geometry, class count and source.
  ImageSet like() const;
  // Throws, naming `source`, unless pixels, labels and geometry agree and every
  // label lies in [0, classes).
  void check() const;
};

}  // namespace adma::data
