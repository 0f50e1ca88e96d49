// POSIX file output: write(2) in a loop, fsync, close and rename, each checked.
#include "apps/common/files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "apps/common/fault.h"
#include "core/error.h"

namespace adma::apps {

namespace {

std::string errno_text() { return std::strerror(errno); }

// Opens, writes everything, optionally fsyncs and closes `path`; throws naming `shown`.
void write_all(const std::string& path, const std::string& contents, bool sync, const std::string& shown) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  ADMA_CHECK(fd >= 0, "cannot write ", shown, ": ", errno_text());
  size_t done = 0;
  while (done < contents.size()) {
    const ssize_t n = ::write(fd, contents.data() + done, contents.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const std::string why = n < 0 ? errno_text() : "no progress";
      ::close(fd);
      ADMA_THROW("cannot write ", shown, ": ", why, " after ", done, " of ", contents.size(), " bytes");
    }
    done += static_cast<size_t>(n);
  }
  // fsync fails with EINVAL on special files (/dev/null, pipes); that is not a lost write.
  if (sync && ::fsync(fd) != 0 && errno != EINVAL && errno != EROFS) {
    const std::string why = errno_text();
    ::close(fd);
    ADMA_THROW("cannot write ", shown, ": fsync: ", why);
  }
  ADMA_CHECK(::close(fd) == 0, "cannot write ", shown, ": close: ", errno_text());
}

}  // namespace

void write_file_checked(const std::string& path, const std::string& contents) {
  write_all(path, contents, false, path);
}

std::string temp_name(const std::string& path) {
  // pid + counter: two processes (or two writes of one) never share a temporary file.
  static std::atomic<unsigned long> counter{0};
  return path + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(++counter);
}

void write_file_atomic(const std::string& path, const std::string& contents) {
  const std::string tmp = temp_name(path);
  try {
    write_all(tmp, contents, true, path);
  } catch (...) {
    ::unlink(tmp.c_str());
    throw;
  }
  fault_point("tmp:" + file_name(path));
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const std::string why = errno_text();
    ::unlink(tmp.c_str());
    ADMA_THROW("cannot write ", path, ": rename from ", tmp, ": ", why);
  }
}

void replace_file(const std::string& from, const std::string& to) {
  ADMA_CHECK(::rename(from.c_str(), to.c_str()) == 0, "cannot write ", to, ": rename from ", from, ": ",
             errno_text());
}

void link_file_atomic(const std::string& from, const std::string& to) {
  const std::string tmp = temp_name(to);
  if (::link(from.c_str(), tmp.c_str()) != 0) {
    // A file system without hard links: a copy, still renamed into place.
    write_file_atomic(to, read_file(from));
    return;
  }
  fault_point("tmp:" + file_name(to));
  if (::rename(tmp.c_str(), to.c_str()) != 0) {
    const std::string why = errno_text();
    ::unlink(tmp.c_str());
    ADMA_THROW("cannot write ", to, ": rename from ", tmp, ": ", why);
  }
}

int remove_temp_files(const std::string& dir) {
  int removed = 0;
  std::error_code ec;
  for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    std::error_code type_ec;
    if (name.find(".tmp.") == std::string::npos || !it->is_regular_file(type_ec)) continue;
    if (::unlink(it->path().c_str()) == 0) ++removed;
  }
  ADMA_CHECK(!ec, "cannot list folder ", dir, ": ", ec.message());
  return removed;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  ADMA_CHECK(in.good(), "cannot read ", path, ": ", errno_text());
  std::ostringstream os;
  os << in.rdbuf();
  ADMA_CHECK(!in.bad(), "cannot read ", path, ": read error");
  return os.str();
}

bool file_exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

bool dir_exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

void make_dirs(const std::string& path) {
  if (path.empty()) return;
  std::error_code ec;
  std::filesystem::create_directories(path, ec);
  ADMA_CHECK(!ec, "cannot create folder ", path, ": ", ec.message());
  ADMA_CHECK(std::filesystem::is_directory(path), "cannot create folder ", path, ": a file of that name is in the way");
}

std::string parent_dir(const std::string& path) {
  const std::string p = std::filesystem::path(path).parent_path().string();
  return p.empty() ? "." : p;
}

std::string file_name(const std::string& path) { return std::filesystem::path(path).filename().string(); }

std::string without_extension(const std::string& path) {
  std::filesystem::path p(path);
  return p.has_extension() ? p.replace_extension().string() : path;
}

}  // namespace adma::apps
