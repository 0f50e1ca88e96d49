// The registers version of the fused loss on bfloat16 logits (dlogits written in
// bfloat16, everything else float): which kernel instance
// (kernels/cuda/softmax_loss_registers.h) takes which row length. A 16-byte load is
// eight bf16, so the vector instances need C % 8 == 0; D = 32 values per thread as in
// the float file, so the same row lengths get the same threads.
#include "kernels/cuda/softmax_loss_registers.h"

#include "core/cuda/check.h"

namespace adma::kernels::cuda {

void launch_registers(const LossArgsOf<__nv_bfloat16>& a, bool prob, cudaStream_t s) {
  using namespace registers;
  using H = __nv_bfloat16;
  const bool launched =
      rows_are_vectors(a)
          ? (launch_if_fits<H, 8, 8, 8>(a, prob, s) || launch_if_fits<H, 8, 32, 8>(a, prob, s) ||
             launch_if_fits<H, 8, 32, 16>(a, prob, s) || launch_if_fits<H, 8, 32, 32>(a, prob, s) ||
             launch_if_fits<H, 8, 64, 32>(a, prob, s) || launch_if_fits<H, 8, 128, 32>(a, prob, s) ||
             launch_if_fits<H, 8, 256, 32>(a, prob, s) || launch_if_fits<H, 8, 512, 32>(a, prob, s) ||
             launch_if_fits<H, 8, 1024, 32>(a, prob, s))
          : (launch_if_fits<H, 1, 8, 2>(a, prob, s) || launch_if_fits<H, 1, 32, 1>(a, prob, s) ||
             launch_if_fits<H, 1, 32, 2>(a, prob, s) || launch_if_fits<H, 1, 32, 4>(a, prob, s) ||
             launch_if_fits<H, 1, 32, 8>(a, prob, s) || launch_if_fits<H, 1, 32, 16>(a, prob, s) ||
             launch_if_fits<H, 1, 32, 32>(a, prob, s));
  if (!launched) launch_looped(a, prob, s);
  CUDA_CHECK_LAUNCH();
}

}  // namespace adma::kernels::cuda
