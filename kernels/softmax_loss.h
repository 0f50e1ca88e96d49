// Fused softmax + loss + gradient on logits z [N, C] and integer labels y [N].
// One pass per row computes, in the log domain,
//   lse = max_k z_k + log sum_k exp(z_k - max),  lp_k = z_k - lse = log p_k,
// the per-sample loss, dL/dz written once, the batch mean and the count of
// correct predictions (first arg-max == y), without ever forming log(0).
//
// Two families (see docs/losses.md for the derivations):
// * losses of lp = log p_y alone, L = phi(lp). Through the softmax
//     dL/dz_k = phi'(lp) (1[k = y] - p_k).
//   Adma   phi = b - b^(p^a),  p^a = exp(a lp)   phi' = -a ln(b) b^(p^a) p^a
//                                                 dphi/da = -ln(b) b^(p^a) p^a lp
//   CCE    phi = -lp                              phi' = -1
//   GCE    phi = (1 - p^q) / q                    phi' = -p^q
//   Poly-1 phi = -lp + eps (1 - p)                phi' = -1 - eps p
//   Focal  phi = -(1 - p)^g lp                    phi' = g (1 - p)^(g-1) p lp - (1 - p)^g
// * losses of the whole probability vector (Keras on softmax outputs), L = mean_k f(p_k, t_k):
//   MSE            f = (p_k - y_k)^2,                  t = one-hot y
//   squared hinge  f = max(1 - t_k p_k, 0)^2,           t = 2 y - 1 (+-1)
//   with g_k = dL/dp_k, dL/dz_j = p_j (g_j - sum_k g_k p_k).
// All gradients carry `scale` (1/N for a batch mean). A label outside [0, C)
// never reads out of bounds: that row's loss is NaN and its gradient 0; callers
// check labels on the host first (check_labels).
#pragma once
#include <cmath>
#include <string>
#include <vector>

#include "core/tensor.h"
#include "kernels/dispatch.h"

namespace adma::kernels {

enum class LossKind { Adma, CrossEntropy, GeneralizedCE, Poly1, Focal, MSE, SquaredHinge };

struct LossParams {
  LossKind kind = LossKind::Adma;
  double a = 0.25;           // Adma scaling factor
  double base = M_E;         // Adma base b (the paper's e; b > 1)
  double q = 0.7;            // generalized CE
  double epsilon = 1.0;      // Poly-1
  double gamma = 2.0;        // focal
  bool uses_lp_only() const { return kind != LossKind::MSE && kind != LossKind::SquaredHinge; }
};

// Parses "adma", "cce", "mse", "squared-hinge", "gce", "poly1", "focal".
LossKind loss_kind_from_name(const std::string& name);
const char* loss_name(LossKind kind);
// Checks parameters (a >= 0, base > 1, q > 0, gamma >= 0); throws naming the bad one.
void validate(const LossParams& p);
// Every label in [0, classes), else an Error naming the first bad one and its row.
void check_labels(const std::vector<int32_t>& labels, int64_t classes);

// Outputs of one call, all on the logits' device:
//   per_sample [N], loss [1] (mean over N), correct [1] (count, as a float),
//   dloss_da [1] (Adma: scale * sum_n dL_n/da; else 0),
//   dlogits [N, C] (scale * dL_n/dz; may be undefined: no gradient pass),
//   scratch: loss_scratch_bytes(N, C) bytes, ZEROED ONCE before the first call. The CUDA
//   kernel keeps one partial sum per block there and a ticket counter that the last
//   block resets, so the batch reduction is deterministic and needs no second launch.
struct LossOutputs {
  Tensor per_sample, loss, correct, dloss_da, dlogits, scratch;
};
size_t loss_scratch_bytes(int64_t n, int64_t c);

// `a` (1 element, same device) overrides params.a when defined: a learnable scaling factor.
// `scale` multiplies both gradients (1/N for the batch mean); `accumulate` adds into dlogits.
ADMA_DECLARE_BOTH(void softmax_loss(Context& ctx, const LossParams& params, const Tensor& logits,
                                    const Tensor& labels, const Tensor& a, double scale, bool accumulate,
                                    LossOutputs& out))

inline void softmax_loss(Context& ctx, const LossParams& params, const Tensor& logits, const Tensor& labels,
                         const Tensor& a, double scale, bool accumulate, LossOutputs& out) {
  ADMA_DISPATCH(ctx, softmax_loss, ctx, params, logits, labels, a, scale, accumulate, out);
}

}  // namespace adma::kernels
