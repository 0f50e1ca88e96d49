// Learning-rate schedules (the table is optim/kinds.h). A schedule has two halves:
//  * a host half that holds the lr slot and changes it between steps, at epoch
//    boundaries (step: at given epochs; plateau: from the monitored metric at epoch
//    end); the optimizer then writes the slot to the device with a stream-ordered
//    copy, outside the captured step;
//  * a device half for rules that change every step (Keras time-based decay,
//    cosine), evaluated by the fused update kernel from the device step counter
//    (kernels/optimizer_update.h), so a replayed CUDA graph needs no re-capture.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/graph/metadata.h"
#include "kernels/optimizer_update.h"

namespace adma::optim {

enum class ScheduleKind { Constant, Step, Time, Cosine, Plateau };

struct ScheduleConfig {
  ScheduleKind kind = ScheduleKind::Constant;
  std::string spec = "constant";  // the canonical spec (written to checkpoints)
  std::vector<int64_t> epochs;    // step
  double factor = 1;              // step, plateau
  double decay = 0;               // time
  int64_t steps = 0;              // cosine (0: the whole run, set by the trainer)
  double min_lr = 0;              // cosine, plateau
  std::string monitor;            // plateau: val_loss, val_accuracy, loss, accuracy
  int64_t patience = 0, cooldown = 0;
  double min_delta = 0;
  // Parses a spec against schedule_kinds(): "constant", "plateau:factor=0.5,patience=3", ...
  static ScheduleConfig parse(const std::string& spec);
};

class Schedule {
 public:
  Schedule(const ScheduleConfig& config, double base_lr);
  const ScheduleConfig& config() const { return c_; }
  // The lr slot (what the device slot holds).
  double lr() const { return lr_; }
  // Sets the slot for epoch `epoch` (step schedule). True when it changed.
  bool begin_epoch(int64_t epoch);
  // Plateau: the monitored value of the epoch just finished. True when the slot changed.
  bool end_epoch(double monitored);
  bool monitors_validation() const;  // plateau on val_*
  bool monitors_accuracy() const;    // plateau on *accuracy (higher is better)
  // The per-step device rule (time decay, cosine) into the update setup.
  void fill_setup(kernels::OptimizerUpdateSetup& setup) const;
  // The learning rate step t (1-based) uses, slot and device rule together.
  double lr_at_step(int64_t t) const;
  // Cosine with steps=0 takes the run's length from the trainer.
  void set_total_steps(int64_t steps);

  // Host state (slot, plateau's best/wait/cooldown) for checkpoints, exact in decimal.
  std::map<std::string, std::string> state() const;
  // Reading it back is two steps, so a checkpoint is checked whole before anything
  // changes: parse_state() checks the schedule's spec and every value strictly (an
  // Error naming the file and key), restore() applies what it returned and cannot fail.
  struct State {
    double lr = 0, best = 0;
    int64_t steps = 0, wait = 0, cooldown_left = 0;
  };
  State parse_state(const std::map<std::string, std::string>& state, const std::string& path) const;
  void restore(const State& s);

 private:
  ScheduleConfig c_;
  double base_lr_, lr_;
  double best_;
  int64_t wait_ = 0, cooldown_left_ = 0;
};

}  // namespace adma::optim
