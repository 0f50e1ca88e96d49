// The training loop: the ConvNet learns a small synthetic problem with every
// optimizer; evaluation over a padded last batch counts every example once;
// a saved and restored run continues exactly; a NaN loss stops training with
// its epoch and step; hooks run when they should.
#include <gtest/gtest.h>

#include <cctype>
#include <cstdio>

#include "data/synthetic.h"
#include "layers/softmax_loss.h"
#include "models/convnet.h"
#include "optim/kinds.h"
#include "optim/trainer.h"
#include "test_util.h"

namespace adma::test {
namespace {

// A small ConvNet (8x8 inputs, 4 classes) with the Adma loss, as the paper wires it:
// L2 on the conv kernels; a learnable `a` trains 10x faster than the weights, in [0, 1].
struct Net {
  Graph g;
  Value x, y, z, loss;
  static constexpr double kAMin = 0, kAMax = 1;
  Net(int64_t batch, bool learnable_a = false, std::vector<double> dropout = {0.1, 0.1, 0.1}, double l2 = 1e-4)
      : g(Device::cpu(), DType::F32, 21) {
    x = g.input("x", Shape{batch, 1, 8, 8});
    y = g.labels("y", batch);
    models::ConvNetOptions mo;
    mo.classes = 4;
    mo.filters = {4, 8, 8};
    mo.dropout = dropout;
    mo.l2 = l2;
    z = models::build_convnet(g, x, mo);
    layers::SoftmaxLoss::Options lo;
    lo.params.a = 0.3;
    lo.learnable_a = learnable_a;
    lo.a_lr_mult = 10;
    lo.a_min = kAMin;
    lo.a_max = kAMax;
    loss = g.add<layers::SoftmaxLoss>("loss", {z, y}, lo);
    g.build();
  }
  optim::TrainerOptions options(const std::string& optimizer, const std::string& schedule = "constant") {
    optim::TrainerOptions o;
    o.optimizer = optim::OptimizerConfig::parse(optimizer);
    o.schedule = optim::ScheduleConfig::parse(schedule);
    return o;
  }
};

data::SyntheticOptions problem(int64_t examples, int64_t batch, uint64_t seed = 1, int64_t first = 0) {
  data::SyntheticOptions s;
  s.first = first;
  s.examples = examples;
  s.batch = batch;
  s.classes = 4;
  s.noise = 1.5;
  s.seed = seed;
  return s;
}

class Learns : public ::testing::TestWithParam<const char*> {};

// 8 epochs x 32 steps = 256 steps of batch 16: the loss must at least halve and
// held-out accuracy beat chance (25%) by a wide margin.
TEST_P(Learns, ConvNetLossFallsWithThisOptimizer) {
  Net net(16);
  optim::Trainer t(net.g, net.x, net.y, net.loss, net.options(GetParam()));
  data::SyntheticSource train(problem(512, 16)), val(problem(128, 16, 1, 1 << 20));  // held out
  int steps = 0;
  t.on_step = [&](const optim::StepInfo&) { ++steps; };
  const optim::EpochMetrics before = t.evaluate(val);
  const auto reports = t.fit(train, &val, 8);
  ASSERT_EQ(reports.size(), 8u);
  EXPECT_EQ(steps, 256);
  EXPECT_EQ(t.global_step(), 256);
  const double first = reports.front().train.loss, last = reports.back().train.loss;
  std::printf("[ %s ] train loss %.4f -> %.4f, val loss %.4f -> %.4f, val accuracy %.3f\n", GetParam(), first,
              last, before.loss, reports.back().val->loss, reports.back().val->accuracy);
  EXPECT_LT(last, 0.5 * first);
  EXPECT_LT(reports.back().val->loss, 0.5 * before.loss);
  EXPECT_GT(reports.back().val->accuracy, 0.7);
  EXPECT_EQ(reports.back().val->examples, 128);
}

INSTANTIATE_TEST_SUITE_P(Optimizers, Learns, ::testing::Values("sgd:lr=0.05", "sgd:lr=0.05,momentum=0.9",
                                                         "sgd:lr=0.05,momentum=0.9,nesterov=true", "adam", "adamw"),
                         [](const auto& info) {
                           std::string s = info.param;
                           for (char& ch : s)
                             if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
                           return s;
                         });

TEST(Trainer, EvaluationOverAPaddedLastBatchCountsEveryExampleOnce) {
  // 10 examples in batches of 4: the last batch has 2 real rows and 2 padded (label -1).
  Net padded(4, false, {0, 0, 0}), whole(10, false, {0, 0, 0});
  optim::Trainer tp(padded.g, padded.x, padded.y, padded.loss, padded.options("adam"));
  optim::Trainer tw(whole.g, whole.x, whole.y, whole.loss, whole.options("adam"));
  // Train the padded one a little so the weights are not the initial ones, then copy them over.
  data::SyntheticSource train(problem(40, 4, 7));
  tp.train_epoch(train);
  for (size_t k = 0; k < padded.g.state_dict().size(); ++k) {
    Tensor dst = whole.g.state_dict()[k].value;
    dst.copy_from(padded.g.state_dict()[k].value);
  }
  auto s4 = problem(10, 4, 3), s10 = problem(10, 10, 3);
  s4.shuffle = s10.shuffle = false;
  data::SyntheticSource src4(s4), src10(s10);
  const auto a = tp.evaluate(src4), b = tw.evaluate(src10);
  EXPECT_EQ(a.examples, 10);
  EXPECT_EQ(b.examples, 10);
  EXPECT_NEAR(a.loss, b.loss, 1e-6);
  EXPECT_NEAR(a.accuracy, b.accuracy, 1e-12);
  EXPECT_TRUE(std::isfinite(a.loss));
}

TEST(Trainer, PaddedTrainingBatchCountsRealRowsOnly) {
  // 40 examples in batches of 16: the third batch has 8 real rows and 8 with label -1.
  Net net(16);
  optim::Trainer t(net.g, net.x, net.y, net.loss, net.options("adam"));
  data::SyntheticSource src(problem(40, 16, 2));
  const auto m = t.train_epoch(src);
  EXPECT_EQ(m.examples, 40);
  EXPECT_TRUE(std::isfinite(m.loss)) << m.loss;
  EXPECT_GE(m.accuracy, 0.0);
  EXPECT_LE(m.accuracy, 1.0);
  for (const auto& p : net.g.parameters()) EXPECT_FALSE(any_nan(p.value.to_host())) << p.name;
}

TEST(Trainer, PaddedTrainingBatchWithLearnableAKeepsDlDaFinite) {
  // 40 examples in batches of 16: the epoch's last batch has 8 real rows and 8 padded
  // ones (label -1). The fused loss gives a padded row no loss and no dL/da, so the
  // gradient of `a` from that batch, and `a` after its update, stay finite and in range.
  Net net(16, /*learnable_a=*/true, {0, 0, 0});
  optim::TrainerOptions o = net.options("adam");
  optim::Trainer t(net.g, net.x, net.y, net.loss, o);
  data::SyntheticSource src(problem(40, 16, 4));
  ASSERT_EQ(src.valid_rows(src.batches() - 1), 8);
  const auto m = t.train_epoch(src);
  EXPECT_EQ(m.examples, 40);
  EXPECT_TRUE(std::isfinite(m.loss)) << m.loss;
  auto& loss = dynamic_cast<layers::SoftmaxLoss&>(net.g.node(net.loss));
  const double dlda = loss.dloss_da().to_host()[0];  // from the last, padded batch
  EXPECT_TRUE(std::isfinite(dlda)) << dlda;
  EXPECT_NE(dlda, 0.0);  // the real rows still pull on a
  bool found = false;
  for (const auto& p : net.g.parameters())
    if (p.name == "loss.a") {
      found = true;
      const double a = p.value.to_host()[0], ga = p.grad.to_host()[0];
      EXPECT_TRUE(std::isfinite(ga)) << ga;
      EXPECT_TRUE(std::isfinite(a)) << a;
      EXPECT_GE(a, Net::kAMin);
      EXPECT_LE(a, Net::kAMax);
      EXPECT_NE(a, 0.3);  // it was trained
    }
  EXPECT_TRUE(found);
}

std::vector<std::vector<double>> weights(const Graph& g) {
  std::vector<std::vector<double>> w;
  for (const auto& t : g.state_dict()) w.push_back(t.value.to_host());
  return w;
}

TEST(Trainer, SaveAndRestoreContinueExactly) {
  const std::string path = ::testing::TempDir() + "adma_trainer_resume.safetensors";
  auto make = [](Net& n) {
    auto o = n.options("adam:lr=0.003", "plateau:monitor=loss,patience=1,factor=0.5");
    o.seed = 9;
    return o;
  };
  data::SyntheticSource train(problem(64, 16, 5));
  Net a(16, true);
  optim::Trainer ta(a.g, a.x, a.y, a.loss, make(a));
  int saved = 0;
  ta.on_epoch = [&](const optim::EpochReport& r) {
    if (r.epoch == 1) {
      ta.save(path);
      ++saved;
    }
  };
  const auto ra = ta.fit(train, nullptr, 4);
  ASSERT_EQ(saved, 1);

  Net b(16, true);
  optim::Trainer tb(b.g, b.x, b.y, b.loss, make(b));
  tb.load(path);
  EXPECT_EQ(tb.epoch(), 2);
  EXPECT_EQ(tb.global_step(), 8);
  EXPECT_EQ(tb.optimizer().steps_done(), 8);
  const auto rb = tb.fit(train, nullptr, 4);
  ASSERT_EQ(rb.size(), 2u);
  for (int e = 0; e < 2; ++e) {
    EXPECT_EQ(rb[e].epoch, ra[e + 2].epoch);
    EXPECT_EQ(rb[e].train.loss, ra[e + 2].train.loss) << "epoch " << rb[e].epoch;  // bit for bit
    EXPECT_EQ(rb[e].lr, ra[e + 2].lr);
  }
  const auto wa = weights(a.g), wb = weights(b.g);
  ASSERT_EQ(wa.size(), wb.size());
  for (size_t k = 0; k < wa.size(); ++k) EXPECT_EQ(wa[k], wb[k]) << a.g.state_dict()[k].name;
  const auto sa = ta.optimizer().state_tensors(), sb = tb.optimizer().state_tensors();
  for (size_t k = 0; k < sa.size(); ++k) EXPECT_EQ(sa[k].value.to_host(), sb[k].value.to_host()) << sa[k].name;
  EXPECT_NE(a.g.state_dict().back().value.to_host(), std::vector<double>{0.3});
  std::remove(path.c_str());
}

TEST(Trainer, CheckpointOfAnotherOptimizerIsRefusedClearly) {
  const std::string path = ::testing::TempDir() + "adma_trainer_other.safetensors";
  Net a(16), b(16);
  optim::Trainer ta(a.g, a.x, a.y, a.loss, a.options("adam"));
  ta.save(path);
  optim::Trainer tb(b.g, b.x, b.y, b.loss, b.options("sgd"));
  try {
    tb.load(path);
    FAIL() << "loaded";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("saved with optimizer 'adam:"), std::string::npos) << e.what();
  }
  std::remove(path.c_str());
}

// Puts NaN into one batch of epoch 0.
class PoisonedSource : public data::BatchSource {
 public:
  PoisonedSource(data::SyntheticOptions o, int64_t bad) : inner_(o), bad_(bad) {}
  int64_t examples() const override { return inner_.examples(); }
  int64_t batch_size() const override { return inner_.batch_size(); }
  int64_t batches() const override { return inner_.batches(); }
  void start_epoch(int64_t e) override { inner_.start_epoch(e); }
  void fill(int64_t i, Tensor& x, Tensor& y) override {
    inner_.fill(i, x, y);
    if (i != bad_) return;
    std::vector<double> v = x.to_host();
    v[5] = NAN;
    x.copy_from(Tensor::from_host(v, x.shape(), x.dtype(), Device::cpu()));
  }

