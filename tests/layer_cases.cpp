// Layer cases and their naive references: direct loops over the definitions,
// no im2col, no BLAS, no shared code with kernels/cpu.
#include "layer_cases.h"

#include "test_util.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "layers/add.h"
#include "layers/batchnorm2d.h"
#include "layers/conv2d.h"
#include "layers/dense.h"
#include "layers/dropout.h"
#include "layers/elu.h"
#include "layers/elu_batchnorm2d.h"
#include "layers/flatten.h"
#include "layers/global_avg_pool2d.h"
#include "layers/leaky_relu.h"
#include "layers/maxout.h"
#include "layers/maxpool2d.h"
#include "layers/relu.h"
#include "layers/softmax.h"

namespace adma::test {

namespace {

Values conv_ref(const Values& x, const Values& w, const Values& b, int64_t n, int64_t c, int64_t h, int64_t wd,
                int64_t k, int64_t r, int64_t pad, int64_t stride) {
  const int64_t oh = (h + 2 * pad - r) / stride + 1, ow = (wd + 2 * pad - r) / stride + 1;
  Values y(static_cast<size_t>(n * k * oh * ow));
  for (int64_t in = 0; in < n; ++in)
    for (int64_t ik = 0; ik < k; ++ik)
      for (int64_t p = 0; p < oh; ++p)
        for (int64_t q = 0; q < ow; ++q) {
          double s = b.empty() ? 0.0 : b[ik];
          for (int64_t ic = 0; ic < c; ++ic)
            for (int64_t i = 0; i < r; ++i)
              for (int64_t j = 0; j < r; ++j) {
                const int64_t yy = p * stride + i - pad, xx = q * stride + j - pad;
                if (yy < 0 || yy >= h || xx < 0 || xx >= wd) continue;
                s += w[((ik * c + ic) * r + i) * r + j] * x[((in * c + ic) * h + yy) * wd + xx];
              }
          y[((in * k + ik) * oh + p) * ow + q] = s;
        }
  return y;
}

std::string pname(const char* p) { return std::string(kLayerName) + "." + p; }

// `ref_pad` is the padding the reference applies, spelled out by the case (not read
// back from the layer's options), so a layer that pads wrongly fails.
LayerCase conv_case(std::string name, Shape in, int64_t k, int64_t r, layers::Conv2dPadding padding, int64_t ref_pad,
                    int64_t stride, bool bias) {
  LayerCase lc;
  lc.name = std::move(name);
  lc.inputs = {in};
  lc.build = [=](Graph& g, const std::vector<Value>& v) {
    return g.add<layers::Conv2d>(kLayerName, v, layers::Conv2d::Options{k, r, stride, padding, bias});
  };
  lc.reference = [=](const std::vector<Values>& x, const Params& p) {
    return conv_ref(x[0], p.at(pname("weight")), bias ? p.at(pname("bias")) : Values{}, in[0], in[1], in[2], in[3], k,
                    r, ref_pad, stride);
  };
  return lc;
}

LayerCase relu_case(std::string name, Shape in) {
  LayerCase lc;
  lc.name = std::move(name);
  lc.inputs = {in};
  lc.min_abs_input = 1e-3;
  lc.build = [](Graph& g, const std::vector<Value>& v) { return g.add<layers::Relu>(kLayerName, v); };
  lc.reference = [](const std::vector<Values>& x, const Params&) {
    Values y = x[0];
    for (auto& v : y) v = v > 0 ? v : 0.0;
    return y;
  };
  return lc;
}

// ELU then batch norm in training mode, fused (layers/elu_batchnorm2d.h): the reference
// is the two definitions one after the other, z = alpha (exp(x) - 1) for x <= 0, then
// the batch statistics of z per channel.
LayerCase leaky_relu_case(std::string name, Shape in, double alpha) {
  LayerCase lc;
  lc.name = std::move(name);
  lc.inputs = {in};
  lc.min_abs_input = 1e-3;
  lc.build = [=](Graph& g, const std::vector<Value>& v) {
    return alpha < 0 ? g.add<layers::LeakyRelu>(kLayerName, v)
                     : g.add<layers::LeakyRelu>(kLayerName, v, layers::LeakyRelu::Options{alpha});
  };
  lc.reference = [=](const std::vector<Values>& x, const Params&) {
    const double slope = alpha < 0 ? 0.3 : alpha;
    Values y = x[0];
    for (auto& v : y) v = v > 0 ? v : slope * v;
    return y;
  };
  return lc;
}

// Maxout over contiguous groups of k channels: y[n, m, s] = max_j x[n, m k + j, s].
LayerCase maxout_case(std::string name, Shape in, int64_t k) {
  LayerCase lc;
  lc.name = std::move(name);
  lc.inputs = {in};
  lc.distinct_inputs = true;
  lc.build = [=](Graph& g, const std::vector<Value>& v) {
    return g.add<layers::Maxout>(kLayerName, v, layers::Maxout::Options{k});
  };
  lc.reference = [=](const std::vector<Values>& x, const Params&) {
    const int64_t n = in[0], c = in[1], m = c / k, sp = in.numel() / (n * c);
    Values y(static_cast<size_t>(n * m * sp));
    for (int64_t in_ = 0; in_ < n; ++in_)
      for (int64_t im = 0; im < m; ++im)
        for (int64_t is = 0; is < sp; ++is) {
          double best = -std::numeric_limits<double>::infinity();
          for (int64_t j = 0; j < k; ++j) best = std::max(best, x[0][((in_ * c) + im * k + j) * sp + is]);
          y[(in_ * m + im) * sp + is] = best;
        }
    return y;
  };
  return lc;
}

LayerCase global_avg_pool_case(std::string name, Shape in) {
  LayerCase lc;
  lc.name = std::move(name);
  lc.inputs = {in};
  lc.build = [](Graph& g, const std::vector<Value>& v) { return g.add<layers::GlobalAvgPool2d>(kLayerName, v); };
  lc.reference = [=](const std::vector<Values>& x, const Params&) {
    const int64_t planes = in[0] * in[1], hw = in[2] * in[3];
    Values y(static_cast<size_t>(planes), 0.0);
    for (int64_t pl = 0; pl < planes; ++pl) {
      for (int64_t i = 0; i < hw; ++i) y[pl] += x[0][pl * hw + i];
      y[pl] /= static_cast<double>(hw);
    }
    return y;
  };
  return lc;
}

// Max pooling with a k x k window, stride s and padding p whose positions are -inf.
LayerCase maxpool_case(std::string name, Shape in, int64_t k, int64_t s, int64_t p) {
  LayerCase lc;
  lc.name = std::move(name);
  lc.inputs = {in};
  lc.distinct_inputs = true;
  lc.build = [=](Graph& g, const std::vector<Value>& v) { return g.add<layers::MaxPool2d>(kLayerName, v, k, s, p); };
  lc.reference = [=](const std::vector<Values>& x, const Params&) {
    const int64_t planes = in[0] * in[1], h = in[2], w = in[3];
    const int64_t oh = (h + 2 * p - k) / s + 1, ow = (w + 2 * p - k) / s + 1;
    Values y(static_cast<size_t>(planes * oh * ow));
    for (int64_t pl = 0; pl < planes; ++pl)
      for (int64_t i = 0; i < oh; ++i)
        for (int64_t j = 0; j < ow; ++j) {
          double m = -std::numeric_limits<double>::infinity();
          for (int64_t a = 0; a < k; ++a)
            for (int64_t b = 0; b < k; ++b) {
              const int64_t yy = i * s + a - p, xx = j * s + b - p;
              if (yy >= 0 && yy < h && xx >= 0 && xx < w) m = std::max(m, x[0][(pl * h + yy) * w + xx]);
            }
          y[(pl * oh + i) * ow + j] = m;
        }
    return y;
  };
  return lc;
}

std::vector<LayerCase> make_cases() {
  std::vector<LayerCase> cases;
  cases.push_back(conv_case("Conv2d", Shape{2, 3, 6, 5}, 4, 3, "same", 1, 1, true));
  cases.push_back(conv_case("Conv2dValidStride2NoBias", Shape{2, 2, 7, 7}, 3, 3, "valid", 0, 2, false));
  // ResNet's geometries with explicit padding (torchvision: conv1 7x7/2 pad 3; 3x3/2
  // pad 1 and 1x1/2 pad 0 where a stage halves the map), on odd and even sizes.
  cases.push_back(conv_case("Conv2d7x7Stride2Pad3NoBias", Shape{2, 3, 11, 10}, 4, 7, 3, 3, 2, false));
  cases.push_back(conv_case("Conv2d3x3Stride2Pad1", Shape{2, 3, 8, 7}, 4, 3, 1, 1, 2, true));
  cases.push_back(conv_case("Conv2d1x1Stride2Pad0NoBias", Shape{2, 4, 7, 6}, 3, 1, 0, 0, 2, false));
  cases.push_back(relu_case("Relu", Shape{2, 3, 4, 4}));
  cases.push_back(leaky_relu_case("LeakyRelu", Shape{2, 3, 4, 4}, 0.2));
  cases.push_back(leaky_relu_case("LeakyReluDefaultSlope", Shape{3, 5}, -1));
  cases.push_back(maxout_case("Maxout", Shape{2, 6, 3, 4}, 3));
  cases.push_back(maxout_case("MaxoutDense", Shape{3, 8}, 2));
  cases.push_back(global_avg_pool_case("GlobalAvgPool2d", Shape{2, 3, 4, 5}));
  // ResNet's stem pooling, 3x3/2 pad 1: windows at the border hold padding (-inf).
  cases.push_back(maxpool_case("MaxPool2d3x3Stride2Pad1", Shape{2, 2, 8, 7}, 3, 2, 1));

  {  // Dense
    LayerCase lc;
    lc.name = "Dense";
    lc.inputs = {Shape{3, 7}};
    lc.build = [](Graph& g, const std::vector<Value>& v) {
      return g.add<layers::Dense>(kLayerName, v, layers::Dense::Options{5, true});
    };
    lc.reference = [](const std::vector<Values>& x, const Params& p) {
      const auto &w = p.at(pname("weight")), &b = p.at(pname("bias"));
      Values y(15);
      for (int n = 0; n < 3; ++n)
        for (int o = 0; o < 5; ++o) {
          double s = b[o];
          for (int i = 0; i < 7; ++i) s += x[0][n * 7 + i] * w[o * 7 + i];
          y[n * 5 + o] = s;
        }
      return y;
    };
    cases.push_back(lc);
  }
  {  // Elu
    LayerCase lc;
    lc.name = "Elu";
    lc.inputs = {Shape{2, 3, 4, 4}};
    lc.min_abs_input = 1e-3;
    lc.build = [](Graph& g, const std::vector<Value>& v) { return g.add<layers::Elu>(kLayerName, v, 1.3); };
    lc.reference = [](const std::vector<Values>& x, const Params&) {
      Values y = x[0];
      for (auto& v : y) v = v > 0 ? v : 1.3 * (std::exp(v) - 1.0);
      return y;
    };
    cases.push_back(lc);
  }
  {  // BatchNorm2d (training mode: batch statistics)
    LayerCase lc;
    lc.name = "BatchNorm2d";
    lc.inputs = {Shape{4, 3, 3, 2}};
    lc.build = [](Graph& g, const std::vector<Value>& v) {
      return g.add<layers::BatchNorm2d>(kLayerName, v, layers::BatchNorm2d::Options{0.9, 1e-3});
    };
    lc.reference = [](const std::vector<Values>& x, const Params& p) {
      const auto &gamma = p.at(pname("gamma")), &beta = p.at(pname("beta"));
      const int n = 4, c = 3, hw = 6;
      Values y(x[0].size());
      for (int ic = 0; ic < c; ++ic) {
        double mean = 0, var = 0;
        for (int in = 0; in < n; ++in)
          for (int i = 0; i < hw; ++i) mean += x[0][(in * c + ic) * hw + i];
        mean /= n * hw;
        for (int in = 0; in < n; ++in)
          for (int i = 0; i < hw; ++i) var += std::pow(x[0][(in * c + ic) * hw + i] - mean, 2);
        var /= n * hw;
        for (int in = 0; in < n; ++in)
          for (int i = 0; i < hw; ++i) {
            const int at = (in * c + ic) * hw + i;
            y[at] = gamma[ic] * (x[0][at] - mean) / std::sqrt(var + 1e-3) + beta[ic];
          }
      }
      return y;
    };
    cases.push_back(lc);
  }
  cases.push_back(elu_batchnorm_case("EluBatchNorm2d", Shape{4, 3, 3, 2}, 1.3));
  {  // MaxPool2d, odd size: floor mode drops the last row and column
    LayerCase lc;
    lc.name = "MaxPool2d";
    lc.inputs = {Shape{2, 2, 5, 7}};
    lc.build = [](Graph& g, const std::vector<Value>& v) { return g.add<layers::MaxPool2d>(kLayerName, v, 2, 2); };
    lc.reference = [](const std::vector<Values>& x, const Params&) {
      Values y(2 * 2 * 2 * 3);
      for (int pl = 0; pl < 4; ++pl)
        for (int i = 0; i < 2; ++i)
          for (int j = 0; j < 3; ++j) {
            double m = -1e300;
            for (int a = 0; a < 2; ++a)
              for (int b = 0; b < 2; ++b) m = std::max(m, x[0][pl * 35 + (2 * i + a) * 7 + 2 * j + b]);
            y[pl * 6 + i * 3 + j] = m;
          }
      return y;
    };
    cases.push_back(lc);
  }
  {  // Dropout: stochastic, checked by properties
    LayerCase lc;
    lc.name = "Dropout";
    lc.inputs = {Shape{4, 3, 8, 8}};
    lc.stochastic = true;
    lc.build = [](Graph& g, const std::vector<Value>& v) { return g.add<layers::Dropout>(kLayerName, v, 0.3); };
    cases.push_back(lc);
  }
  {  // Flatten
    LayerCase lc;
    lc.name = "Flatten";
    lc.inputs = {Shape{2, 3, 2, 2}};
    lc.view = true;
    lc.build = [](Graph& g, const std::vector<Value>& v) { return g.add<layers::Flatten>(kLayerName, v); };
    lc.reference = [](const std::vector<Values>& x, const Params&) { return x[0]; };
    cases.push_back(lc);
  }
  {  // Softmax over classes of a [N, C] input
    LayerCase lc;
    lc.name = "Softmax";
    lc.inputs = {Shape{3, 6}};
    lc.build = [](Graph& g, const std::vector<Value>& v) { return g.add<layers::Softmax>(kLayerName, v); };
    lc.reference = [](const std::vector<Values>& x, const Params&) {
      Values y(18);
      for (int n = 0; n < 3; ++n) {
        double s = 0;
        for (int k = 0; k < 6; ++k) s += std::exp(x[0][n * 6 + k]);
        for (int k = 0; k < 6; ++k) y[n * 6 + k] = std::exp(x[0][n * 6 + k]) / s;
      }
      return y;
    };
    cases.push_back(lc);
  }
  {  // Softmax over channels at every pixel of a 4-D input
    LayerCase lc;
    lc.name = "SoftmaxChannels";
    lc.inputs = {Shape{2, 4, 2, 3}};
    lc.build = [](Graph& g, const std::vector<Value>& v) { return g.add<layers::Softmax>(kLayerName, v); };
    lc.reference = [](const std::vector<Values>& x, const Params&) {
      Values y(x[0].size());
      for (int n = 0; n < 2; ++n)
        for (int s = 0; s < 6; ++s) {
          double sum = 0;
          for (int k = 0; k < 4; ++k) sum += std::exp(x[0][(n * 4 + k) * 6 + s]);
          for (int k = 0; k < 4; ++k) y[(n * 4 + k) * 6 + s] = std::exp(x[0][(n * 4 + k) * 6 + s]) / sum;
        }
      return y;
    };
    cases.push_back(lc);
  }
  {  // Add
    LayerCase lc;
    lc.name = "Add";
    lc.inputs = {Shape{2, 3, 2, 2}, Shape{2, 3, 2, 2}};
    lc.build = [](Graph& g, const std::vector<Value>& v) { return g.add<layers::Add>(kLayerName, v); };
    lc.reference = [](const std::vector<Values>& x, const Params&) {
      Values y = x[0];
      for (size_t i = 0; i < y.size(); ++i) y[i] += x[1][i];
      return y;
    };
    cases.push_back(lc);
  }
  return cases;
}

}  // namespace

LayerCase elu_batchnorm_case(std::string name, Shape in, double alpha) {
  LayerCase lc;
  lc.name = std::move(name);
  lc.inputs = {in};
  lc.min_abs_input = 1e-3;  // ELU's slope jumps at 0 for alpha != 1
  lc.build = [=](Graph& g, const std::vector<Value>& v) {
    return g.add<layers::EluBatchNorm2d>(kLayerName, v, layers::EluBatchNorm2d::Options{alpha, 0.9, 1e-3});
  };
  lc.reference = [=](const std::vector<Values>& x, const Params& p) {
    const auto &gamma = p.at(pname("gamma")), &beta = p.at(pname("beta"));
    const int64_t n = in[0], c = in[1], hw = in.numel() / (n * c);
    Values z = x[0];
    for (auto& v : z) v = v > 0 ? v : alpha * (std::exp(v) - 1.0);
    Values y(z.size());
    for (int64_t ic = 0; ic < c; ++ic) {
      double mean = 0, var = 0;
      for (int64_t in_ = 0; in_ < n; ++in_)
        for (int64_t i = 0; i < hw; ++i) mean += z[(in_ * c + ic) * hw + i];
      mean /= static_cast<double>(n * hw);
      for (int64_t in_ = 0; in_ < n; ++in_)
        for (int64_t i = 0; i < hw; ++i) var += std::pow(z[(in_ * c + ic) * hw + i] - mean, 2);
      var /= static_cast<double>(n * hw);
      for (int64_t in_ = 0; in_ < n; ++in_)
        for (int64_t i = 0; i < hw; ++i) {
          const int64_t at = (in_ * c + ic) * hw + i;
          y[at] = gamma[ic] * (z[at] - mean) / std::sqrt(var + 1e-3) + beta[ic];
        }
    }
    return y;
  };
  return lc;
}

// alpha < 0: the layer's default options, against Keras's default slope 0.3.

const std::vector<LayerCase>& layer_cases() {
  static const std::vector<LayerCase> cases = make_cases();
  return cases;
}

const std::vector<LayerCase>& large_cases() {
  static const std::vector<LayerCase> cases = {
      relu_case("ReluLarge", Shape{64, 32, 17, 19}),
      leaky_relu_case("LeakyReluLarge", Shape{64, 32, 17, 19}, 0.3),
      maxout_case("MaxoutLarge", Shape{32, 48, 13, 11}, 3),
      // the fused kernels' block-per-channel sums over many warps and grid-stride trips
      elu_batchnorm_case("EluBatchNorm2dLarge", Shape{64, 32, 17, 19}, 1.0),
      global_avg_pool_case("GlobalAvgPool2dManyPlanes", Shape{64, 96, 7, 7}),
      global_avg_pool_case("GlobalAvgPool2dLargePlanes", Shape{8, 16, 45, 37}),
      maxpool_case("MaxPool2dResNetStem", Shape{8, 16, 56, 56}, 3, 2, 1),
      conv_case("Conv2dResNetStem", Shape{4, 3, 64, 64}, 16, 7, 3, 3, 2, false),
      conv_case("Conv2dResNet3x3Stride2", Shape{4, 32, 16, 16}, 64, 3, 1, 1, 2, false),
      conv_case("Conv2dResNet1x1Stride2", Shape{4, 32, 16, 16}, 64, 1, 0, 0, 2, false),
  };
  return cases;
}

std::vector<LayerCase> deterministic_cases() {
  std::vector<LayerCase> out;
  for (const auto& c : layer_cases())
    if (!c.stochastic) out.push_back(c);
  return out;
}

}  // namespace adma::test

