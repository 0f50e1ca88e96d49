// Categorical cross-entropy from logits (Keras from_logits, exact: no clipping needed):
//   L = -lp = -log p_y          dL/dlp = -1
#pragma once
#include "core/host_device.h"

namespace adma::losses {

template <typename T>
ADMA_HD inline void cross_entropy_phi(T lp, T& loss, T& dlp) {
  loss = T(0) - lp;  // +0 rather than -0 at p = 1
  dlp = -1;
}

}  // namespace adma::losses
