// Generalized cross-entropy (Zhang & Sabuncu 2018), between CCE (q -> 0) and MAE (q = 1):
//   L = (1 - p_y^q) / q,   p_y^q = exp(q lp)          dL/dlp = -p_y^q
#pragma once
#include <cmath>

#include "core/host_device.h"

namespace adma::losses {

template <typename T>
ADMA_HD inline void generalized_ce_phi(T q, T lp, T& loss, T& dlp) {
#if !defined(__CUDA_ARCH__)
  using std::exp;
#endif
  const T pq = exp(q * lp);
  loss = (1 - pq) / q;
  dlp = -pq;
}

}  // namespace adma::losses
