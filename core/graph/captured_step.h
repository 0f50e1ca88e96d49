// CapturedStep: a whole training step recorded once as a CUDA graph and then
// replayed with one launch (no per-kernel launch overhead, no host work). The
// step must allocate nothing and never synchronise, which is exactly what the
// Graph's memory plan guarantees. On the CPU there is nothing to capture: the
// step simply runs, so callers need no branch.
//
// Construction runs the step once eagerly as a warm-up, waits for it, and only
// then captures (CUDA). The first call of a cuDNN or cuBLAS operation may
// allocate or synchronise inside the library, which would invalidate a capture;
// after one eager run those costs are paid. The warm-up is a real step on the
// data the graph holds: it updates batch-norm running statistics, advances the
// dropout streams and runs whatever else the step does (an optimizer update), on
// the CPU as on CUDA, so both devices see the same number of steps.
//
// The mode the step was captured in (training/eval, each dropout on/off, TF32,
// whatever the mode function reports) is checked on every replay(): a replay in
// another mode throws, naming what changed, instead of silently replaying the old one.
//
//   g.value(x).copy_from(first_batch);                        // the warm-up's data
//   CapturedStep step(g, [&] { g.zero_grad(); g.forward(); g.backward(); opt.step(); });
//   for (...) {
//     g.value(x).copy_from_async(pinned_batch, g.context());  // stream-ordered, capturable
//     step.replay();
//   }
#pragma once
#include <functional>

#include "core/context.h"
#include "core/cuda/runtime.h"
#include "core/graph/step_mode.h"

namespace adma {

class Graph;

class CapturedStep {
 public:
  using ModeFn = std::function<StepMode()>;
  // Runs `step` once (warm-up), synchronises, then captures it on CUDA. `mode`
  // describes the settings the capture freezes; the context's TF32 switch is always
  // part of it.
  CapturedStep(Context& ctx, std::function<void()> step, ModeFn mode = nullptr);
  // The same with the graph's mode (Graph::mode(): training, dropout, TF32).
  CapturedStep(Graph& g, std::function<void()> step);
  ~CapturedStep();
  CapturedStep(const CapturedStep&) = delete;
  CapturedStep& operator=(const CapturedStep&) = delete;
  // One more step: the graph launch on CUDA, the step itself on the CPU. Throws when
  // the mode differs from the one at capture.
  void replay();
  bool is_graph() const { return exec_ != nullptr; }
  // The captured graph's nodes by type (kernels, memsets, memcpys): what one replay
  // launches. "not captured" on the CPU.
  const cuda_rt::GraphNodeCounts& node_counts() const { return counts_; }

 private:
  StepMode current() const;

  Context& ctx_;
  std::function<void()> step_;
  ModeFn mode_;
  StepMode captured_;
  void* exec_ = nullptr;  // cudaGraphExec_t
  cuda_rt::GraphNodeCounts counts_;
};

}  // namespace adma
