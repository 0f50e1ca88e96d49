// CPU reference of kernels/training_metrics.h.
#include <cmath>

#include "kernels/cpu/typed.h"
#include "kernels/training_metrics.h"

namespace adma::kernels {

void cpu::accumulate_metrics(Context&, const Tensor& per_sample, const Tensor& labels, const Tensor& correct,
                             const Tensor& penalty, const Tensor& step, Tensor& acc) {
  typed(per_sample.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* l = per_sample.data<T>();
    const int32_t* y = labels.data<int32_t>();
    double sum = 0, rows = 0;
    for (int64_t i = 0, n = per_sample.numel(); i < n; ++i) {
      sum += static_cast<double>(l[i]);  // 0 for an ignored row
      rows += y[i] != kIgnoreLabel ? 1 : 0;
    }
    if (penalty.defined()) sum += penalty.data<double>()[0] * rows;
    double* a = acc.data<double>();
    a[0] += sum;
    a[1] += static_cast<double>(correct.data<T>()[0]);
    a[2] += rows;
    if (!std::isfinite(sum) && a[3] == 0 && step.defined()) a[3] = step.data<int32_t>()[0];
  });
}

}  // namespace adma::kernels
