// `adma datasets`: the dataset registry (data/datasets.h) as a table; with
// --dataset it loads one, prints its splits, classes and z-score, and with
// --augment-png writes a grid of the first images as the training batches
// see them (Keras-style augmentation, the paper's preset), to check by eye.
#include <cstdio>
#include <fstream>

#include "apps/cli/commands.h"
#include "apps/common/format.h"
#include "data/datasets.h"
#include "data/image_batches.h"
#include "data/image_decode.h"

namespace adma::apps {

namespace {

std::string shape_text(const data::DatasetInfo& d) {
  if (d.height == 0) return "from files";
  return std::to_string(d.channels) + "x" + std::to_string(d.height) + "x" + std::to_string(d.width);
}

std::string augment_text(const kernels::AugmentSpec& a) {
  if (!a.any()) return "-";
  std::string s;
  auto add = [&](const std::string& t) { s += (s.empty() ? "" : ", ") + t; };
  if (a.rotation != 0) add("rotation " + format_number(a.rotation));
  if (a.width_shift != 0) add("shift " + format_number(a.width_shift));
  if (a.horizontal_flip) add("flip");
  return s;
}

void print_table() {
  std::printf("%-14s %-10s %-7s %-6s %-29s %s\n", "dataset", "input", "classes", "epochs", "augmentation", "split");
  for (const data::DatasetInfo& d : data::datasets()) {
    std::printf("%-14s %-10s %-7s %-6s %-29s %s\n", d.name, shape_text(d).c_str(),
                d.classes ? std::to_string(d.classes).c_str() : "files",
                d.paper_epochs ? std::to_string(d.paper_epochs).c_str() : "-", augment_text(d.augment).c_str(), d.split);
  }
  std::printf("\nfiles each directory holds:\n");
  for (const data::DatasetInfo& d : data::datasets())
    std::printf("  %-14s %s%s%s\n", d.name, d.files, *d.default_dir ? "; default " : "", d.default_dir);
}

// A grid of `n` augmented training images (first batch of epoch `epoch`), each
// z-scored values mapped back to 0-255 for viewing.
void write_grid(const data::Dataset& d, int n, uint64_t seed, const std::string& path) {
  data::BatchOptions o;
  o.batch_size = n;
  o.seed = seed;
  o.augment = d.info->augment;
  o.norm = d.norm;
  data::ImageBatches src(d.train, o, Device::cpu());
  src.start_epoch(0);
  const int64_t c = d.train.channels, h = d.train.height, w = d.train.width;
  Tensor x = Tensor::empty(Shape{n, c, h, w}, DType::F32, Device::cpu());
  Tensor y = Tensor::empty(Shape{n}, DType::I32, Device::cpu());
  src.fill(0, x, y);
  const int cols = 8, rows = (n + cols - 1) / cols;
  data::DecodedImage grid;
  grid.height = static_cast<int32_t>(rows * (h + 2));
  grid.width = static_cast<int32_t>(cols * (w + 2));
  grid.rgb.assign(static_cast<size_t>(grid.height) * grid.width * 3, 0);
  const float* px = x.data<float>();
  for (int i = 0; i < n; ++i)
    for (int64_t r = 0; r < h; ++r)
      for (int64_t col = 0; col < w; ++col)
        for (int k = 0; k < 3; ++k) {
          const int64_t ch = c == 3 ? k : 0;
          const float v = px[((i * c + ch) * h + r) * w + col] * d.norm.std + d.norm.mean;
          const int64_t gy = (i / cols) * (h + 2) + 1 + r, gx = (i % cols) * (w + 2) + 1 + col;
          grid.rgb[(gy * grid.width + gx) * 3 + k] = static_cast<uint8_t>(std::lround(std::clamp(v, 0.0f, 255.0f)));
        }
  const std::vector<uint8_t> png = data::encode_png(grid);
  std::ofstream f(path, std::ios::binary);
  f.write(reinterpret_cast<const char*>(png.data()), static_cast<std::streamsize>(png.size()));
  ADMA_CHECK(f.good(), path, ": cannot write");
}

}  // namespace

void register_datasets(CLI::App& app) {
  struct Opts {
    std::string dataset, dir, png;
    int64_t limit = 0;
    double train_fraction = 0.8;
    uint64_t seed = 0;
    int images = 32;
  };
  auto o = std::make_shared<Opts>();
  auto* cmd = app.add_subcommand("datasets", "List the datasets, or load one and show its splits and augmentation");
  cmd->add_option("--dataset", o->dataset, "load this dataset and describe it");
  cmd->add_option("--data-dir", o->dir, "directory holding its files (default: the dataset's own)");
  cmd->add_option("--train-limit", o->limit, "keep only the first N training examples")->check(CLI::NonNegativeNumber);
  cmd->add_option("--train-fraction", o->train_fraction, "image folders: training share of each class");
  cmd->add_option("--seed", o->seed, "split and augmentation seed");
  cmd->add_option("--augment-png", o->png, "write the first augmented training batch as a PNG grid");
  cmd->add_option("--images", o->images, "images in the PNG grid")->check(CLI::Range(1, 256));
  cmd->callback([o] {
    selected() = [o] {
      if (o->dataset.empty()) {
        print_table();
        return;
      }
      data::LoadOptions lo;
      lo.dir = o->dir;
      lo.train_limit = o->limit;
      lo.train_fraction = o->train_fraction;
      lo.seed = o->seed;
      const data::Dataset d = data::load_dataset(o->dataset, lo);
      std::printf("%s: %s\n", d.info->name, d.info->help);
      std::printf("input %lldx%lldx%lld, %lld classes\n", static_cast<long long>(d.train.channels),
                  static_cast<long long>(d.train.height), static_cast<long long>(d.train.width),
                  static_cast<long long>(d.train.classes));
      std::printf("train %lld, validation %lld, test %lld\n", static_cast<long long>(d.train.size()),
                  static_cast<long long>(d.val.size()), static_cast<long long>(d.test.size()));
      std::printf("z-score from train: mean %.4f, std %.4f (0-255 scale)\n", d.norm.mean, d.norm.std);
      std::printf("first training labels:");
      for (int64_t i = 0; i < std::min<int64_t>(10, d.train.size()); ++i) std::printf(" %d", d.train.labels[i]);
      std::printf("\naugmentation: %s (fill nearest)\n", augment_text(d.info->augment).c_str());
      if (!o->png.empty()) {
        write_grid(d, o->images, o->seed, o->png);
        std::printf("wrote %s\n", o->png.c_str());
      }
    };
  });
}

}  // namespace adma::apps
