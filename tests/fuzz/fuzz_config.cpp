// libFuzzer harness: a task executable's option handling up to the start of training -- command-line
// values, an INI --config file, --model/--seeds lists, the settings' parsers and the task's own checks
// (parse_options, split_list, model_kinds, parse_seeds, apply_settings, prepare_task for line drawing,
// run_config) -- the path of apps/common/task_main.cpp. The input gives the task, up to 8 arguments and
// the config file's text.
#include <ccrnn/tasks/task_registry.hpp>

#include "../../apps/common/cli.hpp"
#include "../../apps/common/settings_options.hpp"
#include "fuzz_support.hpp"

#include <fuzzer/FuzzedDataProvider.h>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace ccrnn;
  static const char* const task_names[] = {"linedraw", "seqmnist", "caption", "trials"};
  // --help and --version print to stdout: silenced for the whole run of the fuzzer
  static std::FILE* const silenced = std::freopen("/dev/null", "w", stdout);
  (void)silenced;
  FuzzedDataProvider in(data, size);
  const std::string task_name = task_names[in.ConsumeIntegralInRange(0, 3)];
  std::vector<std::string> args{"ccrnn-train"};
  for (int i = in.ConsumeIntegralInRange(0, 8); i > 0; --i) args.push_back(in.ConsumeRandomLengthString(40));
  const std::string config = in.ConsumeRemainingBytesAsString();
  if (!config.empty()) {
    args.push_back("--config");
    args.push_back(fuzz::write_scratch("run.ini", reinterpret_cast<const std::uint8_t*>(config.data()), config.size()));
  }
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  fuzz::expect_clean_refusal([&] {
    const auto task = tasks::make_task(task_name);
    std::string models = "crnn,ccrnn", seeds = task->default_seeds();
    apps::po::options_description description = apps::describe_settings(task->settings());
    description.add_options()("model", apps::po::value(&models))("seeds", apps::po::value(&seeds));
    apps::po::variables_map vm;
    if (!apps::parse_options(static_cast<int>(argv.size()) - 1, argv.data(), "ccrnn-train", "", description, vm)) return;
    const auto kinds = apps::model_kinds(apps::split_list(models, "model"));
    apps::parse_seeds(seeds);
    apps::apply_settings(task->settings(), vm);
    if (task_name != "linedraw") return;  // the other tasks' prepare loads or builds a data set: too slow per input
    apps::prepare_task(*task, kinds);
    for (auto kind : kinds) task->run_config(kind);
  });
  return 0;
}
