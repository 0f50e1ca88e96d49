// Fine-tuning's freezing (models/freeze.h): what counts as a layer, the top K layers of
// ResNet-34 and of the ConvNet, name patterns, the loss's own parameter left alone, and
// the refusals (a K out of range, a pattern that matches nothing).
#include <gtest/gtest.h>

#include "core/graph/graph.h"
#include "layers/softmax_loss.h"
#include "models/freeze.h"
#include "models/registry.h"
#include "test_util.h"

namespace adma::test {
namespace {

std::vector<std::string> sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

TEST(ModelLayers, ConvAndItsBatchNormAreOneLayer) {
  Graph r(Device::cpu());
  models::build(r, r.input("x", Shape{1, 3, 32, 32}), "resnet34", 10);
  const auto layers = models::parameterised_layers(r);
  ASSERT_EQ(layers.size(), 37u);  // 33 convs + fc (ResNet-34's 34) + 3 projection shortcuts
  EXPECT_EQ(layers.front().nodes, (std::vector<std::string>{"conv1", "bn1"}));
  EXPECT_EQ(layers.back().nodes, (std::vector<std::string>{"fc"}));
  EXPECT_EQ(layers[layers.size() - 2].nodes, (std::vector<std::string>{"layer4.2.conv2", "layer4.2.bn2"}));
  bool projection = false;
  for (const auto& l : layers)
    if (l.name == "layer4.0.downsample.0") {
      projection = true;
      EXPECT_EQ(l.nodes, (std::vector<std::string>{"layer4.0.downsample.0", "layer4.0.downsample.1"}));
    }
  EXPECT_TRUE(projection);

  Graph c(Device::cpu());
  models::build(c, c.input("x", Shape{1, 1, 28, 28}), "convnet", 10);
  const auto cl = models::parameterised_layers(c);
  ASSERT_EQ(cl.size(), 7u);
  EXPECT_EQ(cl[0].nodes, (std::vector<std::string>{"block1.conv1", "block1.bn1"}));  // conv -> elu -> bn
  EXPECT_EQ(cl[6].name, "dense");
  Graph nobn(Device::cpu());
  models::build(nobn, nobn.input("x", Shape{1, 1, 28, 28}), "convnet:batchnorm=false", 10);
  EXPECT_EQ(models::parameterised_layers(nobn)[0].nodes, (std::vector<std::string>{"block1.conv1"}));
}

TEST(TrainTop, Resnet34TopFiveIsTheLastTwoBlocksConvsAndFc) {
  Graph g(Device::cpu());
  Value x = g.input("x", Shape{2, 3, 32, 32});
  models::build(g, x, "resnet34", 10);
  const auto sel = models::train_top(g, 5);
  EXPECT_EQ(sel->layers, (std::vector<std::string>{"fc", "layer4.2.conv2", "layer4.2.conv1", "layer4.1.conv2",
                                                   "layer4.1.conv1"}));
  g.build();
  models::check_selection(*sel);
  const std::vector<std::string> want = {
      "fc.weight", "fc.bias", "layer4.2.conv2.weight", "layer4.2.bn2.weight", "layer4.2.bn2.bias",
      "layer4.2.conv1.weight", "layer4.2.bn1.weight", "layer4.2.bn1.bias", "layer4.1.conv2.weight",
      "layer4.1.bn2.weight", "layer4.1.bn2.bias", "layer4.1.conv1.weight", "layer4.1.bn1.weight",
      "layer4.1.bn1.bias"};
  EXPECT_EQ(sorted(sel->trained), sorted(want));
  EXPECT_EQ(sel->trained.size() + sel->frozen.size(), g.parameters().size());
  // Four 3x3 512 -> 512 convs, their four BNs, and fc for 10 classes.
  EXPECT_EQ(g.num_trainable_params(), 4 * 512 * 512 * 9 + 4 * 2 * 512 + 512 * 10 + 10);
  EXPECT_EQ(g.num_params(), 21289802);
  // Backward stops at layer4.1: nothing below it needs a gradient.
  for (int i = 0; i < g.size(); ++i) {
    const Node& n = g.node_at(i);
    const bool above = n.name().rfind("layer4.1.", 0) == 0 || n.name().rfind("layer4.2.", 0) == 0 ||
                       n.name() == "avgpool" || n.name() == "fc";
    EXPECT_EQ(n.requires_grad(), above) << n.name();
  }
  const std::string report = models::training_report(g, *sel);
  EXPECT_NE(report.find("training the top 5 layers: 9,446,410 of 21,289,802 parameters (44.4 %), 14 tensors:"),
            std::string::npos)
      << report;
  EXPECT_NE(report.find("  layer4.1.conv1.weight [512, 512, 3, 3]\n"), std::string::npos) << report;
}

TEST(TrainTop, OutOfRangeIsRefused) {
  Graph g(Device::cpu());
  models::build(g, g.input("x", Shape{1, 1, 28, 28}), "convnet", 10);
  EXPECT_THROW(models::train_top(g, 0), Error);
  try {
    models::train_top(g, 8);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("between 1 and 7"), std::string::npos) << e.what();
  }
  models::train_top(g, 7);  // everything
  g.plan();
  EXPECT_EQ(g.num_trainable_params(), g.num_params());
}

TEST(TrainTop, TheLossParameterIsNotALayer) {
  // A learnable Adma `a` keeps its own rule: the top 1 layer is the Dense, and `a` still trains.
  Graph g(Device::cpu());
  Value x = g.input("x", Shape{2, 1, 28, 28});
  Value y = g.labels("y", 2);
  Value z = models::build(g, x, "convnet", 10);
  layers::SoftmaxLoss::Options lo;
  lo.learnable_a = true;
  g.add<layers::SoftmaxLoss>("loss", {z, y}, lo);
  const auto sel = models::train_top(g, 1);
  g.build();
  std::vector<std::string> trains;
  for (const auto& p : g.parameters())
    if (p.rules.trainable) trains.push_back(p.name);
  EXPECT_EQ(sorted(trains), (std::vector<std::string>{"dense.bias", "dense.weight", "loss.a"}));
  EXPECT_EQ(sorted(sel->trained), (std::vector<std::string>{"dense.bias", "dense.weight"}));
}

TEST(TrainOnly, PatternsSelectByName) {
  Graph g(Device::cpu());
  models::build(g, g.input("x", Shape{1, 3, 32, 32}), "resnet18", 10);
  const auto sel = models::train_only(g, "layer4.*, fc.*");
  g.build();
  models::check_selection(*sel);
  EXPECT_EQ(sel->patterns, (std::vector<std::string>{"layer4.*", "fc.*"}));
  EXPECT_EQ(sel->matched[1], 2);
  for (const auto& p : g.parameters()) {
    const bool want = p.name.rfind("layer4.", 0) == 0 || p.name.rfind("fc.", 0) == 0;
    EXPECT_EQ(p.rules.trainable, want) << p.name;
    EXPECT_EQ(p.grad.defined(), want) << p.name;
  }
  // A typo matches nothing: refused, naming the pattern and what names look like.
  Graph h(Device::cpu());
  models::build(h, h.input("x", Shape{1, 3, 32, 32}), "resnet18", 10);
  const auto bad = models::train_only(h, "layer5.*,fc.*");
  h.plan();
  try {
    models::check_selection(*bad);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("pattern 'layer5.*' matches no parameter of the model (names look like 'conv1.weight')"),
              std::string::npos)
        << e.what();
  }
  Graph k(Device::cpu());
  EXPECT_THROW(models::train_only(k, " , "), Error);
}

