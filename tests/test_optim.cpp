// Optimizers against their formulas, computed here in double on small quadratic
// problems f(w) = 1/2 sum c_i (w_i - target_i)^2 (gradient c (w - target)):
// SGD (plain, momentum, Nesterov), Adam, AdamW; Keras L2 on chosen parameters only
// (gradient and penalty); each schedule's learning-rate sequence; the learnable
// Adma `a` (own lr, clamp); the kind tables and spec errors.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "core/graph/checkpoint.h"
#include "kernels/training_metrics.h"
#include "optim/kinds.h"
#include "optim/optimizer.h"
#include "optim_problem.h"
#include "test_util.h"

namespace adma::test {
namespace {

using optim::OptimizerConfig;
using optim::ScheduleConfig;

// The quadratic's curvature and minimum for element i of a parameter.
double curv(size_t i) { return 0.5 + 0.25 * static_cast<double>(i % 5); }
double target(size_t i) { return 0.3 - 0.1 * static_cast<double>(i % 7); }

struct Ref {  // one parameter's reference state
  std::vector<double> w, m, v;
};

// Runs `steps` updates of the optimizer on the quadratic and, in lockstep, `update`
// (the formula under test) on a reference copy; compares every parameter each step.
template <typename F>
void run_against_formula(OptimProblem& p, optim::Optimizer& opt, int steps, F update, double tol = 1e-12) {
  std::map<std::string, Ref> ref;
  for (const auto& n : p.names()) {
    ref[n].w = p.value(n);
    ref[n].m.assign(ref[n].w.size(), 0.0);
    ref[n].v.assign(ref[n].w.size(), 0.0);
  }
  for (int t = 1; t <= steps; ++t) {
    for (auto& [name, r] : ref) {
      std::vector<double> g(r.w.size());
      for (size_t i = 0; i < g.size(); ++i) g[i] = curv(i) * (r.w[i] - target(i));
      p.set_grad(name, g);
      for (size_t i = 0; i < g.size(); ++i) update(name, t, r.w[i], r.m[i], r.v[i], g[i]);
    }
    opt.step();
    for (const auto& [name, r] : ref) {
      const auto got = p.value(name);
      for (size_t i = 0; i < got.size(); ++i)
        ASSERT_NEAR(got[i], r.w[i], tol * std::max(1.0, std::fabs(r.w[i]))) << name << "[" << i << "] step " << t;
    }
  }
  EXPECT_EQ(opt.steps_done(), steps);
}

TEST(Optimizer, SgdIsKerasPlainUpdate) {
  OptimProblem p;
  auto c = OptimizerConfig::parse("sgd");
  EXPECT_EQ(c.lr, 0.01);  // Keras default
  optim::Optimizer opt(p.g, c);
  run_against_formula(p, opt, 5, [&](const std::string&, int, double& w, double&, double&, double g) {
    w -= 0.01 * g;
  });
}

TEST(Optimizer, SgdMomentumIsKerasVelocity) {
  OptimProblem p;
  optim::Optimizer opt(p.g, OptimizerConfig::parse("sgd:lr=0.05,momentum=0.9"));
  run_against_formula(p, opt, 6, [&](const std::string&, int, double& w, double& vel, double&, double g) {
    vel = 0.9 * vel - 0.05 * g;
    w += vel;
  });
}

TEST(Optimizer, SgdNesterovIsKerasLookAhead) {
  OptimProblem p;
  optim::Optimizer opt(p.g, OptimizerConfig::parse("sgd:lr=0.05,momentum=0.8,nesterov=true"));
  run_against_formula(p, opt, 6, [&](const std::string&, int, double& w, double& vel, double&, double g) {
    vel = 0.8 * vel - 0.05 * g;
    w += 0.8 * vel - 0.05 * g;
  });
}

TEST(Optimizer, AdamIsKeras2WithEpsilonOutsideTheRoot) {
  OptimProblem p;
  auto c = OptimizerConfig::parse("adam");
  EXPECT_EQ(c.lr, 1e-3);
  EXPECT_EQ(c.beta1, 0.9);
  EXPECT_EQ(c.beta2, 0.999);
  EXPECT_EQ(c.epsilon, 1e-7);
  optim::Optimizer opt(p.g, c);
  run_against_formula(p, opt, 6, [&](const std::string&, int t, double& w, double& m, double& v, double g) {
    const double lr_t = 1e-3 * std::sqrt(1 - std::pow(0.999, t)) / (1 - std::pow(0.9, t));
    m = 0.9 * m + 0.1 * g;
    v = 0.999 * v + 0.001 * g * g;
    w -= lr_t * m / (std::sqrt(v) + 1e-7);
  });
}

TEST(Optimizer, AdamWDecaysEveryWeightDecoupledFromTheMoments) {
  OptimProblem p;
  auto c = OptimizerConfig::parse("adamw:lr=0.01,weight_decay=0.1,epsilon=1e-3");
  optim::Optimizer opt(p.g, c);
  run_against_formula(p, opt, 5, [&](const std::string&, int t, double& w, double& m, double& v, double g) {
    const double lr_t = 0.01 * std::sqrt(1 - std::pow(0.999, t)) / (1 - std::pow(0.9, t));
    w -= 0.01 * 0.1 * w;  // the gradient g was taken at the weight before the decay
    m = 0.9 * m + 0.1 * g;
    v = 0.999 * v + 0.001 * g * g;
    w -= lr_t * m / (std::sqrt(v) + 1e-3);
  });
}

TEST(Optimizer, L2IsCoupledAndOnlyOnTheParametersThatDeclareIt) {
  ProblemRules r;
  r.fc_l2 = 0.05;  // Dense::Options::l2: the weight's rule, not the bias's
  OptimProblem p(Device::cpu(), DType::F64, false, r);
  optim::Optimizer opt(p.g, OptimizerConfig::parse("adam:lr=0.01"));
  // Penalty of the weights the step reads: l2 * sum w^2 over fc.weight only.
  const auto w0 = p.value("fc.weight");
  double sum = 0;
  for (double w : w0) sum += w * w;
  run_against_formula(p, opt, 1, [&](const std::string& name, int t, double& w, double& m, double& v, double g) {
    if (name == "fc.weight") g += 2 * 0.05 * w;  // Keras: d(l2 w^2)/dw joins the gradient, moments included
    const double lr_t = 0.01 * std::sqrt(1 - std::pow(0.999, t)) / (1 - std::pow(0.9, t));
    m = 0.9 * m + 0.1 * g;
    v = 0.999 * v + 0.001 * g * g;
    w -= lr_t * m / (std::sqrt(v) + 1e-7);
  });
  EXPECT_NEAR(opt.penalty().to_host()[0], 0.05 * sum, 1e-15);
  // compute_penalty() reports the current weights.
  opt.compute_penalty();
  double now = 0;
  for (double w : p.value("fc.weight")) now += w * w;
  EXPECT_NEAR(opt.penalty().to_host()[0], 0.05 * now, 1e-15);
  EXPECT_NE(now, sum);
}

TEST(Optimizer, ImpossibleRulesAreRefusedNamingTheParameter) {
  // Each bad rule fails where the graph takes it (build), naming the parameter and the rule.
  const std::vector<std::pair<std::function<void(ParamRules&)>, std::string>> bad = {
      {[](ParamRules& r) { r.l2 = -1e-4; }, "L2 coefficient"},
      {[](ParamRules& r) { r.l2 = std::nan(""); }, "L2 coefficient"},
      {[](ParamRules& r) { r.lr_mult = -1; }, "learning-rate multiplier"},
      {[](ParamRules& r) { r.decay_mult = INFINITY; }, "weight-decay multiplier"},
      {[](ParamRules& r) { r.clamp = true, r.lo = 0.5, r.hi = 0.4; }, "clamp range"},
  };
  for (const auto& [change, words] : bad) {
    ProblemRules r;
    r.overrides = [&](const std::string& name, ParamRules& rules) {
      if (name == "fc.bias") change(rules);
    };
    try {
      OptimProblem p(Device::cpu(), DType::F64, false, r);
      FAIL() << words << ": no error";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("fc.bias"), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find(words), std::string::npos) << e.what();
    }
  }
  // The loss node's own range for a is checked where it is constructed.
  layers::SoftmaxLoss::Options o;
  o.learnable_a = true;
  o.a_min = 0.5;
  o.a_max = 0.4;
  EXPECT_THROW(layers::SoftmaxLoss{o}, Error);
  o.a_max = 0.6;
  o.a_lr_mult = -1;
  EXPECT_THROW(layers::SoftmaxLoss{o}, Error);
}

TEST(Optimizer, NothingToTrainIsAnError) {
  ProblemRules r;
  r.overrides = [](const std::string&, ParamRules& rules) { rules.trainable = false; };
  OptimProblem p(Device::cpu(), DType::F64, false, r);
  EXPECT_FALSE(p.g.grad_buffer().defined());
  try {
    optim::Optimizer opt(p.g, OptimizerConfig::parse("sgd"));
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("no trainable parameter"), std::string::npos) << e.what();
  }
}

