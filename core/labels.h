// The label convention every layer of adma shares: class labels are int32 in
// [0, classes), and kIgnoreLabel marks a row to leave out. The batch sources pad the
// last batch of an epoch with such rows (data/batch_source.h); the fused loss gives
// them loss 0 and gradient 0 and does not count them (kernels/softmax_loss.h); the
// metrics count only the other rows (kernels/training_metrics.h).
#pragma once
#include <cstdint>

namespace adma {

constexpr int32_t kIgnoreLabel = -1;

}  // namespace adma
