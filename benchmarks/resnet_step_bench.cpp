// resnet_step_bench: one training step of ResNet-34 (the paper's fine-tuning model) at
// CIFAR's size, timed the way benchmarks/pytorch/resnet_step_bench.py times PyTorch
// (benchmarks/resnet_side_by_side.py runs both and prints the ratios):
//   step = zero_grad + forward + Adma loss (+ its gradient) + backward + Adam update
// with every layer training, and with only the top K layers (models/freeze.h: the
// paper's "top 5"), where the frozen parameters have no gradient and no optimizer state
// and backward stops below layer4.1. Wall clock per step after warm-up, median of --reps.
//   build/bin/resnet_step_bench [--model resnet34] [--batch 64] [--size 32] [--train-top 0,5]
//                               [--reps 10] [--threads N] [--device cpu|cuda:0] [--json FILE]
// --train-top 0 trains everything. "of which forward" times a training-mode forward (and
// the loss) alone: the rest of the step is backward and the update. The memory columns are the graph's plan: the
// parameter-gradient and activation-gradient arenas, and the optimizer's moments.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "benchmarks/bench_model.h"
#include "benchmarks/cpu_timer.h"
#include "core/graph/graph.h"
#include "core/rng.h"
#include "kernels/cpu_backend.h"
#include "layers/softmax_loss.h"
#include "models/freeze.h"
#include "models/registry.h"
#include "optim/optimizer.h"

using namespace adma;

namespace {

struct Flags : bench::ModelBenchFlags {
  std::vector<int> tops{0, 5};
};

[[noreturn]] void usage() {
  std::fprintf(stderr,
               "usage: resnet_step_bench [--model resnet34] [--batch 64] [--size 32] [--train-top 0,5] [--reps 10] "
               "[--threads N] [--device cpu|cuda:N] [--json FILE]\n");
  std::exit(2);
}

Flags parse(int argc, char** argv) {
  Flags f;
  for (int i = 1; i < argc; ++i) {
    if (bench::parse_model_bench_flag(argc, argv, i, f)) continue;
    if (std::string(argv[i]) == "--train-top" && i + 1 < argc) {
      f.tops.clear();
      for (const char* s = argv[++i]; *s;) {
        char* end;
        const long k = std::strtol(s, &end, 10);
        if (end == s || k < 0) usage();
        f.tops.push_back(static_cast<int>(k));
        s = *end == ',' ? end + 1 : end;
        if (*end && *end != ',') usage();
      }
    } else {
      usage();
    }
  }
  if (f.batch < 1 || f.size < 1 || f.tops.empty()) usage();
  return f;
}

double mib(size_t b) { return static_cast<double>(b) / (1024.0 * 1024.0); }

}  // namespace

int main(int argc, char** argv) {
  const Flags f = parse(argc, argv);
  try {
    if (f.threads > 0) kernels::set_cpu_threads(f.threads);
    const Device dev = bench::bench_device(f.device);
    std::printf("adma resnet_step_bench: %s, batch %d of 3x%dx%d, %s", f.model.c_str(), f.batch, f.size, f.size,
                dev.str().c_str());
    if (dev.is_cpu()) std::printf(", %d thread(s)", kernels::cpu_threads());
    std::printf("\n| trains | trainable parameters | step ms | of which forward ms | param grads MiB | "
                "activation grads MiB | optimizer state MiB |\n|---|---|---|---|---|---|---|\n");
    std::string json = "{\"model\": \"" + f.model + "\", \"batch\": " + std::to_string(f.batch) +
                       ", \"size\": " + std::to_string(f.size) + ", \"results\": [";
    for (size_t t = 0; t < f.tops.size(); ++t) {
      const int top = f.tops[t];
      Graph g(dev, DType::F32, 1);
      const bench::BenchModel model = bench::add_bench_model(g, f);
      if (top > 0) models::train_top(g, top);
      g.build();
      optim::Optimizer opt(g, optim::OptimizerConfig::parse("adam"));
      bench::fill_bench_batch(g, model.x, model.labels, 10);
      g.train();
      const double ms = bench::median_ms(f.reps, [&] {
        g.zero_grad();
        g.forward();
        g.backward();
        opt.step();
        g.context().synchronize();
      });
      const double fwd_ms = bench::median_ms(f.reps, [&] {
        g.forward();
        g.context().synchronize();
      });
      size_t opt_bytes = 0;
      for (const auto& s : opt.state_tensors()) opt_bytes += s.value.nbytes();
      const auto m = g.memory();
      const std::string what = top > 0 ? "top " + std::to_string(top) + " layers" : "all layers";
      std::printf("| %s | %lld of %lld | %.1f | %.1f | %.2f | %.2f | %.2f |\n", what.c_str(),
                  static_cast<long long>(g.num_trainable_params()), static_cast<long long>(g.num_params()), ms, fwd_ms,
                  mib(m.param_grads), mib(m.activation_grads), mib(opt_bytes));
      std::fflush(stdout);
      json += std::string(t ? ", " : "") + "{\"train_top\": " + std::to_string(top) + ", \"step_ms\": " +
              std::to_string(ms) + ", \"forward_ms\": " + std::to_string(fwd_ms) + ", \"trainable\": " + std::to_string(g.num_trainable_params()) + "}";
    }
    json += "]}\n";
    if (!f.json.empty()) std::ofstream(f.json) << json;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "resnet_step_bench: %s\n", e.what());
    return 1;
  }
  return 0;
}
