// The flags every loss-related command shares: --loss and its parameters.
#pragma once
#include <CLI/CLI.hpp>
#include <memory>

#include "kernels/softmax_loss.h"

namespace adma::apps {

struct LossFlags {
  std::string loss = "adma";
  kernels::LossParams params;
  // Resolves --loss into params.kind and checks every parameter.
  kernels::LossParams resolved() const {
    kernels::LossParams p = params;
    p.kind = kernels::loss_kind_from_name(loss);
    kernels::validate(p);
    return p;
  }
};

inline void add_loss_flags(CLI::App* cmd, const std::shared_ptr<LossFlags>& f) {
  cmd->add_option("--loss", f->loss, "adma, cce, mse, squared-hinge, gce, poly1 or focal")
      ->check(CLI::IsMember({"adma", "cce", "mse", "squared-hinge", "gce", "poly1", "focal"}));
  cmd->add_option("--a", f->params.a, "Adma scaling factor a (paper: 0.245-0.312)");
  cmd->add_option("--base", f->params.base, "Adma base b in b - b^(p^a) (default e)");
  cmd->add_option("--q", f->params.q, "generalized cross-entropy q");
  cmd->add_option("--epsilon", f->params.epsilon, "Poly-1 epsilon");
  cmd->add_option("--gamma", f->params.gamma, "focal loss gamma");
}

}  // namespace adma::apps
