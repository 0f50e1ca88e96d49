// What the benchmarks of registry models share (resnet_step_bench, eval_bench): their
// common flags, and the graph they time: any model of `adma models` on a batch of
// 3 x size x size images, 10 classes, with the fused Adma loss (a = 0.258), as
// benchmarks/pytorch/resnet_step_bench.py builds its twin. The random batch (normal
// pixels, uniform labels, Rng seed 3) is also bench_convnet.h's.
#pragma once
#include <algorithm>
#include <cstdlib>
#include <string>
#include <vector>

#include "core/graph/graph.h"
#include "core/rng.h"
#include "layers/softmax_loss.h"
#include "models/registry.h"

namespace adma::bench {

struct ModelBenchFlags {
  std::string model = "resnet34", device = "cpu", json;
  int batch = 64, size = 32, reps = 10, threads = 0;
};

// Takes argv[i] (and its value, advancing i) when it is one of the shared flags:
// --model --batch --size --reps (at least 3) --threads --device --json. False otherwise.
inline bool parse_model_bench_flag(int argc, char** argv, int& i, ModelBenchFlags& f) {
  const std::string a = argv[i];
  if (i + 1 >= argc) return false;
  if (a == "--model") f.model = argv[++i];
  else if (a == "--batch") f.batch = std::atoi(argv[++i]);
  else if (a == "--size") f.size = std::atoi(argv[++i]);
  else if (a == "--reps") f.reps = std::max(3, std::atoi(argv[++i]));
  else if (a == "--threads") f.threads = std::atoi(argv[++i]);
  else if (a == "--device") f.device = argv[++i];
  else if (a == "--json") f.json = argv[++i];
  else return false;
  return true;
}

inline Device bench_device(const std::string& d) {
  return d == "cpu" ? Device::cpu() : Device::cuda(std::atoi(d.c_str() + 5));
}

// One batch of normal pixels and uniform labels in [0, classes) (Rng seed 3), into a built graph.
inline void fill_bench_batch(Graph& g, Value x, Value labels, int classes) {
  const int64_t batch = g.value(labels).numel();
  Rng rng(3);
  std::vector<double> xs(static_cast<size_t>(g.value(x).numel())), ys(static_cast<size_t>(batch));
  for (auto& v : xs) v = rng.normal();
  for (auto& v : ys) v = static_cast<double>(rng.below(static_cast<uint64_t>(classes)));
  g.value(x).copy_from(Tensor::from_host(xs, g.value(x).shape(), DType::F32, Device::cpu()));
  g.value(labels).copy_from(Tensor::from_host(ys, Shape{batch}, DType::I32, Device::cpu()));
}

struct BenchModel {
  Value x, labels, logits;
};

// Declares the input, labels, model and loss on `g`; not built (a caller may freeze
// layers or set options first).
inline BenchModel add_bench_model(Graph& g, const ModelBenchFlags& f) {
  BenchModel b;
  b.x = g.input("x", Shape{f.batch, 3, f.size, f.size});
  b.labels = g.labels("y", f.batch);
  b.logits = models::build(g, b.x, f.model, 10);
  layers::SoftmaxLoss::Options lo;
  lo.params.a = 0.258;
  g.add<layers::SoftmaxLoss>("loss", {b.logits, b.labels}, lo);
  return b;
}

}  // namespace adma::bench
