// `adma loss`: a teaching command. For given logits and labels it prints each
// sample's loss, the mean, dL/dlogits and (Adma) dL/da, computed by the same
// fused kernel training uses, on the CPU or a CUDA device. `--list` prints the
// table of loss kinds (losses/loss_kind.h), as text or JSON.
//   adma loss --loss adma --a 0.25 --logits "2,1,0.1;0.5,2.5,-1" --labels 0,2 --json
//   adma loss --list --json
#include <cstdio>
#include <nlohmann/json.hpp>

#include "apps/commands.h"
#include "apps/loss_flags.h"
#include "apps/parse.h"
#include "losses/evaluate.h"

namespace adma::apps {

namespace {
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
    std::shared_ptr<LossFlags> loss = std::make_shared<LossFlags>();
    std::string logits, labels, device = "cpu";
    bool json = false, list = false;
  };
  auto o = std::make_shared<Opts>();
  auto* cmd = app.add_subcommand("loss", "Print a loss, its per-sample values and its gradients for given logits");
  add_loss_flags(cmd, o->loss);
  auto* list = cmd->add_flag("--list", o->list, "list the loss kinds and their parameters, then stop");
  cmd->add_option("--logits", o->logits, "rows of logits: \"2,1,0.1;0.5,2.5,-1\" (required unless --list)")
      ->excludes(list);
  cmd->add_option("--labels", o->labels, "one class index per row, -1 ignores the row: \"0,2\"")->excludes(list);
  cmd->add_option("--device", o->device, "cpu or cuda")->check(CLI::IsMember({"cpu", "cuda"}));
  cmd->add_flag("--json", o->json, "print JSON (keys loss, per_sample, dlogits, dloss_da)");
  cmd->callback([o] {
    selected() = [o] {
      if (o->list) return print_loss_kinds(o->json);
      ADMA_CHECK(!o->logits.empty() && !o->labels.empty(), "adma loss needs --logits and --labels (or --list)");
      const auto params = o->loss->resolved();
      const auto logits = parse_matrix(o->logits, "--logits");
      const auto labels = parse_ints(o->labels, "--labels");
      const Device dev = o->device == "cuda" ? Device::cuda(0) : Device::cpu();
      const auto r = with_flag_names([&] { return losses::evaluate_loss(params, logits, labels, dev); });
      const bool adma = params.kind == losses::LossKind::Adma;
      if (o->json) {
        nlohmann::json j;
        j["loss_name"] = o->loss->loss;
        j["device"] = dev.str();
        j["loss"] = r.loss;
        j["per_sample"] = r.per_sample;
        j["dlogits"] = r.dlogits;
        j["correct"] = r.correct;
        if (adma) j["dloss_da"] = r.dloss_da;
        std::printf("%s\n", j.dump(2).c_str());
        return;
      }
      std::printf("%s on %s: %lld samples x %lld classes (mean over the batch)\n", o->loss->loss.c_str(),
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
