// step_bench: one training step of the paper's ConvNet (forward, Adma loss,
// backward; no optimizer yet) on the GPU, eager and replayed as one CUDA graph,
// at batch 64 and 512, fp32 with and without TF32, each with the unfused layers
// (cuDNN's ELU and batch norm, the default) and with ADMA_FUSED_ELU_BN's fused
// ELU + batch norm (layers/elu_batchnorm2d.h). CUDA events after warm-up, median of
// --reps steps; "nodes" is what one replay launches (cudaGraphGetNodes by type:
// kernels + memsets + memcpys). "epoch" = the step time x 60000 / batch
// (Fashion-MNIST), with no data loading or optimizer: a floor, to compare with
// DESIGN.md section 4.
//   build/bin/step_bench [--reps 100] [--json out.json]
#include <cuda_runtime.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "benchmarks/bench_convnet.h"
#include "benchmarks/gpu_timer.h"
#include "core/backend_options.h"
#include "core/cuda/check.h"
#include "core/graph/captured_step.h"

using namespace adma;

int main(int argc, char** argv) {
  const bench::Flags flags = bench::parse_flags(argc, argv, "step_bench", 20);
  const int reps = flags.reps;
  const std::string& json_path = flags.json;
  try {
    Context& ctx = Context::get(Device::cuda(0));
    cudaStream_t s = static_cast<cudaStream_t>(ctx.stream);
    std::printf("| batch | math | elu+bn | mode | ms/step | epoch-equivalent s | kernels | memsets | memcpys |\n"
                "|---|---|---|---|---|---|---|---|---|\n");
    std::string json = "[";
    const bool fused_default = backend_options().fused_elu_bn;
    for (bool tf32 : {false, true})
      for (int batch : {64, 512})
        for (bool fused : {false, true}) {
          ctx.allow_tf32 = tf32;  // read when the conv setups are made, in build()
          backend_options().fused_elu_bn = fused;  // read when the model is built
          bench::BenchConvNet net = bench::make_bench_convnet(Device::cuda(0), batch);
          backend_options().fused_elu_bn = fused_default;
          Graph& g = *net.graph;
          auto step = [&] {
            g.zero_grad();
            g.forward();
            g.backward();
          };
          const double eager = 1e-3 * bench::median_us(reps, s, step);
          CapturedStep cs(g, step);  // one eager warm-up step, then the capture
          const double graph = 1e-3 * bench::median_us(reps, s, [&] { cs.replay(); });
          const cuda_rt::GraphNodeCounts& n = cs.node_counts();
          for (auto [mode, ms] : {std::make_pair("eager", eager), std::make_pair("cuda graph", graph)}) {
            const double epoch = ms * 1e-3 * 60000.0 / batch;
            std::printf("| %d | %s | %s | %s | %.3f | %.2f | %d | %d | %d |\n", batch, tf32 ? "tf32" : "fp32",
                        fused ? "fused" : "cudnn", mode, ms, epoch, n.kernels, n.memsets, n.memcpys);
            json += std::string(json.size() > 1 ? ", " : "") + "{\"batch\": " + std::to_string(batch) +
                    ", \"tf32\": " + (tf32 ? "true" : "false") + ", \"fused_elu_bn\": " +
                    (fused ? "true" : "false") + ", \"mode\": \"" + mode + "\", \"ms\": " + std::to_string(ms) +
                    ", \"kernels\": " + std::to_string(n.kernels) + ", \"memsets\": " + std::to_string(n.memsets) +
                    ", \"memcpys\": " + std::to_string(n.memcpys) + ", \"other_nodes\": " +
                    std::to_string(n.other) + "}";
          }
        }
    json += "]\n";
    if (!json_path.empty()) bench::write_file(json_path, json);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "step_bench: error: %s\n", adma::describe(e).c_str());
    return 1;
  }
  if (std::fflush(stdout) != 0 || std::ferror(stdout)) {
    std::fprintf(stderr, "step_bench: error: writing standard output: %s\n", std::strerror(errno));
    return 1;
  }
  return 0;
}
