// The registers version of the fused loss on float logits: which kernel instance
// (kernels/cuda/softmax_loss_registers.h) takes which row length. D = 32 values per
// thread once a row needs more than a warp's 1024, so the threads per row (and the
// rows an SM holds at once) follow C: 2048 -> 64 threads, 32768 -> 1024.
#include "kernels/cuda/softmax_loss_registers.h"

#include "core/cuda/check.h"

namespace adma::kernels::cuda {

void launch_registers(const LossArgsOf<float>& a, bool prob, cudaStream_t s) {
  using namespace registers;
  using F = float;
  const bool launched =
      rows_are_vectors(a)
          ? (launch_if_fits<F, 4, 8, 4>(a, prob, s) || launch_if_fits<F, 4, 32, 4>(a, prob, s) ||
             launch_if_fits<F, 4, 32, 8>(a, prob, s) || launch_if_fits<F, 4, 32, 16>(a, prob, s) ||
             launch_if_fits<F, 4, 32, 32>(a, prob, s) || launch_if_fits<F, 4, 64, 32>(a, prob, s) ||
             launch_if_fits<F, 4, 128, 32>(a, prob, s) || launch_if_fits<F, 4, 256, 32>(a, prob, s) ||
             launch_if_fits<F, 4, 512, 32>(a, prob, s) || launch_if_fits<F, 4, 1024, 32>(a, prob, s))
          : (launch_if_fits<F, 1, 8, 2>(a, prob, s) || launch_if_fits<F, 1, 32, 1>(a, prob, s) ||
             launch_if_fits<F, 1, 32, 2>(a, prob, s) || launch_if_fits<F, 1, 32, 4>(a, prob, s) ||
             launch_if_fits<F, 1, 32, 8>(a, prob, s) || launch_if_fits<F, 1, 32, 16>(a, prob, s) ||
             launch_if_fits<F, 1, 32, 32>(a, prob, s));
  if (!launched) launch_looped(a, prob, s);
  CUDA_CHECK_LAUNCH();
}

}  // namespace adma::kernels::cuda
