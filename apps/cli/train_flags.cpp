// Train and evaluate flags: their declarations, their resolution into TrainSettings /
// EvaluateSettings, and TrainSettings back into flags.
#include "apps/cli/train_flags.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>

#include "apps/cli/flags.h"
#include "apps/cli/parse.h"
#include "apps/cli/strict_flags.h"
#include "apps/common/files.h"
#include "apps/common/format.h"
#include "apps/experiment/paper_tables.h"
#include "apps/run/training_session.h"
#include "core/cuda/runtime.h"
#include "core/error.h"
#include "data/datasets.h"
#include "optim/kinds.h"

namespace adma::apps {

namespace {

std::vector<std::string> names_of(const std::vector<optim::KindInfo>& kinds) {
  std::vector<std::string> names;
  for (const auto& k : kinds) names.push_back(k.name);
  return names;
}

bool is_member(const std::string& s, const std::vector<std::string>& v) {
  return std::find(v.begin(), v.end(), s) != v.end();
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
double as_written(float v) { return std::strtod(significant(v, 7).c_str(), nullptr); }

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
  std::vector<std::string> names;
  for (const auto& d : data::datasets()) names.push_back(d.name);
  return join(names);
}

// The paper's Adma `a` for this dataset, optimizer and regularisation (Tables 1: Adam
// + L2, 2: SGD + L2, 3: Adam, 4: SGD), or the loss table's default where it has none.
double paper_a(const std::string& dataset, const std::string& optimizer, double l2) {
  const int table = (optimizer == "sgd" ? 2 : 1) + (l2 > 0 ? 0 : 2);
  const PaperResult* paper = find_paper_result(table, dataset, "adma");
  return paper ? paper->a : losses::kLossParams[static_cast<int>(losses::LossParam::A)].default_value;
}

// The optimizer and schedule flags in the library's spec language (optim/kinds.h),
// which the library's own parser turns into its configs (with the kind's other
// parameters, beta1 and so on, from its table): "sgd:lr=0.01,momentum=0.9,nesterov=true".
std::string optimizer_spec(const std::string& kind, double lr, const TrainFlags& f) {
  std::string spec = kind + ":lr=" + exact_number(lr);
  if (kind == "sgd") spec += ",momentum=" + exact_number(f.momentum) + ",nesterov=" + (f.nesterov ? "true" : "false");
  return spec;
}

// "step:epochs=30/60,factor=0.1", "plateau:factor=0.1,patience=10,min_lr=0", ...
std::string schedule_spec(const TrainFlags& f, const std::vector<int>& steps) {
  if (f.schedule == "step") {
    std::vector<std::string> epochs;
    for (int e : steps) epochs.push_back(std::to_string(e));
    return "step:epochs=" + join(epochs, "/") + ",factor=" + exact_number(f.lr_factor);
  }
  if (f.schedule == "time") return "time:decay=" + exact_number(f.lr_decay);
  if (f.schedule == "cosine") return "cosine:min_lr=" + exact_number(f.lr_min);
  if (f.schedule == "plateau")
    return "plateau:factor=" + exact_number(f.lr_factor) + ",patience=" + std::to_string(f.lr_patience) +
           ",min_lr=" + exact_number(f.lr_min);
  return "constant";
}


}  // namespace

TrainFlags parse_train_args(std::vector<std::string> args) {
  CLI::App app;
  auto* cmd = app.add_subcommand("train");
  TrainFlags f;
  add_train_flags(cmd, f);
  args.insert(args.begin(), "train");
  std::reverse(args.begin(), args.end());  // CLI11 takes argv reversed in a vector
  app.parse(args);
  return f;
}

// The names of optim/kinds.h's tables.
const std::vector<std::string>& optimizer_names() {
  static const std::vector<std::string> names = names_of(optim::optimizer_kinds());
  return names;
}

const std::vector<std::string>& schedule_names() {
  static const std::vector<std::string> names = names_of(optim::schedule_kinds());
  return names;
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
  LossFlagSet loss_flags;
  if (which.run_identity) {
    cmd->add_option("--dataset", f.dataset, "dataset: " + dataset_names())->capture_default_str();
    cmd->add_option("--optimizer", f.optimizer, "adam, sgd or adamw")->capture_default_str();
    cmd->add_option_function<double>("--l2", [F](double v) { F->l2 = v; },
                                     "L2 factor on conv kernels, Keras l2() (default 1e-4; 0 = without)");
    cmd->add_option("--seed", f.seed, "seed of initialisation, shuffling, augmentation, dropout")
        ->capture_default_str();
    cmd->add_option("--out", f.out, "output folder (default runs/DATASET-LOSS-TIME)");
    cmd->add_option("--resume", f.resume, "continue the run in this folder from its last.safetensors");
    cmd->add_option("--device", f.device, "auto, cpu, cuda or cuda:N")->capture_default_str();
    loss_flags.a_default = "the paper's for the dataset, optimizer and L2";
  } else {
    // experiment and sweep choose the loss and a per run
    loss_flags.loss = false;
    loss_flags.params &= ~losses::bit(losses::LossParam::A);
  }
  add_loss_flags(cmd, f.loss, loss_flags);
  cmd->add_option("--data-dir", f.data_dir, "folder of the dataset's files (default: its usual place)");
  add_model_flags(cmd, f.model, f.model_flags);
  cmd->add_flag("--learn-a", f.learn_a, "train Adma's a as a parameter");
  cmd->add_option("--a-lr", f.a_lr, "learning rate of a (with --learn-a)")->capture_default_str();
  cmd->add_option("--a-min", f.a_min, "lower clamp of a (with --learn-a)")->capture_default_str();
  cmd->add_option("--a-max", f.a_max, "upper clamp of a (with --learn-a)")->capture_default_str();
  cmd->add_option_function<double>("--lr", [F](double v) { F->lr = v; },
                                   "learning rate (default Adam 1e-3, SGD 0.01, Flowers/HAM10000 4e-4)");
  cmd->add_option("--momentum", f.momentum, "SGD momentum")->capture_default_str();
  cmd->add_flag("--nesterov", f.nesterov, "SGD with Nesterov momentum");
  cmd->add_option("--schedule", f.schedule, "learning-rate schedule: " + join(schedule_names()))
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
  check_train_flag_values(cmd);  // strict text for every value (apps/cli/strict_flags.h)
}

TrainSettings resolve(const TrainFlags& f, bool local) {
  TrainSettings s;
  const DatasetDefaults d = dataset_or_throw(f.dataset);
  s.dataset = f.dataset;
  s.data_dir = f.data_dir;
  if (!s.data_dir.empty() && local)
    ADMA_CHECK(dir_exists(s.data_dir), "--data-dir: '", s.data_dir, "' is not a folder");
  ADMA_CHECK(is_member(f.optimizer, optimizer_names()), "--optimizer: unknown optimizer '", f.optimizer,
             "' (one of: ", join(optimizer_names()), ")");
  s.l2 = f.l2.value_or(1e-4);
  ADMA_CHECK(std::isfinite(s.l2) && s.l2 >= 0, "--l2 must be >= 0 (0 = without regularisation), got ", s.l2);

  s.loss_params = f.loss.resolved();  // "unknown loss 'x' (one of: ...)"
  if (!f.loss[losses::LossParam::A]) s.loss_params.a = paper_a(s.dataset, f.optimizer, s.l2);
  with_flag_names([&] { losses::validate(s.loss_params); });  // "--a: Adma scaling factor a must be >= 0, got -1"
  if (s.loss_params.kind == losses::LossKind::Adma) {
    // The step computes in float32: the loss reaches b - 1 and |dL/dlog p_y| reaches
    // a ln(b) b (at p_y = 1; losses/adma.h), so b max(1, a ln b) past float's largest value
    // makes the first step Inf. `adma loss` (double) may go further; training may not.
    const double b = s.loss_params.base, a = s.loss_params.a;
    const double peak = b * std::max(1.0, a * std::log(b));
    ADMA_CHECK(peak < std::numeric_limits<float>::max(), "--base ", b, " with --a ", a,
               ": the loss and its gradient reach b max(1, a ln b) = ", peak, ", past float32's largest value ",
               std::numeric_limits<float>::max(), " that training computes in; use a smaller --base");
  }
  s.learn_a = f.learn_a;
  s.a_lr = f.a_lr, s.a_min = f.a_min, s.a_max = f.a_max;
  if (s.learn_a) {
    ADMA_CHECK(s.loss_params.kind == losses::LossKind::Adma, "--learn-a: only Adma has a scaling factor, the loss is ",
               s.loss_name());
    ADMA_CHECK(std::isfinite(s.a_lr) && s.a_lr > 0, "--a-lr must be > 0, got ", s.a_lr);
    ADMA_CHECK(s.a_min >= 0 && s.a_min <= s.a_max, "--a-min/--a-max: need 0 <= a-min <= a-max, got [", s.a_min, ", ",
               s.a_max, "]");
    ADMA_CHECK(s.loss_params.a >= s.a_min && s.loss_params.a <= s.a_max, "--a ", s.loss_params.a,
               " is outside [--a-min, --a-max] = [", s.a_min, ", ", s.a_max, "]");
  }

  // The optimizer's own default (optim/kinds.h), or the paper's lr for this dataset under Adam.
  const double kind_lr = optim::OptimizerConfig::parse(f.optimizer).lr;
  const double lr = f.lr.value_or(f.optimizer != "sgd" && d.lr > 0 ? d.lr : kind_lr);
  ADMA_CHECK(std::isfinite(lr) && lr > 0, "--lr must be > 0, got ", lr);
  // The L2 term's gradient 2 l2 w moves each kernel weight by 2 lr l2 w per plain step: at
  // 1 or more the decay alone overshoots zero and the weights flip sign and grow.
  ADMA_CHECK(2 * lr * s.l2 < 1, "--l2 ", s.l2, " is too large for --lr ", lr, ": a step would scale the conv kernels by 1 - 2 lr l2 = ",
             1 - 2 * lr * s.l2, "; --l2 must be below 1 / (2 lr) = ", 1 / (2 * lr));
  ADMA_CHECK(f.momentum >= 0 && f.momentum < 1, "--momentum must be in [0, 1), got ", f.momentum);
  ADMA_CHECK(f.momentum == 0 || f.optimizer == "sgd", "--momentum is an SGD setting; the optimizer is ", f.optimizer);
  ADMA_CHECK(!f.nesterov || f.optimizer == "sgd", "--nesterov is an SGD setting; the optimizer is ", f.optimizer);
  ADMA_CHECK(!f.nesterov || f.momentum > 0, "--nesterov needs a --momentum > 0");
  ADMA_CHECK(s.l2 == 0 || f.optimizer != "adamw", "--l2 with adamw: AdamW decays weights itself; use --l2 0");
  s.optimizer = optim::OptimizerConfig::parse(optimizer_spec(f.optimizer, lr, f));

  ADMA_CHECK(is_member(f.schedule, schedule_names()), "--schedule: unknown schedule '", f.schedule,
             "' (one of: ", join(schedule_names()), ")");
  std::vector<int> steps;
  if (!f.lr_steps.empty()) steps = parse_ints(f.lr_steps, "--lr-steps");
  for (size_t i = 0; i < steps.size(); ++i)
    ADMA_CHECK(steps[i] >= 1 && (i == 0 || steps[i] > steps[i - 1]),
               "--lr-steps: epochs must be >= 1 and increasing, got ", f.lr_steps);
  ADMA_CHECK(f.schedule != "step" || !steps.empty(), "--schedule step needs --lr-steps (e.g. 30,60)");
  ADMA_CHECK(f.schedule != "time" || f.lr_decay > 0, "--schedule time needs --lr-decay > 0");
  ADMA_CHECK(f.lr_factor > 0 && f.lr_factor < 1, "--lr-factor must be in (0, 1), got ", f.lr_factor);
  ADMA_CHECK(std::isfinite(f.lr_decay) && f.lr_decay >= 0, "--lr-decay must be >= 0, got ", f.lr_decay);
  ADMA_CHECK(f.lr_patience >= 1, "--lr-patience must be >= 1, got ", f.lr_patience);
  ADMA_CHECK(f.lr_min >= 0 && f.lr_min < lr, "--lr-min must be in [0, lr = ", lr, "), got ", f.lr_min);
  s.schedule = optim::ScheduleConfig::parse(schedule_spec(f, steps));

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
    if (local) ADMA_CHECK(dir_exists(s.resume), "--resume: '", s.resume, "' is not a folder");
    if (local) ADMA_CHECK(file_exists(s.resume + "/last.safetensors"), "--resume: ", s.resume,
               " holds no last.safetensors to continue from");
    ADMA_CHECK(s.out.empty() || s.out == s.resume, "--out ", s.out, " and --resume ", s.resume,
               " differ: a resumed run continues in its own folder");
    s.out = s.resume;
  } else if (s.out.empty()) {
    s.out = "runs/" + s.dataset + "-" + s.loss_name() + "-" + utc_now("%Y%m%d-%H%M%S");
  }
  resolve_model(f.model, f.model_flags, local, s);  // after --l2, --dataset and --resume
  return s;
}

