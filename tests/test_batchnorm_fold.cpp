// Batch norm folded at evaluation (core/graph/node.h, kernels/batchnorm2d_fold.h): which
// pairs fold (found from the nodes, not the model), that a folded evaluation equals the
// unfolded one in double (outputs, loss, correct count) for a conv -> BN -> dense toy and
// a ResNet-shaped graph, that the fold follows the parameters after training steps (a
// stale fold fails), that training never sees it (bit-identical with folding off), the
// captured step's mode, and the CUDA fold against the CPU (label gpu).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <vector>

#include "core/graph/captured_step.h"
#include "data/synthetic.h"
#include "core/graph/graph.h"
#include "kernels/batchnorm2d_fold.h"
#include "layers/batchnorm2d.h"
#include "layers/conv2d.h"
#include "layers/dense.h"
#include "layers/flatten.h"
#include "layers/relu.h"
#include "layers/softmax_loss.h"
#include "models/convnet.h"
#include "models/resnet.h"
#include "optim/optimizer.h"
#include "optim/trainer.h"
#include "test_util.h"

namespace adma::test {
namespace {

constexpr int64_t kBatch = 6, kClasses = 5;

// A graph with its input, labels, logits and loss, random inputs and labels, and every
// parameter and batch-norm buffer drawn at random (running variance in [0.5, 2]), so a
// fold has something to scale and shift. Folding as `fold` says when it is planned.
struct Net {
  std::unique_ptr<Graph> g;
  Value x, y, z, loss;
};

enum class Model { Toy, ResNet };

Net make_net(Model model, Device device, DType dtype, bool fold, uint64_t seed) {
  Net n;
  n.g = std::make_unique<Graph>(device, dtype, 7);
  Graph& g = *n.g;
  g.set_fold_batchnorm(fold);
  if (model == Model::Toy) {
    // conv (with a bias) -> BN -> ReLU -> flatten -> dense (no bias) -> BN over [N, C] -> dense
    n.x = g.input("x", Shape{kBatch, 3, 6, 6});
    Value h = g.add<layers::Conv2d>("conv", {n.x}, layers::Conv2d::Options{4, 3, 1, "same", true, 0});
    h = g.add<layers::BatchNorm2d>("bn", {h}, layers::BatchNorm2d::Options{0.9, 1e-3, false});
    h = g.add<layers::Relu>("relu", {h});
    h = g.add<layers::Flatten>("flatten", {h});
    h = g.add<layers::Dense>("fc1", {h}, layers::Dense::Options{8, false, 0});
    h = g.add<layers::BatchNorm2d>("bn_fc1", {h}, layers::BatchNorm2d::Options{0.9, 1e-5, true});
    n.z = g.add<layers::Dense>("fc2", {h}, layers::Dense::Options{kClasses, true, 0});
  } else {
    // ResNet-shaped: conv -> BN -> ReLU stem, a block without and one with a projection
    // shortcut (conv -> BN -> Add), global pooling, dense.
    n.x = g.input("x", Shape{kBatch, 3, 12, 12});
    models::ResNetOptions o;
    o.classes = kClasses;
    o.blocks = {1, 1};
    o.width = 4;
    n.z = models::build_resnet(g, n.x, o);
  }
  n.y = g.labels("y", kBatch);
  layers::SoftmaxLoss::Options lo;
  lo.params.a = 0.3;
  n.loss = g.add<layers::SoftmaxLoss>("loss", {n.z, n.y}, lo);
  g.build();
  Rng rng(seed);
  fill_random(g.value(n.x), rng);
  std::vector<double> labels(kBatch);
  for (auto& v : labels) v = static_cast<double>(rng.below(kClasses));
  g.value(n.y).copy_from(Tensor::from_host(labels, Shape{kBatch}, DType::I32, Device::cpu()));
  for (const auto& p : g.parameters()) {
    Tensor t = p.value;
    fill_random(t, rng, -1.0, 1.0);
  }
  for (const auto& b : g.buffers()) {
    Tensor t = b.value;
    const bool var = b.name.find("running_var") != std::string::npos;
    fill_random(t, rng, var ? 0.5 : -0.5, var ? 2.0 : 0.5);
  }
  return n;
}

struct EvalResult {
  Values logits, per_sample;
  double loss = 0, correct = 0;
};

EvalResult run_eval(Net& n) {
  Graph& g = *n.g;
  g.eval();
  g.forward();
  LossNode& l = *g.node(n.loss).as_loss();
  return {g.value(n.z).to_host(), l.per_sample().to_host(), g.value(n.loss).to_host()[0], l.correct().to_host()[0]};
}

double max_rel_diff(const Values& a, const Values& b) {
  EXPECT_EQ(a.size(), b.size());
  double worst = 0;
  for (size_t i = 0; i < a.size() && i < b.size(); ++i)
    worst = std::max(worst, std::fabs(a[i] - b[i]) / std::max(1.0, std::fabs(b[i])));
  return worst;
}

// Folded against unfolded on the same graph and parameters: folding switched off makes
// the next eval forward run every batch norm again.
void expect_folded_equals_unfolded(Net& n, double tol, const char* what) {
  const EvalResult folded = run_eval(n);
  n.g->set_fold_batchnorm(false);
  const EvalResult plain = run_eval(n);
  n.g->set_fold_batchnorm(true);
  EXPECT_LE(max_rel_diff(folded.logits, plain.logits), tol) << what << ": logits";
  EXPECT_LE(max_rel_diff(folded.per_sample, plain.per_sample), tol) << what << ": per-sample losses";
  EXPECT_NEAR(folded.loss, plain.loss, tol) << what << ": mean loss";
  EXPECT_EQ(folded.correct, plain.correct) << what << ": correct count";
}

using Pairs = std::vector<std::pair<std::string, std::string>>;

TEST(BatchNormFold, PairsAreFoundFromTheNodes) {
  Net toy = make_net(Model::Toy, Device::cpu(), DType::F64, true, 1);
  EXPECT_EQ(toy.g->folded_pairs(), (Pairs{{"conv", "bn"}, {"fc1", "bn_fc1"}}));
  Net res = make_net(Model::ResNet, Device::cpu(), DType::F64, true, 1);
  const Pairs pairs = res.g->folded_pairs();
  // Every conv of a ResNet feeds a batch norm alone: stem, 2 + 2 in the blocks, the projection.
  ASSERT_EQ(pairs.size(), 6u);
  EXPECT_EQ(pairs[0], (std::pair<std::string, std::string>{"conv1", "bn1"}));
  EXPECT_EQ(pairs[5], (std::pair<std::string, std::string>{"layer2.0.downsample.0", "layer2.0.downsample.1"}));
  // W' and b' have their own memory: the folded convs' and the dense layer's weights, plus a bias each.
  EXPECT_GT(res.g->memory().folded, 0u);
  EXPECT_NE(res.g->summary().find("batch norm folded at evaluation into the layer before it: 6 pairs"),
            std::string::npos)
      << res.g->summary();
}

// A weight layer whose output is read by anything besides the batch norm cannot fold
// (the other reader needs the unnormalised values).
TEST(BatchNormFold, AConvWithTwoReadersDoesNotFold) {
  Graph g(Device::cpu(), DType::F64, 1);
  Value x = g.input("x", Shape{2, 3, 5, 5});
  Value c = g.add<layers::Conv2d>("conv", {x}, layers::Conv2d::Options{4, 3});
  Value b = g.add<layers::BatchNorm2d>("bn", {c});
  g.add<layers::Relu>("relu", {c});
  g.add<layers::Relu>("relu_bn", {b});
  g.build();
  EXPECT_TRUE(g.folded_pairs().empty());
  EXPECT_EQ(g.memory().folded, 0u);
}

// The paper's ConvNet is conv -> activation -> batch norm: the batch norm cannot fold into
// the conv before it (a non-linearity between), and is not folded into the conv after it
// (not exact where that conv zero-pads). So nothing folds, whatever the activation, and
// the fused ELU + batch norm node (ADMA_FUSED_ELU_BN) does not fold either.
TEST(BatchNormFold, TheConvNetHasNoFoldedPair) {
  using models::Activation;
  for (Activation a : {Activation::Elu, Activation::Relu, Activation::LeakyRelu, Activation::Maxout}) {
    Graph g(Device::cpu(), DType::F32, 1);
    Value x = g.input("x", Shape{2, 1, 8, 8});
    models::ConvNetOptions o;
    o.classes = 4;
    o.filters = {4, 8, 8};
    o.activation = a;
    models::build_convnet(g, x, o);
    g.plan();
    EXPECT_TRUE(g.folded_pairs().empty()) << models::activation_name(a);
    EXPECT_EQ(g.memory().folded, 0u) << models::activation_name(a);
  }
}

TEST(BatchNormFold, FoldedEvaluationEqualsUnfoldedInDouble) {
  for (Model m : {Model::Toy, Model::ResNet}) {
    const char* what = m == Model::Toy ? "conv -> BN -> dense toy" : "ResNet-shaped graph";
    Net n = make_net(m, Device::cpu(), DType::F64, true, 11);
    ASSERT_FALSE(n.g->folded_pairs().empty()) << what;
    expect_folded_equals_unfolded(n, 1e-12, what);
    // The same against a graph planned without folding (no folded memory at all).
    Net plain = make_net(m, Device::cpu(), DType::F64, false, 11);
    EXPECT_TRUE(plain.g->folded_pairs().empty());
    EXPECT_LE(max_rel_diff(run_eval(n).logits, run_eval(plain).logits), 1e-12) << what;
  }
}

// Folded, the batch norm runs no kernel: its output is the conv's memory, which holds y.
TEST(BatchNormFold, TheBatchNormPassesThroughWhenFolded) {
  Net n = make_net(Model::Toy, Device::cpu(), DType::F64, true, 2);
  Graph& g = *n.g;
  const Node& conv = g.node_at(1);
  ASSERT_EQ(conv.name(), "conv");
  Value conv_v{1}, bn_v{2};
  g.eval();
  g.forward();
  EXPECT_EQ(g.value(bn_v).raw(), g.value(conv_v).raw());
  g.set_fold_batchnorm(false);
  g.forward();
  EXPECT_NE(g.value(bn_v).raw(), g.value(conv_v).raw());
  g.set_fold_batchnorm(true);
  g.train();
  g.forward();  // training never folds
  EXPECT_NE(g.value(bn_v).raw(), g.value(conv_v).raw());
}

// After training steps (new weights, new running statistics) the next evaluation pass
// folds the new values: a fold kept from before the steps fails the comparison.
TEST(BatchNormFold, TheFoldFollowsTheParametersAfterTraining) {
  for (Model m : {Model::Toy, Model::ResNet}) {
    Net n = make_net(m, Device::cpu(), DType::F64, true, 5);
    Graph& g = *n.g;
    const EvalResult before = run_eval(n);
    optim::Optimizer opt(g, optim::OptimizerConfig::parse("sgd:lr=0.1"));
    for (int s = 0; s < 2; ++s) {
      g.train();
      g.zero_grad();
      g.forward();
      g.backward();
      opt.step();
    }
    const EvalResult after = run_eval(n);  // eval() refolds
    EXPECT_GT(max_rel_diff(after.logits, before.logits), 1e-6) << "the steps changed nothing to compare";
    expect_folded_equals_unfolded(n, 1e-12, m == Model::Toy ? "toy after training" : "ResNet after training");
    // Parameters written in eval mode: refold() (or eval() again) brings the fold up to date.
    Tensor w = g.parameters()[0].value;
    Rng rng(9);
    fill_random(w, rng);
    g.refold();
    g.forward();
    const Values refolded = g.value(n.z).to_host();
    g.set_fold_batchnorm(false);
    g.forward();
    EXPECT_LE(max_rel_diff(refolded, g.value(n.z).to_host()), 1e-12);
  }
}

// Training is untouched: a graph with folding and one planned without it, trained with
// evaluations between the steps, hold bit-identical parameters and buffers.
TEST(BatchNormFold, TrainingIsBitIdenticalWithAndWithoutFolding) {
  Net a = make_net(Model::ResNet, Device::cpu(), DType::F32, true, 3);
  Net b = make_net(Model::ResNet, Device::cpu(), DType::F32, false, 3);
  optim::Optimizer oa(*a.g, optim::OptimizerConfig::parse("adam")), ob(*b.g, optim::OptimizerConfig::parse("adam"));
  for (int s = 0; s < 3; ++s) {
    for (auto [n, opt] : {std::pair<Net*, optim::Optimizer*>{&a, &oa}, {&b, &ob}}) {
      n->g->train();
      n->g->zero_grad();
      n->g->forward();
      n->g->backward();
      opt->step();
      run_eval(*n);
    }
    const auto sa = a.g->state_dict(), sb = b.g->state_dict();
    ASSERT_EQ(sa.size(), sb.size());
    for (size_t i = 0; i < sa.size(); ++i) ASSERT_EQ(sa[i].value.to_host(), sb[i].value.to_host()) << sa[i].name;
  }
  // In float32 the folded evaluation rounds differently, within float precision.
  EXPECT_LE(max_rel_diff(run_eval(a).logits, run_eval(b).logits), 1e-4);
}

// The Trainer's evaluation (what `adma train` and `adma evaluate` report) after an epoch of
// training: the same loss and accuracy folded and not, within float32 rounding.
TEST(BatchNormFold, TrainerEvaluationAgreesWithAndWithoutFolding) {
  Net n = make_net(Model::ResNet, Device::cpu(), DType::F32, true, 8);
  optim::TrainerOptions to;
  to.optimizer = optim::OptimizerConfig::parse("adam");
  optim::Trainer t(*n.g, n.x, n.y, n.loss, to);
  data::SyntheticOptions so;
  so.examples = 48;
  so.batch = kBatch;
  so.channels = 3;
  so.height = so.width = 12;
  so.classes = kClasses;
  data::SyntheticSource train(so);
  so.first = 48;
  so.examples = 32;  // a padded last batch
  data::SyntheticSource val(so);
  t.train_epoch(train);
  const optim::EpochMetrics folded = t.evaluate(val);
  n.g->set_fold_batchnorm(false);
  const optim::EpochMetrics plain = t.evaluate(val);
  EXPECT_EQ(folded.examples, 32);
  EXPECT_NEAR(folded.loss, plain.loss, 1e-5 * std::max(1.0, plain.loss));
  EXPECT_EQ(folded.accuracy, plain.accuracy);
}

// Folded or not is part of what a captured eval step freezes.
TEST(BatchNormFold, ACapturedEvalStepRefusesAnotherFoldingMode) {
  Net n = make_net(Model::Toy, Device::cpu(), DType::F32, true, 4);
  Graph& g = *n.g;
  g.eval();
  CapturedStep step(g, [&] { g.forward(); });
  step.replay();
  g.set_fold_batchnorm(false);
  try {
    step.replay();
    FAIL() << "replayed in another folding mode";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("batch norm folded: on at capture, off now"), std::string::npos) << e.what();
  }
  g.set_fold_batchnorm(true);
  step.replay();
}

TEST(BatchNormFold, FoldingPlannedOffCannotBeSwitchedOnLater) {
  Net n = make_net(Model::Toy, Device::cpu(), DType::F32, false, 1);
  EXPECT_TRUE(n.g->folded_pairs().empty());
  EXPECT_EQ(n.g->memory().folded, 0u);
  try {
    n.g->set_fold_batchnorm(true);
    FAIL() << "switched on without memory";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("planned with folding off"), std::string::npos) << e.what();
  }
}

