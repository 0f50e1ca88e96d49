// The table of layer cases every layer test runs over (ggml's test-backend-ops
// idea): each case builds one layer on given input shapes, and gives a naive
// double-precision reference of its forward written independently of the kernels.
#pragma once
#include <functional>
#include <ostream>
#include <map>
#include <string>
#include <vector>

#include "core/graph/graph.h"
#include "test_util.h"

namespace adma::test {

// name -> values of the layer's parameters (and buffers), as the graph holds them.
using Params = std::map<std::string, Values>;

struct LayerCase {
  std::string name;  // also the test name suffix: "Conv2d", "Conv2dValid", ...
  std::vector<Shape> inputs;
  std::function<Value(Graph&, const std::vector<Value>&)> build;
  // Naive forward in double; empty for stochastic layers (dropout), tested by properties instead.
  std::function<Values(const std::vector<Values>& in, const Params& p)> reference;
  double min_abs_input = 0.0;    // keep inputs off kinks (ELU, ReLU, LeakyReLU at 0)
  bool distinct_inputs = false;  // inputs without ties or near-ties (the kinks of a max: Maxout, padded max pooling)
  bool stochastic = false;
  bool view = false;  // output aliases the input (Flatten): no backward of its own
};

const std::vector<LayerCase>& layer_cases();
// The cases with a fixed reference (all but dropout).
std::vector<LayerCase> deterministic_cases();
// Layers with own CUDA kernels or new geometries again, at sizes that fill many
// CUDA blocks and warps (tests/test_layer_gpu.cpp compares them with the CPU; too
// large for finite differences). Each has its reference too.
const std::vector<LayerCase>& large_cases();
// ELU (alpha) then batch norm over input `in`, as the fused EluBatchNorm2d node.
LayerCase elu_batchnorm_case(std::string name, Shape in, double alpha);

// The name the layer node gets in every case graph.
inline const char* kLayerName = "layer";

}  // namespace adma::test

#include <memory>

#include "core/rng.h"

namespace adma::test {

// One case built into its own graph: inputs -> layer.
struct CaseGraph {
  std::unique_ptr<Graph> g;
  std::vector<Value> inputs;
  Value out;
};

CaseGraph build_case(const LayerCase& c, Device device, DType dtype, bool inputs_require_grad, uint64_t seed = 7);
// Random inputs (off the case's kinks) and random parameters, identical for equal seeds.
void randomize_case(const LayerCase& c, CaseGraph& cg, uint64_t seed);
// The layer node's parameters and buffers by name, as host doubles.
Params params_of(Graph& g);

}  // namespace adma::test

namespace adma::test {
// gtest prints a parameter with this (test names in ctest stay readable).
inline void PrintTo(const LayerCase& c, std::ostream* os) { *os << c.name; }
}  // namespace adma::test
