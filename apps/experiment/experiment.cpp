// Planning, launching and collecting many runs (see apps/experiment/experiment.h).
#include "apps/experiment/experiment.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <sstream>

#include "apps/common/files.h"
#include "apps/common/gnuplot.h"
#include "apps/cli/parse.h"
#include "apps/run/run_folder.h"
#include "apps/common/subprocess.h"
#include "core/error.h"

namespace adma::apps {

namespace {

std::string shortest(double v) {
  char buf[40];
  for (int prec = 1; prec <= 17; ++prec) {
    std::snprintf(buf, sizeof buf, "%.*g", prec, v);
    if (std::strtod(buf, nullptr) == v) break;
  }
  return buf;
}

std::string fixed(double v, int decimals) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

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

// A finished run's folder was trained with the settings planned now; else the
// experiment's --out holds another experiment and mixing them would be wrong.
void check_same_settings(const RunPlan& r) {
  const std::string path = r.settings.out + "/config.json";
  if (!file_exists(path)) return;
  nlohmann::json config;
  try {
    config = nlohmann::json::parse(read_file(path));
  } catch (const nlohmann::json::exception& e) {
    ADMA_THROW(path, ": not valid JSON: ", e.what());
  }
  const nlohmann::json planned = to_json(r.settings);
  for (const auto& [key, value] : planned.items()) {
    if (key == "device_requested" || key == "out" || key == "resume" || key == "data_dir") continue;
    ADMA_CHECK(!config.contains(key) || config[key] == value, r.settings.out,
               " holds a finished run with other settings (", key, ": ", config[key].dump(), " there, ",
               value.dump(), " now); give this experiment another --out");
  }
}

std::string shell_quote(const std::string& s) {
  if (!s.empty() && s.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./:=,+-@%") ==
                        std::string::npos)
    return s;
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string last_line_of(const std::string& path) {
  std::string text;
  try {
    text = read_file(path);
  } catch (const std::exception&) {
    return "";
  }
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  const size_t nl = text.find_last_of('\n');
  return nl == std::string::npos ? text : text.substr(nl + 1);
}

void check_spec(int iterations, const std::string& out) {
  ADMA_CHECK(iterations >= 1, "--iterations must be >= 1, got ", iterations);
  ADMA_CHECK(!out.empty(), "--out: an experiment needs an output folder");
}

RunPlan make_run(TrainFlags f, const std::string& out, int iteration, bool local) {
  f.seed = f.seed + static_cast<uint64_t>(iteration);
  f.resume.clear();
  f.out.clear();
  // Resolve once to learn a (the table's default when not given), then fix the folder.
  TrainSettings s = resolve(f, local);
  f.a = s.loss_params.a;
  f.out = run_folder_name(out, s.dataset, s.loss, s.loss_params.a, s.seed);
  s.out = f.out;
  RunPlan r;
  r.dataset = s.dataset;
  r.loss = s.loss;
  r.a = s.loss_params.a;
  r.iteration = iteration;
  r.settings = s;
  r.finished = run_finished(s.out);
  if (r.finished) check_same_settings(r);
  return r;
}

}  // namespace

std::string run_folder_name(const std::string& out, const std::string& dataset, const std::string& loss, double a,
                            uint64_t seed) {
  const std::string name = loss == "adma" ? "adma-a" + shortest(a) : loss;
  return out + "/runs/" + dataset + "/" + name + "/seed-" + std::to_string(seed);
}

std::vector<RunPlan> plan_experiment(const ExperimentSpec& spec, bool local) {
  const PaperSetting& t = paper_setting(spec.table);
  check_spec(spec.iterations, spec.out);
  ADMA_CHECK(!spec.datasets.empty(), "--datasets: no dataset given");
  ADMA_CHECK(!spec.losses.empty(), "--losses: no loss given");
  for (const auto& d : spec.datasets)
    ADMA_CHECK(find_paper_dataset(d), "--datasets: unknown dataset '", d, "' (one of: ", paper_dataset_names(), ")");
  for (const auto& l : spec.losses) {
    try {
      losses::loss_kind_from_name(l);
    } catch (const Error& e) {
      ADMA_THROW("--losses: ", e.what());
    }
  }
  std::vector<RunPlan> plan;
  for (const auto& dataset : spec.datasets)
    for (const auto& loss : spec.losses)
      for (int it = 0; it < spec.iterations; ++it) {
        TrainFlags f = spec.base;
        f.dataset = dataset;
        f.loss = loss;
        f.optimizer = t.optimizer;
        f.l2 = t.l2;
        if (const PaperResult* p = find_paper_result(spec.table, dataset, "adma")) f.a = p->a;
        plan.push_back(make_run(f, spec.out, it, local));
      }
  return plan;
}

std::vector<RunPlan> plan_sweep(const SweepSpec& spec, bool local) {
  check_spec(spec.iterations, spec.out);
  ADMA_CHECK(!spec.a_values.empty(), "--a: no value given");
  std::vector<RunPlan> plan;
  for (double a : spec.a_values)
    for (int it = 0; it < spec.iterations; ++it) {
      TrainFlags f = spec.base;
      f.loss = "adma";
      f.a = a;
      plan.push_back(make_run(f, spec.out, it, local));
    }
  return plan;
}

std::vector<double> parse_range(const std::string& text, const std::string& flag) {
  if (text.find(':') == std::string::npos) return parse_doubles(text, flag);
  std::vector<double> parts;
  std::istringstream is(text);
  std::string piece;
  while (std::getline(is, piece, ':')) parts.push_back(parse_doubles(piece, flag).at(0));
  ADMA_CHECK(parts.size() == 3 && text.back() != ':', flag, ": '", text, "' is not START:STOP:STEP");
  const double start = parts[0], stop = parts[1], step = parts[2];
  ADMA_CHECK(step > 0, flag, ": the step of '", text, "' must be > 0");
  ADMA_CHECK(stop >= start, flag, ": '", text, "' ends before it starts");
  // (stop - start) / step is 12.000000000000002 or 11.999999999999998 for 0.20:0.32:0.01;
  // a relative tolerance makes both 12 intervals, so 0.32 is included.
  const double intervals = (stop - start) / step;
  const double n = std::floor(intervals + 1e-9 * std::max(1.0, intervals));
  ADMA_CHECK(n < 10000, flag, ": '", text, "' has ", n + 1, " values; at most 10000");
  std::vector<double> out;
  for (int i = 0; i <= static_cast<int>(n); ++i) {
    // Rounded to 12 significant digits so 0.2 + 3 * 0.01 prints (and names folders) as 0.23.
    const double v = start + i * step;
    out.push_back(std::stod(fixed(v, 12)));
  }
  return out;
}

std::string train_command(const std::string& program, const RunPlan& run, const std::string& device) {
  std::string cmd = shell_quote(program) + " train";
  for (const auto& a : train_args(run.settings, false)) cmd += " " + shell_quote(a);
  if (!device.empty()) cmd += " --device " + shell_quote(device);
  return cmd;
}

int launch_runs(std::vector<RunPlan>& plan, const LaunchOptions& o, std::FILE* log) {
  ADMA_CHECK(o.jobs >= 1, "--jobs must be >= 1, got ", o.jobs);
  std::vector<size_t> pending;
  for (size_t i = 0; i < plan.size(); ++i)
    if (!plan[i].finished) pending.push_back(i);
  std::fprintf(log, "%zu runs: %zu finished, %zu to do\n", plan.size(), plan.size() - pending.size(),
               pending.size());
  const std::string program = self_executable();
  if (o.print_commands) {
    for (size_t k = 0; k < pending.size(); ++k) {
      const std::string device = o.devices.empty() ? "" : o.devices[k % o.devices.size()];
      std::printf("%s\n", train_command(program, plan[pending[k]], device).c_str());
    }
    ADMA_CHECK(std::fflush(stdout) == 0 && !std::ferror(stdout), "cannot write the commands to standard output");
    return 0;
  }
  if (o.collect_only || pending.empty()) return 0;

  std::vector<Job> jobs;
  for (size_t i : pending) {
    make_dirs(plan[i].settings.out);
    Job j;
    j.argv = {program, "train"};
    for (const auto& a : train_args(plan[i].settings, false)) j.argv.push_back(a);
    j.log = plan[i].settings.out + "/train.log";
    jobs.push_back(j);
  }
  const size_t total = jobs.size();
  size_t done = 0;
  auto describe = [&](size_t k) {
    const RunPlan& r = plan[pending[k]];
    return r.dataset + " " + (r.loss == "adma" ? "adma a=" + shortest(r.a) : r.loss) + " seed " +
           std::to_string(r.settings.seed);
  };
  JobHooks hooks;
  hooks.started = [&](size_t k, const std::string& device) {
    std::fprintf(log, "started  %s%s%s (log %s)\n", describe(k).c_str(), device.empty() ? "" : " on ",
                 device.c_str(), jobs[k].log.c_str());
    std::fflush(log);
  };
  hooks.finished = [&](size_t k, int status) {
    ++done;
    const std::string& dir = plan[pending[k]].settings.out;
    if (status == 0 && run_finished(dir)) {
      const RunSummary s = read_summary_json(dir + "/summary.json");
      std::fprintf(log, "[%zu/%zu] finished %s: final validation accuracy %.4f in %.0f s\n", done, total,
                   describe(k).c_str(), s.final_val_accuracy, s.seconds);
    } else {
      std::fprintf(log, "[%zu/%zu] FAILED   %s (exit status %d): %s\n", done, total, describe(k).c_str(), status,
                   last_line_of(jobs[k].log).c_str());
    }
    std::fflush(log);
  };
  const std::vector<int> status = run_jobs(jobs, o.jobs, o.devices, hooks);
  int failed = 0;
  for (size_t k = 0; k < pending.size(); ++k) {
    RunPlan& r = plan[pending[k]];
    r.finished = run_finished(r.settings.out);
    if (status[k] != 0 || !r.finished) ++failed;
  }
  return failed;
}

std::vector<CellStats> collect_results(const std::vector<RunPlan>& plan, int table) {
  std::vector<CellStats> cells;
  std::map<std::string, size_t> index;
  std::vector<std::vector<const RunPlan*>> members;
  for (const auto& r : plan) {
    const std::string key = r.dataset + "|" + r.loss + "|" + shortest(r.loss == "adma" ? r.a : 0.0);
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
    csv << c.dataset << "," << c.loss << "," << (c.loss == "adma" ? shortest(c.a) : "") << "," << c.planned << ","
        << c.finished << ",";
    if (c.finished > 0) csv << fixed(c.mean, 6) << "," << fixed(c.std, 6);
    else csv << ",";
    csv << "," << (c.paper ? fixed(c.paper->accuracy(), 4) : "") << ",";
    csv << (c.paper && c.finished > 0 ? fixed(c.mean - c.paper->accuracy(), 6) : "") << ",";
    if (c.finished > 0) csv << fixed(c.mean_best, 6) << "," << fixed(c.mean_first, 6) << "," << fixed(c.mean_seconds, 1);
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
    md << "Settings of each run: optimizer " << s.optimizer << " (lr " << s.lr << "), L2 " << s.l2 << ", "
       << s.epochs << (s.epochs == 1 ? " epoch" : " epochs") << ", batch " << s.batch << ", augmentation " << s.augment << " (rotation " << s.rotation
       << "°, shift " << s.shift << ", flip " << (s.flip ? "on" : "off") << ")"
       << (s.train_limit > 0 ? ", first " + std::to_string(s.train_limit) + " training images" : std::string())
       << ". One run: `adma train";
    for (const auto& a : train_args(s, false)) md << " " << shell_quote(a);
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
      s.column = d + "/" + c.loss + (c.loss == "adma" ? " a=" + shortest(c.a) : "");
      s.title = loss_title(c.loss) + (c.loss == "adma" ? " ({/:Italic a} = " + shortest(c.a) + ")" : "");
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