 private:
  data::SyntheticSource inner_;
  int64_t bad_;
};

TEST(Trainer, NanLossStopsWithEpochAndStepNamed) {
  Net net(16);
  optim::Trainer t(net.g, net.x, net.y, net.loss, net.options("sgd"));
  PoisonedSource src(problem(128, 16), 3);
  try {
    t.fit(src, nullptr, 2);
    FAIL() << "no divergence reported";
  } catch (const optim::TrainingDiverged& e) {
    EXPECT_EQ(e.epoch, 0);
    EXPECT_EQ(e.step, 4);
    EXPECT_NE(std::string(e.what()).find("epoch 0 (0-based), batch 3 (global step 4)"), std::string::npos)
        << e.what();
  }
}

TEST(Trainer, CheckEveryKStepsStopsBeforeTheEpochEnds) {
  Net net(16);
  auto o = net.options("sgd");
  o.check_every = 2;
  optim::Trainer t(net.g, net.x, net.y, net.loss, o);
  PoisonedSource src(problem(256, 16), 2);
  EXPECT_THROW(t.train_epoch(src), optim::TrainingDiverged);
  EXPECT_EQ(t.global_step(), 4);  // caught at the check after step 4, not at step 16
}

TEST(Trainer, PlateauOnValidationNeedsValidationData) {
  Net net(16);
  optim::Trainer t(net.g, net.x, net.y, net.loss, net.options("adam", "plateau"));
  data::SyntheticSource src(problem(32, 16));
  try {
    t.fit(src, nullptr, 1);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("monitors val_loss but no validation data"), std::string::npos) << e.what();
  }
}

