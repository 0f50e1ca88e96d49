// MAT v5 layout (MathWorks, "MAT-File Format"): a 128-byte header whose last
// two bytes are the endian indicator "IM" (little-endian writer) or "MI", then
// data elements. Each element is a tag -- u32 type, u32 byte count, or the
// small form with the count in the upper 16 bits and 4 bytes of data -- and
// its data, padded to 8 bytes (compressed elements are not padded).
// miMATRIX (14) holds sub-elements: array flags, dimensions (int32), name, then
// the real (and imaginary) parts for numeric classes.
#include "data/mat5_check.h"

#include <zlib.h>

#include <cstring>
#include <vector>

#include "core/error.h"

namespace adma::data {

namespace {

constexpr uint32_t kMiInt32 = 5, kMiMatrix = 14, kMiCompressed = 15;
constexpr int kMaxDepth = 8;

struct Reader {
  const uint8_t* base;
  size_t size;
  bool swap;
  const std::string& name;
  uint32_t u32(size_t at) const {
    uint32_t v;
    std::memcpy(&v, base + at, 4);
    return swap ? __builtin_bswap32(v) : v;
  }
};

struct Tag {
  uint32_t type, bytes;
  size_t data;  // offset of the data
  size_t next;  // offset of the next element
};

// The tag at `at` within [at, end); throws when it or its data overrun `end`.
Tag read_tag(const Reader& r, size_t at, size_t end) {
  ADMA_CHECK(at + 8 <= end, r.name, ": truncated .mat element tag at byte ", at);
  const uint32_t first = r.u32(at);
  Tag t;
  if ((first >> 16) != 0) {  // small data element: 4 bytes of data inside the tag
    t.type = first & 0xffff;
    t.bytes = first >> 16;
    ADMA_CHECK(t.bytes <= 4, r.name, ": small .mat element at byte ", at, " claims ", t.bytes, " bytes (at most 4)");
    t.data = at + 4;
    t.next = at + 8;
    return t;
  }
  t.type = first;
  t.bytes = r.u32(at + 4);
  t.data = at + 8;
  ADMA_CHECK(t.bytes <= end - t.data, r.name, ": .mat element at byte ", at, " claims ", t.bytes,
             " bytes but only ", end - t.data, " follow");
  const size_t padded = t.type == kMiCompressed ? t.bytes : (static_cast<size_t>(t.bytes) + 7) / 8 * 8;
  t.next = std::min(end, t.data + padded);
  return t;
}

std::vector<uint8_t> inflate_element(const Reader& r, const Tag& t) {
  // zlib cannot exceed ~1032:1; a larger claim is a forged stream.
  const size_t cap = std::max<size_t>(size_t{1} << 20, static_cast<size_t>(t.bytes) * 1100);
  std::vector<uint8_t> out(std::min<size_t>(cap, std::max<size_t>(size_t{1} << 16, t.bytes * size_t{4})));
  z_stream zs;
  std::memset(&zs, 0, sizeof zs);
  ADMA_CHECK(inflateInit(&zs) == Z_OK, r.name, ": zlib could not start");
  zs.next_in = const_cast<Bytef*>(r.base + t.data);
  zs.avail_in = t.bytes;
  size_t done = 0;
  for (;;) {
    zs.next_out = out.data() + done;
    zs.avail_out = static_cast<uInt>(out.size() - done);
    const int rc = inflate(&zs, Z_NO_FLUSH);
    done = out.size() - zs.avail_out;
    if (rc == Z_STREAM_END) break;
    if (rc != Z_OK && rc != Z_BUF_ERROR) {
      inflateEnd(&zs);
      ADMA_THROW(r.name, ": corrupt compressed .mat element at byte ", t.data - 8);
    }
    if (zs.avail_out == 0 && out.size() < cap) {
      out.resize(std::min(cap, out.size() * 2));
      continue;
    }
    inflateEnd(&zs);
    ADMA_THROW(r.name, zs.avail_in == 0 ? ": truncated compressed .mat element at byte "
                                        : ": compressed .mat element inflates beyond its bound at byte ",
               t.data - 8);
  }
  inflateEnd(&zs);
  out.resize(done);
  return out;
}

void check_elements(const Reader& r, size_t at, size_t end, int depth);

// A miMATRIX: flags, dimensions, name, then parts. A numeric array's element
// count must not exceed the bytes of its real part (every element takes >= 1 byte).
void check_matrix(const Reader& r, const Tag& m, int depth) {
  const size_t end = m.data + m.bytes;
  if (m.bytes == 0) return;  // an empty matrix is legal
  const Tag flags = read_tag(r, m.data, end);
  ADMA_CHECK(flags.bytes >= 8, r.name, ": .mat array flags at byte ", m.data, " are ", flags.bytes, " bytes (8)");
  const uint32_t cls = r.u32(flags.data) & 0xff;
  const Tag dims = read_tag(r, flags.next, end);
  ADMA_CHECK(dims.type == kMiInt32 && dims.bytes % 4 == 0 && dims.bytes >= 8, r.name,
             ": .mat dimensions at byte ", flags.next, " are not two or more int32 values");
  uint64_t count = 1;
  for (uint32_t k = 0; k < dims.bytes / 4; ++k) {
    const int32_t d = static_cast<int32_t>(r.u32(dims.data + 4 * k));
    ADMA_CHECK(d >= 0, r.name, ": negative .mat dimension ", d);
    count = count * static_cast<uint64_t>(d);
    ADMA_CHECK(count <= r.size * uint64_t{8} + 64, r.name, ": .mat array at byte ", m.data - 8,
               " claims more elements than the file can hold");
  }
  const Tag nm = read_tag(r, dims.next, end);
  size_t at = nm.next;
  if (cls >= 6 && cls <= 15) {  // numeric classes (double .. uint64): real part, optional imaginary part
    if (count == 0) return;
    const Tag real = read_tag(r, at, end);
    ADMA_CHECK(count <= real.bytes, r.name, ": .mat array at byte ", m.data - 8, " claims ", count,
               " elements but its data holds ", real.bytes, " bytes");
    at = real.next;
    if (at < end) read_tag(r, at, end);
    return;
  }
  if (depth < kMaxDepth) check_elements(r, at, end, depth + 1);  // cells, structs: nested miMATRIX and fields
}

void check_elements(const Reader& r, size_t at, size_t end, int depth) {
  while (at < end) {
    if (end - at < 8) return;  // trailing padding
    const Tag t = read_tag(r, at, end);
    if (t.type == kMiMatrix) {
      check_matrix(r, t, depth);
    } else if (t.type == kMiCompressed) {
      const std::vector<uint8_t> inner = inflate_element(r, t);
      const Reader ir{inner.data(), inner.size(), r.swap, r.name};
      if (depth < kMaxDepth) check_elements(ir, 0, inner.size(), depth + 1);
    }
    ADMA_CHECK(t.next > at, r.name, ": .mat element at byte ", at, " does not advance");
    at = t.next;
  }
}

}  // namespace

void check_mat5(const uint8_t* data, size_t size, const std::string& name) {
  ADMA_CHECK(size >= 128, name, ": ", size, " bytes is too short for a MATLAB v5 header (128)");
  const bool le = data[126] == 'I' && data[127] == 'M', be = data[126] == 'M' && data[127] == 'I';
  ADMA_CHECK(le || be, name, ": not a MATLAB v5 .mat file (no IM/MI endian mark at byte 126; v7.3 HDF5 files are "
                             "not supported)");
  const Reader r{data, size, be, name};
  check_elements(r, 128, size, 0);
}

}  // namespace adma::data
