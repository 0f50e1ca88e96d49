// Every reader on files the test writes in that format, the registry, and the
// real Fashion-MNIST files when the Debian package is installed.
#include <gtest/gtest.h>

#include <filesystem>

#include "data/cifar.h"
#include "data/datasets.h"
#include "data/file_bytes.h"
#include "data/folder.h"
#include "data/idx.h"
#include "data/image_decode.h"
#include "data/svhn.h"
#include "tests/data_files.h"

#if defined(ADMA_WITH_MATIO)
#include <matio.h>
#endif

namespace adma::data {
namespace {

using test::Bytes;
using test::TempDir;

TEST(IdxReader, RawAndGzipGiveTheSameImages) {
  TempDir dir;
  Rng rng(1);
  const Bytes pixels = test::random_bytes(rng, 7 * 5 * 4);
  const Bytes file = test::idx_bytes({7, 5, 4}, pixels);
  test::write_bytes(dir / "raw", file);
  test::write_bytes(dir / "z.gz", test::gzip_bytes(file));
  for (const std::string& p : {dir / "raw", dir / "z.gz"}) {
    IdxArray a = read_idx(p);
    EXPECT_EQ(a.dims, (std::vector<uint32_t>{7, 5, 4}));
    EXPECT_EQ(a.values, pixels);
  }
}

TEST(IdxReader, ImagesAndLabelsMakeAnImageSet) {
  TempDir dir;
  Rng rng(2);
  const Bytes pixels = test::random_bytes(rng, 12 * 3 * 2);
  test::write_bytes(dir / "i", test::idx_bytes({12, 3, 2}, pixels));
  test::write_bytes(dir / "l", test::idx_bytes({12}, test::labels_mod(12, 4)));
  ImageSet s = read_idx_pair(dir / "i", dir / "l", 4);
  EXPECT_EQ(s.size(), 12);
  EXPECT_EQ(s.channels, 1);
  EXPECT_EQ(s.height, 3);
  EXPECT_EQ(s.width, 2);
  EXPECT_EQ(s.pixels, pixels);
  EXPECT_EQ(s.labels[5], 1);
}

TEST(IdxReader, MnistRegistryGivesThePapersSplit) {
  TempDir dir;
  Rng rng(3);
  test::write_mnist_layout(dir.path(), 10200, 50, 4, 4, true, rng);
  LoadOptions o;
  o.dir = dir.path();
  Dataset d = load_dataset("mnist", o);
  EXPECT_EQ(d.train.size(), 200);   // all but the last 10 000
  EXPECT_EQ(d.val.size(), 10000);   // the last 10 000 training images
  EXPECT_EQ(d.test.size(), 50);
  EXPECT_EQ(d.val.labels[0], 200 % 10);
  EXPECT_EQ(&d.held_out(), &d.val);
}

TEST(IdxReader, GenericIdxTakesClassesFromTheLabels) {
  TempDir dir;
  Rng rng(4);
  test::write_mnist_layout(dir.path(), 30, 10, 2, 3, false, rng);
  LoadOptions o;
  o.dir = dir.path();
  Dataset d = load_dataset("idx", o);
  EXPECT_EQ(d.train.classes, 10);
  EXPECT_EQ(d.train.height, 2);
  EXPECT_EQ(d.train.width, 3);
  EXPECT_EQ(&d.held_out(), &d.test);
}

TEST(CifarReader, Cifar10RecordsAndFiveBatches) {
  TempDir dir;
  Rng rng(5);
  std::vector<Bytes> images;
  std::vector<std::vector<uint8_t>> labels;
  for (int i = 0; i < 3; ++i) {
    images.push_back(test::random_bytes(rng, 3072));
    labels.push_back({static_cast<uint8_t>(i * 3)});
  }
  const Bytes batch = test::cifar_bytes(labels, images);
  for (int b = 1; b <= 5; ++b) test::write_bytes(dir / ("data_batch_" + std::to_string(b) + ".bin"), batch);
  test::write_bytes(dir / "test_batch.bin", batch);
  LoadOptions o;
  o.dir = dir.path();
  Dataset d = load_dataset("cifar10", o);
  EXPECT_EQ(d.train.size(), 15);
  EXPECT_EQ(d.test.size(), 3);
  EXPECT_EQ(d.train.labels[4], 3);
  // CHW as stored: the red plane first.
  EXPECT_EQ(d.train.image(1)[0], images[1][0]);
  EXPECT_EQ(d.train.image(1)[1024 + 5], images[1][1024 + 5]);
}

TEST(CifarReader, Cifar100UsesTheFineLabel) {
  Rng rng(6);
  const Bytes b = test::cifar_bytes({{3, 77}, {19, 99}}, {test::random_bytes(rng, 3072), test::random_bytes(rng, 3072)});
  ImageSet s = parse_cifar(b.data(), b.size(), CifarKind::Cifar100, "mem");
  EXPECT_EQ(s.classes, 100);
  EXPECT_EQ(s.labels, (std::vector<int32_t>{77, 99}));
}

#if defined(ADMA_WITH_MATIO)
// A .mat file as SVHN ships it: X 32x32x3xN uint8 (column-major), y Nx1 double 1..10.
void write_svhn(const std::string& path, const Bytes& x_colmajor, const std::vector<double>& y) {
  mat_t* m = Mat_CreateVer(path.c_str(), nullptr, MAT_FT_MAT5);
  ASSERT_NE(m, nullptr);
  size_t xd[4] = {32, 32, 3, y.size()};
  matvar_t* x = Mat_VarCreate("X", MAT_C_UINT8, MAT_T_UINT8, 4, xd, const_cast<uint8_t*>(x_colmajor.data()), 0);
  size_t yd[2] = {y.size(), 1};
  matvar_t* yv = Mat_VarCreate("y", MAT_C_DOUBLE, MAT_T_DOUBLE, 2, yd, const_cast<double*>(y.data()), 0);
  Mat_VarWrite(m, x, MAT_COMPRESSION_ZLIB);
  Mat_VarWrite(m, yv, MAT_COMPRESSION_NONE);
  Mat_VarFree(x);
  Mat_VarFree(yv);
  Mat_Close(m);
}

TEST(SvhnReader, ColumnMajorPixelsAndLabelTenIsZero) {
  TempDir dir;
  Rng rng(7);
  const Bytes x = test::random_bytes(rng, 3072 * 3);
  write_svhn(dir / "train_32x32.mat", x, {10, 1, 7});
  write_svhn(dir / "test_32x32.mat", x, {2, 3, 4});
  LoadOptions o;
  o.dir = dir.path();
  Dataset d = load_dataset("svhn", o);
  ASSERT_EQ(d.train.size(), 3);
  EXPECT_EQ(d.train.labels, (std::vector<int32_t>{0, 1, 7}));
  // X(r=2, c=5, ch=1, i=2) is at 2 + 32*5 + 1024*1 + 3072*2 in MATLAB order.
  EXPECT_EQ(d.train.image(2)[1024 + 2 * 32 + 5], x[2 + 32 * 5 + 1024 + 3072 * 2]);
  EXPECT_EQ(d.test.labels, (std::vector<int32_t>{2, 3, 4}));
}

TEST(SvhnReader, LabelOutsideOneToTenIsRejected) {
  TempDir dir;
  Rng rng(8);
  write_svhn(dir / "bad.mat", test::random_bytes(rng, 3072), {11});
  try {
    read_svhn_mat(dir / "bad.mat");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("bad.mat: label 11 of example 0 is outside 1..10"), std::string::npos) << e.what();
  }
}
#else
TEST(SvhnReader, WithoutMatioSaysWhatToInstall) {
  EXPECT_FALSE(svhn_available());
  try {
    read_svhn_mat("train_32x32.mat");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("libmatio-dev"), std::string::npos);
  }
}
#endif

