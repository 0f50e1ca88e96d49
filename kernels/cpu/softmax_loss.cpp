// CPU reference of kernels/softmax_loss.h: the same per-sample math
// (kernels/loss_phi.h) evaluated in double, one row at a time.
#include "kernels/softmax_loss.h"

#include <limits>

#include "kernels/cpu/typed.h"
#include "kernels/loss_phi.h"

namespace adma::kernels::cpu {

void softmax_loss(Context&, const LossParams& params, const Tensor& logits, const Tensor& labels, const Tensor& a_t,
                  double scale, bool accumulate, LossOutputs& out) {
  ADMA_CHECK(logits.shape().rank() == 2, "loss: logits must be [N, C], got ", logits.shape().str());
  const int64_t n = logits.dim(0), c = logits.dim(1);
  ADMA_CHECK(labels.dtype() == DType::I32 && labels.numel() == n, "loss: labels must be int32 [", n, "], got ",
             dtype_name(labels.dtype()), " ", labels.shape().str());
  const LossConsts k = loss_consts(params);
  const int32_t* y = labels.data<int32_t>();
  typed(logits.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* z = logits.data<T>();
    T* dz = out.dlogits.defined() ? out.dlogits.data<T>() : nullptr;
    const double a = a_t.defined() ? static_cast<double>(a_t.data<T>()[0]) : params.a;
    double sum_loss = 0, sum_da = 0, correct = 0;
    // Per-row scratch, allocated once per call: p, dL/dz (unscaled), dL/dp / C.
    std::vector<double> p(static_cast<size_t>(c)), g(static_cast<size_t>(c)), dfdp(static_cast<size_t>(c));
    for (int64_t i = 0; i < n; ++i) {
      const T* zr = z + i * c;
      int64_t arg = 0;
      double m = zr[0];
      for (int64_t j = 1; j < c; ++j)
        if (zr[j] > zr[arg]) arg = j;
      m = zr[arg];
      double s = 0;
      for (int64_t j = 0; j < c; ++j) s += std::exp(static_cast<double>(zr[j]) - m);
      const double lse = m + std::log(s);
      for (int64_t j = 0; j < c; ++j) p[j] = std::exp(static_cast<double>(zr[j]) - lse);
      const int32_t label = y[i];
      const bool valid = label >= 0 && label < c;
      double loss = std::numeric_limits<double>::quiet_NaN(), da = 0;
      std::fill(g.begin(), g.end(), 0.0);
      if (valid && params.uses_lp_only()) {
        double dlp;
        loss_phi<double>(k, a, static_cast<double>(zr[label]) - lse, loss, dlp, da);
        for (int64_t j = 0; j < c; ++j) g[j] = dlp * ((j == label ? 1.0 : 0.0) - p[j]);
      } else if (valid) {
        double sum_f = 0, dot = 0;
        for (int64_t j = 0; j < c; ++j) {
          double f;
          loss_prob_term<double>(k, p[j], j == label, f, dfdp[j]);
          dfdp[j] /= static_cast<double>(c);
          sum_f += f;
          dot += dfdp[j] * p[j];
        }
        loss = sum_f / static_cast<double>(c);
        for (int64_t j = 0; j < c; ++j) g[j] = p[j] * (dfdp[j] - dot);
      }
      out.per_sample.data<T>()[i] = static_cast<T>(loss);
      sum_loss += loss;
      sum_da += da;
      correct += (valid && arg == label) ? 1 : 0;
      if (dz)
        for (int64_t j = 0; j < c; ++j) {
          const T v = static_cast<T>(scale * g[j]);
          dz[i * c + j] = accumulate ? dz[i * c + j] + v : v;
        }
    }
    out.loss.data<T>()[0] = static_cast<T>(sum_loss / static_cast<double>(n));
    out.correct.data<T>()[0] = static_cast<T>(correct);
    if (out.dloss_da.defined()) out.dloss_da.data<T>()[0] = static_cast<T>(scale * sum_da);
  });
}

}  // namespace adma::kernels::cpu
