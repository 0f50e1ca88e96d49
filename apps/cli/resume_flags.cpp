// resume_settings: the run's stored arguments, each given flag tried on top of them.
#include "apps/cli/resume_flags.h"

#include <algorithm>
#include <set>

#include "apps/common/files.h"
#include "apps/run/training_session.h"
#include "core/error.h"

namespace adma::apps {

namespace {

TrainSettings settings_of(const std::vector<std::string>& args, const std::string& dir) {
  try {
    return resolve(parse_train_args(args), /*local=*/false);
  } catch (const CLI::ParseError& e) {
    ADMA_THROW("--resume ", dir, ": the run's training arguments do not parse (", e.what(), ")");
  }
}

// What makes a run the run it is: every setting but where it computes and its folders.
nlohmann::json identity(const TrainSettings& s) {
  nlohmann::json j = to_json(s);
  for (const char* key : {"epochs", "device_requested", "out", "resume", "data_dir"}) j.erase(key);
  return j;
}

// The first setting (a JSON path) where a and b differ: "loss.name is "adma", not "cce"".
std::string first_difference(const nlohmann::json& a, const nlohmann::json& b, const std::string& at = "") {
  if (a.is_object() && b.is_object()) {
    for (auto it = b.begin(); it != b.end(); ++it) {
      const std::string path = at.empty() ? it.key() : at + "." + it.key();
      if (!a.contains(it.key())) return path + " is unset, not " + it.value().dump();
      const std::string d = first_difference(a[it.key()], it.value(), path);
      if (!d.empty()) return d;
    }
    return "";
  }
  return a == b ? "" : at + " is " + a.dump() + ", not " + b.dump();
}

// The flags that may differ from the run's (see the header); --out is checked on its own.
const std::set<std::string> kMayChange = {"--resume", "--out", "--epochs", "--device", "--data-dir", "--threads", "--profile"};

}  // namespace

std::vector<std::string> run_train_args(const std::string& dir) {
  const std::string last = dir + "/last.safetensors", config = dir + "/config.json";
  if (file_exists(last)) return checkpoint_train_args(last);
  ADMA_CHECK(file_exists(config), "--resume: ", dir, " holds no run to continue (neither last.safetensors nor config.json)");
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(read_file(config));
  } catch (const nlohmann::json::exception& e) {
    ADMA_THROW("--resume: ", config, " is not valid JSON (", e.what(), ")");
  }
  ADMA_CHECK(j.is_object() && j.contains("train_args") && j["train_args"].is_array(), "--resume: ", config,
             " has no train_args (the run was started by an older adma); start it again without --resume");
  try {
    return j["train_args"].get<std::vector<std::string>>();
  } catch (const nlohmann::json::exception& e) {
    ADMA_THROW("--resume: ", config, ": train_args is not a list of strings (", e.what(), ")");
  }
}

TrainSettings resume_settings(const CLI::App& cmd, const TrainFlags& given) {
  const std::string dir = given.resume;
  ADMA_CHECK(dir_exists(dir), "--resume: '", dir, "' is not a folder");
  if (!given.out.empty() && given.out != dir)
    throw UsageError("--out " + given.out + " and --resume " + dir + " differ: a resumed run continues in its own folder");
  const std::vector<std::string> stored_args = run_train_args(dir);
  TrainSettings s = settings_of(stored_args, dir);
  const nlohmann::json stored = identity(s);

  for (const CLI::Option* opt : cmd.get_options()) {
    const std::string flag = opt->get_name();
    if (opt->count() == 0 || flag.rfind("--", 0) != 0 || kMayChange.count(flag)) continue;
    // The run's arguments with this flag's value replaced by the given one.
    const bool takes_value = opt->get_type_size() != 0;
    std::vector<std::string> args;
    for (size_t i = 0; i < stored_args.size(); ++i) {
      if (stored_args[i] == flag) {
        i += takes_value ? 1 : 0;
        continue;
      }
      args.push_back(stored_args[i]);
    }
    std::string shown = flag;
    args.push_back(flag);
    if (takes_value) {
      for (const std::string& v : opt->results()) args.push_back(v), shown += " " + v;
    }
    TrainSettings changed;
    try {
      changed = resolve(parse_train_args(args), /*local=*/false);
    } catch (const std::exception& e) {
      throw UsageError(std::string(e.what()));
    }
    const std::string diff = first_difference(stored, identity(changed));
    if (!diff.empty())
      throw UsageError(shown + ": the run in " + dir + " was trained with other settings (its " + diff +
                       "); a resumed run keeps its own, only --epochs may grow and --device change. Start a new "
                       "run (another --out) for other settings");
  }

  if (given.epochs) {
    if (*given.epochs < s.epochs)
      throw UsageError("--epochs " + std::to_string(*given.epochs) + ": the run in " + dir + " was set to " +
                       std::to_string(s.epochs) + " epochs; a resumed run's --epochs may only grow");
    s.epochs = *given.epochs;
  }
  s.device = resolve_device(given.device, true);
  ADMA_CHECK(s.precision == "fp32" || s.device != "cpu", "--device cpu: the run in ", dir,
             " trains with --precision tf32, which needs a CUDA device");
  if (!given.data_dir.empty()) {
    ADMA_CHECK(dir_exists(given.data_dir), "--data-dir: '", given.data_dir, "' is not a folder");
    s.data_dir = given.data_dir;
  }
  s.resume = s.out = dir;
  return s;
}

}  // namespace adma::apps
