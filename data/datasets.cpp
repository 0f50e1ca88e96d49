// The registry table and one loader per file layout.
#include "data/datasets.h"

#include <algorithm>
#include <filesystem>

#include "core/error.h"
#include "data/cifar.h"
#include "data/file_bytes.h"
#include "data/idx.h"
#include "data/split.h"
#include "data/svhn.h"

namespace adma::data {

namespace fs = std::filesystem;

namespace {

constexpr const char* kFashionHint = "Fashion-MNIST: apt-get install dataset-fashion-mnist";

std::string hint_for(const DatasetInfo& info) {
  return std::string(info.name) == "fashion-mnist" ? kFashionHint : std::string(info.name) + " expects " + info.files;
}

std::string data_dir(const DatasetInfo& info, const LoadOptions& o) {
  const std::string dir = o.dir.empty() ? info.default_dir : o.dir;
  ADMA_CHECK(!dir.empty(), info.name, ": no data directory given (it should hold ", info.files, ")");
  ADMA_CHECK(dir_exists(dir), dir, ": no such directory (", hint_for(info), ")");
  return dir;
}

// The first of `names` present in `dir` (a few layouts ship with or without .gz,
// or inside a sub-folder); throws naming the first candidate when none is, or naming
// a candidate that is there but is no regular file (a FIFO, a folder), which a reader
// must not open (a FIFO would block it).
std::string find_file(const DatasetInfo& info, const std::string& dir, const std::vector<std::string>& names) {
  for (const std::string& n : names) {
    const std::string path = (fs::path(dir) / n).string();
    if (file_exists(path)) return path;
    std::error_code ec;
    const fs::file_status st = fs::status(path, ec);
    if (!ec && fs::exists(st))
      ADMA_THROW(path, ": is ", fs::is_directory(st) ? "a folder" : fs::is_fifo(st) ? "a FIFO" : "a special file",
                 ", not a regular file (", hint_for(info), ")");
  }
  ADMA_THROW((fs::path(dir) / names.front()).string(), ": no such file (", hint_for(info), ")");
}

std::vector<std::string> with_gz(const std::string& name) { return {name + ".gz", name}; }

int64_t max_label_plus_one(const IdxArray& labels) {
  int64_t m = 0;
  for (uint8_t v : labels.values) m = std::max<int64_t>(m, v);
  return m + 1;
}

// MNIST-style IDX: train-* and t10k-* image and label files.
Dataset load_idx_layout(const DatasetInfo& info, const LoadOptions& o) {
  const std::string dir = data_dir(info, o), hint = hint_for(info);
  const std::string tri = find_file(info, dir, with_gz("train-images-idx3-ubyte"));
  const std::string trl = find_file(info, dir, with_gz("train-labels-idx1-ubyte"));
  const std::string tei = find_file(info, dir, with_gz("t10k-images-idx3-ubyte"));
  const std::string tel = find_file(info, dir, with_gz("t10k-labels-idx1-ubyte"));
  IdxArray train_labels = read_idx(trl, hint);
  int64_t classes = info.classes ? info.classes : o.classes ? o.classes : max_label_plus_one(train_labels);
  Dataset d;
  d.train = idx_image_set(read_idx(tri, hint), train_labels, classes, tri + " + " + trl);
  d.test = idx_image_set(read_idx(tei, hint), read_idx(tel, hint), classes, tei + " + " + tel);
  if (std::string(info.name) == "mnist") {  // the paper: 50k train / 10k validation / 10k test
    ADMA_CHECK(d.train.size() > 10000, tri, ": ", d.train.size(), " training images, MNIST's split needs more than 10000");
    d.val = take_range(d.train, d.train.size() - 10000, d.train.size());
    d.train = take_range(d.train, 0, d.train.size() - 10000);
  }
  return d;
}

Dataset load_cifar10(const DatasetInfo& info, const LoadOptions& o) {
  std::string dir = data_dir(info, o);
  if (dir_exists((fs::path(dir) / "cifar-10-batches-bin").string())) dir = (fs::path(dir) / "cifar-10-batches-bin").string();
  std::vector<std::string> train;
  for (int b = 1; b <= 5; ++b) train.push_back(find_file(info, dir, {"data_batch_" + std::to_string(b) + ".bin"}));
  Dataset d;
  d.train = read_cifar(train, CifarKind::Cifar10);
  d.test = read_cifar({find_file(info, dir, {"test_batch.bin"})}, CifarKind::Cifar10);
  return d;
}

Dataset load_cifar100(const DatasetInfo& info, const LoadOptions& o) {
  std::string dir = data_dir(info, o);
  if (dir_exists((fs::path(dir) / "cifar-100-binary").string())) dir = (fs::path(dir) / "cifar-100-binary").string();
  Dataset d;
  d.train = read_cifar({find_file(info, dir, {"train.bin"})}, CifarKind::Cifar100);
  d.test = read_cifar({find_file(info, dir, {"test.bin"})}, CifarKind::Cifar100);
  return d;
}

Dataset load_svhn(const DatasetInfo& info, const LoadOptions& o) {
  const std::string dir = data_dir(info, o);
  Dataset d;
  d.train = read_svhn_mat(find_file(info, dir, {"train_32x32.mat"}));
  d.test = read_svhn_mat(find_file(info, dir, {"test_32x32.mat"}));
  return d;
}

ImageGeometry geometry_of(const DatasetInfo& info, const LoadOptions& o) {
  ImageGeometry g{static_cast<int32_t>(info.channels), static_cast<int32_t>(info.height),
                  static_cast<int32_t>(info.width)};
  if (o.geometry.height > 0) g = o.geometry;
  if (g.height == 0) g = {3, 150, 150};
  return g;
}

// Image folders: read, then the seeded stratified split.
Dataset split_folders(const DatasetInfo& info, const LoadOptions& o, ImageSet all, std::vector<std::string> names) {
  ADMA_CHECK(info.classes == 0 || all.classes == info.classes, all.source, ": ", all.classes, " classes found, ",
             info.name, " has ", info.classes);
  Dataset d;
  d.class_names = std::move(names);
  auto parts = stratified_split(all, o.train_fraction, o.seed);
  d.train = std::move(parts.first);
  d.val = std::move(parts.second);
  return d;
}

Dataset load_class_folders(const DatasetInfo& info, const LoadOptions& o) {
  std::string dir = data_dir(info, o);
  std::vector<std::string> names;
  ImageSet all = read_class_folders(dir, geometry_of(info, o), &names);
  return split_folders(info, o, std::move(all), std::move(names));
}

Dataset load_ham10000(const DatasetInfo& info, const LoadOptions& o) {
  const std::string dir = data_dir(info, o);
  std::vector<std::string> names;
  ImageSet all = file_exists((fs::path(dir) / "HAM10000_metadata.csv").string())
                     ? read_ham10000(dir, geometry_of(info, o), &names)
                     : read_class_folders(dir, geometry_of(info, o), &names);
  return split_folders(info, o, std::move(all), std::move(names));
}

Dataset load_dogs_vs_cats(const DatasetInfo& info, const LoadOptions& o) {
  const std::string dir = data_dir(info, o);
  std::vector<std::string> names;
  ImageSet all = read_dogs_vs_cats(dir, geometry_of(info, o), &names);
  return split_folders(info, o, std::move(all), std::move(names));
}

kernels::AugmentSpec preset(float rotation, float shift, bool flip) {
  kernels::AugmentSpec s;
  s.rotation = rotation;
  s.width_shift = shift;
  s.height_shift = shift;
  s.horizontal_flip = flip;
  return s;
}

}  // namespace

const std::vector<DatasetInfo>& datasets() {
  static const std::vector<DatasetInfo> table{
      {"mnist", 1, 28, 28, 10, 50, 0.0, preset(30, 0.2f, false), "50k train / 10k validation (last 10k of train) / 10k test",
       "", "train-images-idx3-ubyte[.gz], train-labels-idx1-ubyte[.gz], t10k-images-idx3-ubyte[.gz], t10k-labels-idx1-ubyte[.gz]",
       "MNIST handwritten digits (IDX)", load_idx_layout},
      {"fashion-mnist", 1, 28, 28, 10, 75, 0.0, preset(30, 0.2f, false), "60k train / 10k test",
       "/usr/share/datasets/fashion-mnist",
       "train-images-idx3-ubyte[.gz], train-labels-idx1-ubyte[.gz], t10k-images-idx3-ubyte[.gz], t10k-labels-idx1-ubyte[.gz]",
       "Fashion-MNIST clothing (IDX; Debian package dataset-fashion-mnist)", load_idx_layout},
      {"cifar10", 3, 32, 32, 10, 125, 0.0, preset(0, 0.2f, true), "50k train / 10k test", "",
       "data_batch_1.bin .. data_batch_5.bin, test_batch.bin (CIFAR-10 binary version; or in cifar-10-batches-bin/)",
       "CIFAR-10 (binary version)", load_cifar10},
      {"cifar100", 3, 32, 32, 100, 170, 0.0, preset(15, 0.1f, true), "50k train / 10k test (fine labels)", "",
       "train.bin, test.bin (CIFAR-100 binary version; or in cifar-100-binary/)", "CIFAR-100 (binary version, fine labels)",
       load_cifar100},
      {"svhn", 3, 32, 32, 10, 0, 0.0, preset(0, 0, false), "73,257 train / 26,032 test", "",
       "train_32x32.mat, test_32x32.mat (cropped digits; needs matio)", "SVHN cropped digits (.mat via matio)", load_svhn},
      {"flowers", 3, 150, 150, 5, 150, 4e-4, preset(0, 0, false), "stratified, train fraction 0.8 (seeded)", "",
       "one folder per class (daisy, dandelion, rose, sunflower, tulip) of .jpg/.png images",
       "Flowers recognition, 5 classes (image folders)", load_class_folders},
      {"ham10000", 3, 75, 100, 7, 150, 0.0, preset(0, 0, false), "stratified, train fraction 0.8 (seeded)", "",
       "HAM10000_metadata.csv and <image_id>.jpg (also in HAM10000_images_part_1/2), or one folder per class",
       "HAM10000 skin lesions, 7 classes", load_ham10000},
      {"dogs-vs-cats", 3, 150, 150, 2, 50, 0.0, preset(0, 0, false), "stratified, train fraction 0.8 (seeded)", "",
       "cat.N.jpg and dog.N.jpg (or in train/), or cat/ and dog/ folders", "Dogs vs Cats (Kaggle)", load_dogs_vs_cats},
      {"idx", 0, 0, 0, 0, 0, 0.0, preset(0, 0, false), "train / test files as given", "",
       "train-images-idx3-ubyte[.gz], train-labels-idx1-ubyte[.gz], t10k-images-idx3-ubyte[.gz], t10k-labels-idx1-ubyte[.gz]",
       "your own IDX files (MNIST layout; classes = largest label + 1 unless given)", load_idx_layout},
      {"folder", 0, 0, 0, 0, 0, 0.0, preset(0, 0, false), "stratified, train fraction 0.8 (seeded)", "",
       "one folder per class of .jpg/.png images", "your own image folders (resized to 3x150x150 unless given)",
       load_class_folders},
  };
  return table;
}

const DatasetInfo& find_dataset(const std::string& name) {
  std::string names;
  for (const DatasetInfo& d : datasets()) {
    if (name == d.name) return d;
    names += names.empty() ? d.name : std::string(", ") + d.name;
  }
  ADMA_THROW("unknown dataset '", name, "' (known: ", names, ")");
}

Dataset load_dataset(const std::string& name, const LoadOptions& options) {
  const DatasetInfo& info = find_dataset(name);
  Dataset d = info.load(info, options);
  d.info = &info;
  d.train = limit_examples(d.train, options.train_limit);
  d.norm = Normalization::from(d.train);
  return d;
}

}  // namespace adma::data
