// Helpers for the data tests: a temporary folder that removes itself, and
// writers for each dataset format (IDX raw/.gz, CIFAR binary, images), so every
// reader is tested on files the test itself wrote.
#pragma once
#include <zlib.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/rng.h"

namespace adma::test {

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "adma_data_XXXXXX").string();
    ADMA_CHECK(::mkdtemp(tmpl.data()) != nullptr, "mkdtemp failed");
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string path() const { return path_; }
  std::string operator/(const std::string& name) const { return (std::filesystem::path(path_) / name).string(); }

 private:
  std::string path_;
};

using Bytes = std::vector<uint8_t>;

inline void write_bytes(const std::string& path, const Bytes& b) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream f(path, std::ios::binary);
  f.write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
  ADMA_CHECK(f.good(), "cannot write ", path);
}

inline Bytes gzip_bytes(const Bytes& raw) {
  z_stream zs{};
  ADMA_CHECK(deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) == Z_OK, "deflateInit2");
  Bytes out(deflateBound(&zs, raw.size()) + 64);
  zs.next_in = const_cast<Bytef*>(raw.data());
  zs.avail_in = static_cast<uInt>(raw.size());
  zs.next_out = out.data();
  zs.avail_out = static_cast<uInt>(out.size());
  ADMA_CHECK(deflate(&zs, Z_FINISH) == Z_STREAM_END, "deflate");
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

inline void put_be32(Bytes& b, uint32_t v) {
  for (int s = 24; s >= 0; s -= 8) b.push_back(static_cast<uint8_t>(v >> s));
}

// An IDX ubyte file: header for `dims`, then `values`.
inline Bytes idx_bytes(const std::vector<uint32_t>& dims, const Bytes& values) {
  Bytes b{0, 0, 0x08, static_cast<uint8_t>(dims.size())};
  for (uint32_t d : dims) put_be32(b, d);
  b.insert(b.end(), values.begin(), values.end());
  return b;
}

inline Bytes random_bytes(Rng& rng, size_t n) {
  Bytes b(n);
  for (auto& v : b) v = static_cast<uint8_t>(rng.next_u32() & 0xff);
  return b;
}

inline Bytes labels_mod(int64_t n, int classes, int offset = 0) {
  Bytes b(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) b[static_cast<size_t>(i)] = static_cast<uint8_t>((i + offset) % classes);
  return b;
}

// The four MNIST-layout files in `dir` (gzipped or raw) of n_train/n_test
// random h x w images with labels i % 10.
inline void write_mnist_layout(const std::string& dir, int64_t n_train, int64_t n_test, int h, int w, bool gz,
                               Rng& rng) {
  auto put = [&](const std::string& name, const Bytes& b) {
    write_bytes(dir + "/" + name + (gz ? ".gz" : ""), gz ? gzip_bytes(b) : b);
  };
  const uint32_t H = static_cast<uint32_t>(h), W = static_cast<uint32_t>(w);
  put("train-images-idx3-ubyte", idx_bytes({static_cast<uint32_t>(n_train), H, W}, random_bytes(rng, n_train * h * w)));
  put("train-labels-idx1-ubyte", idx_bytes({static_cast<uint32_t>(n_train)}, labels_mod(n_train, 10)));
  put("t10k-images-idx3-ubyte", idx_bytes({static_cast<uint32_t>(n_test), H, W}, random_bytes(rng, n_test * h * w)));
  put("t10k-labels-idx1-ubyte", idx_bytes({static_cast<uint32_t>(n_test)}, labels_mod(n_test, 10, 3)));
}

// CIFAR records: label byte(s) then 3072 pixels; label_bytes 1 (CIFAR-10) or 2 (coarse, fine).
inline Bytes cifar_bytes(const std::vector<std::vector<uint8_t>>& labels, const std::vector<Bytes>& images) {
  Bytes b;
  for (size_t i = 0; i < images.size(); ++i) {
    b.insert(b.end(), labels[i].begin(), labels[i].end());
    b.insert(b.end(), images[i].begin(), images[i].end());
  }
  return b;
}

}  // namespace adma::test
