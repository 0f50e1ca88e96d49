// Flag declarations and their resolution into TrainSettings / EvaluateSettings.
#include "apps/cli/train_flags.h"

#include "apps/cli/loss_flags.h"

#include <sys/stat.h>

#include <cmath>
#include <ctime>

#include "apps/common/files.h"
#include "apps/cli/loss_flags.h"
#include "apps/experiment/paper_tables.h"
#include "apps/cli/parse.h"
#include "core/cuda/runtime.h"
#include "core/error.h"
#include "data/datasets.h"
#include "optim/kinds.h"

namespace adma::apps {

namespace {

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return s;
}

bool is_member(const std::string& s, const std::vector<std::string>& v) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

bool is_dir(const std::string& p) {
  struct stat st {};
  return ::stat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

// The shortest decimal text that reads back as exactly `v`.
std::string exact(double v) {
  char buf[40];
  for (int prec = 6; prec <= 17; ++prec) {
    std::snprintf(buf, sizeof buf, "%.*g", prec, v);
    if (std::strtod(buf, nullptr) == v) break;
  }
  return buf;
}

// The one place train flags read per-dataset defaults (epochs, lr, augmentation):
// the dataset registry's row (data/datasets.h). A dataset without the paper's
// epoch count (svhn, idx, folder) trains kDefaultEpochs.
constexpr int kDefaultEpochs = 50;
struct DatasetDefaults {
  int epochs;
  double lr;  // 0: the optimizer's default
  double rotation, shift;
  bool flip;
};
// The registry keeps augmentation in float: 0.2f is 0.2000000029802322 as a double;
// back as the decimal it was written as (7 significant digits), so flags and
// config.json show 0.2.
double as_written(float v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.7g", static_cast<double>(v));
  return std::strtod(buf, nullptr);
}

DatasetDefaults dataset_or_throw(const std::string& name) {
  try {
    const data::DatasetInfo& d = data::find_dataset(name);
    return {d.paper_epochs > 0 ? d.paper_epochs : kDefaultEpochs, d.paper_lr, as_written(d.augment.rotation),
            as_written(d.augment.width_shift), d.augment.horizontal_flip};
  } catch (const Error& e) {
    throw Error(std::string("--dataset: ") + e.what());
  }
}

std::string dataset_names() {
  std::string names;
  for (const auto& d : data::datasets()) names += (names.empty() ? "" : ", ") + std::string(d.name);
  return names;
}

// The paper's table for this optimizer and regularisation (1: Adam + L2, 2: SGD + L2, 3: Adam, 4: SGD).
int table_for(const std::string& optimizer, double l2) {
  return (optimizer == "sgd" ? 2 : 1) + (l2 > 0 ? 0 : 2);
}

std::string utc_stamp() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%d-%H%M%S", &tm);
  return buf;
}

}  // namespace

// The names of optim/kinds.h's tables.
const std::vector<std::string>& optimizer_names() {
  static const std::vector<std::string> n = [] {
    std::vector<std::string> v;
    for (const auto& k : optim::optimizer_kinds()) v.push_back(k.name);
    return v;
  }();
  return n;
}

const std::vector<std::string>& schedule_names() {
  static const std::vector<std::string> n = [] {
    std::vector<std::string> v;
    for (const auto& k : optim::schedule_kinds()) v.push_back(k.name);
    return v;
  }();
  return n;
}

std::string resolve_device(const std::string& text, bool check_device) {
  if (text == "cpu") return "cpu";
  if (text == "auto") return cuda_rt::device_count() > 0 ? "cuda:0" : "cpu";
  int index = -1;
  if (text == "cuda") {
    index = 0;
  } else if (text.rfind("cuda:", 0) == 0 && text.size() > 5 && text.size() < 10 &&
             text.find_first_not_of("0123456789", 5) == std::string::npos) {
    index = std::stoi(text.substr(5));
  }
  ADMA_CHECK(index >= 0, "--device: '", text, "' is not a device (auto, cpu, cuda or cuda:N)");
  const std::string name = "cuda:" + std::to_string(index);
  if (!check_device) return name;
  ADMA_CHECK(cuda_rt::built_with_cuda(), "--device ", text,
             ": this adma was built without CUDA (configure with -DADMA_CUDA=ON, or use --device cpu)");
  const int count = cuda_rt::device_count();
  ADMA_CHECK(count > 0, "--device ", text, ": no CUDA device is usable here (", cuda_rt::no_device_reason(),
             "); use --device cpu");
  ADMA_CHECK(index < count, "--device ", text, ": this machine has ", count, " CUDA device(s), cuda:0 to cuda:",
             count - 1);
  return name;
}

