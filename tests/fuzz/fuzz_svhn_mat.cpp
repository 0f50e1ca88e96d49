// libFuzzer target: the SVHN .mat reader (matio underneath) on arbitrary bytes,
// written to a temporary file since matio reads files. Built only where matio
// is present (ADMA_WITH_MATIO); elsewhere it checks the "install matio" error.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>

#include "core/error.h"
#include "data/svhn.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string path = "/tmp/adma_fuzz_svhn_" + std::to_string(::getpid()) + ".mat";
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return 0;
  if (size) std::fwrite(data, 1, size, f);
  std::fclose(f);
  try {
    adma::data::read_svhn_mat(path);
  } catch (const adma::Error&) {
  }
  return 0;
}
