// eval_bench: the evaluation step (forward + loss, eval mode) with batch norm folded into
// the layer before it and without (core/graph/node.h, ADMA_FOLD_BN), side by side on one
// graph and interleaved rep by rep, so drift on a shared machine hits both alike.
// Wall clock per step after warm-up, median of --reps; images/s = batch / median. On CUDA
// each mode is one captured step (CapturedStep), as the Trainer evaluates, and its kernel
// count is printed. "refold ms" is what each evaluation pass pays once (Graph::eval).
// --profile adds each mode's time per node kind (Graph::set_profiling: a synchronize
// around every node, so on CUDA it shows launch-bound time, not the captured step's).
//   build/bin/eval_bench [--model resnet34] [--batch 64] [--size 32] [--reps 20]
//                        [--threads N] [--device cpu|cuda:0] [--profile] [--json FILE]
// The model is any of `adma models` (the ConvNet has no folded pair: both columns equal).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "benchmarks/bench_model.h"
#include "core/graph/captured_step.h"
#include "core/graph/graph.h"
#include "core/rng.h"
#include "kernels/cpu_backend.h"
#include "layers/softmax_loss.h"
#include "models/registry.h"

using namespace adma;

namespace {

struct Flags : bench::ModelBenchFlags {
  bool profile = false;
  Flags() { reps = 20; }
};

[[noreturn]] void usage() {
  std::fprintf(stderr,
               "usage: eval_bench [--model resnet34] [--batch 64] [--size 32] [--reps 20] [--threads N] "
               "[--device cpu|cuda:N] [--profile] [--json FILE]\n");
  std::exit(2);
}

Flags parse(int argc, char** argv) {
  Flags f;
  for (int i = 1; i < argc; ++i) {
    if (bench::parse_model_bench_flag(argc, argv, i, f)) continue;
    if (std::string(argv[i]) == "--profile") f.profile = true;
    else usage();
  }
  if (f.batch < 1 || f.size < 1) usage();
  return f;
}

double median(std::vector<double> v) {
  std::nth_element(v.begin(), v.begin() + v.size() / 2, v.end());
  return v[v.size() / 2];
}

template <typename F>
double time_ms(Context& ctx, F&& f) {
  const auto t0 = std::chrono::steady_clock::now();
  f();
  ctx.synchronize();
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

int main(int argc, char** argv) {
  const Flags f = parse(argc, argv);
  try {
    if (f.threads > 0) kernels::set_cpu_threads(f.threads);
    const Device dev = bench::bench_device(f.device);
    Graph g(dev, DType::F32, 1);
    g.set_fold_batchnorm(true);  // planned with folding, whatever ADMA_FOLD_BN says; switched per rep
    const bench::BenchModel m = bench::add_bench_model(g, f);
    g.build();
    bench::fill_bench_batch(g, m.x, m.labels, 10);
    Context& ctx = g.context();
    std::printf("adma eval_bench: %s, batch %d of 3x%dx%d, %s", f.model.c_str(), f.batch, f.size, f.size,
                dev.str().c_str());
    if (dev.is_cpu()) std::printf(", %d thread(s), %s kernels", kernels::cpu_threads(), backend_name(ctx.backend));
    std::printf(", %zu folded pairs, %d reps interleaved\n", g.folded_pairs().size(), f.reps);

    // One eval step per mode: a captured CUDA graph on the GPU, the plain forward on the CPU.
    g.eval();
    std::unique_ptr<CapturedStep> steps[2];  // [0] unfolded, [1] folded
    for (int folded : {0, 1}) {
      g.set_fold_batchnorm(folded == 1);
      g.eval();
      steps[folded] = std::make_unique<CapturedStep>(g, [&] { g.forward(); });
      for (int i = 0; i < 2; ++i) steps[folded]->replay();  // warm-up
    }
    std::vector<double> ms[2], refold;
    for (int r = 0; r < f.reps; ++r)
      for (int folded : {0, 1}) {
        g.set_fold_batchnorm(folded == 1);
        if (folded) refold.push_back(time_ms(ctx, [&] { g.refold(); }));
        ctx.synchronize();
        ms[folded].push_back(time_ms(ctx, [&] { steps[folded]->replay(); }));
      }
    const double plain = median(ms[0]), folded = median(ms[1]);
    std::printf("| batch norm | eval step ms (median) | images/s | kernels per step |\n|---|---|---|---|\n");
    for (int k : {0, 1})
      std::printf("| %s | %.2f | %.1f | %s |\n", k ? "folded" : "own pass", median(ms[k]), f.batch * 1e3 / median(ms[k]),
                  steps[k]->node_counts().str().c_str());
    std::printf("folded / own pass: %.3fx the images/s; one refold %.3f ms (once per evaluation pass); "
                "folded weights %.2f MiB\n",
                plain / folded, median(refold), g.memory().folded / (1024.0 * 1024.0));
    if (f.profile) {
      // Forward time per node kind, per step, for each mode.
      std::map<std::string, double> per_kind[2];
      const int steps = std::max(3, f.reps / 2);
      for (int k : {0, 1}) {
        g.set_fold_batchnorm(k == 1);
        g.set_profiling(true);
        g.reset_profile();
        for (int i = 0; i < steps; ++i) g.forward();
        g.set_profiling(false);
        for (int i = 0; i < g.size(); ++i) per_kind[k][g.node_at(i).kind()] += g.profile()[i].forward_s * 1e3 / steps;
      }
      std::printf("\n| node kind | own pass ms | folded ms |\n|---|---|---|\n");
      for (const auto& [kind, ms0] : per_kind[0]) std::printf("| %s | %.2f | %.2f |\n", kind.c_str(), ms0, per_kind[1][kind]);
    }
    if (!f.json.empty())
      std::ofstream(f.json) << "{\"model\": \"" << f.model << "\", \"batch\": " << f.batch << ", \"size\": " << f.size
                            << ", \"device\": \"" << dev.str() << "\", \"unfolded_ms\": " << plain
                            << ", \"folded_ms\": " << folded << ", \"refold_ms\": " << median(refold) << "}\n";
  } catch (const std::exception& e) {
    std::fprintf(stderr, "eval_bench: %s\n", e.what());
    return 1;
  }
  return 0;
}
