// The model flags, made from the model table (see apps/cli/model_flags.h).
#include "apps/cli/model_flags.h"

#include <algorithm>
#include <set>

#include "apps/common/files.h"
#include "apps/common/format.h"
#include "core/error.h"
#include "data/datasets.h"
#include "models/freeze.h"
#include "models/registry.h"

namespace adma::apps {

namespace {

// The table's l2 is the program's --l2 (TrainSettings::l2), set on every model.
bool owned_elsewhere(const std::string& param) { return param == "l2"; }

// Every option of the table once (an option two kinds share, such as bn_eps, is one
// flag), with the kinds that take it and their defaults.
struct OptionUse {
  const ParamInfo* info = nullptr;
  std::vector<std::string> kinds, defaults;
};

const std::vector<std::pair<std::string, OptionUse>>& table_options() {
  static const std::vector<std::pair<std::string, OptionUse>> options = [] {
    std::vector<std::pair<std::string, OptionUse>> out;
    for (const KindInfo& k : models::model_kinds())
      for (const ParamInfo& p : k.params) {
        if (owned_elsewhere(p.name)) continue;
        auto it = std::find_if(out.begin(), out.end(), [&](const auto& o) { return o.first == p.name; });
        if (it == out.end()) it = out.insert(out.end(), {p.name, OptionUse{&p, {}, {}}});
        it->second.kinds.push_back(k.name);
        it->second.defaults.push_back(p.default_value);
      }
    return out;
  }();
  return options;
}

const OptionUse* find_option(const std::string& param) {
  for (const auto& [name, use] : table_options())
    if (name == param) return &use;
  return nullptr;
}

// "convnet: default 3" or "resnet34, resnet18: default 32" or both, for --help.
std::string defaults_text(const OptionUse& u) {
  std::vector<std::string> groups;
  std::vector<bool> done(u.kinds.size(), false);
  for (size_t i = 0; i < u.kinds.size(); ++i) {
    if (done[i]) continue;
    std::vector<std::string> kinds;
    for (size_t j = i; j < u.kinds.size(); ++j)
      if (!done[j] && u.defaults[j] == u.defaults[i]) kinds.push_back(u.kinds[j]), done[j] = true;
    groups.push_back(join(kinds) + ": default " + u.defaults[i]);
  }
  return join(groups, "; ");
}

bool is_boolean(const OptionUse& u) { return u.defaults.front() == "true" || u.defaults.front() == "false"; }
bool is_list(const OptionUse& u) { return u.defaults.front().find('/') != std::string::npos; }

// A flag value in the spec language: "on"/"off" for true/false options, ',' between
// the items of a list option ("--dropout 0.2,0.3,0.4" = "dropout=0.2/0.3/0.4").
std::string spec_value(const OptionUse& u, std::string v) {
  if (is_boolean(u)) {
    if (v == "on") return "true";
    if (v == "off") return "false";
  }
  if (is_list(u)) std::replace(v.begin(), v.end(), ',', '/');
  return v;
}

std::string kind_of(const std::string& model) { return model.substr(0, model.find(':')); }

// The flags as the user gave them, for messages: "--model convnet --activation bogus".
std::string given_flags(const std::string& model, const ModelFlags& f) {
  std::string s = model == "convnet" && !f.options.empty() ? "" : "--model " + model;
  for (const auto& [param, value] : f.options) s += (s.empty() ? "" : " ") + option_flag(param) + " " + value;
  return s;
}

// The model on a [1, C, H, W] input of the dataset's shape, planned (not allocated), with
// the training rules the flags ask for: what the run will build, checked before any work.
void dry_build(const TrainSettings& s, const Spec& spec, const data::DatasetInfo& d, const std::string& flags) {
  if (d.height == 0 || d.classes == 0) return;  // the files decide: checked when the run builds it
  Graph g(Device::cpu());
  const auto chw = models::input_chw(spec, d.channels, d.height, d.width);
  Value x = g.input("x", Shape{1, chw[0], chw[1], chw[2]});
  try {
    models::build(g, x, spec, d.classes);
  } catch (const Error& e) {
    ADMA_THROW(flags, " on ", d.name, "'s ", d.channels, "x", d.height, "x", d.width,
               " images: ", e.what());
  }
  std::shared_ptr<const models::TrainSelection> sel;
  if (s.train_top > 0) {
    const int64_t layers = static_cast<int64_t>(models::parameterised_layers(g).size());
    ADMA_CHECK(s.train_top <= layers, "--train-top ", s.train_top, ": ", spec.kind, " has ", layers,
               " parameterised layers (a conv or dense with its batch norm is one; see docs/models.md)");
    sel = models::train_top(g, s.train_top);
  } else if (!s.train_only.empty()) {
    sel = models::train_only(g, s.train_only);
  }
  g.plan();
  if (sel) {
    try {
      models::check_selection(*sel);
    } catch (const Error& e) {
      ADMA_THROW(s.train_top > 0 ? "--train-top: " : "--train-only: ", e.what());
    }
  }
}

}  // namespace

std::string option_flag(const std::string& param) {
  std::string f = "--" + param;
  std::replace(f.begin(), f.end(), '_', '-');
  return f;
}

void add_model_flags(CLI::App* cmd, std::string& model, ModelFlags& f) {
  cmd->add_option("--model", model,
                  "model of the table (adma models): " + kind_names(models::model_kinds()) +
                      "; its options are the flags below, or inline: convnet:activation=relu")
      ->capture_default_str();
  auto* F = &f;
  for (const auto& [param, use] : table_options()) {
    const std::string name = param;
    const std::string type = is_boolean(use) ? "on|off" : is_list(use) ? "LIST" : "VALUE";
    cmd->add_option_function<std::string>(
           option_flag(param), [F, name](const std::string& v) { F->options[name] = v; },
           "model option (" + defaults_text(use) + "): " + use.info->help)
        ->type_name(type);
  }
  cmd->add_option("--weights", f.weights,
                  "pretrained weights (safetensors with the model's parameter names, e.g. from "
                  "scripts/torchvision_to_safetensors.py), loaded strictly; the classifier is replaced for the "
                  "dataset's classes; a ResNet then normalises its input with ImageNet's mean/std");
  cmd->add_option_function<int64_t>(
      "--train-top", [F](int64_t v) { F->train_top = v; },
      "train only the top N parameterised layers counted from the output (a conv or dense with its batch norm is "
      "one layer; the paper: 5); the rest is frozen");
  cmd->add_option("--train-only", f.train_only,
                  "train only the parameters matching these comma-separated glob patterns, e.g. 'layer4.*,fc.*'");
}

void resolve_model(const std::string& model, const ModelFlags& f, bool local, TrainSettings& s) {
  const std::string kind = kind_of(model);
  Spec spec;
  try {
    spec = parse_spec(models::model_kinds(), "model", kind);
  } catch (const Error& e) {
    ADMA_THROW("--model: ", e.what(), "; see adma models");
  }
  // Each option flag must be one the chosen model takes.
  std::string text = model;
  char sep = model.find(':') == std::string::npos ? ':' : ',';
  for (const auto& [param, value] : f.options) {
    const OptionUse* use = find_option(param);
    ADMA_CHECK(use && std::count(use->kinds.begin(), use->kinds.end(), kind), option_flag(param),
               " is an option of ", use ? join(use->kinds) : std::string("no model"), ", not of ", kind,
               " (see adma models)");
    text += sep + param + "=" + spec_value(*use, value);
    sep = ',';
  }
  try {
    spec = models::parse_model(text);
  } catch (const Error& e) {
    ADMA_THROW(given_flags(model, f), ": ", e.what());
  }
  ADMA_CHECK(!spec.was_given("l2"), "--model ", model, ": the model's l2 is set by --l2");
  // The spec as stored: the kind and the options given, in the table's order of names.
  s.model = spec.kind;
  sep = ':';
  for (const auto& [param, value] : spec.args)
    if (spec.was_given(param)) s.model += sep + param + "=" + value, sep = ',';

  ADMA_CHECK(!(f.train_top && !f.train_only.empty()), "--train-top and --train-only exclude each other");
  s.train_top = f.train_top.value_or(0);
  ADMA_CHECK(!f.train_top || s.train_top >= 1, "--train-top must be >= 1, got ", s.train_top);
  s.train_only = f.train_only;
  s.weights = f.weights;
  if (!s.weights.empty() && local && s.resume.empty())
    ADMA_CHECK(file_exists(s.weights), "--weights: '", s.weights, "' is not a file");
  spec.args["l2"] = exact_number(s.l2);
  dry_build(s, spec, data::find_dataset(s.dataset), given_flags(model, f));
}

std::vector<std::string> model_args(const TrainSettings& s) {
  std::vector<std::string> a;
  const Spec spec = models::parse_model(s.model);
  if (spec.kind != "convnet" || !spec.given.empty()) a.insert(a.end(), {"--model", spec.kind});
  for (const auto& [param, value] : spec.args)
    if (spec.was_given(param)) a.insert(a.end(), {option_flag(param), value});
  if (!s.weights.empty()) a.insert(a.end(), {"--weights", s.weights});
  if (s.train_top > 0) a.insert(a.end(), {"--train-top", std::to_string(s.train_top)});
  if (!s.train_only.empty()) a.insert(a.end(), {"--train-only", s.train_only});
  return a;
}

}  // namespace adma::apps
