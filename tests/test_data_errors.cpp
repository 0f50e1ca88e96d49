// Bad input: each gets one clear error naming the file and what is wrong, and
// nothing is allocated from a header before it is checked.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include "data/cifar.h"
#include "data/datasets.h"
#include "data/file_bytes.h"
#include "data/folder.h"
#include "data/idx.h"
#include "data/image_batches.h"
#include "data/image_decode.h"
#include "data/mat5_check.h"
#include "tests/data_files.h"

namespace adma::data {
namespace {

using test::Bytes;
using test::TempDir;

// Runs `fn`, expects an adma::Error whose message contains every one of `parts`.
template <typename Fn>
void expect_error(Fn fn, std::initializer_list<std::string> parts) {
  try {
    fn();
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    const std::string what = e.what();
    for (const std::string& p : parts) EXPECT_NE(what.find(p), std::string::npos) << "'" << p << "' not in: " << what;
  }
}

TEST(DataErrors, MissingDirectoryAndFile) {
  TempDir dir;
  LoadOptions o;
  o.dir = dir / "nowhere";
  expect_error([&] { load_dataset("cifar10", o); }, {dir / "nowhere", "no such directory"});
  o.dir = dir.path();
  expect_error([&] { load_dataset("mnist", o); }, {dir / "train-images-idx3-ubyte.gz", "no such file"});
  expect_error([&] { load_dataset("fashion-mnist", o); }, {"no such file", "apt-get install dataset-fashion-mnist"});
  o.dir = dir / "gone";
  expect_error([&] { load_dataset("fashion-mnist", o); }, {"no such directory", "apt-get install dataset-fashion-mnist"});
  expect_error([&] { load_dataset("mnist", {}); }, {"mnist: no data directory given"});
}

TEST(DataErrors, AFifoOrFolderWhereAFileBelongsIsNamedAsSuch) {
  // A reader must not open a FIFO (it would block) nor call it missing.
  TempDir dir;
  LoadOptions o;
  o.dir = dir.path();
  ASSERT_EQ(::mkfifo((dir / "train-images-idx3-ubyte.gz").c_str(), 0600), 0);
  expect_error([&] { load_dataset("mnist", o); }, {dir / "train-images-idx3-ubyte.gz", "a FIFO, not a regular file"});
  std::filesystem::remove(dir / "train-images-idx3-ubyte.gz");
  std::filesystem::create_directories(dir / "train-images-idx3-ubyte.gz");
  expect_error([&] { load_dataset("mnist", o); }, {"a folder, not a regular file"});
}

TEST(DataErrors, AnEmptySplitSaysWhy) {
  ImageSet empty;
  empty.channels = 1, empty.height = 2, empty.width = 2, empty.classes = 2;
  expect_error([&] { ImageBatches(empty, BatchOptions{}, Device::cpu()); },
               {"a split of the data holds no examples", "split fraction or the example limit"});
}

TEST(DataErrors, WrongMagic) {
  const Bytes b{0x12, 0x34, 0x08, 0x01, 0, 0, 0, 1, 7};
  expect_error([&] { parse_idx(b.data(), b.size(), "f.idx"); }, {"f.idx: wrong magic number"});
  const Bytes t{0, 0, 0x0d, 1, 0, 0, 0, 1, 0, 0, 0, 0};
  expect_error([&] { parse_idx(t.data(), t.size(), "f.idx"); }, {"f.idx: IDX element type 0xd is not supported"});
}

TEST(DataErrors, HeaderClaimsMoreThanTheFileHolds) {
  // 4 billion 1x1 images claimed, 3 bytes present: rejected before any allocation.
  const Bytes b = test::idx_bytes({0xffffffffu, 0xffffffffu, 0xffffffffu}, {1, 2, 3});
  expect_error([&] { parse_idx(b.data(), b.size(), "huge.idx"); }, {"huge.idx: header claims", "holds only"});
  const Bytes t = test::idx_bytes({10, 2, 2}, Bytes(39, 0));
  expect_error([&] { parse_idx(t.data(), t.size(), "short.idx"); },
               {"short.idx: header claims 40 items but the file holds only 39 bytes"});
  const Bytes h{0, 0, 8, 3, 0, 0};
  expect_error([&] { parse_idx(h.data(), h.size(), "h.idx"); }, {"h.idx: truncated IDX header"});
}

TEST(DataErrors, TruncatedAndCorruptGzip) {
  TempDir dir;
  Rng rng(1);
  const Bytes z = test::gzip_bytes(test::idx_bytes({50, 10, 10}, test::random_bytes(rng, 5000)));
  test::write_bytes(dir / "cut.gz", Bytes(z.begin(), z.begin() + static_cast<long>(z.size() / 2)));
  expect_error([&] { read_idx(dir / "cut.gz"); }, {dir / "cut.gz", "truncated gzip data"});
  Bytes bad = z;
  for (size_t i = 12; i < 40 && i < bad.size(); ++i) bad[i] ^= 0x5a;
  test::write_bytes(dir / "bad.gz", bad);
  expect_error([&] { read_idx(dir / "bad.gz"); }, {dir / "bad.gz", "gzip data"});
}

// A decompression bomb: a valid IDX header for 10 images of 28x28 (7,856 bytes promised)
// followed by 64 MiB of zeros, about 64 KiB compressed. Reading stops at the first byte
// past the promise (the output is allocated once, at the promised size), and names it.
TEST(DataErrors, GzipBombStopsAtTheFirstByteItsHeaderDidNotPromise) {
  TempDir dir;
  Bytes raw = test::idx_bytes({10, 28, 28}, Bytes(7840, 0));
  raw.resize(raw.size() + (size_t{64} << 20), 0);
  test::write_bytes(dir / "bomb.gz", test::gzip_bytes(raw));
  expect_error([&] { read_idx(dir / "bomb.gz"); },
               {dir / "bomb.gz", "inflates past the 7856 bytes its header promises"});
  // One byte too many is refused too, and exactly the promise is read.
  Bytes exact = test::idx_bytes({10, 28, 28}, Bytes(7840, 3));
  test::write_bytes(dir / "exact.gz", test::gzip_bytes(exact));
  EXPECT_EQ(read_idx(dir / "exact.gz").values.size(), 7840u);
  exact.push_back(0);
  test::write_bytes(dir / "plus1.gz", test::gzip_bytes(exact));
  expect_error([&] { read_idx(dir / "plus1.gz"); }, {dir / "plus1.gz", "inflates past the 7856 bytes"});
  // A header that promises more than any dataset file may hold is refused before inflating on.
  test::write_bytes(dir / "huge.gz", test::gzip_bytes(test::idx_bytes({65535, 65535, 65535}, Bytes(64, 0))));
  expect_error([&] { read_idx(dir / "huge.gz"); }, {dir / "huge.gz", "promises more than"});
  // A wrong header inside the gzip stream is named as the raw reader names it.
  test::write_bytes(dir / "magic.gz", test::gzip_bytes(Bytes{1, 2, 8, 1, 0, 0, 0, 1, 7}));
  expect_error([&] { read_idx(dir / "magic.gz"); }, {dir / "magic.gz", "wrong magic number"});
}

TEST(DataErrors, ImageAndLabelCountsDiffer) {
  TempDir dir;
  test::write_bytes(dir / "i", test::idx_bytes({5, 2, 2}, Bytes(20, 1)));
  test::write_bytes(dir / "l", test::idx_bytes({4}, Bytes(4, 1)));
  expect_error([&] { read_idx_pair(dir / "i", dir / "l", 10); }, {dir / "i", "5 images but 4 labels"});
}

TEST(DataErrors, LabelOutsideTheClassRange) {
  TempDir dir;
  test::write_bytes(dir / "i", test::idx_bytes({3, 1, 1}, Bytes{1, 2, 3}));
  test::write_bytes(dir / "l", test::idx_bytes({3}, Bytes{1, 12, 3}));
  expect_error([&] { read_idx_pair(dir / "i", dir / "l", 10); }, {"label 12 of example 1 is outside [0, 10)"});
  Bytes rec(1 + 3072, 0);
  rec[0] = 10;
  expect_error([&] { parse_cifar(rec.data(), rec.size(), CifarKind::Cifar10, "b.bin"); },
               {"b.bin: label 10 of example 0 is outside [0, 10)"});
}

TEST(DataErrors, CifarNotAWholeNumberOfRecords) {
  const Bytes b(3073 * 2 + 5, 0);
  expect_error([&] { parse_cifar(b.data(), b.size(), CifarKind::Cifar10, "c.bin"); },
               {"c.bin: 6151 bytes is not a whole number of 3073-byte CIFAR-10 records"});
  expect_error([&] { parse_cifar(b.data(), 0, CifarKind::Cifar100, "e.bin"); }, {"e.bin: empty file"});
}

TEST(DataErrors, UndecodableImage) {
  TempDir dir;
  test::write_bytes(dir / "a/ok.png", encode_png({2, 2, Bytes(12, 9)}));
  Bytes jpg = encode_jpeg({16, 16, Bytes(16 * 16 * 3, 90)});
  jpg.resize(jpg.size() / 2);  // cut mid-scan
  test::write_bytes(dir / "b/broken.jpg", jpg);
  expect_error([&] { read_class_folders(dir.path(), {3, 8, 8}, nullptr); }, {dir / "b/broken.jpg", "cannot decode image"});
  test::write_bytes(dir / "b/broken.jpg", Bytes{0xff, 0xd8, 0xff, 0xe0, 1, 2, 3});
  expect_error([&] { read_class_folders(dir.path(), {3, 8, 8}, nullptr); }, {dir / "b/broken.jpg", "cannot decode image"});
  test::write_bytes(dir / "b/broken.jpg", Bytes{'n', 'o', 'p', 'e'});
  expect_error([&] { read_class_folders(dir.path(), {3, 8, 8}, nullptr); },
               {dir / "b/broken.jpg", "cannot decode image: neither JPEG nor PNG"});
  Bytes png = encode_png({4, 4, Bytes(48, 7)});
  png.resize(30);
  test::write_bytes(dir / "b/broken.jpg", png);
  expect_error([&] { read_class_folders(dir.path(), {3, 8, 8}, nullptr); }, {dir / "b/broken.jpg", "cannot decode image"});
}

TEST(DataErrors, EmptyClassFolder) {
  TempDir dir;
  test::write_bytes(dir / "a/ok.png", encode_png({2, 2, Bytes(12, 9)}));
  std::filesystem::create_directories(dir / "b");
  test::write_bytes(dir / "b/readme.txt", Bytes{'x'});
  expect_error([&] { read_class_folders(dir.path(), {3, 8, 8}, nullptr); }, {dir / "b", "empty class folder"});
  TempDir none;
  expect_error([&] { read_class_folders(none.path(), {3, 8, 8}, nullptr); }, {none.path(), "no class folders"});
}

TEST(DataErrors, FlowersWithTheWrongClassCount) {
  TempDir dir;
  test::write_bytes(dir / "a/ok.png", encode_png({2, 2, Bytes(12, 9)}));
  LoadOptions o;
  o.dir = dir.path();
  expect_error([&] { load_dataset("flowers", o); }, {"1 classes found, flowers has 5"});
}

TEST(DataErrors, Ham10000UnknownDiagnosisAndMissingImage) {
  TempDir dir;
  const std::string csv = "lesion_id,image_id,dx\nL1,ISIC_1,xyz\n";
  test::write_bytes(dir / "HAM10000_metadata.csv", Bytes(csv.begin(), csv.end()));
  expect_error([&] { read_ham10000(dir.path(), {3, 75, 100}, nullptr); }, {"HAM10000_metadata.csv:2", "diagnosis 'xyz'"});
  const std::string csv2 = "lesion_id,image_id,dx\nL1,ISIC_1,mel\n";
  test::write_bytes(dir / "HAM10000_metadata.csv", Bytes(csv2.begin(), csv2.end()));
  expect_error([&] { read_ham10000(dir.path(), {3, 75, 100}, nullptr); }, {"no image ISIC_1.jpg"});
}

}  // namespace
}  // namespace adma::data

namespace adma::data {
namespace {

TEST(DataErrors, MatFileElementsMustFitTheFile) {
  Bytes mat(128, ' ');
  mat[124] = 0x00;
  mat[125] = 0x01;
  mat[126] = 'I';
  mat[127] = 'M';
  // miMATRIX claiming 4 000 000 000 bytes, 8 present.
  for (uint32_t v : {14u, 4000000000u, 0u, 0u})
    for (int k = 0; k < 4; ++k) mat.push_back(static_cast<uint8_t>(v >> (8 * k)));
  try {
    check_mat5(mat.data(), mat.size(), "x.mat");
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("x.mat: .mat element at byte 128 claims 4000000000 bytes but only 8 follow"),
              std::string::npos)
        << e.what();
  }
  Bytes text(300, 'a');
  EXPECT_THROW(check_mat5(text.data(), text.size(), "t.mat"), Error);
  EXPECT_THROW(check_mat5(text.data(), 20, "t.mat"), Error);
}

}  // namespace
}  // namespace adma::data
