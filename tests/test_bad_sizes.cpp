// Work is bounded before it starts: every size product is checked, and a memory
// plan can be computed without being allocated. Also how errors describe themselves.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>

#include "core/graph/arena.h"
#include "core/graph/graph.h"
#include "models/convnet.h"
#include "test_util.h"

namespace adma::test {
namespace {

template <typename F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(BadSizes, ShapeProductsAreChecked) {
  const int64_t big = int64_t(1) << 32;
  EXPECT_NE(error_of([&] { (void)Shape({big, big}).numel(); }).find("more elements than fit in 64 bits"),
            std::string::npos);
  EXPECT_NE(error_of([&] { (void)Shape({int64_t(1) << 62}).bytes(8); }).find("more bytes than fit in 64 bits"),
            std::string::npos);
  EXPECT_EQ(Shape({big, 2}).numel(), big * 2);
  // Allocation requests are checked before they reach the allocator.
  EXPECT_NE(error_of([&] { Tensor::empty(Shape{big, big}, DType::F32, Device::cpu()); }).find("64 bits"),
            std::string::npos);
}

TEST(BadSizes, ArenaPlansAreChecked) {
  Arena a("activations");
  a.reserve(Shape{16}, DType::F32);
  const std::string msg = error_of([&] { a.reserve(Shape{int64_t(1) << 41, int64_t(1) << 20}, DType::F32); });
  EXPECT_NE(msg.find("arena activations"), std::string::npos) << msg;
  EXPECT_NE(msg.find("2^62"), std::string::npos) << msg;
}

TEST(BadSizes, PlanSizesTheArenasWithoutAllocating) {
  // A batch whose plan is 6.5 GB: plan() must report it at once, allocating nothing.
  Graph g(Device::cpu());
  Value x = g.input("input", Shape{3000, 1, 28, 28});
  models::build_convnet(g, x, models::ConvNetOptions{});
  const auto t0 = std::chrono::steady_clock::now();
  g.plan();
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_TRUE(g.planned());
  EXPECT_FALSE(g.built());
  EXPECT_GT(g.memory().total(), size_t(6) << 30);
  EXPECT_LT(s, 1.0) << "planning must not touch the memory it plans";
  EXPECT_NE(g.summary().find("memory plan on cpu"), std::string::npos);
  EXPECT_THROW(g.input("late", Shape{1}), Error) << "a planned graph takes no more nodes";
}

TEST(Errors, UserErrorsHideTheSourceLocationUnlessDebugging) {
  ::unsetenv("ADMA_DEBUG");
  const Error user("bad value", "core/x.cpp:3");
  EXPECT_EQ(describe(user), "bad value");
  EXPECT_EQ(describe(InternalError("broken", "core/x.cpp:4")), "internal error: broken [core/x.cpp:4]");
  EXPECT_EQ(describe(std::runtime_error("odd")), "internal error: odd");
  ::setenv("ADMA_DEBUG", "1", 1);
  EXPECT_EQ(describe(user), "bad value [core/x.cpp:3]");
  ::setenv("ADMA_DEBUG", "0", 1);
  EXPECT_EQ(describe(user), "bad value");
  ::unsetenv("ADMA_DEBUG");
  try {
    ADMA_CHECK(1 == 2, "one is not ", 2);
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "one is not 2");
    EXPECT_NE(e.where().find("test_bad_sizes.cpp:"), std::string::npos) << e.where();
  }
  EXPECT_THROW(ADMA_USAGE_CHECK(false, "x"), UsageError);
  EXPECT_THROW(ADMA_ASSERT(false, "x"), InternalError);
}

}  // namespace
}  // namespace adma::test