// The kernel alone against the formula, with and without a bias, in double.
TEST(BatchNormFold, KernelMatchesTheFormula) {
  Context& ctx = Context::cpu();
  const int64_t k = 3, per = 4;
  const double eps = 1e-3;
  const auto setup = kernels::batchnorm2d_setup(ctx, Shape{2, k, 5, 5}, DType::F64, 0.9, eps);
  Rng rng(17);
  auto make = [&](const Shape& s, double lo, double hi) {
    return Tensor::from_host(random_values(rng, s.numel(), lo, hi), s, DType::F64, Device::cpu());
  };
  const Tensor w = make(Shape{k, per}, -1, 1), b = make(Shape{k}, -1, 1), gamma = make(Shape{k}, -2, 2),
               beta = make(Shape{k}, -1, 1), mean = make(Shape{k}, -1, 1), var = make(Shape{k}, 0.1, 3);
  for (const bool with_bias : {true, false}) {
    Tensor fw = Tensor::empty(Shape{k, per}, DType::F64, Device::cpu()), fb = Tensor::empty(Shape{k}, DType::F64, Device::cpu());
    kernels::batchnorm2d_fold(ctx, setup, w, with_bias ? b : Tensor(), gamma, beta, mean, var, fw, fb);
    const Values W = w.to_host(), B = b.to_host(), G = gamma.to_host(), Be = beta.to_host(), M = mean.to_host(),
                 V = var.to_host(), FW = fw.to_host(), FB = fb.to_host();
    for (int64_t o = 0; o < k; ++o) {
      const double s = G[o] / std::sqrt(V[o] + eps);
      for (int64_t i = 0; i < per; ++i) EXPECT_NEAR(FW[o * per + i], s * W[o * per + i], 1e-15);
      EXPECT_NEAR(FB[o], s * ((with_bias ? B[o] : 0.0) - M[o]) + Be[o], 1e-14);
    }
  }
}

