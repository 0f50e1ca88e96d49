// CPU reference of kernels/softmax_loss.h: the per-sample math of losses/phi.h
// evaluated in double (float and bfloat16 logits are widened), one row at a time.
// bfloat16 logits: dlogits are rounded to bfloat16 (through float, as the GPU does),
// the loss, the metrics and a learnable a are float32.
#include "kernels/softmax_loss.h"

#include <algorithm>
#include <limits>
#include <type_traits>

#include "kernels/cpu/typed.h"

namespace adma::kernels {

namespace {

// The logits' element type In (float, double, BFloat16) to double and back.
inline double widen(float v) { return v; }
inline double widen(double v) { return v; }
inline double widen(BFloat16 v) { return bf16_to_float(v); }
template <typename In>
In narrow(double v) {
  if constexpr (std::is_same_v<In, BFloat16>)
    return float_to_bf16(static_cast<float>(v));
  else
    return static_cast<In>(v);
}

// T: the type of the loss, the metrics and `a` (In itself, float for bfloat16 logits).
template <typename In, typename T>
void softmax_loss_rows(const SoftmaxLossSetup& s, const Tensor& logits, const Tensor& labels, const Tensor& a_t,
                       double scale, bool accumulate, LossOutputs& out) {
  const int64_t n = s.n, c = s.c;
  const int32_t* y = labels.data<int32_t>();
  const In* z = logits.data<In>();
  In* dz = out.dlogits.defined() ? out.dlogits.data<In>() : nullptr;
  losses::LossConsts<double> k = s.f64;
  if (a_t.defined()) k.a = static_cast<double>(a_t.data<T>()[0]);  // the trained a
  double sum_loss = 0, sum_da = 0, correct = 0, counted = 0;
  // Per-row scratch, allocated once per call: p, dL/dz (unscaled), dL/dp / C.
  std::vector<double> p(static_cast<size_t>(c)), g(static_cast<size_t>(c)), dfdp(static_cast<size_t>(c));
  for (int64_t i = 0; i < n; ++i) {
    const In* zr = z + i * c;
    int64_t arg = 0;
    for (int64_t j = 1; j < c; ++j)
      if (widen(zr[j]) > widen(zr[arg])) arg = j;
    const double m = widen(zr[arg]);
    double sum = 0;
    for (int64_t j = 0; j < c; ++j) sum += std::exp(widen(zr[j]) - m);
    const double lse = m + std::log(sum);
    for (int64_t j = 0; j < c; ++j) p[j] = std::exp(widen(zr[j]) - lse);
    const int32_t label = y[i];
    const bool valid = label >= 0 && label < c;
    const bool ignored = label == kIgnoreLabel;
    double loss = ignored ? 0.0 : std::numeric_limits<double>::quiet_NaN(), da = 0;
    std::fill(g.begin(), g.end(), 0.0);
    if (valid && losses::uses_lp_only(s.params.kind)) {
      double dlp = 0;
      losses::phi<double>(k, widen(zr[label]) - lse, loss, dlp, da);
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
        const T v = static_cast<T>(scale * g[j]);  // added in T, as the kernels add in float
        dz[i * c + j] = narrow<In>(accumulate ? static_cast<T>(widen(dz[i * c + j])) + v : v);
      }
  }
  out.loss.data<T>()[0] = static_cast<T>(counted > 0 ? sum_loss / counted : 0.0);
  out.correct.data<T>()[0] = static_cast<T>(correct);
  if (out.dloss_da.defined()) out.dloss_da.data<T>()[0] = static_cast<T>(scale * sum_da);
}

}  // namespace

void cpu::softmax_loss(Context&, const SoftmaxLossSetup& s, const Tensor& logits, const Tensor& labels,
                       const Tensor& a, double scale, bool accumulate, LossOutputs& out) {
  if (logits.dtype() == DType::BF16)
    return softmax_loss_rows<BFloat16, float>(s, logits, labels, a, scale, accumulate, out);
  typed(logits.dtype(), [&](auto tag) {
    using T = decltype(tag);
    softmax_loss_rows<T, T>(s, logits, labels, a, scale, accumulate, out);
  });
}

}  // namespace adma::kernels
