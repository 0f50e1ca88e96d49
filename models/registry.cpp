// The model table and the spec -> builder-options translation (models/registry.h).
#include "models/registry.h"

#include <cmath>

#include "core/error.h"

namespace adma::models {

namespace {

constexpr const char* kWhat = "model";

KindInfo resnet_kind(const std::string& name, const std::string& depth, const std::string& blocks) {
  return {name,
          "ResNet-" + depth + " in torchvision's layout and parameter names (BasicBlocks " + blocks +
              "), for torchvision weights converted by scripts/torchvision_to_safetensors.py; grey images are "
              "repeated to 3 channels",
          {{"input_size", "32",
            "side the images are resized to on the device (bilinear). 32: CIFAR's size (MNIST's 28 barely "
            "scaled) and what a CPU can afford; 224 is what ImageNet weights saw, 49x the work"},
           {"bn_momentum", "0.9", "BatchNorm running-average momentum, Keras convention (= PyTorch's 0.1)"},
           {"bn_eps", "1e-5", "BatchNorm epsilon (PyTorch's)"},
           {"l2", "0", "Keras l2 on every conv kernel (the paper's regularisation: 1e-4)"}}};
}

// "leaky-relu:0.2" -> ("leaky-relu", "0.2"); "relu" -> ("relu", "").
std::pair<std::string, std::string> split_activation(const std::string& v) {
  const size_t colon = v.find(':');
  if (colon == std::string::npos) return {v, ""};
  return {v.substr(0, colon), v.substr(colon + 1)};
}

int64_t integer_at_least(const Spec& s, const std::string& name, int64_t min) {
  const int64_t v = s.integer(name);
  ADMA_CHECK(v >= min, kWhat, " '", s.kind, "': ", name, " must be >= ", min, ", got ", v);
  return v;
}

}  // namespace

const std::vector<KindInfo>& model_kinds() {
  static const std::vector<KindInfo> table = {
      {"convnet",
       "the paper's ConvNet (Figure 2): per block conv -> activation -> BN, twice, then max-pool and "
       "dropout; then Flatten -> Dense. The options are the ablations of Section 5",
       {{"activation", "elu", "elu, relu, leaky-relu[:alpha] or maxout[:pieces]"},
        {"alpha", "0.3", "leaky-relu slope for x <= 0 (Keras's default; PyTorch's is 0.01)"},
        {"pieces", "2", "maxout pieces k: each conv has k x filters channels, Maxout keeps the max of each k"},
        {"filters", "32/64/128", "conv filters per block; the number of blocks"},
        {"dropout", "0.2/0.3/0.4", "dropout rate per block, or one rate for every block; 0 leaves it out"},
        {"kernel", "3", "conv window (odd; padding (kernel - 1) / 2 keeps the size at stride 1)"},
        {"stride", "1", "conv stride (above 1: (kernel - 1) / 2 zeros per side, PyTorch's rule)"},
        {"pool", "2", "max-pool window"},
        {"pool_stride", "0", "max-pool stride (0: the window)"},
        {"batchnorm", "true", "BatchNorm after every activation"},
        {"bn_momentum", "0.99", "BatchNorm running-average momentum (Keras)"},
        {"bn_eps", "1e-3", "BatchNorm epsilon (Keras)"},
        {"l2", "0", "Keras l2 on every conv kernel (the paper's regularisation: 1e-4)"}}},
      resnet_kind("resnet34", "34", "3/4/6/3"),
      resnet_kind("resnet18", "18", "2/2/2/2"),
  };
  return table;
}

ConvNetOptions convnet_options(const Spec& s, int64_t classes) {
  ADMA_CHECK(s.kind == "convnet", "convnet_options: the spec is a '", s.kind, "'");
  ConvNetOptions o;
  o.classes = classes;
  const auto [act, arg] = split_activation(s.text("activation"));
  const bool leaky = act == "leaky-relu", maxout = act == "maxout";
  if (act == "elu") o.activation = Activation::Elu;
  else if (act == "relu") o.activation = Activation::Relu;
  else if (leaky) o.activation = Activation::LeakyRelu;
  else if (maxout) o.activation = Activation::Maxout;
  else ADMA_THROW(kWhat, " 'convnet': activation must be elu, relu, leaky-relu[:alpha] or maxout[:pieces], got '",
                  s.text("activation"), "'");
  ADMA_CHECK(arg.empty() || leaky || maxout, kWhat, " 'convnet': activation ", act, " takes no argument, got '",
             s.text("activation"), "'");
  ADMA_CHECK(!s.was_given("alpha") || leaky, kWhat, " 'convnet': alpha is the leaky-relu slope, but activation is ",
             act);
  ADMA_CHECK(!s.was_given("pieces") || maxout, kWhat, " 'convnet': pieces is maxout's k, but activation is ", act);
  ADMA_CHECK(arg.empty() || !(s.was_given("alpha") || s.was_given("pieces")), kWhat, " 'convnet': activation '",
             s.text("activation"), "' and ", leaky ? "alpha" : "pieces", " both set it; give one");
  // The argument of "leaky-relu:0.2" / "maxout:3" is read as the parameter it stands for.
  Spec arg_spec = s;
  if (!arg.empty()) arg_spec.args[leaky ? "alpha" : "pieces"] = arg;
  o.leaky_alpha = arg_spec.number("alpha");
  o.maxout_pieces = integer_at_least(arg_spec, "pieces", 1);
  o.filters.clear();
  for (double f : s.list("filters")) {
    ADMA_CHECK(f == std::floor(f) && f >= 1 && f < 1e9, kWhat, " 'convnet': filters must be whole numbers >= 1, got ",
               s.text("filters"));
    o.filters.push_back(static_cast<int64_t>(f));
  }
  o.dropout = s.list("dropout");
  if (o.dropout.size() == 1) o.dropout.assign(o.filters.size(), o.dropout[0]);
  ADMA_CHECK(o.dropout.size() == o.filters.size(), kWhat, " 'convnet': ", o.filters.size(),
             " blocks of filters (", s.text("filters"), ") but ", o.dropout.size(), " dropout rates (",
             s.text("dropout"), ")");
  o.kernel = integer_at_least(s, "kernel", 1);
  o.stride = integer_at_least(s, "stride", 1);
  o.pool = integer_at_least(s, "pool", 1);
  o.pool_stride = integer_at_least(s, "pool_stride", 0);
  o.batchnorm = s.flag("batchnorm");
  o.bn_momentum = s.number("bn_momentum");
  o.bn_eps = s.number("bn_eps");
  o.l2 = s.number("l2");
  ADMA_CHECK(o.bn_momentum >= 0 && o.bn_momentum <= 1, kWhat, " 'convnet': bn_momentum must be in [0, 1], got ",
             o.bn_momentum);
  ADMA_CHECK(o.bn_eps > 0, kWhat, " 'convnet': bn_eps must be > 0, got ", o.bn_eps);
  ADMA_CHECK(o.l2 >= 0, kWhat, " 'convnet': l2 must be >= 0, got ", o.l2);
  try {
    check_convnet_options(o);
  } catch (const Error& e) {
    ADMA_THROW(kWhat, " '", s.str(), "': ", e.what());
  }
  return o;
}

ResNetOptions resnet_options(const Spec& s, int64_t classes) {
  ResNetOptions o;
  if (s.kind == "resnet34")
    o.blocks = {3, 4, 6, 3};
  else if (s.kind == "resnet18")
    o.blocks = {2, 2, 2, 2};
  else
    ADMA_THROW("resnet_options: the spec is a '", s.kind, "'");
  o.classes = classes;
  o.bn_momentum = s.number("bn_momentum");
  o.bn_eps = s.number("bn_eps");
  o.l2 = s.number("l2");
  ADMA_CHECK(o.bn_momentum >= 0 && o.bn_momentum <= 1, kWhat, " '", s.kind, "': bn_momentum must be in [0, 1], got ",
             o.bn_momentum);
  ADMA_CHECK(o.bn_eps > 0, kWhat, " '", s.kind, "': bn_eps must be > 0, got ", o.bn_eps);
  ADMA_CHECK(o.l2 >= 0, kWhat, " '", s.kind, "': l2 must be >= 0, got ", o.l2);
  check_resnet_options(o);
  return o;
}

Spec parse_model(const std::string& text) {
  Spec s = parse_spec(model_kinds(), kWhat, text);
  if (s.kind == "convnet") {
    convnet_options(s, 1);
  } else {
    resnet_options(s, 1);
    // Every stride-2 stage pads, so any side >= 1 stays >= 1 pixel (32 ends at 1 x 1).
    integer_at_least(s, "input_size", 1);
  }
  return s;
}

std::vector<int64_t> input_chw(const Spec& s, int64_t channels, int64_t height, int64_t width) {
  if (s.kind == "convnet") return {channels, height, width};
  const int64_t side = s.integer("input_size");
  return {3, side, side};
}

Value build(Graph& g, Value input, const Spec& s, int64_t classes) {
  if (s.kind == "convnet") return build_convnet(g, input, convnet_options(s, classes));
  return build_resnet(g, input, resnet_options(s, classes));
}

Value build(Graph& g, Value input, const std::string& spec, int64_t classes) {
  return build(g, input, parse_model(spec), classes);
}

std::string classifier(const Spec& s) { return s.kind == "convnet" ? "dense" : "fc"; }

std::string describe() { return describe_kinds(model_kinds()); }

}  // namespace adma::models
