// oneDNN convolution (kernels/cpu_fast/dnnl_conv2d.h). The graph keeps activations in
// NCHW; oneDNN's fast kernels want blocked layouts (nChw16c on AVX-512, nChw8c on
// AVX2), so each call reorders its operands in and its result out, in the shared
// workspace. oneDNN's outputs overwrite; ours accumulate (dx +=, dw +=), so the
// gradients are computed into the workspace and reordered out with a sum post-op.
// The primitives, reorders, memory objects and argument maps are made once in the
// setup; a call only points the memory objects at this call's tensors
// (set_data_handle). oneDNN's scratchpad is the workspace too
// (scratchpad_mode::user): nothing is allocated per call.
//
// Algorithm. Each pass (forward, backward-data, backward-weights) takes Winograd
// F(4x4, 3x3) where oneDNN has it (3x3, stride 1, a CPU with AVX-512) and the layer
// has at least 16 input channels, else direct convolution. Winograd computes a 6x6
// input tile's 4x4 outputs with 36 multiplies per channel pair instead of 144 (4x
// fewer), at the price of the tile transforms; with one input channel (the first
// layer) the transforms dominate. Measured by build/bin/dnnl_conv_bench (batch 64,
// one thread, ms per call, direct -> Winograd): 32->32 at 28x28 forward 4.69 -> 2.50,
// backward-data 4.48 -> 2.72, backward-weights 4.55 -> 2.85; 128->128 at 7x7 forward
// 4.44 -> 2.96; 1->32 forward 0.23 -> 1.59, backward-weights 0.21 -> 1.31. The same
// run shows why ELU is not fused into the convolution as a oneDNN post-op: oneDNN's
// Winograd takes no ELU post-op, and direct + ELU post-op (32->32: 4.92) is slower
// than Winograd followed by adma's own ELU pass (2.88). Winograd rounds differently
// from direct summation (the transforms add and subtract partial products): against
// the reference kernels its nmse is 2-5e-13 where direct gives 2e-15-9e-14, both under
// the fast backend's 1e-11 bound (tests/test_cpu_fast.cpp, ConvolutionShapesMatchReference).
// ADMA_CPU_WINOGRAD=0 keeps every pass direct.
//
// Chunks of the batch. The primitives are made for 32 images (and one more set for a
// remainder) and each call runs them chunk by chunk: reorder in, convolve, reorder
// out, while the chunk's few MB are still in cache. Per image, oneDNN's Winograd
// slows down as the batch grows past 64 (dnnl_conv_bench, one thread, ms per 64
// images, batch 32 -> 256: 32->32 forward 2.64 -> 3.69, backward-weights 2.79 ->
// 5.86, where direct is 4.8 at any batch), and whole-batch reorders at batch 256
// stream 25 MB tensors from memory. The training step at batch 256, one thread, best
// of 5 interleaved runs (ADMA_CPU_CONV_CHUNK=32 vs 1000): 321 -> 280 ms, inference
// 75 -> 70 ms; at batch 64 72 -> 69 ms; chunks of 16 were no better than 32. The
// workspace holds one chunk's blocked operands. Backward-weights adds each chunk's
// filter gradient into dw (the reorder's sum post-op), so dw receives the sum over
// the batch.
#include "kernels/cpu_fast/dnnl_conv2d.h"

#include "core/backend_options.h"

#if defined(ADMA_WITH_DNNL)
#include <oneapi/dnnl/dnnl.hpp>

#include <algorithm>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#endif

