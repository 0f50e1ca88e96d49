// The per-sample math of every loss, shared verbatim by the CPU reference and
// the CUDA kernel (host + device functions), so the two can only differ in
// summation order. T is float on the GPU, double on the CPU reference.
#pragma once
#include <cmath>

#include "core/rng.h"  // ADMA_HD
#include "kernels/softmax_loss.h"

namespace adma::kernels {

// Numbers a kernel needs, resolved on the host from LossParams.
struct LossConsts {
  int kind;  // LossKind
  double a, ln_base, q, epsilon, gamma;  // cast to T where used: exact in the double reference
};

inline LossConsts loss_consts(const LossParams& p) {
  return {static_cast<int>(p.kind), p.a, std::log(p.base), p.q, p.epsilon, p.gamma};
}

// phi(lp) and its derivatives for the lp-only family: loss, dphi/dlp, dphi/da (Adma).
template <typename T>
ADMA_HD inline void loss_phi(const LossConsts& c, T a, T lp, T& loss, T& dlp, T& da) {
#if !defined(__CUDA_ARCH__)
  using std::exp;
  using std::expm1;
  using std::pow;
#endif
  da = 0;
  switch (static_cast<LossKind>(c.kind)) {
    case LossKind::Adma: {
      // p^a = exp(a lp) in (0, 1]; b^(p^a) = exp(ln b p^a) in (1, b]. No log(0) anywhere.
      const T pa = exp(a * lp);
      const T bpa = exp(T(c.ln_base) * pa);
      loss = exp(T(c.ln_base)) - bpa;  // b - b^(p^a)
      dlp = -a * T(c.ln_base) * bpa * pa;
      // pa lp -> 0 as lp -> -inf (p_y underflowed to 0): the limit, not 0 * inf = NaN.
      da = pa == T(0) ? T(0) : -T(c.ln_base) * bpa * pa * lp;
      return;
    }
    case LossKind::CrossEntropy:
      loss = T(0) - lp;  // +0 rather than -0 at p = 1
      dlp = -1;
      return;
    case LossKind::GeneralizedCE: {
      const T pq = exp(T(c.q) * lp);
      loss = (1 - pq) / T(c.q);
      dlp = -pq;
      return;
    }
    case LossKind::Poly1: {
      const T p = exp(lp);
      loss = -lp + T(c.epsilon) * (1 - p);
      dlp = -1 - T(c.epsilon) * p;
      return;
    }
    default: {  // Focal
      const T p = exp(lp);
      const T one_minus_p = -expm1(lp);  // exact near p = 1
      const T g = T(c.gamma);
      const T w = g == T(0) ? T(1) : pow(one_minus_p, g);
      loss = -w * lp;
      // g (1-p)^(g-1) p lp vanishes as p -> 1 for every g > 0; skip 0 * inf there.
      const T up = (g == T(0) || one_minus_p == T(0)) ? T(0) : g * pow(one_minus_p, g - 1) * p * lp;
      dlp = up - w;
      return;
    }
  }
}

// f(p_k, target) and df/dp_k for the probability family, before the 1/C mean.
template <typename T>
ADMA_HD inline void loss_prob_term(const LossConsts& c, T p, bool is_target, T& f, T& dfdp) {
  if (static_cast<LossKind>(c.kind) == LossKind::MSE) {
    const T d = p - (is_target ? T(1) : T(0));
    f = d * d;
    dfdp = 2 * d;
  } else {  // squared hinge with t = +-1
    const T t = is_target ? T(1) : T(-1);
    const T m = 1 - t * p;
    const T h = m > 0 ? m : T(0);
    f = h * h;
    dfdp = -2 * t * h;
  }
}

}  // namespace adma::kernels