// A w x h RGB image whose pixels encode (class, index) so a test can tell them apart.
DecodedImage solid(int h, int w, uint8_t r, uint8_t g, uint8_t b) {
  DecodedImage img;
  img.height = h;
  img.width = w;
  for (int i = 0; i < h * w; ++i) img.rgb.insert(img.rgb.end(), {r, g, b});
  return img;
}

TEST(ImageDecode, PngRoundTripsExactlyAndJpegClosely) {
  Rng rng(9);
  DecodedImage img;
  img.height = 6;
  img.width = 5;
  img.rgb = test::random_bytes(rng, 6 * 5 * 3);
  const Bytes png = encode_png(img);
  DecodedImage back = decode_image(png.data(), png.size(), "x.png");
  EXPECT_EQ(back.rgb, img.rgb);
  const DecodedImage flat = solid(8, 8, 200, 100, 50);
  const Bytes jpg = encode_jpeg(flat);
  DecodedImage j = decode_image(jpg.data(), jpg.size(), "x.jpg");
  ASSERT_EQ(j.height, 8);
  for (int k = 0; k < 3; ++k) EXPECT_NEAR(j.rgb[k], flat.rgb[k], 3);
}

TEST(ImageDecode, BilinearResizeOfAGradient) {
  // 1 x 4 row 0, 100, 200, 255 -> 1 x 2: half-pixel centres sample x = 0.5 and 2.5.
  DecodedImage img;
  img.height = 1;
  img.width = 4;
  for (uint8_t v : {0, 100, 200, 255}) img.rgb.insert(img.rgb.end(), {v, v, v});
  uint8_t out[2 * 3];
  resize_to_chw(img, 3, 1, 2, out);
  EXPECT_EQ(out[0], 50);   // (0 + 100) / 2
  EXPECT_EQ(out[1], 228);  // (200 + 255) / 2 = 227.5 -> 228
  EXPECT_EQ(out[2], 50);   // green plane
  // One channel: ITU-R 601 luma of pure red is 0.299 * 255 = 76.2.
  uint8_t grey = 0;
  resize_to_chw(solid(3, 3, 255, 0, 0), 1, 1, 1, &grey);
  EXPECT_EQ(grey, 76);
}