TEST(Optimizer, LearningRateMultiplierScalesOneParameter) {
  ProblemRules r;
  r.overrides = [](const std::string& name, ParamRules& rules) {
    if (name == "fc.bias") rules.lr_mult = 0.25;
  };
  OptimProblem p(Device::cpu(), DType::F64, false, r);
  optim::Optimizer opt(p.g, OptimizerConfig::parse("sgd:lr=0.1"));
  run_against_formula(p, opt, 3, [&](const std::string& name, int, double& w, double&, double&, double g) {
    w -= (name == "fc.bias" ? 0.025 : 0.1) * g;
  });
}

// A frozen parameter has no gradient buffer, no optimizer state and no L2, and stays put;
// the trainable ones form the buffer the update covers.
TEST(Optimizer, FrozenParameterHasNoGradientNoStateAndDoesNotMove) {
  ProblemRules r;
  r.fc_l2 = 0.05;
  r.overrides = [](const std::string& name, ParamRules& rules) {
    if (name == "fc.weight") rules.trainable = false;
  };
  OptimProblem p(Device::cpu(), DType::F64, false, r);
  EXPECT_FALSE(p.param("fc.weight").grad.defined());
  EXPECT_TRUE(p.param("fc.bias").grad.defined());
  EXPECT_EQ(p.g.num_params(), 16);
  EXPECT_EQ(p.g.num_trainable_params(), 4);
  // The trainable prefix of the parameter buffer is exactly as long as the gradient buffer.
  EXPECT_EQ(p.g.trainable_buffer().numel(), p.g.grad_buffer().numel());
  EXPECT_LT(p.g.grad_buffer().numel(), p.g.param_buffer().numel());
  EXPECT_EQ(p.param("fc.bias").value.byte_offset() - p.g.param_buffer().byte_offset(),
            p.param("fc.bias").grad.byte_offset() - p.g.grad_buffer().byte_offset());
  optim::Optimizer opt(p.g, OptimizerConfig::parse("adam:lr=0.01"));
  for (const auto& t : opt.state_tensors())
    if (t.name == "optimizer.m" || t.name == "optimizer.v") EXPECT_EQ(t.value.numel(), p.g.grad_buffer().numel());
  const auto w0 = p.value("fc.weight"), b0 = p.value("fc.bias");
  p.set_grad("fc.bias", {1, -1, 2, 0.5});
  opt.step();
  EXPECT_EQ(p.value("fc.weight"), w0);
  EXPECT_NE(p.value("fc.bias"), b0);
  EXPECT_EQ(opt.penalty().to_host()[0], 0.0) << "a frozen weight carries no L2";
}

