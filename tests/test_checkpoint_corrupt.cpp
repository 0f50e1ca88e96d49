// The strict checkpoint reader: one test per class of corrupted or hostile file.
// Each must fail with an adma::Error naming the file and the problem, and leave
// the model exactly as it was.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>

#include "core/graph/checkpoint.h"
#include "core/graph/safetensors.h"
#include "test_util.h"

namespace adma::test {
namespace {

namespace fs = std::filesystem;

// A model of two tensors: w F32 [2, 3] (24 bytes) and b F32 [3] (12 bytes).
struct Model {
  Tensor w = Tensor::from_host({1, 2, 3, 4, 5, 6}, Shape{2, 3}, DType::F32, Device::cpu());
  Tensor b = Tensor::from_host({7, 8, 9}, Shape{3}, DType::F32, Device::cpu());
  std::vector<NamedTensor> state() const { return {{"w", w, Tensor()}, {"b", b, Tensor()}}; }
  Values values() const {
    Values v = w.to_host(), vb = b.to_host();
    v.insert(v.end(), vb.begin(), vb.end());
    return v;
  }
};

class CorruptCheckpoint : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("adma_corrupt_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
    file_ = (dir_ / "model.safetensors").string();
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Writes 8-byte length + header + `data_bytes` bytes of data (or raw bytes).
  void write(const std::string& header, size_t data_bytes, int64_t length_override = -1) {
    std::ofstream f(file_, std::ios::binary | std::ios::trunc);
    const uint64_t n = length_override >= 0 ? static_cast<uint64_t>(length_override) : header.size();
    for (int i = 0; i < 8; ++i) f.put(static_cast<char>((n >> (8 * i)) & 0xFF));
    f << header << std::string(data_bytes, '\x01');
  }

  // load must throw an Error whose message holds `path` and every word in `words`,
  // and leave the model unchanged.
  void expect_refused(const std::vector<std::string>& words, const std::string& path = "") {
    Model m;
    const Values before = m.values();
    const std::string p = path.empty() ? file_ : path;
    try {
      load_checkpoint(p, m.state());
      ADD_FAILURE() << "loading " << p << " must fail";
    } catch (const Error& e) {
      const std::string msg = e.what();
      EXPECT_NE(msg.find(p), std::string::npos) << "message must name the file: " << msg;
      for (const auto& w : words) EXPECT_NE(msg.find(w), std::string::npos) << "'" << w << "' not in: " << msg;
      EXPECT_EQ(msg.find(".cpp:"), std::string::npos) << "no source location in a user error: " << msg;
      EXPECT_EQ(msg.find('\n'), std::string::npos) << "one line: " << msg;
    }
    EXPECT_EQ(m.values(), before) << "a refused checkpoint must not change the model";
  }

  static std::string entry(const std::string& name, const std::string& dtype, const std::string& shape,
                           const std::string& offsets) {
    return "\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":" + offsets + "}";
  }
  // The well-formed header for Model: w at [0, 24), b at [24, 36).
  static std::string good() { return "{" + entry("w", "F32", "[2,3]", "[0,24]") + "," + entry("b", "F32", "[3]", "[24,36]") + "}"; }

