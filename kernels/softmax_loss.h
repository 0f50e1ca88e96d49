// Fused softmax + loss + gradient on logits z [N, C] and integer labels y [N].
// One pass per row computes, in the log domain,
//   lse = max_k z_k + log sum_k exp(z_k - max),  lp_k = z_k - lse = log p_k,
// the per-sample loss, dL/dz written once, the batch mean and the count of
// correct predictions (first arg-max == y), without ever forming log(0).
// The losses themselves (kinds, parameters, phi) are the paper's side, in losses/:
// losses/loss_kind.h (the table), losses/phi.h (the per-sample math), and
// docs/losses.md (the derivations, and the kernel versions naive to fast).
//
// Two families:
// * losses of lp = log p_y alone, L = phi(lp):  dL/dz_k = phi'(lp) (1[k = y] - p_k);
// * losses of the whole probability vector, L = mean_k f(p_k, t_k), with g_k = dL/dp_k:
//   dL/dz_j = p_j (g_j - sum_k g_k p_k).
// All gradients carry `scale` (1/N for a batch mean).
//
// Labels. y = kIgnoreLabel (-1, core/labels.h) means "ignore this row" (the padding of a
// last batch, data/batch_source.h): loss 0, gradient row 0, not counted as correct, and the mean
// `loss` is over the other rows (0 when there are none). Any other label outside
// [0, C) never reads out of bounds: that row's loss is NaN (so the mean is NaN) and its
// gradient 0; callers check labels on the host first (check_labels).
#pragma once
#include <cstdint>
#include <memory>
#include <vector>

#include "core/labels.h"
#include "core/tensor.h"
#include "kernels/dispatch.h"
#include "losses/phi.h"

namespace adma::kernels {

// The kernel's parameter types are the paper's (losses/loss_kind.h).
using losses::LossKind;
using losses::LossParams;

// Every label in [0, classes) or -1, else an Error naming the first bad one and its row.
void check_labels(const std::vector<int32_t>& labels, int64_t classes);

// The CUDA versions of the fused kernel, naive to fast (docs/losses.md walks through
// them; loss_bench times them side by side). The CPU reference has one version.
enum class SoftmaxLossVersion {
  Tuned,         // one warp (C <= 1024) or one block per row, one launch, float4, row cached
  RowPerThread,  // one thread per row, plain loops; a second launch sums the batch
  TwoPass,       // a warp per row for lse and loss, then one thread per element for dL/dz
  Registers,     // the row held in registers, all 16-byte loads issued first; float or bf16
};
const char* version_name(SoftmaxLossVersion v);

// Decided once per loss node: the parameters (validated here, where they enter the
// kernel, unless the caller already did: `validated`), converted to each compute type
// once, and the scratch the CUDA kernels need.
struct SoftmaxLossSetup : KernelSetup {
  LossParams params;
  losses::LossConsts<float> f32{};
  losses::LossConsts<double> f64{};
  int64_t n = 0, c = 0;
  size_t scratch_bytes = 0;  // out.scratch: zeroed once before the first call
  SoftmaxLossVersion version = SoftmaxLossVersion::Tuned;
};
SoftmaxLossSetup softmax_loss_setup(const LossParams& params, int64_t n, int64_t c,
                                    SoftmaxLossVersion version = SoftmaxLossVersion::Tuned, bool validated = false);

// bfloat16 logits (DType::BF16): dlogits are bfloat16 too (rounded to nearest even
// once, from float), the math, per_sample, loss, correct, dloss_da and a learnable `a`
// are float32. On CUDA only the Registers version reads them; the CPU reference computes
// in double from the same bf16 values.
//
// Outputs of one call, all on the logits' device:
//   per_sample [N], loss [1] (mean over the counted rows), correct [1] (count, as a float),
//   dloss_da [1] (Adma: scale * sum_n dL_n/da; else 0; may be undefined),
//   dlogits [N, C] (scale * dL_n/dz; may be undefined: no gradient pass),
//   scratch: setup.scratch_bytes, ZEROED ONCE before the first call. The tuned CUDA
//   kernel keeps one partial sum per block there and a ticket counter that the last
//   block resets, so the batch reduction is deterministic and needs no second launch.
struct LossOutputs {
  Tensor per_sample, loss, correct, dloss_da, dlogits, scratch;
};

namespace cpu {
void softmax_loss(Context& ctx, const SoftmaxLossSetup& s, const Tensor& logits, const Tensor& labels, const Tensor& a,
                  double scale, bool accumulate, LossOutputs& out);
}
namespace cpu_fast { using cpu::softmax_loss; }  // the reference serves
namespace cuda {
void softmax_loss(Context& ctx, const SoftmaxLossSetup& s, const Tensor& logits, const Tensor& labels, const Tensor& a,
                  double scale, bool accumulate, LossOutputs& out);
}

// `a` (1 element, same device, the outputs' dtype) replaces params.a when defined: a learnable scaling factor.
// `scale` multiplies both gradients (1/N for the batch mean); `accumulate` adds into dlogits.
void check_loss_operands(const SoftmaxLossSetup& s, const Tensor& logits, const Tensor& labels, const Tensor& a,
                         const LossOutputs& out);
inline void softmax_loss(Context& ctx, const SoftmaxLossSetup& s, const Tensor& logits, const Tensor& labels,
                         const Tensor& a, double scale, bool accumulate, LossOutputs& out) {
  check_loss_operands(s, logits, labels, a, out);
  ADMA_DISPATCH(ctx, softmax_loss, ctx, s, logits, labels, a, scale, accumulate, out);
}

}  // namespace adma::kernels
