// loss_bench: forward + backward of every fused loss on the GPU, timed with CUDA
// events (warm-up, then the median of --reps single-call timings), next to the
// device-to-device copy bandwidth measured in the same run. A second table times the
// kernel's versions naive to fast (kernels::SoftmaxLossVersion, docs/losses.md) side
// by side for Adma and CCE.
//   build/bin/loss_bench [--reps 100] [--json out.json]
// Bytes moved per call = logits read + dlogits written (labels and per-sample
// values add 8 bytes a row and are left out, so GB/s is a lower bound).
#include <cuda_runtime.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "core/context.h"
#include "benchmarks/gpu_timer.h"
#include "core/cuda/check.h"
#include "core/rng.h"
#include "kernels/softmax_loss.h"

using namespace adma;

namespace {

struct Shape2 {
  int64_t n, c;
};

// Random uniform values in [-4, 4) filled on the device (never time on all-zero data).
__global__ void fill_uniform(float* x, int64_t n, uint64_t seed) {
  for (int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; i < n; i += (int64_t)gridDim.x * blockDim.x)
    x[i] = uint_to_unit(philox(seed, i).v[0]) * 8.f - 4.f;
}
__global__ void fill_labels(int32_t* y, int64_t n, int c, uint64_t seed) {
  for (int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; i < n; i += (int64_t)gridDim.x * blockDim.x)
    y[i] = static_cast<int32_t>(philox(seed, i).v[1] % static_cast<uint32_t>(c));
}

}  // namespace

