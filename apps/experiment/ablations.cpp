// The ConvNet ablations (see apps/experiment/ablations.h).
#include "apps/experiment/ablations.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "apps/common/files.h"
#include "apps/common/format.h"
#include "apps/common/gnuplot.h"
#include "apps/experiment/launch.h"
#include "apps/experiment/results.h"
#include "core/error.h"

namespace adma::apps {

namespace {

// A value as a folder name: "0.2/0.3/0.4" -> "0.2_0.3_0.4", "leaky-relu:0.1" -> "leaky-relu-0.1".
std::string folder_of(std::string v) {
  for (char& c : v)
    if (c == '/') c = '_';
    else if (c == ':') c = '-';
  return v;
}

std::string variant_of(const AblationStudy& s, const std::string& value) { return s.option + "=" + value; }

std::vector<std::string> values_of(const AblationSpec& spec, const AblationStudy& s) {
  return spec.values.empty() ? s.values : spec.values;
}

// The runs of one study value, in plan order.
std::vector<RunPlan> runs_of(const std::vector<RunPlan>& plan, const std::string& variant) {
  std::vector<RunPlan> out;
  for (const auto& r : plan)
    if (r.variant == variant) out.push_back(r);
  return out;
}

const CellStats* find_cell(const std::vector<CellStats>& cells, const std::string& dataset, const std::string& loss) {
  for (const auto& c : cells)
    if (c.dataset == dataset && c.loss == loss) return &c;
  return nullptr;
}

std::string cell_text(const CellStats* c) {
  if (!c || c->finished == 0) return "—";
  std::string t = fixed(100 * c->mean, 2) + " ± " + fixed(100 * c->std, 2);
  if (c->finished < c->planned) t += " (" + std::to_string(c->finished) + "/" + std::to_string(c->planned) + ")";
  return t;
}

}  // namespace

const std::vector<AblationStudy>& ablation_studies() {
  static const std::vector<AblationStudy> studies = {
      {"activation", "activation", {"elu", "relu", "leaky-relu", "maxout"}, "elu",
       "ELU replaced by ReLU, LeakyReLU (alpha 0.3, Keras's) and Maxout (2 pieces)"},
      {"dropout", "dropout", {"0.2/0.3/0.4", "0", "0.1/0.2/0.3", "0.5"}, "0.2/0.3/0.4",
       "dropout per block: the paper's 0.2/0.3/0.4, none, lower, and 0.5 everywhere"},
      {"kernel", "kernel", {"3", "5", "7"}, "3", "conv window (same-size padding)"},
      {"stride", "pool_stride", {"2", "1", "3"}, "2",
       "max-pool stride with the 2x2 window: 2 (the paper's), 1 (overlapping), 3 (skipping a row and column)"},
  };
  return studies;
}

std::string ablation_names() {
  std::vector<std::string> names;
  for (const auto& s : ablation_studies()) names.push_back(s.name);
  return join(names);
}

const AblationStudy& find_ablation(const std::string& name) {
  for (const auto& s : ablation_studies())
    if (s.name == name) return s;
  ADMA_THROW("--ablation: unknown study '", name, "' (one of: ", ablation_names(), ")");
}

std::vector<RunPlan> plan_ablations(const AblationSpec& spec, const TrainRecipe& recipe) {
  paper_setting(spec.table);  // an unknown table fails here, before anything is planned
  ADMA_CHECK(!spec.studies.empty(), "--ablation: no study given (one of: ", ablation_names(), ")");
  ADMA_CHECK(spec.values.empty() || spec.studies.size() == 1, "--variants: give them for one --ablation at a time");
  check_spec(spec.iterations, spec.out);
  ADMA_CHECK(!spec.datasets.empty(), "--datasets: no dataset given");
  ADMA_CHECK(!spec.losses.empty(), "--losses: no loss given");
  for (const auto& d : spec.datasets)
    ADMA_CHECK(find_paper_dataset(d), "--datasets: unknown dataset '", d, "' (one of: ", paper_dataset_names(), ")");
  std::vector<RunPlan> plan;
  for (const auto& name : spec.studies) {
    const AblationStudy& study = find_ablation(name);
    for (const auto& value : values_of(spec, study))
      for (const auto& dataset : spec.datasets)
        for (const auto& loss : spec.losses)
          for (int it = 0; it < spec.iterations; ++it) {
            RunChoice c = table_choice(spec.table, dataset, loss, spec.seed + static_cast<uint64_t>(it));
            c.model_options[study.option] = value;
            RunPlan r;
            try {
              r = plan_run(c, spec.out + "/" + study.name + "/" + folder_of(value), it, recipe);
            } catch (const Error& e) {
              ADMA_THROW("--ablation ", study.name, ", ", variant_of(study, value), ": ", e.what());
            }
            r.variant = variant_of(study, value);
            plan.push_back(std::move(r));
          }
  }
  check_run_count(plan.size(), "the studies' values x --datasets x --losses x --iterations");
  check_distinct(plan, "--datasets, --losses and the study's values");
  return plan;
}

std::string write_ablation_results(const AblationSpec& spec, const std::vector<RunPlan>& plan, std::FILE* log) {
  make_dirs(spec.out);
  const PaperSetting& setting = paper_setting(spec.table);
  size_t finished = 0;
  for (const auto& r : plan) finished += r.finished;

  std::ostringstream md, csv;
  csv << "study,option,value,dataset,loss,a,runs_planned,runs_finished,mean_final_val_accuracy,"
         "std_final_val_accuracy,mean_best_val_accuracy,mean_first_epoch_val_accuracy,mean_seconds\n";
  md << "# ConvNet ablations (the paper's Section 5), " << setting.caption << "\n\n";
  md << "Final validation accuracy in %, mean ± sample standard deviation over the finished runs (iterations, one "
        "seed each); a cell with fewer runs than planned says how many (finished/planned). "
     << finished << " of " << plan.size() << " runs finished.\n\n";
  if (!plan.empty()) {
    const TrainSettings& s = plan.front().settings;
    md << "Settings of each run: optimizer " << s.optimizer.kind << " (lr " << s.optimizer.lr << "), L2 " << s.l2
       << ", " << s.epochs << (s.epochs == 1 ? " epoch" : " epochs") << ", batch " << s.batch << ", augmentation "
       << s.augment
       << (s.train_limit > 0 ? ", first " + std::to_string(s.train_limit) + " training images" : std::string())
       << ". One run: `adma train";
    for (const auto& a : plan.front().train_args) md << " " << shell_quote(a);
    md << "`\n";
  }

  Figure fig;
  fig.title = "Validation accuracy per epoch, ConvNet ablations";
  fig.x_column = "epoch";
  std::vector<PlotPanel> panels;
  size_t epochs = 0;

  for (const auto& name : spec.studies) {
    const AblationStudy& study = find_ablation(name);
    md << "\n## " << study.name << ": " << study.what << "\n";
    std::vector<std::pair<std::string, std::vector<CellStats>>> by_value;
    for (const auto& value : values_of(spec, study))
      by_value.emplace_back(value, collect_results(runs_of(plan, variant_of(study, value)), 0));
    for (const auto& dataset : spec.datasets) {
      const PaperDataset* pd = find_paper_dataset(dataset);
      md << "\n" << (pd ? pd->title : dataset) << "\n\n| " << study.option << " |";
      for (const auto& loss : spec.losses) md << " " << loss << " |";
      md << "\n|---|";
      for (size_t i = 0; i < spec.losses.size(); ++i) md << "---|";
      md << "\n";
      for (const auto& [value, cells] : by_value) {
        md << "| " << value << (value == study.paper ? " (paper)" : "") << " |";
        PlotPanel p;
        p.title = enhanced_escape((pd ? pd->title : dataset) + std::string(", ") + study.option + " " + value);
        p.x_label = "epoch";
        p.y_label = "validation accuracy";
        p.key = "bottom right";
        for (const auto& loss : spec.losses) {
          const CellStats* c = find_cell(cells, dataset, loss);
          md << " " << cell_text(c) << " |";
          csv << study.name << "," << study.option << ",\"" << value << "\"," << dataset << "," << loss << ","
              << (c && loss == "adma" ? exact_number(c->a) : "") << "," << (c ? c->planned : 0) << ","
              << (c ? c->finished : 0) << ",";
          if (c && c->finished > 0)
            csv << fixed(c->mean, 6) << "," << fixed(c->std, 6) << "," << fixed(c->mean_best, 6) << ","
                << fixed(c->mean_first, 6) << "," << fixed(c->mean_seconds, 1);
          else
            csv << ",,,,";
          csv << "\n";
          PlotSeries s;
          s.column = study.name + " " + value + "/" + dataset + "/" + loss;
          s.title = enhanced_escape(loss);
          if (c) s.y = c->curve;
          epochs = std::max(epochs, s.y.size());
          p.series.push_back(s);
        }
        md << "\n";
        panels.push_back(p);
      }
    }
  }
  md << "\nLearning curves (validation accuracy per epoch, mean over finished runs; one panel per study value and "
        "dataset, one line per loss): `learning-curves.png` (data `learning-curves.csv`, script "
        "`learning-curves.gp`).\n";
  write_file_atomic(spec.out + "/results.csv", csv.str());
  write_file_atomic(spec.out + "/results.md", md.str());

  for (size_t e = 1; e <= epochs; ++e) fig.x.push_back(static_cast<double>(e));
  for (auto& p : panels) {
    p.points = epochs < 30;
    for (auto& s : p.series) s.y.resize(epochs, NAN);
  }
  fig.panels = panels;
  fig.columns = 4;
  if (!fig.panels.empty() && epochs > 0) {
    const PlotFiles files = write_figure(spec.out + "/learning-curves.png", fig);
    if (!files.drawn) std::fprintf(log, "adma: %s\n", files.note.c_str());
  }
  return spec.out + "/results.md";
}

}  // namespace adma::apps
