// Data parallelism in one process: the launcher rules, the communicator factory's
// choices and refusals, NCCL's id through a shared file, the shards of every batch
// (together exactly the single-process batch, padding included), and a Trainer with
// the single-process communicator equal to one without. The two-process proof runs
// under mpirun (tests/mpi/data_parallel_check.cpp, label mpi); the NCCL path inside the
// captured step runs on a GPU (DataParallelGPU).
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <thread>
#include <unistd.h>

#include "augment_cases.h"
#include "data/image_batches.h"
#include "data/synthetic.h"
#include "layers/softmax_loss.h"
#include "models/convnet.h"
#include "optim/trainer.h"
#include "parallel/id_file.h"
#include "parallel/launch.h"
#include "parallel/make_communicator.h"
#include "parallel/mpi_communicator.h"
#include "parallel/nccl_communicator.h"
#include "parallel/single_process.h"
#include "test_util.h"

namespace adma::test {
namespace {

// Sets the given variables and clears every other launcher variable for the scope of
// one test; restores them all after.
class LaunchEnv {
 public:
  explicit LaunchEnv(std::initializer_list<std::pair<const char*, const char*>> set) {
    for (const char* name : kNames) {
      const char* v = std::getenv(name);
      if (v) saved_[name] = v;
      ::unsetenv(name);
    }
    for (const auto& [k, v] : set) ::setenv(k, v, 1);
  }
  LaunchEnv(const LaunchEnv&) = delete;
  LaunchEnv& operator=(const LaunchEnv&) = delete;
  ~LaunchEnv() {
    for (const char* name : kNames) ::unsetenv(name);
    for (const auto& [k, v] : saved_) ::setenv(k.c_str(), v.c_str(), 1);
  }

 private:
  static constexpr const char* kNames[] = {
      "ADMA_RANK",    "ADMA_WORLD_SIZE",      "ADMA_LOCAL_RANK", "OMPI_COMM_WORLD_RANK", "OMPI_COMM_WORLD_SIZE",
      "OMPI_COMM_WORLD_LOCAL_RANK", "PMI_RANK", "PMI_SIZE",       "MPI_LOCALRANKID",      "SLURM_PROCID",
      "SLURM_NTASKS", "SLURM_STEP_NUM_TASKS", "SLURM_LOCALID",   "ADMA_COMMUNICATOR",    "ADMA_NCCL_ID_FILE"};
  std::map<std::string, std::string> saved_;
};

TEST(Launch, EachLaunchersVariablesInOrder) {
  {
    LaunchEnv env({});
    const parallel::Launch l = parallel::launch_from_environment();
    EXPECT_EQ(l.rank, 0);
    EXPECT_EQ(l.size, 1);
    EXPECT_EQ(l.launcher, "none");
  }
  {
    LaunchEnv env({{"OMPI_COMM_WORLD_RANK", "3"}, {"OMPI_COMM_WORLD_SIZE", "4"}, {"OMPI_COMM_WORLD_LOCAL_RANK", "1"}});
    const parallel::Launch l = parallel::launch_from_environment();
    EXPECT_EQ(l.rank, 3);
    EXPECT_EQ(l.size, 4);
    EXPECT_EQ(l.local_rank, 1);
    EXPECT_EQ(l.launcher, "mpirun");
    EXPECT_TRUE(l.by_mpi());
  }
  {  // mpirun inside a Slurm allocation: MPI's variables win.
    LaunchEnv env({{"OMPI_COMM_WORLD_RANK", "1"}, {"OMPI_COMM_WORLD_SIZE", "2"}, {"SLURM_PROCID", "0"},
                   {"SLURM_STEP_NUM_TASKS", "1"}});
    EXPECT_EQ(parallel::launch_from_environment().rank, 1);
  }
  {
    LaunchEnv env({{"PMI_RANK", "2"}, {"PMI_SIZE", "3"}});
    const parallel::Launch l = parallel::launch_from_environment();
    EXPECT_EQ(l.rank, 2);
    EXPECT_EQ(l.launcher, "pmi");
  }
  {
    LaunchEnv env({{"SLURM_PROCID", "5"}, {"SLURM_STEP_NUM_TASKS", "8"}, {"SLURM_NTASKS", "8"}, {"SLURM_LOCALID", "1"}});
    const parallel::Launch l = parallel::launch_from_environment();
    EXPECT_EQ(l.rank, 5);
    EXPECT_EQ(l.size, 8);
    EXPECT_EQ(l.local_rank, 1);
    EXPECT_EQ(l.launcher, "srun");
    EXPECT_FALSE(l.by_mpi());
  }
  {  // The batch script itself: the allocation's task count, but one process.
    LaunchEnv env({{"SLURM_PROCID", "0"}, {"SLURM_NTASKS", "8"}});
    const parallel::Launch l = parallel::launch_from_environment();
    EXPECT_EQ(l.size, 1);
    EXPECT_EQ(l.launcher, "none");
  }
  {  // By hand, over everything else.
    LaunchEnv env({{"ADMA_RANK", "1"}, {"ADMA_WORLD_SIZE", "2"}, {"OMPI_COMM_WORLD_RANK", "0"},
                   {"OMPI_COMM_WORLD_SIZE", "4"}});
    const parallel::Launch l = parallel::launch_from_environment();
    EXPECT_EQ(l.size, 2);
    EXPECT_EQ(l.launcher, "ADMA_RANK");
  }
}

TEST(Launch, BadValuesAreNamed) {
  {
    LaunchEnv env({{"SLURM_PROCID", "x1"}, {"SLURM_STEP_NUM_TASKS", "2"}});
    try {
      parallel::launch_from_environment();
      FAIL() << "a rank 'x1' was accepted";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("SLURM_PROCID='x1'"), std::string::npos) << e.what();
    }
  }
  {
    LaunchEnv env({{"ADMA_RANK", "2"}, {"ADMA_WORLD_SIZE", "2"}});
    try {
      parallel::launch_from_environment();
      FAIL() << "rank 2 of 2 was accepted";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("is not a rank of ADMA_WORLD_SIZE=2"), std::string::npos) << e.what();
    }
  }
}