TEST(FolderReader, ClassFoldersSortedResizedAndSplit) {
  TempDir dir;
  const char* classes[] = {"tulip", "daisy", "rose", "sunflower", "dandelion"};
  for (int k = 0; k < 5; ++k)
    for (int i = 0; i < 10; ++i) {
      const DecodedImage img = solid(20 + i, 30, static_cast<uint8_t>(k * 50), 7, 9);
      const bool png = i % 2 == 0;
      test::write_bytes(dir / (std::string(classes[k]) + "/" + std::to_string(i) + (png ? ".png" : ".JPG")),
                        png ? encode_png(img) : encode_jpeg(img));
    }
  LoadOptions o;
  o.dir = dir.path();
  o.seed = 5;
  Dataset d = load_dataset("flowers", o);
  EXPECT_EQ(d.class_names, (std::vector<std::string>{"daisy", "dandelion", "rose", "sunflower", "tulip"}));
  EXPECT_EQ(d.train.size(), 40);
  EXPECT_EQ(d.val.size(), 10);
  EXPECT_EQ(d.train.height, 150);
  EXPECT_EQ(d.train.width, 150);
  // dandelion (sorted: label 1) was drawn with red 200, tulip (label 4) with red 0.
  for (int64_t i = 0; i < d.train.size(); ++i) {
    if (d.train.labels[i] == 1) EXPECT_NEAR(d.train.image(i)[150 * 75 + 3], 200, 3);
    if (d.train.labels[i] == 4) EXPECT_NEAR(d.train.image(i)[150 * 75 + 3], 0, 3);
  }
}

TEST(FolderReader, Ham10000FromMetadataCsv) {
  TempDir dir;
  std::string csv = "lesion_id,image_id,dx,dx_type,age,sex,localization\n";
  const char* dx[] = {"nv", "mel", "bkl", "bcc", "akiec", "vasc", "df"};
  for (int i = 0; i < 14; ++i) {
    const std::string id = "ISIC_00" + std::to_string(100 + i);
    csv += "HAM_" + std::to_string(i) + "," + id + "," + dx[i % 7] + ",histo,50.0,male,back\n";
    const std::string folder = i < 7 ? "HAM10000_images_part_1/" : "HAM10000_images_part_2/";
    test::write_bytes(dir / (folder + id + ".jpg"), encode_jpeg(solid(45, 60, 10, 20, 30)));
  }
  test::write_bytes(dir / "HAM10000_metadata.csv", Bytes(csv.begin(), csv.end()));
  LoadOptions o;
  o.dir = dir.path();
  o.train_fraction = 0.5;
  Dataset d = load_dataset("ham10000", o);
  EXPECT_EQ(d.train.height, 75);
  EXPECT_EQ(d.train.width, 100);
  EXPECT_EQ(d.train.size() + d.val.size(), 14);
  EXPECT_EQ(d.train.size(), 7);  // one of each class
  EXPECT_EQ(d.class_names, ham10000_classes());
}

