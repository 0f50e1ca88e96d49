// Schedules: parsing from the table, the host half, and the device rule's parameters.
#include "optim/schedule.h"

#include <cmath>
#include <cstdio>
#include <limits>

#include "core/error.h"
#include "optim/kinds.h"

namespace adma::optim {

ScheduleConfig ScheduleConfig::parse(const std::string& text) {
  const Spec s = parse_spec(schedule_kinds(), "schedule", text);
  ScheduleConfig c;
  c.spec = s.str();
  if (s.kind == "constant") {
    c.kind = ScheduleKind::Constant;
  } else if (s.kind == "step") {
    c.kind = ScheduleKind::Step;
    for (double e : s.list("epochs")) {
      ADMA_CHECK(e >= 0 && e == std::floor(e), "schedule 'step': epochs must be whole numbers >= 0, got ", e);
      c.epochs.push_back(static_cast<int64_t>(e));
    }
    c.factor = s.number("factor");
    ADMA_CHECK(c.factor > 0 && c.factor <= 1, "schedule 'step': factor must be in (0, 1], got ", c.factor);
  } else if (s.kind == "time") {
    c.kind = ScheduleKind::Time;
    c.decay = s.number("decay");
    ADMA_CHECK(c.decay >= 0, "schedule 'time': decay must be >= 0, got ", c.decay);
  } else if (s.kind == "cosine") {
    c.kind = ScheduleKind::Cosine;
    c.steps = s.integer("steps");
    c.min_lr = s.number("min_lr");
    ADMA_CHECK(c.steps >= 0, "schedule 'cosine': steps must be >= 0, got ", c.steps);
    ADMA_CHECK(c.min_lr >= 0, "schedule 'cosine': min_lr must be >= 0, got ", c.min_lr);
  } else {
    c.kind = ScheduleKind::Plateau;
    c.monitor = s.text("monitor");
    ADMA_CHECK(c.monitor == "val_loss" || c.monitor == "val_accuracy" || c.monitor == "loss" ||
                   c.monitor == "accuracy",
               "schedule 'plateau': monitor must be val_loss, val_accuracy, loss or accuracy, got '", c.monitor, "'");
    c.factor = s.number("factor");
    ADMA_CHECK(c.factor > 0 && c.factor < 1, "schedule 'plateau': factor must be in (0, 1), got ", c.factor);
    c.patience = s.integer("patience");
    c.cooldown = s.integer("cooldown");
    c.min_lr = s.number("min_lr");
    c.min_delta = s.number("min_delta");
    ADMA_CHECK(c.patience >= 0 && c.cooldown >= 0, "schedule 'plateau': patience and cooldown must be >= 0");
    ADMA_CHECK(c.min_lr >= 0 && c.min_delta >= 0, "schedule 'plateau': min_lr and min_delta must be >= 0");
  }
  return c;
}

Schedule::Schedule(const ScheduleConfig& config, double base_lr) : c_(config), base_lr_(base_lr), lr_(base_lr) {
  best_ = monitors_accuracy() ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
}

bool Schedule::monitors_validation() const {
  return c_.kind == ScheduleKind::Plateau && c_.monitor.rfind("val_", 0) == 0;
}
bool Schedule::monitors_accuracy() const {
  return c_.kind == ScheduleKind::Plateau && c_.monitor.find("accuracy") != std::string::npos;
}

bool Schedule::begin_epoch(int64_t epoch) {
  if (c_.kind != ScheduleKind::Step) return false;
  double lr = base_lr_;
  for (int64_t e : c_.epochs)
    if (epoch >= e) lr *= c_.factor;
  const bool changed = lr != lr_;
  lr_ = lr;
  return changed;
}

// Keras ReduceLROnPlateau.on_epoch_end, step for step.
bool Schedule::end_epoch(double current) {
  if (c_.kind != ScheduleKind::Plateau) return false;
  if (cooldown_left_ > 0) {
    --cooldown_left_;
    wait_ = 0;
  }
  const bool better = monitors_accuracy() ? current > best_ + c_.min_delta : current < best_ - c_.min_delta;
  if (better) {
    best_ = current;
    wait_ = 0;
    return false;
  }
  if (cooldown_left_ > 0) return false;
  if (++wait_ < c_.patience) return false;
  if (lr_ > c_.min_lr) {
    lr_ = std::max(lr_ * c_.factor, c_.min_lr);
    cooldown_left_ = c_.cooldown;
    wait_ = 0;
    return true;
  }
  return false;
}

void Schedule::fill_setup(kernels::OptimizerUpdateSetup& p) const {
  p.lr_rule = c_.kind == ScheduleKind::Time     ? kernels::LrRule::TimeDecay
              : c_.kind == ScheduleKind::Cosine ? kernels::LrRule::Cosine
                                                : kernels::LrRule::Fixed;
  p.lr_decay = c_.decay;
  p.lr_steps = c_.steps;
  p.lr_min = c_.min_lr;
}

double Schedule::lr_at_step(int64_t t) const {
  kernels::OptimizerUpdateSetup p;
  fill_setup(p);
  if (p.lr_rule == kernels::LrRule::Cosine && p.lr_steps <= 0) return lr_;
  return kernels::scheduled_lr(p, lr_, t);
}

void Schedule::set_total_steps(int64_t steps) {
  if (c_.kind == ScheduleKind::Cosine && c_.steps == 0) c_.steps = steps;
}

namespace {
std::string exact(double x) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", x);
  return buf;
}
}  // namespace

std::map<std::string, std::string> Schedule::state() const {
  return {{"schedule", c_.spec},
          {"schedule.lr", exact(lr_)},
          {"schedule.steps", std::to_string(c_.steps)},
          {"schedule.best", exact(best_)},
          {"schedule.wait", std::to_string(wait_)},
          {"schedule.cooldown_left", std::to_string(cooldown_left_)}};
}

Schedule::State Schedule::parse_state(const std::map<std::string, std::string>& m, const std::string& path) const {
  const std::string& spec = metadata_text(m, "schedule", path);
  ADMA_CHECK(spec == c_.spec, "checkpoint ", path, " was saved with schedule '", spec, "', this run uses '", c_.spec,
             "'");
  constexpr int64_t kMaxCount = 2147483647;  // the device step counter is int32
  State s;
  // The slot never rises above the base rate (step and plateau only multiply by factors <= 1).
  s.lr = metadata_number(m, "schedule.lr", 0, base_lr_, path);
  s.steps = metadata_integer(m, "schedule.steps", 0, kMaxCount, path);
  ADMA_CHECK(c_.kind != ScheduleKind::Cosine || c_.steps == 0 || s.steps == c_.steps, "checkpoint ", path,
             ": metadata 'schedule.steps' is ", s.steps, " but the schedule says ", c_.steps);
  s.best = metadata_number(m, "schedule.best", -HUGE_VAL, HUGE_VAL, path, /*allow_infinite=*/true);
  s.wait = metadata_integer(m, "schedule.wait", 0, kMaxCount, path);
  s.cooldown_left = metadata_integer(m, "schedule.cooldown_left", 0, std::max<int64_t>(c_.cooldown, 0), path);
  return s;
}

void Schedule::restore(const State& s) {
  lr_ = s.lr;
  c_.steps = s.steps;
  best_ = s.best;
  wait_ = s.wait;
  cooldown_left_ = s.cooldown_left;
}

}  // namespace adma::optim
