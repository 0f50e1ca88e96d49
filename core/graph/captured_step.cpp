// Warm-up, then capture on CUDA; plain calls on the CPU; the mode check on replay.
#include "core/graph/captured_step.h"

#include "core/cuda/runtime.h"
#include "core/error.h"
#include "core/graph/graph.h"

namespace adma {

CapturedStep::CapturedStep(Graph& g, std::function<void()> step)
    : CapturedStep(g.context(), std::move(step), [&g] { return g.mode(); }) {}

CapturedStep::CapturedStep(Context& ctx, std::function<void()> step, ModeFn mode)
    : ctx_(ctx), step_(std::move(step)), mode_(std::move(mode)) {
  captured_ = current();
  // Warm-up: one eager step, finished before the capture begins.
  step_();
  ctx.synchronize();
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
  exec_ = cuda_rt::graph_capture_end(ctx.stream, &counts_);
}

CapturedStep::~CapturedStep() { cuda_rt::graph_destroy(exec_); }

StepMode CapturedStep::current() const {
  StepMode m = mode_ ? mode_() : StepMode();
  m.flag("TF32", ctx_.allow_tf32);
  return m;
}

void CapturedStep::replay() {
  const std::string changed = current().changes_since(captured_);
  ADMA_CHECK(changed.empty(), "captured step replayed in another mode than it was captured in (", changed,
             "); capture a new CapturedStep for this mode");
  if (exec_)
    cuda_rt::graph_launch(exec_, ctx_.stream);
  else
    step_();
}

}  // namespace adma
