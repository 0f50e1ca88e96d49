// The timing discipline of the CPU benchmarks (cpu_step_bench, dnnl_conv_bench), the
// same as benchmarks/pytorch/cpu_step_bench.py's: wall clock around single calls,
// after warm-up, median of many.
#pragma once
#include <algorithm>
#include <chrono>
#include <vector>

namespace adma::bench {

// Median wall time of `run()` in milliseconds over `reps` calls, after 3 untimed ones.
template <typename F>
double median_ms(int reps, F&& run) {
  for (int i = 0; i < 3; ++i) run();
  std::vector<double> ms;
  for (int i = 0; i < reps; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    run();
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  }
  std::nth_element(ms.begin(), ms.begin() + ms.size() / 2, ms.end());
  return ms[ms.size() / 2];
}

}  // namespace adma::bench
