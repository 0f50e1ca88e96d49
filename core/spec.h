// Spec strings parsed against a table of kinds: the one grammar of every registry that
// takes options (optimizers and schedules in optim/kinds.h, models in models/registry.h).
//   "adam"   "sgd:lr=0.01,momentum=0.9,nesterov=true"   "convnet:activation=relu,dropout=0.2/0.3/0.4"
// A spec is KIND[:NAME=VALUE[,NAME=VALUE]...]; a list value separates its items with '/'.
// Everything after the first ':' is the parameter list, so a value may itself hold a ':'
// ("activation=leaky-relu:0.2"); a value cannot hold ',' or '='. An unknown kind or
// parameter is one error that lists what exists; a parameter without a default must be given.
#pragma once
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace adma {

struct ParamInfo {
  std::string name;
  std::string default_value;  // "" means: no default, the spec must give it
  std::string help;
};

struct KindInfo {
  std::string name;
  std::string help;
  std::vector<ParamInfo> params;
};

// A parsed spec: the kind and every parameter of it (defaults filled in).
struct Spec {
  std::string what;  // "optimizer", "schedule", "model": how messages name the table
  std::string kind;
  std::map<std::string, std::string> args;
  std::set<std::string> given;  // the parameters the text named (the rest are defaults)

  double number(const std::string& name) const;
  int64_t integer(const std::string& name) const;
  bool flag(const std::string& name) const;  // true/false/1/0
  std::vector<double> list(const std::string& name) const;
  const std::string& text(const std::string& name) const;
  bool was_given(const std::string& name) const { return given.count(name) > 0; }
  // The spec written back with every parameter: "adam:beta1=0.9,beta2=0.999,...".
  std::string str() const;
};

Spec parse_spec(const std::vector<KindInfo>& table, const std::string& what, const std::string& text);

// The kinds' names, comma-separated ("sgd, adam, adamw").
std::string kind_names(const std::vector<KindInfo>& table);

// A readable listing of a table (for --help, `adma models` and docs): one kind per paragraph.
std::string describe_kinds(const std::vector<KindInfo>& table);

}  // namespace adma
