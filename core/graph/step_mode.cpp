// StepMode comparison: what changed between capture and replay, in words.
#include "core/graph/step_mode.h"

namespace adma {

StepMode& StepMode::set(const std::string& what, const std::string& value) {
  for (auto& e : entries_)
    if (e.first == what) {
      e.second = value;
      return *this;
    }
  entries_.emplace_back(what, value);
  return *this;
}

std::string StepMode::changes_since(const StepMode& captured) const {
  std::string out;
  auto add = [&](const std::string& what, const std::string& then, const std::string& now) {
    out += (out.empty() ? "" : "; ") + what + ": " + then + " at capture, " + now + " now";
  };
  auto find = [](const StepMode& m, const std::string& what) -> const std::string* {
    for (const auto& e : m.entries_)
      if (e.first == what) return &e.second;
    return nullptr;
  };
  for (const auto& e : captured.entries_) {
    const std::string* now = find(*this, e.first);
    if (!now)
      add(e.first, e.second, "unset");
    else if (*now != e.second)
      add(e.first, e.second, *now);
  }
  for (const auto& e : entries_)
    if (!find(captured, e.first)) add(e.first, "unset", e.second);
  return out;
}

}  // namespace adma
