// StepMode: the host-side settings a captured step freezes. A CUDA graph replays
// the kernels, arguments and library settings of the moment it was captured, so a
// step captured in training mode keeps masking and keeps updating batch-norm
// statistics after eval(), and one captured with TF32 off keeps it off. A
// CapturedStep records the mode at capture and refuses to replay in another one,
// naming what changed. Per-step counters (an optimizer's step number, a scheduled
// learning rate) are not part of a mode: they live in device memory and change
// under the replay.
#pragma once
#include <string>
#include <utility>
#include <vector>

namespace adma {

class StepMode {
 public:
  // Sets (or replaces) one named setting.
  StepMode& set(const std::string& what, const std::string& value);
  StepMode& flag(const std::string& what, bool on) { return set(what, on ? "on" : "off"); }
  // "" when both hold the same settings; otherwise every difference, e.g.
  // "training: on at capture, off now; TF32: off at capture, on now".
  std::string changes_since(const StepMode& captured) const;
  const std::vector<std::pair<std::string, std::string>>& entries() const { return entries_; }

 private:
  std::vector<std::pair<std::string, std::string>> entries_;
};

}  // namespace adma
