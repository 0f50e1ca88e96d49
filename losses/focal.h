// Focal loss (Lin et al. 2017), cross-entropy weighted by (1 - p_y)^gamma:
//   L = -(1 - p)^g lp          dL/dlp = g (1 - p)^(g-1) p lp - (1 - p)^g      (p = p_y)
#pragma once
#include <cmath>

#include "core/host_device.h"

namespace adma::losses {

template <typename T>
ADMA_HD inline void focal_phi(T gamma, T lp, T& loss, T& dlp) {
#if !defined(__CUDA_ARCH__)
  using std::exp;
  using std::expm1;
  using std::pow;
#endif
  const T p = exp(lp);
  const T one_minus_p = -expm1(lp);  // exact near p = 1
  const T g = gamma;
  const T w = g == T(0) ? T(1) : pow(one_minus_p, g);
  loss = -w * lp;
  // g (1-p)^(g-1) p lp vanishes as p -> 1 for every g > 0; skip 0 * inf there.
  const T up = (g == T(0) || one_minus_p == T(0)) ? T(0) : g * pow(one_minus_p, g - 1) * p * lp;
  dlp = up - w;
}

}  // namespace adma::losses
