// Backend-independent parts of kernels/optimizer_update.h: the schedule's per-step
// rule on the host, and the operand checks both backends rely on.
#include "kernels/optimizer_update.h"

#include <algorithm>
#include <cmath>

namespace adma::kernels {

double scheduled_lr(const OptimizerUpdateSetup& p, double slot, int64_t t) {
  const double done = static_cast<double>(t - 1);  // Keras `iterations` before this update
  switch (p.lr_rule) {
    case LrRule::Fixed:
      return slot;
    case LrRule::TimeDecay:
      return slot / (1.0 + p.lr_decay * done);
    case LrRule::Cosine: {
      const double T = static_cast<double>(p.lr_steps);
      const double x = std::min(done, T) / T;
      return p.lr_min + (slot - p.lr_min) * 0.5 * (1.0 + std::cos(M_PI * x));
    }
  }
  return slot;
}

void check_optimizer_operands(const OptimizerUpdateSetup& p, const OptimizerTensors& t, bool update) {
  ADMA_CHECK(t.params.defined() && t.params.shape().rank() == 1, "optimizer: parameters must be one flat buffer");
  ADMA_CHECK(t.penalty.defined() && t.penalty.dtype() == DType::F64 && t.penalty.numel() == 1,
             "optimizer: the penalty must be one float64");
  ADMA_CHECK(t.penalty.device() == t.params.device(), "optimizer: penalty on ", t.penalty.device().str(),
             ", parameters on ", t.params.device().str());
  const int64_t n = t.params.numel();
  for (const auto& s : p.segments)
    ADMA_CHECK(0 <= s.begin && s.begin <= s.end && s.end <= n, "optimizer: segment [", s.begin, ", ", s.end,
               ") outside the ", n, "-element parameter buffer");
  if (!update) return;
  auto same = [&](const Tensor& x, const char* what) {
    ADMA_CHECK(x.defined() && x.numel() == n && x.dtype() == t.params.dtype() && x.device() == t.params.device(),
               "optimizer: ", what, " must match the parameter buffer (", n, " ", dtype_name(t.params.dtype()),
               " on ", t.params.device().str(), ")");
  };
  same(t.grads, "gradients");
  same(t.m, p.rule == UpdateRule::SGD ? "the velocity" : "the first moment");
  if (p.rule == UpdateRule::Adam) same(t.v, "the second moment");
  ADMA_CHECK(t.step.defined() && t.step.dtype() == DType::I32 && t.step.numel() == 1 &&
                 t.step.device() == t.params.device(),
             "optimizer: the step counter must be one int32 on the parameters' device");
  ADMA_CHECK(t.lr.defined() && t.lr.dtype() == t.params.dtype() && t.lr.numel() == 1 &&
                 t.lr.device() == t.params.device(),
             "optimizer: the learning rate must be one value of the parameters' dtype on their device");
  ADMA_CHECK(p.lr_rule != LrRule::Cosine || p.lr_steps > 0,
             "optimizer: the cosine schedule needs its length in steps (> 0), got ", p.lr_steps);
}

}  // namespace adma::kernels
