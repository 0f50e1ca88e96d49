// IDX files (LeCun's MNIST format, also Fashion-MNIST): a big-endian header
//   0x00 0x00 <type> <rank>, then `rank` uint32 dimensions, then the items,
// raw or gzip-compressed. adma reads type 0x08 (unsigned byte): images are
// rank 3 [N, rows, cols], labels rank 1 [N].
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "data/image_set.h"

namespace adma::data {

struct IdxArray {
  std::vector<uint32_t> dims;
  std::vector<uint8_t> values;  // product(dims) bytes
};

// Parses an IDX file already in memory (inflated). `name` names it in errors:
// wrong magic, a type other than unsigned byte, and a header that claims more
// (or fewer) bytes than follow it are all rejected before anything is allocated.
IdxArray parse_idx(const uint8_t* data, size_t size, const std::string& name);
// The size of the whole file its header promises, once `size` bytes hold the header
// (0 before; an Error naming the file for a wrong header): what a gzip-compressed IDX
// file may inflate to (data/file_bytes.h, SizePromise).
size_t idx_promised_size(const uint8_t* data, size_t size, const std::string& name);
// Reads `path` (raw or .gz) and parses it.
IdxArray read_idx(const std::string& path, const std::string& hint = "");
// An images file [N, rows, cols] and its labels file [N] as one ImageSet
// (1 channel); counts must agree and labels lie in [0, classes).
ImageSet idx_image_set(const IdxArray& images, const IdxArray& labels, int64_t classes, const std::string& name);
ImageSet read_idx_pair(const std::string& images_path, const std::string& labels_path, int64_t classes,
                       const std::string& hint = "");

}  // namespace adma::data
