// The model registry (models/registry.h): spec strings against the table, the ConvNet's
// ablation options (each activation, dropout, window, stride, batch norm) and ResNet-34 in
// torchvision's names; the default spec is the paper's ConvNet node for node.
#include <gtest/gtest.h>

#include <set>

#include "core/graph/graph.h"
#include "models/registry.h"
#include "test_util.h"

namespace adma::test {
namespace {

// Node names, kinds and parameter names/shapes of a graph, in order.
std::vector<std::string> signature(const Graph& g) {
  std::vector<std::string> s;
  for (int i = 0; i < g.size(); ++i) s.push_back(g.node_at(i).name() + ":" + g.node_at(i).kind());
  for (const auto& p : g.parameters()) s.push_back(p.name + p.value.shape().str());
  return s;
}

TEST(ModelRegistry, DefaultSpecIsThePapersConvNetExactly) {
  Graph a(Device::cpu(), DType::F32, 7), b(Device::cpu(), DType::F32, 7);
  Value xa = a.input("x", Shape{2, 1, 28, 28}), xb = b.input("x", Shape{2, 1, 28, 28});
  models::ConvNetOptions o;
  o.l2 = 1e-4;
  models::build_convnet(a, xa, o);
  models::build(b, xb, "convnet:l2=1e-4", 10);
  a.build();
  b.build();
  EXPECT_EQ(signature(a), signature(b));
  EXPECT_EQ(a.param_buffer().to_host(), b.param_buffer().to_host());  // the same initial values
  for (size_t i = 0; i < a.parameters().size(); ++i) EXPECT_EQ(a.parameters()[i].rules.l2, b.parameters()[i].rules.l2);
}

TEST(ModelRegistry, SpecsAreCheckedNamingTheOption) {
  auto message = [](const std::string& spec) {
    try {
      models::parse_model(spec);
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  EXPECT_NE(message("vgg16").find("unknown model 'vgg16' (one of: convnet, resnet34, resnet18)"), std::string::npos);
  EXPECT_NE(message("convnet:activation=tanh").find("activation must be elu, relu"), std::string::npos);
  EXPECT_NE(message("convnet:activation=relu,alpha=0.2").find("alpha is the leaky-relu slope"), std::string::npos);
  EXPECT_NE(message("convnet:pieces=3").find("pieces is maxout's k"), std::string::npos);
  EXPECT_NE(message("convnet:activation=maxout:3,pieces=3").find("give one"), std::string::npos);
  EXPECT_NE(message("convnet:activation=relu:2").find("takes no argument"), std::string::npos);
  EXPECT_NE(message("convnet:activation=maxout:0").find("pieces must be >= 1"), std::string::npos);
  EXPECT_NE(message("convnet:kernel=4").find("kernel must be odd"), std::string::npos);
  EXPECT_NE(message("convnet:dropout=0.1/0.2").find("3 blocks of filters (32/64/128) but 2 dropout rates"),
            std::string::npos);
  EXPECT_NE(message("convnet:dropout=1").find("dropout rate must be in [0, 1)"), std::string::npos);
  EXPECT_NE(message("convnet:window=3").find("has no parameter 'window'"), std::string::npos);
  EXPECT_NE(message("resnet34:input_size=0").find("input_size must be >= 1"), std::string::npos);
  EXPECT_NE(message("resnet34:activation=relu").find("has no parameter 'activation'"), std::string::npos);
  EXPECT_EQ(message("convnet:activation=leaky-relu:0.2"), "accepted");
  EXPECT_EQ(message("convnet:activation=maxout,pieces=3,dropout=0.5"), "accepted");
}

TEST(ModelRegistry, ActivationArgumentIsTheParameter) {
  const auto a = models::convnet_options(models::parse_model("convnet:activation=leaky-relu:0.2"), 10);
  EXPECT_EQ(a.activation, models::Activation::LeakyRelu);
  EXPECT_EQ(a.leaky_alpha, 0.2);
  const auto b = models::convnet_options(models::parse_model("convnet:activation=leaky-relu,alpha=0.2"), 10);
  EXPECT_EQ(b.leaky_alpha, 0.2);
  const auto c = models::convnet_options(models::parse_model("convnet:activation=maxout:3"), 10);
  EXPECT_EQ(c.activation, models::Activation::Maxout);
  EXPECT_EQ(c.maxout_pieces, 3);
  EXPECT_EQ(models::convnet_options(models::parse_model("convnet:activation=leaky-relu"), 10).leaky_alpha, 0.3);
  const auto d = models::convnet_options(models::parse_model("convnet:dropout=0.5"), 10);
  EXPECT_EQ(d.dropout, (std::vector<double>{0.5, 0.5, 0.5}));
}

// Conv parameters of the three blocks for a given activation: maxout's convs have k x filters.
int64_t convnet_params(int64_t pieces, int64_t in_ch, int64_t kernel, int64_t flat, int64_t classes) {
  int64_t n = 0, c = in_ch;
  for (int64_t f : {32, 64, 128})
    for (int i = 0; i < 2; ++i) {
      n += (c * kernel * kernel + 1) * pieces * f + 2 * f;  // conv weight + bias, BN gamma + beta
      c = f;
    }
  return n + flat * classes + classes;
}

TEST(ModelRegistry, EveryActivationBuildsWithItsNodes) {
  struct Case {
    const char* spec;
    const char* node;
    const char* kind;
    int64_t pieces;
  };
  for (const Case& c : {Case{"convnet", "block1.elu1", "Elu", 1}, Case{"convnet:activation=relu", "block1.relu1", "Relu", 1},
                        Case{"convnet:activation=leaky-relu:0.1", "block2.leaky_relu2", "LeakyRelu", 1},
                        Case{"convnet:activation=maxout:3", "block3.maxout1", "Maxout", 3}}) {
    Graph g(Device::cpu());
    Value x = g.input("x", Shape{2, 1, 28, 28});
    Value y = models::build(g, x, c.spec, 10);
    EXPECT_EQ(g.shape(y), Shape({2, 10})) << c.spec;
    bool found = false;
    for (int i = 0; i < g.size(); ++i)
      if (g.node_at(i).name() == c.node) {
        found = true;
        EXPECT_EQ(g.node_at(i).kind(), c.kind);
        // Maxout hands f channels on, from a conv with k f.
        if (c.pieces > 1) {
          EXPECT_EQ(g.node_at(i).input_node(0).out_shape()[1], 3 * 128);
          EXPECT_EQ(g.node_at(i).out_shape()[1], 128);
        }
      }
    EXPECT_TRUE(found) << c.spec << " has no node " << c.node;
    g.plan();
    EXPECT_EQ(g.num_params(), convnet_params(c.pieces, 1, 3, 1152, 10)) << c.spec;
  }
}

TEST(ModelRegistry, WindowStrideDropoutAndBatchNormOptions) {
  {  // a 5x5 window, pool 3 with stride 2: 28 -> 13 -> 6 -> 2
    Graph g(Device::cpu());
    Value x = g.input("x", Shape{2, 1, 28, 28});
    models::build(g, x, "convnet:kernel=5,pool=3,pool_stride=2,batchnorm=false,dropout=0", 10);
    int pools = 0, dropouts = 0, bns = 0;
    for (int i = 0; i < g.size(); ++i) {
      const Node& n = g.node_at(i);
      pools += n.kind() == "MaxPool2d";
      dropouts += n.kind() == "Dropout";
      bns += n.kind() == "BatchNorm2d";
      if (n.name() == "flatten") EXPECT_EQ(n.out_shape(), Shape({2, 128 * 2 * 2}));
      if (n.name() == "block1.conv1") EXPECT_EQ(n.out_shape(), Shape({2, 32, 28, 28}));
    }
    EXPECT_EQ(pools, 3);
    EXPECT_EQ(dropouts, 0);
    EXPECT_EQ(bns, 0);
  }
  {  // conv stride 2 pads (kernel - 1) / 2 per side: 64 -> 32 -> 16, pool 8; 8 -> 4 -> 2, pool 1
    Graph g(Device::cpu());
    Value x = g.input("x", Shape{2, 3, 64, 64});
    models::build(g, x, "convnet:stride=2,filters=8/16,dropout=0", 10);
    for (int i = 0; i < g.size(); ++i) {
      const Node& n = g.node_at(i);
      if (n.name() == "block1.conv1") EXPECT_EQ(n.out_shape(), Shape({2, 8, 32, 32}));
      if (n.name() == "block1.conv2") EXPECT_EQ(n.out_shape(), Shape({2, 8, 16, 16}));
      if (n.name() == "flatten") EXPECT_EQ(n.out_shape(), Shape({2, 16}));
    }
  }
  {  // too many strides for the image: the shape error names the node
    Graph g(Device::cpu());
    Value x = g.input("x", Shape{2, 1, 28, 28});
    try {
      models::build(g, x, "convnet:stride=2", 10);
      FAIL() << "a 28x28 image cannot take six stride-2 convs and three pools";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("node 'block"), std::string::npos) << e.what();
    }
  }
}

TEST(ModelRegistry, InputShapes) {
  EXPECT_EQ(models::input_chw(models::parse_model("convnet"), 1, 28, 28), (std::vector<int64_t>{1, 28, 28}));
  EXPECT_EQ(models::input_chw(models::parse_model("resnet34"), 1, 28, 28), (std::vector<int64_t>{3, 32, 32}));
  EXPECT_EQ(models::input_chw(models::parse_model("resnet34:input_size=224"), 3, 32, 32),
            (std::vector<int64_t>{3, 224, 224}));
  EXPECT_EQ(models::classifier(models::parse_model("resnet34")), "fc");
  EXPECT_EQ(models::classifier(models::parse_model("convnet")), "dense");
  const std::string table = models::describe();
  for (const char* w : {"convnet:", "resnet34:", "activation = elu", "input_size = 32", "pieces = 2"})
    EXPECT_NE(table.find(w), std::string::npos) << w;
}

TEST(ResNet, Resnet34HasTorchvisionsParametersAndBuffers) {
  Graph g(Device::cpu());
  Value x = g.input("x", Shape{1, 3, 32, 32});
  Value y = models::build(g, x, "resnet34", 1000);
  EXPECT_EQ(g.shape(y), Shape({1, 1000}));
  g.build();
  // torchvision.models.resnet34(): 21,797,672 parameters; 110 parameter tensors and 108
  // buffers (running mean and var of 36 BNs, + num_batches_tracked, which adma has not).
  EXPECT_EQ(g.num_params(), 21797672);
  EXPECT_EQ(g.parameters().size(), 110u);
  EXPECT_EQ(g.buffers().size(), 72u);
  std::set<std::string> names;
  for (const auto& t : g.state_dict()) names.insert(t.name);
  for (const char* n : {"conv1.weight", "bn1.weight", "bn1.bias", "bn1.running_mean", "bn1.running_var",
                        "layer1.0.conv1.weight", "layer1.0.bn1.running_mean", "layer1.2.bn2.bias",
                        "layer2.0.downsample.0.weight", "layer2.0.downsample.1.running_var", "layer3.5.conv2.weight",
                        "layer4.2.bn2.weight", "fc.weight", "fc.bias"})
    EXPECT_EQ(names.count(n), 1u) << n;
  EXPECT_EQ(names.count("layer1.0.downsample.0.weight"), 0u);  // layer1 keeps its width and size
  EXPECT_EQ(names.count("conv1.bias"), 0u);                    // torchvision's convs have no bias
  for (const auto& p : g.parameters()) {
    if (p.name == "conv1.weight") EXPECT_EQ(p.value.shape(), Shape({64, 3, 7, 7}));
    if (p.name == "layer2.0.downsample.0.weight") EXPECT_EQ(p.value.shape(), Shape({128, 64, 1, 1}));
    if (p.name == "fc.weight") EXPECT_EQ(p.value.shape(), Shape({1000, 512}));
  }
  // Spatial sizes at 32x32: 16 (conv1), 8 (maxpool), 8, 4, 2, 1.
  for (int i = 0; i < g.size(); ++i) {
    const Node& n = g.node_at(i);
    if (n.name() == "maxpool") EXPECT_EQ(n.out_shape(), Shape({1, 64, 8, 8}));
    if (n.name() == "layer4.2.relu2") EXPECT_EQ(n.out_shape(), Shape({1, 512, 1, 1}));
    if (n.name() == "avgpool") EXPECT_EQ(n.out_shape(), Shape({1, 512}));
  }
}

TEST(ResNet, CpuTrainingStepIsFiniteAndFillsEveryGradient) {
  Graph g(Device::cpu(), DType::F32, 2);
  Value x = g.input("x", Shape{2, 3, 32, 32});
  Value y = models::build(g, x, "resnet18", 10);
  g.build();
  Rng rng(5);
  fill_random(g.value(x), rng);
  g.forward();
  fill_random(g.grad(y), rng);
  g.zero_grad();
  g.backward();
  EXPECT_FALSE(any_nan(g.value(y).to_host()));
  for (const auto& p : g.parameters()) {
    double norm = 0;
    for (double v : p.grad.to_host()) norm += v * v;
    EXPECT_GT(norm, 0.0) << p.name << " got no gradient";
  }
}

TEST(ResNetGPU, ForwardBackwardMatchesCpu) {
  ADMA_REQUIRE_GPU();
  Graph gc(Device::cpu(), DType::F32, 4), gg(Device::cuda(0), DType::F32, 4);
  const Shape in{4, 3, 32, 32};
  Value xc = gc.input("x", in), xg = gg.input("x", in);
  Value yc = models::build(gc, xc, "resnet18", 10), yg = models::build(gg, xg, "resnet18", 10);
  gc.build();
  gg.build();
  Rng rng(fresh_seed());
  const Values xs = random_values(rng, in.numel()), r = random_values(rng, 4 * 10);
  for (Graph* g : {&gc, &gg}) {
    Value x = g == &gc ? xc : xg, y = g == &gc ? yc : yg;
    g->value(x).copy_from(Tensor::from_host(xs, in, DType::F32, Device::cpu()));
    g->forward();
    g->grad(y).copy_from(Tensor::from_host(r, Shape{4, 10}, DType::F32, Device::cpu()));
    g->zero_grad();
    g->backward();
  }
  EXPECT_LE(nmse(gg.value(yg).to_host(), gc.value(yc).to_host()), 1e-6) << "logits";
  for (size_t i = 0; i < gc.parameters().size(); ++i)
    EXPECT_LE(nmse(gg.parameters()[i].grad.to_host(), gc.parameters()[i].grad.to_host()), 1e-5)
        << gc.parameters()[i].name;
}

}  // namespace
}  // namespace adma::test
