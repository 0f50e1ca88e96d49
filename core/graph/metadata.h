// Strict reading of a checkpoint's metadata (the safetensors "__metadata__" strings):
// a value is read whole (no "1abc", no "" as 0, no leading "+"), must be finite and
// within the range the caller states, and every refusal names the file, the key, the
// value and what was expected. Readers check every key they need this way before
// they apply any of it, so a refused checkpoint changes nothing (optim/trainer.cpp).
#pragma once
#include <cstdint>
#include <map>
#include <string>

namespace adma {

using Metadata = std::map<std::string, std::string>;

// The text of `key`; an Error naming `path` when it is missing.
const std::string& metadata_text(const Metadata& m, const std::string& key, const std::string& path);
// A whole decimal integer in [lo, hi].
int64_t metadata_integer(const Metadata& m, const std::string& key, int64_t lo, int64_t hi, const std::string& path);
// A number (decimal or exponent form) in [lo, hi]; `allow_infinite` also takes "inf"
// and "-inf" (a plateau schedule's best-so-far starts there). NaN is always refused.
double metadata_number(const Metadata& m, const std::string& key, double lo, double hi, const std::string& path,
                       bool allow_infinite = false);

}  // namespace adma
