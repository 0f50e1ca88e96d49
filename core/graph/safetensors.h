// The safetensors format, read strictly (the reader behind load_checkpoint, and
// what tests/fuzz/fuzz_checkpoint.cpp drives with arbitrary bytes):
//   [8 bytes: header length H, little-endian] [H bytes: JSON header] [data section]
// The header is one JSON object: per tensor {"dtype": "F32", "shape": [d0, ...],
// "data_offsets": [begin, end]} (offsets relative to the data section), plus an optional
// "__metadata__" object of strings. Accepted only when
//   - no object repeats a key, no entry has a missing or unknown field, dtypes are known;
//   - shapes and offsets are JSON integers >= 0 that fit in 64 bits (never floats);
//   - every range is exactly element size x number of elements bytes long, and the
//     ranges tile the data section: sorted by offset they start at 0, each begins where
//     the previous ended, the last ends at the end of the file (no overlap, gap, or tail).
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/graph/graph.h"

namespace adma::safetensors {

// As the reference implementation (huggingface/safetensors): no header is larger.
constexpr uint64_t kMaxHeaderBytes = 100'000'000;
// Deeper JSON nesting than a safetensors header ever has (object / entry / shape).
constexpr int kMaxJsonDepth = 8;

struct Entry {
  std::string name, dtype;
  std::vector<uint64_t> shape;
  uint64_t begin = 0, end = 0;  // byte range within the data section
};

struct Header {
  std::vector<Entry> entries;  // in file order
  std::map<std::string, std::string> metadata;
  const Entry* find(const std::string& name) const;
};

// Bytes per element of a safetensors dtype name ("F32" -> 4), 0 when unknown.
uint64_t dtype_bytes(const std::string& dtype);
// The safetensors name of an adma dtype.
const char* dtype_name(DType t);

// Parses and checks `json_text` (the H header bytes) against a data section of
// `data_bytes`; every refusal is an Error that starts with `source` and says what is wrong.
Header parse_header(const std::string& json_text, uint64_t data_bytes, const std::string& source);

// Parses a whole file image held in memory (the fuzz target's entry point); sets
// *data_offset to where the data section starts.
Header parse_image(const unsigned char* bytes, size_t size, const std::string& source, uint64_t* data_offset);

// Everything in which the file differs from `tensors` (missing, unexpected, dtype,
// shape), one line each; empty when every tensor can be filled from the file.
std::vector<std::string> mismatches(const Header& header, const std::vector<NamedTensor>& tensors);

}  // namespace adma::safetensors
