// Progress lines: fixed-width fields so the bar does not jitter as it redraws.
#include "apps/run/progress.h"

#include <unistd.h>

#include <chrono>
#include <cmath>

#include "apps/common/format.h"
#include "core/error.h"

namespace adma::apps {

bool is_terminal(std::FILE* f) { return f && ::isatty(::fileno(f)) == 1; }

EpochProgress::EpochProgress(std::FILE* out, Options o) : out_(out), o_(std::move(o)) {
  ADMA_CHECK(out_ != nullptr, "progress: no output stream");
  if (!o_.clock) {
    o_.clock = [] {
      return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
    };
  }
}

void EpochProgress::begin_epoch(int epoch) {
  epoch_ = epoch;
  epoch_start_ = o_.clock();
  last_draw_ = -1e300;
  drawn_ = false;
}

std::string EpochProgress::bar_line(int64_t step, double loss, double accuracy, double elapsed) const {
  constexpr int kWidth = 24;
  const int64_t total = o_.steps_per_epoch > 0 ? o_.steps_per_epoch : 1;
  const int filled = static_cast<int>(kWidth * std::min<int64_t>(step, total) / total);
  std::string bar(static_cast<size_t>(filled), '#');
  bar.resize(kWidth, '.');
  const double rate = elapsed > 0 ? static_cast<double>(step * o_.batch) / elapsed : 0;
  const double eta = step > 0 ? elapsed * static_cast<double>(total - step) / static_cast<double>(step) : -1;
  char buf[256];
  std::snprintf(buf, sizeof buf, "epoch %d/%d [%s] %lld/%lld loss %.4f acc %.4f %6.0f img/s ETA %s", epoch_,
                o_.epochs, bar.c_str(), static_cast<long long>(step), static_cast<long long>(total), loss, accuracy,
                rate, format_duration(eta).c_str());
  return buf;
}

std::string EpochProgress::epoch_line(const EpochMetrics& m, double images_per_second) const {
  char buf[320];
  std::snprintf(buf, sizeof buf,
                "epoch %d/%d: train loss %.4f acc %.4f | val loss %.4f acc %.4f | lr %g a %g | %.1f s, %.0f img/s",
                m.epoch, o_.epochs, m.train_loss, m.train_accuracy, m.val_loss, m.val_accuracy, m.lr, m.a, m.seconds,
                images_per_second);
  return buf;
}

void EpochProgress::step(int64_t step, double loss, double accuracy) {
  if (!o_.tty) return;
  const double now = o_.clock();
  if (step < o_.steps_per_epoch && now - last_draw_ < o_.redraw_seconds) return;
  last_draw_ = now;
  // \r back to the start, the bar, then \033[K clears what a longer bar left.
  std::fprintf(out_, "\r%s\033[K", bar_line(step, loss, accuracy, now - epoch_start_).c_str());
  std::fflush(out_);
  drawn_ = true;
}

void EpochProgress::end_epoch(const EpochMetrics& m) {
  const double rate = m.seconds > 0 ? static_cast<double>(o_.steps_per_epoch * o_.batch) / m.seconds : 0;
  if (o_.tty && drawn_) std::fputs("\r\033[K", out_);
  std::fprintf(out_, "%s\n", epoch_line(m, rate).c_str());
  ADMA_CHECK(std::fflush(out_) == 0 && !std::ferror(out_), "cannot write the progress of epoch ", m.epoch);
  drawn_ = false;
}

}  // namespace adma::apps
