// The one place that picks a backend. Every public kernel in adma::kernels is
//   void foo(Context& ctx, ...) { ADMA_DISPATCH(ctx, foo, ctx, ...); }
// which calls cpu::foo or cuda::foo (same signature) by the context's device.
// This is the only #if on ADMA_WITH_CUDA above core/: layers never see one.
#pragma once
#include <memory>

#include "core/context.h"
#include "core/error.h"

namespace adma::kernels {

[[noreturn]] inline void no_cuda(const char* op) {
  ADMA_THROW(op, " on a CUDA tensor, but adma was built without CUDA (-DADMA_CUDA=ON)");
}

// What a kernel family decides once, when the graph is built: cuDNN
// descriptors and algorithms (`cuda`, opaque here), and the scratch it needs.
struct KernelPlan {
  std::shared_ptr<void> cuda;  // backend state; null on the CPU
  size_t workspace_bytes = 0;  // scratch shared by all nodes, valid during one call
  size_t reserve_bytes = 0;    // per-node memory kept from forward to backward
};

}  // namespace adma::kernels

#if defined(ADMA_WITH_CUDA)
#define ADMA_DISPATCH(ctx, fn, ...) \
  return (ctx).is_cuda() ? ::adma::kernels::cuda::fn(__VA_ARGS__) : ::adma::kernels::cpu::fn(__VA_ARGS__)
#else
#define ADMA_DISPATCH(ctx, fn, ...)                          \
  do {                                                       \
    if ((ctx).is_cuda()) ::adma::kernels::no_cuda(#fn);      \
    return ::adma::kernels::cpu::fn(__VA_ARGS__);            \
  } while (0)
#endif

// Both sides of a kernel family are declared by one macro, so the CPU and CUDA
// signatures cannot drift apart.
#define ADMA_DECLARE_BOTH(decl) \
  namespace cpu {               \
  decl;                         \
  }                             \
  namespace cuda {              \
  decl;                         \
  }
