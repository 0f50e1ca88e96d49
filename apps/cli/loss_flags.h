// The loss flags of every command, all made from the tables in losses/loss_kind.h:
// --loss, and one NUMBER flag per loss parameter (--a --base --q --epsilon --gamma),
// with the table's name, help and default. `adma train`, `experiment`, `sweep` and
// `loss` declare them here; `sweep` and `loss-curves` take several values of `a`
// through add_loss_param_list(). The command line checks no range itself: the library
// validates where the parameters enter (losses::validate, losses::param_problem) and
// throws in its own words; with_flag_names() adds which flag it was.
#pragma once
#include <CLI/CLI.hpp>
#include <array>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "losses/loss_kind.h"

namespace adma::apps {

struct LossFlags {
  std::string loss = losses::kLossKinds[0].name;  // --loss
  // --a, --base, ... in kLossParams order; unset: not given (the table's default, or a command's own).
  std::array<std::optional<double>, losses::kNumLossParams> params;

  // --loss as its kind, every parameter given or the table's default (checked later, by the library).
  losses::LossParams resolved() const;
  std::optional<double>& operator[](losses::LossParam p) { return params[static_cast<size_t>(p)]; }
  const std::optional<double>& operator[](losses::LossParam p) const { return params[static_cast<size_t>(p)]; }
};

// Which loss flags a command declares.
struct LossFlagSet {
  bool loss = true;            // --loss (`adma experiment` has --losses instead)
  unsigned params = ~0u;       // bit(LossParam) of each parameter flag (experiment and sweep set a per run)
  std::string a_default;       // --a's default in --help when it is not the table's ("" = the table's)
};
void add_loss_flags(CLI::App* cmd, LossFlags& f, const LossFlagSet& which = {});

// A flag taking several values of one loss parameter, as a list "v1,v2,..." or a range
// START:STOP:STEP: the table's flag name and help, then `form` (what the values make).
CLI::Option* add_loss_param_list(CLI::App* cmd, losses::LossParam p, std::string& text, const std::string& form);
// The values of such a flag, each within the library's range for the parameter
// (losses::param_problem); a UsageError names the flag: "--a: Adma scaling factor a must be >= 0, got -1".
std::vector<double> loss_param_values(losses::LossParam p, const std::string& text);

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

}  // namespace adma::apps
