// The options of the layers that issue 19 added or extended, and their refusals:
// Conv2d's padding (Keras words or PyTorch pixels), MaxPool2d's padding, Maxout's
// pieces, LeakyRelu's slope, GlobalAvgPool2d's shapes. Shapes are ResNet-34's.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "core/graph/graph.h"
#include "layers/conv2d.h"
#include "layers/global_avg_pool2d.h"
#include "layers/leaky_relu.h"
#include "layers/maxout.h"
#include "layers/maxpool2d.h"

namespace adma {
namespace {

using layers::Conv2d;
using layers::Conv2dPadding;

// The error message of what `f` throws ("" when it throws nothing).
template <typename F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

Shape conv_out(Shape in, Conv2d::Options o) {
  Graph g(Device::cpu());
  Value x = g.input("x", in);
  return g.node(g.add<Conv2d>("conv", {x}, o)).out_shape();
}

TEST(Conv2dPadding, ReadsAsKerasWordsOrPyTorchPixels) {
  const Conv2dPadding same = "same", valid = std::string("valid"), zero = 0, three = int64_t{3};
  EXPECT_EQ(same.mode(), Conv2dPadding::Mode::Same);
  EXPECT_EQ(same.pixels(7), 3);
  EXPECT_EQ(valid.mode(), Conv2dPadding::Mode::Valid);
  EXPECT_EQ(valid.pixels(7), 0);
  EXPECT_EQ(zero.mode(), Conv2dPadding::Mode::Pixels);  // a literal 0 is no pixels, not a null word
  EXPECT_EQ(zero.pixels(3), 0);
  EXPECT_EQ(three.pixels(1), 3);
  EXPECT_EQ(three.str(), "3");
  EXPECT_EQ(same.str(), "same");
  EXPECT_EQ(Conv2d::Options{}.padding.mode(), Conv2dPadding::Mode::Same);  // the default is unchanged
  EXPECT_NE(error_of([] { Conv2dPadding p("full"); }).find("'same', 'valid' or a number of pixels, got 'full'"),
            std::string::npos);
}

TEST(Conv2dPadding, ResNetGeometries) {
  EXPECT_EQ(conv_out({2, 3, 224, 224}, {64, 7, 2, 3, false}), Shape({2, 64, 112, 112}));  // conv1
  EXPECT_EQ(conv_out({2, 64, 56, 56}, {128, 3, 2, 1, false}), Shape({2, 128, 28, 28}));   // layer2.0.conv1
  EXPECT_EQ(conv_out({2, 64, 56, 56}, {128, 1, 2, 0, false}), Shape({2, 128, 28, 28}));   // layer2.0.downsample
  EXPECT_EQ(conv_out({2, 64, 56, 56}, {64, 3, 1, 1, false}), conv_out({2, 64, 56, 56}, {64, 3, 1, "same", false}));
  EXPECT_EQ(conv_out({2, 3, 32, 32}, {64, 7, 2, 3, false}), Shape({2, 64, 16, 16}));  // CIFAR-sized input
  EXPECT_EQ(conv_out({2, 3, 9, 9}, {4, 3, 1, "valid"}), Shape({2, 4, 7, 7}));
}

TEST(Conv2dPadding, Refusals) {
  EXPECT_NE(error_of([] { conv_out({1, 3, 8, 8}, {4, 3, 2, "same"}); }).find("give the pixels per side"),
            std::string::npos);
  EXPECT_NE(error_of([] { conv_out({1, 3, 8, 8}, {4, 3, 1, -1}); }).find("at least 0 pixels, got -1"),
            std::string::npos);
  EXPECT_NE(error_of([] { conv_out({1, 3, 2, 2}, {4, 7, 1, 1}); }).find("with padding 1 does not fit"),
            std::string::npos);
}

Shape maxpool_out(Shape in, int64_t k, int64_t s, int64_t p) {
  Graph g(Device::cpu());
  Value x = g.input("x", in);
  return g.node(g.add<layers::MaxPool2d>("pool", {x}, k, s, p)).out_shape();
}

TEST(MaxPool2dPadding, ResNetStemAndRefusals) {
  EXPECT_EQ(maxpool_out({2, 64, 112, 112}, 3, 2, 1), Shape({2, 64, 56, 56}));
  EXPECT_EQ(maxpool_out({2, 64, 16, 16}, 3, 2, 1), Shape({2, 64, 8, 8}));
  EXPECT_EQ(maxpool_out({2, 1, 7, 7}, 2, 2, 0), Shape({2, 1, 3, 3}));  // the ConvNet's floor mode, unchanged
  EXPECT_NE(error_of([] { maxpool_out({1, 1, 8, 8}, 3, 2, 2); }).find("between 0 and half the window (1), got 2"),
            std::string::npos);
  EXPECT_NE(error_of([] { maxpool_out({1, 1, 8, 8}, 3, 2, -1); }), "");
}

TEST(Maxout, ShapesAndRefusals) {
  Graph g(Device::cpu());
  Value x = g.input("x", {2, 12, 5, 5});
  EXPECT_EQ(g.node(g.add<layers::Maxout>("m4", {x}, layers::Maxout::Options{4})).out_shape(), Shape({2, 3, 5, 5}));
  EXPECT_EQ(g.node(g.add<layers::Maxout>("m2", {x})).out_shape(), Shape({2, 6, 5, 5}));  // default: 2 pieces
  Value d = g.input("d", {3, 8});
  EXPECT_EQ(g.node(g.add<layers::Maxout>("md", {d}, layers::Maxout::Options{2})).out_shape(), Shape({3, 4}));
  EXPECT_NE(error_of([&] { g.add<layers::Maxout>("bad", {x}, layers::Maxout::Options{5}); })
                .find("12 channels do not split into groups of 5 pieces"),
            std::string::npos);
  EXPECT_NE(error_of([&] { g.add<layers::Maxout>("zero", {x}, layers::Maxout::Options{0}); }), "");
}

TEST(LeakyRelu, DefaultSlopeIsKerasAndBadSlopesAreRefused) {
  EXPECT_EQ(layers::LeakyRelu::Options{}.alpha, 0.3);
  Graph g(Device::cpu());
  Value x = g.input("x", {2, 3});
  EXPECT_NO_THROW(g.add<layers::LeakyRelu>("zero", {x}, 0.0));  // alpha 0 is ReLU
  EXPECT_NE(error_of([&] { g.add<layers::LeakyRelu>("neg", {x}, -0.1); }).find("finite and >= 0, got -0.1"),
            std::string::npos);
  EXPECT_NE(error_of([&] { g.add<layers::LeakyRelu>("nan", {x}, std::nan("")); }), "");
}

TEST(GlobalAvgPool2d, ShapesAndRefusals) {
  Graph g(Device::cpu());
  Value x = g.input("x", {4, 512, 7, 7});
  EXPECT_EQ(g.node(g.add<layers::GlobalAvgPool2d>("gap", {x})).out_shape(), Shape({4, 512}));
  Value flat = g.input("flat", {4, 512});
  EXPECT_NE(error_of([&] { g.add<layers::GlobalAvgPool2d>("bad", {flat}); }).find("must be [N, C, H, W]"),
            std::string::npos);
}

}  // namespace
}  // namespace adma
