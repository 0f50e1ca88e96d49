// The fused losses on the CPU reference: closed forms written out here, dL/dz and
// dL/da against central differences in double, the numerical extremes the issue
// names, label checks, and the SoftmaxLoss graph node.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <set>
#include <string>

#include "core/graph/graph.h"
#include "kernels/softmax_loss.h"
#include "layers/add.h"
#include "layers/dense.h"
#include "kernels/evaluate_loss.h"
#include "layers/softmax_loss.h"
#include "test_util.h"

namespace adma::test {
namespace {

using losses::LossKind;
using losses::LossParams;
using Matrix = std::vector<std::vector<double>>;

LossParams params(LossKind kind) {
  LossParams p;
  p.kind = kind;
  p.a = 0.27;
  p.q = 0.6;
  p.epsilon = 1.5;
  p.gamma = 1.7;
  return p;
}

// Every kind, read from the one table (losses/loss_kind.h).
std::vector<LossKind> all_kinds() {
  std::vector<LossKind> v;
  for (const auto& k : losses::kLossKinds) v.push_back(k.kind);
  return v;
}
const std::vector<LossKind> kAll = all_kinds();

std::vector<double> softmax(const std::vector<double>& z) {
  double m = z[0];
  for (double v : z) m = std::max(m, v);
  double s = 0;
  for (double v : z) s += std::exp(v - m);
  std::vector<double> p;
  for (double v : z) p.push_back(std::exp(v - m) / s);
  return p;
}

// Textbook definitions, straight from the paper and Keras (no log-domain tricks).
double closed_form(const LossParams& lp, const std::vector<double>& z, int y) {
  const auto p = softmax(z);
  const double py = p[y];
  const double c = static_cast<double>(z.size());
  switch (lp.kind) {
    case LossKind::Adma:
      return lp.base - std::pow(lp.base, std::pow(py, lp.a));
    case LossKind::CrossEntropy:
      return -std::log(py);
    case LossKind::GeneralizedCE:
      return (1 - std::pow(py, lp.q)) / lp.q;
    case LossKind::Poly1:
      return -std::log(py) + lp.epsilon * (1 - py);
    case LossKind::Focal:
      return -std::pow(1 - py, lp.gamma) * std::log(py);
    case LossKind::MSE: {
      double s = 0;
      for (size_t k = 0; k < p.size(); ++k) s += std::pow(p[k] - (static_cast<int>(k) == y), 2);
      return s / c;
    }
    case LossKind::SquaredHinge: {
      double s = 0;
      for (size_t k = 0; k < p.size(); ++k) {
        const double t = static_cast<int>(k) == y ? 1 : -1;
        s += std::pow(std::max(1 - t * p[k], 0.0), 2);
      }
      return s / c;
    }
  }
  return NAN;
}

Matrix random_logits(Rng& rng, int n, int c, double spread = 3.0) {
  Matrix z(static_cast<size_t>(n));
  for (auto& row : z) row = random_values(rng, c, -spread, spread);
  return z;
}

std::vector<int32_t> random_labels(Rng& rng, int n, int c) {
  std::vector<int32_t> y;
  for (int i = 0; i < n; ++i) y.push_back(static_cast<int32_t>(rng.below(static_cast<uint64_t>(c))));
  return y;
}

class LossCpu : public ::testing::TestWithParam<LossKind> {};

std::string kind_name(const ::testing::TestParamInfo<LossKind>& info) {
  std::string s = losses::loss_name(info.param);
  for (auto& ch : s)
    if (ch == '-') ch = '_';
  return s;
}

TEST_P(LossCpu, MatchesClosedForm) {
  const LossParams lp = params(GetParam());
  Rng rng(3);
  const Matrix z = random_logits(rng, 9, 6);
  const auto y = random_labels(rng, 9, 6);
  const auto r = kernels::evaluate_loss(lp, z, y, Device::cpu());
  double mean = 0;
  for (size_t i = 0; i < z.size(); ++i) {
    const double want = closed_form(lp, z[i], y[i]);
    EXPECT_NEAR(r.per_sample[i], want, 1e-12 * std::max(1.0, std::fabs(want))) << "sample " << i;
    mean += want / z.size();
  }
  EXPECT_NEAR(r.loss, mean, 1e-12);
}

TEST_P(LossCpu, GradientMatchesCentralDifferences) {
  LossParams lp = params(GetParam());
  Rng rng(4);
  const Matrix z = random_logits(rng, 5, 7);
  const auto y = random_labels(rng, 5, 7);
  const auto r = kernels::evaluate_loss(lp, z, y, Device::cpu());
  const double h = 1e-6;
  for (size_t i = 0; i < z.size(); ++i)
    for (size_t k = 0; k < z[i].size(); ++k) {
      Matrix zp = z, zm = z;
      zp[i][k] += h;
      zm[i][k] -= h;
      const double num = (kernels::evaluate_loss(lp, zp, y, Device::cpu()).loss -
                          kernels::evaluate_loss(lp, zm, y, Device::cpu()).loss) /
                         (2 * h);
      ASSERT_NEAR(r.dlogits[i][k], num, 1e-8 * std::max(1.0, std::fabs(num))) << "dL/dz[" << i << "][" << k << "]";
    }
}

INSTANTIATE_TEST_SUITE_P(Losses, LossCpu, ::testing::ValuesIn(kAll), kind_name);

TEST(AdmaLoss, ScalingFactorGradientMatchesCentralDifferences) {
  Rng rng(5);
  const Matrix z = random_logits(rng, 6, 5);
  const auto y = random_labels(rng, 6, 5);
  for (double base : {M_E, 2.0, 10.0})
    for (double a : {0.05, 0.2581, 0.5, 1.7}) {
      LossParams lp = params(LossKind::Adma);
      lp.a = a;
      lp.base = base;
      const double h = 1e-6;
      LossParams lo = lp, hi = lp;
      lo.a -= h;
      hi.a += h;
      const double num =
          (kernels::evaluate_loss(hi, z, y, Device::cpu()).loss - kernels::evaluate_loss(lo, z, y, Device::cpu()).loss) /
          (2 * h);
      EXPECT_NEAR(kernels::evaluate_loss(lp, z, y, Device::cpu()).dloss_da, num, 1e-8) << "a " << a << " base " << base;
    }
}

TEST(AdmaLoss, PaperExampleByHand) {
  // Worked by hand (docs/losses.md): p = softmax(z), L = e - exp(p_y^0.25).
  LossParams lp = params(LossKind::Adma);
  lp.a = 0.25;
  const auto r = kernels::evaluate_loss(lp, {{2, 1, 0.1}, {0.5, 2.5, -1}}, {0, 2}, Device::cpu());
  EXPECT_NEAR(r.per_sample[0], 0.25623448287183637, 1e-14);
  EXPECT_NEAR(r.per_sample[1], 1.2246654644794916, 1e-14);
  EXPECT_NEAR(r.loss, 0.740449973675664, 1e-14);
  EXPECT_NEAR(r.dlogits[0][0], -0.09455421274064464, 1e-14);
  EXPECT_NEAR(r.dlogits[1][2], -0.07296422544952712, 1e-14);
  EXPECT_NEAR(r.dloss_da, 1.557110305554324, 1e-13);
  EXPECT_EQ(r.correct, 1.0);  // row 0 predicts 0 (right), row 1 predicts 1 (wrong)
}

TEST(AdmaLoss, SmallScalingFactorIsEATimesCrossEntropy) {
  // e - exp(p^a) = e - e exp(a log p + O(a^2)) ~ -e a log p for small a.
  Rng rng(6);
  const Matrix z = random_logits(rng, 4, 10);
  const auto y = random_labels(rng, 4, 10);
  LossParams adma = params(LossKind::Adma), cce = params(LossKind::CrossEntropy);
  adma.a = 1e-5;
  const double ra = kernels::evaluate_loss(adma, z, y, Device::cpu()).loss;
  const double rc = kernels::evaluate_loss(cce, z, y, Device::cpu()).loss;
  EXPECT_NEAR(ra / (M_E * adma.a), rc, 1e-3 * rc);
}

TEST(LossNumerics, ExtremeLogitsStayFinite) {
  // |z| up to 1e4, and p_y underflowing to 0 (label on the smallest logit).
  const Matrix z = {{1e4, -1e4, 0}, {-1e4, 1e4, 1e4}, {1e4, 1e4, 1e4}, {-1e4, -1e4, -1e4}};
  const std::vector<int32_t> y = {1, 0, 2, 0};
  for (auto kind : kAll)
    for (double a : {0.0, 0.25, 2.0}) {
      LossParams lp = params(kind);
      lp.a = a;
      const auto r = kernels::evaluate_loss(lp, z, y, Device::cpu());
      ASSERT_TRUE(std::isfinite(r.loss)) << losses::loss_name(kind) << " a=" << a;
      for (const auto& row : r.dlogits)
        for (double g : row) ASSERT_TRUE(std::isfinite(g)) << losses::loss_name(kind) << " a=" << a;
      ASSERT_TRUE(std::isfinite(r.dloss_da));
    }
  // CCE of an underflowed p_y is the exact -log p_y = 2e4, not inf.
  const auto r = kernels::evaluate_loss(params(LossKind::CrossEntropy), {{1e4, -1e4}}, {1}, Device::cpu());
  EXPECT_NEAR(r.loss, 2e4, 1e-9);
  // Adma is bounded by e - 1 however wrong the prediction.
  const auto ra = kernels::evaluate_loss(params(LossKind::Adma), {{1e4, -1e4}}, {1}, Device::cpu());
  EXPECT_NEAR(ra.loss, M_E - 1, 1e-12);
}

TEST(LossNumerics, AdmaWithZeroScalingFactorIsIdenticallyZero) {
  Rng rng(8);
  const Matrix z = random_logits(rng, 5, 4);
  LossParams lp = params(LossKind::Adma);
  lp.a = 0;
  const auto r = kernels::evaluate_loss(lp, z, random_labels(rng, 5, 4), Device::cpu());
  EXPECT_EQ(r.loss, 0.0);
  for (const auto& row : r.dlogits)
    for (double g : row) EXPECT_EQ(g, 0.0);
}

TEST(LossNumerics, SingleClassHasZeroLossForEveryFamily) {
  for (auto kind : kAll) {
    const auto r = kernels::evaluate_loss(params(kind), {{3.0}, {-2.0}}, {0, 0}, Device::cpu());
    EXPECT_NEAR(r.loss, 0.0, 1e-15) << losses::loss_name(kind);  // p_y = 1 exactly
    EXPECT_EQ(r.dlogits[0][0], 0.0) << losses::loss_name(kind);
    EXPECT_EQ(r.correct, 2.0);
  }
}

TEST(LossErrors, BadLabelsAndParametersAreReportedBeforeAnyKernel) {
  try {
    kernels::evaluate_loss(params(LossKind::Adma), {{1, 2, 3}, {1, 2, 3}}, {0, 3}, Device::cpu());
    FAIL() << "label 3 with 3 classes must be refused";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("label 3 of sample 1 is outside [0, 3)"), std::string::npos) << e.what();
  }
  EXPECT_THROW(kernels::evaluate_loss(params(LossKind::Adma), {{1, 2}}, {-2}, Device::cpu()), Error);
  LossParams bad = params(LossKind::Adma);
  bad.a = -0.1;
  EXPECT_THROW(kernels::evaluate_loss(bad, {{1, 2}}, {0}, Device::cpu()), Error);
  bad = params(LossKind::Adma);
  bad.base = 1.0;
  EXPECT_THROW(losses::validate(bad), Error);
  EXPECT_THROW(losses::loss_kind_from_name("hinge"), Error);
  EXPECT_EQ(losses::loss_kind_from_name("squared-hinge"), LossKind::SquaredHinge);
}

TEST(LossKernel, BadLabelOnDeviceIsNanLossAndZeroGradientNotACrash) {
  // The graph path cannot check device labels without a sync; the kernel must stay in bounds.
  Context& ctx = Context::cpu();
  kernels::LossOutputs out;
  Tensor z = Tensor::from_host({1, 2, 3, 4, 5, 6}, Shape{2, 3}, DType::F64, Device::cpu());
  Tensor y = Tensor::from_host({0, 7}, Shape{2}, DType::I32, Device::cpu());
  out.per_sample = Tensor::empty(Shape{2}, DType::F64, Device::cpu());
  out.loss = Tensor::empty(Shape{1}, DType::F64, Device::cpu());
  out.correct = Tensor::empty(Shape{1}, DType::F64, Device::cpu());
  out.dloss_da = Tensor::empty(Shape{1}, DType::F64, Device::cpu());
  out.dlogits = Tensor::empty(Shape{2, 3}, DType::F64, Device::cpu());
  kernels::softmax_loss(ctx, kernels::softmax_loss_setup(params(LossKind::Adma), 2, 3), z, y, Tensor(), 0.5, false,
                        out);
  const auto ps = out.per_sample.to_host();
  EXPECT_TRUE(std::isfinite(ps[0]));
  EXPECT_TRUE(std::isnan(ps[1]));
  const auto g = out.dlogits.to_host();
  for (int k = 3; k < 6; ++k) EXPECT_EQ(g[k], 0.0);
}

TEST(LossLabels, MinusOneIgnoresTheRowForEveryKind) {
  // Rows 1 and 3 are padding: no loss, no gradient, not counted; the mean is over rows 0 and 2.
  Rng rng(11);
  const Matrix z = random_logits(rng, 4, 5);
  const std::vector<int32_t> y = {3, -1, 0, -1};
  for (auto kind : kAll) {
    const LossParams lp = params(kind);
    const auto r = kernels::evaluate_loss(lp, z, y, Device::cpu());
    const auto real = kernels::evaluate_loss(lp, {z[0], z[2]}, {3, 0}, Device::cpu());
    const std::string what = losses::loss_name(kind);
    EXPECT_NEAR(r.loss, real.loss, 1e-14) << what;
    EXPECT_EQ(r.per_sample[1], 0.0) << what;
    EXPECT_EQ(r.per_sample[3], 0.0) << what;
    EXPECT_NEAR(r.per_sample[2], real.per_sample[1], 1e-14) << what;
    EXPECT_EQ(r.correct, real.correct) << what;
    for (int k = 0; k < 5; ++k) {
      EXPECT_EQ(r.dlogits[1][k], 0.0) << what;
      EXPECT_EQ(r.dlogits[3][k], 0.0) << what;
      // Gradients carry the caller's 1/N (N = 4 here, 2 there).
      EXPECT_NEAR(r.dlogits[0][k], real.dlogits[0][k] / 2, 1e-14) << what;
    }
    EXPECT_NEAR(r.dloss_da, real.dloss_da / 2, 1e-14) << what;
  }
  // A batch of nothing but padding: mean 0, nothing correct, no gradient.
  const auto none = kernels::evaluate_loss(params(LossKind::Adma), {{1, 2}, {3, 4}}, {-1, -1}, Device::cpu());
  EXPECT_EQ(none.loss, 0.0);
  EXPECT_EQ(none.correct, 0.0);
  EXPECT_EQ(none.dloss_da, 0.0);
  for (const auto& row : none.dlogits)
    for (double g : row) EXPECT_EQ(g, 0.0);
}

// bfloat16 logits on the CPU: the reference reads the bf16 values, computes in double as
// always, and rounds what it writes: per-sample loss and metrics to float, dlogits to
// bf16 (through float, as the GPU kernel does). So it is exactly the double run on the
// rounded logits, rounded; the GPU's bf16 kernel is tested against it
// (test_losses_registers_gpu.cpp).
TEST(LossBf16, CpuReferenceIsTheDoubleRunOnRoundedLogitsRounded) {
  Rng rng(23);
  const Matrix z = random_logits(rng, 6, 13, 5.0);
  Matrix rounded = z;
  for (auto& row : rounded)
    for (auto& v : row) v = bf16_to_float(float_to_bf16(static_cast<float>(v)));
  const std::vector<int32_t> y = {3, -1, 0, 12, 7, 7};
  for (auto kind : kAll) {
    const std::string what = losses::loss_name(kind);
    const auto r16 = kernels::evaluate_loss(params(kind), z, y, Device::cpu(), kernels::SoftmaxLossVersion::Tuned, true);
    const auto r64 = kernels::evaluate_loss(params(kind), rounded, y, Device::cpu());
    EXPECT_EQ(r16.loss, static_cast<float>(r64.loss)) << what;
    EXPECT_EQ(r16.correct, r64.correct) << what;
    EXPECT_EQ(r16.dloss_da, static_cast<float>(r64.dloss_da)) << what;
    for (size_t i = 0; i < y.size(); ++i) {
      EXPECT_EQ(r16.per_sample[i], static_cast<float>(r64.per_sample[i])) << what << " row " << i;
      for (size_t k = 0; k < 13; ++k)
        ASSERT_EQ(r16.dlogits[i][k], bf16_to_float(float_to_bf16(static_cast<float>(r64.dlogits[i][k]))))
            << what << " row " << i << " class " << k;
    }
  }
}

// With bfloat16 logits, dlogits are bfloat16 and everything else float32; anything else is refused.
TEST(LossBf16, OutputsMustBeFloatAndGradientsBf16) {
  Context& ctx = Context::cpu();
  const auto setup = kernels::softmax_loss_setup(params(LossKind::CrossEntropy), 2, 3);
  const Tensor z = Tensor::from_host({1, 2, 3, 4, 5, 6}, Shape{2, 3}, DType::BF16, Device::cpu());
  const Tensor y = Tensor::from_host({2, 2}, Shape{2}, DType::I32, Device::cpu());  // both rows' arg-max
  kernels::LossOutputs out;
  out.per_sample = Tensor::empty(Shape{2}, DType::F32, Device::cpu());
  out.loss = Tensor::empty(Shape{1}, DType::F32, Device::cpu());
  out.correct = Tensor::empty(Shape{1}, DType::F32, Device::cpu());
  out.dlogits = Tensor::empty(Shape{2, 3}, DType::BF16, Device::cpu());
  kernels::softmax_loss(ctx, setup, z, y, Tensor(), 0.5, false, out);
  EXPECT_EQ(out.correct.to_host()[0], 2.0);
  out.dlogits = Tensor::empty(Shape{2, 3}, DType::F32, Device::cpu());
  EXPECT_THROW(kernels::softmax_loss(ctx, setup, z, y, Tensor(), 0.5, false, out), Error);
  out.dlogits = Tensor::empty(Shape{2, 3}, DType::BF16, Device::cpu());
  out.loss = Tensor::empty(Shape{1}, DType::BF16, Device::cpu());
  EXPECT_THROW(kernels::softmax_loss(ctx, setup, z, y, Tensor(), 0.5, false, out), Error);
  out.loss = Tensor::empty(Shape{1}, DType::F32, Device::cpu());
  const Tensor a16 = Tensor::from_host({0.3}, Shape{1}, DType::BF16, Device::cpu());
  EXPECT_THROW(kernels::softmax_loss(ctx, setup, z, y, a16, 0.5, false, out), Error);  // a learnable a is float
  const Tensor zi = Tensor::from_host({1, 2, 3, 4, 5, 6}, Shape{2, 3}, DType::I32, Device::cpu());
  EXPECT_THROW(kernels::softmax_loss(ctx, setup, zi, y, Tensor(), 0.5, false, out), Error);
}

TEST(LossLabels, CheckAcceptsMinusOneAndRefusesEverythingElseOutsideTheClasses) {
  EXPECT_NO_THROW(kernels::check_labels({0, -1, 2, -1}, 3));
  EXPECT_THROW(kernels::check_labels({0, -2}, 3), Error);
  EXPECT_THROW(kernels::check_labels({3}, 3), Error);
  try {
    kernels::check_labels({1, -5}, 3);
    FAIL() << "label -5 must be refused";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("label -5 of sample 1 is outside [0, 3)"), std::string::npos) << e.what();
  }
}

