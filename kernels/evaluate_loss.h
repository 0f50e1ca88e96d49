// Evaluates one loss on host data, on the CPU or a CUDA device, through the same
// fused kernel the training graph uses (kernels/softmax_loss.h), without a graph:
// what `adma loss` and `adma loss-curves` print and what the loss tests compare.
#pragma once
#include <vector>

#include "core/device.h"
#include "kernels/softmax_loss.h"

namespace adma::kernels {

struct LossReport {
  int64_t n = 0, classes = 0;
  double loss = 0;                           // mean over the rows not ignored (label -1)
  std::vector<double> per_sample;            // [N]
  std::vector<std::vector<double>> dlogits;  // [N][C], gradient of the mean loss
  double dloss_da = 0;                       // Adma: d mean loss / d a
  double correct = 0;
};

// logits[n][k]; labels checked against the class count before any kernel runs
// (-1 ignores a row). The gradients are those of the mean over all N rows.
// `version` picks the CUDA kernel (naive to tuned); the CPU has one reference.
// `bf16`: the logits are rounded to bfloat16 and dlogits come back in bfloat16, on
// either device (the CPU computes in double from the rounded values); on CUDA it needs
// the Registers version.
LossReport evaluate_loss(const LossParams& params, const std::vector<std::vector<double>>& logits,
                         const std::vector<int32_t>& labels, Device device,
                         SoftmaxLossVersion version = SoftmaxLossVersion::Tuned, bool bf16 = false);

}  // namespace adma::kernels