std::string message_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(MakeCommunicator, ChoosesAndRefusesByTheRules) {
  {
    LaunchEnv env({});
    auto c = parallel::make_communicator(Device::cpu());
    EXPECT_STREQ(c->name(), "single process");
    EXPECT_EQ(c->size(), 1);
    EXPECT_TRUE(c->is_root());
  }
  {
    LaunchEnv env({{"ADMA_COMMUNICATOR", "carrier-pigeon"}});
    EXPECT_THROW(parallel::make_communicator(Device::cpu()), UsageError);
    EXPECT_NE(message_of([] { parallel::make_communicator(Device::cpu()); }).find("(from ADMA_COMMUNICATOR)"),
              std::string::npos);
  }
  {
    LaunchEnv env({{"ADMA_RANK", "0"}, {"ADMA_WORLD_SIZE", "2"}});
    EXPECT_NE(message_of([] { parallel::make_communicator(Device::cpu(), "single"); })
                  .find("the launcher started 2 processes (rank 0, from ADMA_RANK)"),
              std::string::npos);
  }
  {
    LaunchEnv env({});
    EXPECT_NE(message_of([] { parallel::make_communicator(Device::cpu(), "nccl"); })
                  .find("the NCCL communicator averages CUDA buffers"),
              std::string::npos);
    EXPECT_NE(message_of([] { parallel::make_communicator(Device::cuda(0), "mpi"); })
                  .find("the MPI communicator averages CPU buffers"),
              std::string::npos);
  }
  if (!parallel::mpi_built()) {  // 2 processes on the CPU in a build without MPI
    LaunchEnv env({{"ADMA_RANK", "0"}, {"ADMA_WORLD_SIZE", "2"}});
    EXPECT_NE(message_of([] { parallel::make_communicator(Device::cpu()); }).find("on the CPU, which needs MPI, but not built"),
              std::string::npos);
  }
  {  // NCCL for 2 ranks started by hand: the id file is required.
    LaunchEnv env({{"ADMA_RANK", "1"}, {"ADMA_WORLD_SIZE", "2"}});
    if (parallel::nccl_built())
      EXPECT_NE(message_of([] { parallel::make_communicator(Device::cuda(0)); }).find("ADMA_NCCL_ID_FILE"),
                std::string::npos);
  }
  std::printf("[ backends ] %s\n", parallel::parallel_backends().c_str());
}