  fs::path dir_;
  std::string file_;
};

TEST_F(CorruptCheckpoint, WellFormedFileLoads) {
  write(good(), 36);
  Model m;
  load_checkpoint(file_, m.state());
  EXPECT_NE(m.values(), Model().values());
}

TEST_F(CorruptCheckpoint, Truncated) {
  write(good(), 30);
  expect_refused({"truncated", "'b'"});
  write("", 0);
  fs::resize_file(file_, 5);
  expect_refused({"truncated", "5 bytes"});
}

TEST_F(CorruptCheckpoint, EmptyFile) {
  std::ofstream(file_).close();
  expect_refused({"truncated", "0 bytes"});
}

TEST_F(CorruptCheckpoint, HugeHeaderLength) {
  write(good(), 36, static_cast<int64_t>(0x7FFFFFFFFFFFFFFFll));
  expect_refused({"header length", "limit"});
  write(good(), 36, 5000);  // under the limit, over the file
  expect_refused({"truncated", "5000"});
}

TEST_F(CorruptCheckpoint, NotJson) {
  write("{not json at all", 0);
  expect_refused({"corrupt JSON header"});
  write("[1, 2, 3]", 0);
  expect_refused({"not a JSON object"});
}

TEST_F(CorruptCheckpoint, Overlapping) {
  // b points into w's bytes; 24 bytes of data leave no trailing room either.
  write("{" + entry("w", "F32", "[2,3]", "[0,24]") + "," + entry("b", "F32", "[3]", "[12,24]") + "}", 24);
  expect_refused({"overlap", "'w'", "'b'"});
}

TEST_F(CorruptCheckpoint, DuplicateName) {
  write("{" + entry("w", "F32", "[2,3]", "[0,24]") + "," + entry("b", "F32", "[3]", "[24,36]") + "," +
            entry("b", "F32", "[3]", "[24,36]") + "}",
        36);
  expect_refused({"'b' twice"});
  // A repeated field inside one entry is refused too.
  write("{\"w\":{\"dtype\":\"F32\",\"dtype\":\"F64\",\"shape\":[2,3],\"data_offsets\":[0,24]}," +
            entry("b", "F32", "[3]", "[24,36]") + "}",
        36);
  expect_refused({"'dtype' twice"});
}

TEST_F(CorruptCheckpoint, Gap) {
  write("{" + entry("w", "F32", "[2,3]", "[0,24]") + "," + entry("b", "F32", "[3]", "[28,40]") + "}", 40);
  expect_refused({"[24, 28)", "belong to no tensor"});
}

TEST_F(CorruptCheckpoint, TrailingBytes) {
  write(good(), 40);
  expect_refused({"4 trailing bytes"});
}

TEST_F(CorruptCheckpoint, WrongDtype) {
  // A consistent file whose w is float64: the model's is float32.
  write("{" + entry("w", "F64", "[2,3]", "[0,48]") + "," + entry("b", "F32", "[3]", "[48,60]") + "}", 60);
  expect_refused({"does not match", "'w' has dtype F64, expected F32"});
  write("{" + entry("w", "Q7", "[2,3]", "[0,24]") + "," + entry("b", "F32", "[3]", "[24,36]") + "}", 36);
  expect_refused({"unknown dtype 'Q7'"});
}

TEST_F(CorruptCheckpoint, WrongShape) {
  write("{" + entry("w", "F32", "[3,2]", "[0,24]") + "," + entry("b", "F32", "[3]", "[24,36]") + "}", 36);
  expect_refused({"'w' has shape [3, 2], expected [2, 3]"});
  // A range that does not match its shape.
  write("{" + entry("w", "F32", "[2,3]", "[0,20]") + "," + entry("b", "F32", "[3]", "[20,32]") + "}", 32);
  expect_refused({"span 20 bytes", "needs 24"});
}

TEST_F(CorruptCheckpoint, Directory) {
  const std::string d = (dir_ / "a_directory").string();
  fs::create_directories(d);
  expect_refused({"is a directory"}, d);
}

TEST_F(CorruptCheckpoint, FifoIsRefusedWithoutBlocking) {
  const std::string p = (dir_ / "a_fifo").string();
  ASSERT_EQ(::mkfifo(p.c_str(), 0600), 0);
  expect_refused({"FIFO"}, p);  // would hang forever if the open waited for a writer
}

TEST_F(CorruptCheckpoint, ProcFile) { expect_refused({"/proc"}, "/proc/self/status"); }

TEST_F(CorruptCheckpoint, HugeJsonIntegerIsRefusedNotConverted) {
  // Regression (found by fuzzing): an offset beyond 2^64 was read as a double and
  // converted to uint64 out of range (undefined behaviour, reported by UBSan).
  write("{" + entry("w", "F32", "[2,3]", "[0,99999999999999999999999]") + "," + entry("b", "F32", "[3]", "[24,36]") + "}", 36);
  expect_refused({"'w'", "not integers"});
  write("{" + entry("w", "F32", "[2,1e3]", "[0,24]") + "," + entry("b", "F32", "[3]", "[24,36]") + "}", 36);
  expect_refused({"'w'", "not an integer"});
  write("{" + entry("w", "F32", "[2,-3]", "[0,24]") + "," + entry("b", "F32", "[3]", "[24,36]") + "}", 36);
  expect_refused({"'w'", "not an integer"});
  write("{" + entry("w", "F32", "[4294967296,4294967296,4294967296]", "[0,24]") + "," + entry("b", "F32", "[3]", "[24,36]") + "}", 36);
  expect_refused({"more bytes than fit in 64 bits"});
}

TEST_F(CorruptCheckpoint, MetadataMustBeAnObjectOfStrings) {
  write("{\"__metadata__\":[1,2]," + good().substr(1), 36);
  expect_refused({"__metadata__", "not an object"});
  write("{\"__metadata__\":{\"epoch\":7}," + good().substr(1), 36);
  expect_refused({"__metadata__ 'epoch'", "not a string"});
  EXPECT_THROW(read_checkpoint_metadata(file_), Error);
}

TEST_F(CorruptCheckpoint, MalformedEntries) {
  write("{\"w\":5," + entry("b", "F32", "[3]", "[24,36]") + "}", 36);
  expect_refused({"'w'", "not an object"});
  write("{\"w\":{\"dtype\":\"F32\",\"shape\":[2,3]}," + entry("b", "F32", "[3]", "[24,36]") + "}", 36);
  expect_refused({"'w' has no 'data_offsets'"});
  write("{\"w\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,24],\"extra\":1}," + entry("b", "F32", "[3]", "[24,36]") + "}", 36);
  expect_refused({"unknown field 'extra'"});
  write("{" + std::string(40, '[') + std::string(40, ']') + "}", 0);
  expect_refused({"nests deeper"});
}

TEST_F(CorruptCheckpoint, ManyDifferencesStayOneLine) {
  std::string h = "{";
  for (int i = 0; i < 12; ++i) h += (i ? "," : "") + entry("t" + std::to_string(i), "U8", "[1]", "[" + std::to_string(i) + "," + std::to_string(i + 1) + "]");
  write(h + "}", 12);
  expect_refused({"does not match the model: missing 'w' [2, 3]; missing 'b' [3]; unexpected 't0'", "and 6 more"});
}

TEST_F(CorruptCheckpoint, MissingFile) { expect_refused({"cannot open"}, (dir_ / "nope").string()); }

TEST(SafetensorsImage, ParsesOnlyWhatItIsGiven) {
  // The in-memory entry point the fuzz target uses: bytes past the header are the data.
  const std::string h = "{\"x\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[0,2]}}";
  std::string img(8, '\0');
  img[0] = static_cast<char>(h.size());
  img += h + "ab";
  uint64_t off = 0;
  const auto header = safetensors::parse_image(reinterpret_cast<const unsigned char*>(img.data()), img.size(),
                                               "memory", &off);
  EXPECT_EQ(off, 8 + h.size());
  ASSERT_EQ(header.entries.size(), 1u);
  EXPECT_EQ(header.entries[0].end, 2u);
  EXPECT_THROW(safetensors::parse_image(reinterpret_cast<const unsigned char*>(img.data()), img.size() - 1,
                                        "memory", &off),
               Error);
}

}  // namespace
}  // namespace adma::test
