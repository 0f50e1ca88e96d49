// `adma loss`: a teaching command. For given logits and labels it prints each
// sample's loss, the mean, dL/dlogits and (Adma) dL/da, computed by the same
// fused kernel training uses, on the CPU or a CUDA device. `--list` prints the
// table of loss kinds (losses/loss_kind.h), as text or JSON.
//   adma loss --loss adma --a 0.25 --logits "2,1,0.1;0.5,2.5,-1" --labels 0,2 --json
//   adma loss --list --json
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "apps/cli/commands.h"
#include "apps/cli/flags.h"
#include "apps/cli/loss_flags.h"
#include "apps/cli/parse.h"
#include "apps/common/format.h"
#include "kernels/evaluate_loss.h"

namespace adma::apps {

namespace {

// Nothing non-finite is ever printed: a value that overflowed double precision is
// an error naming that value and the inputs that drove it there.
void require_finite(const kernels::LossReport& r, const losses::LossParams& p,
                    const std::vector<std::vector<double>>& logits) {
  std::string bad;
  double value = 0;
  auto check = [&](double v, const std::string& what) {
    if (bad.empty() && !std::isfinite(v)) bad = what, value = v;
  };
  for (int64_t i = 0; i < r.n; ++i) {
    check(r.per_sample[static_cast<size_t>(i)], "the loss of sample " + std::to_string(i));
    for (int64_t k = 0; k < r.classes; ++k)
      check(r.dlogits[static_cast<size_t>(i)][static_cast<size_t>(k)],
            "dL/dlogits[" + std::to_string(i) + "][" + std::to_string(k) + "]");
  }
  check(r.loss, "the mean loss");
  check(r.dloss_da, "dL/da");
  if (bad.empty()) return;
  double lo = logits[0][0], hi = lo;
  for (const auto& row : logits)
    for (double z : row) lo = std::min(lo, z), hi = std::max(hi, z);
  ADMA_THROW(bad, " overflowed to ", format_number(value), " in double precision (logits in [", format_number(lo),
             ", ", format_number(hi), "], --a ", format_number(p.a), ", --base ", format_number(p.base),
             "); use smaller magnitudes");
}


// The table of kinds, for people (text) and for scripts (JSON: the PyTorch
// benchmarks check their own list against it).
void print_loss_kinds(bool json) {
  if (json) {
    nlohmann::json kinds = nlohmann::json::array();
    for (const auto& k : losses::kLossKinds) {
      nlohmann::json params = nlohmann::json::object();
      for (const auto& p : losses::kLossParams)
        if (k.params & losses::bit(p.param)) params[p.name] = p.default_value;
      kinds.push_back({{"name", k.name},
                       {"help", k.help},
                       {"family", k.family == losses::LossFamily::LogProbability ? "log-probability" : "probability"},
                       {"params", params}});
    }
    std::printf("%s\n", kinds.dump(2).c_str());
    return;
  }
  for (const auto& k : losses::kLossKinds) {
    std::printf("%-14s %s\n", k.name, k.help);
    for (const auto& p : losses::kLossParams)
      if (k.params & losses::bit(p.param))
        std::printf("%-14s   --%s (default %g): %s\n", "", p.name, p.default_value, p.help);
  }
}
}  // namespace

void register_loss(CLI::App& app) {
  struct Opts {
    LossFlags loss;
    std::string logits, labels, device = "cpu";
    bool json = false, list = false;
  };
  auto o = std::make_shared<Opts>();
  auto* cmd = app.add_subcommand("loss", "Print a loss, its per-sample values and its gradients for given logits");
  cmd->footer(
      "Prints to standard output: a table of each sample's loss and dL/dlogits, the mean loss,\n"
      "the number of correct predictions and (Adma) dL/da; with --json one JSON object. Writes no files.");
  add_loss_flags(cmd, o->loss);
  auto* list = cmd->add_flag("--list", o->list, "list the loss kinds and their parameters, then stop");
  cmd->add_option("--logits", o->logits, "rows of logits: \"2,1,0.1;0.5,2.5,-1\" (required unless --list)")
      ->excludes(list);
  cmd->add_option("--labels", o->labels, "one class index per row, -1 ignores the row: \"0,2\"")->excludes(list);
  add_device(cmd, o->device);
  cmd->add_flag("--json", o->json, "print JSON (keys loss, per_sample, dlogits, dloss_da)");
  cmd->callback([o] {
    selected() = [o] {
      if (o->list) return print_loss_kinds(o->json);
      ADMA_USAGE_CHECK(!o->logits.empty(), "--logits is required unless --list (see adma loss --help)");
      ADMA_USAGE_CHECK(!o->labels.empty(), "--labels is required unless --list (see adma loss --help)");
      const auto params = o->loss.resolved();
      const auto logits = parse_matrix(o->logits, "--logits");
      const auto labels = parse_ints(o->labels, "--labels");
      ADMA_USAGE_CHECK(labels.size() == logits.size(), "--labels: ", labels.size(), " labels for ", logits.size(),
                       " rows of --logits");
      as_usage([&] { kernels::check_labels(labels, static_cast<int64_t>(logits[0].size())); });
      const Device dev = device_from_flag(o->device);
      const auto r = with_flag_names([&] { return kernels::evaluate_loss(params, logits, labels, dev); });
      require_finite(r, params, logits);
      const bool adma = params.kind == losses::LossKind::Adma;
      if (o->json) {
        nlohmann::json j;
        j["loss_name"] = o->loss.loss;
        j["device"] = dev.str();
        j["loss"] = r.loss;
        j["per_sample"] = r.per_sample;
        j["dlogits"] = r.dlogits;
        j["correct"] = r.correct;
        if (adma) j["dloss_da"] = r.dloss_da;
        std::printf("%s\n", j.dump(2).c_str());
        return;
      }
      std::printf("%s on %s: %lld samples x %lld classes (mean over the batch)\n", o->loss.loss.c_str(),
                  dev.str().c_str(), static_cast<long long>(r.n), static_cast<long long>(r.classes));
      std::printf("%-7s %-6s %-12s %s\n", "sample", "label", "loss", "dL/dlogits");
      for (int64_t i = 0; i < r.n; ++i) {
        std::printf("%-7lld %-6d %-12.8g [", static_cast<long long>(i), labels[i], r.per_sample[i]);
        for (int64_t k = 0; k < r.classes; ++k) std::printf("%s%.8g", k ? ", " : "", r.dlogits[i][k]);
        std::printf("]\n");
      }
      std::printf("mean loss: %.10g\ncorrect: %g of %lld\n", r.loss, r.correct, static_cast<long long>(r.n));
      if (adma) std::printf("dL/da: %.10g\n", r.dloss_da);
    };
  });
}

}  // namespace adma::apps
