// The fast CPU path: the reference kernels' math (kernels/cpu/*.cpp), reorganised
// to use the cores. Each reference entry point hands over here unless
// ctx.cpu_reference is set (ADMA_CPU_REFERENCE=1), and the tests hold every
// function below to the reference (tests/test_cpu_fast.cpp) and run the gradient
// checks on both paths. What changes, and why:
//   conv2d      OpenMP over the images of the batch, each thread with its own
//               column buffer (im2col of one image stays in its L2) and a
//               single-threaded OpenBLAS GEMM; backward-filter accumulates into a
//               per-thread filter gradient, summed at the end.
//   elu         vector expm1 on AVX-512 or AVX2 (float32: own polynomials, 16 or 8
//               lanes; float64: SLEEF) instead of a scalar call per element; backward reads only the saved output:
//               ELU'(x) = 1 for y > 0, else y + alpha.
//   batchnorm2d channels over threads; statistics and the normalisation as
//               vectorised loops; backward as one fused dx += A dy + B x + C.
//   maxpool2d, dropout, fill, axpy: planes or blocks over threads.
// Float and double alike (the gradient checks run in double).
#pragma once
#include "kernels/batchnorm2d.h"
#include "kernels/conv2d.h"
#include "kernels/dropout.h"
#include "kernels/elu.h"
#include "kernels/maxpool2d.h"

namespace adma::kernels::cpu::fast {

// The fast path serves this context (a CPU one without cpu_reference).
inline bool enabled(const Context& ctx) { return !ctx.cpu_reference; }
// The widest vector unit the elementwise kernels use on this CPU, chosen at run time:
// AVX-512 (AVX-512F), AVX2 (AVX2 + FMA), or scalar loops; ADMA_CPU_ISA=avx2|scalar
// caps it (kernels/cpu/vector_isa.cpp).
enum class VectorIsa { Scalar, Avx2, Avx512 };
VectorIsa vector_isa();
const char* vector_isa_name(VectorIsa isa);

// Workspace of the fast convolution: one column buffer and one filter gradient per thread.
size_t conv2d_workspace_bytes(const Conv2dSetup& p);
void conv2d_forward(const Conv2dSetup& p, const Tensor& x, const Tensor& w, const Tensor& b, Tensor& y, Tensor& ws);
void conv2d_backward_data(const Conv2dSetup& p, const Tensor& w, const Tensor& dy, Tensor& dx, Tensor& ws);
void conv2d_backward_filter(const Conv2dSetup& p, const Tensor& x, const Tensor& dy, Tensor& dw, Tensor& ws);
void conv2d_backward_bias(const Conv2dSetup& p, const Tensor& dy, Tensor& db);

void elu_forward(const EluSetup& p, const Tensor& x, Tensor& y);
void elu_backward(const EluSetup& p, const Tensor& y, const Tensor& dy, Tensor& dx);

void batchnorm2d_forward_train(const BatchNorm2dSetup& p, const Tensor& x, const Tensor& gamma, const Tensor& beta,
                             Tensor& running_mean, Tensor& running_var, Tensor& save_mean, Tensor& save_invstd,
                             Tensor& y);
void batchnorm2d_forward_eval(const BatchNorm2dSetup& p, const Tensor& x, const Tensor& gamma, const Tensor& beta,
                            const Tensor& running_mean, const Tensor& running_var, Tensor& y);
void batchnorm2d_backward(const BatchNorm2dSetup& p, const Tensor& x, const Tensor& dy, const Tensor& gamma,
                        const Tensor& save_mean, const Tensor& save_invstd, Tensor& dx, Tensor& dgamma,
                        Tensor& dbeta);

void maxpool2d_forward(const MaxPool2dSetup& p, const Tensor& x, Tensor& y);
void maxpool2d_backward(const MaxPool2dSetup& p, const Tensor& x, const Tensor& dy, Tensor& dx);

void dropout_forward(DropoutSetup& p, const Tensor& x, Tensor& y, Tensor& reserve);
void dropout_backward(const DropoutSetup& p, const Tensor& dy, Tensor& dx, const Tensor& reserve);

void fill(Tensor& y, double value);
void axpy(double alpha, const Tensor& x, Tensor& y);

}  // namespace adma::kernels::cpu::fast
