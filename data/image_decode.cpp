// libjpeg with an error manager that longjmps back (its default exits the
// process), libpng through its simplified png_image API (no longjmp needed).
#include "data/image_decode.h"

#include <png.h>
// clang-format off
#include <cstdio>
#include <jpeglib.h>
#include <jerror.h>
// clang-format on
#include <algorithm>
#include <cmath>
#include <csetjmp>
#include <cstring>

#include "core/error.h"
#include "data/file_bytes.h"

namespace adma::data {

namespace {

constexpr int64_t kMaxPixels = int64_t{1} << 28;  // 268 M pixels: far above any dataset image

// A header's size must be backed by data: no real JPEG or PNG inflates more
// than 4096-fold (PNG's deflate tops out near 1032:1), so a 100-byte file
// claiming 60000 x 60000 pixels is refused before anything is allocated.
bool plausible(int64_t width, int64_t height, size_t file_bytes) {
  const int64_t pixels = width * height;
  return pixels > 0 && pixels <= kMaxPixels &&
         pixels * 3 <= std::max<int64_t>(int64_t{64} << 20, static_cast<int64_t>(file_bytes) * 4096);
}

struct JpegError {
  jpeg_error_mgr mgr;
  jmp_buf jump;
  char message[JMSG_LENGTH_MAX];
};

void jpeg_error_exit(j_common_ptr cinfo) {
  JpegError* err = reinterpret_cast<JpegError*>(cinfo->err);
  (*cinfo->err->format_message)(cinfo, err->message);
  std::longjmp(err->jump, 1);
}
// A premature end of the data is an error here, as in PIL ("image file is
// truncated"): a cut-off photo must not train as a grey smear. Other corrupt-data
// warnings (extraneous bytes before a marker, common in scraped photos) pass, as in PIL.
void jpeg_warning(j_common_ptr cinfo, int level) {
  if (level == -1 && cinfo->err->msg_code == JWRN_JPEG_EOF) jpeg_error_exit(cinfo);
}

DecodedImage decode_jpeg(const uint8_t* data, size_t size, const std::string& name) {
  jpeg_decompress_struct cinfo;
  JpegError err;
  std::memset(&cinfo, 0, sizeof cinfo);
  cinfo.err = jpeg_std_error(&err.mgr);
  err.mgr.error_exit = jpeg_error_exit;
  err.mgr.emit_message = jpeg_warning;
  err.message[0] = 0;
  DecodedImage img;
  std::vector<uint8_t>* rgb = &img.rgb;
  if (setjmp(err.jump)) {
    jpeg_destroy_decompress(&cinfo);
    ADMA_THROW(name, ": cannot decode image: ", err.message);
  }
  jpeg_create_decompress(&cinfo);
  jpeg_mem_src(&cinfo, const_cast<unsigned char*>(data), static_cast<unsigned long>(size));
  jpeg_read_header(&cinfo, TRUE);
  if (!plausible(cinfo.image_width, cinfo.image_height, size)) {  // before libjpeg sizes its buffers from it
    jpeg_destroy_decompress(&cinfo);
    ADMA_THROW(name, ": cannot decode image: ", cinfo.image_width, "x", cinfo.image_height, " pixels is more than ",
               size, " bytes can hold");
  }
  cinfo.out_color_space = JCS_RGB;
  jpeg_start_decompress(&cinfo);
  if (cinfo.output_components != 3) {
    jpeg_destroy_decompress(&cinfo);
    ADMA_THROW(name, ": cannot decode image: ", cinfo.output_width, "x", cinfo.output_height, "x",
               cinfo.output_components, " is not a supported size for ", size, " bytes");
  }
  img.height = static_cast<int32_t>(cinfo.output_height);
  img.width = static_cast<int32_t>(cinfo.output_width);
  rgb->resize(static_cast<size_t>(img.height) * img.width * 3);
  while (cinfo.output_scanline < cinfo.output_height) {
    JSAMPROW row = rgb->data() + static_cast<size_t>(cinfo.output_scanline) * img.width * 3;
    jpeg_read_scanlines(&cinfo, &row, 1);
  }
  jpeg_finish_decompress(&cinfo);
  jpeg_destroy_decompress(&cinfo);
  return img;
}

DecodedImage decode_png(const uint8_t* data, size_t size, const std::string& name) {
  png_image image;
  std::memset(&image, 0, sizeof image);
  image.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_memory(&image, data, size))
    ADMA_THROW(name, ": cannot decode image: ", image.message);
  if (!plausible(image.width, image.height, size)) {
    png_image_free(&image);
    ADMA_THROW(name, ": cannot decode image: ", image.width, "x", image.height, " pixels is more than ", size,
               " bytes can hold");
  }
  image.format = PNG_FORMAT_RGB;
  DecodedImage img;
  img.height = static_cast<int32_t>(image.height);
  img.width = static_cast<int32_t>(image.width);
  img.rgb.resize(PNG_IMAGE_SIZE(image));
  if (!png_image_finish_read(&image, nullptr, img.rgb.data(), 0, nullptr)) {
    const std::string why = image.message;
    png_image_free(&image);
    ADMA_THROW(name, ": cannot decode image: ", why);
  }
  return img;
}

}  // namespace

