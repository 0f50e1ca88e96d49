// Helpers of the program tests: a fresh temporary folder per test, file text,
// and the size of a PNG read from its header.
#pragma once
#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "apps/common/files.h"
#include "apps/common/subprocess.h"
#include "core/rng.h"

namespace adma::test {

// A folder under $TMPDIR (or /tmp) removed when the test ends.
class TempDir {
 public:
  TempDir() {
    const char* base = std::getenv("TMPDIR");
    std::string tmpl = std::string(base && *base ? base : "/tmp") + "/adma-test-XXXXXX";
    char* p = ::mkdtemp(tmpl.data());
    EXPECT_NE(p, nullptr) << "mkdtemp failed";
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// Width and height from a PNG's IHDR chunk (bytes 16-23, big-endian); {0, 0} if not a PNG.
inline std::pair<uint32_t, uint32_t> png_size(const std::string& path) {
  std::string b;
  try {
    b = apps::read_file(path);
  } catch (...) {
    return {0, 0};
  }
  if (b.size() < 24 || b.compare(1, 3, "PNG") != 0 || b.compare(12, 4, "IHDR") != 0) return {0, 0};
  auto be32 = [&](size_t at) {
    return (uint32_t(uint8_t(b[at])) << 24) | (uint32_t(uint8_t(b[at + 1])) << 16) |
           (uint32_t(uint8_t(b[at + 2])) << 8) | uint32_t(uint8_t(b[at + 3]));
  };
  return {be32(16), be32(20)};
}

inline bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

inline void write_be32(std::ofstream& f, uint32_t v) {
  const char b[4] = {char(v >> 24), char(v >> 16), char(v >> 8), char(v)};
  f.write(b, 4);
}

// A learnable 10-class problem in Fashion-MNIST's file layout: class k is a bright
// bar at row 2k + 4 on noise, so a run can make progress in a few steps.
inline void write_tiny_fashion(const std::string& dir, int train, int test) {
  std::filesystem::create_directories(dir);
  Rng rng(7);
  auto write = [&](const std::string& prefix, int n) {
    std::ofstream images(dir + "/" + prefix + "-images-idx3-ubyte", std::ios::binary);
    std::ofstream labels(dir + "/" + prefix + "-labels-idx1-ubyte", std::ios::binary);
    write_be32(images, 0x803), write_be32(images, n), write_be32(images, 28), write_be32(images, 28);
    write_be32(labels, 0x801), write_be32(labels, n);
    for (int i = 0; i < n; ++i) {
      const int k = i % 10;
      labels.put(char(k));
      for (int r = 0; r < 28; ++r)
        for (int c = 0; c < 28; ++c) {
          const bool bar = r == 2 * k + 4 || r == 2 * k + 5;
          images.put(char(bar ? 200 + static_cast<int>(rng.next_u32() % 50) : static_cast<int>(rng.next_u32() % 60)));
        }
    }
  };
  write("train", train);
  write("t10k", test);
}

#ifdef ADMA_EXE
// The adma program run as a user runs it (ADMA_EXE, this build's binary) in folder `cwd`
// ("" = here) with `env` set for it: its exit status and what it printed (stdout and
// stderr together).
struct ProgramResult {
  int status;
  std::string output;
};
inline ProgramResult run_adma(std::vector<std::string> args, const std::string& cwd = "",
                              const std::vector<std::pair<std::string, std::string>>& env = {}) {
  args.insert(args.begin(), ADMA_EXE);
  for (const auto& [k, v] : env) ::setenv(k.c_str(), v.c_str(), 1);
  ProgramResult r;
  r.status = apps::run_captured(args, cwd, &r.output);
  for (const auto& [k, v] : env) ::unsetenv(k.c_str());
  return r;
}
#endif

}  // namespace adma::test
