// Helpers shared by the tests: random data, error norms, and the GPU guard.
#pragma once
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "core/cuda/runtime.h"
#include "core/rng.h"
#include "core/tensor.h"

namespace adma::test {

using Values = std::vector<double>;

// Uniform values in [lo, hi), never all zero; optionally kept |v| >= min_abs (away from kinks).
inline std::vector<double> random_values(Rng& rng, int64_t n, double lo = -1.0, double hi = 1.0,
                                         double min_abs = 0.0) {
  std::vector<double> v(static_cast<size_t>(n));
  for (auto& x : v) {
    do x = rng.uniform(lo, hi);
    while (std::fabs(x) < min_abs);
  }
  return v;
}

// n values in [lo, hi) no two closer than (hi - lo) / (2 n): an evenly spaced grid,
// each point jittered by up to a quarter step, in random order. Inputs of a max
// (Maxout, max pooling) drawn this way have no ties nor near-ties, so the arg-max
// is the same in float and double, on every backend, and under a finite-difference step.
inline std::vector<double> distinct_values(Rng& rng, int64_t n, double lo = -1.0, double hi = 1.0) {
  std::vector<double> v(static_cast<size_t>(n));
  const double step = (hi - lo) / static_cast<double>(n);
  for (int64_t i = 0; i < n; ++i)
    v[static_cast<size_t>(i)] = lo + step * (static_cast<double>(i) + 0.5 + rng.uniform(-0.25, 0.25));
  for (int64_t i = n - 1; i > 0; --i)  // Fisher-Yates
    std::swap(v[static_cast<size_t>(i)], v[static_cast<size_t>(rng.below(static_cast<uint64_t>(i) + 1))]);
  return v;
}

inline void fill_random(Tensor& t, Rng& rng, double lo = -1.0, double hi = 1.0, double min_abs = 0.0) {
  t.copy_from(Tensor::from_host(random_values(rng, t.numel(), lo, hi, min_abs), t.shape(), t.dtype(), Device::cpu()));
}

// Normalised mean squared error sum (a - b)^2 / sum b^2 (ggml's measure).
inline double nmse(const std::vector<double>& a, const std::vector<double>& b) {
  EXPECT_EQ(a.size(), b.size());
  double num = 0, den = 0;
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
    num += (a[i] - b[i]) * (a[i] - b[i]);
    den += b[i] * b[i];
  }
  return den == 0 ? num : num / den;
}

inline bool any_nan(const std::vector<double>& v) {
  for (double x : v)
    if (!std::isfinite(x)) return true;
  return false;
}

inline bool have_gpu() { return cuda_rt::device_count() > 0; }

// What a CUDA test does about the device: run it; skip (no device, the default
// on a development machine); or fail, when ADMA_REQUIRE_CUDA is set to anything
// but "" or "0" (scripts/gpu-check sets it), so a GPU run cannot pass by skipping.
enum class GpuGuard { Run, Skip, Fail };
inline GpuGuard gpu_guard(bool have_device, const char* require_cuda_env) {
  if (have_device) return GpuGuard::Run;
  const bool required = require_cuda_env && *require_cuda_env && std::string(require_cuda_env) != "0";
  return required ? GpuGuard::Fail : GpuGuard::Skip;
}

// Fresh random inputs for the CUDA-vs-CPU tests: a new seed each run (never the
// same data the kernel was tuned on), printed so ADMA_TEST_SEED=<n> replays it.
inline uint64_t fresh_seed() {
  uint64_t seed;
  if (const char* env = std::getenv("ADMA_TEST_SEED"))
    seed = std::strtoull(env, nullptr, 10);
  else
    seed = (static_cast<uint64_t>(std::random_device{}()) << 32) ^ std::random_device{}();
  std::printf("[ seed     ] %llu (ADMA_TEST_SEED=%llu replays this run)\n", static_cast<unsigned long long>(seed),
              static_cast<unsigned long long>(seed));
  return seed;
}

}  // namespace adma::test

// First line of every CUDA test: skips cleanly without a device (fails instead
// under ADMA_REQUIRE_CUDA=1) and says which backend runs when there is one.
#define ADMA_REQUIRE_GPU()                                                                                \
  do {                                                                                                    \
    switch (::adma::test::gpu_guard(::adma::test::have_gpu(), std::getenv("ADMA_REQUIRE_CUDA"))) {       \
      case ::adma::test::GpuGuard::Fail:                                                                  \
        FAIL() << "ADMA_REQUIRE_CUDA is set but there is no CUDA device: " << ::adma::cuda_rt::no_device_reason(); \
      case ::adma::test::GpuGuard::Skip:                                                                  \
        GTEST_SKIP() << "no CUDA device: " << ::adma::cuda_rt::no_device_reason();                        \
      case ::adma::test::GpuGuard::Run:                                                                   \
        break;                                                                                            \
    }                                                                                                     \
    std::printf("[ backend  ] cuda:0 (%s) against the cpu reference\n", ::adma::cuda_rt::device_name(0).c_str()); \
  } while (0)
