// Adma (the paper, Eq. 5), with p = softmax(z), label y and lp = log p_y:
//   L = b - b^(p_y^a)                     b = e in the paper; range [0, b - 1] for a > 0
// in the log domain, p_y^a = exp(a lp) and b^(p_y^a) = exp(ln(b) p_y^a), so no log(0) anywhere:
//   dL/dlp = -a ln(b) b^(p_y^a) p_y^a
//   dL/da  = -ln(b) b^(p_y^a) p_y^a lp     (a learnable scaling factor)
// For small a, L ~ a ln(b) b (-lp): a scaled cross-entropy; the weight p_y^a
// vanishes as p_y -> 0, so hard examples are down-weighted (as generalized CE does).
// docs/losses.md derives it; losses/phi.h puts it beside the other losses of lp.
#pragma once
#include <cmath>

#include "core/host_device.h"

namespace adma::losses {

template <typename T>
ADMA_HD inline void adma_phi(T a, T base, T ln_base, T lp, T& loss, T& dlp, T& da) {
#if !defined(__CUDA_ARCH__)
  using std::exp;
#endif
  const T pa = exp(a * lp);         // p^a in (0, 1]
  const T bpa = exp(ln_base * pa);  // b^(p^a) in (1, b]
  loss = base - bpa;
  dlp = -a * ln_base * bpa * pa;
  // pa lp -> 0 as lp -> -inf (p_y underflowed to 0): the limit, not 0 * inf = NaN.
  da = pa == T(0) ? T(0) : -ln_base * bpa * pa * lp;
}

}  // namespace adma::losses