void add_train_flags(CLI::App* cmd, TrainFlags& f, TrainFlagSet which) {
  auto* F = &f;
  if (which.run_identity) {
    cmd->add_option("--dataset", f.dataset, "dataset: " + dataset_names())->capture_default_str();
    cmd->add_option("--loss", f.loss, "adma, cce, mse, squared-hinge, gce, poly1 or focal")->capture_default_str();
    cmd->add_option_function<double>("--a", [F](double v) { F->a = v; },
                                     "Adma scaling factor (default: the paper's for the dataset, optimizer and L2)");
    cmd->add_option("--optimizer", f.optimizer, "adam, sgd or adamw")->capture_default_str();
    cmd->add_option_function<double>("--l2", [F](double v) { F->l2 = v; },
                                     "L2 factor on conv kernels, Keras l2() (default 1e-4; 0 = without)");
    cmd->add_option("--seed", f.seed, "seed of initialisation, shuffling, augmentation, dropout")
        ->capture_default_str();
    cmd->add_option("--out", f.out, "output folder (default runs/DATASET-LOSS-TIME)");
    cmd->add_option("--resume", f.resume, "continue the run in this folder from its last.safetensors");
    cmd->add_option("--device", f.device, "auto, cpu, cuda or cuda:N")->capture_default_str();
  }
  cmd->add_option("--data-dir", f.data_dir, "folder of the dataset's files (default: its usual place)");
  cmd->add_option("--model", f.model, "model: convnet (the paper's)")->capture_default_str();
  cmd->add_option("--base", f.base, "Adma base b in b - b^(p^a) (default e)");
  cmd->add_option("--q", f.q, "generalized cross-entropy q")->capture_default_str();
  cmd->add_option("--epsilon", f.epsilon, "Poly-1 epsilon")->capture_default_str();
  cmd->add_option("--gamma", f.gamma, "focal loss gamma")->capture_default_str();
  cmd->add_flag("--learn-a", f.learn_a, "train Adma's a as a parameter");
  cmd->add_option("--a-lr", f.a_lr, "learning rate of a (with --learn-a)")->capture_default_str();
  cmd->add_option("--a-min", f.a_min, "lower clamp of a (with --learn-a)")->capture_default_str();
  cmd->add_option("--a-max", f.a_max, "upper clamp of a (with --learn-a)")->capture_default_str();
  cmd->add_option_function<double>("--lr", [F](double v) { F->lr = v; },
                                   "learning rate (default Adam 1e-3, SGD 0.01, Flowers/HAM10000 4e-4)");
  cmd->add_option("--momentum", f.momentum, "SGD momentum")->capture_default_str();
  cmd->add_flag("--nesterov", f.nesterov, "SGD with Nesterov momentum");
  cmd->add_option("--schedule", f.schedule, "learning-rate schedule: constant, step, time, cosine, plateau")
      ->capture_default_str();
  cmd->add_option("--lr-steps", f.lr_steps, "step: epochs after which lr is multiplied by --lr-factor, e.g. 30,60");
  cmd->add_option("--lr-factor", f.lr_factor, "step and plateau: factor applied to lr")->capture_default_str();
  cmd->add_option("--lr-decay", f.lr_decay, "time: Keras time-based decay, lr / (1 + decay * iterations)")->capture_default_str();
  cmd->add_option("--lr-patience", f.lr_patience, "plateau: epochs without improvement")->capture_default_str();
  cmd->add_option("--lr-min", f.lr_min, "plateau and cosine: lowest lr")->capture_default_str();
  cmd->add_option_function<int>("--epochs", [F](int v) { F->epochs = v; },
                                "epochs (default: the paper's for the dataset, e.g. 75 for Fashion-MNIST)");
  cmd->add_option("--batch", f.batch, "batch size")->capture_default_str();
  cmd->add_option("--augment", f.augment, "paper (the dataset's augmentation) or none")->capture_default_str();
  cmd->add_option_function<double>("--rotation", [F](double v) { F->rotation = v; },
                                   "augmentation: rotation range in degrees (overrides --augment)");
  cmd->add_option_function<double>("--shift", [F](double v) { F->shift = v; },
                                    "augmentation: shift range, fraction of the size (overrides --augment)");
  cmd->add_option_function<bool>("--flip", [F](bool v) { F->flip = v; },
                                 "augmentation: horizontal flip, true or false (overrides --augment)");
  cmd->add_option_function<double>("--split", [F](double v) { F->split = v; },
                                   "training fraction of image-folder datasets (default 0.8)");
  cmd->add_option("--train-limit", f.train_limit, "use only the first N training images (0 = all)")
      ->capture_default_str();
  cmd->add_option("--precision", f.precision, "fp32, or tf32 (CUDA: TF32 tensor cores)")->capture_default_str();
}

