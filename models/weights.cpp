// The strict name-and-shape loader of models/weights.h.
#include "models/weights.h"

#include <algorithm>
#include <map>
#include <set>

#include "core/error.h"
#include "core/graph/checkpoint.h"

namespace adma::models {

namespace {

std::string shape_str(const std::vector<uint64_t>& s) {
  std::string out = "[";
  for (size_t i = 0; i < s.size(); ++i) out += (i ? ", " : "") + std::to_string(s[i]);
  return out + "]";
}

bool same_shape(const Shape& a, const std::vector<uint64_t>& b) {
  if (static_cast<size_t>(a.rank()) != b.size()) return false;
  for (int i = 0; i < a.rank(); ++i)
    if (static_cast<uint64_t>(a[i]) != b[static_cast<size_t>(i)]) return false;
  return true;
}

// Equal but in dimension 0 (the classes of a Dense weight [classes, features] or bias [classes]).
bool differs_in_classes_only(const Shape& a, const std::vector<uint64_t>& b) {
  if (static_cast<size_t>(a.rank()) != b.size() || b.empty()) return false;
  for (int i = 1; i < a.rank(); ++i)
    if (static_cast<uint64_t>(a[i]) != b[static_cast<size_t>(i)]) return false;
  return true;
}

bool ends_with(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

}  // namespace

WeightsReport load_weights(Graph& g, const std::string& path, const WeightsOptions& o) {
  ADMA_CHECK(g.built(), "load_weights: build the graph first");
  const safetensors::Header h = read_checkpoint_header(path);
  const std::string where = "weights " + path;
  std::vector<NamedTensor> model = g.state_dict();
  std::set<std::string> model_names;
  for (const auto& t : model) model_names.insert(t.name);

  WeightsReport rep;
  std::vector<std::string> to_read;
  std::vector<const NamedTensor*> targets;
  int64_t file_classes = -1;
  for (const auto& t : model) {
    const safetensors::Entry* e = h.find(t.name);
    ADMA_CHECK(e, where, " do not fit the model: '", t.name, "' ", t.value.shape().str(),
               " is not in the file (it holds ", h.entries.size(), " tensors",
               h.entries.empty() ? std::string() : ", the first '" + h.entries.front().name + "'", ")");
    ADMA_CHECK(e->dtype == "F32" || e->dtype == "F64", where, ": '", t.name, "' is ", e->dtype,
               "; weights must be F32 or F64");
    if (!same_shape(t.value.shape(), e->shape)) {
      const bool classifier = !o.classifier.empty() && t.name.rfind(o.classifier + ".", 0) == 0;
      ADMA_CHECK(classifier && o.replace_classifier && differs_in_classes_only(t.value.shape(), e->shape), where,
                 " do not fit the model: '", t.name, "' is ", t.value.shape().str(), " in the model but ",
                 shape_str(e->shape), " in the file");
      rep.replaced.push_back(t.name);
      file_classes = static_cast<int64_t>(e->shape[0]);
      continue;
    }
    to_read.push_back(t.name);
    targets.push_back(&t);
  }
  // The file's tensors in the order they were written (their data offsets; JSON keys may be sorted).
  std::vector<const safetensors::Entry*> written;
  for (const auto& e : h.entries) written.push_back(&e);
  std::sort(written.begin(), written.end(), [](auto* a, auto* b) { return a->begin < b->begin; });
  for (const safetensors::Entry* ep : written) {
    const safetensors::Entry& e = *ep;
    if (model_names.count(e.name)) continue;
    const std::string bn = e.name.substr(0, e.name.size() - std::string("num_batches_tracked").size());
    if (ends_with(e.name, ".num_batches_tracked") && model_names.count(bn + "running_mean")) {
      rep.ignored.push_back(e.name);
      continue;
    }
    ADMA_THROW(where, " do not fit the model: the file has '", e.name, "' ", shape_str(e.shape),
               ", which the model does not (its first tensor is '", model.empty() ? "" : model.front().name, "')");
  }
  // A classifier is replaced whole: if one of its tensors differs in the class count, all do.
  if (!rep.replaced.empty()) {
    for (size_t i = 0; i < to_read.size();) {
      if (to_read[i].rfind(o.classifier + ".", 0) == 0) {
        rep.replaced.push_back(to_read[i]);
        to_read.erase(to_read.begin() + static_cast<std::ptrdiff_t>(i));
        targets.erase(targets.begin() + static_cast<std::ptrdiff_t>(i));
      } else {
        ++i;
      }
    }
  }

  // Read everything, then write: a failed read leaves the model as it was.
  const std::vector<NamedTensor> staged = read_checkpoint_tensors(path, to_read);
  std::vector<Tensor> converted;
  for (size_t i = 0; i < staged.size(); ++i) {
    const Tensor& src = staged[i].value;
    converted.push_back(src.dtype() == g.dtype()
                            ? src
                            : Tensor::from_host(src.to_host(), src.shape(), g.dtype(), Device::cpu()));
  }
  for (size_t i = 0; i < converted.size(); ++i) {
    Tensor dst = targets[i]->value;
    dst.copy_from(converted[i]);
    rep.values += converted[i].numel();
  }
  rep.tensors = static_cast<int64_t>(converted.size());

  rep.message = "loaded " + std::to_string(rep.tensors) + " tensors (" + std::to_string(rep.values) +
                " values) from " + path;
  if (!rep.replaced.empty()) {
    std::string names;
    for (const auto& n : rep.replaced) names += (names.empty() ? "" : ", ") + n;
    int64_t classes = -1;
    for (const auto& t : model)
      if (t.name == rep.replaced.front()) classes = t.value.shape()[0];
    rep.message += "; the file's classifier has " + std::to_string(file_classes) + " classes, the model " +
                   std::to_string(classes) + ": " + names + " keep their fresh initialisation (fine-tuning)";
  }
  if (!rep.ignored.empty())
    rep.message += "; ignored " + std::to_string(rep.ignored.size()) +
                   " BatchNorm num_batches_tracked counters (unused with a momentum)";
  return rep;
}

}  // namespace adma::models
