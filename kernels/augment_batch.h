// Fused batch assembly: gather rows of a uint8 dataset through an epoch
// permutation, augment each image as Keras' ImageDataGenerator does, and
// z-score it straight into the graph's float input (plus the int32 labels).
//
// Per example (drawn from Philox keyed by (seed, epoch), counter = example index,
// so the CPU and a CUDA kernel draw the same values):
//   theta  ~ U[-rotation, rotation) degrees
//   s_col  ~ U[-height_shift, height_shift) * H   (Keras' tx and ty: drawn from the
//   s_row  ~ U[-width_shift,  width_shift)  * W    height and width ranges, which
//                                                  the axis swap below turns onto
//                                                  columns and rows respectively)
//   flip   =  u < 0.5 when horizontal_flip
// keras_preprocessing.apply_affine_transform builds T = O R S O^-1 in (x, y),
// swaps the two axes for channels-last arrays and hands the result to
// scipy.ndimage.affine_transform(order=1), which maps each OUTPUT pixel (r, c)
// back to an input position (inverse mapping). Written out, with
// (c_r, c_c) = ((W - 1)/2, (H - 1)/2) (Keras' centre, axes swapped with the
// matrix -- the same point for the square images it is used on here):
//   in_r =  cos(theta) (r - c_r + s_row) + sin(theta) (c' - c_c + s_col) + c_r
//   in_c = -sin(theta) (r - c_r + s_row) + cos(theta) (c' - c_c + s_col) + c_c
// where c' = W - 1 - c when flipped (Keras flips after the affine), else c.
// The value is bilinear in the four neighbours of (in_r, in_c); positions
// outside the image follow fill_mode:
//   nearest  (aaaa|abcd|dddd)  the coordinate is clamped to [0, n-1]
//   constant (kkkk|abcd|kkkk)  outside [0, n-1] on either axis gives `cval`
//   reflect  (dcba|abcd|dcba)  each neighbour index reflects about the edge
//   wrap     scipy's 'wrap': the coordinate repeats with period n - 1
// Then  x = (value - mean) / std;  constant-filled pixels are `cval` as is
// (cval is in normalised units: 0 is the dataset mean). Rows past the end of
// the split (the padded last batch) get a zero image and label -1.
//
// The model's input may differ from the images (a ResNet on MNIST: models/registry.h):
//   - out_channels = 3 from grey images repeats the one channel (torchvision's
//     Grayscale(num_output_channels=3)); otherwise the channels must be the images';
//   - out_height x out_width resizes each image first, bilinearly with half-pixel
//     centres, as torch.nn.functional.interpolate(mode='bilinear', align_corners=False,
//     antialias=False) and torchvision's tensor Resize without antialiasing:
//       resized(y, x) = bilinear(image, sy, sx),  sy = max((y + 0.5) H / out_height - 0.5, 0)
//     (sx alike; the upper neighbour clamped to the last row/column), and then augments
//     the resized image exactly as above, with H, W the output size (the shifts are
//     fractions of it, the centre is its centre, out-of-image points follow fill_mode on
//     it): "resize, then augment", as a torchvision pipeline Resize -> RandomAffine;
//   - norm_channels > 0 normalises each output channel c with its own
//     (value - channel_mean[c]) * channel_inv_std[c], in pixel units (ImageNet's mean
//     and std times 255 for torchvision's pretrained weights: data/normalization.h).
// Without them (all 0) the kernel is the one above, value for value.
#pragma once
#include <cmath>
#include <cstdint>

#include "core/labels.h"
#include "core/rng.h"
#include "core/tensor.h"
#include "kernels/dispatch.h"