TrainSettings resolve(const TrainFlags& f, bool local) {
  TrainSettings s;
  const DatasetDefaults d = dataset_or_throw(f.dataset);
  s.dataset = f.dataset;
  s.data_dir = f.data_dir;
  if (!s.data_dir.empty() && local)
    ADMA_CHECK(is_dir(s.data_dir), "--data-dir: '", s.data_dir, "' is not a folder");
  ADMA_CHECK(f.model == "convnet", "--model: unknown model '", f.model, "' (one of: convnet)");
  s.model = f.model;

  ADMA_CHECK(is_member(f.optimizer, optimizer_names()), "--optimizer: unknown optimizer '", f.optimizer,
             "' (one of: ", join(optimizer_names()), ")");
  s.optimizer = f.optimizer;
  s.l2 = f.l2.value_or(1e-4);
  ADMA_CHECK(std::isfinite(s.l2) && s.l2 >= 0, "--l2 must be >= 0 (0 = without regularisation), got ", s.l2);

  s.loss = f.loss;
  s.loss_params.kind = losses::loss_kind_from_name(f.loss);  // "unknown loss 'x' (one of: ...)"
  const PaperResult* paper = find_paper_result(table_for(s.optimizer, s.l2), s.dataset, "adma");
  s.loss_params.a = f.a.value_or(paper ? paper->a : 0.25);
  s.loss_params.base = f.base;
  s.loss_params.q = f.q;
  s.loss_params.epsilon = f.epsilon;
  s.loss_params.gamma = f.gamma;
  with_flag_names([&] { losses::validate(s.loss_params); });  // "--a: Adma scaling factor a must be >= 0, got -1"
  s.learn_a = f.learn_a;
  s.a_lr = f.a_lr, s.a_min = f.a_min, s.a_max = f.a_max;
  if (s.learn_a) {
    ADMA_CHECK(s.loss_params.kind == losses::LossKind::Adma, "--learn-a: only Adma has a scaling factor, the loss is ",
               s.loss);
    ADMA_CHECK(std::isfinite(s.a_lr) && s.a_lr > 0, "--a-lr must be > 0, got ", s.a_lr);
    ADMA_CHECK(s.a_min >= 0 && s.a_min <= s.a_max, "--a-min/--a-max: need 0 <= a-min <= a-max, got [", s.a_min, ", ",
               s.a_max, "]");
    ADMA_CHECK(s.loss_params.a >= s.a_min && s.loss_params.a <= s.a_max, "--a ", s.loss_params.a,
               " is outside [--a-min, --a-max] = [", s.a_min, ", ", s.a_max, "]");
  }

  // The optimizer's own default (optim/kinds.h), or the paper's lr for this dataset under Adam.
  const double kind_lr = std::stod(optim::parse_spec(optim::optimizer_kinds(), "optimizer", s.optimizer).args.at("lr"));
  const double default_lr = s.optimizer != "sgd" && d.lr > 0 ? d.lr : kind_lr;
  s.lr = f.lr.value_or(default_lr);
  ADMA_CHECK(std::isfinite(s.lr) && s.lr > 0, "--lr must be > 0, got ", s.lr);
  s.momentum = f.momentum;
  ADMA_CHECK(s.momentum >= 0 && s.momentum < 1, "--momentum must be in [0, 1), got ", s.momentum);
  ADMA_CHECK(s.momentum == 0 || s.optimizer == "sgd", "--momentum is an SGD setting; the optimizer is ", s.optimizer);
  s.nesterov = f.nesterov;
  ADMA_CHECK(!s.nesterov || s.optimizer == "sgd", "--nesterov is an SGD setting; the optimizer is ", s.optimizer);

  ADMA_CHECK(is_member(f.schedule, schedule_names()), "--schedule: unknown schedule '", f.schedule,
             "' (one of: ", join(schedule_names()), ")");
  s.schedule = f.schedule;
  if (!f.lr_steps.empty()) s.lr_steps = parse_ints(f.lr_steps, "--lr-steps");
  for (size_t i = 0; i < s.lr_steps.size(); ++i)
    ADMA_CHECK(s.lr_steps[i] >= 1 && (i == 0 || s.lr_steps[i] > s.lr_steps[i - 1]),
               "--lr-steps: epochs must be >= 1 and increasing, got ", f.lr_steps);
  ADMA_CHECK(s.schedule != "step" || !s.lr_steps.empty(), "--schedule step needs --lr-steps (e.g. 30,60)");
  ADMA_CHECK(s.schedule != "time" || f.lr_decay > 0, "--schedule time needs --lr-decay > 0");
  s.lr_factor = f.lr_factor;
  ADMA_CHECK(s.lr_factor > 0 && s.lr_factor < 1, "--lr-factor must be in (0, 1), got ", s.lr_factor);
  ADMA_CHECK(s.l2 == 0 || s.optimizer != "adamw", "--l2 with adamw: AdamW decays weights itself; use --l2 0");
  s.lr_decay = f.lr_decay;
  ADMA_CHECK(std::isfinite(s.lr_decay) && s.lr_decay >= 0, "--lr-decay must be >= 0, got ", s.lr_decay);
  s.lr_patience = f.lr_patience;
  ADMA_CHECK(s.lr_patience >= 1, "--lr-patience must be >= 1, got ", s.lr_patience);
  s.lr_min = f.lr_min;
  ADMA_CHECK(s.lr_min >= 0 && s.lr_min < s.lr, "--lr-min must be in [0, lr = ", s.lr, "), got ", s.lr_min);

  s.epochs = f.epochs.value_or(d.epochs);
  ADMA_CHECK(s.epochs >= 1, "--epochs must be >= 1, got ", s.epochs);
  s.batch = f.batch;
  ADMA_CHECK(s.batch >= 1, "--batch must be >= 1, got ", s.batch);
  s.train_limit = f.train_limit;
  ADMA_CHECK(s.train_limit >= 0, "--train-limit must be >= 0 (0 = all images), got ", s.train_limit);
  s.split = f.split.value_or(0.8);
  ADMA_CHECK(s.split > 0 && s.split < 1, "--split must be in (0, 1), got ", s.split);

  ADMA_CHECK(f.augment == "paper" || f.augment == "none", "--augment: '", f.augment, "' is not paper or none");
  s.augment = f.augment;
  const bool paper_aug = s.augment == "paper";
  s.rotation = f.rotation.value_or(paper_aug ? d.rotation : 0);
  s.shift = f.shift.value_or(paper_aug ? d.shift : 0);
  s.flip = f.flip.value_or(paper_aug ? d.flip : false);
  ADMA_CHECK(s.rotation >= 0 && s.rotation <= 180, "--rotation must be in [0, 180] degrees, got ", s.rotation);
  ADMA_CHECK(s.shift >= 0 && s.shift < 1, "--shift must be in [0, 1) (a fraction of the size), got ", s.shift);

  s.seed = f.seed;
  s.device = resolve_device(f.device, local);
  ADMA_CHECK(f.precision == "fp32" || f.precision == "tf32", "--precision: '", f.precision, "' is not fp32 or tf32");
  s.precision = f.precision;
  ADMA_CHECK(s.precision == "fp32" || s.device != "cpu", "--precision tf32 needs a CUDA device; the device is cpu");

  s.resume = f.resume;
  s.out = f.out;
  if (!s.resume.empty()) {
    if (local) ADMA_CHECK(is_dir(s.resume), "--resume: '", s.resume, "' is not a folder");
    if (local) ADMA_CHECK(file_exists(s.resume + "/last.safetensors"), "--resume: ", s.resume,
               " holds no last.safetensors to continue from");
    ADMA_CHECK(s.out.empty() || s.out == s.resume, "--out ", s.out, " and --resume ", s.resume,
               " differ: a resumed run continues in its own folder");
    s.out = s.resume;
  } else if (s.out.empty()) {
    s.out = "runs/" + s.dataset + "-" + s.loss + "-" + utc_stamp();
  }
  return s;
}

