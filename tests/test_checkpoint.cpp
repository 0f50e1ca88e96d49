// safetensors checkpoints: round trip, clear failures on mismatch or corruption,
// and atomic replacement (no temporary left behind).
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "core/graph/checkpoint.h"
#include "models/convnet.h"
#include "test_util.h"

namespace adma::test {
namespace {

namespace fs = std::filesystem;

struct TempDir {
  fs::path path;
  TempDir() {
    path = fs::temp_directory_path() / ("adma_ckpt_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
};

std::unique_ptr<Graph> small_convnet(uint64_t seed, int64_t classes = 10) {
  auto g = std::make_unique<Graph>(Device::cpu(), DType::F32, seed);
  Value x = g->input("x", Shape{2, 1, 12, 12});
  models::ConvNetOptions o;
  o.classes = classes;
  o.filters = {4, 8};
  o.dropout = {0.2, 0.3};
  models::build_convnet(*g, x, o);
  g->build();
  return g;
}

TEST(Checkpoint, RoundTripRestoresEveryParameterAndBuffer) {
  TempDir dir;
  const std::string file = (dir.path / "model.safetensors").string();
  auto a = small_convnet(1);
  Rng rng(4);
  for (const auto& b : a->buffers()) {
    Tensor t = b.value;
    fill_random(t, rng, 0.1, 2.0);
  }
  save_checkpoint(file, a->state_dict(), {{"epoch", "7"}, {"loss", "adma"}});
  auto b = small_convnet(2);
  ASSERT_NE(a->param_buffer().to_host(), b->param_buffer().to_host());
  load_checkpoint(file, b->state_dict());
  const auto sa = a->state_dict(), sb = b->state_dict();
  for (size_t i = 0; i < sa.size(); ++i) EXPECT_EQ(sa[i].value.to_host(), sb[i].value.to_host()) << sa[i].name;
  auto meta = read_checkpoint_metadata(file);
  EXPECT_EQ(meta["epoch"], "7");
  EXPECT_EQ(meta["loss"], "adma");
  for (const auto& e : fs::directory_iterator(dir.path))
    EXPECT_EQ(e.path().filename().string(), "model.safetensors") << "temporary file left behind";
}

TEST(Checkpoint, HeaderIsSafetensorsJson) {
  TempDir dir;
  const std::string file = (dir.path / "m.safetensors").string();
  Tensor t = Tensor::from_host({1, 2, 3, 4, 5, 6}, Shape{2, 3}, DType::F32, Device::cpu());
  save_checkpoint(file, {{"w", t, Tensor()}});
  std::ifstream f(file, std::ios::binary);
  uint64_t n = 0;
  f.read(reinterpret_cast<char*>(&n), 8);
  std::string header(n, ' ');
  f.read(header.data(), static_cast<std::streamsize>(n));
  EXPECT_EQ(n % 8, 0u);
  EXPECT_NE(header.find("\"w\":{\"data_offsets\":[0,24],\"dtype\":\"F32\",\"shape\":[2,3]}"), std::string::npos)
      << header;
  float data[6];
  f.read(reinterpret_cast<char*>(data), sizeof data);
  EXPECT_EQ(data[5], 6.0f);
}

TEST(Checkpoint, WrongShapeFailsAndNamesIt) {
  TempDir dir;
  const std::string file = (dir.path / "model.safetensors").string();
  save_checkpoint(file, small_convnet(1, 10)->state_dict());
  auto other = small_convnet(1, 7);  // Dense has 7 outputs, not 10
  const Values before = other->param_buffer().to_host();
  try {
    load_checkpoint(file, other->state_dict());
    FAIL() << "loading a 10-class checkpoint into a 7-class model must fail";
  } catch (const Error& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("dense.weight"), std::string::npos) << msg;
    EXPECT_NE(msg.find("[10,"), std::string::npos) << msg;
    EXPECT_NE(msg.find("[7, "), std::string::npos) << msg;
  }
  EXPECT_EQ(other->param_buffer().to_host(), before) << "a failed load must not change the model";
}

TEST(Checkpoint, TruncatedAndCorruptFilesNameTheFileAndProblem) {
  TempDir dir;
  const std::string file = (dir.path / "model.safetensors").string();
  auto g = small_convnet(1);
  save_checkpoint(file, g->state_dict());
  const auto size = fs::file_size(file);
  fs::resize_file(file, size - 100);
  try {
    load_checkpoint(file, g->state_dict());
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(file), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("truncated"), std::string::npos) << e.what();
  }
  {
    std::ofstream f(file, std::ios::binary | std::ios::trunc);
    f << "garbage";
  }
  EXPECT_THROW(load_checkpoint(file, g->state_dict()), Error);
  {
    std::ofstream f(file, std::ios::binary | std::ios::trunc);
    const uint64_t n = 8;
    f.write(reinterpret_cast<const char*>(&n), 8);
    f << "{not json";
  }
  try {
    load_checkpoint(file, g->state_dict());
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("JSON"), std::string::npos) << e.what();
  }
  EXPECT_THROW(load_checkpoint((dir.path / "missing.safetensors").string(), g->state_dict()), Error);
}

TEST(Checkpoint, SaveOverwritesAtomically) {
  TempDir dir;
  const std::string file = (dir.path / "model.safetensors").string();
  auto a = small_convnet(1), b = small_convnet(2);
  save_checkpoint(file, a->state_dict());
  save_checkpoint(file, b->state_dict());
  auto c = small_convnet(3);
  load_checkpoint(file, c->state_dict());
  EXPECT_EQ(c->param_buffer().to_host(), b->param_buffer().to_host());
  // An unwritable destination fails cleanly and leaves the old file intact.
  EXPECT_THROW(save_checkpoint((dir.path / "no/such/dir/x.safetensors").string(), a->state_dict()), Error);
}

}  // namespace
}  // namespace adma::test