// With g = 1 everywhere, plain SGD moves each weight by exactly -lr(t): the kernel's
// schedule can be read off the weights.
std::vector<double> lr_sequence(const std::string& schedule, int steps, std::vector<int> epoch_starts = {},
                                std::vector<double> epoch_metrics = {}) {
  OptimProblem p;
  optim::Optimizer opt(p.g, OptimizerConfig::parse("sgd:lr=0.1"), ScheduleConfig::parse(schedule));
  std::vector<double> lrs;
  size_t e = 0;  // the next epoch to begin
  for (int t = 1; t <= steps; ++t) {
    if (e < epoch_starts.size() && epoch_starts[e] == t) {
      if (e > 0 && e - 1 < epoch_metrics.size()) opt.end_epoch(epoch_metrics[e - 1]);
      opt.begin_epoch(static_cast<int64_t>(e));
      ++e;
    }
    p.set_grad("fc.bias", std::vector<double>(4, 1.0));
    p.set_grad("fc.weight", std::vector<double>(12, 1.0));
    const double before = p.value("fc.bias")[0];
    opt.step();
    lrs.push_back(before - p.value("fc.bias")[0]);
    EXPECT_NEAR(lrs.back(), opt.schedule().lr_at_step(t), 1e-15) << schedule << " step " << t;
  }
  return lrs;
}

void expect_seq(const std::vector<double>& got, const std::vector<double>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) EXPECT_NEAR(got[i], want[i], 1e-14) << "step " << i + 1;
}

