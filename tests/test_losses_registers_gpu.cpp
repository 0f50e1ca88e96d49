// The registers version of the fused loss (SoftmaxLossVersion::Registers) against the CPU
// reference on fresh random inputs, float and bfloat16 logits, every loss kind, at row
// lengths that take each of its kernel instances (kernels/cuda/softmax_loss_registers*.cu):
// 16-byte vectors or single elements, groups of 8 / 32 / 64 ... 1024 threads, the
// looped fallback (C > 32768, or C > 1024 and not a multiple of the vector), and
// batches of 1 row and of a row count that no block's row count divides, with ignored
// rows (-1). Also: logits that are not 16-byte aligned (the scalar instances on the same
// C), accumulation and repeated calls in bfloat16.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "core/bfloat16.h"
#include "core/context.h"
#include "kernels/evaluate_loss.h"
#include "kernels/softmax_loss.h"
#include "test_util.h"

namespace adma::test {
namespace {

using kernels::SoftmaxLossVersion;
using losses::LossKind;

// Row lengths: each instance of both files (float4 and 8 x bf16 vectors, scalars) and the fallback.
const int kClasses[] = {1,    2,    3,    8,    10,   16,   17,   32,   63,   64,   100,  127,  200,
                        255,  504,  511,  1000, 1023, 1024, 1025, 2048, 4096, 4097, 8192, 12000,
                        32000, 32768, 40000};

std::vector<LossKind> all_kinds() {
  std::vector<LossKind> v;
  for (const auto& k : losses::kLossKinds) v.push_back(k.kind);
  return v;
}

// Rows: 1, and a count that neither 8 nor 32 (rows per block of the warp instances)
// divides, kept small for the wide rows (the reference runs in double).
std::vector<int> batches(int c) { return {1, std::max(3, std::min(37, 200000 / c))}; }

struct Inputs {
  std::vector<std::vector<double>> z;
  std::vector<int32_t> y;
};

// Logits in [-3, 3), float-exact (both sides see the same values, and the same ties);
// every third row of a padded batch has the label -1. The range keeps p_y below
// 1 - e^-6 even at C = 2, where float's 1 - p_y (the gradient at the label) loses
// digits to cancellation that no kernel can get back: a single row of [1 x 2] would
// then compare that rounding, not the kernel. (Extreme logits: ExtremeLogitsStayFinite.)
Inputs random_inputs(Rng& rng, int n, int c, bool padded) {
  Inputs in;
  in.z.resize(static_cast<size_t>(n));
  for (auto& row : in.z) {
    row = random_values(rng, c, -3, 3);
    for (auto& v : row) v = static_cast<float>(v);
  }
  for (int i = 0; i < n; ++i)
    in.y.push_back(padded && i % 3 == 1 ? kIgnoreLabel : static_cast<int32_t>(rng.below(static_cast<uint64_t>(c))));
  return in;
}

std::vector<double> flat(const std::vector<std::vector<double>>& m) {
  std::vector<double> v;
  for (const auto& row : m) v.insert(v.end(), row.begin(), row.end());
  return v;
}

// The loss and metrics the same way for both dtypes (the math is float in both). Per
// row, not as one nmse: a batch of one row whose loss is near 0 (p_y near 1) would
// weigh float's absolute error in lse (~1e-7 of |z|) as a relative one.
void expect_same_loss(const kernels::LossReport& gpu, const kernels::LossReport& cpu, const std::vector<int32_t>& y,
                      const std::string& what) {
  for (size_t i = 0; i < y.size(); ++i) {
    if (y[i] == kIgnoreLabel) ASSERT_EQ(gpu.per_sample[i], 0.0) << what;
    EXPECT_LE(std::fabs(gpu.per_sample[i] - cpu.per_sample[i]), 1e-5 * std::fabs(cpu.per_sample[i]) + 2e-6)
        << what << ", row " << i << ": gpu " << gpu.per_sample[i] << ", cpu " << cpu.per_sample[i];
  }
  EXPECT_NEAR(gpu.loss, cpu.loss, 1e-5 * std::max(1.0, std::fabs(cpu.loss))) << what;
  EXPECT_EQ(gpu.correct, cpu.correct) << what;
  EXPECT_NEAR(gpu.dloss_da, cpu.dloss_da, 1e-5 * std::max(1.0, std::fabs(cpu.dloss_da))) << what;
}

// Every gradient element, not only the nmse (on a wide row a few wrong elements hardly
// move it): float's relative error plus an absolute part for the label's 1 - p_y.
// evaluate_loss fills dlogits with NaN first, so an element never written is NaN.
void expect_same_gradient(const std::vector<double>& gg, const std::vector<double>& gc, const std::string& what) {
  ASSERT_FALSE(any_nan(gg)) << what << ": an element of dlogits was never written";
  double largest = 0;
  for (double v : gc) largest = std::max(largest, std::fabs(v));
  for (size_t i = 0; i < gg.size(); ++i)
    ASSERT_LE(std::fabs(gg[i] - gc[i]), 1e-4 * std::fabs(gc[i]) + 1e-5 * largest)
        << what << ", element " << i << ": gpu " << gg[i] << ", cpu " << gc[i];
  EXPECT_LE(nmse(gg, gc), 1e-9) << what;
}

TEST(LossRegistersGPU, FloatMatchesCpuForEveryLossRowLengthAndBatch) {
  ADMA_REQUIRE_GPU();
  Rng rng(fresh_seed());
  for (int c : kClasses)
    for (int n : batches(c))
      for (LossKind kind : all_kinds()) {
        const bool padded = n > 1;
        const Inputs in = random_inputs(rng, n, c, padded);
        losses::LossParams p;
        p.kind = kind;
        p.a = 0.2624;
        const auto cpu = kernels::evaluate_loss(p, in.z, in.y, Device::cpu());
        const auto gpu = kernels::evaluate_loss(p, in.z, in.y, Device::cuda(0), SoftmaxLossVersion::Registers);
        const std::string what = std::string(losses::loss_name(kind)) + " [" + std::to_string(n) + " x " +
                                 std::to_string(c) + "]" + (padded ? " with ignored rows" : "");
        expect_same_loss(gpu, cpu, in.y, what);
        expect_same_gradient(flat(gpu.dlogits), flat(cpu.dlogits), what);
      }
}

// Grids of more blocks than the last block's partial sum loop covers in one trip (256
// threads), and every instance once more: one loss, one batch per row length.
TEST(LossRegistersGPU, ManyBlocksAndEveryInstance) {
  ADMA_REQUIRE_GPU();
  Rng rng(fresh_seed());
  struct Case {
    int n, c;
  };
  std::vector<Case> cases{{10000, 10}, {300, 8192}, {2000, 33}};
  for (int c : kClasses) cases.push_back({5, c});
  for (const Case& k : cases) {
    const Inputs in = random_inputs(rng, k.n, k.c, true);
    losses::LossParams p;
    p.kind = LossKind::Adma;
    const auto cpu = kernels::evaluate_loss(p, in.z, in.y, Device::cpu());
    const auto gpu = kernels::evaluate_loss(p, in.z, in.y, Device::cuda(0), SoftmaxLossVersion::Registers);
    const std::string what = "adma [" + std::to_string(k.n) + " x " + std::to_string(k.c) + "]";
    expect_same_loss(gpu, cpu, in.y, what);
    expect_same_gradient(flat(gpu.dlogits), flat(cpu.dlogits), what);
  }
}

// Ties at the maximum: the first index wins, as on the CPU, wherever the tied values sit
// (one vector, two vectors, two threads' shares).
TEST(LossRegistersGPU, TiesAtTheMaximumGoToTheFirstIndex) {
  ADMA_REQUIRE_GPU();
  for (int c : {4, 10, 64, 1000, 4096, 32000}) {
    for (int tie : {1, 5, c / 2, c - 1}) {
      if (tie <= 0 || tie >= c) continue;
      // Row 0: all equal, label 0 (correct); row 1: all equal, label 1 (not correct);
      // row 2: zeros, 2.0 at 0 and at `tie`, label `tie` (not correct); row 3: the same, label 0.
      std::vector<std::vector<double>> z(4, std::vector<double>(static_cast<size_t>(c), 0.0));
      for (double& v : z[0]) v = 1.5;
      for (double& v : z[1]) v = 1.5;
      z[2][0] = z[2][static_cast<size_t>(tie)] = 2.0;
      z[3] = z[2];
      const std::vector<int32_t> y{0, 1, tie, 0};
      const auto cpu = kernels::evaluate_loss(losses::LossParams{}, z, y, Device::cpu());
      const auto gpu =
          kernels::evaluate_loss(losses::LossParams{}, z, y, Device::cuda(0), SoftmaxLossVersion::Registers);
      EXPECT_EQ(cpu.correct, 2.0) << "C = " << c << ", tie at " << tie;
      EXPECT_EQ(gpu.correct, cpu.correct) << "C = " << c << ", tie at " << tie;
    }
  }
}

// bf16: both sides read the same bf16 logits; the GPU computes in float and rounds dlogits
// to bf16 once, the CPU in double and rounds the same way, so an element may differ by
// one bf16 step (2^-8 of its value) where the two unrounded values straddle a rounding
// boundary, plus float's error where 1 - p_y cancels (an absolute part).
TEST(LossRegistersGPU, Bf16MatchesTheCpuOnTheRoundedLogits) {
  ADMA_REQUIRE_GPU();
  Rng rng(fresh_seed());
  for (int c : kClasses)
    for (int n : batches(c))
      for (LossKind kind : all_kinds()) {
        const bool padded = n > 1;
        const Inputs in = random_inputs(rng, n, c, padded);
        losses::LossParams p;
        p.kind = kind;
        p.a = 0.2624;
        const auto cpu = kernels::evaluate_loss(p, in.z, in.y, Device::cpu(), SoftmaxLossVersion::Registers, true);
        const auto gpu = kernels::evaluate_loss(p, in.z, in.y, Device::cuda(0), SoftmaxLossVersion::Registers, true);
        const std::string what = std::string(losses::loss_name(kind)) + " bf16 [" + std::to_string(n) + " x " +
                                 std::to_string(c) + "]" + (padded ? " with ignored rows" : "");
        expect_same_loss(gpu, cpu, in.y, what);
        const auto gg = flat(gpu.dlogits), gc = flat(cpu.dlogits);
        ASSERT_FALSE(any_nan(gg)) << what;
        double largest = 0;
        for (double v : gc) largest = std::max(largest, std::fabs(v));
        for (size_t i = 0; i < gg.size(); ++i)
          ASSERT_LE(std::fabs(gg[i] - gc[i]), std::ldexp(std::fabs(gc[i]), -7) + 1e-6 * largest)
              << what << ", element " << i << ": gpu " << gg[i] << ", cpu " << gc[i];
        EXPECT_LE(nmse(gg, gc), 1e-5) << what;
      }
}

// The same C through a logits buffer that starts 4 bytes past a 16-byte boundary: the
// launcher must see that rows cannot move as vectors (scalar instances, or the looped
// fallback beyond 1024 classes) and still get every element.
TEST(LossRegistersGPU, UnalignedLogitsTakeTheScalarPathAndMatchCpu) {
  ADMA_REQUIRE_GPU();
  Rng rng(fresh_seed());
  Context& ctx = Context::get(Device::cuda(0));
  for (int c : {8, 1000, 4096})
    for (LossKind kind : {LossKind::Adma, LossKind::MSE}) {
      const int n = 9;
      const Inputs in = random_inputs(rng, n, c, true);
      losses::LossParams p;
      p.kind = kind;
      const auto cpu = kernels::evaluate_loss(p, in.z, in.y, Device::cpu());
      // One float of offset into a larger buffer, for the logits and for dlogits.
      const auto shifted = [&](const std::vector<double>& v) {
        std::vector<double> host(v.size() + 1, 0.0);
        std::copy(v.begin(), v.end(), host.begin() + 1);
        const Tensor all = Tensor::from_host(host, Shape{static_cast<int64_t>(host.size())}, DType::F32,
                                             Device::cuda(0));
        return Tensor::view(all.storage(), sizeof(float), Shape{n, c}, DType::F32);
      };
      const Tensor z = shifted(flat(in.z));
      const Tensor y = Tensor::from_host(std::vector<double>(in.y.begin(), in.y.end()), Shape{n}, DType::I32,
                                         Device::cuda(0));
      kernels::LossOutputs out;
      out.per_sample = Tensor::empty(Shape{n}, DType::F32, Device::cuda(0));
      out.loss = Tensor::empty(Shape{1}, DType::F32, Device::cuda(0));
      out.correct = Tensor::empty(Shape{1}, DType::F32, Device::cuda(0));
      out.dloss_da = Tensor::empty(Shape{1}, DType::F32, Device::cuda(0));
      out.dlogits = shifted(std::vector<double>(static_cast<size_t>(n) * c, 0.0));
      const auto setup = kernels::softmax_loss_setup(p, n, c, SoftmaxLossVersion::Registers);
      const int64_t words = static_cast<int64_t>((setup.scratch_bytes + 3) / 4);
      out.scratch = Tensor::from_host(std::vector<double>(words, 0.0), Shape{words}, DType::F32, Device::cuda(0));
      kernels::softmax_loss(ctx, setup, z, y, Tensor(), 1.0 / n, false, out);
      const std::string what = std::string(losses::loss_name(kind)) + " unaligned [" + std::to_string(n) + " x " +
                               std::to_string(c) + "]";
      const auto ps = out.per_sample.to_host();
      for (int i = 0; i < n; ++i)
        EXPECT_LE(std::fabs(ps[i] - cpu.per_sample[i]), 1e-5 * std::fabs(cpu.per_sample[i]) + 2e-6) << what;
      EXPECT_NEAR(out.loss.to_host()[0], cpu.loss, 1e-5 * std::max(1.0, std::fabs(cpu.loss))) << what;
      EXPECT_EQ(out.correct.to_host()[0], cpu.correct) << what;
      EXPECT_LE(nmse(out.dlogits.to_host(), flat(cpu.dlogits)), 1e-9) << what;
    }
}

// bf16 dlogits accumulate in float and round once: a second call adds (about) the same
// gradient again; the ticket counter resets, so the second call's loss is the first's; a
// learnable a (float) is read from the device.
TEST(LossRegistersGPU, Bf16RepeatedCallsAccumulateAndReadTheDeviceScalingFactor) {
  ADMA_REQUIRE_GPU();
  Rng rng(fresh_seed());
  Context& ctx = Context::get(Device::cuda(0));
  for (int c : {37, 64, 32000}) {
    SCOPED_TRACE("C = " + std::to_string(c));
    const int n = 11;
    const Inputs in = random_inputs(rng, n, c, false);
    const Tensor z = Tensor::from_host(flat(in.z), Shape{n, c}, DType::BF16, Device::cuda(0));
    const Tensor y = Tensor::from_host(std::vector<double>(in.y.begin(), in.y.end()), Shape{n}, DType::I32,
                                       Device::cuda(0));
    const Tensor a = Tensor::from_host({0.31}, Shape{1}, DType::F32, Device::cuda(0));
    kernels::LossOutputs out;
    out.per_sample = Tensor::empty(Shape{n}, DType::F32, Device::cuda(0));
    out.loss = Tensor::empty(Shape{1}, DType::F32, Device::cuda(0));
    out.correct = Tensor::empty(Shape{1}, DType::F32, Device::cuda(0));
    out.dloss_da = Tensor::empty(Shape{1}, DType::F32, Device::cuda(0));
    out.dlogits = Tensor::empty(Shape{n, c}, DType::BF16, Device::cuda(0));
    losses::LossParams p;  // p.a = 0.25 is replaced by the device value
    const auto setup = kernels::softmax_loss_setup(p, n, c, SoftmaxLossVersion::Registers);
    const int64_t words = static_cast<int64_t>((setup.scratch_bytes + 3) / 4);
    out.scratch = Tensor::from_host(std::vector<double>(words, 0.0), Shape{words}, DType::F32, Device::cuda(0));
    kernels::softmax_loss(ctx, setup, z, y, a, 1.0 / n, false, out);
    const double first = out.loss.to_host()[0];
    const auto g1 = out.dlogits.to_host();
    // The last block resets the ticket counter; without it no block of the next call
    // draws the last ticket and the totals keep the last call's values: NaN them first.
    EXPECT_EQ(out.scratch.to_host()[0], 0.0) << "the ticket counter was not reset";
    for (Tensor* t : {&out.loss, &out.correct, &out.dloss_da}) t->fill(std::nan(""));
    kernels::softmax_loss(ctx, setup, z, y, a, 1.0 / n, true, out);
    EXPECT_EQ(out.loss.to_host()[0], first) << "second call differs: ticket counter not reset?";
    const auto g2 = out.dlogits.to_host();
    for (size_t i = 0; i < g1.size(); ++i)
      ASSERT_LE(std::fabs(g2[i] - 2 * g1[i]), std::ldexp(std::fabs(2 * g1[i]), -7) + 1e-12) << "element " << i;
    // Against the CPU on the same bf16 logits with a = 0.31 given on the host.
    losses::LossParams ph = p;
    ph.a = 0.31f;
    const auto ref = kernels::evaluate_loss(ph, in.z, in.y, Device::cpu(), SoftmaxLossVersion::Registers, true);
    EXPECT_NEAR(first, ref.loss, 1e-5);
    EXPECT_NEAR(out.dloss_da.to_host()[0], ref.dloss_da, 1e-5);
  }
}

// The other versions read float only: bf16 logits on the GPU name the one that reads them.
TEST(LossRegistersGPU, Bf16LogitsNeedTheRegistersVersion) {
  ADMA_REQUIRE_GPU();
  try {
    kernels::evaluate_loss(losses::LossParams{}, {{1, 2, 3}}, {0}, Device::cuda(0), SoftmaxLossVersion::Tuned, true);
    FAIL() << "bf16 logits ran on the tuned kernel";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("registers version"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace adma::test
