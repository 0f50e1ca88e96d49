// The flags every loss-related command shares: --loss and one flag per loss
// parameter, all made from the tables in losses/loss_kind.h. The library checks
// the values in its own words; this file only adds which flag held the bad value.
#pragma once
#include <CLI/CLI.hpp>
#include <memory>
#include <string>
#include <vector>

#include "core/error.h"
#include "losses/loss_kind.h"

namespace adma::apps {

struct LossFlags {
  std::string loss = losses::kLossKinds[0].name;
  losses::LossParams params;
  // Resolves --loss into params.kind and checks every parameter.
  losses::LossParams resolved() const {
    losses::LossParams p = params;
    p.kind = losses::loss_kind_from_name(loss);
    for (const auto& info : losses::kLossParams) {
      const std::string problem = losses::param_problem(info.param, p[info.param]);
      ADMA_CHECK(problem.empty(), "--", info.name, ": ", problem);
    }
    return p;
  }
};

inline void add_loss_flags(CLI::App* cmd, const std::shared_ptr<LossFlags>& f) {
  std::vector<std::string> names;
  for (const auto& k : losses::kLossKinds) names.push_back(k.name);
  cmd->add_option("--loss", f->loss, losses::loss_names() + " (adma loss --list describes them)")
      ->check(CLI::IsMember(names));
  for (const auto& info : losses::kLossParams)
    cmd->add_option(std::string("--") + info.name, f->params[info.param], info.help);
}

}  // namespace adma::apps
