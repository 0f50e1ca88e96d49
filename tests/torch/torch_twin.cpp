// torch_twin: adma's half of the comparison with PyTorch (tests/torch/compare_models.py).
// It builds a registry model in float64 on the CPU, loads converted weights strictly
// (models::load_weights), runs one training-mode step and then an eval forward on the
// inputs the script wrote, and saves everything the script compares with PyTorch:
//   train.logits, train.loss, grad.input, grad.<every trained parameter>,
//   buffer.<every buffer> (running statistics after the step), eval.logits, eval.loss
//   torch_twin --model SPEC --classes N --weights W.safetensors --inputs IN.safetensors
//              --out OUT.safetensors [--loss cce|adma:A] [--train-top K] [--no-input-grad] [--load-only]
// IN holds "x" (float64 [N, C, H, W]) and "y" (int32 [N]). --load-only stops after the
// weights are loaded and prints what load_weights said (the classifier replacement);
// --no-input-grad leaves grad.input out, so backward stops where freezing lets it.
#include <cstdio>
#include <cstring>
#include <string>

#include "core/graph/checkpoint.h"
#include "core/graph/graph.h"
#include "layers/softmax_loss.h"
#include "models/freeze.h"
#include "models/registry.h"
#include "models/weights.h"

using namespace adma;

namespace {

[[noreturn]] void usage() {
  std::fprintf(stderr,
               "usage: torch_twin --model SPEC --classes N --weights FILE --inputs FILE --out FILE "
               "[--loss cce|adma:A] [--train-top K] [--no-input-grad] [--load-only]\n");
  std::exit(2);
}

Tensor find(const std::vector<NamedTensor>& ts, const std::string& name) {
  for (const auto& t : ts)
    if (t.name == name) return t.value;
  ADMA_THROW("inputs have no tensor '", name, "'");
}

}  // namespace

int main(int argc, char** argv) {
  std::string model, weights, inputs, out, loss = "cce";
  int64_t classes = 0, top = 0;
  bool load_only = false, input_grad = true;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    const bool more = i + 1 < argc;
    if (a == "--model" && more) model = argv[++i];
    else if (a == "--classes" && more) classes = std::atoll(argv[++i]);
    else if (a == "--weights" && more) weights = argv[++i];
    else if (a == "--inputs" && more) inputs = argv[++i];
    else if (a == "--out" && more) out = argv[++i];
    else if (a == "--loss" && more) loss = argv[++i];
    else if (a == "--train-top" && more) top = std::atoll(argv[++i]);
    else if (a == "--load-only") load_only = true;
    else if (a == "--no-input-grad") input_grad = false;
    else usage();
  }
  if (model.empty() || classes < 1 || weights.empty() || inputs.empty() || (out.empty() && !load_only)) usage();
  try {
    const Spec spec = models::parse_model(model);
    const auto in = read_checkpoint_tensors(inputs, {"x", "y"});
    const Tensor xs = find(in, "x"), ys = find(in, "y");
    Graph g(Device::cpu(), DType::F64, 1);
    Value x = g.input("x", xs.shape(), input_grad);
    Value y = g.labels("y", ys.shape()[0]);
    Value z = models::build(g, x, spec, classes);
    layers::SoftmaxLoss::Options lo;
    if (loss == "cce") {
      lo.params.kind = losses::LossKind::CrossEntropy;
    } else if (loss.rfind("adma:", 0) == 0) {
      lo.params.kind = losses::LossKind::Adma;
      lo.params.a = std::stod(loss.substr(5));
    } else {
      usage();
    }
    Value l = g.add<layers::SoftmaxLoss>("loss", {z, y}, lo);
    std::shared_ptr<const models::TrainSelection> sel;
    if (top > 0) sel = models::train_top(g, top);
    g.build();
    if (sel) models::check_selection(*sel);
    models::WeightsOptions wo;
    wo.classifier = models::classifier(spec);
    const models::WeightsReport rep = models::load_weights(g, weights, wo);
    std::printf("%s\n", rep.message.c_str());
    if (load_only) return 0;
    g.value(x).copy_from(xs);
    g.value(y).copy_from(ys);

    std::vector<NamedTensor> result;
    auto keep = [&](const std::string& name, const Tensor& t) { result.push_back({name, t.to(Device::cpu()), {}}); };
    g.train();
    g.zero_grad();
    g.forward();
    g.backward();
    keep("train.logits", g.value(z));
    keep("train.loss", g.value(l));
    if (input_grad) keep("grad.input", g.grad(x));
    for (const auto& p : g.parameters())
      if (p.grad.defined() && p.name != "loss.a") keep("grad." + p.name, p.grad);
    for (const auto& b : g.buffers()) keep("buffer." + b.name, b.value);
    g.eval();
    g.forward();
    keep("eval.logits", g.value(z));
    keep("eval.loss", g.value(l));
    save_checkpoint(out, result);
    std::printf("torch_twin: %s, %zu tensors written to %s\n", spec.str().c_str(), result.size(), out.c_str());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "torch_twin: %s\n", e.what());
    return 1;
  }
  return 0;
}
