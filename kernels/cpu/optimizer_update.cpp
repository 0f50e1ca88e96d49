// CPU reference of kernels/optimizer_update.h: plain loops over the segments,
// per-step constants in double, per-element arithmetic in the buffer's type
// (float, as the CUDA kernel; double for exact tests).
#include "kernels/optimizer_update.h"

#include <cmath>

#include "kernels/cpu/typed.h"

namespace adma::kernels {

void cpu::optimizer_setup_init(Context&, OptimizerUpdateSetup&) {}

namespace cpu {
namespace {

// Sum over segments of l2 * sum w^2, in segment order.
template <typename T>
double penalty_of(const OptimizerUpdateSetup& p, const T* w) {
  double total = 0;
  for (const auto& s : p.segments) {
    if (s.l2 == 0) continue;
    double sum = 0;
    for (int64_t i = s.begin; i < s.end; ++i) sum += static_cast<double>(w[i]) * static_cast<double>(w[i]);
    total += s.l2 * sum;
  }
  return total;
}

}  // namespace
}  // namespace cpu

void cpu::l2_penalty(Context&, const OptimizerUpdateSetup& p, const OptimizerTensors& t) {
  typed(t.params.dtype(), [&](auto tag) {
    using T = decltype(tag);
    t.penalty.data<double>()[0] = penalty_of(p, t.params.data<T>());
  });
}

void cpu::optimizer_update(Context&, const OptimizerUpdateSetup& p, const OptimizerTensors& t) {
  typed(t.params.dtype(), [&](auto tag) {
    using T = decltype(tag);
    T* w = t.params.data<T>();
    const T* g = t.grads.data<T>();
    T* m = t.m.data<T>();
    T* v = p.rule == UpdateRule::Adam ? t.v.data<T>() : nullptr;
    int32_t& step = t.step.data<int32_t>()[0];
    const int64_t step_t = static_cast<int64_t>(step) + 1;
    const double lr = scheduled_lr(p, static_cast<double>(t.lr.data<T>()[0]), step_t);
    // Adam's bias correction folded into the step size (Keras 2).
    const double correction = std::sqrt(1.0 - std::pow(p.beta2, static_cast<double>(step_t))) /
                              (1.0 - std::pow(p.beta1, static_cast<double>(step_t)));
    t.penalty.data<double>()[0] = penalty_of(p, w);

    const T mom = static_cast<T>(p.momentum), b1 = static_cast<T>(p.beta1), b2 = static_cast<T>(p.beta2),
            eps = static_cast<T>(p.epsilon);
    // One loop per rule, so each inner loop is branch-free (and vectorises).
    for (const auto& s : p.segments) {
      const T lr_s = static_cast<T>(lr * s.lr_mult), lr_t = static_cast<T>(lr * s.lr_mult * correction);
      // keep = 1 - lr_s decay_s: exactly 1 (w unchanged) without decay.
      const T two_l2 = static_cast<T>(2.0 * s.l2);
      const T keep = static_cast<T>(1) - static_cast<T>(lr * s.lr_mult * s.decay);
      if (p.rule == UpdateRule::SGD && !p.nesterov) {
        for (int64_t i = s.begin; i < s.end; ++i) {
          const T gi = g[i] + two_l2 * w[i];
          const T vel = mom * m[i] - lr_s * gi;
          m[i] = vel;
          w[i] = keep * w[i] + vel;
        }
      } else if (p.rule == UpdateRule::SGD) {
        for (int64_t i = s.begin; i < s.end; ++i) {
          const T gi = g[i] + two_l2 * w[i];
          const T vel = mom * m[i] - lr_s * gi;
          m[i] = vel;
          w[i] = keep * w[i] + mom * vel - lr_s * gi;
        }
      } else {
        for (int64_t i = s.begin; i < s.end; ++i) {
          const T gi = g[i] + two_l2 * w[i];
          const T mi = b1 * m[i] + (T(1) - b1) * gi;
          const T vi = b2 * v[i] + (T(1) - b2) * gi * gi;
          m[i] = mi;
          v[i] = vi;
          w[i] = keep * w[i] - lr_t * mi / (std::sqrt(vi) + eps);
        }
      }
      if (s.clamp) {
        const T lo = static_cast<T>(s.lo), hi = static_cast<T>(s.hi);
        for (int64_t i = s.begin; i < s.end; ++i) w[i] = w[i] < lo ? lo : (w[i] > hi ? hi : w[i]);
      }
    }
    step = static_cast<int32_t>(step_t);
  });
}

}  // namespace adma::kernels
