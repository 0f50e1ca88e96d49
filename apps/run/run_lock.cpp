// RunLock: flock(LOCK_EX | LOCK_NB) on DIR/adma.lock, the pid written after it is won.
#include "apps/run/run_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "apps/common/files.h"
#include "core/error.h"

namespace adma::apps {

RunLock::RunLock(const std::string& dir) {
  make_dirs(dir);
  const std::string path = dir + "/adma.lock";
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  ADMA_CHECK(fd_ >= 0, "cannot open ", path, ": ", std::strerror(errno));
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    char buf[32] = {};
    const ssize_t n = ::pread(fd_, buf, sizeof buf - 1, 0);
    std::string holder = n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
    while (!holder.empty() && (holder.back() == '\n' || holder.back() == ' ')) holder.pop_back();
    ::close(fd_);
    fd_ = -1;
    ADMA_CHECK(err == EWOULDBLOCK, "cannot lock ", path, ": ", std::strerror(err));
    ADMA_THROW("run folder ", dir, " is in use by another adma process",
               holder.empty() ? std::string() : " (pid " + holder + ")",
               "; wait for it to finish, or write to another folder");
  }
  // The pid only serves the message above (the lock is the flock itself), so a failed
  // write of it does not stop the run.
  const std::string pid = std::to_string(::getpid()) + "\n";
  const bool written = ::ftruncate(fd_, 0) == 0 && ::pwrite(fd_, pid.data(), pid.size(), 0) == static_cast<ssize_t>(pid.size());
  (void)written;
}

RunLock::~RunLock() {
  if (fd_ >= 0) ::close(fd_);  // releases the flock
}

}  // namespace adma::apps
