// safetensors writer and reader with atomic save and thorough checks on load.
#include "core/graph/checkpoint.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

namespace adma {

namespace {

using json = nlohmann::json;

const char* st_dtype(DType t) { return t == DType::F32 ? "F32" : t == DType::F64 ? "F64" : "I32"; }

void write_all(int fd, const void* data, size_t n, const std::string& path) {
  const char* p = static_cast<const char*>(data);
  while (n > 0) {
    ssize_t w = ::write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    ADMA_CHECK(w > 0, "writing ", path, ": ", std::strerror(errno));
    p += w;
    n -= static_cast<size_t>(w);
  }
}

struct Parsed {
  json header;
  std::vector<char> data;  // everything after the header
};

Parsed read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  ADMA_CHECK(f.good(), "cannot open checkpoint ", path, ": ", std::strerror(errno));
  f.seekg(0, std::ios::end);
  const auto size = static_cast<uint64_t>(f.tellg());
  f.seekg(0);
  ADMA_CHECK(size >= 8, "checkpoint ", path, " is truncated: ", size, " bytes, not even the 8-byte header length");
  unsigned char len_bytes[8];
  f.read(reinterpret_cast<char*>(len_bytes), 8);
  uint64_t hlen = 0;
  for (int i = 7; i >= 0; --i) hlen = (hlen << 8) | len_bytes[i];
  ADMA_CHECK(hlen <= size - 8, "checkpoint ", path, " is truncated or corrupt: header says ", hlen,
             " bytes of JSON, file has ", size - 8, " after the length");
  std::string text(hlen, '\0');
  f.read(text.data(), static_cast<std::streamsize>(hlen));
  Parsed p;
  try {
    p.header = json::parse(text);
  } catch (const json::exception& e) {
    ADMA_THROW("checkpoint ", path, " has a corrupt JSON header: ", e.what());
  }
  ADMA_CHECK(p.header.is_object(), "checkpoint ", path, ": header is not a JSON object");
  p.data.resize(size - 8 - hlen);
  f.read(p.data.data(), static_cast<std::streamsize>(p.data.size()));
  ADMA_CHECK(f.good() || p.data.empty(), "reading checkpoint ", path, " failed");
  return p;
}

}  // namespace

void save_checkpoint(const std::string& path, const std::vector<NamedTensor>& tensors,
                     const std::map<std::string, std::string>& metadata) {
  json header = json::object();
  uint64_t offset = 0;
  for (const auto& t : tensors) {
    ADMA_CHECK(!header.contains(t.name), "checkpoint: duplicate tensor name '", t.name, "'");
    const uint64_t n = t.value.nbytes();
    header[t.name] = {{"dtype", st_dtype(t.value.dtype())},
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
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
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
  ::close(fd);
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    ADMA_THROW("cannot move ", tmp, " to ", path, ": ", std::strerror(err));
  }
  // Make the rename itself durable.
  std::string dir = path.find('/') == std::string::npos ? "." : path.substr(0, path.find_last_of('/'));
  if (dir.empty()) dir = "/";
  int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
}

void load_checkpoint(const std::string& path, const std::vector<NamedTensor>& tensors) {
  Parsed p = read_file(path);
  std::vector<std::string> problems;
  std::set<std::string> expected;
  for (const auto& t : tensors) {
    expected.insert(t.name);
    if (!p.header.contains(t.name)) {
      problems.push_back("missing '" + t.name + "' " + t.value.shape().str());
      continue;
    }
    const json& e = p.header[t.name];
    try {
      const std::string dt = e.at("dtype").get<std::string>();
      const auto shape = e.at("shape").get<std::vector<int64_t>>();
      const auto off = e.at("data_offsets").get<std::vector<uint64_t>>();
      if (shape.size() > static_cast<size_t>(Shape::kMaxDims)) {
        problems.push_back("'" + t.name + "' has rank " + std::to_string(shape.size()) + ", expected " +
                           t.value.shape().str());
        continue;
      }
      const Shape file_shape = Shape::from(shape.begin(), shape.end());
      if (dt != st_dtype(t.value.dtype()))
        problems.push_back("'" + t.name + "' has dtype " + dt + ", expected " + st_dtype(t.value.dtype()));
      else if (file_shape != t.value.shape())
        problems.push_back("'" + t.name + "' has shape " + json(shape).dump() + ", expected " +
                           t.value.shape().str());
      else if (off.size() != 2 || off[1] < off[0] || off[1] - off[0] != t.value.nbytes() || off[1] > p.data.size())
        problems.push_back("'" + t.name + "' has byte range " + json(off).dump() + " outside the " +
                           std::to_string(p.data.size()) + " data bytes (truncated file?)");
    } catch (const std::exception& ex) {
      problems.push_back("'" + t.name + "' has a malformed entry: " + ex.what());
    }
  }
  for (auto it = p.header.begin(); it != p.header.end(); ++it)
    if (it.key() != "__metadata__" && !expected.count(it.key()))
      problems.push_back("unexpected '" + it.key() + "' in the file");
  if (!problems.empty()) {
    std::string msg = "checkpoint " + path + " does not match the model:";
    for (const auto& s : problems) msg += "\n  - " + s;
    ADMA_THROW(msg);
  }
  for (const auto& t : tensors) {
    const uint64_t begin = p.header[t.name]["data_offsets"][0].get<uint64_t>();
    Tensor host = Tensor::empty(t.value.shape(), t.value.dtype(), Device::cpu());
    std::memcpy(host.raw(), p.data.data() + begin, host.nbytes());
    Tensor dst = t.value;
    dst.copy_from(host);
  }
}

std::map<std::string, std::string> read_checkpoint_metadata(const std::string& path) {
  Parsed p = read_file(path);
  std::map<std::string, std::string> out;
  if (p.header.contains("__metadata__"))
    for (auto it = p.header["__metadata__"].begin(); it != p.header["__metadata__"].end(); ++it)
      out[it.key()] = it.value().is_string() ? it.value().get<std::string>() : it.value().dump();
  return out;
}

}  // namespace adma
