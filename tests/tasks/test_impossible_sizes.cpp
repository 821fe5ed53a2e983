// Sizes no machine can hold are refused by the task's checks (prepare), naming the options, before the
// model is allocated: a clear error instead of std::bad_alloc or the out-of-memory killer.
#include <catch2/catch.hpp>

#include <ccrnn/tasks/task_registry.hpp>

#include "support/error_of.hpp"

using namespace ccrnn;
using namespace ccrnn::tasks;

TEST_CASE("impossible model sizes are refused before anything is allocated", "[tasks][limits]") {
  const auto refusal = [](const std::vector<std::pair<std::string, std::string>>& settings, ModelKind kind) {
    auto task = make_task("linedraw");
    for (const auto& [name, value] : settings) task->settings().assign(name, value);
    return testing::error_of<SettingError>([&] { task->prepare({kind}); });
  };
  CHECK_THAT(refusal({{"hidden", "1000000000"}}, ModelKind::crnn),
             Catch::Contains("--hidden 1000000000") && Catch::Contains("more than this machine's memory"));
  // 100 layers of 20000 units: each layer is possible, together they are not
  CHECK_THAT(refusal({{"hidden", "20000"}, {"layers", "100"}}, ModelKind::crnn), Catch::Contains("--layers 100"));
  // the cerebellum counts only when a ccRNN is trained
  CHECK_THAT(refusal({{"cerebellum_hidden", "2000000000"}}, ModelKind::ccrnn),
             Catch::Contains("--cerebellum-hidden 2000000000"));
  CHECK_THAT(refusal({{"hidden", "4000000000000000000"}}, ModelKind::bptt), Catch::Contains("parameters"));

  auto fine = make_task("linedraw");
  fine->settings().assign("hidden", "2000");
  CHECK_NOTHROW(fine->prepare({ModelKind::crnn, ModelKind::ccrnn}));
}
