// loss_bench: forward + backward of every fused loss on the GPU, timed with CUDA
// events (warm-up, then the median of --reps single-call timings), next to the
// device-to-device copy bandwidth measured in the same run. The first table times
// every loss with the tuned kernel (the default the training uses), the registers
// version, and the registers version on bfloat16 logits, side by side; a second table
// times all the kernel's versions naive to fast (kernels::SoftmaxLossVersion,
// docs/losses.md) for Adma and CCE. The last line, "summary:", is the issue's measure:
// % of copy bandwidth at [4096 x 32000] and microseconds at [64 x 10].
//   build/bin/loss_bench [--reps 100] [--json out.json]
// Bytes moved per call = logits read + dlogits written, 4 bytes each way per element
// in float32 and 2 in bfloat16 (labels and per-sample values add 8 bytes a row and are
// left out, so GB/s is a lower bound).
#include <cuda_bf16.h>
#include <cuda_runtime.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <utility>
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
__global__ void to_bf16(const float* x, __nv_bfloat16* y, int64_t n) {
  for (int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; i < n; i += (int64_t)gridDim.x * blockDim.x)
    y[i] = __float2bfloat16_rn(x[i]);
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
    std::printf(
        "| shape | loss | tuned us | GB/s | %% of copy | registers us | GB/s | %% of copy | registers bf16 us | GB/s "
        "| %% of copy |\n|---|---|---|---|---|---|---|---|---|---|---|\n");
    std::string versions_table =
        "\n| shape | loss | version | us | GB/s | % of copy |\n|---|---|---|---|---|---|\n";
    std::string versions_json;
    std::string summary_wide, summary_small;  // the issue's two measures, from CCE's rows

    const Shape2 shapes[] = {{64, 10}, {4096, 10}, {65536, 10}, {8192, 1000}, {4096, 32000}};
    std::string json = "{\"device\": \"" + std::string(prop.name) + "\", \"copy_gbs\": " + std::to_string(copy_gbs) +
                       ", \"results\": [";
    bool first = true;
    for (const auto& sh : shapes) {
      const Device dev = Device::cuda(0);
      Tensor z = Tensor::empty(Shape{sh.n, sh.c}, DType::F32, dev);
      Tensor z16 = Tensor::empty(Shape{sh.n, sh.c}, DType::BF16, dev);  // the same values, rounded
      Tensor y = Tensor::empty(Shape{sh.n}, DType::I32, dev);
      fill_uniform<<<1024, 256, 0, s>>>(static_cast<float*>(z.raw()), z.numel(), 7);
      CUDA_CHECK_LAUNCH();
      to_bf16<<<1024, 256, 0, s>>>(static_cast<const float*>(z.raw()), static_cast<__nv_bfloat16*>(z16.raw()),
                                   z.numel());
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
      kernels::LossOutputs out16 = out;  // the same float outputs and scratch, bf16 dlogits
      out16.dlogits = Tensor::empty(Shape{sh.n, sh.c}, DType::BF16, dev);
      const double bytes = 2.0 * sh.n * sh.c * 4, bytes16 = 2.0 * sh.n * sh.c * 2;
      char shape[64];
      std::snprintf(shape, sizeof shape, "%lldx%lld", (long long)sh.n, (long long)sh.c);
      // Median microseconds of one call of `version` on `logits`, and its GB/s for `moved` bytes.
      auto time = [&](const losses::LossParams& p, kernels::SoftmaxLossVersion version, const Tensor& logits,
                      kernels::LossOutputs& o, double moved, int r) {
        const auto setup = kernels::softmax_loss_setup(p, sh.n, sh.c, version);
        const double us = bench::median_us(
            r, s, [&] { kernels::softmax_loss(ctx, setup, logits, y, Tensor(), 1.0 / sh.n, false, o); });
        return std::pair<double, double>{us, moved / (us * 1e3)};
      };
      for (const auto& info : losses::kLossKinds) {  // every kind, from the one table
        const auto kind = info.kind;
        losses::LossParams p;
        p.kind = kind;
        p.a = 0.258;
        const auto [us, gbs] = time(p, kernels::SoftmaxLossVersion::Tuned, z, out, bytes, reps);
        const auto [rus, rgbs] = time(p, kernels::SoftmaxLossVersion::Registers, z, out, bytes, reps);
        const auto [hus, hgbs] = time(p, kernels::SoftmaxLossVersion::Registers, z16, out16, bytes16, reps);
        std::printf("| %s | %s | %.2f | %.0f | %.1f%% | %.2f | %.0f | %.1f%% | %.2f | %.0f | %.1f%% |\n", shape,
                    info.name, us, gbs, 100.0 * gbs / copy_gbs, rus, rgbs, 100.0 * rgbs / copy_gbs, hus, hgbs,
                    100.0 * hgbs / copy_gbs);
        // "us" and "gbs" stay the default kernel's (benchmarks/pytorch/side_by_side.py reads them).
        json += std::string(first ? "" : ", ") + "{\"shape\": \"" + shape + "\", \"loss\": \"" + info.name +
                "\", \"us\": " + std::to_string(us) + ", \"gbs\": " + std::to_string(gbs) +
                ", \"registers_us\": " + std::to_string(rus) + ", \"registers_gbs\": " + std::to_string(rgbs) +
                ", \"registers_bf16_us\": " + std::to_string(hus) +
                ", \"registers_bf16_gbs\": " + std::to_string(hgbs) + "}";
        first = false;
        if (kind == losses::LossKind::CrossEntropy) {
          char line[256];
          if (sh.n == 4096 && sh.c == 32000) {
            std::snprintf(line, sizeof line, "[4096 x 32000] cce %% of copy: tuned %.1f%%, registers %.1f%%, "
                          "registers bf16 %.1f%%", 100.0 * gbs / copy_gbs, 100.0 * rgbs / copy_gbs,
                          100.0 * hgbs / copy_gbs);
            summary_wide = line;
          } else if (sh.n == 64 && sh.c == 10) {
            std::snprintf(line, sizeof line, "[64 x 10] cce: tuned %.2f us, registers %.2f us, registers bf16 %.2f us",
                          us, rus, hus);
            summary_small = line;
          }
        }
        if (kind != losses::LossKind::Adma && kind != losses::LossKind::CrossEntropy) continue;
        // The versions, naive to fast. The naive ones are slow on wide rows: fewer repetitions.
        auto version_row = [&](const char* name, std::pair<double, double> t) {
          char line[256];
          std::snprintf(line, sizeof line, "| %s | %s | %s | %.2f | %.0f | %.1f%% |\n", shape, info.name, name,
                        t.first, t.second, 100.0 * t.second / copy_gbs);
          versions_table += line;
          versions_json += std::string(versions_json.empty() ? "" : ", ") + "{\"shape\": \"" + shape +
                           "\", \"loss\": \"" + info.name + "\", \"version\": \"" + name +
                           "\", \"us\": " + std::to_string(t.first) + ", \"gbs\": " + std::to_string(t.second) + "}";
        };
        for (auto v : {kernels::SoftmaxLossVersion::RowPerThread, kernels::SoftmaxLossVersion::TwoPass}) {
          version_row(kernels::version_name(v), time(p, v, z, out, bytes, std::max(3, reps / 10)));
        }
        version_row("tuned", {us, gbs});
        version_row("registers", {rus, rgbs});
        version_row("registers bf16", {hus, hgbs});
      }
    }
    std::printf("%s", versions_table.c_str());
    std::printf("\nsummary: %s; %s\n", summary_wide.c_str(), summary_small.c_str());
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