int main(int argc, char** argv) {
  const bench::Flags flags = bench::parse_flags(argc, argv, "loss_bench", 50);
  const int reps = flags.reps;
  const std::string& json_path = flags.json;
  try {
    Context& ctx = Context::get(Device::cuda(0));
    cudaStream_t s = static_cast<cudaStream_t>(ctx.stream);
    cudaDeviceProp prop{};
    CUDA_CHECK(cudaGetDeviceProperties(&prop, 0));

    // Copy bandwidth: 1 GiB device-to-device, counted as read + write.
    const size_t copy_bytes = size_t(1) << 30;
    void *src = nullptr, *dst = nullptr;
    CUDA_CHECK(cudaMalloc(&src, copy_bytes));
    CUDA_CHECK(cudaMalloc(&dst, copy_bytes));
    fill_uniform<<<4096, 256, 0, s>>>(static_cast<float*>(src), copy_bytes / 4, 1);
    CUDA_CHECK_LAUNCH();
    const double copy_us = bench::median_us(
        reps, s, [&] { CUDA_CHECK(cudaMemcpyAsync(dst, src, copy_bytes, cudaMemcpyDeviceToDevice, s)); });
    const double copy_gbs = 2.0 * copy_bytes / (copy_us * 1e3);
    CUDA_CHECK(cudaFree(src));
    CUDA_CHECK(cudaFree(dst));
    std::printf("device: %s; copy bandwidth %.0f GB/s (1 GiB, read + write)\n\n", prop.name, copy_gbs);
    std::printf("| shape | loss | us | GB/s | %% of copy |\n|---|---|---|---|---|\n");
    std::string versions_table =
        "\n| shape | loss | version | us | GB/s | % of copy |\n|---|---|---|---|---|---|\n";
    std::string versions_json;

    const Shape2 shapes[] = {{64, 10}, {4096, 10}, {65536, 10}, {8192, 1000}, {4096, 32000}};
    std::string json = "{\"device\": \"" + std::string(prop.name) + "\", \"copy_gbs\": " + std::to_string(copy_gbs) +
                       ", \"results\": [";
    bool first = true;
    for (const auto& sh : shapes) {
      const Device dev = Device::cuda(0);
      Tensor z = Tensor::empty(Shape{sh.n, sh.c}, DType::F32, dev);
      Tensor y = Tensor::empty(Shape{sh.n}, DType::I32, dev);
      fill_uniform<<<1024, 256, 0, s>>>(static_cast<float*>(z.raw()), z.numel(), 7);
      CUDA_CHECK_LAUNCH();
      fill_labels<<<256, 256, 0, s>>>(static_cast<int32_t*>(y.raw()), sh.n, static_cast<int>(sh.c), 9);
      CUDA_CHECK_LAUNCH();
      kernels::LossOutputs out;
      out.per_sample = Tensor::empty(Shape{sh.n}, DType::F32, dev);
      out.loss = Tensor::empty(Shape{1}, DType::F32, dev);
      out.correct = Tensor::empty(Shape{1}, DType::F32, dev);
      out.dloss_da = Tensor::empty(Shape{1}, DType::F32, dev);
      out.dlogits = Tensor::empty(Shape{sh.n, sh.c}, DType::F32, dev);
      const size_t sb = kernels::softmax_loss_setup(losses::LossParams{}, sh.n, sh.c).scratch_bytes;
      out.scratch = Tensor::empty(Shape{static_cast<int64_t>((sb + 3) / 4)}, DType::F32, dev);
      CUDA_CHECK(cudaMemsetAsync(out.scratch.raw(), 0, out.scratch.nbytes(), s));
      for (const auto& info : losses::kLossKinds) {  // every kind, from the one table
        const auto kind = info.kind;
        losses::LossParams p;
        p.kind = kind;
        p.a = 0.258;
        const auto setup = kernels::softmax_loss_setup(p, sh.n, sh.c);
        const double us = bench::median_us(reps, s, [&] {
          kernels::softmax_loss(ctx, setup, z, y, Tensor(), 1.0 / sh.n, false, out);
        });
        const double bytes = 2.0 * sh.n * sh.c * 4;
        const double gbs = bytes / (us * 1e3);
        char shape[64];
        std::snprintf(shape, sizeof shape, "%lldx%lld", (long long)sh.n, (long long)sh.c);
        std::printf("| %s | %s | %.2f | %.0f | %.1f%% |\n", shape, info.name, us, gbs,
                    100.0 * gbs / copy_gbs);
        json += std::string(first ? "" : ", ") + "{\"shape\": \"" + shape + "\", \"loss\": \"" +
                info.name + "\", \"us\": " + std::to_string(us) + ", \"gbs\": " + std::to_string(gbs) +
                "}";
        first = false;
        if (kind != losses::LossKind::Adma && kind != losses::LossKind::CrossEntropy) continue;
        // The versions, naive to fast. The naive ones are slow on wide rows: fewer repetitions.
        for (auto v : {kernels::SoftmaxLossVersion::RowPerThread, kernels::SoftmaxLossVersion::TwoPass,
                       kernels::SoftmaxLossVersion::Tuned}) {
          const auto vs = kernels::softmax_loss_setup(p, sh.n, sh.c, v);
          const int vreps = v == kernels::SoftmaxLossVersion::Tuned ? reps : std::max(3, reps / 10);
          const double vus = bench::median_us(vreps, s, [&] {
            kernels::softmax_loss(ctx, vs, z, y, Tensor(), 1.0 / sh.n, false, out);
          });
          const double vgbs = bytes / (vus * 1e3);
          char line[256];
          std::snprintf(line, sizeof line, "| %s | %s | %s | %.2f | %.0f | %.1f%% |\n", shape, info.name,
                        kernels::version_name(v), vus, vgbs, 100.0 * vgbs / copy_gbs);
          versions_table += line;
          versions_json += std::string(versions_json.empty() ? "" : ", ") + "{\"shape\": \"" + shape +
                           "\", \"loss\": \"" + info.name + "\", \"version\": \"" + kernels::version_name(v) +
                           "\", \"us\": " + std::to_string(vus) + ", \"gbs\": " + std::to_string(vgbs) + "}";
        }
      }
    }
    std::printf("%s", versions_table.c_str());
    json += "], \"versions\": [" + versions_json + "]}\n";
    if (!json_path.empty()) bench::write_file(json_path, json);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "loss_bench: error: %s\n", adma::describe(e).c_str());
    return 1;
  }
  if (std::fflush(stdout) != 0 || std::ferror(stdout)) {
    std::fprintf(stderr, "loss_bench: error: writing standard output: %s\n", std::strerror(errno));
    return 1;
  }
  return 0;
}
