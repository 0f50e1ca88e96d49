// safetensors writer (atomic) and strict reader (core/graph/safetensors.h holds the rules).
#include "core/graph/checkpoint.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <nlohmann/json.hpp>

#include "core/graph/safetensors.h"

namespace adma {

namespace {

using json = nlohmann::json;

void write_all(int fd, const void* data, size_t n, const std::string& path) {
  const char* p = static_cast<const char*>(data);
  while (n > 0) {
    ssize_t w = ::write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    ADMA_CHECK(w > 0, "writing ", path, ": ", std::strerror(w < 0 ? errno : ENOSPC));
    p += w;
    n -= static_cast<size_t>(w);
  }
}

// An open checkpoint: a regular file, read with checked full-length reads.
class Reader {
 public:
  explicit Reader(const std::string& path) : path_(path) {
    // O_NONBLOCK: opening a FIFO must not wait for a writer; fstat then refuses it.
    fd_ = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    ADMA_CHECK(fd_ >= 0, "cannot open checkpoint ", path, ": ", std::strerror(errno));
    struct stat st {};
    if (::fstat(fd_, &st) != 0) fail("cannot stat checkpoint ", path, ": ", std::strerror(errno));
    if (S_ISDIR(st.st_mode)) fail("checkpoint ", path, " is a directory, not a file");
    if (S_ISFIFO(st.st_mode)) fail("checkpoint ", path, " is a FIFO (named pipe), not a regular file");
    if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) fail("checkpoint ", path, " is a device, not a regular file");
    if (S_ISSOCK(st.st_mode)) fail("checkpoint ", path, " is a socket, not a regular file");
    if (!S_ISREG(st.st_mode)) fail("checkpoint ", path, " is not a regular file");
    // /proc and /sys files claim to be regular but report sizes unrelated to their contents.
    struct statfs fs {};
    if (::fstatfs(fd_, &fs) == 0 && (fs.f_type == 0x9fa0 /* PROC_SUPER_MAGIC */ ||
                                     fs.f_type == 0x62656572 /* SYSFS_MAGIC */))
      fail("checkpoint ", path, " is a /proc or /sys pseudo-file, not a checkpoint");
    size_ = static_cast<uint64_t>(st.st_size);
  }
  ~Reader() { ::close(fd_); }
  Reader(const Reader&) = delete;
  Reader& operator=(const Reader&) = delete;

  uint64_t size() const { return size_; }
  // Exactly n bytes at `offset`, or an Error saying how many were there.
  void read(uint64_t offset, void* dst, uint64_t n) {
    char* p = static_cast<char*>(dst);
    uint64_t done = 0;
    while (done < n) {
      const ssize_t r = ::pread(fd_, p + done, static_cast<size_t>(std::min<uint64_t>(n - done, 1u << 30)),
                                static_cast<off_t>(offset + done));
      if (r < 0 && errno == EINTR) continue;
      ADMA_CHECK(r >= 0, "reading checkpoint ", path_, ": ", std::strerror(errno));
      ADMA_CHECK(r > 0, "checkpoint ", path_, " ended after ", offset + done, " of ", size_,
                 " bytes while reading (was it changed while being read?)");
      done += static_cast<uint64_t>(r);
    }
  }

 private:
  template <typename... Args>
  [[noreturn]] void fail(const Args&... args) {
    ::close(fd_);
    ADMA_THROW(args...);
  }
  std::string path_;
  int fd_ = -1;
  uint64_t size_ = 0;
};

struct Opened {
  safetensors::Header header;
  uint64_t data_offset = 0;
};

Opened open_header(Reader& r, const std::string& path) {
  const std::string source = "checkpoint " + path;
  ADMA_CHECK(r.size() >= 8, source, " is truncated: ", r.size(), " bytes, not even the 8-byte header length");
  unsigned char len[8];
  r.read(0, len, 8);
  uint64_t hlen = 0;
  for (int i = 7; i >= 0; --i) hlen = (hlen << 8) | len[i];
  ADMA_CHECK(hlen <= safetensors::kMaxHeaderBytes, source, ": header length ", hlen,
             " is over the format's limit of ", safetensors::kMaxHeaderBytes, " bytes (not a safetensors file?)");
  ADMA_CHECK(hlen <= r.size() - 8, source, " is truncated: the header says ", hlen, " bytes of JSON, the file has ",
             r.size() - 8, " after the length");
  std::string text(hlen, '\0');
  r.read(8, text.data(), hlen);
  Opened o;
  o.data_offset = 8 + hlen;
  o.header = safetensors::parse_header(text, r.size() - o.data_offset, source);
  return o;
}

}  // namespace

