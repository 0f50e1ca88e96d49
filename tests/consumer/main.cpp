// Ten lines against the installed (or added) library: the Adma loss of docs/losses.md's
// example, and the dataset registry (whose readers link libjpeg, libpng and, when the
// library had it, matio -- private to adma, found again by its package config).
#include <cstdio>

#include "data/datasets.h"
#include "kernels/evaluate_loss.h"

int main() {
  adma::losses::LossParams p;  // Adma, a = 0.25
  const auto r = adma::kernels::evaluate_loss(p, {{2, 1, 0.1}, {0.5, 2.5, -1}}, {0, 2}, adma::Device::cpu());
  std::printf("adma loss %.11f\n", r.loss);  // 0.74044997368 (0.740449973675664)
  std::printf("%zu datasets, first %s\n", adma::data::datasets().size(), adma::data::datasets().front().name);
  return 0;
}
