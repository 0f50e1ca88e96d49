// oneDNN as the fast CPU backend's convolution engine (kernels/cpu_fast/dnnl_conv2d.cpp),
// the way cuDNN serves the GPU: float32 only; the same math as kernels/conv2d.h, tested
// against the reference (tests/test_cpu_fast.cpp). Without oneDNN at configure time
// (ADMA_WITH_DNNL unset), or with ADMA_CPU_CONV=own, dnnl_conv2d_setup makes no state
// and the fast backend uses its own kernels (kernels/cpu_fast/conv2d.cpp).
#pragma once
#include <string>

#include "kernels/conv2d.h"

namespace adma::kernels::cpu_fast {

// Whether this build has oneDNN, and its version ("oneDNN 2.6.3"), for `adma devices`.
bool dnnl_available();
std::string dnnl_version();

// Creates p.dnnl (the primitives, made once) for a float32 setup and returns the
// workspace bytes they need; returns 0 and leaves p.dnnl null where oneDNN cannot
// serve the setup (no oneDNN, float64, a geometry it rejects).
size_t dnnl_conv2d_setup(Conv2dSetup& p);
// Which oneDNN implementation serves each pass of a setup ("forward jit_wino_4x3:avx512_core,
// backward-data ..."); empty where the setup has no oneDNN state.
std::string dnnl_conv2d_algorithms(const Conv2dSetup& p);
// y = conv(x, w) + b; an undefined b adds zeros (the primitive always has a bias).
void dnnl_conv2d_forward(const Conv2dSetup& p, const Tensor& x, const Tensor& w, const Tensor& b, Tensor& y,
                         Tensor& ws);
// dx += conv_transpose(dy, w)
void dnnl_conv2d_backward_data(const Conv2dSetup& p, const Tensor& w, const Tensor& dy, Tensor& dx, Tensor& ws);
// dw += sum_n dy x (the bias gradient stays with the own kernels: one pass over dy)
void dnnl_conv2d_backward_filter(const Conv2dSetup& p, const Tensor& x, const Tensor& dy, Tensor& dw, Tensor& ws);

}  // namespace adma::kernels::cpu_fast
