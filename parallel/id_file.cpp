// Bytes through a shared file: write-then-rename on rank 0, poll on the others.
#include "parallel/id_file.h"

#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <thread>

#include "core/error.h"

namespace adma::parallel {

namespace {

std::string errno_text() { return std::strerror(errno); }

void write_atomically(const std::string& path, const void* bytes, size_t n) {
  const std::string tmp = path + ".tmp." + std::to_string(static_cast<long long>(::getpid()));
  std::FILE* f = std::fopen(tmp.c_str(), "wb");
  ADMA_CHECK(f, "cannot write the NCCL id file ", tmp, ": ", errno_text());
  const bool ok = std::fwrite(bytes, 1, n, f) == n && std::fflush(f) == 0 && ::fsync(::fileno(f)) == 0;
  const std::string why = ok ? "" : errno_text();
  std::fclose(f);
  if (!ok) std::remove(tmp.c_str());
  ADMA_CHECK(ok, "writing the NCCL id file ", tmp, " failed: ", why);
  ADMA_CHECK(std::rename(tmp.c_str(), path.c_str()) == 0, "cannot rename ", tmp, " to ", path, ": ", errno_text());
}

// True when `path` held exactly n bytes, now in `bytes`; false while it does not exist.
bool try_read(const std::string& path, void* bytes, size_t n) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) {
    ADMA_CHECK(errno == ENOENT, "cannot read the NCCL id file ", path, ": ", errno_text());
    return false;
  }
  const size_t got = std::fread(bytes, 1, n, f);
  const bool longer = std::fgetc(f) != EOF;
  std::fclose(f);
  ADMA_CHECK(got == n && !longer, "the NCCL id file ", path, " holds ", longer ? "more than " : "", got,
             " bytes, not ", n, " (a file of another program, or left from an older adma?)");
  return true;
}

}  // namespace

void exchange_through_file(const std::string& path, int rank, void* bytes, size_t n, double timeout_s) {
  ADMA_CHECK(!path.empty(), "no path for the NCCL id file");
  if (rank == 0) return write_atomically(path, bytes, n);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
  while (!try_read(path, bytes, n)) {
    ADMA_CHECK(std::chrono::steady_clock::now() < deadline, "rank ", rank, " waited ", timeout_s, " s for rank 0 to write ",
               path, " (is it on a file system every node shares? did rank 0 start?)");
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

void remove_id_file(const std::string& path) {
  if (std::remove(path.c_str()) != 0)
    ADMA_CHECK(errno == ENOENT, "cannot remove the NCCL id file ", path, ": ", errno_text());
}

}  // namespace adma::parallel
