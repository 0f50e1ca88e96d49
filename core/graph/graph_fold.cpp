// Batch norm folded at evaluation (core/graph/node.h): which pairs fold, their memory,
// the refold at the start of each evaluation pass, and the train/eval switch that starts it.
#include "core/graph/graph.h"

namespace adma {

void Graph::plan_folds() {
  // A pair is a weight layer that can run on a folded copy and whose output is read by
  // exactly one input slot of one node, a normalisation that folds at evaluation. Found
  // by what the nodes declare, so any model with conv -> batch norm (or dense -> batch
  // norm) folds, and one with anything between them (the paper's conv -> ELU -> batch norm)
  // does not: folding across the ELU is not a linear map, and folding a batch norm into the
  // convolution after it is not exact where that convolution zero-pads (docs/engine.md).
  folds_.clear();
  fold_planned_ = fold_on_;
  if (!fold_on_) return;
  for (size_t i = 0; i < nodes_.size(); ++i) {
    Node& w = *nodes_[i];
    const Node::FoldableParams fp = w.foldable_params();
    if (w.layer_role() != Node::LayerRole::Weights || fp.weight < 0) continue;
    int uses = 0;
    size_t reader = 0;
    for (size_t j = 0; j < nodes_.size(); ++j)
      for (const Node* in : nodes_[j]->inputs_)
        if (in == &w) ++uses, reader = j;
    const Node& norm = *nodes_[reader];
    if (uses != 1 || norm.layer_role() != Node::LayerRole::Normalises || !norm.folds_at_eval()) continue;
    const Shape& ws = w.param_specs_.at(static_cast<size_t>(fp.weight)).shape;
    ADMA_CHECK(ws.rank() >= 1 && w.out_shape_.rank() >= 2 && ws[0] == w.out_shape_[1], "node '", w.name_, "' (",
               w.kind(), ") offers its weight ", ws.str(), " for folding, but its output ", w.out_shape_.str(),
               " does not have that many channels on axis 1");
    folds_.push_back({i, reader, folded_.reserve(ws, dtype_), folded_.reserve(Shape{ws[0]}, dtype_)});
  }
}

void Graph::bind_folds() {
  for (const FoldedPair& f : folds_) {
    Node& w = *nodes_[f.weights];
    w.folded_weight_ = folded_.slot(f.weight_slot);
    w.folded_bias_ = folded_.slot(f.bias_slot);
    w.folding_ = nodes_[f.norm]->folding_ = &fold_on_;
  }
}

void Graph::refold() {
  check_built("refold");
  if (!fold_on_) return;
  for (const FoldedPair& f : folds_) {
    Node& w = *nodes_[f.weights];
    const Node::FoldableParams fp = w.foldable_params();
    const Tensor bias = fp.bias >= 0 ? w.params_.at(static_cast<size_t>(fp.bias)) : Tensor();
    nodes_[f.norm]->fold(*ctx_, w.params_.at(static_cast<size_t>(fp.weight)), bias, w.folded_weight_, w.folded_bias_);
  }
}

void Graph::eval() {
  training_ = false;
  if (built_) refold();
}

void Graph::train(bool on) {
  if (!on) return eval();
  training_ = true;
}

void Graph::set_fold_batchnorm(bool on) {
  ADMA_CHECK(!on || !planned_ || fold_planned_,
             "set_fold_batchnorm(true): the graph was planned with folding off (ADMA_FOLD_BN=0, or "
             "set_fold_batchnorm(false) before plan()), so its folded weights have no memory");
  const bool was = fold_on_;
  fold_on_ = on;
  if (on && !was && built_ && !training_) refold();
}

std::vector<std::pair<std::string, std::string>> Graph::folded_pairs() const {
  std::vector<std::pair<std::string, std::string>> pairs;
  for (const FoldedPair& f : folds_) pairs.emplace_back(nodes_[f.weights]->name_, nodes_[f.norm]->name_);
  return pairs;
}

}  // namespace adma