TEST(TrainTop, TrainedGradientsAreThoseOfTheWholeModel) {
  // Freezing changes what is computed, never the value of what trains (double precision).
  auto grads = [](bool freeze) {
    Graph g(Device::cpu(), DType::F64, 9);
    Value x = g.input("x", Shape{3, 1, 12, 12});
    Value y = g.labels("y", 3);
    Value z = models::build(g, x, "convnet:filters=4/6,dropout=0", 5);
    layers::SoftmaxLoss::Options lo;
    lo.params.kind = losses::LossKind::CrossEntropy;
    g.add<layers::SoftmaxLoss>("loss", {z, y}, lo);
    if (freeze) models::train_top(g, 2);
    g.build();
    Rng rng(4);
    fill_random(g.value(x), rng);
    g.value(y).copy_from(Tensor::from_host({0, 4, 2}, Shape{3}, DType::I32, Device::cpu()));
    g.zero_grad();
    g.forward();
    g.backward();
    std::map<std::string, Values> out;
    for (const auto& p : g.parameters())
      if (p.grad.defined()) out[p.name] = p.grad.to_host();
    return out;
  };
  const auto top = grads(true), all = grads(false);
  EXPECT_EQ(top.size(), 2u + 4u);  // dense w/b, block2.conv2 w/b, block2.bn2 gamma/beta
  for (const auto& [name, g] : top) {
    ASSERT_EQ(g.size(), all.at(name).size());
    for (size_t i = 0; i < g.size(); ++i) EXPECT_NEAR(g[i], all.at(name)[i], 1e-13 * std::max(1.0, std::fabs(g[i])));
  }
}

}  // namespace
}  // namespace adma::test
