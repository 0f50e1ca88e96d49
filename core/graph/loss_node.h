// LossNode: what the training loop reads of a loss, whatever the loss is (core knows
// no loss class; the fused softmax + loss node, layers/softmax_loss.h, is one). A loss
// node reads the predictions as input 0 and the int32 labels as input 1 and outputs the
// batch's mean loss [1]; each forward also leaves, on its device,
//   per_sample()  [N]  each row's loss (0 for a row labelled kIgnoreLabel, core/labels.h)
//   correct()     [1]  how many rows' arg-max equals their label (a count, as a float)
// which the Trainer (optim/trainer.h) sums on the device (kernels/training_metrics.h).
#pragma once
#include "core/graph/node.h"

namespace adma {

class LossNode : public Node {
 public:
  LossNode* as_loss() override { return this; }
  virtual Tensor& per_sample() = 0;
  virtual Tensor& correct() = 0;
  const Node& labels_node() const { return input_node(1); }
};

}  // namespace adma
