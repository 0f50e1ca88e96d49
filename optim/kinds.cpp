// The optimizer and schedule tables (the spec parser is core/spec.h).
#include "optim/kinds.h"

namespace adma::optim {

const std::vector<KindInfo>& optimizer_kinds() {
  static const std::vector<KindInfo> table = {
      {"sgd",
       "stochastic gradient descent, Keras 2 formulation: v = momentum v - lr g; w += v "
       "(Nesterov: w += momentum v - lr g)",
       {{"lr", "0.01", "learning rate (Keras default 0.01)"},
        {"momentum", "0", "momentum in [0, 1)"},
        {"nesterov", "false", "Nesterov momentum"}}},
      {"adam",
       "Adam, Keras 2 formulation: lr_t = lr sqrt(1 - b2^t) / (1 - b1^t), w -= lr_t m / (sqrt(v) + epsilon)",
       {{"lr", "0.001", "learning rate"},
        {"beta1", "0.9", "decay of the first moment, in [0, 1)"},
        {"beta2", "0.999", "decay of the second moment, in [0, 1)"},
        {"epsilon", "1e-7", "added to sqrt(v) (Keras placement; PyTorch adds 1e-8 to the bias-corrected root)"},
        {"weight_decay", "0", "decoupled weight decay w -= lr wd w (0: plain Adam)"}}},
      {"adamw",
       "Adam with decoupled weight decay (Loshchilov & Hutter): w -= lr wd w, then the adam step",
       {{"lr", "0.001", "learning rate"},
        {"beta1", "0.9", "decay of the first moment, in [0, 1)"},
        {"beta2", "0.999", "decay of the second moment, in [0, 1)"},
        {"epsilon", "1e-7", "added to sqrt(v), as in adam"},
        {"weight_decay", "0.01", "decoupled weight decay (PyTorch's AdamW default)"}}},
  };
  return table;
}

const std::vector<KindInfo>& schedule_kinds() {
  static const std::vector<KindInfo> table = {
      {"constant", "the optimizer's learning rate throughout", {}},
      {"step",
       "multiply the learning rate by factor at each listed epoch (0-based, as PyTorch's MultiStepLR)",
       {{"epochs", "", "epochs at which to multiply, e.g. 30/60/90"}, {"factor", "0.1", "multiplier, in (0, 1]"}}},
      {"time",
       "Keras 2 time-based decay, every step: lr / (1 + decay iterations)",
       {{"decay", "", "decay per iteration (Keras `decay`), >= 0"}}},
      {"cosine",
       "cosine annealing every step: min_lr + (lr - min_lr) (1 + cos(pi min(t, steps) / steps)) / 2",
       {{"steps", "0", "length in steps (0: the whole run)"}, {"min_lr", "0", "final learning rate"}}},
      {"plateau",
       "Keras ReduceLROnPlateau (the paper's annealer): after `patience` epochs without improvement of "
       "`monitor`, multiply the learning rate by factor, not below min_lr",
       {{"monitor", "val_loss", "val_loss, val_accuracy, loss or accuracy"},
        {"factor", "0.1", "multiplier, in (0, 1)"},
        {"patience", "10", "epochs without improvement before a reduction"},
        {"min_lr", "0", "lower bound of the learning rate"},
        {"min_delta", "1e-4", "smallest change that counts as an improvement"},
        {"cooldown", "0", "epochs to wait after a reduction before counting again"}}},
  };
  return table;
}

}  // namespace adma::optim
