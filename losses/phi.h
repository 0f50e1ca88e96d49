// Every loss of losses/loss_kind.h as the fused kernels evaluate it, per sample, shared
// verbatim by the CPU reference and the CUDA kernels (host + device functions), so the
// backends can only differ in summation order. T is float on the GPU, double on the CPU
// reference. Each loss's math is its own header:
// * the losses of lp = log p_y alone, L = phi(lp), dL/dz_k = phi'(lp) (1[k = y] - p_k):
//   losses/adma.h, cross_entropy.h, generalized_ce.h, poly1.h, focal.h;
// * the losses of the whole probability vector, L = mean_k f(p_k, t_k), whose kernels
//   form dL/dz_j = p_j (g_j - sum_k g_k p_k) from g_k = df/dp_k:
//   losses/mse.h, squared_hinge.h.
// The kernels that fuse these with the softmax: kernels/softmax_loss.h.
#pragma once
#include <cmath>

#include "core/host_device.h"
#include "losses/adma.h"
#include "losses/cross_entropy.h"
#include "losses/focal.h"
#include "losses/generalized_ce.h"
#include "losses/loss_kind.h"
#include "losses/mse.h"
#include "losses/poly1.h"
#include "losses/squared_hinge.h"

namespace adma::losses {

// A loss's numbers in the kernel's type, converted from LossParams once (when the
// kernel is set up), not on every launch. `a` is the one place the scaling factor
// lives: a learnable a overwrites it with the trained value before phi runs.
template <typename T>
struct LossConsts {
  LossKind kind;
  bool lp_only;  // the kind's family (kLossKinds), for device code that cannot read the table
  T a, base, ln_base, q, epsilon, gamma;
};

template <typename T>
LossConsts<T> loss_consts(const LossParams& p) {
  return {p.kind,
          uses_lp_only(p.kind),
          static_cast<T>(p.a),
          static_cast<T>(p.base),
          static_cast<T>(std::log(p.base)),
          static_cast<T>(p.q),
          static_cast<T>(p.epsilon),
          static_cast<T>(p.gamma)};
}

// phi(lp) and its derivatives for the lp-only family: loss, dphi/dlp, dphi/da (Adma; else 0).
// A probability-family kind has no phi: NaN (the kernels never ask; validate() sees to the kind).
template <typename T>
ADMA_HD inline void phi(const LossConsts<T>& c, T lp, T& loss, T& dlp, T& da) {
  da = 0;
  switch (c.kind) {
    case LossKind::Adma: return adma_phi(c.a, c.base, c.ln_base, lp, loss, dlp, da);
    case LossKind::CrossEntropy: return cross_entropy_phi(lp, loss, dlp);
    case LossKind::GeneralizedCE: return generalized_ce_phi(c.q, lp, loss, dlp);
    case LossKind::Poly1: return poly1_phi(c.epsilon, lp, loss, dlp);
    case LossKind::Focal: return focal_phi(c.gamma, lp, loss, dlp);
    case LossKind::MSE:
    case LossKind::SquaredHinge:
      loss = dlp = T(NAN);
      return;
  }
}

// f(p_k, target) and g_k = df/dp_k for the probability family, before the 1/C mean.
// An lp-only kind has no such term: NaN (never asked).
template <typename T>
ADMA_HD inline void prob_term(const LossConsts<T>& c, T p, bool is_target, T& f, T& dfdp) {
  switch (c.kind) {
    case LossKind::MSE: return mse_term(p, is_target, f, dfdp);
    case LossKind::SquaredHinge: return squared_hinge_term(p, is_target, f, dfdp);
    case LossKind::Adma:
    case LossKind::CrossEntropy:
    case LossKind::GeneralizedCE:
    case LossKind::Poly1:
    case LossKind::Focal:
      f = dfdp = T(NAN);
      return;
  }
}

}  // namespace adma::losses
