// The loss kinds of adma in ONE table: name, help text, family, which parameters
// each reads. The command line (apps/cli/loss_flags.h, `adma loss --list`), the tests
// and the benchmarks all read kLossKinds; nothing else lists the kinds.
//
// losses/ is the paper's math on one floor, above core/ only: this table, each loss's
// per-sample formula in its own header (losses/adma.h is the paper's Eq. 5), and
// losses/phi.h, which the fused softmax + loss + gradient kernel evaluates
// (kernels/softmax_loss.h: CPU reference kernels/cpu/softmax_loss.cpp, CUDA
// kernels/cuda/softmax_loss.cu). The graph node is layers/softmax_loss.h;
// docs/losses.md derives every formula.
#pragma once
#include <cmath>
#include <string>

#include "core/error.h"

namespace adma::losses {

enum class LossKind { Adma, CrossEntropy, GeneralizedCE, Poly1, Focal, MSE, SquaredHinge };

// lp-only losses are phi(log p_y); probability losses mean f(p_k, t_k) over all classes.
enum class LossFamily { LogProbability, Probability };

// The parameters a loss may read. Their defaults and meanings: kLossParams.
enum class LossParam { A, Base, Q, Epsilon, Gamma };
constexpr int kNumLossParams = 5;
constexpr unsigned bit(LossParam p) { return 1u << static_cast<unsigned>(p); }

struct LossParamInfo {
  LossParam param;
  const char* name;  // also the command-line flag, --name
  const char* help;
  double default_value;
};

inline constexpr LossParamInfo kLossParams[kNumLossParams] = {
    {LossParam::A, "a", "Adma scaling factor a (paper: 0.245-0.312)", 0.25},
    {LossParam::Base, "base", "Adma base b in b - b^(p^a) (default e)", M_E},
    {LossParam::Q, "q", "generalized cross-entropy q", 0.7},
    {LossParam::Epsilon, "epsilon", "Poly-1 epsilon", 1.0},
    {LossParam::Gamma, "gamma", "focal loss gamma", 2.0},
};

// kLossParams[i] describes LossParam(i): checked here, so lookups may index by the enum.
constexpr bool loss_params_in_enum_order() {
  for (int i = 0; i < kNumLossParams; ++i)
    if (static_cast<int>(kLossParams[i].param) != i) return false;
  return true;
}
static_assert(loss_params_in_enum_order(), "kLossParams must list the parameters in LossParam order");

struct LossKindInfo {
  LossKind kind;
  const char* name;  // what --loss takes
  const char* help;
  LossFamily family;
  unsigned params;  // bit(LossParam::...) of every parameter it reads
};

// THE table of kinds, in the order `adma loss --list` prints them.
inline constexpr LossKindInfo kLossKinds[] = {
    {LossKind::Adma, "adma", "Adma (the paper): b - b^(p_y^a)", LossFamily::LogProbability,
     bit(LossParam::A) | bit(LossParam::Base)},
    {LossKind::CrossEntropy, "cce", "categorical cross-entropy: -log p_y", LossFamily::LogProbability, 0},
    {LossKind::MSE, "mse", "mean squared error on softmax outputs (Keras)", LossFamily::Probability, 0},
    {LossKind::SquaredHinge, "squared-hinge", "squared hinge on softmax outputs, t = 2y - 1 (Keras)",
     LossFamily::Probability, 0},
    {LossKind::GeneralizedCE, "gce", "generalized cross-entropy: (1 - p_y^q) / q", LossFamily::LogProbability,
     bit(LossParam::Q)},
    {LossKind::Poly1, "poly1", "Poly-1: -log p_y + epsilon (1 - p_y)", LossFamily::LogProbability,
     bit(LossParam::Epsilon)},
    {LossKind::Focal, "focal", "focal: -(1 - p_y)^gamma log p_y", LossFamily::LogProbability,
     bit(LossParam::Gamma)},
};
constexpr int kNumLossKinds = static_cast<int>(sizeof(kLossKinds) / sizeof(kLossKinds[0]));

// One loss and its parameters, as a user chose them; check with validate().
struct LossParams {
  LossKind kind = LossKind::Adma;
  double a = kLossParams[0].default_value;        // Adma scaling factor
  double base = kLossParams[1].default_value;     // Adma base b (the paper's e; b > 1)
  double q = kLossParams[2].default_value;        // generalized CE
  double epsilon = kLossParams[3].default_value;  // Poly-1
  double gamma = kLossParams[4].default_value;    // focal
  double& operator[](LossParam p);
  double operator[](LossParam p) const;
};

const LossKindInfo& loss_info(LossKind kind);
const char* loss_name(LossKind kind);
inline bool uses_lp_only(LossKind kind) { return loss_info(kind).family == LossFamily::LogProbability; }
// "adma" -> LossKind::Adma; an unknown name throws, listing every known one.
LossKind loss_kind_from_name(const std::string& name);
// "adma, cce, mse, ..." in table order.
std::string loss_names(const std::string& separator = ", ");

// Why `value` is not a valid `param` ("Adma scaling factor a must be >= 0, got -1"),
// or "" when it is.
std::string param_problem(LossParam param, double value);

// What validate() throws: the library's message, and which parameter it is about
// (so a command line can name its flag without checking anything itself). A value
// out of its range is the user's choice, not a fault: a UsageError (programs exit 2).
class LossParamError : public UsageError {
 public:
  LossParamError(LossParam p, const std::string& what, std::string where = "")
      : UsageError(what, std::move(where)), param(p) {}
  LossParam param;
};
// Throws LossParamError for the first bad parameter. Called where parameters enter
// the library: kernels::softmax_loss_setup (so kernels::evaluate_loss, loss_bench)
// and the SoftmaxLoss node's constructor (so a bad loss fails at Graph::add).
void validate(const LossParams& p);

}  // namespace adma::losses
