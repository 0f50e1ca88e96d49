// Where a max sends its gradient, and what it does with NaN and padding, for the
// max layers of issue 19: Maxout (ties go to the first piece, the first NaN wins)
// and padded max pooling (padding is -inf: it never wins, so a window of negative
// values keeps its maximum). The *GPU* tests hold CUDA to the CPU bit for bit on
// the same inputs (tie-heavy integers and NaNs for Maxout, whose own kernel follows
// the CPU's rule; distinct values for cuDNN's pooling, whose tie rule is its own).
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "core/graph/graph.h"
#include "layers/maxout.h"
#include "layers/maxpool2d.h"
#include "test_util.h"

namespace adma::test {
namespace {

const double kNaN = std::numeric_limits<double>::quiet_NaN();

// One layer on one device: forward of x, backward of dy into a gradient that holds
// `start` everywhere; returns y and dx.
struct LayerRun {
  Values y, dx;
};
template <typename Build>
LayerRun run_layer(Device device, const Shape& in, const Values& x, const Values& dy, double start, Build&& build) {
  Graph g(device, DType::F32, 1);
  Value xv = g.input("x", in, true);
  Value yv = build(g, xv);
  g.build();
  g.value(xv).copy_from(Tensor::from_host(x, in, DType::F32, Device::cpu()));
  g.value(yv).fill(kNaN);  // poison: an unwritten output shows
  g.forward();
  g.grad(yv).copy_from(Tensor::from_host(dy, g.value(yv).shape(), DType::F32, Device::cpu()));
  g.grad(xv).fill(start);
  g.backward();
  g.context().synchronize();
  return {g.value(yv).to_host(), g.grad(xv).to_host()};
}

Value maxout3(Graph& g, Value x) { return g.add<layers::Maxout>("maxout", {x}, layers::Maxout::Options{3}); }
Value stem_pool(Graph& g, Value x) { return g.add<layers::MaxPool2d>("pool", {x}, 3, 2, 1); }

// x [1, 6, 1, 2], 3 pieces: element (channel c, position s) is x[2 c + s].
//   unit 0, s 0: 1, 3, 3       -> 3, the first 3 (channel 1)
//   unit 0, s 1: NaN, 5, 7     -> NaN (channel 0)
//   unit 1, s 0: 2, NaN, NaN   -> NaN, the first NaN (channel 4)
//   unit 1, s 1: -1, -1, -1    -> -1, channel 3
const Shape kMaxoutIn{1, 6, 1, 2};
const Values kMaxoutX{1, kNaN, 3, 5, 3, 7, 2, -1, kNaN, -1, kNaN, -1};
const Values kMaxoutDy{10, 20, 30, 40};

TEST(MaxoutRules, TiesGoToTheFirstPieceAndTheFirstNaNWins) {
  const LayerRun r = run_layer(Device::cpu(), kMaxoutIn, kMaxoutX, kMaxoutDy, 0.5, maxout3);
  ASSERT_EQ(r.y.size(), 4u);
  EXPECT_EQ(r.y[0], 3);
  EXPECT_TRUE(std::isnan(r.y[1]));
  EXPECT_TRUE(std::isnan(r.y[2]));
  EXPECT_EQ(r.y[3], -1);
  Values want(12, 0.5);  // backward adds to what the gradient held
  want[2 * 1 + 0] += 10;
  want[2 * 0 + 1] += 20;
  want[2 * 4 + 0] += 30;
  want[2 * 3 + 1] += 40;
  EXPECT_EQ(r.dx, want);
}

TEST(MaxoutRulesGPU, TiesAndNaNFollowTheCpu) {
  ADMA_REQUIRE_GPU();
  auto same = [](const Values& a, const Values& b, const char* what) {
    ASSERT_EQ(a.size(), b.size());
    for (size_t i = 0; i < a.size(); ++i) {
      if (std::isnan(b[i])) {
        EXPECT_TRUE(std::isnan(a[i])) << what << "[" << i << "]";
        continue;
      }
      EXPECT_EQ(a[i], b[i]) << what << "[" << i << "]";
    }
  };
  const LayerRun c = run_layer(Device::cpu(), kMaxoutIn, kMaxoutX, kMaxoutDy, 0.5, maxout3);
  const LayerRun g = run_layer(Device::cuda(0), kMaxoutIn, kMaxoutX, kMaxoutDy, 0.5, maxout3);
  same(g.y, c.y, "y");
  same(g.dx, c.dx, "dx");
  // Fresh tie-heavy inputs (small integers, some NaN) over many blocks.
  const Shape in{16, 24, 9, 11};
  Rng rng(fresh_seed());
  Values x(static_cast<size_t>(in.numel())), dy(static_cast<size_t>(in.numel() / 3));
  for (auto& v : x) v = rng.below(50) == 0 ? kNaN : static_cast<double>(rng.below(4));
  for (auto& v : dy) v = rng.uniform(-1, 1);
  const LayerRun c2 = run_layer(Device::cpu(), in, x, dy, 0.0, maxout3);
  const LayerRun g2 = run_layer(Device::cuda(0), in, x, dy, 0.0, maxout3);
  same(g2.y, c2.y, "y");
  same(g2.dx, c2.dx, "dx");
}

TEST(MaxPoolPaddingRules, PaddingNeverWins) {
  const Shape in{2, 3, 8, 7};
  Rng rng(3);
  const Values x = distinct_values(rng, in.numel(), -2.0, -0.1);  // zero padding would put 0 in border windows
  const Values dy = random_values(rng, 2 * 3 * 4 * 4);
  const LayerRun r = run_layer(Device::cpu(), in, x, dy, 0.0, stem_pool);
  ASSERT_EQ(r.y.size(), dy.size());
  double routed = 0, total = 0;
  for (size_t i = 0; i < r.y.size(); ++i) {
    EXPECT_LT(r.y[i], 0.0) << "window " << i << " took a padded position";
    total += dy[i];
  }
  for (double g : r.dx) routed += g;
  EXPECT_NEAR(routed, total, 1e-5);  // every window's gradient landed on a real element
}

TEST(MaxPoolPaddingRulesGPU, CudnnPaddingNeverWinsAsOnTheCpu) {
  ADMA_REQUIRE_GPU();
  const Shape in{4, 8, 16, 15};
  Rng rng(fresh_seed());
  const Values x = distinct_values(rng, in.numel(), -2.0, -0.1);
  const Values dy = random_values(rng, 4 * 8 * 8 * 8);
  const LayerRun c = run_layer(Device::cpu(), in, x, dy, 0.25, stem_pool);
  const LayerRun g = run_layer(Device::cuda(0), in, x, dy, 0.25, stem_pool);
  ASSERT_FALSE(any_nan(g.y));
  EXPECT_EQ(g.y, c.y);
  EXPECT_EQ(g.dx, c.dx);
}

}  // namespace
}  // namespace adma::test