void check_output_folder(const TrainSettings& s) {
  if (!s.resume.empty()) return;
  ADMA_CHECK(!file_exists(s.out + "/summary.json"), "--out ", s.out,
             " already holds a finished run (summary.json); choose another folder or delete it");
}

std::vector<std::string> train_args(const TrainSettings& s, bool with_device) {
  const TrainSettings def;
  const DatasetDefaults d = dataset_or_throw(s.dataset);
  std::vector<std::string> a = {"--dataset", s.dataset};
  auto add = [&](const char* flag, const std::string& v) {
    a.push_back(flag);
    a.push_back(v);
  };
  if (!s.data_dir.empty()) add("--data-dir", s.data_dir);
  if (s.model != def.model) add("--model", s.model);
  add("--loss", s.loss);
  // a matters to Adma only; other losses carry the table's default, which need not be spelt out.
  const PaperResult* paper = find_paper_result(table_for(s.optimizer, s.l2), s.dataset, "adma");
  if (s.loss == "adma" || s.loss_params.a != (paper ? paper->a : 0.25)) add("--a", exact(s.loss_params.a));
  if (s.loss_params.base != def.loss_params.base) add("--base", exact(s.loss_params.base));
  if (s.loss_params.q != def.loss_params.q) add("--q", exact(s.loss_params.q));
  if (s.loss_params.epsilon != def.loss_params.epsilon) add("--epsilon", exact(s.loss_params.epsilon));
  if (s.loss_params.gamma != def.loss_params.gamma) add("--gamma", exact(s.loss_params.gamma));
  if (s.learn_a) a.push_back("--learn-a");
  if (s.a_lr != def.a_lr) add("--a-lr", exact(s.a_lr));
  if (s.a_min != def.a_min) add("--a-min", exact(s.a_min));
  if (s.a_max != def.a_max) add("--a-max", exact(s.a_max));
  add("--optimizer", s.optimizer);
  add("--lr", exact(s.lr));
  if (s.momentum != def.momentum) add("--momentum", exact(s.momentum));
  if (s.nesterov) a.push_back("--nesterov");
  add("--l2", exact(s.l2));
  if (s.schedule != def.schedule) add("--schedule", s.schedule);
  if (!s.lr_steps.empty()) {
    std::string steps;
    for (int e : s.lr_steps) steps += (steps.empty() ? "" : ",") + std::to_string(e);
    add("--lr-steps", steps);
  }
  if (s.lr_factor != def.lr_factor) add("--lr-factor", exact(s.lr_factor));
  if (s.lr_decay != def.lr_decay) add("--lr-decay", exact(s.lr_decay));
  if (s.lr_patience != def.lr_patience) add("--lr-patience", std::to_string(s.lr_patience));
  if (s.lr_min != def.lr_min) add("--lr-min", exact(s.lr_min));
  add("--epochs", std::to_string(s.epochs));
  add("--batch", std::to_string(s.batch));
  add("--augment", s.augment);
  const bool paper_aug = s.augment == "paper";
  if (s.rotation != (paper_aug ? d.rotation : 0)) add("--rotation", exact(s.rotation));
  if (s.shift != (paper_aug ? d.shift : 0)) add("--shift", exact(s.shift));
  if (s.flip != (paper_aug ? d.flip : false)) add("--flip", s.flip ? "true" : "false");
  if (s.split != def.split) add("--split", exact(s.split));
  if (s.train_limit != 0) add("--train-limit", std::to_string(s.train_limit));
  add("--seed", std::to_string(s.seed));
  if (s.precision != def.precision) add("--precision", s.precision);
  if (!s.resume.empty()) add("--resume", s.resume);
  else if (!s.out.empty()) add("--out", s.out);
  if (with_device) add("--device", s.device);
  return a;
}

