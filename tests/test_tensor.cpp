// Tensor, shape and storage basics, and the GPU copy round trip.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>

#include "core/context.h"
#include "core/tensor.h"
#include "kernels/elementwise.h"
#include "test_util.h"

namespace adma::test {
namespace {

TEST(Shape, CountsAndPrints) {
  Shape s{64, 1, 28, 28};
  EXPECT_EQ(s.rank(), 4);
  EXPECT_EQ(s.numel(), 64 * 28 * 28);
  EXPECT_EQ(s.numel_from(1), 28 * 28);
  EXPECT_EQ(s.str(), "[64, 1, 28, 28]");
  EXPECT_THROW((Shape{1, 2, 3, 4, 5}), Error);
  EXPECT_THROW(s[4], Error);
}

TEST(Tensor, ViewsShareStorage) {
  Tensor t = Tensor::from_host({1, 2, 3, 4, 5, 6}, Shape{2, 3}, DType::F32, Device::cpu());
  Tensor r = t.reshape(Shape{3, 2});
  r.data<float>()[0] = 9;
  EXPECT_EQ(t.data<float>()[0], 9);
  EXPECT_THROW(t.reshape(Shape{4}), Error);
  EXPECT_THROW(t.data<double>(), Error);  // dtype is checked
  Tensor v = Tensor::view(t.storage(), 3 * sizeof(float), Shape{3}, DType::F32);
  EXPECT_EQ(v.to_host(), (std::vector<double>{4, 5, 6}));
  EXPECT_THROW(Tensor::view(t.storage(), 4 * sizeof(float), Shape{3}, DType::F32), Error);  // overrun
}

TEST(Tensor, ExplicitCopies) {
  Tensor a = Tensor::from_host({1, 2, 3}, Shape{3}, DType::F64, Device::cpu());
  Tensor b = Tensor::empty(Shape{3}, DType::F64, Device::cpu());
  b.copy_from(a);
  EXPECT_EQ(b.to_host(), a.to_host());
  Tensor c = Tensor::empty(Shape{3}, DType::F32, Device::cpu());
  EXPECT_THROW(c.copy_from(a), Error);  // no implicit conversion
}

// bfloat16 is float's top half, rounded to nearest, ties to even (as __float2bfloat16_rn):
// the step at 1 is 2^-7, so 1 + 2^-8 is a tie that goes down to the even 1, and
// 1 + 3 * 2^-8 one that goes up to the even 1 + 2^-6.
TEST(Tensor, Bfloat16RoundsToNearestEvenAndWidensExactly) {
  EXPECT_EQ(dtype_size(DType::BF16), 2u);
  EXPECT_STREQ(dtype_name(DType::BF16), "bfloat16");
  EXPECT_EQ(float_to_bf16(1.0f).bits, 0x3f80);
  EXPECT_EQ(float_to_bf16(1.0f + std::ldexp(1.0f, -8)).bits, 0x3f80);
  EXPECT_EQ(float_to_bf16(1.0f + 3 * std::ldexp(1.0f, -8)).bits, 0x3f82);
  EXPECT_EQ(float_to_bf16(1.0f + std::ldexp(1.0f, -8) + std::ldexp(1.0f, -20)).bits, 0x3f81);  // past the tie
  EXPECT_EQ(float_to_bf16(-2.5f).bits, 0xc020);
  EXPECT_EQ(float_to_bf16(std::numeric_limits<float>::infinity()).bits, 0x7f80);
  EXPECT_EQ(float_to_bf16(std::numeric_limits<float>::max()).bits, 0x7f80);  // rounds up past the largest
  EXPECT_TRUE(std::isnan(bf16_to_float(float_to_bf16(std::nanf("")))));
  EXPECT_TRUE(std::isnan(bf16_to_float(BFloat16{0x7f81})));  // a signalling-looking NaN stays NaN
  const uint32_t nan_bits = 0x7f800001u;  // a NaN whose payload is only in the low half
  float nan_low;
  std::memcpy(&nan_low, &nan_bits, sizeof nan_low);
  EXPECT_TRUE(std::isnan(bf16_to_float(float_to_bf16(nan_low))));
  for (float f : {0.0f, -0.0f, 1.0f, 3.140625f, -1e-20f, 6.5e4f})
    EXPECT_EQ(bf16_to_float(float_to_bf16(bf16_to_float(float_to_bf16(f)))), bf16_to_float(float_to_bf16(f)));
  // A tensor: from_host rounds, to_host widens exactly, data<BFloat16>() checks the dtype.
  Tensor t = Tensor::from_host({1.0, 1.00390625, 0.1, -3}, Shape{4}, DType::BF16, Device::cpu());
  EXPECT_EQ(t.nbytes(), 8u);
  EXPECT_EQ(t.to_host(), (std::vector<double>{1.0, 1.0, 0.10009765625, -3}));
  EXPECT_EQ(t.data<BFloat16>()[3].bits, 0xc040);
  EXPECT_THROW(t.data<float>(), Error);
}

TEST(Elementwise, CpuAddAxpyFillCopy) {
  Context& ctx = Context::cpu();
  Tensor a = Tensor::from_host({1, 2, 3}, Shape{3}, DType::F32, Device::cpu());
  Tensor b = Tensor::from_host({10, 20, 30}, Shape{3}, DType::F32, Device::cpu());
  Tensor y = Tensor::empty(Shape{3}, DType::F32, Device::cpu());
  kernels::add(ctx, a, b, y);
  EXPECT_EQ(y.to_host(), (std::vector<double>{11, 22, 33}));
  kernels::axpy(ctx, 0.5, b, y);
  EXPECT_EQ(y.to_host(), (std::vector<double>{16, 32, 48}));
  kernels::fill(ctx, y, 2.5);
  EXPECT_EQ(y.to_host(), (std::vector<double>{2.5, 2.5, 2.5}));
  kernels::copy(ctx, a, y);
  EXPECT_EQ(y.to_host(), a.to_host());
}

TEST(Device, CudaWithoutDeviceIsAClearError) {
  if (have_gpu()) GTEST_SKIP() << "a CUDA device is present";
  EXPECT_THROW(Tensor::empty(Shape{4}, DType::F32, Device::cuda(0)), Error);
}

TEST(ElementwiseGPU, CudaMatchesCpu) {
  ADMA_REQUIRE_GPU();
  Rng rng(fresh_seed());
  const Values av = random_values(rng, 100003), bv = random_values(rng, 100003);
  Shape s{100003};
  Context& gpu = Context::get(Device::cuda(0));
  Context& cpu = Context::cpu();
  Tensor ac = Tensor::from_host(av, s, DType::F32, Device::cpu()), bc = Tensor::from_host(bv, s, DType::F32, Device::cpu());
  Tensor ag = ac.to(Device::cuda(0)), bg = bc.to(Device::cuda(0));
  Tensor yc = Tensor::empty(s, DType::F32, Device::cpu()), yg = Tensor::empty(s, DType::F32, Device::cuda(0));
  kernels::add(cpu, ac, bc, yc);
  kernels::add(gpu, ag, bg, yg);
  kernels::axpy(cpu, -0.75, ac, yc);
  kernels::axpy(gpu, -0.75, ag, yg);
  gpu.synchronize();
  EXPECT_LE(nmse(yg.to_host(), yc.to_host()), 1e-12);
  kernels::fill(gpu, yg, 3.25);
  kernels::copy(gpu, yg, ag);
  gpu.synchronize();
  for (double v : ag.to_host()) ASSERT_EQ(v, 3.25);
}

}  // namespace
}  // namespace adma::test