void save_checkpoint(const std::string& path, const std::vector<NamedTensor>& tensors,
                     const std::map<std::string, std::string>& metadata) {
  json header = json::object();
  uint64_t offset = 0;
  for (const auto& t : tensors) {
    ADMA_CHECK(!header.contains(t.name), "checkpoint: duplicate tensor name '", t.name, "'");
    ADMA_CHECK(t.name != "__metadata__", "checkpoint: a tensor cannot be called __metadata__");
    const uint64_t n = t.value.nbytes();
    header[t.name] = {{"dtype", safetensors::dtype_name(t.value.dtype())},
                      {"shape", std::vector<int64_t>(t.value.shape().begin(), t.value.shape().end())},
                      {"data_offsets", {offset, offset + n}}};
    offset += n;
  }
  if (!metadata.empty()) header["__metadata__"] = metadata;
  std::string text = header.dump();
  text.append((8 - text.size() % 8) % 8, ' ');  // the format pads the header to 8 bytes
  unsigned char len[8];
  for (int i = 0; i < 8; ++i) len[i] = static_cast<unsigned char>((uint64_t(text.size()) >> (8 * i)) & 0xFF);

  const std::string tmp = path + ".tmp." + std::to_string(::getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  ADMA_CHECK(fd >= 0, "cannot create ", tmp, ": ", std::strerror(errno));
  try {
    write_all(fd, len, 8, tmp);
    write_all(fd, text.data(), text.size(), tmp);
    for (const auto& t : tensors) {
      Tensor host = t.value.device().is_cpu() ? t.value : t.value.to(Device::cpu());
      write_all(fd, host.raw(), host.nbytes(), tmp);
    }
    ADMA_CHECK(::fsync(fd) == 0, "fsync ", tmp, ": ", std::strerror(errno));
  } catch (...) {
    ::close(fd);
    ::unlink(tmp.c_str());
    throw;
  }
  if (::close(fd) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    ADMA_THROW("closing ", tmp, ": ", std::strerror(err));
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    ADMA_THROW("cannot move ", tmp, " to ", path, ": ", std::strerror(err));
  }
  // Make the rename itself durable.
  std::string dir = path.find('/') == std::string::npos ? "." : path.substr(0, path.find_last_of('/'));
  if (dir.empty()) dir = "/";
  int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
}

void load_checkpoint(const std::string& path, const std::vector<NamedTensor>& tensors, const CheckpointCheck& check) {
  Reader r(path);
  const Opened o = open_header(r, path);
  const auto problems = safetensors::mismatches(o.header, tensors);
  if (!problems.empty()) {
    // One line: the first few differences, then how many more.
    constexpr size_t kShown = 8;
    std::string msg = "checkpoint " + path + " does not match the model: ";
    for (size_t i = 0; i < problems.size() && i < kShown; ++i) msg += (i ? "; " : "") + problems[i];
    if (problems.size() > kShown) msg += "; and " + std::to_string(problems.size() - kShown) + " more";
    ADMA_THROW(msg);
  }
  // Read everything before touching the model, so a failed read changes nothing.
  std::vector<Tensor> staged;
  for (const auto& t : tensors) {
    const safetensors::Entry* e = o.header.find(t.name);
    Tensor host = Tensor::empty(t.value.shape(), t.value.dtype(), Device::cpu());
    ADMA_ASSERT(e->end - e->begin == host.nbytes(), "checkpoint entry '", t.name, "' size was checked");
    r.read(o.data_offset + e->begin, host.raw(), host.nbytes());
    if (host.dtype() == DType::F32 || host.dtype() == DType::F64) {
      const std::vector<double> v = host.to_host();
      for (size_t i = 0; i < v.size(); ++i)
        ADMA_CHECK(std::isfinite(v[i]), "checkpoint ", path, ": tensor '", t.name, "' holds ",
                   std::isnan(v[i]) ? "a NaN" : "an infinity", " (element ", i, " of ", v.size(),
                   "): it was saved from a run that diverged, or the file is damaged");
    }
    staged.push_back(host);
  }
  if (check) {
    std::vector<NamedTensor> named;
    for (size_t i = 0; i < tensors.size(); ++i) named.push_back({tensors[i].name, staged[i], Tensor()});
    check(named);
  }
  for (size_t i = 0; i < tensors.size(); ++i) {
    Tensor dst = tensors[i].value;
    dst.copy_from(staged[i]);
  }
}

std::map<std::string, std::string> read_checkpoint_metadata(const std::string& path) {
  Reader r(path);
  return open_header(r, path).header.metadata;
}

safetensors::Header read_checkpoint_header(const std::string& path) {
  Reader r(path);
  return open_header(r, path).header;
}

std::vector<NamedTensor> read_checkpoint_tensors(const std::string& path, const std::vector<std::string>& names) {
  Reader r(path);
  const Opened o = open_header(r, path);
  std::vector<NamedTensor> out;
  for (const std::string& name : names) {
    const safetensors::Entry* e = o.header.find(name);
    ADMA_CHECK(e, "checkpoint ", path, " has no tensor '", name, "'");
    DType t;
    if (e->dtype == "F32")
      t = DType::F32;
    else if (e->dtype == "F64")
      t = DType::F64;
    else if (e->dtype == "I32")
      t = DType::I32;
    else
      ADMA_THROW("checkpoint ", path, ": tensor '", name, "' is ", e->dtype, "; adma reads F32, F64 and I32");
    Shape shape;
    for (uint64_t d : e->shape) shape.push_back(static_cast<int64_t>(d));
    Tensor host = Tensor::empty(shape, t, Device::cpu());
    ADMA_ASSERT(e->end - e->begin == host.nbytes(), "checkpoint entry '", name, "' size was checked");
    r.read(o.data_offset + e->begin, host.raw(), host.nbytes());
    out.push_back({name, host, Tensor()});
  }
  return out;
}

}  // namespace adma