std::string optimizer_spec(const TrainSettings& s) {
  std::string spec = s.optimizer + ":lr=" + exact(s.lr);
  if (s.optimizer == "sgd")
    spec += ",momentum=" + exact(s.momentum) + ",nesterov=" + (s.nesterov ? "true" : "false");
  return spec;
}

std::string schedule_spec(const TrainSettings& s) {
  if (s.schedule == "step") {
    std::string epochs;
    for (int e : s.lr_steps) epochs += (epochs.empty() ? "" : "/") + std::to_string(e);
    return "step:epochs=" + epochs + ",factor=" + exact(s.lr_factor);
  }
  if (s.schedule == "time") return "time:decay=" + exact(s.lr_decay);
  if (s.schedule == "cosine") return "cosine:min_lr=" + exact(s.lr_min);
  if (s.schedule == "plateau")
    return "plateau:factor=" + exact(s.lr_factor) + ",patience=" + std::to_string(s.lr_patience) +
           ",min_lr=" + exact(s.lr_min);
  return "constant";
}

nlohmann::json to_json(const TrainSettings& s) {
  return {
      {"dataset", s.dataset},
      {"data_dir", s.data_dir},
      {"split", s.split},
      {"train_limit", s.train_limit},
      {"augment", {{"preset", s.augment}, {"rotation", s.rotation}, {"shift", s.shift}, {"flip", s.flip}}},
      {"model", s.model},
      {"loss",
       {{"name", s.loss},
        {"a", s.loss_params.a},
        {"base", s.loss_params.base},
        {"q", s.loss_params.q},
        {"epsilon", s.loss_params.epsilon},
        {"gamma", s.loss_params.gamma},
        {"learn_a", s.learn_a},
        {"a_lr", s.a_lr},
        {"a_min", s.a_min},
        {"a_max", s.a_max}}},
      {"optimizer",
       {{"name", s.optimizer}, {"lr", s.lr}, {"momentum", s.momentum}, {"nesterov", s.nesterov}, {"l2", s.l2}}},
      {"schedule",
       {{"name", s.schedule},
        {"steps", s.lr_steps},
        {"factor", s.lr_factor},
        {"decay", s.lr_decay},
        {"patience", s.lr_patience},
        {"min", s.lr_min}}},
      {"epochs", s.epochs},
      {"batch", s.batch},
      {"seed", s.seed},
      {"device_requested", s.device},
      {"precision", s.precision},
      {"out", s.out},
      {"resume", s.resume},
  };
}

