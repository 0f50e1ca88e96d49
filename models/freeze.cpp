// Layer counting and the freezing rules of models/freeze.h.
#include "models/freeze.h"

#include <fnmatch.h>

#include <cstdio>
#include <map>
#include <set>

#include "core/error.h"

namespace adma::models {

namespace {

bool is_weight_layer(const Node& n) { return n.layer_role() == Node::LayerRole::Weights; }
bool is_normalisation(const Node& n) { return n.layer_role() == Node::LayerRole::Normalises; }

// The node a parameter belongs to: its name up to the last '.' (parameter names have none).
std::string node_of(const std::string& param) {
  const size_t dot = param.rfind('.');
  return dot == std::string::npos ? param : param.substr(0, dot);
}

// Names of the graph's loss nodes (their parameters are not the model's).
std::set<std::string> loss_nodes(Graph& g) {
  std::set<std::string> out;
  for (int i = 0; i < g.size(); ++i)
    if (g.node(Value{i}).as_loss()) out.insert(g.node_at(i).name());
  return out;
}

std::string with_commas(int64_t v) {
  std::string s = std::to_string(v), out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (i && (s.size() - i) % 3 == 0) out += ',';
    out += s[i];
  }
  return out;
}

}  // namespace

std::vector<ModelLayer> parameterised_layers(const Graph& g) {
  std::vector<ModelLayer> layers;
  std::map<const Node*, size_t> layer_of;  // weight node -> its layer
  for (int i = 0; i < g.size(); ++i) {
    const Node& n = g.node_at(i);
    if (is_weight_layer(n)) {
      layer_of[&n] = layers.size();
      layers.push_back({n.name(), {n.name()}});
    } else if (is_normalisation(n)) {
      // Walk up through one-input nodes of no role (activations, pooling, dropout) to the
      // weight layer this normalisation follows; an input (no inputs) or a join (Add, two)
      // ends the walk, and the normalisation then counts as a layer of its own.
      const Node* up = &n.input_node(0);
      while (up->layer_role() == Node::LayerRole::Other && up->num_inputs() == 1) up = &up->input_node(0);
      auto it = layer_of.find(up);
      if (it != layer_of.end() && layers[it->second].nodes.size() == 1)
        layers[it->second].nodes.push_back(n.name());
      else
        layers.push_back({n.name(), {n.name()}});
    }
  }
  return layers;
}

namespace {

// Installs rules that train a parameter when `trains(param name)` says so; the loss's
// parameters keep what their layer declared. Records every decision in `sel`.
void install(Graph& g, std::shared_ptr<TrainSelection> sel, std::function<bool(const std::string&)> trains) {
  const std::set<std::string> losses = loss_nodes(g);
  g.set_rules([sel, trains, losses](const std::string& name, ParamRules& r) {
    if (losses.count(node_of(name))) return;
    r.trainable = r.trainable && trains(name);
    (r.trainable ? sel->trained : sel->frozen).push_back(name);
  });
}

}  // namespace

std::shared_ptr<const TrainSelection> train_top(Graph& g, int64_t k) {
  const std::vector<ModelLayer> layers = parameterised_layers(g);
  ADMA_CHECK(!layers.empty(), "train_top: the model has no parameterised layer (Conv2d, Dense, BatchNorm2d)");
  ADMA_CHECK(k >= 1 && k <= static_cast<int64_t>(layers.size()), "train_top: the number of layers to train must be "
             "between 1 and ", layers.size(), " (the model's parameterised layers), got ", k);
  auto sel = std::make_shared<TrainSelection>();
  sel->description = "the top " + std::to_string(k) + " layer" + (k == 1 ? "" : "s");
  std::set<std::string> nodes;
  for (size_t i = layers.size(); i-- > layers.size() - static_cast<size_t>(k);) {
    sel->layers.push_back(layers[i].name);
    nodes.insert(layers[i].nodes.begin(), layers[i].nodes.end());
  }
  install(g, sel, [nodes](const std::string& p) { return nodes.count(node_of(p)) > 0; });
  return sel;
}

std::shared_ptr<const TrainSelection> train_only(Graph& g, const std::string& patterns) {
  auto sel = std::make_shared<TrainSelection>();
  size_t pos = 0;
  while (pos <= patterns.size()) {
    const size_t comma = patterns.find(',', pos);
    std::string p = patterns.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    pos = comma == std::string::npos ? patterns.size() + 1 : comma + 1;
    const size_t b = p.find_first_not_of(" \t"), e = p.find_last_not_of(" \t");
    p = b == std::string::npos ? "" : p.substr(b, e - b + 1);
    if (!p.empty()) sel->patterns.push_back(p);
  }
  ADMA_CHECK(!sel->patterns.empty(), "train_only: no pattern given (e.g. 'layer4.*,fc.*'), got '", patterns, "'");
  sel->matched.assign(sel->patterns.size(), 0);
  sel->description = "parameters matching " + patterns;
  TrainSelection* s = sel.get();
  install(g, sel, [s](const std::string& name) {
    bool any = false;
    for (size_t i = 0; i < s->patterns.size(); ++i)
      if (fnmatch(s->patterns[i].c_str(), name.c_str(), 0) == 0) {
        ++s->matched[i];
        any = true;
      }
    return any;
  });
  return sel;
}

void check_selection(const TrainSelection& s) {
  for (size_t i = 0; i < s.patterns.size(); ++i)
    ADMA_CHECK(s.matched[i] > 0, "train_only: pattern '", s.patterns[i], "' matches no parameter of the model",
               s.frozen.empty() ? std::string(" (is the graph planned?)")
                                : " (names look like '" + s.frozen.front() + "')");
  ADMA_CHECK(!s.trained.empty(), "no parameter trains under ", s.description,
             s.frozen.empty() ? " (is the graph planned?)" : "");
}

std::string training_report(const Graph& g, const TrainSelection& s) {
  ADMA_CHECK(g.built(), "training_report: build the graph first");
  std::string list;
  int64_t tensors = 0;
  for (const auto& p : g.parameters())
    if (p.rules.trainable) {
      list += "  " + p.name + " " + p.value.shape().str() + "\n";
      ++tensors;
    }
  char pct[32];
  std::snprintf(pct, sizeof pct, "%.1f", 100.0 * static_cast<double>(g.num_trainable_params()) /
                                             static_cast<double>(std::max<int64_t>(1, g.num_params())));
  return "training " + s.description + ": " + with_commas(g.num_trainable_params()) + " of " +
         with_commas(g.num_params()) + " parameters (" + pct + " %), " + std::to_string(tensors) + " tensor" +
         (tensors == 1 ? "" : "s") + ":\n" + list;
}

}  // namespace adma::models
