// Zeroing a tensor in the order of its context's work: a memset queued on the
// stream on CUDA (capturable into a CUDA graph), a plain memset on the CPU. The
// graph clears its arenas and gradients with it; core needs no kernel for that.
#pragma once
#include "core/context.h"
#include "core/tensor.h"

namespace adma {

// Every byte of `t` (a contiguous view) set to 0 (0.0 in float32 and float64).
void zero(Context& ctx, const Tensor& t);

}  // namespace adma