TEST(SingleProcess, ChangesNothingAndChecksItsOperands) {
  parallel::SingleProcess one;
  Context& ctx = Context::cpu();
  Tensor g = Tensor::from_host({1.5, -2, 3}, Shape{3}, DType::F64, Device::cpu());
  one.all_reduce_average(ctx, g);
  one.broadcast(ctx, g, 0);
  EXPECT_EQ(g.to_host(), (std::vector<double>{1.5, -2, 3}));
  double v[2] = {4, 5};
  one.all_reduce_host(v, 2, parallel::HostReduce::Sum);
  EXPECT_EQ(v[0], 4);
  one.barrier();
  Tensor labels = Tensor::from_host({1, 2}, Shape{2}, DType::I32, Device::cpu());
  EXPECT_THROW(one.all_reduce_average(ctx, labels), Error);
  EXPECT_THROW(one.broadcast(ctx, g, 1), Error);
  Tensor none;
  EXPECT_THROW(one.all_reduce_average(ctx, none), Error);
}

std::string temp_path(const char* what) {
  return ::testing::TempDir() + "adma_" + what + "_" + std::to_string(static_cast<long long>(::getpid()));
}

TEST(IdFile, RankZerosBytesReachTheOthers) {
  const std::string path = temp_path("nccl_id");
  parallel::remove_id_file(path);
  unsigned char sent[128], got[128] = {};
  for (int i = 0; i < 128; ++i) sent[i] = static_cast<unsigned char>(i * 7 + 1);
  // Rank 1 starts first and waits; rank 0 writes 200 ms later.
  std::thread reader([&] { parallel::exchange_through_file(path, 1, got, sizeof got, 30); });
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  parallel::exchange_through_file(path, 0, sent, sizeof sent, 30);
  reader.join();
  EXPECT_EQ(std::string(reinterpret_cast<char*>(sent), 128), std::string(reinterpret_cast<char*>(got), 128));
  // A file of the wrong size is refused, not half read.
  unsigned char more[129];
  EXPECT_NE(message_of([&] { parallel::exchange_through_file(path, 1, more, sizeof more, 1); }).find("holds 128 bytes, not 129"),
            std::string::npos);
  parallel::remove_id_file(path);
  parallel::remove_id_file(path);  // gone already: fine
  // Nobody writes: the wait ends with the path named.
  EXPECT_NE(message_of([&] { parallel::exchange_through_file(path, 1, got, sizeof got, 0.2); }).find("waited 0.2 s"),
            std::string::npos);
}

// Rows of every batch of one epoch from `src` (x as host values, labels).
struct Rows {
  std::vector<std::vector<double>> x, labels;  // per batch
};
Rows rows_of(data::BatchSource& src, int64_t epoch, const Shape& image) {
  Rows r;
  src.start_epoch(epoch);
  Tensor x = Tensor::empty(Shape{src.batch_size(), image[0], image[1], image[2]}, DType::F32, Device::cpu());
  Tensor y = Tensor::empty(Shape{src.batch_size()}, DType::I32, Device::cpu());
  for (int64_t i = 0; i < src.batches(); ++i) {
    src.fill(i, x, y);
    r.x.push_back(x.to_host());
    r.labels.push_back(y.to_host());
  }
  return r;
}

// The shards of batch i, one after another, are batch i.
void expect_shards_make_the_batch(const Rows& whole, const std::vector<Rows>& shards) {
  for (size_t i = 0; i < whole.x.size(); ++i) {
    std::vector<double> x, labels;
    for (const Rows& s : shards) {
      ASSERT_EQ(s.x.size(), whole.x.size());
      x.insert(x.end(), s.x[i].begin(), s.x[i].end());
      labels.insert(labels.end(), s.labels[i].begin(), s.labels[i].end());
    }
    EXPECT_EQ(labels, whole.labels[i]) << "batch " << i;
    EXPECT_EQ(x, whole.x[i]) << "batch " << i;
  }
}

