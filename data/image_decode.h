// Decoding JPEG (libjpeg) and PNG (libpng) from memory, and the bilinear
// resize that brings every image of a folder dataset to the paper's input size.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace adma::data {

struct DecodedImage {
  int32_t height = 0, width = 0;
  std::vector<uint8_t> rgb;  // [height, width, 3], interleaved (grey is replicated, alpha dropped)
};

// By content (JPEG starts ff d8, PNG 89 'P' 'N' 'G'); throws "<name>: cannot
// decode image: <why>" for anything else or a broken file.
DecodedImage decode_image(const uint8_t* data, size_t size, const std::string& name);
DecodedImage read_image(const std::string& path);

// Bilinear resize (half-pixel centres, as PIL and OpenCV do) to out_h x out_w,
// written as CHW planes with `channels` = 3 (RGB) or 1 (ITU-R 601 luma).
void resize_to_chw(const DecodedImage& img, int32_t channels, int32_t out_h, int32_t out_w, uint8_t* dst);

// Writers, for tests and tools: 8-bit RGB.
std::vector<uint8_t> encode_png(const DecodedImage& img);
std::vector<uint8_t> encode_jpeg(const DecodedImage& img, int quality = 95);

}  // namespace adma::data
