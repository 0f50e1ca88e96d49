// The fused optimizer update: every parameter of a graph in ONE launch, since
// parameters and gradients each live in one contiguous buffer (Graph::param_buffer,
// Graph::grad_buffer). A small table of segments (one per parameter tensor) says
// what applies where. The step counter and the learning rate are read from device
// memory and the counter is advanced on the device, so the launch needs no host
// value that changes from step to step and can sit inside a captured CUDA graph.
//
// Per step, with t = step + 1 (1-based, Keras `iterations + 1`) and the lr slot L:
//   lr(t) = L                                          Fixed (constant, step, plateau: the host rewrites L)
//         = L / (1 + decay (t - 1))                    TimeDecay (Keras 2 `decay`)
//         = m + (L - m) (1 + cos(pi min(t-1, T) / T)) / 2   Cosine over T steps down to m
// and per segment s (lr_s = lr(t) * lr_mult_s), for each element w with gradient g:
//   g' = g + 2 l2_s w                                  coupled L2 (Keras kernel_regularizer=l2)
//   w  = w - lr_s decay_s w                            decoupled weight decay (AdamW), w before the step
//   SGD  (Keras 2):  v = momentum v - lr_s g';   w += v, or Nesterov w += momentum v - lr_s g'
//   Adam (Keras 2):  m = b1 m + (1 - b1) g';  v = b2 v + (1 - b2) g'^2;
//                    lr_t = lr_s sqrt(1 - b2^t) / (1 - b1^t);  w -= lr_t m / (sqrt(v) + eps)
//   clamp w to [lo_s, hi_s] where the segment asks (the learnable Adma `a`)
// and the reported penalty is  P = sum_s l2_s sum w^2  over the weights READ (those the
// forward pass used), reduced in a fixed order (deterministic), stored as float64.
#pragma once
#include <cstdint>
#include <memory>
#include <vector>

#include "core/tensor.h"
#include "kernels/dispatch.h"

namespace adma::kernels {

enum class UpdateRule { SGD, Adam };
enum class LrRule { Fixed, TimeDecay, Cosine };

// One parameter tensor's element range in the flat buffer and what applies to it.
struct UpdateSegment {
  int64_t begin = 0, end = 0;
  double l2 = 0;       // coupled L2 coefficient (0: none)
  double decay = 0;    // decoupled weight decay (0: none)
  double lr_mult = 1;  // this segment's lr = lr(t) * lr_mult
  bool clamp = false;  // clamp to [lo, hi] after the update
  double lo = 0, hi = 0;
};

namespace cuda {
struct OptimizerUpdateState;  // the segment table and reduction scratch on the device
}

// Decided once, when the optimizer is made (the family's setup): the rule, its
// constants and the segments. It asks the graph for no workspace.
struct OptimizerUpdateSetup : KernelSetup {
  UpdateRule rule = UpdateRule::SGD;
  double momentum = 0;  // SGD
  bool nesterov = false;
  double beta1 = 0.9, beta2 = 0.999, epsilon = 1e-7;  // Adam
  LrRule lr_rule = LrRule::Fixed;
  double lr_decay = 0;   // TimeDecay
  int64_t lr_steps = 0;  // Cosine: T
  double lr_min = 0;     // Cosine: m
  std::vector<UpdateSegment> segments;
  std::shared_ptr<cuda::OptimizerUpdateState> cuda;
};

// The tensors one update reads and writes, all on one device.
struct OptimizerTensors {
  Tensor params, grads;  // the graph's flat buffers (same dtype and length)
  Tensor m, v;           // moments, same layout (SGD: m is the velocity; v unused)
  Tensor step;           // int32 [1]: updates done; the update uses t = step + 1 and stores t
  Tensor lr;             // [1], params' dtype: the schedule's lr slot L
  Tensor penalty;        // float64 [1]: the L2 penalty P of the weights read
};

// Host-side learning rate of step t (1-based) from the lr slot, as the kernels compute it.
double scheduled_lr(const OptimizerUpdateSetup& p, double slot, int64_t t);

namespace cpu {
void optimizer_setup_init(Context& ctx, OptimizerUpdateSetup& setup);
void optimizer_update(Context& ctx, const OptimizerUpdateSetup& setup, const OptimizerTensors& t);
void l2_penalty(Context& ctx, const OptimizerUpdateSetup& setup, const OptimizerTensors& t);
}  // namespace cpu
namespace cpu_fast {  // the reference serves (one vectorised pass over the parameters)
using cpu::optimizer_setup_init;
using cpu::optimizer_update;
using cpu::l2_penalty;
}  // namespace cpu_fast
namespace cuda {
void optimizer_setup_init(Context& ctx, OptimizerUpdateSetup& setup);
void optimizer_update(Context& ctx, const OptimizerUpdateSetup& setup, const OptimizerTensors& t);
void l2_penalty(Context& ctx, const OptimizerUpdateSetup& setup, const OptimizerTensors& t);
}  // namespace cuda

// Operand checks shared by both sides (dtypes, lengths, segments inside the buffer).
void check_optimizer_operands(const OptimizerUpdateSetup& setup, const OptimizerTensors& t, bool update);

// Uploads the segment table (CUDA) once; call after the segments are final.
// (No operand to check: it reads only the setup.)
inline void optimizer_setup_init(Context& ctx, OptimizerUpdateSetup& setup) {
  ADMA_DISPATCH(ctx, optimizer_setup_init, ctx, setup);
}
// One fused update of every segment; also writes the penalty and advances the step.
inline void optimizer_update(Context& ctx, const OptimizerUpdateSetup& setup, const OptimizerTensors& t) {
  check_optimizer_operands(setup, t, true);
  ADMA_DISPATCH(ctx, optimizer_update, ctx, setup, t);
}
// Only the penalty P of the current weights (evaluation reports loss + P, as Keras does).
inline void l2_penalty(Context& ctx, const OptimizerUpdateSetup& setup, const OptimizerTensors& t) {
  check_optimizer_operands(setup, t, false);
  ADMA_DISPATCH(ctx, l2_penalty, ctx, setup, t);
}

}  // namespace adma::kernels
