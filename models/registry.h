// The one table of models: name, help, and every option with its default. The command
// line (`adma models`, --model), the tests and docs/models.md read it, and a model is a
// spec string parsed against it (the grammar of core/spec.h, as the optimizers'):
//   "convnet"                                      the paper's ConvNet (Figure 2)
//   "convnet:activation=relu"                      the ablations of Section 5
//   "convnet:activation=leaky-relu:0.2"            = "convnet:activation=leaky-relu,alpha=0.2"
//   "convnet:activation=maxout:3"                  = "convnet:activation=maxout,pieces=3"
//   "convnet:dropout=0.5"                          one rate for every block (or 0.1/0.2/0.3)
//   "convnet:kernel=5,stride=1,pool=3,pool_stride=2,batchnorm=false"
//   "resnet34"  "resnet34:input_size=64"           torchvision's ResNet-34 (models/resnet.h)
// parse_model() checks the whole spec (values, and options that do not fit together,
// such as alpha with activation=relu), so a bad spec fails before any work, naming the option.
#pragma once
#include <string>
#include <vector>

#include "core/graph/graph.h"
#include "core/spec.h"
#include "models/convnet.h"
#include "models/resnet.h"

namespace adma::models {

const std::vector<KindInfo>& model_kinds();

// Parses and checks a model spec ("convnet:activation=relu").
Spec parse_model(const std::string& text);

// The builder options a spec stands for, for `classes` classes.
ConvNetOptions convnet_options(const Spec& spec, int64_t classes);
ResNetOptions resnet_options(const Spec& spec, int64_t classes);

// The model's input [C, H, W] for images of [channels, height, width]: the images as they
// are for the ConvNet; 3 channels (grey repeated) at input_size x input_size for a ResNet.
// The data side (data/image_batches.h: BatchOptions::out_*) resizes and repeats to it.
std::vector<int64_t> input_chw(const Spec& spec, int64_t channels, int64_t height, int64_t width);

// Adds the model to `g` on top of `input` ([N, C, H, W], as input_chw says); returns the logits.
Value build(Graph& g, Value input, const Spec& spec, int64_t classes);
Value build(Graph& g, Value input, const std::string& spec, int64_t classes);

// The name of the classifier node ("dense", "fc"): what models::load_weights replaces
// when the class count differs, and the top layer models/freeze.h counts first.
std::string classifier(const Spec& spec);

// The table as `adma models` prints it.
std::string describe();

}  // namespace adma::models