TEST(Schedule, ConstantKeepsTheLearningRate) { expect_seq(lr_sequence("constant", 3), {0.1, 0.1, 0.1}); }

TEST(Schedule, KerasTimeDecayUsesIterationsBeforeTheUpdate) {
  std::vector<double> want;
  for (int t = 1; t <= 5; ++t) want.push_back(0.1 / (1 + 0.5 * (t - 1)));
  expect_seq(lr_sequence("time:decay=0.5", 5), want);
}

TEST(Schedule, CosineAnnealsToMinLrAndStays) {
  std::vector<double> want;
  for (int t = 1; t <= 7; ++t)
    want.push_back(0.01 + (0.1 - 0.01) * 0.5 * (1 + std::cos(M_PI * std::min(t - 1, 4) / 4.0)));
  expect_seq(lr_sequence("cosine:steps=4,min_lr=0.01", 7), want);
}

TEST(Schedule, StepMultipliesAtTheGivenEpochs) {
  // Epochs of 2 steps starting at steps 1, 3, 5, 7; multiply by 0.5 at epochs 1 and 3.
  expect_seq(lr_sequence("step:epochs=1/3,factor=0.5", 8, {1, 3, 5, 7}),
             {0.1, 0.1, 0.05, 0.05, 0.05, 0.05, 0.025, 0.025});
}

TEST(Schedule, PlateauFollowsKerasReduceLROnPlateau) {
  // Keras semantics with patience 2, factor 0.5, cooldown 1, min_lr 0.03, min_delta 0.01.
  auto c = ScheduleConfig::parse("plateau:monitor=loss,patience=2,factor=0.5,cooldown=1,min_lr=0.03,min_delta=0.01");
  optim::Schedule s(c, 0.1);
  const std::vector<double> metric = {1.0, 0.995, 0.99, 0.5, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6};
  // 1.0 best; 0.995 not better by 0.01 (wait 1); 0.99 (wait 2 -> lr 0.05, cooldown 1);
  // 0.5 better (cooldown ends, best); 0.6 wait 1; 0.6 wait 2 -> 0.025 -> clipped to min_lr 0.03;
  // then cooldown epoch; wait 1; wait 2 but lr == min_lr: stays.
  const std::vector<double> want = {0.1, 0.1, 0.05, 0.05, 0.05, 0.03, 0.03, 0.03, 0.03, 0.03};
  for (size_t e = 0; e < metric.size(); ++e) {
    s.end_epoch(metric[e]);
    EXPECT_NEAR(s.lr(), want[e], 1e-15) << "after epoch " << e;
  }
  // Accuracy: higher is better.
  optim::Schedule acc(ScheduleConfig::parse("plateau:monitor=val_accuracy,patience=1,factor=0.1"), 1.0);
  EXPECT_TRUE(acc.monitors_validation());
  acc.end_epoch(0.5);
  EXPECT_EQ(acc.lr(), 1.0);
  acc.end_epoch(0.6);
  EXPECT_EQ(acc.lr(), 1.0);
  acc.end_epoch(0.6);
  EXPECT_NEAR(acc.lr(), 0.1, 1e-15);
}

TEST(Schedule, PlateauWritesTheDeviceSlotBetweenSteps) {
  expect_seq(lr_sequence("plateau:monitor=loss,patience=1,factor=0.5", 6, {1, 3, 5}, {1.0, 2.0, 3.0}),
             {0.1, 0.1, 0.1, 0.1, 0.05, 0.05});
}

TEST(LearnableA, OwnLearningRateAndClampedRange) {
  ProblemRules r;
  r.a_lr_mult = 20;  // 0.2 at the optimizer's 0.01
  r.a_min = 0.1;
  r.a_max = 0.45;
  OptimProblem p(Device::cpu(), DType::F64, true, r);
  optim::Optimizer opt(p.g, OptimizerConfig::parse("sgd:lr=0.01"));
  EXPECT_EQ(p.value("loss.a")[0], 0.5);
  // dL/da = -0.2 -> a rises by lr_a * 0.2 = 0.04 per step... but starts above the range: clamped.
  p.set_grad("loss.a", {-0.2});
  opt.step();
  EXPECT_EQ(p.value("loss.a")[0], 0.45);
  p.set_grad("loss.a", {0.5});
  opt.step();
  EXPECT_NEAR(p.value("loss.a")[0], 0.45 - 0.2 * 0.5, 1e-15);  // its own lr, not 0.01
  p.set_grad("loss.a", {10.0});
  opt.step();
  EXPECT_EQ(p.value("loss.a")[0], 0.1);
}

