// ImageSet helpers: copying examples between sets and the consistency check
// every reader ends with.
#include "data/image_set.h"

#include "core/error.h"

namespace adma::data {

void ImageSet::append(const ImageSet& other, int64_t i) {
  const uint8_t* p = other.image(i);
  pixels.insert(pixels.end(), p, p + other.image_bytes());
  labels.push_back(other.labels[static_cast<size_t>(i)]);
}

ImageSet ImageSet::like() const {
  ImageSet s;
  s.channels = channels;
  s.height = height;
  s.width = width;
  s.classes = classes;
  s.source = source;
  return s;
}

void ImageSet::check() const {
  ADMA_CHECK(channels > 0 && height > 0 && width > 0 && channels <= 4 && height <= kMaxSide && width <= kMaxSide,
             source, ": image size ", channels, "x", height, "x", width, " (1 to 4 channels, sides 1 to ", kMaxSide,
             ")");
  ADMA_CHECK(static_cast<int64_t>(pixels.size()) == size() * image_bytes(), source, ": ", size(), " labels but ",
             pixels.size() / static_cast<size_t>(image_bytes()), " images");
  for (int64_t i = 0; i < size(); ++i) {
    const int32_t y = labels[static_cast<size_t>(i)];
    ADMA_CHECK(y >= 0 && y < classes, source, ": label ", y, " of example ", i, " is outside [0, ", classes, ")");
  }
}

}  // namespace adma::data
