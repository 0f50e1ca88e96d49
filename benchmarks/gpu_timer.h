// The timing discipline of the GPU benchmarks (loss_bench, step_bench, optimizer_bench):
// CUDA events around single calls, after a warm-up, median of many; and their two
// flags (--reps, --json). The CPU benchmarks' twin is benchmarks/cpu_timer.h.
#pragma once
#include <cuda_runtime.h>

#include <algorithm>
#include <cerrno>
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

// --reps N (at least `min_reps`, default 100) and --json FILE. --help prints the usage
// and exits 0; anything else is a usage error: one line on stderr, exit 2.
inline Flags parse_flags(int argc, char** argv, const char* name, int min_reps) {
  Flags f;
  auto usage_error = [&](const std::string& what) {
    std::fprintf(stderr, "%s: error: %s (see %s --help)\n", name, what.c_str(), name);
    std::exit(2);
  };
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--help") || !std::strcmp(argv[i], "-h")) {
      std::printf(
          "usage: %s [--reps N] [--json FILE]\n"
          "  --reps N     timed repetitions per case, at least %d (default %d)\n"
          "  --json FILE  also write the results as JSON to FILE (default: none)\n"
          "Prints a Markdown table of the timings to standard output. Needs a CUDA device.\n",
          name, min_reps, std::max(min_reps, f.reps));
      std::exit(std::fflush(stdout) == 0 && !std::ferror(stdout) ? 0 : 1);
    } else if (!std::strcmp(argv[i], "--reps") && i + 1 < argc) {
      char* end = nullptr;
      const long v = std::strtol(argv[++i], &end, 10);
      if (*argv[i] == '\0' || *end != '\0' || v < 1 || v > 1000000)
        usage_error(std::string("--reps: '") + argv[i] + "' is not an integer in [1, 1000000]");
      f.reps = std::max(min_reps, static_cast<int>(v));
    } else if (!std::strcmp(argv[i], "--json") && i + 1 < argc) {
      f.json = argv[++i];
    } else {
      usage_error(std::string("unknown flag '") + argv[i] + "'");
    }
  }
  f.reps = std::max(min_reps, f.reps);
  return f;
}

// Writes `text` to `path`, checked through the close: a full disk is an error, not a short file.
inline void write_file(const std::string& path, const std::string& text) {
  FILE* f = std::fopen(path.c_str(), "w");
  ADMA_CHECK(f != nullptr, "cannot write ", path, ": ", std::strerror(errno));
  const bool ok = std::fwrite(text.data(), 1, text.size(), f) == text.size();
  const int err = errno;
  ADMA_CHECK(std::fclose(f) == 0 && ok, "writing ", path, " failed: ", std::strerror(ok ? errno : err));
}

}  // namespace adma::bench