// The CUDA fold against the CPU's on fresh random values: bit for bit (both in double,
// one rounding), with and without a bias; then a ResNet-shaped graph evaluated through a
// captured step on the GPU, trained in between: the replay uses the refolded weights.
TEST(BatchNormFoldGPU, CudaFoldMatchesCpu) {
  ADMA_REQUIRE_GPU();
  const uint64_t seed = fresh_seed();
  Rng rng(seed);
  const int64_t k = 37;
  const Shape ws{k, 19, 3, 3}, ks{k};
  const auto draw = [&](const Shape& s, double lo, double hi) { return random_values(rng, s.numel(), lo, hi); };
  const Values w = draw(ws, -1, 1), b = draw(ks, -1, 1), gamma = draw(ks, -2, 2), beta = draw(ks, -1, 1),
               mean = draw(ks, -1, 1), var = draw(ks, 0.01, 3);
  Values out[2][2];
  for (const bool with_bias : {true, false})
    for (const bool gpu : {false, true}) {
      const Device d = gpu ? Device::cuda(0) : Device::cpu();
      Context& ctx = Context::get(d);
      const auto setup = kernels::batchnorm2d_setup(ctx, Shape{4, k, 6, 6}, DType::F32, 0.9, 1e-5);
      auto put = [&](const Values& v, const Shape& s) { return Tensor::from_host(v, s, DType::F32, d); };
      Tensor fw = put(Values(static_cast<size_t>(ws.numel()), std::nan("")), ws);
      Tensor fb = put(Values(static_cast<size_t>(k), std::nan("")), ks);
      kernels::batchnorm2d_fold(ctx, setup, put(w, ws), with_bias ? put(b, ks) : Tensor(), put(gamma, ks),
                                put(beta, ks), put(mean, ks), put(var, ks), fw, fb);
      Values all = fw.to_host(), bias = fb.to_host();
      all.insert(all.end(), bias.begin(), bias.end());
      out[with_bias][gpu] = all;
    }
  for (const bool with_bias : {true, false}) {
    ASSERT_FALSE(any_nan(out[with_bias][1])) << "unwritten element";
    EXPECT_EQ(out[with_bias][1], out[with_bias][0]) << (with_bias ? "with" : "without") << " a bias";
  }
}

