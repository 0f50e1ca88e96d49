// Planning many runs (see apps/experiment/plan.h).
#include "apps/experiment/plan.h"

#include <map>

#include "apps/common/files.h"
#include "apps/common/format.h"
#include "apps/run/run_folder.h"
#include "core/error.h"

namespace adma::apps {

namespace {

// The first setting in which `found` differs from `planned` ("epochs: 3 there, 5 now"),
// or "". A key that one side lacks is not compared: a folder written by another version
// of adma may name fewer or more settings, and only the ones both name can disagree.
std::string first_difference(const nlohmann::json& found, const nlohmann::json& planned, const std::string& prefix) {
  for (const auto& [key, value] : planned.items()) {
    if (!found.contains(key)) continue;
    const nlohmann::json& there = found[key];
    if (value.is_object() && there.is_object()) {
      const std::string d = first_difference(there, value, prefix + key + ".");
      if (!d.empty()) return d;
    } else if (there != value) {
      return prefix + key + ": " + there.dump() + " there, " + value.dump() + " now";
    }
  }
  return "";
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
  nlohmann::json planned = to_json(r.settings);
  for (const char* where : {"device_requested", "out", "resume", "data_dir"}) planned.erase(where);
  const std::string difference = first_difference(config, planned, "");
  ADMA_CHECK(difference.empty(), r.settings.out, " holds a finished run with other settings (", difference,
             "); give this experiment another --out");
}

}  // namespace

void check_spec(int iterations, const std::string& out) {
  ADMA_CHECK(iterations >= 1 && iterations <= kMaxIterations, "--iterations must be in [1, ", kMaxIterations,
             "], got ", iterations);
  ADMA_CHECK(!out.empty(), "--out: an experiment needs an output folder");
}

// Checked before the plan is built: each planned run costs a resolve() and a folder.
void check_run_count(size_t runs, const std::string& product) {
  ADMA_CHECK(runs <= static_cast<size_t>(kMaxPlannedRuns), product, " is ", runs, " runs, over the limit of ",
             kMaxPlannedRuns, "; plan fewer runs at once");
}

// Two planned runs with one folder would write it at once (or the second would find the
// first's summary.json and count as finished): a repeated value in a list.
void check_distinct(const std::vector<RunPlan>& plan, const std::string& lists) {
  std::map<std::string, size_t> first;
  for (size_t i = 0; i < plan.size(); ++i) {
    const auto [it, fresh] = first.emplace(plan[i].settings.out, i);
    ADMA_CHECK(fresh, "planned runs ", it->second + 1, " and ", i + 1, " are the same run (", plan[i].dataset, ", ",
               plan[i].loss, plan[i].loss == "adma" ? ", a = " + exact_number(plan[i].a) : std::string(), ", seed ",
               plan[i].settings.seed, ", folder ", plan[i].settings.out, "): give each value of ", lists, " once");
  }
}

RunChoice table_choice(int table, const std::string& dataset, const std::string& loss, uint64_t seed) {
  const PaperSetting& t = paper_setting(table);
  RunChoice c;
  c.dataset = dataset;
  c.loss = loss;
  c.optimizer = t.optimizer;
  c.l2 = t.l2;
  if (const PaperResult* p = find_paper_result(table, dataset, "adma")) c.a = p->a;
  c.seed = seed;
  return c;
}

RunPlan plan_run(const RunChoice& choice, const std::string& out, int iteration, const TrainRecipe& recipe) {
  RunPlan r;
  r.settings = recipe.settings(choice);
  TrainSettings& s = r.settings;
  s.resume.clear();
  s.out = run_folder_name(out, s.dataset, s.loss_name(), s.loss_params.a, s.seed);
  r.train_args = recipe.arguments(s);
  r.dataset = s.dataset;
  r.loss = s.loss_name();
  r.a = s.loss_params.a;
  r.iteration = iteration;
  r.finished = run_finished(s.out);
  if (r.finished) check_same_settings(r);
  return r;
}

std::string run_folder_name(const std::string& out, const std::string& dataset, const std::string& loss, double a,
                            uint64_t seed) {
  const std::string name = loss == "adma" ? "adma-a" + exact_number(a) : loss;
  return out + "/runs/" + dataset + "/" + name + "/seed-" + std::to_string(seed);
}

std::vector<RunPlan> plan_experiment(const ExperimentSpec& spec, const TrainRecipe& recipe) {
  paper_setting(spec.table);  // an unknown table fails here, before anything is planned
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
  check_run_count(spec.datasets.size() * spec.losses.size() * static_cast<size_t>(spec.iterations),
                  "--datasets x --losses x --iterations");
  std::vector<RunPlan> plan;
  for (const auto& dataset : spec.datasets)
    for (const auto& loss : spec.losses)
      for (int it = 0; it < spec.iterations; ++it) {
        const RunChoice c = table_choice(spec.table, dataset, loss, spec.seed + static_cast<uint64_t>(it));
        plan.push_back(plan_run(c, spec.out, it, recipe));
      }
  check_distinct(plan, "--datasets and --losses");
  return plan;
}

std::vector<RunPlan> plan_sweep(const SweepSpec& spec, const TrainRecipe& recipe) {
  check_spec(spec.iterations, spec.out);
  ADMA_CHECK(!spec.a_values.empty(), "--a: no value given");
  check_run_count(spec.a_values.size() * static_cast<size_t>(spec.iterations), "--a values x --iterations");
  std::vector<RunPlan> plan;
  for (double a : spec.a_values)
    for (int it = 0; it < spec.iterations; ++it) {
      RunChoice c;
      c.loss = "adma";
      c.a = a;
      c.seed = spec.seed + static_cast<uint64_t>(it);
      plan.push_back(plan_run(c, spec.out, it, recipe));
    }
  check_distinct(plan, "--a");
  return plan;
}

}  // namespace adma::apps
