// Fine-tuning on the library, without the command line: torchvision's ResNet-34 with
// converted weights (scripts/torchvision_to_safetensors.py) learns Fashion-MNIST with
// only its top layers training (the paper's Section 5: "ResNet-34 with pretrained
// weights, only the top 5 layers trained"). Grey 28x28 images become 3x32x32 inputs in
// the batch kernel (repeated, resized on the device), normalised with ImageNet's
// statistics, as the weights expect; the 1000-class fc is replaced by a fresh 10-class
// one. It prints what trains and what was loaded, trains, and saves a checkpoint.
//   build/bin/finetune_resnet WEIGHTS.safetensors [training images, 0 = all] [epochs]
//                             [top layers | 'layer4.*,fc.*'] [test images, 0 = all] [cpu|cuda]
// docs/models.md walks through it, from a torchvision file to the checkpoint.
#include <cstdio>
#include <string>

#include "core/graph/checkpoint.h"
#include "data/datasets.h"
#include "data/image_batches.h"
#include "layers/softmax_loss.h"
#include "models/freeze.h"
#include "models/registry.h"
#include "models/weights.h"
#include "optim/trainer.h"

using namespace adma;

namespace {
// The first n examples of a split (0: all of it).
data::ImageSet first(const data::ImageSet& s, int64_t n) {
  if (n <= 0 || n >= s.size()) return s;
  data::ImageSet out = s.like();
  for (int64_t i = 0; i < n; ++i) out.append(s, i);
  return out;
}
}  // namespace

int main(int argc, char** argv) try {
  if (argc < 2) {
    std::fprintf(stderr, "usage: finetune_resnet WEIGHTS.safetensors [train images] [epochs] [top layers | patterns] "
                         "[test images] [cpu|cuda]\n");
    return 2;
  }
  const std::string weights = argv[1];
  const int64_t limit = argc > 2 ? std::stoll(argv[2]) : 5000;
  const int64_t epochs = argc > 3 ? std::stoll(argv[3]) : 1;
  const std::string train = argc > 4 ? argv[4] : "5";
  const int64_t test_limit = argc > 5 ? std::stoll(argv[5]) : 2000;
  const Device device = argc > 6 && std::string(argv[6]) == "cuda" ? Device::cuda(0) : Device::cpu();
  const int64_t batch = 64;

  // The model from the registry; its input from the data (3 x input_size^2, grey repeated).
  const Spec spec = models::parse_model("resnet34");
  data::LoadOptions lo;
  lo.train_limit = limit;
  data::Dataset ds = data::load_dataset("fashion-mnist", lo);
  const std::vector<int64_t> chw = models::input_chw(spec, ds.train.channels, ds.train.height, ds.train.width);

  data::BatchOptions train_opts;
  train_opts.batch_size = batch;
  train_opts.seed = 1;
  train_opts.augment = ds.info->augment;  // the paper's preset, applied after the resize
  train_opts.out_channels = static_cast<int32_t>(chw[0]);
  train_opts.out_height = static_cast<int32_t>(chw[1]);
  train_opts.out_width = static_cast<int32_t>(chw[2]);
  train_opts.channel_norm = data::ChannelNormalization::imagenet();  // pretrained weights: ImageNet's statistics
  data::BatchOptions test_opts = train_opts;
  test_opts.shuffle = false;
  test_opts.augment = {};
  const data::ImageSet test_set = first(ds.test, test_limit);
  data::ImageBatches train_batches(ds.train, train_opts, device), test_batches(test_set, test_opts, device);

  Graph g(device, DType::F32, /*seed=*/1);
  Value x = g.input("x", Shape{batch, chw[0], chw[1], chw[2]});
  Value y = g.labels("y", batch);
  Value logits = models::build(g, x, spec, ds.train.classes);
  layers::SoftmaxLoss::Options loss_opts;
  loss_opts.params.a = 0.2580;  // Adma, as Table 1's Fashion-MNIST row
  Value loss = g.add<layers::SoftmaxLoss>("loss", {logits, y}, loss_opts);
  // Freeze before the plan: a number is the top K layers, anything else name patterns.
  const bool top = train.find_first_not_of("0123456789") == std::string::npos;
  const auto sel = top ? models::train_top(g, std::stoll(train)) : models::train_only(g, train);
  g.build();
  models::check_selection(*sel);
  models::WeightsOptions wo;
  wo.classifier = models::classifier(spec);
  std::printf("%s\n", models::load_weights(g, weights, wo).message.c_str());
  std::printf("%s", models::training_report(g, *sel).c_str());

  optim::TrainerOptions to;
  to.optimizer = optim::OptimizerConfig::parse("adam:lr=0.001");
  to.seed = 1;
  optim::Trainer trainer(g, x, y, loss, to);
  trainer.on_epoch = [&](const optim::EpochReport& r) {
    std::printf("epoch %lld: train loss %.4f accuracy %.4f | test loss %.4f accuracy %.4f (%lld images) | %.1f s\n",
                static_cast<long long>(r.epoch + 1), r.train.loss, r.train.accuracy, r.val->loss, r.val->accuracy,
                static_cast<long long>(r.val->examples), r.seconds);
    trainer.save("finetune_resnet.safetensors");  // every tensor, the frozen ones too, and the optimizer state
  };
  trainer.fit(train_batches, &test_batches, epochs);
  std::printf("saved finetune_resnet.safetensors\n");
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "finetune_resnet: %s\n", e.what());
  return 1;
}
