// The benchmark ConvNet, written once for every benchmark that times it: the paper's
// ConvNet (models/convnet.h, default options: 1x28x28 input, 10 classes) with the
// fused Adma loss (a = 0.258) on one batch of random inputs (normal pixels, uniform
// labels, Rng seed 3), float32, as benchmarks/pytorch/{cpu_,}step_bench.py build theirs.
// cpu_step_bench and step_bench time its steps; dnnl_conv_bench times oneDNN on the
// geometry of its convolutions (convnet_convolutions).
#pragma once
#include <memory>
#include <vector>

#include "benchmarks/bench_model.h"
#include "core/graph/graph.h"
#include "core/rng.h"
#include "layers/softmax_loss.h"
#include "models/convnet.h"

namespace adma::bench {

struct BenchConvNet {
  std::unique_ptr<Graph> graph;
  Value x, labels, logits;
};

// Built (memory planned and allocated) on `device`, the batch copied in.
inline BenchConvNet make_bench_convnet(Device device, int batch) {
  BenchConvNet b;
  b.graph = std::make_unique<Graph>(device, DType::F32, 1);
  Graph& g = *b.graph;
  b.x = g.input("x", Shape{batch, 1, 28, 28});
  b.labels = g.labels("y", batch);
  b.logits = models::build_convnet(g, b.x, models::ConvNetOptions{});
  layers::SoftmaxLoss::Options lo;
  lo.params.a = 0.258;
  g.add<layers::SoftmaxLoss>("loss", {b.logits, b.labels}, lo);
  g.build();
  fill_bench_batch(g, b.x, b.labels, 10);
  return b;
}

// One 3x3 "same" convolution of the ConvNet: c -> k channels on an hw x hw plane.
struct ConvLayer {
  int c, k, hw;
};
// The ConvNet's convolutions in order, from its default options: two per block of f
// filters, the plane halved by each block's 2x2 pooling (28 -> 14 -> 7).
inline std::vector<ConvLayer> convnet_convolutions() {
  std::vector<ConvLayer> out;
  int c = 1, hw = 28;
  for (int64_t f : models::ConvNetOptions{}.filters) {
    out.push_back({c, static_cast<int>(f), hw});
    out.push_back({static_cast<int>(f), static_cast<int>(f), hw});
    c = static_cast<int>(f);
    hw /= 2;
  }
  return out;
}

}  // namespace adma::bench
