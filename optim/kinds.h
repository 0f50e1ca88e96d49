// The one table of optimizer kinds and the one table of learning-rate schedules:
// name, help, and every parameter with its default. The command line, the tests
// and docs/optim.md all read these tables, and a kind is written as a spec string
//   "adam"   "sgd:lr=0.01,momentum=0.9,nesterov=true"   "step:epochs=30/60,factor=0.1"
// (lists separated by '/'), parsed against the table: an unknown kind or parameter
// is one error that lists what exists.
#pragma once
#include <map>
#include <string>
#include <vector>

namespace adma::optim {

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

const std::vector<KindInfo>& optimizer_kinds();
const std::vector<KindInfo>& schedule_kinds();

// A parsed spec: the kind and every parameter of it (defaults filled in).
struct Spec {
  std::string what;  // "optimizer" or "schedule", for messages
  std::string kind;
  std::map<std::string, std::string> args;

  double number(const std::string& name) const;
  int64_t integer(const std::string& name) const;
  bool flag(const std::string& name) const;  // true/false/1/0
  std::vector<double> list(const std::string& name) const;
  const std::string& text(const std::string& name) const;
  // The spec written back with every parameter: "adam:beta1=0.9,beta2=0.999,...".
  std::string str() const;
};

Spec parse_spec(const std::vector<KindInfo>& table, const std::string& what, const std::string& text);

// A readable listing of a table (for --help and docs): one kind per paragraph.
std::string describe(const std::vector<KindInfo>& table);

}  // namespace adma::optim
