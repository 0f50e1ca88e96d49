// The `adma` command-line program. Each subcommand lives in its own file
// (apps/cli/cmd_*.cpp) and registers itself here; this file owns the conventions
// every subcommand shares:
//   - one line per error on stderr, "adma: error: <what is wrong>" (the source
//     location only for internal errors, or when ADMA_DEBUG=1);
//   - exit status 0 success, 1 an error in files, data or devices, 2 a usage error
//     (a bad flag or value, as CLI parse errors and most Unix tools);
//   - standard output checked when flushed and closed: a full disk is an error.
#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>

#include "apps/cli/commands.h"
#include "apps/cli/threads.h"
#include "apps/common/format.h"
#include "apps/common/version.h"
#include "core/error.h"

namespace {

constexpr int kExitError = 1, kExitUsage = 2;

int fail(int code, const std::string& message) {
  std::fprintf(stderr, "adma: error: %s\n", message.c_str());
  return code;
}

// Everything printed must reach its destination: flush and close stdout, checked.
int finish(int code) {
  std::cout.flush();
  const bool bad = !std::cout.good() || std::fflush(stdout) != 0 || std::ferror(stdout);
  const int err = errno;
  if (std::fclose(stdout) != 0 || bad) {
    if (code == 0) return fail(kExitError, std::string("writing standard output: ") + std::strerror(bad ? err : errno));
  }
  return code;
}

std::string subcommand_list(const CLI::App& app) {
  std::vector<std::string> names;
  for (const CLI::App* c : app.get_subcommands([](const CLI::App*) { return true; })) names.push_back(c->get_name());
  return adma::apps::join(names);
}

}  // namespace

int main(int argc, char** argv) {
  adma::apps::use_passive_openmp_wait(argv);  // idle OpenMP threads sleep (apps/cli/threads.h)
  CLI::App app{"adma: train and study the Adma flexible loss (C++17/CUDA)"};
  app.name("adma");
  app.require_subcommand(1);
  app.option_defaults()->always_capture_default();
  app.set_version_flag("--version", "adma " + adma::apps::code_version(),
                       "print the version and the git commit it was built from, then exit");
  app.footer(
      "Exit status: 0 success, 1 error (files, data, devices), 2 usage error.\n"
      "Set ADMA_DEBUG=1 to add the source location to error messages.");
  adma::apps::register_summary(app);
  adma::apps::register_devices(app);
  adma::apps::register_loss(app);
  adma::apps::register_loss_curves(app);
  adma::apps::register_train(app);
  adma::apps::register_evaluate(app);
  adma::apps::register_experiment(app);
  adma::apps::register_sweep(app);
  adma::apps::register_datasets(app);
  adma::apps::register_models(app);

  // An unknown subcommand: say so and list the real ones (CLI11 would only say
  // "argument not expected").
  if (argc > 1 && argv[1][0] != '-') {
    try {
      app.get_subcommand(argv[1]);
    } catch (const CLI::OptionNotFound&) {
      return finish(fail(kExitUsage, std::string("unknown command '") + argv[1] + "' (commands: " +
                                         subcommand_list(app) + "; see adma --help)"));
    }
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return finish(app.exit(e));  // --help, --version
    const CLI::App* sub = nullptr;
    for (const CLI::App* c : app.get_subcommands()) sub = c;
    const std::string help = sub ? "adma " + sub->get_name() + " --help" : "adma --help";
    return finish(fail(kExitUsage, std::string(e.what()) + " (see " + help + ")"));
  } catch (const adma::UsageError& e) {
    return finish(fail(kExitUsage, adma::describe(e)));
  } catch (const std::exception& e) {
    return finish(fail(kExitError, adma::describe(e)));
  }
  try {
    adma::apps::run_selected(app);
  } catch (const adma::UsageError& e) {
    return finish(fail(kExitUsage, adma::describe(e)));
  } catch (const std::filesystem::filesystem_error& e) {
    // The standard library's "filesystem error: directory iterator cannot open directory: ..."
    // in the user's words: the path first, then the system's reason.
    const std::string path = e.path1().empty() ? std::string() : e.path1().string() + ": ";
    return finish(fail(kExitError, "cannot access " + path + e.code().message()));
  } catch (const std::exception& e) {
    return finish(fail(kExitError, adma::describe(e)));
  }
  return finish(0);
}
