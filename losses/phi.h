// The per-sample math of every loss in losses/loss_kind.h, shared verbatim by the
// CPU reference and the CUDA kernels (host + device functions), so the backends can
// only differ in summation order. T is float on the GPU, double on the CPU reference.
//
// * phi(lp) for the losses of lp = log p_y alone (dL/dz_k = phi'(lp) (1[k = y] - p_k)):
//   Adma   phi = b - b^(p^a),  p^a = exp(a lp)   phi' = -a ln(b) b^(p^a) p^a
//                                                 dphi/da = -ln(b) b^(p^a) p^a lp
//   CCE    phi = -lp                              phi' = -1
//   GCE    phi = (1 - p^q) / q                    phi' = -p^q
//   Poly-1 phi = -lp + eps (1 - p)                phi' = -1 - eps p
//   Focal  phi = -(1 - p)^g lp                    phi' = g (1 - p)^(g-1) p lp - (1 - p)^g
// * prob_term(p_k, is_target) for the losses of the whole vector, L = mean_k f(p_k, t_k):
//   MSE            f = (p_k - y_k)^2,          t = one-hot y
//   squared hinge  f = max(1 - t_k p_k, 0)^2,  t = 2 y - 1 (+-1)
// The kernels that fuse these with the softmax: kernels/softmax_loss.h.
#pragma once
#include <cmath>

#include "core/rng.h"  // ADMA_HD
#include "losses/loss_kind.h"

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
#if !defined(__CUDA_ARCH__)
  using std::exp;
  using std::expm1;
  using std::pow;
#endif
  da = 0;
  switch (c.kind) {
    case LossKind::Adma: {
      // p^a = exp(a lp) in (0, 1]; b^(p^a) = exp(ln b p^a) in (1, b]. No log(0) anywhere.
      const T pa = exp(c.a * lp);
      const T bpa = exp(c.ln_base * pa);
      loss = c.base - bpa;  // b - b^(p^a)
      dlp = -c.a * c.ln_base * bpa * pa;
      // pa lp -> 0 as lp -> -inf (p_y underflowed to 0): the limit, not 0 * inf = NaN.
      da = pa == T(0) ? T(0) : -c.ln_base * bpa * pa * lp;
      return;
    }
    case LossKind::CrossEntropy:
      loss = T(0) - lp;  // +0 rather than -0 at p = 1
      dlp = -1;
      return;
    case LossKind::GeneralizedCE: {
      const T pq = exp(c.q * lp);
      loss = (1 - pq) / c.q;
      dlp = -pq;
      return;
    }
    case LossKind::Poly1: {
      const T p = exp(lp);
      loss = -lp + c.epsilon * (1 - p);
      dlp = -1 - c.epsilon * p;
      return;
    }
    case LossKind::Focal: {
      const T p = exp(lp);
      const T one_minus_p = -expm1(lp);  // exact near p = 1
      const T g = c.gamma;
      const T w = g == T(0) ? T(1) : pow(one_minus_p, g);
      loss = -w * lp;
      // g (1-p)^(g-1) p lp vanishes as p -> 1 for every g > 0; skip 0 * inf there.
      const T up = (g == T(0) || one_minus_p == T(0)) ? T(0) : g * pow(one_minus_p, g - 1) * p * lp;
      dlp = up - w;
      return;
    }
    case LossKind::MSE:
    case LossKind::SquaredHinge:
      loss = dlp = T(NAN);
      return;
  }
}

// f(p_k, target) and g_k = df/dp_k for the probability family, before the 1/C mean.
// An lp-only kind has no such term: NaN (never asked).
// The kernels use g only through dL/dz_j = p_j (g_j - sum_k g_k p_k), which does not
// change when one constant is added to every g_k (sum_k p_k = 1). Squared hinge's
// g_k = 2 (1 + p_k) is about 2 for every non-target class, so in float the difference
// g_j - sum_k g_k p_k would cancel to a few bits on wide rows (C = 32000: nmse 1e-5
// against the double reference on an H200); it returns g_k - 2 instead, which is
// exact: 2 p_k off the target, -2 (1 - p_y) - 2 on it (while the margin is positive).
template <typename T>
ADMA_HD inline void prob_term(const LossConsts<T>& c, T p, bool is_target, T& f, T& dfdp) {
  switch (c.kind) {
    case LossKind::MSE: {
      const T d = p - (is_target ? T(1) : T(0));
      f = d * d;
      dfdp = 2 * d;
      return;
    }
    case LossKind::SquaredHinge: {  // t = +-1
      const T t = is_target ? T(1) : T(-1);
      const T m = 1 - t * p;
      const T h = m > 0 ? m : T(0);
      f = h * h;
      dfdp = is_target ? -2 * h - 2 : (m > 0 ? 2 * p : T(-2));  // -2 t h - 2, without the cancellation
      return;
    }
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
