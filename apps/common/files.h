// Checked file output for run folders: every write is verified (a full disk
// fails loudly, naming the file), and a file another process may read while it
// changes (metrics.csv, summary.json, results.*) is written to NAME.tmp.PID.N (unique
// per process and write) and then renamed over NAME, so a reader sees the old or the
// new file, never half of one; a kill leaves at most a NAME.tmp.* behind, which
// remove_temp_files() clears (the run folder's owner does, on start and resume).
#pragma once
#include <string>

namespace adma::apps {

// Writes `contents` to `path` atomically (tmp file in the same folder, fsync, rename).
void write_file_atomic(const std::string& path, const std::string& contents);
// A fresh temporary name beside `path`: PATH.tmp.PID.N.
std::string temp_name(const std::string& path);
// rename(from, to), checked.
void replace_file(const std::string& from, const std::string& to);
// Makes `to` the same file as `from` (a hard link renamed into place; a copy where the
// file system has no links): `to` keeps these bytes when `from` is later replaced.
void link_file_atomic(const std::string& from, const std::string& to);
// Deletes the temporary files (*.tmp.*) a killed writer left in `dir`; returns how many.
int remove_temp_files(const std::string& dir);
// Writes `contents` to `path` directly, checking every step (for files nobody reads early).
void write_file_checked(const std::string& path, const std::string& contents);
// The whole file; throws naming the file when it cannot be read.
std::string read_file(const std::string& path);
bool file_exists(const std::string& path);
bool dir_exists(const std::string& path);
// mkdir -p; throws naming the folder when it cannot be created.
void make_dirs(const std::string& path);
// "a/b/c.png" -> "a/b" ("" -> "."), and "a/b/c.png" -> "c.png".
std::string parent_dir(const std::string& path);
std::string file_name(const std::string& path);
// "a/b/c.png" -> "a/b/c" (the extension, if any, removed from the file name).
std::string without_extension(const std::string& path);

}  // namespace adma::apps
