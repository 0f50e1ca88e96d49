// CIFAR binary records: fixed size, so the count is the file size divided by
// the record size, and a remainder means a truncated or foreign file.
#include "data/cifar.h"

#include "core/error.h"
#include "data/file_bytes.h"

namespace adma::data {

ImageSet parse_cifar(const uint8_t* data, size_t size, CifarKind kind, const std::string& name) {
  const size_t label_bytes = kind == CifarKind::Cifar10 ? 1 : 2;
  const size_t image_bytes = 3 * 32 * 32, record = label_bytes + image_bytes;
  ADMA_CHECK(size > 0, name, ": empty file");
  ADMA_CHECK(size % record == 0, name, ": ", size, " bytes is not a whole number of ", record, "-byte ",
             kind == CifarKind::Cifar10 ? "CIFAR-10" : "CIFAR-100", " records (truncated file, or the other CIFAR?)");
  const size_t n = size / record;
  ImageSet s;
  s.channels = 3;
  s.height = 32;
  s.width = 32;
  s.classes = kind == CifarKind::Cifar10 ? 10 : 100;
  s.source = name;
  s.pixels.resize(n * image_bytes);
  s.labels.resize(n);
  for (size_t i = 0; i < n; ++i) {
    const uint8_t* r = data + i * record;
    s.labels[i] = r[label_bytes - 1];  // CIFAR-100: the fine label follows the coarse one
    std::copy(r + label_bytes, r + record, s.pixels.begin() + static_cast<std::ptrdiff_t>(i * image_bytes));
  }
  s.check();
  return s;
}

ImageSet read_cifar(const std::vector<std::string>& files, CifarKind kind) {
  ADMA_CHECK(!files.empty(), "read_cifar: no files given");
  ImageSet all;
  for (const std::string& f : files) {
    std::vector<uint8_t> bytes = read_file(f);
    ImageSet part = parse_cifar(bytes.data(), bytes.size(), kind, f);
    if (all.labels.empty()) {
      all = std::move(part);
    } else {
      all.pixels.insert(all.pixels.end(), part.pixels.begin(), part.pixels.end());
      all.labels.insert(all.labels.end(), part.labels.begin(), part.labels.end());
    }
  }
  if (files.size() > 1) all.source = files.front() + " .. " + files.back();
  return all;
}

}  // namespace adma::data
