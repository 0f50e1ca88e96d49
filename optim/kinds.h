// The one table of optimizer kinds and the one table of learning-rate schedules:
// name, help, and every parameter with its default. The command line, the tests
// and docs/optim.md all read these tables, and a kind is written as a spec string
//   "adam"   "sgd:lr=0.01,momentum=0.9,nesterov=true"   "step:epochs=30/60,factor=0.1"
// (lists separated by '/'), parsed against the table by core/spec.h: an unknown kind
// or parameter is one error that lists what exists.
#pragma once
#include <string>
#include <vector>

#include "core/spec.h"

namespace adma::optim {

// The spec grammar and its parser live in core/spec.h (models/ reads the same one);
// these names keep optim's API as it was.
using adma::KindInfo;
using adma::ParamInfo;
using adma::parse_spec;
using adma::Spec;

const std::vector<KindInfo>& optimizer_kinds();
const std::vector<KindInfo>& schedule_kinds();

// A readable listing of a table (for --help and docs): one kind per paragraph.
inline std::string describe(const std::vector<KindInfo>& table) { return describe_kinds(table); }

}  // namespace adma::optim