namespace adma::kernels {

enum class FillMode : int32_t { Nearest, Constant, Reflect, Wrap };
const char* fill_mode_name(FillMode m);

// ImageDataGenerator's arguments that adma supports (shifts as fractions of the size).
struct AugmentSpec {
  float rotation = 0.0f;      // degrees
  float width_shift = 0.0f;   // fraction of the width, in [0, 1)
  float height_shift = 0.0f;  // fraction of the height, in [0, 1)
  bool horizontal_flip = false;
  FillMode fill = FillMode::Nearest;
  float cval = 0.0f;  // FillMode::Constant, normalised units
  ADMA_HD bool any() const { return rotation != 0.0f || width_shift != 0.0f || height_shift != 0.0f || horizontal_flip; }
};
// Throws naming the bad value (negative rotation, a shift outside [0, 1)).
void check_augment_spec(const AugmentSpec& s);

// One image's draw.
struct AugmentParams {
  float theta = 0.0f;  // degrees
  float shift_row = 0.0f, shift_col = 0.0f;  // pixels
  int32_t flip = 0;
};

// Everything one batch needs; the pointers live on the kernel's device.
struct BatchGather {
  const uint8_t* images = nullptr;  // [examples, C, H, W]
  const int32_t* labels = nullptr;  // [examples]
  const int32_t* order = nullptr;   // the epoch's permutation, [examples]
  const AugmentParams* params = nullptr;  // optional: row r uses params[r] instead of drawing
  int64_t examples = 0;
  int64_t first = 0;  // position in `order` of row 0
  int32_t rows = 0;   // batch size B (rows past the split's end are padding)
  int32_t channels = 0, height = 0, width = 0;
  AugmentSpec spec;
  uint64_t key = 0;  // augment_key(seed, epoch)
  float mean = 0.0f, inv_std = 1.0f;
  // The model's input, when it differs from the images (0: as the images; see the top).
  int32_t out_channels = 0, out_height = 0, out_width = 0;
  // Per output channel normalisation (norm_channels = the output channels), else mean/inv_std.
  static constexpr int kMaxNormChannels = 4;
  int32_t norm_channels = 0;
  float channel_mean[kMaxNormChannels] = {0.0f, 0.0f, 0.0f, 0.0f};
  float channel_inv_std[kMaxNormChannels] = {1.0f, 1.0f, 1.0f, 1.0f};
};

// The batch's image size as the model sees it.
ADMA_HD inline int32_t out_channels(const BatchGather& g) { return g.out_channels > 0 ? g.out_channels : g.channels; }
ADMA_HD inline int32_t out_height(const BatchGather& g) { return g.out_height > 0 ? g.out_height : g.height; }
ADMA_HD inline int32_t out_width(const BatchGather& g) { return g.out_width > 0 ? g.out_width : g.width; }
ADMA_HD inline bool resizes(const BatchGather& g) { return out_height(g) != g.height || out_width(g) != g.width; }

// ---- the math, shared by both backends ----------------------------------------

// splitmix64 finaliser: one well-mixed 64-bit key per (seed, epoch, stream).
ADMA_HD inline uint64_t mix_key(uint64_t seed, uint64_t epoch, uint64_t stream) {
  uint64_t z = seed ^ (epoch * 0x9E3779B97F4A7C15ull) ^ (stream * 0xD1B54A32D192ED03ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}
ADMA_HD inline uint64_t augment_key(uint64_t seed, int64_t epoch) { return mix_key(seed, static_cast<uint64_t>(epoch), 1); }
ADMA_HD inline uint64_t order_key(uint64_t seed, int64_t epoch) { return mix_key(seed, static_cast<uint64_t>(epoch), 2); }

// U[-a, a) from 32 bits (uint_to_unit gives (0, 1]; 1 - u is in [0, 1)).
ADMA_HD inline float symmetric_uniform(uint32_t bits, float a) { return a * (2.0f * (1.0f - uint_to_unit(bits)) - 1.0f); }

ADMA_HD inline AugmentParams augment_draw(const AugmentSpec& s, uint64_t key, int64_t example, int32_t h, int32_t w) {
  const Philox4 r = philox(key, static_cast<uint64_t>(example));
  AugmentParams p;
  p.theta = s.rotation != 0.0f ? symmetric_uniform(r.v[0], s.rotation) : 0.0f;
  p.shift_col = s.height_shift != 0.0f ? symmetric_uniform(r.v[1], s.height_shift) * static_cast<float>(h) : 0.0f;
  p.shift_row = s.width_shift != 0.0f ? symmetric_uniform(r.v[2], s.width_shift) * static_cast<float>(w) : 0.0f;
  p.flip = s.horizontal_flip && (1.0f - uint_to_unit(r.v[3])) < 0.5f;
  return p;
}

// The inverse map of one image: in = A (out - centre + shift) + centre.
struct AffineMap {
  float a00, a01, a10, a11;  // [[cos, sin], [-sin, cos]]
  float cr, cc;              // centre (row, col)
  float sr, sc;              // shift (row, col)
  int32_t flip, width;
};
ADMA_HD inline AffineMap affine_map(const AugmentParams& p, int32_t h, int32_t w) {
  // cos and sin in double, then rounded: the CPU and the GPU get the same floats
  // (float sinf differs by an ulp between glibc and CUDA).
  const double rad = static_cast<double>(p.theta) * 0.017453292519943295;
  const float c = p.theta != 0.0f ? static_cast<float>(cos(rad)) : 1.0f;
  const float s = p.theta != 0.0f ? static_cast<float>(sin(rad)) : 0.0f;
  return {c, s, -s, c, 0.5f * static_cast<float>(w - 1), 0.5f * static_cast<float>(h - 1), p.shift_row, p.shift_col,
          p.flip, w};
}

// Half-sample symmetric reflection of an index into [0, n).
ADMA_HD inline int32_t reflect_index(int32_t i, int32_t n) {
  const int32_t period = 2 * n;
  i %= period;
  if (i < 0) i += period;
  return i < n ? i : period - 1 - i;
}

// scipy 'wrap' for a continuous coordinate: period n - 1 (the edges coincide).
ADMA_HD inline float wrap_coord(float v, int32_t n) {
  if (n <= 1) return 0.0f;
  const float period = static_cast<float>(n - 1);
  if (v >= 0.0f && v <= period) return v;
  return v - period * floorf(v / period);
}

// Reads pixel (y, x) of a plane: the image's own uint8 values ...
struct PlanePixels {
  const uint8_t* plane;
  int32_t w;
  ADMA_HD float operator()(int32_t y, int32_t x) const { return plane[y * w + x]; }
};

// ... or the image resized to oh x ow (bilinear, half-pixel centres, as PyTorch's
// interpolate with align_corners=False): pixel (y, x) of the resized plane.
struct ResizedPixels {
  const uint8_t* plane;
  int32_t h, w;            // the image
  float scale_y, scale_x;  // h / oh, w / ow
  ADMA_HD float operator()(int32_t y, int32_t x) const {
    const float sy = fmaxf((static_cast<float>(y) + 0.5f) * scale_y - 0.5f, 0.0f);
    const float sx = fmaxf((static_cast<float>(x) + 0.5f) * scale_x - 0.5f, 0.0f);
    int32_t y0 = static_cast<int32_t>(sy), x0 = static_cast<int32_t>(sx);  // sy, sx >= 0: truncation is floor
    y0 = y0 < h - 1 ? y0 : h - 1;
    x0 = x0 < w - 1 ? x0 : w - 1;
    const int32_t y1 = y0 + 1 < h ? y0 + 1 : h - 1, x1 = x0 + 1 < w ? x0 + 1 : w - 1;
    const float dy = sy - static_cast<float>(y0), dx = sx - static_cast<float>(x0);
    const float v00 = plane[y0 * w + x0], v01 = plane[y0 * w + x1];
    const float v10 = plane[y1 * w + x0], v11 = plane[y1 * w + x1];
    return (1.0f - dy) * ((1.0f - dx) * v00 + dx * v01) + dy * ((1.0f - dx) * v10 + dx * v11);
  }
};

// Bilinear sample at (y, x) of an h x w plane that `pixel` reads, under `mode`; false when the
// point is outside and mode is constant (the caller writes cval).
template <typename Pixels>
ADMA_HD inline bool sample_plane(const Pixels& pixel, int32_t h, int32_t w, float y, float x, FillMode mode,
                                 float* out) {
  constexpr float kTol = 1e-4f;  // a 90-degree turn in float lands 1e-7 off the edge
  if (mode == FillMode::Constant) {
    if (y < -kTol || x < -kTol || y > static_cast<float>(h - 1) + kTol || x > static_cast<float>(w - 1) + kTol)
      return false;
  }
  if (mode == FillMode::Nearest || mode == FillMode::Constant) {
    y = fminf(fmaxf(y, 0.0f), static_cast<float>(h - 1));
    x = fminf(fmaxf(x, 0.0f), static_cast<float>(w - 1));
  } else if (mode == FillMode::Wrap) {
    y = wrap_coord(y, h);
    x = wrap_coord(x, w);
  }
  const float fy0 = floorf(y), fx0 = floorf(x);
  const float dy = y - fy0, dx = x - fx0;
  int32_t y0 = static_cast<int32_t>(fy0), x0 = static_cast<int32_t>(fx0), y1 = y0 + 1, x1 = x0 + 1;
  if (mode == FillMode::Reflect) {
    y0 = reflect_index(y0, h);
    y1 = reflect_index(y1, h);
    x0 = reflect_index(x0, w);
    x1 = reflect_index(x1, w);
  } else {  // the coordinate is inside [0, n-1]: only the upper neighbour can fall off (with weight 0)
    y1 = y1 < h ? y1 : h - 1;
    x1 = x1 < w ? x1 : w - 1;
    y0 = y0 < h ? y0 : h - 1;
    x0 = x0 < w ? x0 : w - 1;
  }
  const float v00 = pixel(y0, x0), v01 = pixel(y0, x1);
  const float v10 = pixel(y1, x0), v11 = pixel(y1, x1);
  *out = (1.0f - dy) * ((1.0f - dx) * v00 + dx * v01) + dy * ((1.0f - dx) * v10 + dx * v11);
  return true;
}

// Output pixel (r, c) of an h x w plane that `pixel` reads, under map m.
template <typename Pixels>
ADMA_HD inline bool augment_pixel(const Pixels& pixel, int32_t h, int32_t w, const AffineMap& m, int32_t r, int32_t c,
                                  FillMode mode, float* out) {
  const float cx = static_cast<float>(m.flip ? w - 1 - c : c);
  const float dr = static_cast<float>(r) - m.cr + m.sr, dc = cx - m.cc + m.sc;
  const float in_r = m.a00 * dr + m.a01 * dc + m.cr;
  const float in_c = m.a10 * dr + m.a11 * dc + m.cc;
  return sample_plane(pixel, h, w, in_r, in_c, mode, out);
}

// What one batch row reads: its source image and inverse map (or nothing, for padding).
struct BatchRow {
  const uint8_t* image = nullptr;  // null: a padded row
  AffineMap map;
  bool augment = false;
};

ADMA_HD inline BatchRow batch_row(const BatchGather& g, int64_t row) {
  BatchRow b;
  const int64_t pos = g.first + row;
  if (pos >= g.examples) return b;
  const int64_t ex = g.order[pos];
  b.image = g.images + ex * (static_cast<int64_t>(g.channels) * g.height * g.width);
  b.augment = g.params != nullptr || g.spec.any();
  if (b.augment) {  // in the output's geometry: resize, then augment
    const int32_t h = out_height(g), w = out_width(g);
    const AugmentParams p = g.params ? g.params[row] : augment_draw(g.spec, g.key, ex, h, w);
    b.map = affine_map(p, h, w);
  }
  return b;
}

// Output value (channel ch, pixel r, c) of a row: sample (resized), then normalise.
ADMA_HD inline float batch_value(const BatchGather& g, const BatchRow& b, int32_t ch, int32_t r, int32_t c) {
  if (b.image == nullptr) return 0.0f;
  const int32_t src_ch = g.channels == 1 ? 0 : ch;  // grey repeated to every output channel
  const uint8_t* src = b.image + static_cast<int64_t>(src_ch) * g.height * g.width;
  float v;
  if (!resizes(g)) {
    if (!b.augment) {
      v = src[r * g.width + c];
    } else if (!augment_pixel(PlanePixels{src, g.width}, g.height, g.width, b.map, r, c, g.spec.fill, &v)) {
      return g.spec.cval;
    }
  } else {
    const int32_t oh = out_height(g), ow = out_width(g);
    const ResizedPixels resized{src, g.height, g.width, static_cast<float>(g.height) / static_cast<float>(oh),
                                static_cast<float>(g.width) / static_cast<float>(ow)};
    if (!b.augment) {
      v = resized(r, c);
    } else if (!augment_pixel(resized, oh, ow, b.map, r, c, g.spec.fill, &v)) {
      return g.spec.cval;
    }
  }
  if (g.norm_channels > 0) return (v - g.channel_mean[ch]) * g.channel_inv_std[ch];
  return (v - g.mean) * g.inv_std;
}

// Element `e` of the batch ([rows, C', H', W'] flattened, the output's size): the whole
// fused op for one output value, as a CUDA thread computes it. The CPU loop computes
// batch_row once per row and batch_value per element: the same arithmetic.
ADMA_HD inline float batch_element(const BatchGather& g, int64_t e) {
  const int32_t w = out_width(g);
  const int64_t plane = static_cast<int64_t>(out_height(g)) * w, image = plane * out_channels(g);
  const int64_t row = e / image, rem = e - row * image;
  const int32_t ch = static_cast<int32_t>(rem / plane);
  const int32_t pix = static_cast<int32_t>(rem - ch * plane);
  const int32_t r = pix / w;
  return batch_value(g, batch_row(g, row), ch, r, pix - r * w);
}

ADMA_HD inline int32_t batch_label(const BatchGather& g, int64_t row) {
  const int64_t pos = g.first + row;
  return pos < g.examples ? g.labels[g.order[pos]] : kIgnoreLabel;
}

// ---- the two backends ----------------------------------------------------------
namespace cpu {
void augment_batch(Context& ctx, const BatchGather& g, Tensor& x, Tensor& labels);
void upload_bytes(Context& ctx, const void* host, size_t bytes, void* dst);
}  // namespace cpu
namespace cpu_fast {  // the reference serves (one pass over the batch, memory-bound)
using cpu::augment_batch;
using cpu::upload_bytes;
}  // namespace cpu_fast
namespace cuda {
void augment_batch(Context& ctx, const BatchGather& g, Tensor& x, Tensor& labels);
void upload_bytes(Context& ctx, const void* host, size_t bytes, void* dst);
}  // namespace cuda

// The output size and normalisation of `g` are consistent (throws naming what is not).
void check_batch_output(const BatchGather& g);

// Writes batch `g` into x ([rows, C', H', W'] float32, the output's size) and labels ([rows] int32).
// CUDA: one kernel, queued on the context's stream; nothing waits.
inline void augment_batch(Context& ctx, const BatchGather& g, Tensor& x, Tensor& labels) {
  check_batch_output(g);
  const int32_t c = out_channels(g), h = out_height(g), w = out_width(g);
  ADMA_CHECK(x.dtype() == DType::F32 && x.shape() == (Shape{g.rows, c, h, w}), "augment_batch: input tensor is ",
             x.shape().str(), " ", dtype_name(x.dtype()), ", the batch is [", g.rows, ", ", c, ", ", h, ", ", w,
             "] float32");
  ADMA_CHECK(labels.dtype() == DType::I32 && labels.shape() == (Shape{g.rows}), "augment_batch: label tensor is ",
             labels.shape().str(), " ", dtype_name(labels.dtype()), ", the batch needs [", g.rows, "] int32");
  ADMA_CHECK(x.device() == ctx.device && labels.device() == ctx.device, "augment_batch: tensors on ",
             x.device().str(), "/", labels.device().str(), ", context on ", ctx.device.str());
  ADMA_DISPATCH(ctx, augment_batch, ctx, g, x, labels);
}
// Copies host bytes to `dst` on the context's device (CUDA: stream-ordered,
// cudaMemcpyAsync; the host buffer may be reused as soon as it returns).
inline void upload_bytes(Context& ctx, const void* host, size_t bytes, void* dst) {
  ADMA_DISPATCH(ctx, upload_bytes, ctx, host, bytes, dst);
}

}  // namespace adma::kernels
