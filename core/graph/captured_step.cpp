// Capture on CUDA, plain calls on the CPU.
#include "core/graph/captured_step.h"

#include "core/cuda/runtime.h"

namespace adma {

CapturedStep::CapturedStep(Context& ctx, std::function<void()> step) : ctx_(ctx), step_(std::move(step)) {
  if (!ctx.is_cuda()) return;
  cuda_rt::graph_capture_begin(ctx.stream);
  try {
    step_();
  } catch (...) {
    try {
      cuda_rt::graph_destroy(cuda_rt::graph_capture_end(ctx.stream));  // leave the stream usable
    } catch (...) {
    }
    throw;
  }
  exec_ = cuda_rt::graph_capture_end(ctx.stream);
}

CapturedStep::~CapturedStep() { cuda_rt::graph_destroy(exec_); }

void CapturedStep::replay() {
  if (exec_)
    cuda_rt::graph_launch(exec_, ctx_.stream);
  else
    step_();
}

}  // namespace adma
