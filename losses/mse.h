// Mean squared error on the softmax outputs (Keras's MSE after a softmax layer),
//   L = mean_k (p_k - y_k)^2,  y one-hot:   f(p_k) = (p_k - y_k)^2,  df/dp_k = 2 (p_k - y_k)
// (the 1/C mean and the softmax Jacobian are the kernel's: losses/phi.h, prob_term).
#pragma once
#include "core/host_device.h"

namespace adma::losses {

template <typename T>
ADMA_HD inline void mse_term(T p, bool is_target, T& f, T& dfdp) {
  const T d = p - (is_target ? T(1) : T(0));
  f = d * d;
  dfdp = 2 * d;
}

}  // namespace adma::losses
