// CPU reference of kernels/softmax_loss.h: the per-sample math of losses/phi.h
// evaluated in double (float tensors are widened), one row at a time.
#include "kernels/softmax_loss.h"

#include <algorithm>
#include <limits>

#include "kernels/cpu/typed.h"

namespace adma::kernels {

void cpu::softmax_loss(Context&, const SoftmaxLossSetup& s, const Tensor& logits, const Tensor& labels,
                       const Tensor& a_t, double scale, bool accumulate, LossOutputs& out) {
  const int64_t n = s.n, c = s.c;
  const int32_t* y = labels.data<int32_t>();
  typed(logits.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* z = logits.data<T>();
    T* dz = out.dlogits.defined() ? out.dlogits.data<T>() : nullptr;
    losses::LossConsts<double> k = s.f64;
    if (a_t.defined()) k.a = static_cast<double>(a_t.data<T>()[0]);  // the trained a
    double sum_loss = 0, sum_da = 0, correct = 0, counted = 0;
    // Per-row scratch, allocated once per call: p, dL/dz (unscaled), dL/dp / C.
    std::vector<double> p(static_cast<size_t>(c)), g(static_cast<size_t>(c)), dfdp(static_cast<size_t>(c));
    for (int64_t i = 0; i < n; ++i) {
      const T* zr = z + i * c;
      int64_t arg = 0;
      for (int64_t j = 1; j < c; ++j)
        if (zr[j] > zr[arg]) arg = j;
      const double m = zr[arg];
      double sum = 0;
      for (int64_t j = 0; j < c; ++j) sum += std::exp(static_cast<double>(zr[j]) - m);
      const double lse = m + std::log(sum);
      for (int64_t j = 0; j < c; ++j) p[j] = std::exp(static_cast<double>(zr[j]) - lse);
      const int32_t label = y[i];
      const bool valid = label >= 0 && label < c;
      const bool ignored = label == kIgnoreLabel;
      double loss = ignored ? 0.0 : std::numeric_limits<double>::quiet_NaN(), da = 0;
      std::fill(g.begin(), g.end(), 0.0);
      if (valid && losses::uses_lp_only(s.params.kind)) {
        double dlp = 0;
        losses::phi<double>(k, static_cast<double>(zr[label]) - lse, loss, dlp, da);
        for (int64_t j = 0; j < c; ++j) g[j] = dlp * ((j == label ? 1.0 : 0.0) - p[j]);
      } else if (valid) {
        double sum_f = 0, dot = 0;
        for (int64_t j = 0; j < c; ++j) {
          double f = 0;
          losses::prob_term<double>(k, p[j], j == label, f, dfdp[j]);
          dfdp[j] /= static_cast<double>(c);
          sum_f += f;
          dot += dfdp[j] * p[j];
        }
        loss = sum_f / static_cast<double>(c);
        for (int64_t j = 0; j < c; ++j) g[j] = p[j] * (dfdp[j] - dot);
      }
      out.per_sample.data<T>()[i] = static_cast<T>(loss);
      if (!ignored) {
        sum_loss += loss;
        counted += 1;
      }
      sum_da += da;
      correct += (valid && arg == label) ? 1 : 0;
      if (dz)
        for (int64_t j = 0; j < c; ++j) {
          const T v = static_cast<T>(scale * g[j]);
          dz[i * c + j] = accumulate ? dz[i * c + j] + v : v;
        }
    }
    out.loss.data<T>()[0] = static_cast<T>(counted > 0 ? sum_loss / counted : 0.0);
    out.correct.data<T>()[0] = static_cast<T>(correct);
    if (out.dloss_da.defined()) out.dloss_da.data<T>()[0] = static_cast<T>(scale * sum_da);
  });
}

}  // namespace adma::kernels
