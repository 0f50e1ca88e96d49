// optimizer_bench: the fused update (kernels/optimizer_update.h) on the GPU, one
// launch over every parameter, for the paper's ConvNet (298,858 parameters in 28
// tensors) and for a 25M-parameter buffer cut into 100 tensors (well past the 50 MB
// L2). Adam moves 28 bytes per parameter (read w, g, m, v; write w, m, v), SGD with
// momentum 16: the table shows the achieved GB/s against the 4.2 TB/s copy rate.
//   build/bin/optimizer_bench [--reps 200] [--json out.json]
#include <cuda_runtime.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "benchmarks/gpu_timer.h"
#include "core/context.h"
#include "kernels/optimizer_update.h"

using namespace adma;

int main(int argc, char** argv) {
  const bench::Flags flags = bench::parse_flags(argc, argv, "optimizer_bench", 20);
  try {
    Context& ctx = Context::get(Device::cuda(0));
    cudaStream_t s = static_cast<cudaStream_t>(ctx.stream);
    std::printf("| params | tensors | rule | us/update | GB/s |\n|---|---|---|---|---|\n");
    std::string json = "[";
    for (auto [n, pieces] : {std::make_pair<int64_t, int64_t>(298858, 28), std::make_pair<int64_t, int64_t>(25000000, 100)})
      for (auto rule : {kernels::UpdateRule::SGD, kernels::UpdateRule::Adam}) {
        kernels::OptimizerUpdateSetup p;
        p.rule = rule;
        p.momentum = 0.9;
        for (int64_t k = 0; k < pieces; ++k) {
          kernels::UpdateSegment seg;
          seg.begin = n * k / pieces;
          seg.end = n * (k + 1) / pieces;
          seg.l2 = k % 2 ? 1e-4 : 0.0;  // L2 on every other tensor, as conv kernels vs the rest
          p.segments.push_back(seg);
        }
        kernels::optimizer_setup_init(ctx, p);
        auto filled = [&](double v) {
          Tensor t = Tensor::empty(Shape{n}, DType::F32, ctx.device);
          t.fill(v);
          return t;
        };
        kernels::OptimizerTensors t;
        t.params = filled(0.01);
        t.grads = filled(0.001);
        t.m = filled(0.0);
        if (rule == kernels::UpdateRule::Adam) t.v = filled(0.0);
        t.step = Tensor::from_host({0}, Shape{1}, DType::I32, ctx.device);
        t.lr = Tensor::from_host({1e-3}, Shape{1}, DType::F32, ctx.device);
        t.penalty = Tensor::from_host({0}, Shape{1}, DType::F64, ctx.device);
        const double us = bench::median_us(flags.reps, s, [&] { kernels::optimizer_update(ctx, p, t); });
        const double bytes = static_cast<double>(n) * (rule == kernels::UpdateRule::Adam ? 28 : 16);
        const char* name = rule == kernels::UpdateRule::Adam ? "adam" : "sgd+momentum";
        std::printf("| %lld | %lld | %s | %.2f | %.0f |\n", static_cast<long long>(n), static_cast<long long>(pieces),
                    name, us, bytes / us * 1e-3);
        json += std::string(json.size() > 1 ? ", " : "") + "{\"params\": " + std::to_string(n) + ", \"rule\": \"" +
                name + "\", \"us\": " + std::to_string(us) + "}";
      }
    json += "]\n";
    if (!flags.json.empty()) std::ofstream(flags.json) << json;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "optimizer_bench: %s\n", e.what());
    return 1;
  }
  return 0;
}