nlohmann::json to_json(const EvaluateSettings& s) {
  return {{"checkpoint", s.checkpoint}, {"dataset", s.dataset}, {"data_dir", s.data_dir},
          {"split", s.split},           {"batch", s.batch},     {"device", s.device}};
}

void add_evaluate_flags(CLI::App* cmd, EvaluateFlags& f) {
  cmd->add_option("--checkpoint", f.checkpoint, "a .safetensors file written by adma train")->required();
  cmd->add_option("--dataset", f.dataset, "dataset: " + dataset_names())->capture_default_str();
  cmd->add_option("--data-dir", f.data_dir, "folder of the dataset's files (default: its usual place)");
  cmd->add_option("--split", f.split, "training fraction of image-folder datasets (as in training)")
      ->capture_default_str();
  cmd->add_option("--batch", f.batch, "batch size")->capture_default_str();
  cmd->add_option("--device", f.device, "auto, cpu, cuda or cuda:N")->capture_default_str();
}

EvaluateSettings resolve(const EvaluateFlags& f) {
  EvaluateSettings s;
  ADMA_CHECK(file_exists(f.checkpoint), "--checkpoint: '", f.checkpoint, "' is not a file");
  s.checkpoint = f.checkpoint;
  dataset_or_throw(f.dataset);
  s.dataset = f.dataset;
  if (!f.data_dir.empty()) ADMA_CHECK(is_dir(f.data_dir), "--data-dir: '", f.data_dir, "' is not a folder");
  s.data_dir = f.data_dir;
  ADMA_CHECK(f.split > 0 && f.split < 1, "--split must be in (0, 1), got ", f.split);
  s.split = f.split;
  ADMA_CHECK(f.batch >= 1, "--batch must be >= 1, got ", f.batch);
  s.batch = f.batch;
  s.device = resolve_device(f.device, true);
  return s;
}

}  // namespace adma::apps