TEST(Trainer, RejectsALossValueThatIsNotALossNode) {
  Net net(16);
  EXPECT_THROW(optim::Trainer(net.g, net.x, net.y, net.z, net.options("adam")), Error);
}

TEST(Trainer, ReportedLossIncludesTheL2Penalty) {
  // Same weights (same seed), same data: the loss with L2 exceeds the loss without by
  // l2 * sum w^2 over the parameters whose rules carry the L2: the six conv kernels.
  Net a(16, false, {0, 0, 0}, /*l2=*/0.5);  // large, so the difference dominates rounding
  Net b(16, false, {0, 0, 0}, /*l2=*/0);
  optim::Trainer ta(a.g, a.x, a.y, a.loss, a.options("sgd"));
  optim::Trainer tb(b.g, b.x, b.y, b.loss, b.options("sgd"));
  data::SyntheticSource src(problem(32, 16));
  const double with = ta.evaluate(src).loss;
  double sum = 0;
  int with_l2 = 0;
  for (const auto& p : a.g.parameters())
    if (p.rules.l2 > 0) {
      EXPECT_NE(p.name.find(".conv"), std::string::npos) << p.name;
      ++with_l2;
      for (double w : p.value.to_host()) sum += w * w;
    }
  EXPECT_EQ(with_l2, 6);
  const double without = tb.evaluate(src).loss;
  EXPECT_NEAR(with - without, 0.5 * sum, 1e-5 * sum);
}

}  // namespace
}  // namespace adma::test