TEST(Shard, SyntheticShardsTogetherAreTheBatchPaddingIncluded) {
  data::SyntheticOptions o;
  o.examples = 50;  // 4 batches of 16: the last has 2 real rows, so ranks 1..3 get padding only
  o.batch = 16;
  data::SyntheticSource whole_src(o);
  const Shape image{1, 8, 8};
  const Rows whole = rows_of(whole_src, 3, image);
  std::vector<Rows> shards;
  for (int64_t r = 0; r < 4; ++r) {
    data::SyntheticOptions s = o;
    s.shard = {r, 4};
    data::SyntheticSource src(s);
    EXPECT_EQ(src.batch_size(), 4);
    EXPECT_EQ(src.global_batch_size(), 16);
    EXPECT_EQ(src.batches(), 4);
    EXPECT_EQ(src.valid_rows(3), r == 0 ? 2 : 0);
    EXPECT_EQ(src.valid_rows(0), 4);
    shards.push_back(rows_of(src, 3, image));
  }
  expect_shards_make_the_batch(whole, shards);
  data::SyntheticOptions bad = o;
  bad.shard = {0, 3};
  EXPECT_NE(message_of([&] { data::SyntheticSource s(bad); }).find("the global batch of 16 rows does not divide among 3"),
            std::string::npos);
  bad.shard = {3, 3};
  EXPECT_THROW(data::SyntheticSource s(bad), Error);
}

TEST(Shard, ImageBatchShardsTogetherAreTheBatchAugmentationIncluded) {
  Rng rng(11);
  const data::ImageSet set = test::random_set(rng, 37, 1, 6, 6, 5);
  data::BatchOptions o;
  o.batch_size = 8;
  o.seed = 4;
  o.augment.rotation = 20;
  o.augment.width_shift = 0.1f;
  o.augment.horizontal_flip = true;
  data::ImageBatches whole_src(set, o, Device::cpu());
  const Shape image{1, 6, 6};
  const Rows whole = rows_of(whole_src, 2, image);
  std::vector<Rows> shards;
  for (int64_t r = 0; r < 2; ++r) {
    data::BatchOptions s = o;
    s.shard = {r, 2};
    data::ImageBatches src(set, s, Device::cpu());
    EXPECT_EQ(src.batch_size(), 4);
    EXPECT_EQ(src.valid_rows(4), r == 0 ? 4 : 1);  // 37 = 4 * 8 + 5
    shards.push_back(rows_of(src, 2, image));
  }
  expect_shards_make_the_batch(whole, shards);
  data::BatchOptions bad = o;
  bad.shard = {0, 3};
  EXPECT_THROW(data::ImageBatches(set, bad, Device::cpu()), Error);
}

// A small ConvNet (8x8 inputs, 4 classes, batch norm and dropout as the paper has them).
struct Net {
  Graph g;
  Value x, y, loss;
  Net(int64_t batch, Device device = Device::cpu(), uint64_t seed = 5) : g(device, DType::F32, seed) {
    x = g.input("x", Shape{batch, 1, 8, 8});
    y = g.labels("y", batch);
    models::ConvNetOptions mo;
    mo.classes = 4;
    mo.filters = {4, 8, 8};
    mo.dropout = {0.1, 0.1, 0.1};
    mo.l2 = 1e-4;
    Value z = models::build_convnet(g, x, mo);
    layers::SoftmaxLoss::Options lo;
    lo.params.a = 0.3;
    loss = g.add<layers::SoftmaxLoss>("loss", {z, y}, lo);
    g.build();
  }
};

data::SyntheticOptions problem(int64_t examples, int64_t batch, int64_t first = 0) {
  data::SyntheticOptions s;
  s.examples = examples;
  s.batch = batch;
  s.classes = 4;
  s.noise = 1.5;
  s.first = first;
  return s;
}

