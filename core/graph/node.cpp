// Node declarations and accessors; the Graph fills in the tensors.
#include "core/graph/node.h"

namespace adma {

int64_t Node::num_params() const {
  int64_t n = 0;
  for (const auto& p : param_specs_) n += p.shape.numel();
  return n;
}

int Node::add_param(const std::string& name, const Shape& shape, Init init, const ParamRules& rules) {
  ParamRules r = rules;
  if (rules_hook_ && *rules_hook_) (*rules_hook_)(name_ + "." + name, r);
  const std::string problem = rules_problem(r);
  ADMA_CHECK(problem.empty(), "parameter '", name_, ".", name, "': ", problem);
  param_specs_.push_back({name, shape, init, r});
  return static_cast<int>(param_specs_.size()) - 1;
}

int Node::add_buffer(const std::string& name, const Shape& shape, double value) {
  buffer_specs_.push_back({name, shape, value});
  return static_cast<int>(buffer_specs_.size()) - 1;
}

int Node::add_state(const Shape& shape, DType dtype) {
  state_specs_.push_back({shape, dtype});
  return static_cast<int>(state_specs_.size()) - 1;
}

int Node::add_state_bytes(size_t bytes) {
  return add_state(Shape{static_cast<int64_t>((bytes + 3) / 4)}, DType::F32);
}

void Node::need_workspace(size_t bytes) { workspace_bytes_ = std::max(workspace_bytes_, bytes); }

const Tensor& Node::in(int i) const { return inputs_.at(static_cast<size_t>(i))->out_; }

Tensor& Node::in_grad(int i) const { return inputs_.at(static_cast<size_t>(i))->out_grad_; }

Tensor& Node::workspace() {
  ADMA_ASSERT(workspace_ != nullptr, name_, ": workspace used before the graph was built");
  return *workspace_;
}

bool Node::training() const { return training_ != nullptr && *training_; }

bool Node::runs_folded() const { return folding_ != nullptr && *folding_ && !training(); }

}  // namespace adma
