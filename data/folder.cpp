// Folder readers: list, sort (so labels and order never depend on the file
// system), decode, resize into one ImageSet.
#include "data/folder.h"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include "core/error.h"
#include "data/file_bytes.h"
#include "data/image_decode.h"

namespace adma::data {

namespace fs = std::filesystem;

namespace {

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool is_image_name(const fs::path& p) {
  const std::string ext = lower(p.extension().string());
  return ext == ".jpg" || ext == ".jpeg" || ext == ".png";
}

void require_dir(const std::string& dir, const std::string& what) {
  ADMA_CHECK(dir_exists(dir), dir, ": no such directory (", what, ")");
}

ImageSet empty_set(const ImageGeometry& g, int64_t classes, const std::string& source) {
  ADMA_CHECK(g.height > 0 && g.width > 0 && (g.channels == 1 || g.channels == 3), source, ": image size ",
             g.channels, "x", g.height, "x", g.width, " (channels 1 or 3, height and width > 0)");
  ImageSet s;
  s.channels = g.channels;
  s.height = g.height;
  s.width = g.width;
  s.classes = classes;
  s.source = source;
  return s;
}

// Decodes and resizes every listed image into `s`, on all cores (decoding
// dominates: Dogs vs Cats is 25 000 JPEGs). Results land at their list index,
// so the set does not depend on thread timing; the first failing file (in list
// order) is the error reported.
void decode_all(ImageSet& s, const std::vector<std::pair<std::string, int32_t>>& files) {
  const size_t n = files.size(), bytes = static_cast<size_t>(s.image_bytes());
  const size_t base = s.pixels.size();
  s.pixels.resize(base + n * bytes);
  std::vector<std::exception_ptr> errors(n);
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t i = next++; i < n; i = next++) {
      try {
        const DecodedImage img = read_image(files[i].first);
        resize_to_chw(img, static_cast<int32_t>(s.channels), static_cast<int32_t>(s.height),
                      static_cast<int32_t>(s.width), s.pixels.data() + base + i * bytes);
      } catch (...) {
        errors[i] = std::current_exception();
      }
    }
  };
  const size_t threads = std::min<size_t>(std::max(1u, std::thread::hardware_concurrency()), std::max<size_t>(1, n / 16));
  std::vector<std::thread> pool;
  for (size_t t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
  for (std::thread& t : pool) t.join();
  for (const std::exception_ptr& e : errors)
    if (e) std::rethrow_exception(e);
  for (const auto& f : files) s.labels.push_back(f.second);
}

std::vector<fs::path> sorted_images(const fs::path& dir) {
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.is_regular_file() && is_image_name(e.path())) files.push_back(e.path());
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

ImageSet read_class_folders(const std::string& dir, const ImageGeometry& g, std::vector<std::string>* class_names) {
  require_dir(dir, "expected one sub-folder of images per class");
  std::vector<fs::path> classes;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.is_directory()) classes.push_back(e.path());
  std::sort(classes.begin(), classes.end());
  ADMA_CHECK(!classes.empty(), dir, ": no class folders (expected <dir>/<class>/<image>.jpg|png)");
  ImageSet s = empty_set(g, static_cast<int64_t>(classes.size()), dir);
  if (class_names) class_names->clear();
  std::vector<std::pair<std::string, int32_t>> list;
  for (size_t k = 0; k < classes.size(); ++k) {
    const std::vector<fs::path> files = sorted_images(classes[k]);
    ADMA_CHECK(!files.empty(), classes[k].string(), ": empty class folder (no .jpg, .jpeg or .png files)");
    for (const fs::path& f : files) list.emplace_back(f.string(), static_cast<int32_t>(k));
    if (class_names) class_names->push_back(classes[k].filename().string());
  }
  decode_all(s, list);
  s.check();
  return s;
}

const std::vector<std::string>& ham10000_classes() {
  static const std::vector<std::string> names{"akiec", "bcc", "bkl", "df", "mel", "nv", "vasc"};
  return names;
}