void check_output_folder(const TrainSettings& s) {
  if (!s.resume.empty()) return;
  ADMA_CHECK(!file_exists(s.out + "/summary.json"), "--out ", s.out,
             " already holds a finished run (summary.json); choose another folder or delete it");
}

std::vector<std::string> train_args(const TrainSettings& s, bool with_device) {
  const TrainFlags def;
  const TrainSettings def_settings;
  const DatasetDefaults d = dataset_or_throw(s.dataset);
  std::vector<std::string> a = {"--dataset", s.dataset};
  auto add = [&](const std::string& flag, const std::string& v) {
    a.push_back(flag);
    a.push_back(v);
  };
  if (!s.data_dir.empty()) add("--data-dir", s.data_dir);
  for (const std::string& m : model_args(s)) a.push_back(m);
  add("--loss", s.loss_name());
  for (const auto& info : losses::kLossParams) {
    const double v = s.loss_params[info.param];
    // a matters to Adma only; other losses carry the paper's default, which need not be spelt out.
    const bool spell = info.param == losses::LossParam::A
                           ? s.loss_params.kind == losses::LossKind::Adma ||
                                 v != paper_a(s.dataset, s.optimizer.kind, s.l2)
                           : v != info.default_value;
    if (spell) add(std::string("--") + info.name, exact_number(v));
  }
  if (s.learn_a) a.push_back("--learn-a");
  if (s.a_lr != def.a_lr) add("--a-lr", exact_number(s.a_lr));
  if (s.a_min != def.a_min) add("--a-min", exact_number(s.a_min));
  if (s.a_max != def.a_max) add("--a-max", exact_number(s.a_max));
  const optim::OptimizerConfig& o = s.optimizer;
  add("--optimizer", o.kind);
  add("--lr", exact_number(o.lr));
  if (o.momentum != def.momentum) add("--momentum", exact_number(o.momentum));
  if (o.nesterov) a.push_back("--nesterov");
  add("--l2", exact_number(s.l2));
  // Only the schedule's own parameters: the others do not change a run.
  const optim::ScheduleConfig& c = s.schedule;
  if (c.kind != optim::ScheduleKind::Constant) add("--schedule", schedule_name(c));
  if (c.kind == optim::ScheduleKind::Step) {
    std::vector<std::string> steps;
    for (int64_t e : c.epochs) steps.push_back(std::to_string(e));
    add("--lr-steps", join(steps, ","));
  }
  const bool factor = c.kind == optim::ScheduleKind::Step || c.kind == optim::ScheduleKind::Plateau;
  if (factor && c.factor != def.lr_factor) add("--lr-factor", exact_number(c.factor));
  if (c.kind == optim::ScheduleKind::Time) add("--lr-decay", exact_number(c.decay));
  if (c.kind == optim::ScheduleKind::Plateau && c.patience != def.lr_patience)
    add("--lr-patience", std::to_string(c.patience));
  const bool min_lr = c.kind == optim::ScheduleKind::Cosine || c.kind == optim::ScheduleKind::Plateau;
  if (min_lr && c.min_lr != def.lr_min) add("--lr-min", exact_number(c.min_lr));
  add("--epochs", std::to_string(s.epochs));
  add("--batch", std::to_string(s.batch));
  add("--augment", s.augment);
  const bool paper_aug = s.augment == "paper";
  if (s.rotation != (paper_aug ? d.rotation : 0)) add("--rotation", exact_number(s.rotation));
  if (s.shift != (paper_aug ? d.shift : 0)) add("--shift", exact_number(s.shift));
  if (s.flip != (paper_aug ? d.flip : false)) add("--flip", s.flip ? "true" : "false");
  if (s.split != def_settings.split) add("--split", exact_number(s.split));
  if (s.train_limit != 0) add("--train-limit", std::to_string(s.train_limit));
  add("--seed", std::to_string(s.seed));
  if (s.precision != def.precision) add("--precision", s.precision);
  if (!s.resume.empty()) add("--resume", s.resume);
  else if (!s.out.empty()) add("--out", s.out);
  if (with_device) add("--device", s.device);
  return a;
}

