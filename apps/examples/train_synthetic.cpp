// A whole training program on the library: the paper's ConvNet (small) learns a
// synthetic 4-class image problem with the Adma loss, L2 on the conv kernels, and
// a learnable scaling factor; checkpoints every epoch and resumes from one.
//   build/bin/train_synthetic [epochs=5] [optimizer=adam] [schedule=constant] [cpu|cuda] [checkpoint]
// Optimizer and schedule specs are those of optim/kinds.h, e.g. "sgd:lr=0.05,momentum=0.9".
#include <cstdio>
#include <fstream>
#include <string>

#include "data/synthetic.h"
#include "layers/softmax_loss.h"
#include "models/convnet.h"
#include "optim/trainer.h"

using namespace adma;

int main(int argc, char** argv) try {
  auto arg = [&](int i, const char* fallback) { return std::string(argc > i ? argv[i] : fallback); };
  const int64_t epochs = std::stoll(arg(1, "5"));
  const Device device = arg(4, "cpu") == "cuda" ? Device::cuda(0) : Device::cpu();
  const std::string checkpoint = arg(5, "");

  data::SyntheticOptions so;
  so.examples = 2048;
  so.batch = 32;
  data::SyntheticSource train(so);
  so.examples = 512;
  so.first = 1 << 20;  // held-out examples
  data::SyntheticSource val(so);

  Graph g(device, DType::F32, /*seed=*/1);
  Value x = g.input("x", Shape{so.batch, so.channels, so.height, so.width});
  Value y = g.labels("y", so.batch);
  optim::TrainerOptions to;
  to.optimizer = optim::OptimizerConfig::parse(arg(2, "adam"));
  to.schedule = optim::ScheduleConfig::parse(arg(3, "constant"));

  models::ConvNetOptions net;
  net.classes = so.classes;
  net.filters = {8, 16, 32};
  net.l2 = 1e-4;
  Value logits = models::build_convnet(g, x, net);
  layers::SoftmaxLoss::Options lo;
  lo.params.a = 0.25;
  lo.learnable_a = true;
  lo.a_lr_mult = 1e-4 / to.optimizer.lr;  // a slow `a` (rate 1e-4), kept in [0.1, 0.5]: lowering
  lo.a_min = 0.1;                         // `a` alone lowers the loss (docs/optim.md)
  lo.a_max = 0.5;
  Value loss = g.add<layers::SoftmaxLoss>("loss", {logits, y}, lo);
  g.build();
  optim::Trainer trainer(g, x, y, loss, to);
  if (!checkpoint.empty() && std::ifstream(checkpoint).good()) trainer.load(checkpoint);
  trainer.on_epoch = [&](const optim::EpochReport& r) {
    std::printf("epoch %3lld  loss %.4f  acc %.4f  val_loss %.4f  val_acc %.4f  lr %.3g  a %.4f  %.2fs\n",
                static_cast<long long>(r.epoch + 1), r.train.loss, r.train.accuracy, r.val->loss, r.val->accuracy,
                r.lr, g.parameters().back().value.to_host()[0], r.seconds);
    if (!checkpoint.empty()) trainer.save(checkpoint);
  };
  trainer.fit(train, &val, epochs);
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "train_synthetic: %s\n", e.what());
  return 1;
}
