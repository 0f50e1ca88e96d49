// One writer per run folder: an advisory lock (flock) on DIR/adma.lock, held for the
// life of the run, with the holder's pid written in the file so that a second
// `adma train` into the same folder (or an experiment's child) is refused naming it.
// The kernel drops the lock when the holder exits, killed or not, so a stale lock
// file never blocks a resume.
#pragma once
#include <string>

namespace adma::apps {

class RunLock {
 public:
  // Creates `dir` when missing and locks it; throws naming the holder's pid when
  // another process holds it.
  explicit RunLock(const std::string& dir);
  ~RunLock();
  RunLock(const RunLock&) = delete;
  RunLock& operator=(const RunLock&) = delete;

 private:
  int fd_ = -1;
};

}  // namespace adma::apps
