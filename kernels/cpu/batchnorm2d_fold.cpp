// CPU reference of kernels/batchnorm2d_fold.h: one pass over the weight, in double.
#include "kernels/batchnorm2d_fold.h"

#include <cmath>

#include "kernels/cpu/typed.h"

namespace adma::kernels {

void cpu::batchnorm2d_fold(Context&, const BatchNorm2dSetup& p, const Tensor& w, const Tensor& b, const Tensor& gamma,
                           const Tensor& beta, const Tensor& rm, const Tensor& rv, Tensor& fw, Tensor& fb) {
  const int64_t channels = p.shape[1], per_channel = w.numel() / channels;
  typed(p.dtype, [&](auto tag) {
    using T = decltype(tag);
    const T *pw = w.data<T>(), *pb = b.defined() ? b.data<T>() : nullptr;
    T *pfw = fw.data<T>(), *pfb = fb.data<T>();
    for (int64_t o = 0; o < channels; ++o) {
      // s = gamma / sqrt(var + eps), as batchnorm2d_forward_eval computes it.
      const double s = static_cast<double>(gamma.data<T>()[o]) / std::sqrt(static_cast<double>(rv.data<T>()[o]) + p.eps);
      for (int64_t i = o * per_channel; i < (o + 1) * per_channel; ++i) pfw[i] = static_cast<T>(s * pw[i]);
      const double bias = pb ? static_cast<double>(pb[o]) : 0.0;
      pfb[o] = static_cast<T>(std::fma(s, bias - rm.data<T>()[o], static_cast<double>(beta.data<T>()[o])));
    }
  });
}

}  // namespace adma::kernels