DecodedImage decode_image(const uint8_t* data, size_t size, const std::string& name) {
  if (size >= 3 && data[0] == 0xff && data[1] == 0xd8 && data[2] == 0xff) return decode_jpeg(data, size, name);
  if (size >= 8 && std::memcmp(data, "\x89PNG\r\n\x1a\n", 8) == 0) return decode_png(data, size, name);
  ADMA_THROW(name, ": cannot decode image: neither JPEG nor PNG (", size, " bytes)");
}

DecodedImage read_image(const std::string& path) {
  std::vector<uint8_t> bytes = read_file(path);
  return decode_image(bytes.data(), bytes.size(), path);
}

void resize_to_chw(const DecodedImage& img, int32_t channels, int32_t out_h, int32_t out_w, uint8_t* dst) {
  ADMA_CHECK(channels == 1 || channels == 3, "resize_to_chw: ", channels, " channels (1 or 3)");
  const float sy = static_cast<float>(img.height) / out_h, sx = static_cast<float>(img.width) / out_w;
  const size_t plane = static_cast<size_t>(out_h) * out_w;
  for (int32_t r = 0; r < out_h; ++r) {
    const float y = std::clamp((r + 0.5f) * sy - 0.5f, 0.0f, static_cast<float>(img.height - 1));
    const int32_t y0 = static_cast<int32_t>(y), y1 = std::min(y0 + 1, img.height - 1);
    const float dy = y - y0;
    for (int32_t c = 0; c < out_w; ++c) {
      const float x = std::clamp((c + 0.5f) * sx - 0.5f, 0.0f, static_cast<float>(img.width - 1));
      const int32_t x0 = static_cast<int32_t>(x), x1 = std::min(x0 + 1, img.width - 1);
      const float dx = x - x0;
      float v[3];
      for (int k = 0; k < 3; ++k) {
        auto at = [&](int32_t yy, int32_t xx) { return static_cast<float>(img.rgb[(static_cast<size_t>(yy) * img.width + xx) * 3 + k]); };
        v[k] = (1 - dy) * ((1 - dx) * at(y0, x0) + dx * at(y0, x1)) + dy * ((1 - dx) * at(y1, x0) + dx * at(y1, x1));
      }
      const size_t o = static_cast<size_t>(r) * out_w + c;
      if (channels == 3) {
        for (int k = 0; k < 3; ++k) dst[k * plane + o] = static_cast<uint8_t>(std::lround(std::clamp(v[k], 0.0f, 255.0f)));
      } else {
        const float luma = 0.299f * v[0] + 0.587f * v[1] + 0.114f * v[2];
        dst[o] = static_cast<uint8_t>(std::lround(std::clamp(luma, 0.0f, 255.0f)));
      }
    }
  }
}

std::vector<uint8_t> encode_png(const DecodedImage& img) {
  png_image image;
  std::memset(&image, 0, sizeof image);
  image.version = PNG_IMAGE_VERSION;
  image.width = static_cast<png_uint_32>(img.width);
  image.height = static_cast<png_uint_32>(img.height);
  image.format = PNG_FORMAT_RGB;
  png_alloc_size_t bytes = 0;
  ADMA_CHECK(png_image_write_to_memory(&image, nullptr, &bytes, 0, img.rgb.data(), 0, nullptr), "encode_png: ",
             image.message);
  std::vector<uint8_t> out(bytes);
  ADMA_CHECK(png_image_write_to_memory(&image, out.data(), &bytes, 0, img.rgb.data(), 0, nullptr), "encode_png: ",
             image.message);
  out.resize(bytes);
  return out;
}

std::vector<uint8_t> encode_jpeg(const DecodedImage& img, int quality) {
  jpeg_compress_struct cinfo;
  jpeg_error_mgr jerr;
  cinfo.err = jpeg_std_error(&jerr);
  jpeg_create_compress(&cinfo);
  unsigned char* buf = nullptr;
  unsigned long size = 0;
  jpeg_mem_dest(&cinfo, &buf, &size);
  cinfo.image_width = static_cast<JDIMENSION>(img.width);
  cinfo.image_height = static_cast<JDIMENSION>(img.height);
  cinfo.input_components = 3;
  cinfo.in_color_space = JCS_RGB;
  jpeg_set_defaults(&cinfo);
  jpeg_set_quality(&cinfo, quality, TRUE);
  jpeg_start_compress(&cinfo, TRUE);
  while (cinfo.next_scanline < cinfo.image_height) {
    JSAMPROW row = const_cast<uint8_t*>(img.rgb.data()) + static_cast<size_t>(cinfo.next_scanline) * img.width * 3;
    jpeg_write_scanlines(&cinfo, &row, 1);
  }
  jpeg_finish_compress(&cinfo);
  std::vector<uint8_t> out(buf, buf + size);
  std::free(buf);
  jpeg_destroy_compress(&cinfo);
  return out;
}

}  // namespace adma::data
