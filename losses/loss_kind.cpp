// Lookups into the one table of loss kinds (losses/loss_kind.h) and the
// parameter checks, in the library's words (the command line adds its flags).
#include "losses/loss_kind.h"

#include <sstream>

#include "core/error.h"

namespace adma::losses {

double& LossParams::operator[](LossParam p) {
  switch (p) {
    case LossParam::A: return a;
    case LossParam::Base: return base;
    case LossParam::Q: return q;
    case LossParam::Epsilon: return epsilon;
    case LossParam::Gamma: return gamma;
  }
  ADMA_THROW("unknown loss parameter ", static_cast<int>(p));
}

double LossParams::operator[](LossParam p) const { return const_cast<LossParams&>(*this)[p]; }

const LossKindInfo& loss_info(LossKind kind) {
  for (const auto& k : kLossKinds)
    if (k.kind == kind) return k;
  ADMA_THROW("unknown loss kind ", static_cast<int>(kind));
}

const char* loss_name(LossKind kind) { return loss_info(kind).name; }

std::string loss_names(const std::string& separator) {
  std::string all;
  for (const auto& k : kLossKinds) all += (all.empty() ? "" : separator) + k.name;
  return all;
}

LossKind loss_kind_from_name(const std::string& name) {
  for (const auto& k : kLossKinds)
    if (name == k.name) return k.kind;
  ADMA_THROW("unknown loss '", name, "' (one of: ", loss_names(), ")");
}

std::string param_problem(LossParam param, double value) {
  std::ostringstream os;
  switch (param) {
    case LossParam::A:
      if (!(std::isfinite(value) && value >= 0)) os << "Adma scaling factor a must be >= 0, got " << value;
      break;
    case LossParam::Base:
      if (!(std::isfinite(value) && value > 1))
        os << "Adma base b must be > 1 (b - b^(p^a) must fall as p rises), got " << value;
      break;
    case LossParam::Q:
      if (!(std::isfinite(value) && value > 0))
        os << "generalized cross-entropy q must be > 0 (q -> 0 is cross-entropy), got " << value;
      break;
    case LossParam::Epsilon:
      if (!std::isfinite(value)) os << "Poly-1 epsilon must be finite, got " << value;
      break;
    case LossParam::Gamma:
      if (!(std::isfinite(value) && value >= 0)) os << "focal loss gamma must be >= 0, got " << value;
      break;
  }
  return os.str();
}

void validate(const LossParams& p) {
  loss_info(p.kind);  // a kind outside the table is refused here, not computed as another loss
  for (const auto& info : kLossParams) {
    const std::string problem = param_problem(info.param, p[info.param]);
    if (!problem.empty()) throw LossParamError(info.param, problem);
  }
}

}  // namespace adma::losses
