// IDX parsing: every size is checked against the bytes that are there before
// anything is allocated from it.
#include "data/idx.h"

#include "core/error.h"
#include "data/file_bytes.h"

namespace adma::data {

namespace {
uint32_t be32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | uint32_t{p[3]};
}


// Magic, type and rank; the header's size in bytes.
size_t check_idx_header(const uint8_t* data, size_t size, const std::string& name) {
  ADMA_CHECK(size >= 4, name, ": ", size, " bytes is too short for an IDX header");
  ADMA_CHECK(data[0] == 0 && data[1] == 0, name, ": wrong magic number 0x", std::hex, be32(data),
             " (an IDX file starts with 0x0000, then type and rank)");
  ADMA_CHECK(data[2] == 0x08, name, ": IDX element type 0x", std::hex, int{data[2]},
             " is not supported (adma reads 0x08, unsigned byte)");
  const int rank = data[3];
  ADMA_CHECK(rank >= 1 && rank <= 4, name, ": IDX rank ", rank, " (expected 1 to 4)");
  return 4 + 4 * static_cast<size_t>(rank);
}
}  // namespace

size_t idx_promised_size(const uint8_t* data, size_t size, const std::string& name) {
  if (size < 4) return 0;
  const size_t header = check_idx_header(data, size, name);
  if (size < header) return 0;
  uint64_t total = 1;
  for (size_t d = 0; d < (header - 4) / 4; ++d) {
    total *= be32(data + 4 + 4 * d);
    ADMA_CHECK(total <= kMaxFileBytes, name, ": its IDX header promises more than the ", kMaxFileBytes,
               " bytes a dataset file may have");
  }
  return static_cast<size_t>(total + header);
}

IdxArray parse_idx(const uint8_t* data, size_t size, const std::string& name) {
  const size_t header = check_idx_header(data, size, name);
  const int rank = data[3];
  ADMA_CHECK(size >= header, name, ": truncated IDX header (", size, " bytes, rank ", rank, " needs ", header, ")");
  IdxArray a;
  uint64_t items = 1;
  for (int d = 0; d < rank; ++d) {
    const uint32_t n = be32(data + 4 + 4 * d);
    a.dims.push_back(n);
    items *= n;  // at most 2^32 per dimension: checked against the file size below before it can overflow far
    ADMA_CHECK(items <= size, name, ": header claims ", items, "+ items but the file holds only ", size - header,
               " bytes after its header");
  }
  const uint64_t have = size - header;
  ADMA_CHECK(items <= have, name, ": header claims ", items, " items but the file holds only ", have,
             " bytes after its header (truncated file?)");
  ADMA_CHECK(items == have, name, ": header claims ", items, " items but ", have, " bytes follow it");
  a.values.assign(data + header, data + size);
  return a;
}

IdxArray read_idx(const std::string& path, const std::string& hint) {
  std::vector<uint8_t> bytes =
      read_maybe_gzip(path, hint, [&](const uint8_t* head, size_t n) { return idx_promised_size(head, n, path); });
  return parse_idx(bytes.data(), bytes.size(), path);
}

ImageSet idx_image_set(const IdxArray& images, const IdxArray& labels, int64_t classes, const std::string& name) {
  ADMA_CHECK(images.dims.size() == 3, name, ": an images file has rank 3 [N, rows, cols], this one rank ",
             images.dims.size());
  ADMA_CHECK(labels.dims.size() == 1, name, ": a labels file has rank 1 [N], this one rank ", labels.dims.size());
  ADMA_CHECK(images.dims[0] == labels.dims[0], name, ": ", images.dims[0], " images but ", labels.dims[0],
             " labels");
  ADMA_CHECK(images.dims[1] > 0 && images.dims[2] > 0 && images.dims[1] <= kMaxSide && images.dims[2] <= kMaxSide,
             name, ": images of ", images.dims[1], "x", images.dims[2], " pixels (each side 1 to ", kMaxSide, ")");
  ImageSet s;
  s.channels = 1;
  s.height = images.dims[1];
  s.width = images.dims[2];
  s.classes = classes;
  s.source = name;
  s.pixels = images.values;
  s.labels.assign(labels.values.begin(), labels.values.end());
  s.check();
  return s;
}

ImageSet read_idx_pair(const std::string& images_path, const std::string& labels_path, int64_t classes,
                       const std::string& hint) {
  IdxArray images = read_idx(images_path, hint);
  IdxArray labels = read_idx(labels_path, hint);
  return idx_image_set(images, labels, classes, images_path + " + " + labels_path);
}

}  // namespace adma::data
