// Host<->device copies and fills are ordered on the context's stream: a kernel
// queued right after a copy sees the copied data, and a copy back sees what the
// kernel wrote. The old copies ran on the legacy default stream, which the
// context's non-blocking stream never waits for; a large pageable host-to-device
// copy returns once the data is staged, before the DMA lands, so these would read
// stale memory. Pinned host tensors and stream-ordered async copies are checked
// here too, and what can be checked without a device runs everywhere.
#include <gtest/gtest.h>

#include <limits>

#include "core/context.h"
#include "core/zero.h"
#include "kernels/elementwise.h"
#include "test_util.h"

namespace adma::test {
namespace {

TEST(Tensor, PinnedHostTensorIsAnOrdinaryHostTensorWithoutADevice) {
  Tensor t = Tensor::empty_pinned(Shape{3, 5}, DType::F32);
  EXPECT_TRUE(t.device().is_cpu());
  EXPECT_EQ(t.is_pinned(), have_gpu());  // nothing to pin for without a device
  t.fill(2.5);
  EXPECT_EQ(t.to_host(), Values(15, 2.5));
}

TEST(Tensor, ZeroAndCopyAsyncOnTheCpu) {
  Context& cpu = Context::cpu();
  Tensor a = Tensor::from_host({1, 2, 3, 4}, Shape{4}, DType::F64, Device::cpu());
  Tensor b = Tensor::empty(Shape{4}, DType::F64, Device::cpu());
  b.copy_from_async(a, cpu);
  EXPECT_EQ(b.to_host(), (Values{1, 2, 3, 4}));
  zero(cpu, b);
  EXPECT_EQ(b.to_host(), Values(4, 0.0));
  Tensor c = Tensor::empty(Shape{5}, DType::F64, Device::cpu());
  EXPECT_THROW(c.copy_from_async(a, cpu), Error);
}

// 64 Mi floats (256 MiB) of pageable memory: far beyond any staging buffer, so a
// copy that is not stream-ordered would still be landing when the kernel reads.
TEST(StreamOrderGPU, LargePageableCopyThenKernelSeesTheData) {
  ADMA_REQUIRE_GPU();
  const int64_t n = int64_t(64) << 20;
  Context& ctx = Context::get(Device::cuda(0));
  Rng rng(fresh_seed());
  const Values a = random_values(rng, 1024), b = random_values(rng, 1024);
  Tensor ha = Tensor::empty(Shape{n}, DType::F32, Device::cpu()), hb = Tensor::empty(Shape{n}, DType::F32, Device::cpu());
  float* pa = ha.data<float>();
  float* pb = hb.data<float>();
  for (int64_t i = 0; i < n; ++i) {
    pa[i] = static_cast<float>(a[static_cast<size_t>(i % 1024)]);
    pb[i] = static_cast<float>(b[static_cast<size_t>((i * 7) % 1024)]);
  }
  Tensor da = Tensor::empty(Shape{n}, DType::F32, Device::cuda(0)), db = Tensor::empty(Shape{n}, DType::F32, Device::cuda(0));
  Tensor dy = Tensor::empty(Shape{n}, DType::F32, Device::cuda(0));
  for (int round = 0; round < 3; ++round) {
    kernels::fill(ctx, dy, std::numeric_limits<double>::quiet_NaN());  // queued, not waited for
    da.copy_from(ha);
    db.copy_from(hb);
    kernels::add(ctx, da, db, dy);  // queued right behind the copies
    Tensor back = Tensor::empty(Shape{n}, DType::F32, Device::cpu());
    back.copy_from(dy);  // must wait for the kernel
    const float* p = back.data<float>();
    for (int64_t i = 0; i < n; i += 4099) {
      const float want = pa[i] + pb[i];
      ASSERT_EQ(p[i], want) << "element " << i << " in round " << round;
    }
    ASSERT_EQ(p[n - 1], pa[n - 1] + pb[n - 1]);
    // Change the host data so a stale copy cannot pass the next round.
    for (int64_t i = 0; i < n; ++i) pa[i] += 1.0f;
  }
}

// A device-to-device copy_from is ordered after the kernel that wrote its source.
TEST(StreamOrderGPU, DeviceCopyAfterKernelSeesItsResult) {
  ADMA_REQUIRE_GPU();
  const int64_t n = int64_t(16) << 20;
  Context& ctx = Context::get(Device::cuda(0));
  Tensor x = Tensor::empty(Shape{n}, DType::F32, Device::cuda(0)), y = Tensor::empty(Shape{n}, DType::F32, Device::cuda(0));
  kernels::fill(ctx, x, 1.5);
  kernels::fill(ctx, y, 0.0);
  kernels::axpy(ctx, 2.0, x, y);  // y = 3
  Tensor z = Tensor::empty(Shape{n}, DType::F32, Device::cuda(0));
  z.copy_from(y);
  const Values v = z.to_host();
  for (size_t i = 0; i < v.size(); i += 997) ASSERT_EQ(v[i], 3.0) << i;
}

TEST(StreamOrderGPU, PinnedAsyncCopiesAreStreamOrdered) {
  ADMA_REQUIRE_GPU();
  const int64_t n = int64_t(8) << 20;
  Context& ctx = Context::get(Device::cuda(0));
  Tensor h = Tensor::empty_pinned(Shape{n}, DType::F32), out = Tensor::empty_pinned(Shape{n}, DType::F32);
  ASSERT_TRUE(h.is_pinned());
  float* ph = h.data<float>();
  for (int64_t i = 0; i < n; ++i) ph[i] = static_cast<float>(i % 1000);
  Tensor d = Tensor::empty(Shape{n}, DType::F32, Device::cuda(0));
  Tensor y = Tensor::empty(Shape{n}, DType::F32, Device::cuda(0));
  kernels::fill(ctx, y, 1.0);
  d.copy_from_async(h, ctx);
  kernels::axpy(ctx, 1.0, d, y);  // y = d + 1
  out.copy_from_async(y, ctx);
  ctx.synchronize();
  for (int64_t i = 0; i < n; i += 1013) ASSERT_EQ(out.data<float>()[i], static_cast<float>(i % 1000) + 1.0f) << i;
  // Pageable host memory is refused, with the remedy named.
  Tensor pageable = Tensor::empty(Shape{n}, DType::F32, Device::cpu());
  try {
    d.copy_from_async(pageable, ctx);
    FAIL() << "a pageable source was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("empty_pinned"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace adma::test
