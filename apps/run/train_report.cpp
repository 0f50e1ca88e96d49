// TrainReport: RunFolder + EpochProgress behind the trainer's hooks.
#include "apps/run/train_report.h"

#include "apps/common/format.h"
#include "core/error.h"

namespace adma::apps {

namespace {
EpochProgress::Options progress_options(const TrainSettings& s, int64_t steps, std::FILE* out) {
  EpochProgress::Options o;
  o.tty = is_terminal(out);
  o.epochs = s.epochs;
  o.steps_per_epoch = steps;
  o.batch = s.batch;
  return o;
}
}  // namespace

TrainReport::TrainReport(const TrainSettings& settings, int64_t steps_per_epoch, std::FILE* out, int epochs_done)
    : settings_(settings), out_(out), folder_(settings.out), progress_(out, progress_options(settings, steps_per_epoch, out)) {
  folder_.resume_metrics(epochs_done);
}

void TrainReport::start(const std::string& device, const std::string& backend,
                        const std::vector<std::string>* train_args) {
  device_ = device;
  if (train_args) {
    nlohmann::json config = to_json(settings_);
    config["backend"] = backend;
    config["train_args"] = *train_args;
    folder_.write_config(config, device);
  }
  std::fprintf(out_, "adma train: %s, loss %s, %s, %d epochs, batch %d on %s (%s); output in %s\n",
               settings_.dataset.c_str(), settings_.loss_name().c_str(), settings_.optimizer.kind.c_str(),
               settings_.epochs, settings_.batch, device.c_str(), backend.c_str(), settings_.out.c_str());
  ADMA_CHECK(std::fflush(out_) == 0 && !std::ferror(out_), "cannot write to standard output");
}

void TrainReport::end_epoch(const EpochMetrics& m) { progress_.end_epoch(m); }

RunSummary TrainReport::finish(double seconds) {
  const bool adma = settings_.loss_params.kind == losses::LossKind::Adma;
  const std::string title = enhanced_escape(settings_.dataset + ", " + settings_.loss_name()) +
                            (adma ? " ({/:Italic a} = " + format_number(settings_.loss_params.a) + ")" : std::string());
  const PlotFiles plot = folder_.draw_curves(title);
  // summary.json last: its presence says the run is finished, so everything else is there.
  const RunSummary s = folder_.write_summary(seconds, device_);
  std::fprintf(out_, "final validation accuracy %.4f (best %.4f at epoch %d) in %.1f s\n", s.final_val_accuracy,
               s.best_val_accuracy, s.best_epoch, s.seconds);
  std::fprintf(out_, "metrics: %s  summary: %s  plot: %s\n", folder_.path("metrics.csv").c_str(),
               folder_.path("summary.json").c_str(), plot.png.c_str());
  if (!plot.drawn) std::fprintf(stderr, "adma: %s\n", plot.note.c_str());
  ADMA_CHECK(std::fflush(out_) == 0 && !std::ferror(out_), "cannot write to standard output");
  return s;
}

}  // namespace adma::apps
