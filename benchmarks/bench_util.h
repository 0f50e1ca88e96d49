// What every GPU benchmark here shares: the timing discipline (CUDA events around
// single calls, after a warm-up, median of many) and the two flags.
#pragma once
#include <cuda_runtime.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "core/cuda/check.h"

namespace adma::bench {

// Median time of `run()` in microseconds, over `reps` timed calls after 10 untimed ones.
template <typename F>
double median_us(int reps, cudaStream_t s, F&& run) {
  cudaEvent_t a, b;
  CUDA_CHECK(cudaEventCreate(&a));
  CUDA_CHECK(cudaEventCreate(&b));
  for (int i = 0; i < 10; ++i) run();
  CUDA_CHECK(cudaGetLastError());
  std::vector<float> ms;
  for (int i = 0; i < reps; ++i) {
    CUDA_CHECK(cudaEventRecord(a, s));
    run();
    CUDA_CHECK(cudaEventRecord(b, s));
    CUDA_CHECK(cudaEventSynchronize(b));
    float t = 0;
    CUDA_CHECK(cudaEventElapsedTime(&t, a, b));
    ms.push_back(t);
  }
  // A launch inside run() that failed asynchronously surfaces here, not as a time.
  CUDA_CHECK(cudaGetLastError());
  CUDA_CHECK(cudaStreamSynchronize(s));
  CUDA_CHECK(cudaEventDestroy(a));
  CUDA_CHECK(cudaEventDestroy(b));
  std::nth_element(ms.begin(), ms.begin() + ms.size() / 2, ms.end());
  return ms[ms.size() / 2] * 1000.0;
}

struct Flags {
  int reps = 100;
  std::string json;
};

// --reps N (at least `min_reps`) and --json FILE; anything else prints usage and exits 2.
inline Flags parse_flags(int argc, char** argv, const char* name, int min_reps) {
  Flags f;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--reps") && i + 1 < argc)
      f.reps = std::max(min_reps, std::atoi(argv[++i]));
    else if (!std::strcmp(argv[i], "--json") && i + 1 < argc)
      f.json = argv[++i];
    else {
      std::fprintf(stderr, "usage: %s [--reps N>=%d] [--json FILE]\n", name, min_reps);
      std::exit(2);
    }
  }
  return f;
}

}  // namespace adma::bench
