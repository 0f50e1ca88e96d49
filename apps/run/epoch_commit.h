// The end of an epoch as the run folder records it, with ONE commit point: the
// rename of last.safetensors. The checkpoint carries everything a resume needs (the
// Trainer's state, the normalisation, the run's arguments and the metrics history as
// metrics.csv's text under adma.metrics); every other file is derived from it and
// rewritten after the commit, so a kill at any instant leaves either the previous
// epoch's checkpoint or this one's, and restore_from_checkpoint() rebuilds the rest.
// The sequence, with the fault points (apps/common/fault.h) where a kill is tried:
//   epoch:end                  metrics measured, nothing written
//   tmp:last.safetensors       the new checkpoint complete under a temporary name
//   epoch:committed            last.safetensors renamed into place (the commit)
//   tmp:metrics.csv            metrics.csv rewritten under a temporary name
//   tmp:best.safetensors       best.safetensors (a hard link of last) before its rename
#pragma once
#include <string>
#include <vector>

#include "apps/run/run_folder.h"
#include "apps/run/training_session.h"

namespace adma::apps {

// The checkpoint metadata key that holds the metrics history (metrics.csv's text).
extern const char* const kMetricsKey;

// Commits epoch `m` (the next one after folder.metrics()) as described above.
void commit_epoch(TrainingSession& session, RunFolder& folder, const EpochMetrics& m, const optim::EpochMetrics& val);

// The epochs `last` (a program checkpoint) holds, read strictly.
int checkpoint_epochs(const std::string& last);

// For --resume: the folder's history from `last` (or, for a checkpoint written before it
// carried one, the first rows of metrics.csv), metrics.csv rewritten from it, and
// best.safetensors repaired when the kill came between the commit and its link.
// Returns the epochs done.
int restore_from_checkpoint(RunFolder& folder, const std::string& last);

}  // namespace adma::apps
