// Checks of ParamRules, made where the graph takes them (Graph::plan).
#include "core/graph/param_rules.h"

#include <cmath>

#include "core/error.h"

namespace adma {

std::string rules_problem(const ParamRules& r) {
  auto bad = [](const char* what, double v, const char* want) {
    return detail::concat(what, " must be ", want, ", got ", v);
  };
  if (!std::isfinite(r.l2) || r.l2 < 0) return bad("the L2 coefficient", r.l2, "finite and >= 0");
  if (!std::isfinite(r.lr_mult) || r.lr_mult < 0) return bad("the learning-rate multiplier", r.lr_mult, "finite and >= 0");
  if (!std::isfinite(r.decay_mult) || r.decay_mult < 0)
    return bad("the weight-decay multiplier", r.decay_mult, "finite and >= 0");
  if (r.clamp && !(std::isfinite(r.lo) && std::isfinite(r.hi) && r.lo <= r.hi))
    return detail::concat("the clamp range [", r.lo, ", ", r.hi, "] must be finite and not empty");
  return "";
}

}  // namespace adma
