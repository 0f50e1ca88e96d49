// libFuzzer target: JPEG (libjpeg) and PNG (libpng) decoding from memory, as
// the image-folder readers use it, plus the resize into a 3x8x8 input.
#include <cstddef>
#include <cstdint>

#include "core/error.h"
#include "data/image_decode.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    adma::data::DecodedImage img = adma::data::decode_image(data, size, "fuzz");
    if (static_cast<int64_t>(img.width) * img.height <= (1 << 22)) {
      uint8_t out[3 * 8 * 8];
      adma::data::resize_to_chw(img, 3, 8, 8, out);
    }
  } catch (const adma::Error&) {
  }
  return 0;
}
