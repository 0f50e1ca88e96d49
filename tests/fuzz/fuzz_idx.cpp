// libFuzzer target: the IDX parser (and the gzip layer in front of it) on
// arbitrary bytes. adma::Error is the expected answer to bad input; any other
// exception, a crash or a sanitizer report is a bug.
#include <cstddef>
#include <cstdint>

#include "core/error.h"
#include "data/file_bytes.h"
#include "data/idx.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    if (adma::data::is_gzip(data, size)) {
      // A small cap: what matters is that a bomb is refused, not how big it gets. The
      // header's promise bounds the output as read_idx bounds it.
      std::vector<uint8_t> raw =
          adma::data::gunzip(data, size, "fuzz.gz", size_t{64} << 20, [](const uint8_t* head, size_t n) {
            return adma::data::idx_promised_size(head, n, "fuzz.gz");
          });
      if (raw.size() > (size_t{64} << 20)) __builtin_trap();
      adma::data::IdxArray a = adma::data::parse_idx(raw.data(), raw.size(), "fuzz");
      (void)a;
      return 0;
    }
    adma::data::IdxArray a = adma::data::parse_idx(data, size, "fuzz");
    if (a.dims.size() == 3) {
      adma::data::IdxArray labels;
      labels.dims = {a.dims[0]};
      labels.values.assign(a.dims[0], 0);
      adma::data::idx_image_set(a, labels, 10, "fuzz");
    }
  } catch (const adma::Error&) {
  }
  return 0;
}