TEST(LearnableA, GradientComesFromTheLossNode) {
  OptimProblem p(Device::cpu(), DType::F64, true);
  p.g.value(p.x).copy_from(Tensor::from_host({0.5, -1, 2, 1, 0.3, -0.2}, Shape{2, 3}, DType::F64, Device::cpu()));
  p.g.value(p.y).copy_from(Tensor::from_host({1, 3}, Shape{2}, DType::I32, Device::cpu()));
  optim::Optimizer opt(p.g, OptimizerConfig::parse("sgd:lr=0.1"));
  p.g.zero_grad();
  p.g.forward();
  p.g.backward();
  const double dlda = p.param("loss.a").grad.to_host()[0];
  EXPECT_NE(dlda, 0.0);
  opt.step();
  EXPECT_NEAR(p.value("loss.a")[0], 0.5 - 0.1 * dlda, 1e-15);
}

TEST(Kinds, TablesDriveParsingAndDefaults) {
  for (const auto& k : optim::optimizer_kinds()) {
    const auto c = OptimizerConfig::parse(k.name);
    for (const auto& prm : k.params)
      if (prm.name == "lr") EXPECT_EQ(c.lr, std::stod(prm.default_value)) << k.name;
  }
  for (const auto& k : optim::schedule_kinds()) {
    bool required = false;
    for (const auto& prm : k.params) required = required || prm.default_value.empty();
    if (!required) {
      EXPECT_NO_THROW(ScheduleConfig::parse(k.name)) << k.name;
    } else {
      EXPECT_THROW(ScheduleConfig::parse(k.name), Error) << k.name;
    }
  }
  EXPECT_EQ(OptimizerConfig::parse("adamw").weight_decay, 0.01);
  EXPECT_NE(optim::describe(optim::optimizer_kinds()).find("nesterov"), std::string::npos);
}

