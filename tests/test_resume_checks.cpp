// A checkpoint is checked whole before a resume changes anything (optim/trainer.h,
// Trainer::load): one test per metadata field and tensor rule, each on a file that was
// edited after a real save. Each refusal names the file and the key, and leaves the
// weights, the optimizer (moments, step counter, learning rate) and the Trainer's
// epoch and step exactly as they were.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>

#include "core/graph/checkpoint.h"
#include "data/synthetic.h"
#include "layers/dense.h"
#include "layers/flatten.h"
#include "layers/softmax_loss.h"
#include "optim/trainer.h"
#include "test_util.h"

namespace adma::test {
namespace {

// Flatten -> Dense -> Adma on the synthetic 8x8 problem; a plateau schedule, so the
// checkpoint holds every piece of schedule state.
struct SmallRun {
  Graph g{Device::cpu(), DType::F32, 4};
  Value x, y, loss;
  std::unique_ptr<optim::Trainer> t;
  Tensor std_t = Tensor::from_host({1.5}, Shape{1}, DType::F32, Device::cpu());
  SmallRun() {
    x = g.input("x", Shape{16, 1, 8, 8});
    y = g.labels("y", 16);
    Value f = g.add<layers::Flatten>("flat", {x});
    Value z = g.add<layers::Dense>("fc", {f}, layers::Dense::Options{4, true});
    loss = g.add<layers::SoftmaxLoss>("loss", {z, y}, layers::SoftmaxLoss::Options{});
    g.build();
    optim::TrainerOptions o;
    o.optimizer = optim::OptimizerConfig::parse("adam:lr=0.01");
    o.schedule = optim::ScheduleConfig::parse("plateau:monitor=loss,patience=1,cooldown=2");
    t = std::make_unique<optim::Trainer>(g, x, y, loss, o);
  }
  std::vector<NamedTensor> extra() const { return {{"data.std", std_t, Tensor()}}; }
  // Everything a refused load must leave alone.
  std::vector<Values> snapshot() const {
    std::vector<Values> s;
    for (const auto& p : g.state_dict()) s.push_back(p.value.to_host());
    for (const auto& p : t->optimizer().state_tensors()) s.push_back(p.value.to_host());
    s.push_back({t->optimizer().lr(), static_cast<double>(t->epoch()), static_cast<double>(t->global_step())});
    s.push_back(std_t.to_host());
    return s;
  }
};

// Rewrites a safetensors file: `edit` changes its JSON header (metadata included);
// `poke` may change its data bytes.
void rewrite(const std::string& path, const std::function<void(nlohmann::json&)>& edit,
             const std::function<void(std::string& data, const nlohmann::json& header)>& poke = nullptr) {
  std::ifstream in(path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  uint64_t n = 0;
  for (int i = 0; i < 8; ++i) n |= uint64_t(static_cast<unsigned char>(bytes[i])) << (8 * i);
  nlohmann::json header = nlohmann::json::parse(bytes.substr(8, n));
  std::string data = bytes.substr(8 + n);
  edit(header);
  if (poke) poke(data, header);
  std::string text = header.dump();
  text.append((8 - text.size() % 8) % 8, ' ');
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  for (int i = 0; i < 8; ++i) out.put(static_cast<char>((uint64_t(text.size()) >> (8 * i)) & 0xFF));
  out << text << data;
}

class ResumeChecks : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = ::testing::TempDir() + "adma_resume_checks_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".safetensors";
    SmallRun a;
    data::SyntheticOptions so;
    so.examples = 48;
    data::SyntheticSource src(so);
    a.t->fit(src, nullptr, 2);  // 2 epochs, 6 steps; the plateau has seen two values
    a.t->save(path_, a.extra());
    // The untouched file loads: the checks refuse only what is wrong.
    SmallRun b;
    b.t->load(path_, b.extra());
    EXPECT_EQ(b.t->epoch(), 2);
    EXPECT_EQ(b.t->global_step(), 6);
    std::ifstream in(path_, std::ios::binary);
    pristine_.assign((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  }
  void TearDown() override { std::remove(path_.c_str()); }
  // The checkpoint as saved, before any edit.
  void restore() {
    std::ofstream out(path_, std::ios::binary | std::ios::trunc);
    out << pristine_;
  }

  // Sets metadata `key` to `value` (or removes it) and expects the refusal to name `words`.
  void expect_metadata_refused(const std::string& key, const std::string& value,
                               const std::vector<std::string>& words, bool remove = false) {
    restore();
    rewrite(path_, [&](nlohmann::json& h) {
      if (remove)
        h["__metadata__"].erase(key);
      else
        h["__metadata__"][key] = value;
    });
    expect_refused(words.empty() ? std::vector<std::string>{key} : words, key + "=" + value);
  }

  void expect_refused(const std::vector<std::string>& words, const std::string& what,
                      const CheckpointCheck& check_extra = nullptr) {
    SmallRun b;
    data::SyntheticOptions so;
    so.examples = 16;
    data::SyntheticSource src(so);
    b.t->fit(src, nullptr, 1);  // a state of its own that a refused load must keep
    const auto before = b.snapshot();
    try {
      b.t->load(path_, b.extra(), check_extra);
      ADD_FAILURE() << what << ": loaded";
    } catch (const Error& e) {
      const std::string msg = e.what();
      EXPECT_NE(msg.find(path_), std::string::npos) << what << ": " << msg;
      for (const auto& w : words) EXPECT_NE(msg.find(w), std::string::npos) << what << ": '" << w << "' not in " << msg;
      EXPECT_EQ(msg.find("stoll"), std::string::npos) << msg;
    }
    EXPECT_EQ(b.snapshot(), before) << what << ": a refused checkpoint changed the run";
  }

  std::string path_, pristine_;
};

TEST_F(ResumeChecks, EpochIsAWholeNumberInRange) {
  for (const char* v : {"abc", "", "1abc", "1e3", "2.0", "-1", "+2", " 2", "100001", "99999999999999999999"})
    expect_metadata_refused("trainer.epoch", v, {"trainer.epoch"});
  expect_metadata_refused("trainer.epoch", "", {"trainer.epoch"}, /*remove=*/true);
}

TEST_F(ResumeChecks, GlobalStepIsAWholeNumberEqualToTheStepCounter) {
  for (const char* v : {"x", "-6", "2147483648", "6.5"}) expect_metadata_refused("trainer.global_step", v, {});
  // A number in range that disagrees with the optimizer's own counter (6).
  expect_metadata_refused("trainer.global_step", "7", {"step counter", "7"});
}

TEST_F(ResumeChecks, OptimizerAndScheduleMustBeThisRunsOwn) {
  expect_metadata_refused("optimizer", "sgd:lr=0.01,momentum=0,nesterov=false", {"optimizer", "sgd"});
  expect_metadata_refused("schedule", "constant", {"schedule", "constant"});
}

TEST_F(ResumeChecks, ScheduleStateIsCheckedValueByValue) {
  for (const char* v : {"-1", "1abc", "nan", "inf", "0.5", ""}) expect_metadata_refused("schedule.lr", v, {});
  for (const char* v : {"-1", "1.5", "x"}) expect_metadata_refused("schedule.steps", v, {});
  for (const char* v : {"nan", "x", ""}) expect_metadata_refused("schedule.best", v, {});
  for (const char* v : {"-1", "y"}) expect_metadata_refused("schedule.wait", v, {});
  expect_metadata_refused("schedule.cooldown_left", "3", {"schedule.cooldown_left", "[0, 2]"});  // cooldown is 2
}

TEST_F(ResumeChecks, NonFiniteWeightsAreRefused) {
  for (float bad : {std::nanf(""), INFINITY}) {
    restore();
    rewrite(
        path_, [](nlohmann::json&) {},
        [&](std::string& data, const nlohmann::json& h) {
          const size_t at = h["fc.weight"]["data_offsets"][0].get<size_t>() + 4 * 5;  // element 5
          std::memcpy(&data[at], &bad, 4);
        });
    expect_refused({"fc.weight", "element 5", std::isnan(bad) ? "NaN" : "infinity"}, "a non-finite weight");
  }
}

TEST_F(ResumeChecks, TheCallersCheckOfExtraTensorsRunsBeforeAnythingChanges) {
  rewrite(
      path_, [](nlohmann::json&) {},
      [](std::string& data, const nlohmann::json& h) {
        const float zero = 0;
        std::memcpy(&data[h["data.std"]["data_offsets"][0].get<size_t>()], &zero, 4);
      });
  expect_refused({"std must be > 0"}, "data.std = 0", [&](const std::vector<NamedTensor>& extra) {
    ASSERT_EQ(extra.size(), 1u);
    ADMA_CHECK(extra[0].value.to_host()[0] > 0, "checkpoint ", path_, ": data.std must be > 0");
  });
}

}  // namespace
}  // namespace adma::test