TrainSettings checkpoint_settings(const std::string& path) {
  TrainFlags f;
  try {
    f = parse_train_args(checkpoint_train_args(path));
  } catch (const CLI::ParseError& e) {
    ADMA_THROW("checkpoint ", path, ": its training arguments do not parse (", e.what(), ")");
  }
  return resolve(f, /*local=*/false);
}

TrainRecipe train_recipe(const TrainFlags& base, bool local) {
  TrainRecipe r;
  r.settings = [base, local](const RunChoice& c) {
    TrainFlags f = base;
    if (c.dataset) f.dataset = *c.dataset;
    if (c.loss) f.loss.loss = *c.loss;
    if (c.optimizer) f.optimizer = *c.optimizer;
    if (c.a) f.loss[losses::LossParam::A] = *c.a;
    if (c.l2) f.l2 = *c.l2;
    for (const auto& [option, value] : c.model_options) f.model_flags.options[option] = value;
    f.seed = c.seed;
    f.resume.clear();
    f.out.clear();
    return resolve(f, local);
  };
  r.arguments = [](const TrainSettings& s) { return train_args(s, false); };
  return r;
}

void add_evaluate_flags(CLI::App* cmd, EvaluateFlags& f) {
  cmd->add_option("--checkpoint", f.checkpoint, "a .safetensors file written by adma train")->required();
  cmd->add_option("--dataset", f.dataset, "dataset (default: the one the checkpoint was trained on): " + dataset_names());
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
  if (!f.dataset.empty()) dataset_or_throw(f.dataset);
  s.dataset = f.dataset;
  if (!f.data_dir.empty()) ADMA_CHECK(dir_exists(f.data_dir), "--data-dir: '", f.data_dir, "' is not a folder");
  s.data_dir = f.data_dir;
  ADMA_CHECK(f.split > 0 && f.split < 1, "--split must be in (0, 1), got ", f.split);
  s.split = f.split;
  ADMA_CHECK(f.batch >= 1, "--batch must be >= 1, got ", f.batch);
  s.batch = f.batch;
  s.device = resolve_device(f.device, true);
  return s;
}

}  // namespace adma::apps
