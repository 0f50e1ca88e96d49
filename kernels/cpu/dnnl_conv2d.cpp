// oneDNN convolution (kernels/cpu/dnnl_conv2d.h). The graph keeps activations in
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
// the fast path's 1e-11 bound (tests/test_cpu_fast.cpp, ConvolutionShapesMatchReference).
// ADMA_CPU_WINOGRAD=0 keeps every pass direct.
#include "kernels/cpu/dnnl_conv2d.h"

#if defined(ADMA_WITH_DNNL)
#include <oneapi/dnnl/dnnl.hpp>

#include <algorithm>
#include <cstdlib>
#include <string>
#include <unordered_map>

#endif

namespace adma::kernels::cpu {

#if defined(ADMA_WITH_DNNL)

namespace {
using dnnl::memory;
using Tag = memory::format_tag;
constexpr auto F32 = memory::data_type::f32;

size_t align64(size_t b) { return (b + 63) / 64 * 64; }

// A user-facing tensor (plain layout) and the layout a primitive wants. When they
// differ, `inner` lives in the workspace at `offset` and `to`/`from` reorder.
struct Operand {
  memory plain, inner;
  bool reordered = false;
  size_t offset = 0;
  dnnl::reorder to, from;  // plain -> inner, inner -> plain (with sum when accumulating)
  std::unordered_map<int, memory> to_args, from_args;
};

}  // namespace

struct DnnlConv2dState {
  dnnl::engine eng{dnnl::engine::kind::cpu, 0};
  dnnl::stream strm{eng};
  // forward: x, w, b -> y
  dnnl::convolution_forward fwd;
  Operand f_src, f_wei, f_dst;
  memory f_bias, f_scratch;
  size_t f_scratch_at = 0, f_bytes = 0;
  std::unordered_map<int, memory> f_args, d_args, w_args;  // execute() arguments, bound once
  // backward data: dy, w -> dx (+=)
  dnnl::convolution_backward_data bwd_data;
  Operand d_ddst, d_wei, d_dsrc;
  memory d_scratch;
  size_t d_scratch_at = 0, d_bytes = 0;
  // backward weights: x, dy -> dw (+=)
  dnnl::convolution_backward_weights bwd_w;
  Operand w_src, w_ddst, w_dwei;
  memory w_scratch;
  size_t w_scratch_at = 0, w_bytes = 0;
  std::string algorithms;  // "forward <impl>, backward-data <impl>, backward-weights <impl>"
};

namespace {

// Sets up an operand whose plain side is `plain_md` and inner side `want`; takes
// workspace from `at` when a reorder is needed (or when `force_scratch`: outputs
// that must accumulate are always computed aside). `accumulate` adds on the way out.
void make_operand(DnnlConv2dState& s, Operand& op, const memory::desc& plain_md, const memory::desc& want, size_t& at,
                  bool is_input, bool force_scratch = false, bool accumulate = false) {
  op.plain = memory(plain_md, s.eng, DNNL_MEMORY_NONE);
  op.reordered = force_scratch || plain_md != want;
  if (!op.reordered) {
    op.inner = op.plain;
    return;
  }
  op.inner = memory(want, s.eng, DNNL_MEMORY_NONE);
  op.offset = at;
  at += align64(want.get_size());
  if (is_input) {
    op.to = dnnl::reorder(dnnl::reorder::primitive_desc(s.eng, plain_md, s.eng, want));
    op.to_args = {{DNNL_ARG_FROM, op.plain}, {DNNL_ARG_TO, op.inner}};
  } else {
    dnnl::primitive_attr attr;
    if (accumulate) {
      dnnl::post_ops po;
      po.append_sum(1.f);
      attr.set_post_ops(po);
    }
    op.from = dnnl::reorder(dnnl::reorder::primitive_desc(s.eng, want, s.eng, plain_md, attr));
    op.from_args = {{DNNL_ARG_FROM, op.inner}, {DNNL_ARG_TO, op.plain}};
  }
}

char* base(Tensor& ws) { return static_cast<char*>(ws.raw()); }

// Winograd F(4x4, 3x3) is oneDNN's for 3x3 filters at stride 1, and pays off from 16
// input channels on (measured: see the top of this file).
bool wants_winograd(const Conv2dGeometry& g) {
  if (const char* e = std::getenv("ADMA_CPU_WINOGRAD"); e && std::string(e) == "0") return false;
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

std::string dnnl_conv2d_algorithms(const Conv2dSetup& p) { return p.dnnl ? p.dnnl->algorithms : std::string(); }

std::string dnnl_version() {
  const dnnl_version_t* v = ::dnnl_version();
  return "oneDNN " + std::to_string(v->major) + "." + std::to_string(v->minor) + "." + std::to_string(v->patch);
}

size_t dnnl_conv2d_setup(Conv2dSetup& p) {
  p.dnnl.reset();
  if (p.dtype != DType::F32) return 0;
  // ADMA_CPU_CONV=own keeps oneDNN out (to measure the two engines against each other).
  if (const char* e = std::getenv("ADMA_CPU_CONV"); e && std::string(e) == "own") return 0;
  const auto& g = p.g;
  const memory::dims src{g.n, g.c, g.h, g.w}, wei{g.k, g.c, g.r, g.s}, bias{g.k},
      dst{g.n, g.k, g.out_h(), g.out_w()}, strides{g.stride_h, g.stride_w}, pad{g.pad_h, g.pad_w};
  // Right padding: whatever makes oneDNN's output size ours (floor mode may drop a border).
  const memory::dims pad_r{(g.out_h() - 1) * g.stride_h + g.r - g.h - g.pad_h,
                           (g.out_w() - 1) * g.stride_w + g.s - g.w - g.pad_w};
  if (pad_r[0] < 0 || pad_r[1] < 0) return 0;  // a dropped border oneDNN cannot express: own kernels
  auto any = [](const memory::dims& d) { return memory::desc(d, F32, Tag::any); };
  const memory::desc x_md(src, F32, Tag::nchw), w_md(wei, F32, Tag::oihw), b_md(bias, F32, Tag::x),
      y_md(dst, F32, Tag::nchw);
  try {
    auto s = std::make_shared<DnnlConv2dState>();
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
          attr, s->eng);
    });
    size_t at = 0;
    make_operand(*s, s->f_src, x_md, fpd.src_desc(), at, true);
    make_operand(*s, s->f_wei, w_md, fpd.weights_desc(), at, true);
    make_operand(*s, s->f_dst, y_md, fpd.dst_desc(), at, false);
    s->f_bias = memory(b_md, s->eng, DNNL_MEMORY_NONE);
    s->f_scratch = memory(fpd.scratchpad_desc(), s->eng, DNNL_MEMORY_NONE);
    s->f_scratch_at = at;
    s->f_bytes = at + align64(fpd.scratchpad_desc().get_size());
    s->fwd = dnnl::convolution_forward(fpd);
    // Backward data: dx += conv_transpose(dy, w).
    auto dpd = pick([&](dnnl::algorithm algo) {
      return dnnl::convolution_backward_data::primitive_desc(
          dnnl::convolution_backward_data::desc(algo, any(src), any(wei), any(dst), strides, pad, pad_r), attr, s->eng,
          fpd);
    });
    at = 0;
    make_operand(*s, s->d_ddst, y_md, dpd.diff_dst_desc(), at, true);
    make_operand(*s, s->d_wei, w_md, dpd.weights_desc(), at, true);
    make_operand(*s, s->d_dsrc, x_md, dpd.diff_src_desc(), at, false, true, true);
    s->d_scratch = memory(dpd.scratchpad_desc(), s->eng, DNNL_MEMORY_NONE);
    s->d_scratch_at = at;
    s->d_bytes = at + align64(dpd.scratchpad_desc().get_size());
    s->bwd_data = dnnl::convolution_backward_data(dpd);
    // Backward weights: dw += sum_n dy x.
    auto wpd = pick([&](dnnl::algorithm algo) {
      return dnnl::convolution_backward_weights::primitive_desc(
          dnnl::convolution_backward_weights::desc(algo, any(src), any(wei), any(dst), strides, pad, pad_r), attr,
          s->eng, fpd);
    });
    at = 0;
    make_operand(*s, s->w_src, x_md, wpd.src_desc(), at, true);
    make_operand(*s, s->w_ddst, y_md, wpd.diff_dst_desc(), at, true);
    make_operand(*s, s->w_dwei, w_md, wpd.diff_weights_desc(), at, false, true, true);
    s->w_scratch = memory(wpd.scratchpad_desc(), s->eng, DNNL_MEMORY_NONE);
    s->w_scratch_at = at;
    s->w_bytes = at + align64(wpd.scratchpad_desc().get_size());
    s->bwd_w = dnnl::convolution_backward_weights(wpd);
    s->f_args = {{DNNL_ARG_SRC, s->f_src.inner},
                 {DNNL_ARG_WEIGHTS, s->f_wei.inner},
                 {DNNL_ARG_BIAS, s->f_bias},
                 {DNNL_ARG_DST, s->f_dst.inner},
                 {DNNL_ARG_SCRATCHPAD, s->f_scratch}};
    s->d_args = {{DNNL_ARG_DIFF_DST, s->d_ddst.inner},
                 {DNNL_ARG_WEIGHTS, s->d_wei.inner},
                 {DNNL_ARG_DIFF_SRC, s->d_dsrc.inner},
                 {DNNL_ARG_SCRATCHPAD, s->d_scratch}};
    s->w_args = {{DNNL_ARG_SRC, s->w_src.inner},
                 {DNNL_ARG_DIFF_DST, s->w_ddst.inner},
                 {DNNL_ARG_DIFF_WEIGHTS, s->w_dwei.inner},
                 {DNNL_ARG_SCRATCHPAD, s->w_scratch}};
    s->algorithms = std::string("forward ") + fpd.impl_info_str() + ", backward-data " + dpd.impl_info_str() +
                    ", backward-weights " + wpd.impl_info_str();
    const size_t need = std::max({s->f_bytes, s->d_bytes, s->w_bytes});
    p.dnnl = std::move(s);
    return need;
  } catch (const dnnl::error&) {
    return 0;  // oneDNN has no implementation for this case: the own kernels serve it
  }
}

