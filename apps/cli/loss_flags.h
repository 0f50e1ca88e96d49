// The flags every loss-related command shares: --loss and one flag per loss
// parameter, all made from the tables in losses/loss_kind.h. The command line checks
// nothing itself: the library validates where the parameters enter and throws
// losses::LossParamError in its own words; with_flag_names() adds which flag it was.
#pragma once
#include <CLI/CLI.hpp>
#include <memory>
#include <string>
#include <vector>

#include "apps/cli/flags.h"
#include "core/error.h"
#include "losses/loss_kind.h"

namespace adma::apps {

struct LossFlags {
  std::string loss = losses::kLossKinds[0].name;
  losses::LossParams params;
  // --loss resolved into params.kind (the values are checked by the library, later).
  losses::LossParams resolved() const {
    losses::LossParams p = params;
    p.kind = losses::loss_kind_from_name(loss);
    return p;
  }
};

// Runs `f`; a bad loss parameter comes back as "--a: Adma scaling factor a must be >= 0, got -1".
template <typename F>
auto with_flag_names(F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const losses::LossParamError& e) {
    // A parameter out of its range is a usage error (exit 2), like any bad flag value.
    throw UsageError(std::string("--") + losses::kLossParams[static_cast<int>(e.param)].name + ": " + e.what(),
                     e.where());
  }
}

inline void add_loss_flags(CLI::App* cmd, const std::shared_ptr<LossFlags>& f) {
  std::vector<std::string> names;
  for (const auto& k : losses::kLossKinds) names.push_back(k.name);
  cmd->add_option("--loss", f->loss, losses::loss_names() + " (adma loss --list describes them)")
      ->check(CLI::IsMember(names))
      ->default_str(f->loss);
  // Strict numbers (apps/cli/parse.h: finite, no "", readable bounds); the ranges are the library's.
  for (const auto& info : losses::kLossParams)
    add_number(cmd, std::string("--") + info.name, f->params[info.param], info.help);
}

}  // namespace adma::apps