TEST(FolderReader, DogsVsCatsFromFileNames) {
  TempDir dir;
  for (int i : {1, 2, 10}) {
    test::write_bytes(dir / ("train/cat." + std::to_string(i) + ".jpg"), encode_jpeg(solid(10, 10, 0, 0, 0)));
    test::write_bytes(dir / ("train/dog." + std::to_string(i) + ".jpg"), encode_jpeg(solid(10, 10, 250, 250, 250)));
  }
  std::vector<std::string> names;
  ImageSet s = read_dogs_vs_cats(dir.path(), {3, 16, 16}, &names);
  EXPECT_EQ(names, (std::vector<std::string>{"cat", "dog"}));
  EXPECT_EQ(s.labels, (std::vector<int32_t>{0, 0, 0, 1, 1, 1}));
  EXPECT_LT(s.image(0)[0], 5);
  EXPECT_GT(s.image(5)[0], 245);
}

TEST(Registry, OneRowPerDatasetWithThePapersSettings) {
  std::vector<std::string> names;
  for (const DatasetInfo& d : datasets()) names.push_back(d.name);
  EXPECT_EQ(names, (std::vector<std::string>{"mnist", "fashion-mnist", "cifar10", "cifar100", "svhn", "flowers",
                                             "ham10000", "dogs-vs-cats", "idx", "folder"}));
  const DatasetInfo& f = find_dataset("fashion-mnist");
  EXPECT_EQ(f.paper_epochs, 75);
  EXPECT_EQ(f.augment.rotation, 30.0f);
  EXPECT_EQ(f.augment.width_shift, 0.2f);
  EXPECT_FALSE(f.augment.horizontal_flip);
  EXPECT_STREQ(f.default_dir, "/usr/share/datasets/fashion-mnist");
  EXPECT_TRUE(find_dataset("cifar10").augment.horizontal_flip);
  EXPECT_EQ(find_dataset("cifar100").classes, 100);
  EXPECT_EQ(find_dataset("ham10000").height, 75);
  EXPECT_EQ(find_dataset("ham10000").width, 100);
  EXPECT_DOUBLE_EQ(find_dataset("flowers").paper_lr, 4e-4);
  try {
    find_dataset("imagenet");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("unknown dataset 'imagenet' (known: mnist, fashion-mnist"), std::string::npos);
  }
}

// The real files of Debian's dataset-fashion-mnist.
TEST(FashionMnist, RealFilesWhenInstalled) {
  const std::string dir = find_dataset("fashion-mnist").default_dir;
  if (!dir_exists(dir)) GTEST_SKIP() << dir << " is absent (apt-get install dataset-fashion-mnist)";
  Dataset d = load_dataset("fashion-mnist");
  EXPECT_EQ(d.train.size(), 60000);
  EXPECT_EQ(d.test.size(), 10000);
  EXPECT_EQ(d.val.size(), 0);
  EXPECT_EQ(d.train.height, 28);
  EXPECT_EQ(d.train.width, 28);
  // The published first labels: ankle boot, T-shirt, T-shirt, dress, T-shirt, pullover.
  EXPECT_EQ(std::vector<int32_t>(d.train.labels.begin(), d.train.labels.begin() + 6),
            (std::vector<int32_t>{9, 0, 0, 3, 0, 2}));
  // Test set: ankle boot, pullover, trouser, trouser.
  EXPECT_EQ(std::vector<int32_t>(d.test.labels.begin(), d.test.labels.begin() + 4),
            (std::vector<int32_t>{9, 2, 1, 1}));
  std::vector<int64_t> per_class(10, 0);
  for (int32_t y : d.train.labels) ++per_class[static_cast<size_t>(y)];
  for (int64_t n : per_class) EXPECT_EQ(n, 6000);
  // Fashion-MNIST's training pixels: mean 72.94, std 90.02 (0-255 scale).
  EXPECT_NEAR(d.norm.mean, 72.94, 0.01);
  EXPECT_NEAR(d.norm.std, 90.02, 0.01);
}

}  // namespace
}  // namespace adma::data