void dnnl_conv2d_forward(const Conv2dSetup& p, const Tensor& x, const Tensor& w, const Tensor& b, Tensor& y,
                         Tensor& ws) {
  DnnlConv2dState& s = *p.dnnl;
  check_workspace(p, ws, s.f_bytes);
  ADMA_CHECK(b.defined(), "conv2d (oneDNN): the forward primitive adds a bias; call the own kernels without one");
  bind_input(s, s.f_src, x.raw(), ws);
  bind_input(s, s.f_wei, w.raw(), ws);
  bind_output(s.f_dst, y.raw(), ws);
  s.f_scratch.set_data_handle(base(ws) + s.f_scratch_at);
  s.f_bias.set_data_handle(const_cast<void*>(b.raw()));
  s.fwd.execute(s.strm, s.f_args);
  finish_output(s, s.f_dst);
  s.strm.wait();
}

void dnnl_conv2d_backward_data(const Conv2dSetup& p, const Tensor& w, const Tensor& dy, Tensor& dx, Tensor& ws) {
  DnnlConv2dState& s = *p.dnnl;
  check_workspace(p, ws, s.d_bytes);
  bind_input(s, s.d_ddst, dy.raw(), ws);
  bind_input(s, s.d_wei, w.raw(), ws);
  bind_output(s.d_dsrc, dx.raw(), ws);
  s.d_scratch.set_data_handle(base(ws) + s.d_scratch_at);
  s.bwd_data.execute(s.strm, s.d_args);
  finish_output(s, s.d_dsrc);
  s.strm.wait();
}

void dnnl_conv2d_backward_filter(const Conv2dSetup& p, const Tensor& x, const Tensor& dy, Tensor& dw, Tensor& ws) {
  DnnlConv2dState& s = *p.dnnl;
  check_workspace(p, ws, s.w_bytes);
  bind_input(s, s.w_src, x.raw(), ws);
  bind_input(s, s.w_ddst, dy.raw(), ws);
  bind_output(s.w_dwei, dw.raw(), ws);
  s.w_scratch.set_data_handle(base(ws) + s.w_scratch_at);
  s.bwd_w.execute(s.strm, s.w_args);
  finish_output(s, s.w_dwei);
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

}  // namespace adma::kernels::cpu
