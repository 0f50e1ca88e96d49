// libFuzzer target: arbitrary text as the metadata values a resume reads
// (optim/trainer.cpp, Trainer::load): one value per line, in the order of kKeys.
// Every value must be refused with adma::Error or accepted inside its stated range;
// anything else (another exception, a crash, UB, an accepted value out of range) is a bug.
#include <cmath>
#include <cstdint>
#include <string>

#include "core/error.h"
#include "core/graph/metadata.h"
#include "optim/schedule.h"

namespace {
const char* const kKeys[] = {"trainer.epoch", "trainer.global_step", "schedule", "schedule.lr", "schedule.steps",
                             "schedule.best", "schedule.wait", "schedule.cooldown_left"};
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  adma::Metadata m;
  size_t pos = 0;
  for (const char* key : kKeys) {
    if (pos > text.size()) break;
    const size_t end = std::min(text.find('\n', pos), text.size());
    m[key] = text.substr(pos, end - pos);
    pos = end + 1;
  }
  try {
    const int64_t e = adma::metadata_integer(m, "trainer.epoch", 0, 100000, "fuzz");
    if (e < 0 || e > 100000) __builtin_trap();
  } catch (const adma::Error&) {
  }
  try {
    const double lr = adma::metadata_number(m, "schedule.lr", 0, 1, "fuzz");
    if (!(lr >= 0 && lr <= 1)) __builtin_trap();
  } catch (const adma::Error&) {
  }
  try {
    static const auto config = adma::optim::ScheduleConfig::parse("plateau:cooldown=3");
    const adma::optim::Schedule sched(config, 0.01);
    m["schedule"] = config.spec;  // the spec matches, so every value is parsed
    const auto s = sched.parse_state(m, "fuzz");
    if (!(s.lr >= 0 && s.lr <= 0.01) || s.steps < 0 || std::isnan(s.best) || s.wait < 0 || s.cooldown_left < 0 ||
        s.cooldown_left > 3)
      __builtin_trap();
  } catch (const adma::Error&) {
  }
  return 0;
}
