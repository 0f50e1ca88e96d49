// EluBatchNorm2d: ELU then batch normalisation as one node (math in
// kernels/elu_batchnorm2d.h), the ConvNet's "ELU -> BatchNorm" pair with the ELU's
// output never stored. Built by models/convnet.cpp in place of the Elu and
// BatchNorm2d nodes when ADMA_FUSED_ELU_BN=1 (core/backend_options.h; off by default).
// Named like the batch norm it replaces, with batch norm's parameters ("gamma",
// "beta") and buffers ("running_mean", "running_var"), so a checkpoint moves between
// the fused and the unfused model. Training uses batch statistics and updates the
// running ones; eval uses the running statistics; backward needs a training forward.
#pragma once
#include "core/graph/node.h"
#include "kernels/elu_batchnorm2d.h"

namespace adma::layers {

class EluBatchNorm2d : public Node {
 public:
  struct Options {
    double alpha = 1.0;  // ELU's
    double momentum = 0.99;
    double eps = 1e-3;
  };
  EluBatchNorm2d() = default;
  explicit EluBatchNorm2d(Options o) : o_(o) {}
  std::string kind() const override { return "EluBatchNorm2d"; }
  LayerRole layer_role() const override { return LayerRole::Normalises; }  // joins the conv before it
  Shape infer_shape(const std::vector<Shape>& in) const override;
  void plan(Context& ctx) override;
  void forward(Context& ctx) override;
  void backward(Context& ctx) override;
  const Options& options() const { return o_; }

 private:
  Options o_;
  kernels::EluBatchNorm2dSetup setup_;
  bool saved_from_training_ = false;  // host flag: which forward the saved statistics came from
  int scratch_[2] = {-1, -1};         // state slots standing in for a frozen gamma's / beta's gradient
};

}  // namespace adma::layers
