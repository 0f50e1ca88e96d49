// The fast CPU backend (kernels/cpu_fast/) against the reference kernels (kernels/cpu/):
// every layer case and the whole ConvNet, forward and backward, in float and double, on
// the same inputs. The two differ only in summation order (threads, vector lanes,
// SLEEF's expm1 against libm's), so float agrees to rounding and double closely.
// The gradient checks and layer tests themselves run on both paths: ctest runs
// test_layers once more with ADMA_CPU_REFERENCE=1 (the ".reference" tests), and
// these tests once more with ADMA_CPU_CONV=own (".ownconv": float32 convolutions on
// the own kernels instead of oneDNN).
#include <gtest/gtest.h>

#include <limits>

#include "core/backend_options.h"
#include "kernels/cpu_backend.h"
#include "layers/conv2d.h"
#include "layers/dropout.h"
#include "layer_cases.h"
#include "models/convnet.h"
#include "test_util.h"

namespace adma::test {
namespace {

// Puts the CPU context on the reference or the fast backend for the scope, then back.
class PathScope {
 public:
  explicit PathScope(bool reference) : ctx_(Context::cpu()), saved_(ctx_.backend) {
    ctx_.backend = reference ? Backend::CpuReference : Backend::CpuFast;
  }
  ~PathScope() { ctx_.backend = saved_; }

