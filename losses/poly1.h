// Poly-1 (Leng et al. 2022): cross-entropy plus the first polynomial term,
//   L = -lp + eps (1 - p_y)          dL/dlp = -1 - eps p_y
#pragma once
#include <cmath>

#include "core/host_device.h"

namespace adma::losses {

template <typename T>
ADMA_HD inline void poly1_phi(T epsilon, T lp, T& loss, T& dlp) {
#if !defined(__CUDA_ARCH__)
  using std::exp;
#endif
  const T p = exp(lp);
  loss = -lp + epsilon * (1 - p);
  dlp = -1 - epsilon * p;
}

}  // namespace adma::losses