TEST(LossSetup, ConvertsTheConstantsOnceAndTheKernelReadsOnlyThose) {
  LossParams lp = params(LossKind::Adma);
  lp.base = 3.0;
  const auto s = kernels::softmax_loss_setup(lp, 2, 3);
  EXPECT_EQ(s.f64.a, lp.a);
  EXPECT_EQ(s.f32.a, static_cast<float>(lp.a));
  EXPECT_EQ(s.f64.ln_base, std::log(3.0));
  EXPECT_EQ(s.f32.ln_base, static_cast<float>(std::log(3.0)));
  EXPECT_EQ(s.f32.base, 3.0f);
  EXPECT_TRUE(s.f32.lp_only);
  EXPECT_FALSE(kernels::softmax_loss_setup(params(LossKind::MSE), 2, 3).f64.lp_only);
  // The launch does not go back to the double parameters: spoiling them after the
  // setup changes nothing, because the kernel reads the converted constants.
  auto spoiled = s;
  spoiled.params.a = -7;
  spoiled.params.base = 0.5;
  Context& ctx = Context::cpu();
  auto run = [&](const kernels::SoftmaxLossSetup& setup) {
    kernels::LossOutputs out;
    Tensor z = Tensor::from_host({1, 2, 3, 4, 5, 7}, Shape{2, 3}, DType::F64, Device::cpu());
    Tensor y = Tensor::from_host({0, 2}, Shape{2}, DType::I32, Device::cpu());
    out.per_sample = Tensor::empty(Shape{2}, DType::F64, Device::cpu());
    out.loss = Tensor::empty(Shape{1}, DType::F64, Device::cpu());
    out.correct = Tensor::empty(Shape{1}, DType::F64, Device::cpu());
    kernels::softmax_loss(ctx, setup, z, y, Tensor(), 0.5, false, out);
    return out.loss.to_host()[0];
  };
  const double want = kernels::evaluate_loss(lp, {{1, 2, 3}, {4, 5, 7}}, {0, 2}, Device::cpu()).loss;
  EXPECT_EQ(run(s), want);
  EXPECT_EQ(run(spoiled), want);
  // Bad parameters are refused where they enter, in the library's words.
  lp.a = -1;
  try {
    kernels::softmax_loss_setup(lp, 2, 3);
    FAIL() << "a = -1 must be refused";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("Adma scaling factor a must be >= 0, got -1"), std::string::npos) << e.what();
  }
}