TEST(Kinds, BadSpecsSayWhatIsWrong) {
  auto message = [](auto f) {
    try {
      f();
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(message([] { OptimizerConfig::parse("rmsprop"); }).find("one of: sgd, adam, adamw"), std::string::npos);
  EXPECT_NE(message([] { OptimizerConfig::parse("adam:beta1=1.5"); }).find("Adam beta1 must be in [0, 1), got 1.5"),
            std::string::npos);
  EXPECT_NE(message([] { OptimizerConfig::parse("sgd:momentun=0.9"); }).find("no parameter 'momentun'"),
            std::string::npos);
  EXPECT_NE(message([] { OptimizerConfig::parse("sgd:lr=fast"); }).find("lr must be a number"), std::string::npos);
  EXPECT_NE(message([] { ScheduleConfig::parse("step"); }).find("needs epochs"), std::string::npos);
  EXPECT_NE(message([] { ScheduleConfig::parse("plateau:monitor=val_acc"); }).find("monitor must be"),
            std::string::npos);
  EXPECT_NE(message([] { OptimizerConfig::parse("sgd:nesterov=true"); }).find("Nesterov SGD needs a momentum"),
            std::string::npos);
}

TEST(Optimizer, Float32MatchesTheDoubleFormulaClosely) {
  OptimProblem p(Device::cpu(), DType::F32);
  optim::Optimizer opt(p.g, OptimizerConfig::parse("adam:lr=0.01"));
  run_against_formula(
      p, opt, 4,
      [&](const std::string&, int t, double& w, double& m, double& v, double g) {
        const double lr_t = 0.01 * std::sqrt(1 - std::pow(0.999, t)) / (1 - std::pow(0.9, t));
        m = 0.9 * m + 0.1 * g;
        v = 0.999 * v + 0.001 * g * g;
        w -= lr_t * m / (std::sqrt(v) + 1e-7);
      },
      1e-5);
}


// Optimizer state through a checkpoint file: a restored optimizer takes the same
// next steps, bit for bit (velocity, step counter for the time decay, lr slot).
TEST(Optimizer, CheckpointRoundTripGivesIdenticalNextSteps) {
  const std::string path = ::testing::TempDir() + "adma_optimizer_state.safetensors";
  auto grads = [](OptimProblem& p, int step) {
    for (const auto& n : p.names()) {
      std::vector<double> g(p.value(n).size());
      for (size_t i = 0; i < g.size(); ++i) g[i] = std::sin(1.0 + i + 7.0 * step);
      p.set_grad(n, g);
    }
  };
  const auto cfg = OptimizerConfig::parse("sgd:lr=0.1,momentum=0.9,nesterov=true");
  const auto sched = ScheduleConfig::parse("time:decay=0.2");
  OptimProblem a;
  optim::Optimizer oa(a.g, cfg, sched);
  for (int s = 0; s < 3; ++s) {
    grads(a, s);
    oa.step();
  }
  std::vector<NamedTensor> ta = a.g.state_dict();
  for (auto& t : oa.state_tensors()) ta.push_back(t);
  save_checkpoint(path, ta, oa.state_metadata());
  for (int s = 3; s < 6; ++s) {
    grads(a, s);
    oa.step();
  }

  OptimProblem b;
  optim::Optimizer ob(b.g, cfg, sched);
  std::vector<NamedTensor> tb = b.g.state_dict();
  for (auto& t : ob.state_tensors()) tb.push_back(t);
  ob.restore_metadata(ob.check_metadata(read_checkpoint_metadata(path), path));
  load_checkpoint(path, tb);
  EXPECT_EQ(ob.steps_done(), 3);
  for (int s = 3; s < 6; ++s) {
    grads(b, s);
    ob.step();
  }
  for (const auto& n : a.names()) EXPECT_EQ(a.value(n), b.value(n)) << n;
  EXPECT_EQ(ob.state_tensors()[0].value.to_host(), oa.state_tensors()[0].value.to_host());
  std::remove(path.c_str());
}


// docs/optim.md lists every kind of both tables with every default, so the page
// cannot drift from the tables it documents.
TEST(Kinds, DocsListEveryKindAndDefault) {
  std::ifstream f(std::string(ADMA_SOURCE_DIR) + "/docs/optim.md");
  ASSERT_TRUE(f.good()) << "cannot read docs/optim.md";
  std::stringstream ss;
  ss << f.rdbuf();
  const std::string doc = ss.str();
  for (const auto* table : {&optim::optimizer_kinds(), &optim::schedule_kinds()})
    for (const auto& k : *table) {
      EXPECT_NE(doc.find("`" + k.name + "`"), std::string::npos) << k.name;
      for (const auto& p : k.params) {
        const std::string entry = p.default_value.empty() ? "`" + p.name + "` (required" : p.name + "=" + p.default_value;
        EXPECT_NE(doc.find(entry), std::string::npos) << k.name << ": " << entry;
      }
    }
}

// The epoch accumulator: the fused loss gives an ignored row (label -1) loss 0, so every
// loss is summed and only the rows not ignored are counted; any other non-finite loss
// (a bad label) is kept in the sum and records the step.
TEST(Metrics, SumsEveryLossCountsRowsNotIgnoredAndRecordsTheFirstNonFiniteStep) {
  const Device d = Device::cpu();
  Context& ctx = Context::get(d);
  Tensor ps = Tensor::from_host({1.0, 0.0, 2.0, 0.5}, Shape{4}, DType::F32, d);
  Tensor y = Tensor::from_host({0, -1, 1, 2}, Shape{4}, DType::I32, d);
  Tensor correct = Tensor::from_host({2}, Shape{1}, DType::F32, d);
  Tensor pen = Tensor::from_host({0.25}, Shape{1}, DType::F64, d);
  Tensor step = Tensor::from_host({5}, Shape{1}, DType::I32, d);
  Tensor acc = Tensor::from_host({0, 0, 0, 0}, Shape{4}, DType::F64, d);
  kernels::accumulate_metrics(ctx, ps, y, correct, pen, step, acc);
  std::vector<double> a = acc.to_host();
  EXPECT_DOUBLE_EQ(a[0], 3.5 + 0.25 * 3);
  EXPECT_EQ(a[1], 2);
  EXPECT_EQ(a[2], 3);
  EXPECT_EQ(a[3], 0);
  Tensor bad = Tensor::from_host({1.0, NAN, 2.0, 0.5}, Shape{4}, DType::F32, d);
  Tensor bad_y = Tensor::from_host({0, 7, 1, 2}, Shape{4}, DType::I32, d);  // 7: a bad label, NaN loss
  kernels::accumulate_metrics(ctx, bad, bad_y, correct, Tensor(), step, acc);
  a = acc.to_host();
  EXPECT_EQ(a[2], 7);
  EXPECT_EQ(a[3], 5);
}

}  // namespace
}  // namespace adma::test
