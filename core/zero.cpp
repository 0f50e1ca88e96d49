// Stream-ordered zeroing (core/zero.h).
#include "core/zero.h"

#include <cstring>

#include "core/cuda/runtime.h"

namespace adma {

void zero(Context& ctx, const Tensor& t) {
  if (!t.defined() || t.nbytes() == 0) return;
  ADMA_CHECK(t.device() == ctx.device, "zero: a tensor on ", t.device().str(), " with the context of ",
             ctx.device.str());
  if (ctx.is_cuda())
    cuda_rt::memset_async(t.raw(), 0, t.nbytes(), t.device().index, ctx.stream);
  else
    std::memset(t.raw(), 0, t.nbytes());
}

}  // namespace adma
