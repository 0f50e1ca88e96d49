// The loss flags, declared from the loss tables (see apps/cli/loss_flags.h).
#include "apps/cli/loss_flags.h"

#include "apps/cli/flags.h"
#include "apps/cli/parse.h"
#include "apps/common/format.h"

namespace adma::apps {

namespace {

const losses::LossParamInfo& info_of(losses::LossParam p) { return losses::kLossParams[static_cast<int>(p)]; }
std::string flag_of(const losses::LossParamInfo& info) { return std::string("--") + info.name; }

}  // namespace

losses::LossParams LossFlags::resolved() const {
  losses::LossParams p;
  p.kind = losses::loss_kind_from_name(loss);
  for (const auto& info : losses::kLossParams)
    if (const auto& given = (*this)[info.param]) p[info.param] = *given;
  return p;
}

void add_loss_flags(CLI::App* cmd, LossFlags& f, const LossFlagSet& which) {
  if (which.loss) {
    // Refused in the library's words: "unknown loss 'hinge' (one of: adma, cce, ...)".
    auto known = [](const std::string& name) {
      try {
        losses::loss_kind_from_name(name);
        return std::string();
      } catch (const Error& e) {
        return std::string(e.what());
      }
    };
    cmd->add_option("--loss", f.loss, losses::loss_names() + " (adma loss --list describes them)")
        ->check(known)
        ->default_str(f.loss);
  }
  // Strict numbers (apps/cli/parse.h: finite, no "", readable bounds); the ranges are the library's.
  for (const auto& info : losses::kLossParams) {
    if (!(which.params & losses::bit(info.param))) continue;
    const bool own_default = info.param == losses::LossParam::A && !which.a_default.empty();
    add_number(cmd, flag_of(info), f[info.param],
               own_default ? std::string(info.help) + "; default: " + which.a_default : info.help,
               own_default ? "" : format_number(info.default_value));
  }
}

CLI::Option* add_loss_param_list(CLI::App* cmd, losses::LossParam p, std::string& text, const std::string& form) {
  const losses::LossParamInfo& info = info_of(p);
  return cmd->add_option(flag_of(info), text, std::string(info.help) + ": " + form);
}

std::vector<double> loss_param_values(losses::LossParam p, const std::string& text) {
  const std::string flag = flag_of(info_of(p));
  const std::vector<double> values = parse_range(text, flag);
  for (double v : values) {
    const std::string problem = losses::param_problem(p, v);
    ADMA_USAGE_CHECK(problem.empty(), flag, ": ", problem);
  }
  return values;
}

}  // namespace adma::apps
