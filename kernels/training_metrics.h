// Running metrics of an epoch, accumulated on the device so the training loop reads
// them once per epoch instead of synchronising every step. After each batch:
//   acc[0] += sum_n loss_n + P * rows                (data loss + the L2 penalty P per row,
//                                                      as Keras reports it; P optional)
//   acc[1] += correct                                 (the loss node's count of arg-max == y)
//   acc[2] += rows = #{n: y_n != -1}                  (padded rows carry y = -1: not counted)
//   acc[3]  = t, the step counter, the first time the batch's loss sum is NaN or Inf
//             (0 while every loss was finite; `step` optional)
// The fused loss (kernels/softmax_loss.h) already gives an ignored row (y = -1) loss 0
// and excludes it from `correct`, so the sum runs over every row; only the row count
// reads the labels. Any other bad label gives a NaN loss, which the sum keeps (caught).
// acc is float64 [4] and starts at zero (a memset). Summed in a fixed order (deterministic).
#pragma once
#include "core/tensor.h"
#include "kernels/dispatch.h"
#include "core/labels.h"

namespace adma::kernels {

namespace cpu {
void accumulate_metrics(Context& ctx, const Tensor& per_sample, const Tensor& labels, const Tensor& correct,
                        const Tensor& penalty, const Tensor& step, Tensor& acc);
}
namespace cpu_fast { using cpu::accumulate_metrics; }  // the reference serves
namespace cuda {
void accumulate_metrics(Context& ctx, const Tensor& per_sample, const Tensor& labels, const Tensor& correct,
                        const Tensor& penalty, const Tensor& step, Tensor& acc);
}

inline void accumulate_metrics(Context& ctx, const Tensor& per_sample, const Tensor& labels, const Tensor& correct,
                               const Tensor& penalty, const Tensor& step, Tensor& acc) {
  ADMA_CHECK(per_sample.shape().rank() == 1 && labels.shape() == per_sample.shape() && labels.dtype() == DType::I32,
             "accumulate_metrics: per-sample losses ", per_sample.shape().str(), " and int32 labels ",
             labels.shape().str(), " must be [N] each");
  ADMA_CHECK(correct.numel() == 1 && correct.dtype() == per_sample.dtype(),
             "accumulate_metrics: the correct count must be one value of the losses' dtype");
  ADMA_CHECK(!penalty.defined() || (penalty.numel() == 1 && penalty.dtype() == DType::F64),
             "accumulate_metrics: the penalty must be one float64");
  ADMA_CHECK(!step.defined() || (step.numel() == 1 && step.dtype() == DType::I32),
             "accumulate_metrics: the step counter must be one int32");
  ADMA_CHECK(acc.numel() == 4 && acc.dtype() == DType::F64, "accumulate_metrics: the accumulator must be float64 [4]");
  ADMA_DISPATCH(ctx, accumulate_metrics, ctx, per_sample, labels, correct, penalty, step, acc);
}

}  // namespace adma::kernels
