// fork + execv, with waitpid for the statuses. The child only calls
// async-signal-safe functions between fork and exec.
#include "apps/common/subprocess.h"

#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <climits>
#include <cstring>
#include <map>

#include "core/error.h"

namespace adma::apps {

namespace {

std::vector<char*> c_argv(const std::vector<std::string>& argv) {
  std::vector<char*> out;
  for (const auto& a : argv) out.push_back(const_cast<char*>(a.c_str()));
  out.push_back(nullptr);
  return out;
}

int decode_status(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 255;
}

// In the child: report that exec failed on fd 2 and leave with 127 (the shell's convention).
[[noreturn]] void exec_or_die(const std::vector<char*>& args) {
  ::execv(args[0], args.data());
  const char* why = std::strerror(errno);
  const char* head = "adma: cannot run ";
  (void)!::write(2, head, std::strlen(head));
  (void)!::write(2, args[0], std::strlen(args[0]));
  (void)!::write(2, ": ", 2);
  (void)!::write(2, why, std::strlen(why));
  (void)!::write(2, "\n", 1);
  ::_exit(127);
}

}  // namespace

std::string find_program(const std::string& name) {
  if (name.find('/') != std::string::npos) return ::access(name.c_str(), X_OK) == 0 ? name : "";
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "/usr/bin:/bin";
  size_t start = 0;
  while (start <= dirs.size()) {
    const size_t end = std::min(dirs.find(':', start), dirs.size());
    const std::string dir = end > start ? dirs.substr(start, end - start) : ".";
    const std::string full = dir + "/" + name;
    if (::access(full.c_str(), X_OK) == 0) return full;
    start = end + 1;
  }
  return "";
}

std::string self_executable() {
  char buf[PATH_MAX];
  const ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  ADMA_CHECK(n > 0, "cannot find this program's path (/proc/self/exe): ", std::strerror(errno));
  return std::string(buf, static_cast<size_t>(n));
}

int run_captured(const std::vector<std::string>& argv, const std::string& cwd, std::string* output) {
  ADMA_CHECK(!argv.empty(), "run_captured: no program given");
  int fds[2];
  ADMA_CHECK(::pipe2(fds, O_CLOEXEC) == 0, "cannot run ", argv[0], ": pipe: ", std::strerror(errno));
  const auto args = c_argv(argv);
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    ADMA_THROW("cannot run ", argv[0], ": fork: ", std::strerror(errno));
  }
  if (pid == 0) {
    ::dup2(fds[1], 1);
    ::dup2(fds[1], 2);
    const int null_in = ::open("/dev/null", O_RDONLY);
    if (null_in >= 0) ::dup2(null_in, 0);
    if (!cwd.empty() && ::chdir(cwd.c_str()) != 0) {
      const char* msg = "adma: cannot enter the plot's folder\n";
      (void)!::write(2, msg, std::strlen(msg));
      ::_exit(127);
    }
    exec_or_die(args);
  }
  ::close(fds[1]);
  std::string text;
  char buf[4096];
  for (;;) {
    const ssize_t n = ::read(fds[0], buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    text.append(buf, static_cast<size_t>(n));
  }
  ::close(fds[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    ADMA_CHECK(errno == EINTR, "waiting for ", argv[0], ": ", std::strerror(errno));
  }
  if (output) *output = text;
  return decode_status(status);
}

std::vector<int> run_jobs(const std::vector<Job>& jobs, int parallel, const std::vector<std::string>& devices,
                          const JobHooks& hooks) {
  ADMA_CHECK(parallel >= 1, "run_jobs: at least one job at a time, got ", parallel);
  std::vector<int> status(jobs.size(), -1);
  std::vector<int> busy(devices.size(), 0);   // running jobs per device
  std::map<pid_t, std::pair<size_t, int>> running;  // pid -> (job, device slot or -1)
  size_t next = 0;
  while (next < jobs.size() || !running.empty()) {
    while (next < jobs.size() && static_cast<int>(running.size()) < parallel) {
      const size_t i = next++;
      std::vector<std::string> argv = jobs[i].argv;
      int slot = -1;
      std::string device;
      if (!devices.empty()) {
        slot = static_cast<int>(std::min_element(busy.begin(), busy.end()) - busy.begin());
        device = devices[static_cast<size_t>(slot)];
        argv.push_back("--device");
        argv.push_back(device);
        ++busy[static_cast<size_t>(slot)];
      }
      const int log = ::open(jobs[i].log.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
      ADMA_CHECK(log >= 0, "cannot write the log ", jobs[i].log, ": ", std::strerror(errno));
      const auto args = c_argv(argv);
      const pid_t parent = ::getpid();
      const pid_t pid = ::fork();
      if (pid < 0) {
        ::close(log);
        ADMA_THROW("cannot start ", argv[0], ": fork: ", std::strerror(errno));
      }
      if (pid == 0) {
        // A run ends with its experiment (killed, or out of time): no orphan goes on
        // training unseen and holding its folder's lock; the folder resumes, since a run
        // folder survives a kill at any instant. Linux sends SIGTERM when the parent dies
        // (kept across exec); a parent that died before prctl is caught by getppid.
        ::prctl(PR_SET_PDEATHSIG, SIGTERM);
        if (::getppid() != parent) ::_exit(127);
        ::dup2(log, 1);
        ::dup2(log, 2);
        const int null_in = ::open("/dev/null", O_RDONLY);
        if (null_in >= 0) ::dup2(null_in, 0);
        exec_or_die(args);
      }
      ::close(log);
      running[pid] = {i, slot};
      if (hooks.started) hooks.started(i, device);
    }
    int st = 0;
    const pid_t pid = ::waitpid(-1, &st, 0);
    if (pid < 0) {
      ADMA_CHECK(errno == EINTR, "waiting for the runs: ", std::strerror(errno));
      continue;
    }
    const auto it = running.find(pid);
    if (it == running.end()) continue;  // not one of ours
    const auto [i, slot] = it->second;
    running.erase(it);
    if (slot >= 0) --busy[static_cast<size_t>(slot)];
    status[i] = decode_status(st);
    if (hooks.finished) hooks.finished(i, status[i]);
  }
  return status;
}

}  // namespace adma::apps
