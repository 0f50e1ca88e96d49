// The spec parser and the typed readers of its values (core/spec.h).
#include "core/spec.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>

#include "core/error.h"

namespace adma {

namespace {

double to_number(const Spec& s, const std::string& name, const std::string& v) {
  errno = 0;
  char* end = nullptr;
  const double x = std::strtod(v.c_str(), &end);
  ADMA_CHECK(!v.empty() && end == v.c_str() + v.size() && errno == 0 && std::isfinite(x), s.what, " '", s.kind,
             "': ", name, " must be a number, got '", v, "'");
  return x;
}

}  // namespace

std::string kind_names(const std::vector<KindInfo>& table) {
  std::string s;
  for (const auto& k : table) s += (s.empty() ? "" : ", ") + k.name;
  return s;
}

Spec parse_spec(const std::vector<KindInfo>& table, const std::string& what, const std::string& text) {
  Spec s;
  s.what = what;
  const size_t colon = text.find(':');
  s.kind = text.substr(0, colon);
  const KindInfo* info = nullptr;
  for (const auto& k : table)
    if (k.name == s.kind) info = &k;
  ADMA_CHECK(info, "unknown ", what, " '", s.kind, "' (one of: ", kind_names(table), ")");
  if (colon != std::string::npos) {
    const std::string rest = text.substr(colon + 1);
    size_t pos = 0;
    while (pos <= rest.size()) {
      const size_t comma = rest.find(',', pos);
      const std::string item = rest.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
      pos = comma == std::string::npos ? rest.size() + 1 : comma + 1;
      if (item.empty()) continue;
      const size_t eq = item.find('=');
      ADMA_CHECK(eq != std::string::npos, what, " '", s.kind, "': expected name=value, got '", item, "'");
      const std::string name = item.substr(0, eq);
      bool known = false;
      std::string all;
      for (const auto& p : info->params) {
        known = known || p.name == name;
        all += (all.empty() ? "" : ", ") + p.name;
      }
      ADMA_CHECK(known, what, " '", s.kind, "' has no parameter '", name, "' (",
                 all.empty() ? std::string("it takes none") : "it takes: " + all, ")");
      ADMA_CHECK(!s.args.count(name), what, " '", s.kind, "': ", name, " given twice");
      s.args[name] = item.substr(eq + 1);
      s.given.insert(name);
    }
  }
  for (const auto& p : info->params)
    if (!s.args.count(p.name)) {
      ADMA_CHECK(!p.default_value.empty(), what, " '", s.kind, "' needs ", p.name, " (", p.help, ")");
      s.args[p.name] = p.default_value;
    }
  return s;
}

const std::string& Spec::text(const std::string& name) const {
  auto it = args.find(name);
  ADMA_CHECK(it != args.end(), what, " '", kind, "' has no parameter '", name, "'");
  return it->second;
}

double Spec::number(const std::string& name) const { return to_number(*this, name, text(name)); }

int64_t Spec::integer(const std::string& name) const {
  const double x = number(name);
  ADMA_CHECK(x == std::floor(x) && std::fabs(x) < 9.0e15, what, " '", kind, "': ", name,
             " must be a whole number, got ", text(name));
  return static_cast<int64_t>(x);
}

bool Spec::flag(const std::string& name) const {
  const std::string& v = text(name);
  if (v == "true" || v == "1") return true;
  if (v == "false" || v == "0") return false;
  ADMA_THROW(what, " '", kind, "': ", name, " must be true or false, got '", v, "'");
}

std::vector<double> Spec::list(const std::string& name) const {
  std::vector<double> out;
  const std::string& v = text(name);
  size_t pos = 0;
  while (pos <= v.size()) {
    const size_t slash = v.find('/', pos);
    const std::string item = v.substr(pos, slash == std::string::npos ? std::string::npos : slash - pos);
    out.push_back(to_number(*this, name, item));
    pos = slash == std::string::npos ? v.size() + 1 : slash + 1;
  }
  return out;
}

std::string Spec::str() const {
  std::string s = kind;
  char sep = ':';
  for (const auto& [k, v] : args) {
    s += sep + k + "=" + v;
    sep = ',';
  }
  return s;
}

std::string describe_kinds(const std::vector<KindInfo>& table) {
  std::string s;
  for (const auto& k : table) {
    s += k.name + ": " + k.help + "\n";
    for (const auto& p : k.params)
      s += "    " + p.name + (p.default_value.empty() ? " (required)" : " = " + p.default_value) + ": " + p.help +
           "\n";
  }
  return s;
}

}  // namespace adma
