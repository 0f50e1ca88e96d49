// data_bench: what the input pipeline costs. Times the fused gather + augment +
// z-score of one batch (64 x 1 x 28 x 28, MNIST's preset: rotation 30, shift
// 0.2) on the CPU and, when a device is present, on CUDA; and a whole epoch of
// ImageBatches on each. Random pixels stand in for the data (same work).
//   build/bin/data_bench [--examples N]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "core/context.h"
#include "core/cuda/runtime.h"
#include "core/rng.h"
#include "data/datasets.h"
#include "data/image_batches.h"

using namespace adma;

namespace {

double now_ms() {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

data::ImageSet random_set(int64_t n) {
  data::ImageSet s;
  s.channels = 1;
  s.height = 28;
  s.width = 28;
  s.classes = 10;
  s.source = "random";
  Rng rng(1);
  s.pixels.resize(static_cast<size_t>(n) * 784);
  for (auto& v : s.pixels) v = static_cast<uint8_t>(rng.next_u32());
  for (int64_t i = 0; i < n; ++i) s.labels.push_back(static_cast<int32_t>(i % 10));
  return s;
}

// Median over `reps` of one batch fill (CUDA: synchronised after each, so it is the kernel's time plus a launch).
double batch_ms(data::ImageBatches& src, Device d, int reps) {
  Tensor x = Tensor::empty(Shape{64, 1, 28, 28}, DType::F32, d);
  Tensor y = Tensor::empty(Shape{64}, DType::I32, d);
  Context& ctx = Context::get(d);
  std::vector<double> t;
  for (int r = 0; r < reps + 5; ++r) {
    const int64_t i = r % src.batches();
    const double a = now_ms();
    src.fill(i, x, y);
    ctx.synchronize();
    if (r >= 5) t.push_back(now_ms() - a);
  }
  std::nth_element(t.begin(), t.begin() + t.size() / 2, t.end());
  return t[t.size() / 2];
}

double epoch_ms(data::ImageBatches& src, Device d) {
  Tensor x = Tensor::empty(Shape{64, 1, 28, 28}, DType::F32, d);
  Tensor y = Tensor::empty(Shape{64}, DType::I32, d);
  const double a = now_ms();
  src.start_epoch(1);
  for (int64_t i = 0; i < src.batches(); ++i) src.fill(i, x, y);
  Context::get(d).synchronize();
  return now_ms() - a;
}

}  // namespace

int main(int argc, char** argv) {
  int64_t n = 60000;
  for (int i = 1; i + 1 < argc; ++i)
    if (!std::strcmp(argv[i], "--examples")) n = std::atoll(argv[i + 1]);
  const data::ImageSet set = random_set(n);
  data::BatchOptions o;
  o.seed = 7;
  o.augment = data::find_dataset("mnist").augment;
  o.norm = data::Normalization::from(set);
  std::printf("fused batch: 64 x 1 x 28 x 28, rotation 30, shift 0.2, nearest; %lld examples\n",
              static_cast<long long>(n));
  {
    data::ImageBatches cpu(set, o, Device::cpu());
    cpu.start_epoch(0);
    // The worker prefetches, so a sequential fill mostly measures the copy; time the kernel itself too.
    kernels::BatchGather g;
    std::vector<int32_t> order = data::epoch_order(n, true, 7, 0);
    g.images = set.pixels.data();
    g.labels = set.labels.data();
    g.order = order.data();
    g.examples = n;
    g.rows = 64;
    g.channels = 1;
    g.height = 28;
    g.width = 28;
    g.spec = o.augment;
    g.key = kernels::augment_key(7, 0);
    g.mean = o.norm.mean;
    g.inv_std = o.norm.inv_std();
    Tensor x = Tensor::empty(Shape{64, 1, 28, 28}, DType::F32, Device::cpu());
    Tensor y = Tensor::empty(Shape{64}, DType::I32, Device::cpu());
    std::vector<double> t;
    for (int r = 0; r < 105; ++r) {
      g.first = (r % 900) * 64;
      const double a = now_ms();
      kernels::augment_batch(Context::cpu(), g, x, y);
      if (r >= 5) t.push_back(now_ms() - a);
    }
    std::nth_element(t.begin(), t.begin() + t.size() / 2, t.end());
    std::printf("cpu  augment_batch kernel     %8.3f ms per batch (one core)\n", t[t.size() / 2]);
    std::printf("cpu  ImageBatches::fill        %8.3f ms per batch (back to back: waits for the worker)\n", batch_ms(cpu, Device::cpu(), 100));
    std::printf("cpu  whole epoch               %8.1f ms (%lld batches, no step in between)\n", epoch_ms(cpu, Device::cpu()),
                static_cast<long long>(cpu.batches()));
  }
  if (cuda_rt::device_count() > 0) {
    data::ImageBatches gpu(set, o, Device::cuda());
    gpu.start_epoch(0);
    std::printf("cuda ImageBatches::fill        %8.3f ms per batch (launch + kernel, synchronised)\n",
                batch_ms(gpu, Device::cuda(), 200));
    std::printf("cuda whole epoch               %8.1f ms (%lld batches, one sync at the end)\n",
                epoch_ms(gpu, Device::cuda()), static_cast<long long>(gpu.batches()));
  } else {
    std::printf("cuda: %s\n", cuda_rt::no_device_reason().c_str());
  }
  return 0;
}
