// Strict safetensors header parsing: see core/graph/safetensors.h for the rules.
#include "core/graph/safetensors.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

namespace adma::safetensors {

namespace {

using json = nlohmann::json;

// Deepest nesting of [ and { outside strings: refused before nlohmann builds a tree
// (a 100 MB header of '[' would otherwise become millions of nested values).
int json_depth(const std::string& s) {
  int depth = 0, deepest = 0;
  bool in_string = false, escaped = false;
  for (char c : s) {
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      deepest = std::max(deepest, ++depth);
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return deepest;
}

// A JSON integer >= 0 that fits in 64 bits. nlohmann reads larger integers as
// floating point, which is refused here rather than converted out of range.
bool as_u64(const json& v, uint64_t& out) {
  if (v.is_number_unsigned()) {
    out = v.get<uint64_t>();
    return true;
  }
  if (v.is_number_integer() && v.get<int64_t>() >= 0) {  // "-0"
    out = static_cast<uint64_t>(v.get<int64_t>());
    return true;
  }
  return false;
}

std::string show(const json& v) {
  std::string s = v.dump();
  return s.size() > 60 ? s.substr(0, 57) + "..." : s;
}

Entry parse_entry(const std::string& name, const json& e, const std::string& source) {
  const std::string where = source + ": tensor '" + name + "'";
  ADMA_CHECK(e.is_object(), where, " is ", show(e), ", not an object with dtype, shape and data_offsets");
  for (auto it = e.begin(); it != e.end(); ++it)
    ADMA_CHECK(it.key() == "dtype" || it.key() == "shape" || it.key() == "data_offsets", where,
               " has an unknown field '", it.key(), "'");
  for (const char* field : {"dtype", "shape", "data_offsets"})
    ADMA_CHECK(e.contains(field), where, " has no '", field, "'");
  Entry out;
  out.name = name;
  ADMA_CHECK(e["dtype"].is_string(), where, ": dtype is ", show(e["dtype"]), ", not a string");
  out.dtype = e["dtype"].get<std::string>();
  ADMA_CHECK(dtype_bytes(out.dtype) > 0, where, " has an unknown dtype '", out.dtype, "'");
  const json& shape = e["shape"];
  ADMA_CHECK(shape.is_array(), where, ": shape is ", show(shape), ", not an array");
  for (const json& d : shape) {
    uint64_t v = 0;
    ADMA_CHECK(as_u64(d, v) && v <= static_cast<uint64_t>(INT64_MAX), where, ": shape ", show(shape),
               " holds ", show(d), ", not an integer in [0, 2^63)");
    out.shape.push_back(v);
  }
  const json& off = e["data_offsets"];
  ADMA_CHECK(off.is_array() && off.size() == 2, where, ": data_offsets is ", show(off), ", not [begin, end]");
  ADMA_CHECK(as_u64(off[0], out.begin) && as_u64(off[1], out.end), where, ": data_offsets ", show(off),
             " are not integers in [0, 2^64)");
  ADMA_CHECK(out.begin <= out.end, where, ": data_offsets ", show(off), " end before they begin");
  // Bytes the shape needs, with every product checked for overflow.
  uint64_t bytes = dtype_bytes(out.dtype);
  for (uint64_t d : out.shape)
    ADMA_CHECK(!__builtin_mul_overflow(bytes, d, &bytes), where, ": shape ", show(shape),
               " has more bytes than fit in 64 bits");
  ADMA_CHECK(out.end - out.begin == bytes, where, ": data_offsets ", show(off), " span ", out.end - out.begin,
             " bytes, but ", out.dtype, " ", show(shape), " needs ", bytes);
  return out;
}

}  // namespace

uint64_t dtype_bytes(const std::string& d) {
  static const std::map<std::string, uint64_t> sizes = {
      {"BOOL", 1}, {"U8", 1}, {"I8", 1}, {"F8_E4M3", 1}, {"F8_E5M2", 1}, {"I16", 2}, {"U16", 2}, {"F16", 2},
      {"BF16", 2}, {"I32", 4}, {"U32", 4}, {"F32", 4},   {"I64", 8},     {"U64", 8},     {"F64", 8}};
  auto it = sizes.find(d);
  return it == sizes.end() ? 0 : it->second;
}

const char* dtype_name(DType t) {
  return t == DType::F32 ? "F32" : t == DType::F64 ? "F64" : t == DType::BF16 ? "BF16" : "I32";
}

const Entry* Header::find(const std::string& name) const {
  for (const auto& e : entries)
    if (e.name == name) return &e;
  return nullptr;
}

Header parse_header(const std::string& text, uint64_t data_bytes, const std::string& source) {
  ADMA_CHECK(json_depth(text) <= kMaxJsonDepth, source, ": the JSON header nests deeper than ", kMaxJsonDepth,
             " levels; not a safetensors header");
  // Repeated keys: nlohmann keeps the last one silently, so watch every object's keys.
  std::vector<std::set<std::string>> open_objects;
  std::string duplicate;
  const json::parser_callback_t watch = [&](int, json::parse_event_t ev, json& parsed) {
    if (ev == json::parse_event_t::object_start) {
      open_objects.emplace_back();
    } else if (ev == json::parse_event_t::object_end) {
      if (!open_objects.empty()) open_objects.pop_back();
    } else if (ev == json::parse_event_t::key && !open_objects.empty()) {
      const std::string& k = parsed.get_ref<const std::string&>();
      if (!open_objects.back().insert(k).second && duplicate.empty()) duplicate = k;
    }
    return true;
  };
  json header;
  try {
    header = json::parse(text, watch);
  } catch (const json::exception& e) {
    ADMA_THROW(source, " has a corrupt JSON header: ", e.what());
  }
  ADMA_CHECK(duplicate.empty(), source, ": the header names '", duplicate, "' twice");
  ADMA_CHECK(header.is_object(), source, ": the header is ", show(header), ", not a JSON object");

  Header out;
  for (auto it = header.begin(); it != header.end(); ++it) {
    if (it.key() == "__metadata__") {
      ADMA_CHECK(it.value().is_object(), source, ": __metadata__ is ", show(it.value()),
                 ", not an object of strings");
      for (auto m = it.value().begin(); m != it.value().end(); ++m) {
        ADMA_CHECK(m.value().is_string(), source, ": __metadata__ '", m.key(), "' is ", show(m.value()),
                   ", not a string");
        out.metadata[m.key()] = m.value().get<std::string>();
      }
      continue;
    }
    out.entries.push_back(parse_entry(it.key(), it.value(), source));
  }

  // The ranges must tile [0, data_bytes) exactly.
  std::vector<const Entry*> order;
  for (const auto& e : out.entries) order.push_back(&e);
  std::sort(order.begin(), order.end(), [](const Entry* a, const Entry* b) {
    return a->begin != b->begin ? a->begin < b->begin : a->end < b->end;
  });
  uint64_t pos = 0;
  const Entry* prev = nullptr;
  for (const Entry* e : order) {
    if (e->begin < pos)
      ADMA_THROW(source, ": tensor '", e->name, "' bytes [", e->begin, ", ", e->end, ") overlap '", prev->name,
                 "' [", prev->begin, ", ", prev->end, ")");
    if (e->begin > pos)
      ADMA_THROW(source, ": bytes [", pos, ", ", e->begin, ") of the data belong to no tensor (a gap before '",
                 e->name, "')");
    pos = e->end;
    prev = e;
  }
  if (pos < data_bytes)
    ADMA_THROW(source, ": ", data_bytes - pos, " trailing bytes after the last tensor (data section is ",
               data_bytes, " bytes, tensors end at ", pos, ")");
  if (pos > data_bytes)
    ADMA_THROW(source, " is truncated: tensor '", prev->name, "' ends at byte ", pos, " of the data, which has only ",
               data_bytes);
  return out;
}

Header parse_image(const unsigned char* bytes, size_t size, const std::string& source, uint64_t* data_offset) {
  ADMA_CHECK(size >= 8, source, " is truncated: ", size, " bytes, not even the 8-byte header length");
  uint64_t hlen = 0;
  for (int i = 7; i >= 0; --i) hlen = (hlen << 8) | bytes[i];
  ADMA_CHECK(hlen <= kMaxHeaderBytes, source, ": header length ", hlen, " is over the format's limit of ",
             kMaxHeaderBytes, " bytes (not a safetensors file?)");
  ADMA_CHECK(hlen <= size - 8, source, " is truncated: the header says ", hlen, " bytes of JSON, the file has ",
             size - 8, " after the length");
  *data_offset = 8 + hlen;
  return parse_header(std::string(reinterpret_cast<const char*>(bytes) + 8, hlen), size - 8 - hlen, source);
}

std::vector<std::string> mismatches(const Header& header, const std::vector<NamedTensor>& tensors) {
  std::vector<std::string> problems;
  std::set<std::string> expected;
  for (const auto& t : tensors) {
    expected.insert(t.name);
    const Entry* e = header.find(t.name);
    if (e == nullptr) {
      problems.push_back("missing '" + t.name + "' " + t.value.shape().str());
      continue;
    }
    std::string file_shape = "[";
    for (size_t i = 0; i < e->shape.size(); ++i) file_shape += (i ? ", " : "") + std::to_string(e->shape[i]);
    file_shape += "]";
    bool same_shape = static_cast<int>(e->shape.size()) == t.value.shape().rank();
    for (int i = 0; same_shape && i < t.value.shape().rank(); ++i)
      same_shape = e->shape[static_cast<size_t>(i)] == static_cast<uint64_t>(t.value.shape()[i]);
    if (e->dtype != safetensors::dtype_name(t.value.dtype()))
      problems.push_back("'" + t.name + "' has dtype " + e->dtype + ", expected " + safetensors::dtype_name(t.value.dtype()));
    else if (!same_shape)
      problems.push_back("'" + t.name + "' has shape " + file_shape + ", expected " + t.value.shape().str());
  }
  for (const auto& e : header.entries)
    if (!expected.count(e.name)) problems.push_back("unexpected '" + e.name + "' in the file");
  return problems;
}

}  // namespace adma::safetensors
