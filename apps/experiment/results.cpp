// Results of many runs, read from their folders (see apps/experiment/results.h).
#include "apps/experiment/results.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <sstream>

#include "apps/common/files.h"
#include "apps/common/format.h"
#include "apps/common/gnuplot.h"
#include "apps/experiment/launch.h"
#include "apps/run/run_folder.h"
#include "core/error.h"

namespace adma::apps {

namespace {

// How the paper names each loss in its tables (legend titles, enhanced text).
std::string loss_title(const std::string& loss) {
  if (loss == "adma") return "Adma";
  if (loss == "cce") return "CCE";
  if (loss == "mse") return "MSE";
  if (loss == "squared-hinge") return "squared hinge";
  if (loss == "gce") return "generalized CE";
  if (loss == "poly1") return "Poly-1";
  if (loss == "focal") return "focal";
  return enhanced_escape(loss);
}

}  // namespace

std::vector<CellStats> collect_results(const std::vector<RunPlan>& plan, int table) {
  std::vector<CellStats> cells;
  std::map<std::string, size_t> index;
  std::vector<std::vector<const RunPlan*>> members;
  for (const auto& r : plan) {
    const std::string key = r.dataset + "|" + r.loss + "|" + exact_number(r.loss == "adma" ? r.a : 0.0);
    auto it = index.find(key);
    if (it == index.end()) {
      it = index.emplace(key, cells.size()).first;
      CellStats c;
      c.dataset = r.dataset;
      c.loss = r.loss;
      c.a = r.loss == "adma" ? r.a : 0.0;
      if (table > 0) c.paper = find_paper_result(table, r.dataset, r.loss);
      cells.push_back(c);
      members.emplace_back();
    }
    members[it->second].push_back(&r);
  }
  for (size_t i = 0; i < cells.size(); ++i) {
    CellStats& c = cells[i];
    std::vector<double> finals;
    std::vector<double> sum_curve;
    std::vector<int> count_curve;
    for (const RunPlan* r : members[i]) {
      ++c.planned;
      if (!run_finished(r->settings.out)) continue;
      const RunSummary s = read_summary_json(r->settings.out + "/summary.json");
      finals.push_back(s.final_val_accuracy);
      c.mean_best += s.best_val_accuracy;
      c.mean_first += s.first_epoch_val_accuracy;
      c.mean_seconds += s.seconds;
      const std::string metrics = r->settings.out + "/metrics.csv";
      if (file_exists(metrics)) {
        const auto rows = read_metrics_csv(metrics);
        if (rows.size() > sum_curve.size()) sum_curve.resize(rows.size(), 0.0), count_curve.resize(rows.size(), 0);
        for (size_t e = 0; e < rows.size(); ++e) sum_curve[e] += rows[e].val_accuracy, ++count_curve[e];
      }
    }
    c.finished = static_cast<int>(finals.size());
    if (c.finished == 0) continue;
    const double n = c.finished;
    for (double v : finals) c.mean += v / n;
    if (c.finished > 1) {
      double ss = 0;
      for (double v : finals) ss += (v - c.mean) * (v - c.mean);
      c.std = std::sqrt(ss / (n - 1));
    }
    c.mean_best /= n;
    c.mean_first /= n;
    c.mean_seconds /= n;
    for (size_t e = 0; e < sum_curve.size(); ++e) c.curve.push_back(sum_curve[e] / count_curve[e]);
  }
  return cells;
}

std::string write_experiment_results(const std::string& out, int table, const std::vector<CellStats>& cells,
                                     const std::vector<RunPlan>& plan, std::FILE* log) {
  make_dirs(out);
  const PaperSetting* setting = table > 0 ? &paper_setting(table) : nullptr;
  // results.csv: accuracies as fractions, empty where unknown.
  std::ostringstream csv;
  csv << "dataset,loss,a,runs_planned,runs_finished,mean_final_val_accuracy,std_final_val_accuracy,"
         "paper_accuracy,difference,mean_best_val_accuracy,mean_first_epoch_val_accuracy,mean_seconds\n";
  for (const auto& c : cells) {
    csv << c.dataset << "," << c.loss << "," << (c.loss == "adma" ? exact_number(c.a) : "") << "," << c.planned << ","
        << c.finished << ",";
    if (c.finished > 0) csv << fixed(c.mean, 6) << "," << fixed(c.std, 6);
    else csv << ",";
    csv << "," << (c.paper ? fixed(c.paper->accuracy(), 4) : "") << ",";
    csv << (c.paper && c.finished > 0 ? fixed(c.mean - c.paper->accuracy(), 6) : "") << ",";
    if (c.finished > 0)
      csv << fixed(c.mean_best, 6) << "," << fixed(c.mean_first, 6) << "," << fixed(c.mean_seconds, 1);
    else csv << ",,";
    csv << "\n";
  }
  write_file_atomic(out + "/results.csv", csv.str());

  // results.md: the same in percent, with the settings of the runs.
  size_t finished = 0;
  for (const auto& r : plan) finished += r.finished;
  std::ostringstream md;
  md << "# " << (setting ? std::string(setting->caption) + ", reproduced" : std::string("Results")) << "\n\n";
  md << "Final validation accuracy, mean ± sample standard deviation over the finished runs (iterations, "
        "one seed each), beside the paper's value; difference = ours − paper, in percentage points. "
     << finished << " of " << plan.size() << " runs finished.\n\n";
  if (!plan.empty()) {
    const TrainSettings& s = plan.front().settings;
    md << "Settings of each run: optimizer " << s.optimizer.kind << " (lr " << s.optimizer.lr << "), L2 " << s.l2
       << ", " << s.epochs << (s.epochs == 1 ? " epoch" : " epochs") << ", batch " << s.batch << ", augmentation "
       << s.augment << " (rotation " << s.rotation << "°, shift " << s.shift << ", flip " << (s.flip ? "on" : "off") << ")"
       << (s.train_limit > 0 ? ", first " + std::to_string(s.train_limit) + " training images" : std::string())
       << ". One run: `adma train";
    for (const auto& a : plan.front().train_args) md << " " << shell_quote(a);
    md << "`\n\n";
  }
  md << "| dataset | loss | a | runs | accuracy (%) | paper (%) | difference | best (%) | first epoch (%) | "
        "s per run |\n|---|---|---|---|---|---|---|---|---|---|\n";
  for (const auto& c : cells) {
    md << "| " << c.dataset << " | " << c.loss << " | " << (c.loss == "adma" ? fixed(c.a, 4) : "") << " | "
       << c.finished << "/" << c.planned << " | ";
    if (c.finished > 0) md << fixed(100 * c.mean, 2) << " ± " << fixed(100 * c.std, 2);
    else md << "—";
    md << " | " << (c.paper ? fixed(c.paper->percent, 2) : "—") << " | ";
    if (c.paper && c.finished > 0) {
      const double d = 100 * c.mean - c.paper->percent;
      md << (d >= 0 ? "+" : "−") << fixed(std::fabs(d), 2);
    } else {
      md << "—";
    }
    md << " | " << (c.finished > 0 ? fixed(100 * c.mean_best, 2) : "—") << " | "
       << (c.finished > 0 ? fixed(100 * c.mean_first, 2) : "—") << " | "
       << (c.finished > 0 ? fixed(c.mean_seconds, 0) : "—") << " |\n";
  }
  md << "\nLearning curves (validation accuracy per epoch, mean over finished runs): `learning-curves.png` "
        "(data `learning-curves.csv`, script `learning-curves.gp`).\n";
  write_file_atomic(out + "/results.md", md.str());

  // learning-curves.png: one panel per dataset, one line per loss (the paper's Figure 3).
  Figure fig;
  fig.title = setting ? std::string("Validation accuracy per epoch, ") + setting->caption
                      : std::string("Validation accuracy per epoch");
  fig.x_column = "epoch";
  size_t epochs = 0;
  for (const auto& c : cells) epochs = std::max(epochs, c.curve.size());
  for (size_t e = 1; e <= epochs; ++e) fig.x.push_back(static_cast<double>(e));
  std::vector<std::string> datasets;
  for (const auto& c : cells)
    if (std::find(datasets.begin(), datasets.end(), c.dataset) == datasets.end()) datasets.push_back(c.dataset);
  for (const auto& d : datasets) {
    PlotPanel p;
    const PaperDataset* pd = find_paper_dataset(d);
    p.title = enhanced_escape(pd ? pd->title : d);
    p.x_label = "epoch";
    p.y_label = "validation accuracy";
    p.key = "bottom right";
    p.points = epochs < 30;
    for (const auto& c : cells) {
      if (c.dataset != d) continue;
      PlotSeries s;
      s.column = d + "/" + c.loss + (c.loss == "adma" ? " a=" + exact_number(c.a) : "");
      s.title = loss_title(c.loss) + (c.loss == "adma" ? " ({/:Italic a} = " + exact_number(c.a) + ")" : "");
      s.y.assign(epochs, NAN);
      std::copy(c.curve.begin(), c.curve.end(), s.y.begin());
      p.series.push_back(s);
    }
    fig.panels.push_back(p);
  }
  fig.columns = std::min<int>(static_cast<int>(datasets.size()), 4);
  if (!fig.panels.empty()) {
    const PlotFiles files = write_figure(out + "/learning-curves.png", fig);
    if (!files.drawn) std::fprintf(log, "adma: %s\n", files.note.c_str());
  }
  return out + "/results.md";
}

std::string write_sweep_results(const std::string& out, const std::vector<CellStats>& cells, std::FILE* log) {
  make_dirs(out);
  Figure fig;
  fig.x_column = "a";
  PlotPanel p;
  p.title = "Adma: validation accuracy against the scaling factor " + std::string("{/:Italic a}");
  if (!cells.empty()) {
    const PaperDataset* pd = find_paper_dataset(cells.front().dataset);
    p.title += ", " + enhanced_escape(pd ? pd->title : cells.front().dataset);
  }
  p.x_label = "{/:Italic a}";
  p.y_label = "validation accuracy";
  p.key = "bottom right";
  p.points = true;
  PlotSeries final_acc{"mean_final_val_accuracy", "final (mean ± std over runs)", {}, "std_final_val_accuracy"};
  PlotSeries best_acc{"mean_best_val_accuracy", "best epoch (mean over runs)", {}, ""};
  PlotSeries spread{"std_final_val_accuracy", "", {}, ""};
  PlotSeries done{"runs_finished", "", {}, ""}, planned{"runs_planned", "", {}, ""};
  for (const auto& c : cells) {
    fig.x.push_back(c.a);
    const bool any = c.finished > 0;
    final_acc.y.push_back(any ? c.mean : NAN);
    best_acc.y.push_back(any ? c.mean_best : NAN);
    spread.y.push_back(any ? c.std : NAN);
    done.y.push_back(c.finished);
    planned.y.push_back(c.planned);
  }
  p.series = {final_acc, best_acc};
  fig.panels = {p};
  fig.extra = {spread, done, planned};
  fig.width = 960;
  fig.height = 600;
  const PlotFiles files = write_figure(out + "/sweep.png", fig);
  if (!files.drawn) std::fprintf(log, "adma: %s\n", files.note.c_str());
  return files.csv;
}

}  // namespace adma::apps
