// CapturedStep: a whole training step recorded once as a CUDA graph and then
// replayed with one launch (no per-kernel launch overhead, no host work). The
// step must allocate nothing and never synchronise, which is exactly what the
// Graph's memory plan guarantees. On the CPU there is nothing to capture: the
// step simply runs, so callers need no branch.
//
//   CapturedStep step(ctx, [&] { g.zero_grad(); g.forward(); g.backward(); opt.step(); });
//   for (...) { copy the batch into g.value(x) on ctx's stream; step.replay(); }
#pragma once
#include <functional>

#include "core/context.h"

namespace adma {

class CapturedStep {
 public:
  // Captures `step` (which is not executed during capture on CUDA; run it, or replay()).
  CapturedStep(Context& ctx, std::function<void()> step);
  ~CapturedStep();
  CapturedStep(const CapturedStep&) = delete;
  CapturedStep& operator=(const CapturedStep&) = delete;
  void replay();
  bool is_graph() const { return exec_ != nullptr; }

 private:
  Context& ctx_;
  std::function<void()> step_;
  void* exec_ = nullptr;  // cudaGraphExec_t
};

}  // namespace adma
