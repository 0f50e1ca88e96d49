// Run-folder files: strict CSV/JSON both ways, atomic writes (apps/common/files.h).
#include "apps/run/run_folder.h"

#include <cmath>
#include <sstream>

#include "apps/common/files.h"
#include "apps/common/format.h"
#include "apps/common/version.h"
#include "core/error.h"

namespace adma::apps {

const char* const kMetricsHeader = "epoch,train_loss,train_accuracy,val_loss,val_accuracy,lr,a,seconds";

namespace {

// metrics.csv keeps 9 significant digits: a float read back exactly.
std::string num(double v) { return significant(v, 9); }

double parse_number(const std::string& text, const std::string& where) {
  size_t used = 0;
  double v = 0;
  try {
    v = std::stod(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  ADMA_CHECK(!text.empty() && used == text.size(), where, ": '", text, "' is not a number");
  return v;
}

}  // namespace

std::string metrics_csv(const std::vector<EpochMetrics>& rows) {
  std::ostringstream os;
  os << kMetricsHeader << "\n";
  for (const auto& m : rows)
    os << m.epoch << "," << num(m.train_loss) << "," << num(m.train_accuracy) << "," << num(m.val_loss) << ","
       << num(m.val_accuracy) << "," << num(m.lr) << "," << num(m.a) << "," << num(m.seconds) << "\n";
  return os.str();
}

std::vector<EpochMetrics> read_metrics_csv(const std::string& path) {
  return parse_metrics_csv(read_file(path), path);
}

std::vector<EpochMetrics> parse_metrics_csv(const std::string& text, const std::string& path) {
  std::istringstream in(text);
  std::string line;
  ADMA_CHECK(std::getline(in, line) && line == kMetricsHeader, path, ": line 1 is not the metrics header '",
             kMetricsHeader, "'");
  std::vector<EpochMetrics> rows;
  for (int n = 2; std::getline(in, line); ++n) {
    if (line.empty()) continue;
    const std::string where = path + " line " + std::to_string(n);
    std::vector<double> v;
    std::istringstream fields(line);
    std::string f;
    while (std::getline(fields, f, ',')) v.push_back(parse_number(f, where));
    ADMA_CHECK(v.size() == 8, where, ": ", v.size(), " fields, expected 8");
    EpochMetrics m;
    m.epoch = static_cast<int>(v[0]);
    ADMA_CHECK(m.epoch == v[0] && m.epoch == static_cast<int>(rows.size()) + 1, where, ": epoch ", v[0],
               " out of order (expected ", rows.size() + 1, ")");
    m.train_loss = v[1], m.train_accuracy = v[2], m.val_loss = v[3], m.val_accuracy = v[4];
    m.lr = v[5], m.a = v[6], m.seconds = v[7];
    rows.push_back(m);
  }
  return rows;
}

nlohmann::json summary_json(const RunSummary& s) {
  return {{"final_val_accuracy", s.final_val_accuracy},
          {"best_val_accuracy", s.best_val_accuracy},
          {"first_epoch_val_accuracy", s.first_epoch_val_accuracy},
          {"seconds", s.seconds},
          {"device", s.device},
          {"epochs", s.epochs},
          {"best_epoch", s.best_epoch}};
}

RunSummary read_summary_json(const std::string& path) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(read_file(path));
  } catch (const nlohmann::json::exception& e) {
    ADMA_THROW(path, ": not valid JSON: ", e.what());
  }
  ADMA_CHECK(j.is_object(), path, ": expected a JSON object");
  auto number = [&](const char* key) {
    ADMA_CHECK(j.contains(key) && j[key].is_number(), path, ": key '", key, "' is missing or not a number");
    return j[key].get<double>();
  };
  RunSummary s;
  s.final_val_accuracy = number("final_val_accuracy");
  s.best_val_accuracy = number("best_val_accuracy");
  s.first_epoch_val_accuracy = number("first_epoch_val_accuracy");
  s.seconds = number("seconds");
  ADMA_CHECK(j.contains("device") && j["device"].is_string(), path, ": key 'device' is missing or not a string");
  s.device = j["device"].get<std::string>();
  if (j.contains("epochs") && j["epochs"].is_number_integer()) s.epochs = j["epochs"].get<int>();
  if (j.contains("best_epoch") && j["best_epoch"].is_number_integer()) s.best_epoch = j["best_epoch"].get<int>();
  return s;
}

RunSummary summarize(const std::vector<EpochMetrics>& rows, double seconds, const std::string& device) {
  ADMA_CHECK(!rows.empty(), "no finished epoch to summarise");
  RunSummary s;
  s.final_val_accuracy = rows.back().val_accuracy;
  s.first_epoch_val_accuracy = rows.front().val_accuracy;
  s.best_val_accuracy = rows.front().val_accuracy;
  s.best_epoch = rows.front().epoch;
  for (const auto& m : rows)
    if (m.val_accuracy > s.best_val_accuracy) s.best_val_accuracy = m.val_accuracy, s.best_epoch = m.epoch;
  s.seconds = seconds;
  s.device = device;
  s.epochs = rows.back().epoch;
  return s;
}

RunFolder::RunFolder(std::string dir) : dir_(std::move(dir)) {
  ADMA_CHECK(!dir_.empty(), "a run needs an output folder");
  make_dirs(dir_);
}

void RunFolder::write_config(nlohmann::json settings, const std::string& device) const {
  ADMA_CHECK(settings.is_object(), "config.json: the settings must be a JSON object");
  settings["code_version"] = code_version();
  settings["device"] = device;
  settings["started"] = utc_now("%Y-%m-%dT%H:%M:%SZ");
  write_file_atomic(path("config.json"), settings.dump(2) + "\n");
}

void RunFolder::resume_metrics(int epochs_done) {
  ADMA_CHECK(epochs_done >= 0, "resume: epochs done must be >= 0, got ", epochs_done);
  rows_.clear();
  if (epochs_done == 0) return;
  auto rows = read_metrics_csv(path("metrics.csv"));
  ADMA_CHECK(static_cast<int>(rows.size()) >= epochs_done, path("metrics.csv"), " has ", rows.size(),
             " epochs but the checkpoint was saved after epoch ", epochs_done);
  rows.resize(static_cast<size_t>(epochs_done));
  rows_ = std::move(rows);
  write_file_atomic(path("metrics.csv"), metrics_csv(rows_));
}

void RunFolder::restore(std::vector<EpochMetrics> rows) {
  for (size_t i = 0; i < rows.size(); ++i)
    ADMA_CHECK(rows[i].epoch == static_cast<int>(i) + 1, "metrics: epoch ", rows[i].epoch, " out of order");
  rows_ = std::move(rows);
  write_file_atomic(path("metrics.csv"), metrics_csv(rows_));
}

void RunFolder::append_epoch(const EpochMetrics& m) {
  ADMA_CHECK(m.epoch == static_cast<int>(rows_.size()) + 1, "metrics.csv: epoch ", m.epoch,
             " does not follow epoch ", rows_.size());
  rows_.push_back(m);
  write_file_atomic(path("metrics.csv"), metrics_csv(rows_));
}

RunSummary RunFolder::write_summary(double seconds, const std::string& device) const {
  const RunSummary s = summarize(rows_, seconds, device);
  write_file_atomic(path("summary.json"), summary_json(s).dump(2) + "\n");
  return s;
}

PlotFiles RunFolder::draw_curves(const std::string& title) const {
  Figure fig;
  fig.title = title;
  fig.x_column = "epoch";
  PlotPanel loss, acc;
  loss.title = "loss";
  acc.title = "accuracy";
  loss.x_label = acc.x_label = "epoch";
  loss.y_label = "loss";
  acc.y_label = "accuracy";
  acc.key = "bottom right";
  PlotSeries tl{"train_loss", "training", {}, ""}, vl{"val_loss", "validation", {}, ""};
  PlotSeries ta{"train_accuracy", "training", {}, ""}, va{"val_accuracy", "validation", {}, ""};
  for (const auto& m : rows_) {
    fig.x.push_back(m.epoch);
    tl.y.push_back(m.train_loss);
    vl.y.push_back(m.val_loss);
    ta.y.push_back(m.train_accuracy);
    va.y.push_back(m.val_accuracy);
  }
  loss.series = {tl, vl};
  acc.series = {ta, va};
  loss.points = acc.points = rows_.size() < 30;
  fig.panels = {loss, acc};
  fig.columns = 2;
  return write_figure(path("curves.png"), fig);
}

bool run_finished(const std::string& dir) { return file_exists(dir + "/summary.json"); }

}  // namespace adma::apps