namespace adma::test {

CaseGraph build_case(const LayerCase& c, Device device, DType dtype, bool inputs_require_grad, uint64_t seed) {
  CaseGraph cg;
  cg.g = std::make_unique<Graph>(device, dtype, seed);
  for (size_t i = 0; i < c.inputs.size(); ++i)
    cg.inputs.push_back(cg.g->input("in" + std::to_string(i), c.inputs[i], inputs_require_grad));
  cg.out = c.build(*cg.g, cg.inputs);
  cg.g->build();
  return cg;
}

void randomize_case(const LayerCase& c, CaseGraph& cg, uint64_t seed) {
  Rng rng(seed);
  for (Value v : cg.inputs) {
    Tensor& t = cg.g->value(v);
    const Values values = c.distinct_inputs ? distinct_values(rng, t.numel(), -2.0, 2.0)
                                            : random_values(rng, t.numel(), -2.0, 2.0, c.min_abs_input);
    t.copy_from(Tensor::from_host(values, t.shape(), t.dtype(), Device::cpu()));
  }
  for (const auto& p : cg.g->parameters()) {
    Tensor t = p.value;
    t.copy_from(Tensor::from_host(random_values(rng, t.numel(), -1.0, 1.0), t.shape(), t.dtype(), Device::cpu()));
  }
}

Params params_of(Graph& g) {
  Params p;
  for (const auto& t : g.state_dict()) p[t.name] = t.value.to_host();
  return p;
}

}  // namespace adma::test