TEST(DataParallel, TheSingleProcessCommunicatorChangesNothing) {
  Net plain(16), with(16);
  optim::TrainerOptions o;
  o.optimizer = optim::OptimizerConfig::parse("adam");
  optim::Trainer a(plain.g, plain.x, plain.y, plain.loss, o);
  parallel::SingleProcess one;
  o.communicator = &one;
  optim::Trainer b(with.g, with.x, with.y, with.loss, o);
  EXPECT_TRUE(a.is_writer());
  EXPECT_TRUE(b.is_writer());
  data::SyntheticSource ta(problem(56, 16)), tb(problem(56, 16)), va(problem(20, 16, 1000)), vb(problem(20, 16, 1000));
  const auto ra = a.fit(ta, &va, 2), rb = b.fit(tb, &vb, 2);
  for (size_t e = 0; e < 2; ++e) {
    EXPECT_EQ(ra[e].train.loss, rb[e].train.loss);
    EXPECT_EQ(ra[e].val->accuracy, rb[e].val->accuracy);
  }
  EXPECT_EQ(plain.g.param_buffer().to_host(), with.g.param_buffer().to_host());
}

TEST(DataParallel, ASourceThatIsNotThisRanksShardIsRefused) {
  Net net(8);
  optim::TrainerOptions o;
  optim::Trainer t(net.g, net.x, net.y, net.loss, o);
  data::SyntheticOptions s = problem(64, 16);
  s.shard = {1, 2};
  data::SyntheticSource half(s);
  EXPECT_NE(message_of([&] { t.train_epoch(half); }).find("the training data is shard 1 of 2, but this is rank 0 of 1"),
            std::string::npos);
  EXPECT_NE(message_of([&] { t.evaluate(half); }).find("the evaluation data is shard 1 of 2"), std::string::npos);
}

// On a GPU: one NCCL rank inside the captured step (its all-reduce is a device copy)
// gives the losses and weights of the same run without a communicator.
TEST(DataParallelGPU, NcclOneRankInsideTheCapturedStepGivesTheSameLoss) {
  ADMA_REQUIRE_GPU();
  if (!parallel::nccl_built()) GTEST_SKIP() << "NCCL: " << parallel::nccl_version();
  std::printf("[ nccl     ] %s\n", parallel::nccl_version().c_str());
  Net plain(32, Device::cuda(0)), with(32, Device::cuda(0));
  optim::TrainerOptions o;
  o.optimizer = optim::OptimizerConfig::parse("adam");
  optim::Trainer a(plain.g, plain.x, plain.y, plain.loss, o);
  auto nccl = parallel::make_nccl_communicator(Device::cuda(0), 0, 1, nullptr);
  o.communicator = nccl.get();
  optim::Trainer b(with.g, with.x, with.y, with.loss, o);
  data::SyntheticSource ta(problem(320, 32)), tb(problem(320, 32)), va(problem(64, 32, 1000)), vb(problem(64, 32, 1000));
  const auto ra = a.fit(ta, &va, 3), rb = b.fit(tb, &vb, 3);
  ASSERT_TRUE(a.captured());
  ASSERT_TRUE(b.captured());  // the all-reduce was recorded in the step's CUDA graph
  for (size_t e = 0; e < ra.size(); ++e) {
    std::printf("[ epoch %zu  ] loss without %.9f, with NCCL %.9f\n", e, ra[e].train.loss, rb[e].train.loss);
    EXPECT_NEAR(ra[e].train.loss, rb[e].train.loss, 1e-6 * std::abs(ra[e].train.loss));
    EXPECT_NEAR(ra[e].val->loss, rb[e].val->loss, 1e-6 * std::abs(ra[e].val->loss));
  }
  const auto wa = plain.g.param_buffer().to_host(), wb = with.g.param_buffer().to_host();
  double worst = 0;
  for (size_t i = 0; i < wa.size(); ++i) worst = std::max(worst, std::abs(wa[i] - wb[i]));
  std::printf("[ weights  ] max |difference| %.3g over %zu parameters\n", worst, wa.size());
  EXPECT_LE(worst, 1e-6);
}

}  // namespace
}  // namespace adma::test