ImageSet read_ham10000(const std::string& dir, const ImageGeometry& g, std::vector<std::string>* class_names) {
  require_dir(dir, "expected HAM10000_metadata.csv and the images");
  const std::string csv = (fs::path(dir) / "HAM10000_metadata.csv").string();
  std::ifstream in(csv);
  ADMA_CHECK(in.good(), csv, ": no such file (HAM10000's metadata: lesion_id,image_id,dx,...)");
  std::string line;
  ADMA_CHECK(static_cast<bool>(std::getline(in, line)), csv, ": empty file");
  auto split = [](const std::string& l) {
    std::vector<std::string> f;
    std::stringstream ss(l);
    std::string x;
    while (std::getline(ss, x, ',')) {
      if (!x.empty() && x.back() == '\r') x.pop_back();
      if (x.size() >= 2 && x.front() == '"' && x.back() == '"') x = x.substr(1, x.size() - 2);
      f.push_back(x);
    }
    return f;
  };
  const std::vector<std::string> header = split(line);
  auto column = [&](const std::string& name) {
    auto it = std::find(header.begin(), header.end(), name);
    ADMA_CHECK(it != header.end(), csv, ": no column '", name, "' in the header");
    return static_cast<size_t>(it - header.begin());
  };
  const size_t id_col = column("image_id"), dx_col = column("dx");
  const std::vector<std::string>& names = ham10000_classes();
  const std::vector<fs::path> folders{fs::path(dir), fs::path(dir) / "HAM10000_images_part_1",
                                      fs::path(dir) / "HAM10000_images_part_2"};
  ImageSet s = empty_set(g, static_cast<int64_t>(names.size()), dir);
  int64_t line_no = 1;
  std::vector<std::pair<std::string, int32_t>> list;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty() || line == "\r") continue;
    const std::vector<std::string> f = split(line);
    ADMA_CHECK(f.size() > std::max(id_col, dx_col), csv, ":", line_no, ": ", f.size(), " fields, too few");
    auto k = std::find(names.begin(), names.end(), f[dx_col]);
    ADMA_CHECK(k != names.end(), csv, ":", line_no, ": diagnosis '", f[dx_col],
               "' is not one of akiec, bcc, bkl, df, mel, nv, vasc");
    std::string path;
    for (const fs::path& d : folders)
      for (const char* ext : {".jpg", ".png"})
        if (path.empty() && file_exists((d / (f[id_col] + ext)).string())) path = (d / (f[id_col] + ext)).string();
    ADMA_CHECK(!path.empty(), csv, ":", line_no, ": no image ", f[id_col], ".jpg in ", dir,
               " or its HAM10000_images_part_1/2 folders");
    list.emplace_back(path, static_cast<int32_t>(k - names.begin()));
  }
  ADMA_CHECK(!list.empty(), csv, ": no images listed");
  decode_all(s, list);
  if (class_names) *class_names = names;
  s.check();
  return s;
}

ImageSet read_dogs_vs_cats(const std::string& dir, const ImageGeometry& g, std::vector<std::string>* class_names) {
  require_dir(dir, "expected cat.N.jpg and dog.N.jpg, or cat/ and dog/ folders");
  fs::path root(dir);
  if (fs::is_directory(root / "train")) root /= "train";
  // Also accept the class-folder layout (cats/, dogs/ ...).
  bool named = false;
  for (const auto& e : fs::directory_iterator(root)) {
    const std::string n = lower(e.path().filename().string());
    if (e.is_regular_file() && (n.rfind("cat.", 0) == 0 || n.rfind("dog.", 0) == 0)) named = true;
  }
  if (!named) return read_class_folders(root.string(), g, class_names);
  ImageSet s = empty_set(g, 2, root.string());
  // Sort by (class, N) numerically, so cat.2 comes before cat.10.
  std::vector<std::pair<std::pair<int, long>, fs::path>> files;
  for (const fs::path& f : sorted_images(root)) {
    const std::string n = lower(f.filename().string());
    const int cls = n.rfind("cat.", 0) == 0 ? 0 : n.rfind("dog.", 0) == 0 ? 1 : -1;
    if (cls < 0) continue;
    files.push_back({{cls, std::strtol(n.c_str() + 4, nullptr, 10)}, f});
  }
  std::sort(files.begin(), files.end());
  int64_t per_class[2] = {0, 0};
  std::vector<std::pair<std::string, int32_t>> list;
  for (const auto& [key, f] : files) {
    list.emplace_back(f.string(), key.first);
    ++per_class[key.first];
  }
  ADMA_CHECK(per_class[0] > 0, root.string(), ": no cat.N.jpg images");
  ADMA_CHECK(per_class[1] > 0, root.string(), ": no dog.N.jpg images");
  decode_all(s, list);
  if (class_names) *class_names = {"cat", "dog"};
  s.check();
  return s;
}

}  // namespace adma::data
