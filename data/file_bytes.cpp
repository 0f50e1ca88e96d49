// read_file / gunzip: POSIX reads and zlib's inflate (windowBits 15 + 16: gzip
// wrapper only), growing the output in steps so nothing is sized from a header.
#include "data/file_bytes.h"

#include <sys/stat.h>
#include <zlib.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <algorithm>

#include "core/error.h"

namespace adma::data {

bool file_exists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

bool dir_exists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

std::vector<uint8_t> read_file(const std::string& path, const std::string& hint) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    const int err = errno;
    ADMA_THROW(path, ": ", err == ENOENT ? "no such file" : std::strerror(err), hint.empty() ? "" : " (", hint,
               hint.empty() ? "" : ")");
  }
  ADMA_CHECK(S_ISREG(st.st_mode), path, ": not a regular file");
  ADMA_CHECK(static_cast<uint64_t>(st.st_size) <= kMaxFileBytes, path, ": ", st.st_size,
             " bytes is more than the ", kMaxFileBytes, " a dataset file may have");
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) ADMA_THROW(path, ": cannot open: ", std::strerror(errno));
  std::vector<uint8_t> bytes(static_cast<size_t>(st.st_size));
  const size_t got = bytes.empty() ? 0 : std::fread(bytes.data(), 1, bytes.size(), f);
  const bool failed = std::ferror(f) != 0;
  std::fclose(f);
  ADMA_CHECK(!failed && got == bytes.size(), path, ": read ", got, " of ", bytes.size(), " bytes");
  return bytes;
}

bool is_gzip(const uint8_t* data, size_t size) { return size >= 2 && data[0] == 0x1f && data[1] == 0x8b; }

std::vector<uint8_t> gunzip(const uint8_t* data, size_t size, const std::string& name, size_t max_out,
                            const SizePromise& promise) {
  std::vector<uint8_t> out;
  z_stream zs;
  std::memset(&zs, 0, sizeof zs);
  ADMA_CHECK(inflateInit2(&zs, 15 + 16) == Z_OK, name, ": zlib could not start inflating");
  size_t in_pos = 0;
  int rc = Z_OK;
  // With a promise: a few bytes first, until the header tells the size; then exactly that
  // plus one byte, so the first byte past the promise is seen and refused.
  size_t promised = 0;
  out.resize(promise ? 64 : size < (size_t{1} << 20) ? size_t{1} << 20 : size * 2);
  size_t out_pos = 0;
  for (;;) {
    if (promise && promised == 0 && out_pos > 0) {
      try {
        promised = promise(out.data(), out_pos);
      } catch (...) {
        inflateEnd(&zs);
        throw;
      }
      if (promised > 0) {
        if (promised > max_out) {
          inflateEnd(&zs);
          ADMA_THROW(name, ": its header promises ", promised, " bytes, more than the ", max_out,
                     " a dataset file may have");
        }
        out.resize(std::max(promised + 1, out_pos));
      }
    }
    if (promised > 0 && out_pos > promised) {
      inflateEnd(&zs);
      ADMA_THROW(name, ": gzip data inflates past the ", promised,
                 " bytes its header promises (a damaged file, or a decompression bomb)");
    }
    if (out_pos == out.size()) {
      if (out.size() >= max_out) {
        inflateEnd(&zs);
        ADMA_THROW(name, ": gzip data inflates to more than ", max_out, " bytes");
      }
      out.resize(std::min(max_out, out.size() * 2));
    }
    const size_t in_chunk = std::min<size_t>(size - in_pos, 1u << 30);
    const size_t out_chunk = std::min<size_t>(out.size() - out_pos, 1u << 30);
    zs.next_in = const_cast<Bytef*>(data + in_pos);
    zs.avail_in = static_cast<uInt>(in_chunk);
    zs.next_out = out.data() + out_pos;
    zs.avail_out = static_cast<uInt>(out_chunk);
    rc = inflate(&zs, Z_NO_FLUSH);
    in_pos += in_chunk - zs.avail_in;
    out_pos += out_chunk - zs.avail_out;
    if (rc == Z_STREAM_END) {
      // Concatenated members (gzip allows them): continue unless only padding is left.
      if (in_pos < size && is_gzip(data + in_pos, size - in_pos)) {
        inflateReset(&zs);
        continue;
      }
      break;
    }
    if (rc == Z_DATA_ERROR || rc == Z_NEED_DICT || rc == Z_MEM_ERROR || rc == Z_STREAM_ERROR) {
      const std::string why = zs.msg ? zs.msg : "zlib error " + std::to_string(rc);
      inflateEnd(&zs);
      ADMA_THROW(name, ": corrupt gzip data (", why, ")");
    }
    if (rc == Z_BUF_ERROR || (zs.avail_in == 0 && in_pos == size && zs.avail_out != 0)) {
      if (in_pos == size) {
        inflateEnd(&zs);
        ADMA_THROW(name, ": truncated gzip data (the stream ends after ", size, " bytes, before its end marker)");
      }
    }
  }
  inflateEnd(&zs);
  ADMA_CHECK(promised == 0 || out_pos <= promised, name, ": gzip data inflates past the ", promised,
             " bytes its header promises (a damaged file, or a decompression bomb)");
  out.resize(out_pos);
  return out;
}

std::vector<uint8_t> read_maybe_gzip(const std::string& path, const std::string& hint, const SizePromise& promise) {
  std::vector<uint8_t> bytes = read_file(path, hint);
  if (!is_gzip(bytes.data(), bytes.size())) return bytes;
  return gunzip(bytes.data(), bytes.size(), path, kMaxFileBytes, promise);
}

}  // namespace adma::data