TEST(BatchNormFoldGPU, CapturedEvalStepReplaysTheRefoldedWeights) {
  ADMA_REQUIRE_GPU();
  const uint64_t seed = fresh_seed();
  Net n = make_net(Model::ResNet, Device::cuda(0), DType::F32, true, seed);
  Net cpu = make_net(Model::ResNet, Device::cpu(), DType::F32, true, seed);
  Graph& g = *n.g;
  g.context().allow_tf32 = false;
  g.eval();
  CapturedStep step(g, [&] { g.forward(); });
  const auto folded_nodes = step.node_counts();
  optim::Optimizer opt(g, optim::OptimizerConfig::parse("sgd:lr=0.1")), opt_cpu(*cpu.g, optim::OptimizerConfig::parse("sgd:lr=0.1"));
  for (auto [net, o] : {std::pair<Net*, optim::Optimizer*>{&n, &opt}, {&cpu, &opt_cpu}}) {
    net->g->train();
    net->g->zero_grad();
    net->g->forward();
    net->g->backward();
    o->step();
  }
  g.eval();  // refolds, outside the captured step
  step.replay();
  const Values replayed = g.value(n.z).to_host();
  // Against the CPU, unfolded, after the same step.
  cpu.g->set_fold_batchnorm(false);
  const Values want = run_eval(cpu).logits;
  EXPECT_LE(nmse(replayed, want), 1e-6) << "the replay used a stale fold";
  // Kernels per eval step, folded and not (printed for docs/performance.md).
  g.set_fold_batchnorm(false);
  CapturedStep plain(g, [&] { g.forward(); });
  std::printf("eval step: folded %s; unfolded %s\n", folded_nodes.str().c_str(), plain.node_counts().str().c_str());
  EXPECT_LE(folded_nodes.kernels, plain.node_counts().kernels);
}

}  // namespace
}  // namespace adma::test