TEST(LossTable, EveryKindOnceWithNameHelpAndItsFamily) {
  std::set<std::string> names;
  for (const auto& k : losses::kLossKinds) {
    EXPECT_TRUE(names.insert(k.name).second) << "duplicate " << k.name;
    EXPECT_GT(std::string(k.help).size(), 5u);
    EXPECT_EQ(losses::loss_kind_from_name(k.name), k.kind);
    EXPECT_EQ(&losses::loss_info(k.kind), &k);
    // phi answers for its family only; the other family's function says NaN, never another loss.
    const auto c = losses::loss_consts<double>(params(k.kind));
    double loss, dlp, da, f, dfdp;
    losses::phi(c, std::log(0.3), loss, dlp, da);
    losses::prob_term(c, 0.3, true, f, dfdp);
    EXPECT_EQ(std::isnan(loss), !losses::uses_lp_only(k.kind)) << k.name;
    EXPECT_EQ(std::isnan(f), losses::uses_lp_only(k.kind)) << k.name;
  }
  EXPECT_EQ(names.size(), 7u);
  EXPECT_EQ(losses::loss_names(), "adma, cce, mse, squared-hinge, gce, poly1, focal");
  // Each parameter's default is what LossParams starts with.
  const LossParams defaults;
  for (const auto& p : losses::kLossParams) {
    EXPECT_EQ(defaults[p.param], p.default_value) << p.name;
    EXPECT_EQ(losses::param_problem(p.param, p.default_value), "") << p.name;
    EXPECT_NE(losses::param_problem(p.param, NAN), "") << p.name;
  }
}

