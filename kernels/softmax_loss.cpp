// Backend-independent parts of kernels/softmax_loss.h: names, parameter and label checks.
#include "kernels/softmax_loss.h"

namespace adma::kernels {

namespace {
struct Named {
  const char* name;
  LossKind kind;
};
constexpr Named kNames[] = {{"adma", LossKind::Adma},          {"cce", LossKind::CrossEntropy},
                            {"gce", LossKind::GeneralizedCE},  {"poly1", LossKind::Poly1},
                            {"focal", LossKind::Focal},        {"mse", LossKind::MSE},
                            {"squared-hinge", LossKind::SquaredHinge}};
}  // namespace

LossKind loss_kind_from_name(const std::string& name) {
  for (const auto& n : kNames)
    if (name == n.name) return n.kind;
  std::string all;
  for (const auto& n : kNames) all += std::string(all.empty() ? "" : ", ") + n.name;
  ADMA_THROW("unknown loss '", name, "' (one of: ", all, ")");
}

const char* loss_name(LossKind kind) {
  for (const auto& n : kNames)
    if (n.kind == kind) return n.name;
  return "?";
}

void validate(const LossParams& p) {
  ADMA_CHECK(std::isfinite(p.a) && p.a >= 0, "--a (Adma scaling factor) must be >= 0, got ", p.a);
  ADMA_CHECK(std::isfinite(p.base) && p.base > 1, "--base must be > 1 (b - b^(p^a) must fall as p rises), got ",
             p.base);
  ADMA_CHECK(std::isfinite(p.q) && p.q > 0, "--q (generalized CE) must be > 0 (q -> 0 is cross-entropy), got ", p.q);
  ADMA_CHECK(std::isfinite(p.epsilon), "--epsilon (Poly-1) must be finite, got ", p.epsilon);
  ADMA_CHECK(std::isfinite(p.gamma) && p.gamma >= 0, "--gamma (focal) must be >= 0, got ", p.gamma);
}

void check_labels(const std::vector<int32_t>& labels, int64_t classes) {
  for (size_t i = 0; i < labels.size(); ++i)
    ADMA_CHECK(labels[i] >= 0 && labels[i] < classes, "label ", labels[i], " of sample ", i, " is outside [0, ",
               classes, ")");
}

size_t loss_scratch_bytes(int64_t n, int64_t c) {
  // Must match the CUDA launch: 8 rows per block up to 1024 classes, else one row per block.
  const int64_t blocks = c <= 1024 ? (n + 7) / 8 : n;
  return 64 + 3 * sizeof(float) * static_cast<size_t>(blocks);
}

}  // namespace adma::kernels
