// cpu_step_bench: the paper's ConvNet on the CPU, timed the way
// benchmarks/pytorch/cpu_step_bench.py times PyTorch, so the two can be put side by
// side (benchmarks/cpu_side_by_side.py runs both and prints the ratios):
//   train step     zero_grad + forward + Adma loss (+ its gradient) + backward, training mode
//   train forward  forward + loss, training mode (batch statistics, dropout masks)
//   inference      forward + loss, eval mode (running statistics, no dropout, no gradients)
// No optimizer. Wall clock (steady_clock) per call after warm-up, median of --reps.
//   build/bin/cpu_step_bench [--batch 64,256] [--threads N] [--reps 20] [--json FILE]
//                            [--profile] [--reference] [--own-conv]
// --profile adds the per-node time of one training step and of one inference; --reference runs the plain
// reference kernels (as ADMA_CPU_REFERENCE=1 does) instead of the fast path;
// --own-conv keeps oneDNN out of the fast path's convolutions (as ADMA_CPU_CONV=own).
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "benchmarks/bench_convnet.h"
#include "benchmarks/cpu_timer.h"
#include "core/backend_options.h"
#include "kernels/cpu_backend.h"

using namespace adma;
using adma::bench::median_ms;

namespace {

struct Flags {
  std::vector<int> batches{64, 256};
  int threads = 0;  // 0: OpenMP's default
  int reps = 20;
  std::string json;
  bool profile = false, reference = false, own_conv = false;
};

[[noreturn]] void usage() {
  std::fprintf(stderr,
               "usage: cpu_step_bench [--batch 64,256] [--threads N>=1] [--reps N>=3] [--json FILE] [--profile] "
               "[--reference] [--own-conv]\n");
  std::exit(2);
}

Flags parse(int argc, char** argv) {
  Flags f;
  for (int i = 1; i < argc; ++i) {
    const bool more = i + 1 < argc;
    if (!std::strcmp(argv[i], "--batch") && more) {
      f.batches.clear();
      for (const char* s = argv[++i]; *s;) {
        char* end;
        const long b = std::strtol(s, &end, 10);
        if (end == s || b < 1) usage();
        f.batches.push_back(static_cast<int>(b));
        s = *end == ',' ? end + 1 : end;
        if (*end && *end != ',') usage();
      }
    } else if (!std::strcmp(argv[i], "--threads") && more) {
      f.threads = std::atoi(argv[++i]);
      if (f.threads < 1) usage();
    } else if (!std::strcmp(argv[i], "--reps") && more) {
      f.reps = std::max(3, std::atoi(argv[++i]));
    } else if (!std::strcmp(argv[i], "--json") && more) {
      f.json = argv[++i];
    } else if (!std::strcmp(argv[i], "--profile")) {
      f.profile = true;
    } else if (!std::strcmp(argv[i], "--own-conv")) {
      f.own_conv = true;
    } else if (!std::strcmp(argv[i], "--reference")) {
      f.reference = true;
    } else {
      usage();
    }
  }
  return f;
}

void print_profile(Graph& g, int steps, const char* what, bool training) {
  std::printf("\nper-node time of one %s (mean of %d), ms:\n", what, steps);
  std::printf("%-22s %-12s %9s %9s %7s\n", "node", "kind", "forward", "backward", "share");
  double total = 0;
  for (const auto& t : g.profile()) total += t.forward_s + t.backward_s;
  for (int i = 0; i < g.size(); ++i) {
    const auto& t = g.profile()[static_cast<size_t>(i)];
    if (t.forward_s + t.backward_s == 0) continue;
    std::printf("%-22s %-12s %9.2f %9.2f %6.1f%%\n", g.node_at(i).name().c_str(), g.node_at(i).kind().c_str(),
                1e3 * t.forward_s / steps, 1e3 * t.backward_s / steps, 100 * (t.forward_s + t.backward_s) / total);
  }
  std::printf("%-22s %-12s %19.2f (nodes only%s)\n", "total", "", 1e3 * total / steps,
              training ? "; the step also clears activation gradients" : "");
}

}  // namespace

int main(int argc, char** argv) {
  const Flags f = parse(argc, argv);
  try {
    if (f.threads > 0) kernels::set_cpu_threads(f.threads);
    Context& ctx = Context::cpu();
    if (f.reference) ctx.backend = Backend::CpuReference;
    if (f.own_conv) backend_options().conv = CpuConvEngine::Own;  // read when the graph sets up its convolutions
    const bool reference = ctx.backend == Backend::CpuReference;
    const bool own = backend_options().conv == CpuConvEngine::Own;
    std::printf("adma cpu_step_bench: %d thread(s), %s kernels\n", kernels::cpu_threads(),
                reference ? "reference" : own ? "fast (own convolutions)" : "fast (oneDNN convolutions)");
    std::printf("| batch | train step ms | train forward ms | inference ms | epoch-equivalent s |\n");
    std::printf("|---|---|---|---|---|\n");
    std::string json = "{\"threads\": " + std::to_string(kernels::cpu_threads()) + ", \"kernels\": \"" +
                       (reference ? "reference" : "fast") + "\", \"results\": [";
    for (size_t bi = 0; bi < f.batches.size(); ++bi) {
      const int batch = f.batches[bi];
      bench::BenchConvNet net = bench::make_bench_convnet(Device::cpu(), batch);
      Graph& g = *net.graph;
      g.train();
      const double step = median_ms(f.reps, [&] {
        g.zero_grad();
        g.forward();
        g.backward();
      });
      const double fwd = median_ms(f.reps, [&] { g.forward(); });
      g.eval();
      const double inf = median_ms(f.reps, [&] { g.forward(); });
      std::printf("| %d | %.1f | %.1f | %.1f | %.1f |\n", batch, step, fwd, inf, step * 1e-3 * 60000.0 / batch);
      std::fflush(stdout);
      json += std::string(bi ? ", " : "") + "{\"batch\": " + std::to_string(batch) +
              ", \"train_step_ms\": " + std::to_string(step) + ", \"train_forward_ms\": " + std::to_string(fwd) +
              ", \"inference_ms\": " + std::to_string(inf) + "}";
      if (f.profile) {
        g.train();
        const int steps = std::max(3, f.reps / 2);
        g.set_profiling(true);
        g.reset_profile();
        for (int i = 0; i < steps; ++i) {
          g.zero_grad();
          g.forward();
          g.backward();
        }
        g.set_profiling(false);
        print_profile(g, steps, "training step", true);
        g.eval();
        g.set_profiling(true);
        g.reset_profile();
        for (int i = 0; i < steps; ++i) g.forward();
        g.set_profiling(false);
        print_profile(g, steps, "inference", false);
      }
    }
    json += "]}\n";
    if (!f.json.empty()) std::ofstream(f.json) << json;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "cpu_step_bench: %s\n", e.what());
    return 1;
  }
  return 0;
}
