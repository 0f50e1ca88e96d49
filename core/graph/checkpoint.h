// Checkpoints in the safetensors format (readable by PyTorch's `safetensors`):
//   8 bytes little-endian header length H, H bytes of JSON
//   {"name": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}, ...,
//    "__metadata__": {"key": "value"}}, then the raw little-endian data.
// Saving is atomic: a temporary file in the same folder, fsync, rename, fsync of
// the folder; a crash leaves the old checkpoint or the new one, never half of one.
// Loading accepts only a regular file holding a well-formed safetensors image (the
// rules: core/graph/safetensors.h), checks every name, dtype and shape against the
// model and names all that differs, reads everything, refuses a floating-point tensor
// holding a NaN or an infinity (a run that diverged, or a damaged file), lets the
// caller check the values, and only then touches a tensor: on any refusal the model
// is unchanged.
#pragma once
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "core/graph/graph.h"
#include "core/graph/safetensors.h"

namespace adma {

void save_checkpoint(const std::string& path, const std::vector<NamedTensor>& tensors,
                     const std::map<std::string, std::string>& metadata = {});

// Sees every tensor's values, read into host memory under the names asked for, before
// any is applied; throws to refuse the file (the optimizer's step counter against the
// metadata, a normalisation whose std is not positive).
using CheckpointCheck = std::function<void(const std::vector<NamedTensor>& staged)>;

// Fills `tensors` (on any device) from the file; the file must hold exactly these names.
void load_checkpoint(const std::string& path, const std::vector<NamedTensor>& tensors,
                     const CheckpointCheck& check = nullptr);

std::map<std::string, std::string> read_checkpoint_metadata(const std::string& path);

// The file's header, checked as load_checkpoint checks it: every tensor's name, dtype
// and shape, in file order (for loaders that match names themselves: models::load_weights).
safetensors::Header read_checkpoint_header(const std::string& path);

// The named tensors of the file as host tensors in the file's dtype (F32, F64 or I32;
// any other dtype, or a name the file lacks, is an Error naming it), read in one pass.
std::vector<NamedTensor> read_checkpoint_tensors(const std::string& path, const std::vector<std::string>& names);

}  // namespace adma
