// Reading whole files, gzip-compressed or not, with errors that name the file.
// Every binary parser in data/ works on bytes in memory (so the fuzz targets in
// tests/fuzz/ drive the same code the readers run).
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace adma::data {

// The largest file (compressed or not) a reader accepts: no dataset of the
// paper comes near it, and it bounds what a corrupt header or gzip bomb can ask for.
constexpr size_t kMaxFileBytes = size_t{4} << 30;

// The file's bytes; throws "<path>: no such file" (plus `hint`, when given) or
// the system's reason it cannot be read.
std::vector<uint8_t> read_file(const std::string& path, const std::string& hint = "");
bool is_gzip(const uint8_t* data, size_t size);
// What a format's own header promises: given the first `n` inflated bytes, the total
// size of the file, or 0 while `n` bytes are too few to tell (it throws, naming the
// file, when the header is wrong). A gzip bomb then stops at the first byte past the
// promise instead of inflating to the cap.
using SizePromise = std::function<size_t(const uint8_t* head, size_t n)>;
// Inflates a complete gzip stream (several members allowed). Throws naming
// `name` when the data is corrupt, truncated or inflates past `max_out` bytes, or
// past what `promise` says its header promised (the output is then allocated once,
// at that size, and never grows).
std::vector<uint8_t> gunzip(const uint8_t* data, size_t size, const std::string& name,
                            size_t max_out = kMaxFileBytes, const SizePromise& promise = nullptr);
// read_file, then gunzip when the bytes start with the gzip magic (1f 8b).
std::vector<uint8_t> read_maybe_gzip(const std::string& path, const std::string& hint = "",
                                     const SizePromise& promise = nullptr);
bool file_exists(const std::string& path);
bool dir_exists(const std::string& path);

}  // namespace adma::data