 private:
  Context& ctx_;
  Backend saved_;
};

// One forward + backward of a case on one path: the output, then every gradient.
std::vector<Values> run_case(const LayerCase& c, DType dtype, bool reference) {
  PathScope path(reference);
  CaseGraph cg = build_case(c, Device::cpu(), dtype, true);
  randomize_case(c, cg, 41);
  if (!c.view) cg.g->value(cg.out).fill(std::numeric_limits<double>::quiet_NaN());
  cg.g->reseed(5);
  cg.g->forward();
  std::vector<Values> got{cg.g->value(cg.out).to_host()};
  Rng rng(43);
  Tensor& seed = cg.g->grad(cg.out);
  seed.copy_from(Tensor::from_host(random_values(rng, seed.numel()), seed.shape(), dtype, Device::cpu()));
  cg.g->zero_grad();
  cg.g->backward();
  for (Value v : cg.inputs) got.push_back(cg.g->grad(v).to_host());
  for (const auto& p : cg.g->parameters()) got.push_back(p.grad.to_host());
  return got;
}

class CpuFastPath : public ::testing::TestWithParam<LayerCase> {};

TEST_P(CpuFastPath, MatchesReferenceInFloatAndDouble) {
  const LayerCase& c = GetParam();
  std::printf("[ backend  ] cpu fast path (%d thread(s)) against the cpu reference\n", kernels::cpu_threads());
  for (DType dtype : {DType::F32, DType::F64}) {
    const auto fast = run_case(c, dtype, false), ref = run_case(c, dtype, true);
    ASSERT_EQ(fast.size(), ref.size());
    const double tol = dtype == DType::F32 ? 1e-11 : 1e-24;
    for (size_t i = 0; i < fast.size(); ++i) {
      ASSERT_FALSE(any_nan(fast[i])) << c.name << " tensor " << i << " (0: output, then gradients)";
      EXPECT_LE(nmse(fast[i], ref[i]), tol) << c.name << " " << dtype_name(dtype) << " tensor " << i
                                            << " (0: output, then input and parameter gradients)";
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Layers, CpuFastPath, ::testing::ValuesIn(layer_cases()),
                         [](const auto& info) { return info.param.name; });

// Shapes the layer cases do not reach: batches that do not split evenly over the
// threads, one image, one channel in, strides, a 5x5 filter, wider than tall, and
// channel-rich 3x3 layers that take Winograd where oneDNN has it (kernels/cpu_fast/dnnl_conv2d.cpp;
// 24 output channels: not a multiple of the 16-lane block), and batches of 70 and 67
// images that oneDNN runs as two chunks of 32 and a remainder.
TEST(CpuFastPath, ConvolutionShapesMatchReference) {
  struct Geo {
    Shape in;
    int64_t k, r, stride;
    layers::Conv2dPadding padding;
  };
  for (const Geo& geo : {Geo{{3, 1, 9, 7}, 4, 3, 1, "same"}, Geo{{1, 5, 6, 6}, 3, 5, 1, "same"},
                         Geo{{5, 2, 9, 11}, 3, 3, 2, "valid"}, Geo{{2, 3, 4, 5}, 2, 1, 1, "valid"},
                         Geo{{3, 32, 10, 9}, 32, 3, 1, "same"}, Geo{{2, 16, 7, 7}, 24, 3, 1, "same"},
                         Geo{{2, 48, 6, 5}, 16, 3, 1, "valid"}, Geo{{70, 16, 5, 6}, 16, 3, 1, "same"},
                         Geo{{67, 2, 5, 4}, 3, 3, 1, "same"},
                         // ResNet's explicit paddings: 7x7/2 pad 3, 3x3/2 pad 1 (16 channels: oneDNN
                         // direct, no Winograd at stride 2), 1x1/2 pad 0 on an even map (oneDNN cannot
                         // express the dropped last column: the own kernels), and a pad wider than the
                         // own stride-1 backward-data convolution takes (pad > R - 1: col2im instead).
                         Geo{{3, 3, 15, 14}, 8, 7, 2, 3}, Geo{{3, 16, 12, 11}, 16, 3, 2, 1},
                         Geo{{2, 32, 8, 8}, 16, 1, 2, 0}, Geo{{2, 3, 5, 6}, 4, 3, 1, 3}}) {
    LayerCase c;
    c.name = "Conv2d " + geo.in.str();
    c.inputs = {geo.in};
    c.build = [geo](Graph& g, const std::vector<Value>& v) {
      return g.add<layers::Conv2d>(kLayerName, v, layers::Conv2d::Options{geo.k, geo.r, geo.stride, geo.padding, true});
    };
    for (DType dtype : {DType::F32, DType::F64}) {
      const auto fast = run_case(c, dtype, false), ref = run_case(c, dtype, true);
      for (size_t i = 0; i < fast.size(); ++i)
        EXPECT_LE(nmse(fast[i], ref[i]), dtype == DType::F32 ? 1e-11 : 1e-24) << c.name << " tensor " << i;
    }
  }
}

// The fused ELU + batch norm's fast loops at shapes the layer case does not reach: planes
// longer than the backward's stack chunk (1155 > 1024 values), enough values to run on
// every thread, and [N, C] (one value per plane).
TEST(CpuFastPath, FusedEluBatchNormShapesMatchReference) {
  for (const Shape& in : {Shape{2, 3, 33, 35}, Shape{8, 6, 37, 41}, Shape{16, 5}}) {
    const LayerCase c = elu_batchnorm_case("EluBatchNorm2d " + in.str(), in, 0.7);
    for (DType dtype : {DType::F32, DType::F64}) {
      const auto fast = run_case(c, dtype, false), ref = run_case(c, dtype, true);
      ASSERT_EQ(fast.size(), ref.size());
      for (size_t i = 0; i < fast.size(); ++i) {
        ASSERT_FALSE(any_nan(fast[i])) << c.name << " tensor " << i;
        EXPECT_LE(nmse(fast[i], ref[i]), dtype == DType::F32 ? 1e-11 : 1e-24) << c.name << " " << dtype_name(dtype)
                                                                                << " tensor " << i;
      }
    }
  }
}

// The whole ConvNet, training mode with dropout (the fast path draws the same masks).
TEST(CpuFastPath, ConvNetTrainingStepMatchesReference) {
  auto step = [](bool reference) {
    PathScope path(reference);
    Graph g(Device::cpu(), DType::F32, 5);
    Value x = g.input("x", Shape{5, 1, 28, 28});
    Value y = models::build_convnet(g, x, models::ConvNetOptions{});
    g.build();
    Rng rng(8);
    fill_random(g.value(x), rng);
    g.reseed(3);
    g.forward();
    fill_random(g.grad(y), rng);
    g.zero_grad();
    g.backward();
    std::vector<Values> out{g.value(y).to_host()};
    for (const auto& p : g.parameters()) out.push_back(p.grad.to_host());
    g.eval();
    g.forward();
    out.push_back(g.value(y).to_host());
    return out;
  };
  const auto fast = step(false), ref = step(true);
  ASSERT_EQ(fast.size(), ref.size());
  for (size_t i = 0; i < fast.size(); ++i) {
    ASSERT_FALSE(any_nan(fast[i])) << i;
    EXPECT_LE(nmse(fast[i], ref[i]), 1e-9) << "tensor " << i << " (0: logits, then parameter gradients, last: eval)";
  }
}

// Eval is lean: dropout hands its input through without a copy.
TEST(CpuFastPath, EvalDropoutIsAViewOfItsInput) {
  Graph g(Device::cpu(), DType::F32, 1);
  Value x = g.input("x", Shape{2, 3, 4, 4});
  Value y = g.add<layers::Dropout>("drop", {x}, 0.5);
  g.build();
  g.forward();
  EXPECT_NE(g.value(y).raw(), g.value(x).raw());  // training: its own memory, masked
  g.eval();
  g.forward();
  EXPECT_EQ(g.value(y).raw(), g.value(x).raw());
  g.train();
  g.forward();
  EXPECT_NE(g.value(y).raw(), g.value(x).raw());
}

}  // namespace
}  // namespace adma::test

namespace adma::test {
namespace {

// Eval is lean: a forward in eval mode leaves the activation gradients as they were
// (training clears them for backward to accumulate into) and writes no logits gradient.
TEST(CpuFastPath, EvalForwardSkipsGradientWork) {
  Graph g(Device::cpu(), DType::F32, 1);
  Value x = g.input("x", Shape{2, 1, 28, 28});
  Value y = models::build_convnet(g, x, models::ConvNetOptions{});
  g.build();
  Rng rng(4);
  fill_random(g.value(x), rng);
  fill_random(g.grad(y), rng);
  const Values before = g.grad(y).to_host();
  g.eval();
  g.forward();
  EXPECT_EQ(g.grad(y).to_host(), before);
  g.train();
  g.forward();
  for (double v : g.grad(y).to_host()) ASSERT_EQ(v, 0.0);
}

}  // namespace
}  // namespace adma::test

#include <cstdlib>

#include "kernels/cpu_fast/dnnl_conv2d.h"

namespace adma::test {
namespace {

// The convolution kernels called directly, float32, with gradients that already hold
// values: oneDNN (or the own kernels) must add into them exactly as the reference does.
TEST(CpuFastPath, ConvolutionKernelsAccumulateLikeTheReference) {
  Context& ctx = Context::cpu();
  kernels::Conv2dGeometry geo;
  geo.n = 3;
  geo.c = 4;
  geo.h = 9;
  geo.w = 8;
  geo.k = 5;
  geo.r = geo.s = 3;
  geo.pad_h = geo.pad_w = 1;
  auto run = [&](bool reference) {
    PathScope path(reference);
    const kernels::Conv2dSetup p = kernels::conv2d_setup(ctx, geo, DType::F32);
    if (!reference && kernels::cpu_fast::dnnl_available() && backend_options().conv == CpuConvEngine::OneDnn)
      EXPECT_TRUE(p.dnnl) << "oneDNN is built in but did not take a float32 setup";
    Rng rng(12);
    auto make = [&](Shape s) {
      Tensor t = Tensor::empty(s, DType::F32, Device::cpu());
      fill_random(t, rng);
      return t;
    };
    Tensor x = make({3, 4, 9, 8}), w = make({5, 4, 3, 3}), b = make({5}), y = make({3, 5, 9, 8});
    Tensor dy = make({3, 5, 9, 8}), dx = make({3, 4, 9, 8}), dw = make({5, 4, 3, 3}), db = make({5});
    Tensor ws = Tensor::empty(Shape{static_cast<int64_t>(p.workspace_bytes / 4 + 1)}, DType::F32, Device::cpu());
    kernels::conv2d_forward(ctx, p, x, w, b, y, ws);
    kernels::conv2d_backward_filter(ctx, p, x, dy, dw, ws);
    kernels::conv2d_backward_bias(ctx, p, dy, db);
    kernels::conv2d_backward_data(ctx, p, w, dy, dx, ws);
    return std::vector<Values>{y.to_host(), dw.to_host(), db.to_host(), dx.to_host()};
  };
  const auto fast = run(false), ref = run(true);
  for (size_t i = 0; i < fast.size(); ++i) EXPECT_LE(nmse(fast[i], ref[i]), 1e-11) << "y, dw, db, dx: " << i;
  // float64 setups go to the own kernels.
  PathScope path(false);
  EXPECT_FALSE(kernels::conv2d_setup(ctx, geo, DType::F64).dnnl);
}

// The dispatch follows the context's backend field: a convolution setup made on the
// reference is the reference's (one column matrix, no oneDNN state), one made on the
// fast backend carries the fast backend's workspace (a slot per thread) and, with
// oneDNN in use, its primitives.
TEST(CpuFastPath, DispatchFollowsTheContextsBackend) {
  Context& ctx = Context::cpu();
  kernels::Conv2dGeometry geo;
  geo.n = 4;
  geo.c = 8;
  geo.h = geo.w = 10;
  geo.k = 6;
  geo.r = geo.s = 3;
  geo.pad_h = geo.pad_w = 1;
  const size_t columns = static_cast<size_t>(geo.c * geo.r * geo.s * geo.out_h() * geo.out_w()) * sizeof(float);
  kernels::Conv2dSetup ref, fast;
  {
    PathScope path(true);
    ref = kernels::conv2d_setup(ctx, geo, DType::F32);
  }
  {
    PathScope path(false);
    fast = kernels::conv2d_setup(ctx, geo, DType::F32);
  }
  EXPECT_EQ(ref.workspace_bytes, columns);
  EXPECT_FALSE(ref.dnnl);
  EXPECT_GT(fast.workspace_bytes, columns);
  EXPECT_EQ(static_cast<bool>(fast.dnnl),
            kernels::cpu_fast::dnnl_available() && backend_options().conv == CpuConvEngine::OneDnn);
}

// The algorithm each pass takes: direct with few input channels; with 16 or more,
// Winograd where oneDNN has it on this CPU (AVX-512), never with ADMA_CPU_WINOGRAD=0.
TEST(CpuFastPath, ConvolutionAlgorithmFollowsTheChannels) {
  Context& ctx = Context::cpu();
  if (!kernels::cpu_fast::dnnl_available()) GTEST_SKIP() << "built without oneDNN";
  if (backend_options().conv == CpuConvEngine::Own) GTEST_SKIP() << "ADMA_CPU_CONV=own: no oneDNN setups";
  PathScope path(false);
  auto algorithms = [&](int64_t c) {
    kernels::Conv2dGeometry geo;
    geo.n = 4;
    geo.c = c;
    geo.h = geo.w = 14;
    geo.k = 32;
    geo.r = geo.s = 3;
    geo.pad_h = geo.pad_w = 1;
    return kernels::cpu_fast::dnnl_conv2d_algorithms(kernels::conv2d_setup(ctx, geo, DType::F32));
  };
  const std::string one = algorithms(1), rich = algorithms(32);
  std::printf("[ backend  ] 1 -> 32 channels: %s\n[ backend  ] 32 -> 32 channels: %s\n", one.c_str(), rich.c_str());
  EXPECT_EQ(one.find("wino"), std::string::npos) << one;
  EXPECT_EQ(rich.find("forward "), 0u) << rich;
  bool& winograd = backend_options().winograd;
  const bool was = winograd;
  // oneDNN has Winograd on AVX-512 unless its ISA is capped (ONEDNN_MAX_CPU_ISA) or
  // adma's use of it is switched off (ADMA_CPU_WINOGRAD=0).
#if defined(__x86_64__)
  if (__builtin_cpu_supports("avx512f") && !std::getenv("ONEDNN_MAX_CPU_ISA") && !std::getenv("DNNL_MAX_CPU_ISA") &&
      was)
    EXPECT_NE(rich.find("forward jit_wino"), std::string::npos) << rich;
#endif
  winograd = false;  // as ADMA_CPU_WINOGRAD=0 does, for the setups made from here on
  const std::string direct = algorithms(32);
  winograd = was;
  EXPECT_EQ(direct.find("wino"), std::string::npos) << direct;
}

}  // namespace
}  // namespace adma::test

#include "kernels/cpu_fast/elu_isa.h"
#include "kernels/cpu_fast/vector_isa.h"
#include "kernels/elu.h"

namespace adma::test {
namespace {

// The float32 vector expm1 of the fast ELU against libm's in double, elementwise:
// tiny, moderate and large negative inputs, the -0.5 seam of its two formulas, a
// tail that is not a multiple of 8 or 16, and a NaN that must stay NaN. First
// through the kernel entry point (whatever this CPU selects), then each vector body
// this CPU can run, called directly; the backward bodies against the scalar formula.
TEST(CpuFastPath, EluVectorExpm1IsAccurateElementwise) {
  Context& ctx = Context::cpu();
  namespace fast = kernels::cpu_fast;
  std::printf("[ backend  ] vector expm1: %s\n", vector_isa_name(fast::vector_isa()));
  std::vector<double> xs;
  for (double v = -100; v < 3; v += 0.0137) xs.push_back(v);
  for (double v : {-0.5, -0.5000001, -0.4999999, -1e-3, -1e-7, -1e-30, 0.0, 1e-30, -87.9, -88.5, -1e6})
    xs.push_back(v);
  xs.push_back(std::numeric_limits<double>::quiet_NaN());
  xs.push_back(-0.25);  // an odd count: the tail runs too
  const Shape s{static_cast<int64_t>(xs.size())};
  Tensor x = Tensor::from_host(xs, s, DType::F32, Device::cpu()), y = Tensor::empty(s, DType::F32, Device::cpu());
  const double alpha = 1.3;
  const Values in = x.to_host();
  auto check = [&](const Values& got, const char* who) {
    for (size_t i = 0; i < got.size(); ++i) {
      if (std::isnan(in[i])) {
        EXPECT_TRUE(std::isnan(got[i])) << who << ": NaN in, " << got[i] << " out";
        continue;
      }
      const double want = in[i] > 0 ? in[i] : alpha * std::expm1(in[i]);
      EXPECT_LE(std::fabs(got[i] - want), 2.5e-7 * std::fabs(want) + 1e-37) << who << ": ELU(" << in[i] << ")";
    }
  };
  kernels::EluSetup p = kernels::elu_setup(ctx, s, DType::F32, alpha);
  PathScope path(false);
  kernels::elu_forward(ctx, p, x, y);
  check(y.to_host(), "entry point");
#if defined(__x86_64__)
  // Backward: dx += dy (y > 0 ? 1 : y + alpha), from the outputs above, into dx = 0.5.
  std::vector<float> yv(xs.size()), dy(xs.size()), dx(xs.size());
  for (size_t i = 0; i < xs.size(); ++i) {
    yv[i] = std::isnan(in[i]) ? 0.f : static_cast<float>(in[i] > 0 ? in[i] : alpha * std::expm1(in[i]));
    dy[i] = static_cast<float>(std::sin(0.37 * static_cast<double>(i)));
  }
  auto body = [&](const char* who, auto forward, auto backward) {
    std::vector<float> xf(xs.begin(), xs.end()), out(xs.size());
    forward(xf.data(), out.data(), static_cast<int64_t>(xs.size()), static_cast<float>(alpha));
    check(Values(out.begin(), out.end()), who);
    std::fill(dx.begin(), dx.end(), 0.5f);
    backward(yv.data(), dy.data(), dx.data(), static_cast<int64_t>(xs.size()), static_cast<float>(alpha));
    for (size_t i = 0; i < xs.size(); ++i) {
      const float want = 0.5f + dy[i] * (yv[i] > 0 ? 1.f : yv[i] + static_cast<float>(alpha));
      EXPECT_NEAR(dx[i], want, 1e-6f * (1 + std::fabs(want))) << who << " backward at " << i;
    }
  };
  using F = void (*)(const float*, float*, int64_t, float);
  using B = void (*)(const float*, const float*, float*, int64_t, float);
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
    body("AVX2", static_cast<F>(fast::avx2::elu_forward), static_cast<B>(fast::avx2::elu_backward));
  if (__builtin_cpu_supports("avx512f"))
    body("AVX-512", static_cast<F>(fast::avx512::elu_forward), static_cast<B>(fast::avx512::elu_backward));
#endif
}

}  // namespace
}  // namespace adma::test

namespace adma::test {
namespace {

// Graph::set_profiling sums each node's forward and backward time (what
// `cpu_step_bench --profile` prints); off, nothing is recorded.
TEST(GraphProfile, RecordsEveryNodeThatRuns) {
  Graph g(Device::cpu(), DType::F32, 1);
  Value x = g.input("x", Shape{2, 1, 28, 28});
  Value y = models::build_convnet(g, x, models::ConvNetOptions{});
  g.build();
  g.forward();
  for (const auto& t : g.profile()) EXPECT_EQ(t.forward_s + t.backward_s, 0.0) << "recorded while off";
  g.set_profiling(true);
  g.forward();
  Rng rng(2);
  fill_random(g.grad(y), rng);
  g.backward();
  g.set_profiling(false);
  ASSERT_EQ(static_cast<int>(g.profile().size()), g.size());
  for (int i = 0; i < g.size(); ++i) {
    const Node& n = g.node_at(i);
    const auto& t = g.profile()[static_cast<size_t>(i)];
    if (n.kind() == "Input" || n.is_view()) {
      EXPECT_EQ(t.backward_s, 0.0) << n.name();
      continue;
    }
    EXPECT_GT(t.forward_s, 0.0) << n.name();
    if (n.kind() == "Conv2d" && n.name() != "block1.conv1") EXPECT_GT(t.backward_s, 0.0) << n.name();
  }
  g.reset_profile();
  for (const auto& t : g.profile()) EXPECT_EQ(t.forward_s, 0.0);
}

}  // namespace
}  // namespace adma::test

#include "kernels/maxpool2d.h"

namespace adma::test {
namespace {

// Max pooling called directly: 2x2 at stride 2 (its own loop in the fast path) and
// other windows (the general loop), on inputs with many ties (small integers) and a
// NaN, forward and backward bit for bit against the reference: ties must go to the
// first maximum in both directions.
TEST(CpuFastPath, MaxPoolMatchesReferenceBitForBitWithTies) {
  Context& ctx = Context::cpu();
  struct Geo {
    Shape in;
    int64_t k, s, pad = 0;
  };
  for (const Geo& geo : {Geo{{2, 3, 8, 8}, 2, 2}, Geo{{3, 2, 7, 9}, 2, 2}, Geo{{2, 2, 7, 9}, 3, 2},
                         Geo{{1, 3, 6, 5}, 2, 1}, Geo{{2, 2, 7, 9}, 3, 2, 1}, Geo{{2, 3, 8, 8}, 3, 2, 1},
                         Geo{{1, 2, 6, 6}, 2, 2, 1}}) {
    for (DType dtype : {DType::F32, DType::F64}) {
      kernels::MaxPool2dSetup p;
      p.in = geo.in;
      p.dtype = dtype;
      p.kh = p.kw = geo.k;
      p.sh = p.sw = geo.s;
      p.ph = p.pw = geo.pad;
      kernels::maxpool2d_setup_init(ctx, p);
      Rng rng(7);
      std::vector<double> xs(static_cast<size_t>(geo.in.numel())), gs(static_cast<size_t>(p.out().numel()));
      for (auto& v : xs) v = static_cast<double>(rng.below(4));  // ties everywhere
      xs[5] = std::numeric_limits<double>::quiet_NaN();
      for (auto& v : gs) v = rng.normal();
      const Tensor x = Tensor::from_host(xs, geo.in, dtype, Device::cpu());
      const Tensor dy = Tensor::from_host(gs, p.out(), dtype, Device::cpu());
      auto run = [&](bool reference) {
        PathScope path(reference);
        Tensor y = Tensor::empty(p.out(), dtype, Device::cpu()), dx = Tensor::empty(geo.in, dtype, Device::cpu());
        dx.fill(0.25);
        kernels::maxpool2d_forward(ctx, p, x, y);
        kernels::maxpool2d_backward(ctx, p, x, y, dy, dx);
        return std::pair<Values, Values>{y.to_host(), dx.to_host()};
      };
      const auto fast = run(false), ref = run(true);
      const std::string what = geo.in.str() + " window " + std::to_string(geo.k) + " stride " + std::to_string(geo.s) +
                               " padding " + std::to_string(geo.pad);
      for (size_t i = 0; i < ref.first.size(); ++i) {
        if (std::isnan(ref.first[i])) {
          EXPECT_TRUE(std::isnan(fast.first[i])) << what << " y[" << i << "]";
          continue;
        }
        EXPECT_EQ(fast.first[i], ref.first[i]) << what << " y[" << i << "]";
      }
      for (size_t i = 0; i < ref.second.size(); ++i) EXPECT_EQ(fast.second[i], ref.second[i]) << what << " dx[" << i << "]";
    }
  }
}

}  // namespace
}  // namespace adma::test
