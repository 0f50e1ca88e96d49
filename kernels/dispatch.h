// The one place that picks a backend. A kernel family header (kernels/elu.h is the
// model) declares the three sides by hand, where grep, ctags and go-to-definition find them,
//   namespace cpu      { void elu_forward(Context& ctx, const EluSetup& s, const Tensor& x, Tensor& y); }
//   namespace cpu_fast { void elu_forward(Context& ctx, const EluSetup& s, const Tensor& x, Tensor& y); }
//   namespace cuda     { void elu_forward(Context& ctx, const EluSetup& s, const Tensor& x, Tensor& y); }
// or, for a function the fast CPU backend does not speed up, says so explicitly:
//   namespace cpu_fast { using cpu::softmax_forward; }      (the reference serves)
// The backends define them qualified, `void cpu::elu_forward(...) { ... }` in
// kernels/cpu/elu.cpp, `void cpu_fast::elu_forward(...)` in kernels/cpu_fast/elu.cpp
// (so a definition that drifts from its declaration does not compile, and
// tests/cmake/kernel_definitions.cmake finds every one), and the public
// kernels::elu_forward checks its operands once, then
//   ADMA_DISPATCH(ctx, elu_forward, ctx, s, x, y);
// which calls cpu::, cpu_fast:: or cuda::elu_forward by ctx.backend (core/context.h),
// the one field that chooses. It also checks, at compile time, that &cpu::fn,
// &cpu_fast::fn and &cuda::fn have the same type (so no kernel name is overloaded,
// and the signatures cannot drift).
// Without CUDA the cuda:: declarations still exist and the check still runs; the
// call sits in a discarded `if constexpr` branch, so no definition is needed.
// kWithCuda is the only use of ADMA_WITH_CUDA above core/: layers never see one.
#pragma once
#include <cstddef>
#include <initializer_list>
#include <type_traits>

#include "core/context.h"
#include "core/error.h"
#include "core/tensor.h"

namespace adma::kernels {

[[noreturn]] inline void no_cuda(const char* op) {
  ADMA_THROW(op, " on a CUDA tensor, but adma was built without CUDA (-DADMA_CUDA=ON)");
}

// What a kernel family decides once, when the graph is built (its "setup": cuDNN
// descriptors and algorithms, constants converted to the compute type) and the
// memory it asks the graph for. Each family's FooSetup derives from this and holds
// its CUDA state typed, as std::shared_ptr<cuda::FooState> (null on the CPU).
struct KernelSetup {
  size_t workspace_bytes = 0;  // scratch shared by all nodes, valid during one call
  size_t reserve_bytes = 0;    // per-node memory kept from forward to backward
};

// The operand checks every public kernel makes once, above the dispatch.
inline void expect_operand(const char* what, const Tensor& t, const Shape& shape, DType dtype) {
  ADMA_CHECK(t.defined() && t.shape() == shape && t.dtype() == dtype, what, ": expected ", shape.str(), " ",
             dtype_name(dtype), ", got ", t.defined() ? t.shape().str() + " " + dtype_name(t.dtype()) : "nothing");
}
inline void expect_same(const char* op, const Tensor& a, const Tensor& b) {
  ADMA_CHECK(a.shape() == b.shape() && a.dtype() == b.dtype(), op, ": operand ", a.shape().str(), " ",
             dtype_name(a.dtype()), " vs ", b.shape().str(), " ", dtype_name(b.dtype()));
}

}  // namespace adma::kernels

namespace adma::kernels {
#if defined(ADMA_WITH_CUDA)
inline constexpr bool kWithCuda = true;
#else
inline constexpr bool kWithCuda = false;
#endif
}  // namespace adma::kernels

#define ADMA_DISPATCH(ctx, fn, ...)                                                                           \
  static_assert(std::is_same_v<decltype(&::adma::kernels::cpu::fn), decltype(&::adma::kernels::cuda::fn)>,    \
                "kernels::cpu::" #fn " and kernels::cuda::" #fn " must have the same signature");             \
  static_assert(std::is_same_v<decltype(&::adma::kernels::cpu::fn), decltype(&::adma::kernels::cpu_fast::fn)>, \
                "kernels::cpu::" #fn " and kernels::cpu_fast::" #fn " must have the same signature");         \
  switch ((ctx).backend) {                                                                                    \
    case ::adma::Backend::Cuda:                                                                               \
      if constexpr (::adma::kernels::kWithCuda) {                                                             \
        return ::adma::kernels::cuda::fn(__VA_ARGS__);                                                        \
      } else {                                                                                                \
        ::adma::kernels::no_cuda(#fn);                                                                        \
      }                                                                                                       \
    case ::adma::Backend::CpuFast:                                                                            \
      return ::adma::kernels::cpu_fast::fn(__VA_ARGS__);                                                      \
    case ::adma::Backend::CpuReference:                                                                       \
      break;                                                                                                  \
  }                                                                                                           \
  return ::adma::kernels::cpu::fn(__VA_ARGS__)
