// Conv2d layer: y = conv(x, weight) + bias over NCHW, weight [filters, C, kh, kw].
// Keras defaults: glorot-uniform weight (fan_in = C kh kw, fan_out = filters kh kw),
// zero bias. Padding: Keras's "same" (odd kernel, stride 1: pad = (k - 1) / 2) or
// "valid", or an explicit number of zeros per side as PyTorch's Conv2d(padding=p)
// (any stride: ResNet's 7x7/2 pad 3, 3x3/2 pad 1, 1x1/2 pad 0).
// Options::l2 is Keras's kernel_regularizer=l2(l2) on the weight (the paper's 1e-4 on
// every conv kernel): a training rule of the parameter (core/graph/param_rules.h).
#pragma once
#include <string>
#include <type_traits>

#include "core/graph/node.h"
#include "kernels/conv2d.h"

namespace adma::layers {

// How a Conv2d pads its input, written as it reads in the options:
//   Conv2d::Options{32, 3, 1, "same"}         Keras: output size = input size (stride 1 only)
//   Conv2d::Options{32, 3, 1, "valid"}        Keras: no padding
//   Conv2d::Options{64, 7, 2, 3, false}       PyTorch: 3 zeros on each side, any stride
// "same" is refused with a stride above 1: Keras/TensorFlow then pad unevenly (more on
// the bottom and right), which the symmetric padding of kernels/conv2d.h cannot say;
// give the pixels instead (PyTorch's convention, the one torchvision's weights assume).
class Conv2dPadding {
 public:
  enum class Mode { Same, Valid, Pixels };
  // Implicit on purpose: the options read "same", "valid" or 3 where the padding goes.
  Conv2dPadding() = default;  // "same"
  Conv2dPadding(const char* word) : Conv2dPadding(std::string(word)) {}
  Conv2dPadding(const std::string& word);  // "same" or "valid"; any other word is an Error
  // Any integer but bool, so a stray `true` cannot become one pixel of padding (a
  // template, so a literal 0 is an int here, not a null const char*).
  template <typename Int, std::enable_if_t<std::is_integral_v<Int> && !std::is_same_v<Int, bool>, int> = 0>
  Conv2dPadding(Int pixels) : mode_(Mode::Pixels), pixels_(static_cast<int64_t>(pixels)) {}

  Mode mode() const { return mode_; }
  // Zeros added on each side (top, bottom, left, right) for a kernel of this size.
  int64_t pixels(int64_t kernel) const;
  std::string str() const;  // "same", "valid" or the number: "3"

 private:
  Mode mode_ = Mode::Same;
  int64_t pixels_ = 0;  // Mode::Pixels only
};

class Conv2d : public Node {
 public:
  struct Options {
    int64_t filters = 0;
    int64_t kernel = 3;
    int64_t stride = 1;
    Conv2dPadding padding = "same";  // "same", "valid" or zeros per side (see Conv2dPadding)
    bool bias = true;
    double l2 = 0;  // L2 on the weight (not the bias)
  };
  explicit Conv2d(Options o) : o_(std::move(o)) {}
  std::string kind() const override { return "Conv2d"; }
  LayerRole layer_role() const override { return LayerRole::Weights; }
  // Weight [filters, C, k, k]: the output channel is axis 0 (core/graph/node.h, folding).
  FoldableParams foldable_params() const override { return {0, o_.bias ? 1 : -1}; }
  Shape infer_shape(const std::vector<Shape>& in) const override;
  void plan(Context& ctx) override;
  void forward(Context& ctx) override;
  void backward(Context& ctx) override;
  const Options& options() const { return o_; }

 private:
  kernels::Conv2dGeometry geometry(const Shape& in) const;
  Options o_;
  kernels::Conv2dSetup setup_;
};

}  // namespace adma::layers
