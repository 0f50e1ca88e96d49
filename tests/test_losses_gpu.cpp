// The fused CUDA loss kernel against the CPU reference (double) on fresh random
// inputs, for every loss and for shapes that take each code path: one warp per
// row (C <= 1024, float4 or scalar), one block per row (C > 1024), C = 1, and
// the paper-scale C = 32000; for each version of the kernel, naive to registers
// (kernels::SoftmaxLossVersion; the registers version's own cases, bf16 included, are in
// test_losses_registers_gpu.cpp), with and without ignored rows (label -1). Also:
// repeated calls (the ticket counter resets), accumulation, and a learnable a read
// from device memory.
#include <gtest/gtest.h>

#include <cmath>

#include "kernels/softmax_loss.h"
#include "kernels/evaluate_loss.h"
#include "test_util.h"

namespace adma::test {
namespace {

using losses::LossKind;

struct Case {
  int n, c;
};
// Paths: warp per row (float4 or scalar), block per row with the row cached in shared
// memory (scalar 1025, float4 4096 and 32000), and uncached (50000 > 48K classes).
const Case kShapes[] = {{64, 10}, {1000, 10}, {7, 1},    {33, 1000},  {5, 1023},
                        {3, 1025}, {8, 4096}, {4, 32000}, {2, 50000}};
// Every kind in the one table (losses/loss_kind.h).
std::vector<LossKind> all_kinds() {
  std::vector<LossKind> v;
  for (const auto& k : losses::kLossKinds) v.push_back(k.kind);
  return v;
}
const std::vector<LossKind> kKinds = all_kinds();

const kernels::SoftmaxLossVersion kVersions[] = {
    kernels::SoftmaxLossVersion::Tuned, kernels::SoftmaxLossVersion::TwoPass,
    kernels::SoftmaxLossVersion::RowPerThread, kernels::SoftmaxLossVersion::Registers};

// Every version of the kernel (naive to tuned), every loss, every shape; a third of
// the rows carry the label -1 in the second half of the cases (padding rows).
TEST(LossGPU, FusedKernelMatchesCpuForEveryVersionLossAndShape) {
  ADMA_REQUIRE_GPU();
  Rng rng(fresh_seed());
  for (auto version : kVersions)
    for (bool padded : {false, true})
  for (const Case& s : kShapes)
    for (LossKind kind : kKinds) {
      std::vector<std::vector<double>> z(static_cast<size_t>(s.n));
      for (auto& row : z) {
        row = random_values(rng, s.c, -6, 6);
        for (auto& v : row) v = static_cast<float>(v);  // both sides see the same values (and the same ties)
      }
      std::vector<int32_t> y;
      for (int i = 0; i < s.n; ++i)
        y.push_back(padded && i % 3 == 1 ? kIgnoreLabel
                                         : static_cast<int32_t>(rng.below(static_cast<uint64_t>(s.c))));
      losses::LossParams p;
      p.kind = kind;
      p.a = 0.2624;
      const auto cpu = kernels::evaluate_loss(p, z, y, Device::cpu());
      const auto gpu = kernels::evaluate_loss(p, z, y, Device::cuda(0), version);
      const std::string what = std::string(losses::loss_name(kind)) + " [" + std::to_string(s.n) + " x " +
                               std::to_string(s.c) + "] " + kernels::version_name(version) +
                               (padded ? " with ignored rows" : "");
      for (int i = 0; i < s.n; ++i)
        if (y[i] == kIgnoreLabel) ASSERT_EQ(gpu.per_sample[i], 0.0) << what;
      // The tuned and registers kernels sum a row as a tree; the naive versions add it serially in
      // float, whose rounding grows with the row (seen on an H200: nmse up to 8e-9 at C = 50000
      // for the probability losses), so their bound widens with C/250.
      const bool tree =
          version == kernels::SoftmaxLossVersion::Tuned || version == kernels::SoftmaxLossVersion::Registers;
      const double widen = tree ? 1.0 : std::max(1.0, s.c / 250.0);
      EXPECT_LE(nmse(gpu.per_sample, cpu.per_sample), 1e-10 * widen) << what;
      EXPECT_NEAR(gpu.loss, cpu.loss, 1e-5 * widen * std::max(1.0, std::fabs(cpu.loss))) << what;
      EXPECT_EQ(gpu.correct, cpu.correct) << what;
      EXPECT_NEAR(gpu.dloss_da, cpu.dloss_da, 1e-5 * std::max(1.0, std::fabs(cpu.dloss_da))) << what;
      std::vector<double> gg, gc;
      for (int i = 0; i < s.n; ++i) {
        gg.insert(gg.end(), gpu.dlogits[i].begin(), gpu.dlogits[i].end());
        gc.insert(gc.end(), cpu.dlogits[i].begin(), cpu.dlogits[i].end());
      }
      ASSERT_FALSE(any_nan(gg)) << what;
      EXPECT_LE(nmse(gg, gc), 1e-9 * widen) << what;
    }
}

TEST(LossGPU, RepeatedCallsAccumulationAndDeviceScalingFactorInEveryVersion) {
  ADMA_REQUIRE_GPU();
  for (auto version : kVersions) {
  SCOPED_TRACE(kernels::version_name(version));
  Context& ctx = Context::get(Device::cuda(0));
  const int n = 100, c = 37;
  Rng rng(fresh_seed());
  Tensor z = Tensor::from_host(random_values(rng, n * c, -4, 4), Shape{n, c}, DType::F32, Device::cuda(0));
  std::vector<double> yv;
  for (int i = 0; i < n; ++i) yv.push_back(static_cast<double>(rng.below(c)));
  Tensor y = Tensor::from_host(yv, Shape{n}, DType::I32, Device::cuda(0));
  Tensor a = Tensor::from_host({0.31}, Shape{1}, DType::F32, Device::cuda(0));
  kernels::LossOutputs out;
  out.per_sample = Tensor::empty(Shape{n}, DType::F32, Device::cuda(0));
  out.loss = Tensor::empty(Shape{1}, DType::F32, Device::cuda(0));
  out.correct = Tensor::empty(Shape{1}, DType::F32, Device::cuda(0));
  out.dloss_da = Tensor::empty(Shape{1}, DType::F32, Device::cuda(0));
  out.dlogits = Tensor::empty(Shape{n, c}, DType::F32, Device::cuda(0));
  losses::LossParams p;  // p.a = 0.25 is replaced by the device value
  const auto setup = kernels::softmax_loss_setup(p, n, c, version);
  const int64_t words = static_cast<int64_t>((setup.scratch_bytes + 3) / 4);
  out.scratch = Tensor::from_host(std::vector<double>(words, 0.0), Shape{words}, DType::F32, Device::cuda(0));
  kernels::softmax_loss(ctx, setup, z, y, a, 1.0 / n, false, out);
  const double first = out.loss.to_host()[0];
  const auto g1 = out.dlogits.to_host();
  // Without the reset no block of the next call draws the last ticket and the totals keep
  // this call's values: NaN them, so only a second reduction passes.
  for (Tensor* t : {&out.loss, &out.correct, &out.dloss_da}) t->fill(std::nan(""));
  kernels::softmax_loss(ctx, setup, z, y, a, 1.0 / n, true, out);  // same again, added
  EXPECT_EQ(out.loss.to_host()[0], first) << "second call differs: ticket counter not reset?";
  const auto g2 = out.dlogits.to_host();
  for (size_t i = 0; i < g1.size(); ++i) ASSERT_NEAR(g2[i], 2 * g1[i], 1e-6);
  // Against the CPU with a = 0.31 given on the host.
  std::vector<std::vector<double>> zh(n);
  const auto zv = z.to_host();
  for (int i = 0; i < n; ++i) zh[i].assign(zv.begin() + i * c, zv.begin() + (i + 1) * c);
  p.a = 0.31f;
  std::vector<int32_t> yi(yv.begin(), yv.end());
  const auto ref = kernels::evaluate_loss(p, zh, yi, Device::cpu());
  EXPECT_NEAR(first, ref.loss, 1e-5);
  EXPECT_NEAR(out.dloss_da.to_host()[0], ref.dloss_da, 1e-5);
  }
}

// The tuned and registers versions, float logits, and the registers version on bf16 ones.
TEST(LossGPU, ExtremeLogitsStayFinite) {
  ADMA_REQUIRE_GPU();
  const std::vector<std::vector<double>> z = {{1e4, -1e4, 0}, {-1e4, 1e4, 1e4}, {1e4, 1e4, 1e4}};
  const std::pair<kernels::SoftmaxLossVersion, bool> runs[] = {{kernels::SoftmaxLossVersion::Tuned, false},
                                                               {kernels::SoftmaxLossVersion::Registers, false},
                                                               {kernels::SoftmaxLossVersion::Registers, true}};
  for (const auto& [version, bf16] : runs)
    for (LossKind kind : kKinds)
      for (double a : {0.0, 0.25, 2.0}) {
        losses::LossParams p;
        p.kind = kind;
        p.a = a;
        const auto r = kernels::evaluate_loss(p, z, {1, 0, 2}, Device::cuda(0), version, bf16);
        const std::string what = std::string(losses::loss_name(kind)) + " a=" + std::to_string(a) + " " +
                                 kernels::version_name(version) + (bf16 ? " bf16" : "");
        ASSERT_TRUE(std::isfinite(r.loss)) << what;
        for (const auto& row : r.dlogits)
          for (double g : row) ASSERT_TRUE(std::isfinite(g)) << what;
      }
}

}  // namespace
}  // namespace adma::test