TEST(SoftmaxLossNode, WritesLogitGradientsAndTrainsALearnableScalingFactor) {
  Graph g(Device::cpu(), DType::F64, 2);
  Value x = g.input("x", Shape{4, 3});
  Value y = g.labels("y", 4);
  Value z = g.add<layers::Dense>("fc", {x}, layers::Dense::Options{5, true});
  layers::SoftmaxLoss::Options o;
  o.params = params(LossKind::Adma);
  o.learnable_a = true;
  Value l = g.add<layers::SoftmaxLoss>("loss", {z, y}, o);
  g.build();
  ASSERT_EQ(g.parameters().back().name, "loss.a");
  EXPECT_EQ(g.parameters().back().value.to_host()[0], o.params.a);
  Rng rng(1);
  fill_random(g.value(x), rng);
  const std::vector<int32_t> labels = {0, 4, 2, 2};
  kernels::check_labels(labels, 5);
  g.value(y).copy_from(Tensor::from_host({0, 4, 2, 2}, Shape{4}, DType::I32, Device::cpu()));
  g.forward();
  g.zero_grad();  // after forward on purpose: the node adds dL/da in backward
  g.backward();
  // Same numbers as the stand-alone evaluation of the logits the graph produced.
  const Values zs = g.value(z).to_host();
  Matrix zm(4);
  for (int i = 0; i < 4; ++i) zm[i].assign(zs.begin() + i * 5, zs.begin() + (i + 1) * 5);
  const auto r = kernels::evaluate_loss(o.params, zm, labels, Device::cpu());
  EXPECT_NEAR(g.value(l).to_host()[0], r.loss, 1e-14);
  const Values dz = g.grad(z).to_host();
  for (int i = 0; i < 4; ++i)
    for (int k = 0; k < 5; ++k) EXPECT_NEAR(dz[i * 5 + k], r.dlogits[i][k], 1e-14);
  EXPECT_NEAR(g.parameters().back().grad.to_host()[0], r.dloss_da, 1e-14);
  auto& node = dynamic_cast<layers::SoftmaxLoss&>(g.node(l));
  EXPECT_EQ(node.correct().to_host()[0], r.correct);
  // The Dense weight gradient is the chain rule through these logit gradients: checked numerically.
  Tensor w = g.parameters()[0].value;
  const double analytic = g.parameters()[0].grad.to_host()[0];
  Values wv = w.to_host();
  const double h = 1e-6, keep = wv[0];
  auto loss_at = [&](double v) {
    wv[0] = v;
    w.copy_from(Tensor::from_host(wv, w.shape(), DType::F64, Device::cpu()));
    g.forward();
    return g.value(l).to_host()[0];
  };
  const double num = (loss_at(keep + h) - loss_at(keep - h)) / (2 * h);
  EXPECT_NEAR(analytic, num, 1e-8);
}

TEST(SoftmaxLossNode, RejectsFloatLabelsAndLearnableAForOtherLosses) {
  Graph g(Device::cpu());
  Value x = g.input("x", Shape{4, 3});
  Value fake_labels = g.input("y", Shape{4});
  layers::SoftmaxLoss::Options o;
  g.add<layers::SoftmaxLoss>("loss", {x, fake_labels}, o);
  EXPECT_THROW(g.build(), Error);
  o.params.kind = LossKind::CrossEntropy;
  o.learnable_a = true;
  EXPECT_THROW(layers::SoftmaxLoss{o}, Error);
}

TEST(SoftmaxLossNode, IsASinkBecauseItComputesItsInputGradientInForward) {
  Graph g(Device::cpu());
  Value x = g.input("x", Shape{4, 3});
  Value y = g.labels("y", 4);
  Value l = g.add<layers::SoftmaxLoss>("loss", {x, y}, layers::SoftmaxLoss::Options{});
  EXPECT_TRUE(g.node(l).grads_in_forward());
  try {
    g.add<layers::Add>("twice", {l, l});
    FAIL() << "a node after the loss must be refused";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("must be a sink"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace adma::test
