// commit_epoch and restore_from_checkpoint: the crash-safe write sequence of a run folder.
#include "apps/run/epoch_commit.h"

#include <map>

#include "apps/common/fault.h"
#include "apps/common/files.h"
#include "core/error.h"
#include "core/graph/checkpoint.h"
#include "core/graph/metadata.h"

namespace adma::apps {

const char* const kMetricsKey = "adma.metrics";

namespace {

// The epoch best.safetensors must hold: the first with the highest held-out accuracy.
int best_epoch(const std::vector<EpochMetrics>& rows) { return summarize(rows, 0, "").best_epoch; }

// The epochs a checkpoint holds, or -1 when it is missing or unreadable.
int epochs_or_none(const std::string& path) {
  if (!file_exists(path)) return -1;
  try {
    return checkpoint_epochs(path);
  } catch (const Error&) {
    return -1;
  }
}

}  // namespace

int checkpoint_epochs(const std::string& last) {
  const Metadata meta = read_checkpoint_metadata(last);
  return static_cast<int>(metadata_integer(meta, "trainer.epoch", 0, 1000000000, last));
}

void commit_epoch(TrainingSession& session, RunFolder& folder, const EpochMetrics& m, const optim::EpochMetrics& val) {
  const std::string last = folder.path("last.safetensors"), best = folder.path("best.safetensors");
  std::vector<EpochMetrics> rows = folder.metrics();
  ADMA_CHECK(m.epoch == static_cast<int>(rows.size()) + 1, "epoch ", m.epoch, " does not follow epoch ", rows.size());
  rows.push_back(m);
  fault_point("epoch:end");
  const std::string tmp = temp_name(last);
  session.save(tmp, &val, {{kMetricsKey, metrics_csv(rows)}});
  fault_point("tmp:last.safetensors");
  replace_file(tmp, last);  // the commit
  fault_point("epoch:committed");
  folder.append_epoch(m);
  if (best_epoch(rows) == m.epoch) link_file_atomic(last, best);
}

int restore_from_checkpoint(RunFolder& folder, const std::string& last) {
  const Metadata meta = read_checkpoint_metadata(last);
  const int done = checkpoint_epochs(last);
  const auto it = meta.find(kMetricsKey);
  if (it == meta.end()) {
    folder.resume_metrics(done);  // an older checkpoint: metrics.csv is the history
  } else {
    std::vector<EpochMetrics> rows = parse_metrics_csv(it->second, last + " (" + kMetricsKey + ")");
    ADMA_CHECK(static_cast<int>(rows.size()) == done, last, ": its metrics history has ", rows.size(),
               " epochs but it was saved after epoch ", done);
    folder.restore(std::move(rows));
  }
  const auto& rows = folder.metrics();
  const std::string best = folder.path("best.safetensors");
  if (!rows.empty() && best_epoch(rows) == done && epochs_or_none(best) != done) link_file_atomic(last, best);
  return done;
}

}  // namespace adma::apps
