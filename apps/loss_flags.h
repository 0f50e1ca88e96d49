// The flags every loss-related command shares: --loss and its parameters.
#pragma once
#include <CLI/CLI.hpp>
#include <memory>

#include "apps/flags.h"
#include "kernels/softmax_loss.h"

namespace adma::apps {

struct LossFlags {
  std::string loss = "adma";
  kernels::LossParams params;
  // Resolves --loss into params.kind and checks every parameter.
  kernels::LossParams resolved() const {
    kernels::LossParams p = params;
    try {  // a parameter out of its range is a usage error: exit 2
      p.kind = kernels::loss_kind_from_name(loss);
      kernels::validate(p);
    } catch (const UsageError&) {
      throw;
    } catch (const Error& e) {
      throw UsageError(e.what(), e.where());
    }
    return p;
  }
};

inline void add_loss_flags(CLI::App* cmd, const std::shared_ptr<LossFlags>& f) {
  cmd->add_option("--loss", f->loss, "adma, cce, mse, squared-hinge, gce, poly1 or focal")
      ->check(CLI::IsMember({"adma", "cce", "mse", "squared-hinge", "gce", "poly1", "focal"}));
  add_number(cmd, "--a", f->params.a, "Adma scaling factor a (paper: 0.245-0.312)");
  add_number(cmd, "--base", f->params.base, "Adma base b in b - b^(p^a) (the paper's e)");
  add_number(cmd, "--q", f->params.q, "generalized cross-entropy q");
  add_number(cmd, "--epsilon", f->params.epsilon, "Poly-1 epsilon");
  add_number(cmd, "--gamma", f->params.gamma, "focal loss gamma");
}

}  // namespace adma::apps