namespace adma::kernels::cpu_fast {

#if defined(ADMA_WITH_DNNL)

namespace {
using dnnl::memory;
using Tag = memory::format_tag;
constexpr auto F32 = memory::data_type::f32;

size_t align64(size_t b) { return (b + 63) / 64 * 64; }

// Images per chunk of the batch (see the top of this file): 32, or ADMA_CPU_CONV_CHUNK=N
// to measure others (a number past the batch: whole batches).
int64_t chunk_images() { return backend_options().conv_chunk; }

// A user-facing tensor (plain layout) and the layout a primitive wants. When they
// differ, `inner` lives in the workspace at `offset` and `to`/`from` reorder.
struct Operand {
  memory plain, inner;
  bool reordered = false;
  size_t offset = 0;
  dnnl::reorder to, from;  // plain -> inner, inner -> plain (with sum when accumulating)
  std::unordered_map<int, memory> to_args, from_args;
};

// The three passes' primitives for a fixed number of images, with their operands.
struct Passes {
  int64_t images = 0;
  // forward: x, w, b -> y
  dnnl::convolution_forward fwd;
  Operand f_src, f_wei, f_dst;
  dnnl::memory f_bias, f_scratch;
  size_t f_scratch_at = 0, f_bytes = 0;
  std::unordered_map<int, dnnl::memory> f_args, d_args, w_args;  // execute() arguments, bound once
  // backward data: dy, w -> dx (+=)
  dnnl::convolution_backward_data bwd_data;
  Operand d_ddst, d_wei, d_dsrc;
  dnnl::memory d_scratch;
  size_t d_scratch_at = 0, d_bytes = 0;
  // backward weights: x, dy -> dw (+=)
  dnnl::convolution_backward_weights bwd_w;
  Operand w_src, w_ddst, w_dwei;
  dnnl::memory w_scratch;
  size_t w_scratch_at = 0, w_bytes = 0;
  std::string algorithms;  // "forward <impl>, backward-data <impl>, backward-weights <impl>"
};
}  // namespace

struct DnnlConv2dState {
  dnnl::engine eng{dnnl::engine::kind::cpu, 0};
  dnnl::stream strm{eng};
  int64_t n = 0;                    // images in the batch
  Passes full;                      // for chunks of full.images images
  std::optional<Passes> rest;       // for the last n % full.images, when that is not 0
  size_t x_image = 0, y_image = 0;  // bytes of one image of x (and dx), of y (and dy)
  size_t bytes = 0;                 // workspace every pass of every chunk fits in
  // The forward primitive always adds a bias; a layer without one (ResNet's convolutions,
  // each followed by batch norm) gets these K zeros, so it still runs on oneDNN. Adding
  // K zeros per output costs nothing next to the convolution; the own kernels it used to
  // fall back to were 3x slower on ResNet's layers.
  std::vector<float> zero_bias;
};

namespace {

// Sets up an operand whose plain side is `plain_md` and inner side `want`; takes
// workspace from `at` when a reorder is needed (or when `force_scratch`: outputs
// that must accumulate are always computed aside). `accumulate` adds on the way out.
void make_operand(const dnnl::engine& eng, Operand& op, const memory::desc& plain_md, const memory::desc& want, size_t& at,
                  bool is_input, bool force_scratch = false, bool accumulate = false) {
  op.plain = memory(plain_md, eng, DNNL_MEMORY_NONE);
  op.reordered = force_scratch || plain_md != want;
  if (!op.reordered) {
    op.inner = op.plain;
    return;
  }
  op.inner = memory(want, eng, DNNL_MEMORY_NONE);
  op.offset = at;
  at += align64(want.get_size());
  if (is_input) {
    op.to = dnnl::reorder(dnnl::reorder::primitive_desc(eng, plain_md, eng, want));
    op.to_args = {{DNNL_ARG_FROM, op.plain}, {DNNL_ARG_TO, op.inner}};
  } else {
    dnnl::primitive_attr attr;
    if (accumulate) {
      dnnl::post_ops po;
      po.append_sum(1.f);
      attr.set_post_ops(po);
    }
    op.from = dnnl::reorder(dnnl::reorder::primitive_desc(eng, want, eng, plain_md, attr));
    op.from_args = {{DNNL_ARG_FROM, op.inner}, {DNNL_ARG_TO, op.plain}};
  }
}

char* base(Tensor& ws) { return static_cast<char*>(ws.raw()); }

// Right padding: whatever makes oneDNN's output size ours. Negative where floor mode
// drops a border, which oneDNN cannot express.
memory::dims right_padding(const Conv2dGeometry& g) {
  return {(g.out_h() - 1) * g.stride_h + g.r - g.h - g.pad_h, (g.out_w() - 1) * g.stride_w + g.s - g.w - g.pad_w};
}

// Winograd F(4x4, 3x3) is oneDNN's for 3x3 filters at stride 1, and pays off from 16
// input channels on (measured: see the top of this file).
bool wants_winograd(const Conv2dGeometry& g) {
  if (!backend_options().winograd) return false;  // ADMA_CPU_WINOGRAD=0
  return g.r == 3 && g.s == 3 && g.stride_h == 1 && g.stride_w == 1 && g.c >= 16;
}

// Points an operand at this call's tensor and, for an input, reorders it in.
void bind_input(DnnlConv2dState& s, Operand& op, const void* data, Tensor& ws) {
  op.plain.set_data_handle(const_cast<void*>(data));
  if (!op.reordered) return;
  op.inner.set_data_handle(base(ws) + op.offset);
  op.to.execute(s.strm, op.to_args);
}
void bind_output(Operand& op, void* data, Tensor& ws) {
  op.plain.set_data_handle(data);
  if (op.reordered) op.inner.set_data_handle(base(ws) + op.offset);
}
void finish_output(DnnlConv2dState& s, Operand& op) {
  if (op.reordered) op.from.execute(s.strm, op.from_args);
}

void check_workspace(const Conv2dSetup& p, const Tensor& ws, size_t need) {
  ADMA_CHECK(ws.nbytes() >= need, "conv2d (oneDNN): workspace of ", ws.nbytes(), " bytes, need ", need,
             " (setup ", p.workspace_bytes, ")");
}

}  // namespace

bool dnnl_available() { return true; }

std::string dnnl_conv2d_algorithms(const Conv2dSetup& p) {
  return p.dnnl ? p.dnnl->full.algorithms : std::string();
}

std::string dnnl_version() {
  const dnnl_version_t* v = ::dnnl_version();
  return "oneDNN " + std::to_string(v->major) + "." + std::to_string(v->minor) + "." + std::to_string(v->patch);
}

namespace {

// The primitives and operands of the three passes for `images` images of geometry g.
// Throws dnnl::error where oneDNN has no implementation.
void make_passes(const dnnl::engine& eng, const Conv2dGeometry& g, int64_t images, Passes& P) {
  P.images = images;
  const memory::dims src{images, g.c, g.h, g.w}, wei{g.k, g.c, g.r, g.s}, bias{g.k},
      dst{images, g.k, g.out_h(), g.out_w()}, strides{g.stride_h, g.stride_w}, pad{g.pad_h, g.pad_w};
  const memory::dims pad_r = right_padding(g);
  auto any = [](const memory::dims& d) { return memory::desc(d, F32, Tag::any); };
  const memory::desc x_md(src, F32, Tag::nchw), w_md(wei, F32, Tag::oihw), b_md(bias, F32, Tag::x),
      y_md(dst, F32, Tag::nchw);
  dnnl::primitive_attr attr;
  attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
  const bool winograd = wants_winograd(g);
  // Each pass: Winograd when wanted and oneDNN has it here, else direct (see the top).
  auto pick = [&](auto make) {
    if (winograd) try {
        return make(dnnl::algorithm::convolution_winograd);
      } catch (const dnnl::error&) {
      }
    return make(dnnl::algorithm::convolution_direct);
  };
  // Forward (training: the backward primitives take it as their hint).
  auto fpd = pick([&](dnnl::algorithm algo) {
    return dnnl::convolution_forward::primitive_desc(
        dnnl::convolution_forward::desc(dnnl::prop_kind::forward_training, algo, any(src), any(wei), b_md, any(dst),
                                        strides, pad, pad_r),
        attr, eng);
  });
  size_t at = 0;
  make_operand(eng, P.f_src, x_md, fpd.src_desc(), at, true);
  make_operand(eng, P.f_wei, w_md, fpd.weights_desc(), at, true);
  make_operand(eng, P.f_dst, y_md, fpd.dst_desc(), at, false);
  P.f_bias = memory(b_md, eng, DNNL_MEMORY_NONE);
  P.f_scratch = memory(fpd.scratchpad_desc(), eng, DNNL_MEMORY_NONE);
  P.f_scratch_at = at;
  P.f_bytes = at + align64(fpd.scratchpad_desc().get_size());
  P.fwd = dnnl::convolution_forward(fpd);
  // Backward data: dx += conv_transpose(dy, w).
  auto dpd = pick([&](dnnl::algorithm algo) {
    return dnnl::convolution_backward_data::primitive_desc(
        dnnl::convolution_backward_data::desc(algo, any(src), any(wei), any(dst), strides, pad, pad_r), attr, eng,
        fpd);
  });
  at = 0;
  make_operand(eng, P.d_ddst, y_md, dpd.diff_dst_desc(), at, true);
  make_operand(eng, P.d_wei, w_md, dpd.weights_desc(), at, true);
  make_operand(eng, P.d_dsrc, x_md, dpd.diff_src_desc(), at, false, true, true);
  P.d_scratch = memory(dpd.scratchpad_desc(), eng, DNNL_MEMORY_NONE);
  P.d_scratch_at = at;
  P.d_bytes = at + align64(dpd.scratchpad_desc().get_size());
  P.bwd_data = dnnl::convolution_backward_data(dpd);
  // Backward weights: dw += sum_n dy x.
  auto wpd = pick([&](dnnl::algorithm algo) {
    return dnnl::convolution_backward_weights::primitive_desc(
        dnnl::convolution_backward_weights::desc(algo, any(src), any(wei), any(dst), strides, pad, pad_r), attr, eng,
        fpd);
  });
  at = 0;
  make_operand(eng, P.w_src, x_md, wpd.src_desc(), at, true);
  make_operand(eng, P.w_ddst, y_md, wpd.diff_dst_desc(), at, true);
  make_operand(eng, P.w_dwei, w_md, wpd.diff_weights_desc(), at, false, true, true);
  P.w_scratch = memory(wpd.scratchpad_desc(), eng, DNNL_MEMORY_NONE);
  P.w_scratch_at = at;
  P.w_bytes = at + align64(wpd.scratchpad_desc().get_size());
  P.bwd_w = dnnl::convolution_backward_weights(wpd);
  P.f_args = {{DNNL_ARG_SRC, P.f_src.inner},
              {DNNL_ARG_WEIGHTS, P.f_wei.inner},
              {DNNL_ARG_BIAS, P.f_bias},
              {DNNL_ARG_DST, P.f_dst.inner},
              {DNNL_ARG_SCRATCHPAD, P.f_scratch}};
  P.d_args = {{DNNL_ARG_DIFF_DST, P.d_ddst.inner},
              {DNNL_ARG_WEIGHTS, P.d_wei.inner},
              {DNNL_ARG_DIFF_SRC, P.d_dsrc.inner},
              {DNNL_ARG_SCRATCHPAD, P.d_scratch}};
  P.w_args = {{DNNL_ARG_SRC, P.w_src.inner},
              {DNNL_ARG_DIFF_DST, P.w_ddst.inner},
              {DNNL_ARG_DIFF_WEIGHTS, P.w_dwei.inner},
              {DNNL_ARG_SCRATCHPAD, P.w_scratch}};
  P.algorithms = std::string("forward ") + fpd.impl_info_str() + ", backward-data " + dpd.impl_info_str() +
                 ", backward-weights " + wpd.impl_info_str();
}

size_t bytes_needed(const Passes& P) { return std::max({P.f_bytes, P.d_bytes, P.w_bytes}); }

// Whether a tensor of these dimensions has at most 2^31 - 1 elements, without
// overflowing on the way.
bool fits_int32(std::initializer_list<int64_t> dims) {
  int64_t n = 1;
  for (int64_t d : dims) {
    if (d <= 0) return false;
    if (n > INT32_MAX / d) return false;
    n *= d;
  }
  return true;
}

// Calls f(passes, first image) for each chunk of the batch, in order.
template <typename F>
void for_each_chunk(DnnlConv2dState& s, F&& f) {
  int64_t at = 0;
  for (; at + s.full.images <= s.n; at += s.full.images) f(s.full, at);
  if (at < s.n) f(*s.rest, at);
}

}  // namespace

size_t dnnl_conv2d_setup(Conv2dSetup& p) {
  p.dnnl.reset();
  if (p.dtype != DType::F32) return 0;
  // ADMA_CPU_CONV=own keeps oneDNN out (to measure the two engines against each other).
  if (backend_options().conv == CpuConvEngine::Own) return 0;
  const auto& g = p.g;
  if (const memory::dims pad_r = right_padding(g); pad_r[0] < 0 || pad_r[1] < 0)
    return 0;  // a dropped border oneDNN cannot express: own kernels
  // oneDNN's JIT kernels index with 32-bit integers, and its Winograd setup divides by
  // sizes that overflow (a SIGFPE inside dnnl_primitive_create, seen with 65536
  // channels of 65536 x 65536): such layers go to the own kernels, whose memory plan
  // the graph then judges.
  const int64_t chunk = std::min<int64_t>(g.n, chunk_images());
  if (!fits_int32({chunk, g.c, g.h, g.w}) || !fits_int32({chunk, g.k, g.out_h(), g.out_w()}) ||
      !fits_int32({g.k, g.c, g.r, g.s}))
    return 0;
  try {
    auto s = std::make_shared<DnnlConv2dState>();
    s->n = g.n;
    s->zero_bias.assign(static_cast<size_t>(g.k), 0.f);
    s->x_image = static_cast<size_t>(g.c * g.h * g.w) * sizeof(float);
    s->y_image = static_cast<size_t>(g.k * g.out_h() * g.out_w()) * sizeof(float);
    make_passes(s->eng, g, chunk, s->full);
    s->bytes = bytes_needed(s->full);
    if (g.n % s->full.images != 0) {
      s->rest.emplace();
      make_passes(s->eng, g, g.n % s->full.images, *s->rest);
      s->bytes = std::max(s->bytes, bytes_needed(*s->rest));
    }
    const size_t need = s->bytes;
    p.dnnl = std::move(s);
    return need;
  } catch (const dnnl::error&) {
    return 0;  // oneDNN has no implementation for this case: the own kernels serve it
  }
}

// Each pass below walks the chunks; the weights are reordered in once per call (the
// first chunk of each set of primitives), not once per chunk.
void dnnl_conv2d_forward(const Conv2dSetup& p, const Tensor& x, const Tensor& w, const Tensor& b, Tensor& y,
                         Tensor& ws) {
  DnnlConv2dState& s = *p.dnnl;
  check_workspace(p, ws, s.bytes);
  void* bias = b.defined() ? const_cast<void*>(b.raw()) : static_cast<void*>(s.zero_bias.data());
  const char* px = static_cast<const char*>(x.raw());
  char* py = static_cast<char*>(y.raw());
  const Passes* weights_in = nullptr;
  for_each_chunk(s, [&](Passes& P, int64_t at) {
    bind_input(s, P.f_src, px + at * s.x_image, ws);
    if (weights_in != &P) bind_input(s, P.f_wei, w.raw(), ws);
    weights_in = &P;
    bind_output(P.f_dst, py + at * s.y_image, ws);
    P.f_scratch.set_data_handle(base(ws) + P.f_scratch_at);
    P.f_bias.set_data_handle(bias);
    P.fwd.execute(s.strm, P.f_args);
    finish_output(s, P.f_dst);
  });
  s.strm.wait();
}

void dnnl_conv2d_backward_data(const Conv2dSetup& p, const Tensor& w, const Tensor& dy, Tensor& dx, Tensor& ws) {
  DnnlConv2dState& s = *p.dnnl;
  check_workspace(p, ws, s.bytes);
  const char* pdy = static_cast<const char*>(dy.raw());
  char* pdx = static_cast<char*>(dx.raw());
  const Passes* weights_in = nullptr;
  for_each_chunk(s, [&](Passes& P, int64_t at) {
    bind_input(s, P.d_ddst, pdy + at * s.y_image, ws);
    if (weights_in != &P) bind_input(s, P.d_wei, w.raw(), ws);
    weights_in = &P;
    bind_output(P.d_dsrc, pdx + at * s.x_image, ws);
    P.d_scratch.set_data_handle(base(ws) + P.d_scratch_at);
    P.bwd_data.execute(s.strm, P.d_args);
    finish_output(s, P.d_dsrc);
  });
  s.strm.wait();
}

void dnnl_conv2d_backward_filter(const Conv2dSetup& p, const Tensor& x, const Tensor& dy, Tensor& dw, Tensor& ws) {
  DnnlConv2dState& s = *p.dnnl;
  check_workspace(p, ws, s.bytes);
  const char *px = static_cast<const char*>(x.raw()), *pdy = static_cast<const char*>(dy.raw());
  for_each_chunk(s, [&](Passes& P, int64_t at) {
    bind_input(s, P.w_src, px + at * s.x_image, ws);
    bind_input(s, P.w_ddst, pdy + at * s.y_image, ws);
    bind_output(P.w_dwei, dw.raw(), ws);  // each chunk's sum over its images is added into dw
    P.w_scratch.set_data_handle(base(ws) + P.w_scratch_at);
    P.bwd_w.execute(s.strm, P.w_args);
    finish_output(s, P.w_dwei);
  });
  s.strm.wait();
}

#else  // built without oneDNN: no setup is ever given oneDNN state, so the calls below never run.

struct DnnlConv2dState {};

bool dnnl_available() { return false; }
std::string dnnl_conv2d_algorithms(const Conv2dSetup&) { return std::string(); }
std::string dnnl_version() { return "not built (install libdnnl-dev and reconfigure)"; }
size_t dnnl_conv2d_setup(Conv2dSetup& p) {
  p.dnnl.reset();
  return 0;
}
void dnnl_conv2d_forward(const Conv2dSetup&, const Tensor&, const Tensor&, const Tensor&, Tensor&, Tensor&) {
  ADMA_THROW("conv2d: adma was built without oneDNN");
}
void dnnl_conv2d_backward_data(const Conv2dSetup&, const Tensor&, const Tensor&, Tensor&, Tensor&) {
  ADMA_THROW("conv2d: adma was built without oneDNN");
}
void dnnl_conv2d_backward_filter(const Conv2dSetup&, const Tensor&, const Tensor&, Tensor&, Tensor&) {
  ADMA_THROW("conv2d: adma was built without oneDNN");
}

#endif

}  // namespace adma::kernels::cpu_fast
