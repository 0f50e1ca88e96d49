// The whole training program on the library, without the command line: the
// paper's ConvNet learns Fashion-MNIST with the Adma loss (a = 0.2580, Table 1),
// Adam, L2 1e-4 on the conv kernels and the paper's augmentation, then reports
// test accuracy and saves a checkpoint. `adma train` does the same with flags,
// a run folder and a progress bar (apps/run/run_training.cpp).
//   build/bin/train_fashion_mnist [training images, 0 = all] [epochs] [cpu|cuda] [folder of the IDX files]
#include <cstdio>
#include <string>

#include "core/graph/checkpoint.h"
#include "data/datasets.h"
#include "data/image_batches.h"
#include "layers/softmax_loss.h"
#include "models/convnet.h"
#include "optim/trainer.h"

using namespace adma;

int main(int argc, char** argv) try {
  const int64_t limit = argc > 1 ? std::stoll(argv[1]) : 0;
  const int64_t epochs = argc > 2 ? std::stoll(argv[2]) : 5;
  const Device device = argc > 3 && std::string(argv[3]) == "cuda" ? Device::cuda(0) : Device::cpu();
  const int64_t batch = 64;

  // The data from the registry (data/datasets.h), z-scored with the training split's mean and std.
  data::LoadOptions lo;
  lo.train_limit = limit;
  if (argc > 4) lo.dir = argv[4];  // default: /usr/share/datasets/fashion-mnist (dataset-fashion-mnist)
  data::Dataset ds = data::load_dataset("fashion-mnist", lo);
  data::BatchOptions train_opts;
  train_opts.batch_size = batch;
  train_opts.seed = 1;
  train_opts.norm = ds.norm;
  train_opts.augment = ds.info->augment;  // rotation 30 degrees, shifts 0.2 (the paper's preset)
  data::BatchOptions test_opts = train_opts;
  test_opts.shuffle = false;
  test_opts.augment = {};
  data::ImageBatches train(ds.train, train_opts, device), test(ds.test, test_opts, device);

  // The model: input -> ConvNet -> logits -> fused softmax + Adma loss, planned once.
  Graph g(device, DType::F32, /*seed=*/1);
  Value x = g.input("x", Shape{batch, ds.train.channels, ds.train.height, ds.train.width});
  Value y = g.labels("y", batch);
  models::ConvNetOptions net;
  net.classes = ds.train.classes;
  net.l2 = 1e-4;  // Keras' L2 on the conv kernels: a rule of those parameters
  Value logits = models::build_convnet(g, x, net);
  layers::SoftmaxLoss::Options loss_opts;
  loss_opts.params.kind = losses::LossKind::Adma;
  loss_opts.params.a = 0.2580;
  Value loss = g.add<layers::SoftmaxLoss>("loss", {logits, y}, loss_opts);
  g.build();
  std::printf("%s\n", g.summary().c_str());

  // The loop: Adam, each parameter under the rules its layer declared; one fused update per step.
  optim::TrainerOptions to;
  to.optimizer = optim::OptimizerConfig::parse("adam:lr=0.001");
  to.seed = 1;
  optim::Trainer trainer(g, x, y, loss, to);
  trainer.on_epoch = [&](const optim::EpochReport& r) {
    std::printf("epoch %lld: train loss %.4f accuracy %.4f | test loss %.4f accuracy %.4f | %.1f s\n",
                static_cast<long long>(r.epoch + 1), r.train.loss, r.train.accuracy, r.val->loss,
                r.val->accuracy, r.seconds);
    trainer.save("fashion_mnist.safetensors");  // weights, optimizer state, epoch: atomic
  };
  trainer.fit(train, &test, epochs);  // after each epoch: evaluate on `test`, then on_epoch
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "train_fashion_mnist: %s\n", e.what());
  return 1;
}
