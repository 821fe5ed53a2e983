// libFuzzer harness: the checkpoint reader and the resume from it (tasks/checkpoint.hpp, run_state.hpp,
// run_loop.cpp's restore, each task's restore_state). The first byte chooses one of two ways in:
//   - hostile structure: an HDF5 file whose groups, datasets and attributes the fuzzer chooses
//     (hdf5_from_bytes.hpp, names from the checkpoint's vocabulary), given to read_checkpoint;
//   - hostile contents that pass the checks: a genuine checkpoint of a tiny line drawing or seqMNIST run
//     (written once at start-up) whose items the fuzzer edits -- values, lengths, types, items removed --
//     written back with its identity and a matching checksum, so that run_task resumes from it and
//     trains on. A checksum guards against damage, not against a file built to pass it: whatever such a
//     file holds must end in a clean error, never in a crash or an endless run.
#include <ccrnn/tasks/checkpoint.hpp>
#include <ccrnn/tasks/line_drawing_task.hpp>
#include <ccrnn/tasks/procedural_digits.hpp>
#include <ccrnn/tasks/run_loop.hpp>
#include <ccrnn/tasks/seqmnist_task.hpp>

#include "fuzz_support.hpp"
#include "hdf5_from_bytes.hpp"

#include <cstring>
#include <iterator>
#include <memory>

namespace {

using namespace ccrnn;
using namespace ccrnn::tasks;

constexpr std::uint64_t seed = 3;
constexpr int epochs = 2;

/// A tiny task and the genuine checkpoint of its run after epoch 1.
struct Template {
  std::unique_ptr<Task> task;
  CheckpointIdentity identity;
  RunState state;
};

Template make_template(std::unique_ptr<Task> task, const std::string& name) {
  task->prepare({ModelKind::ccrnn});
  CheckpointOptions options;
  options.path = (fuzz::scratch_dir() / (name + "_template.h5")).string();
  options.every = 1;
  run_task(*task, ModelKind::ccrnn, seed, [](const EpochReport&) { return false; }, options);  // stops after epoch 1
  Template t;
  t.identity = checkpoint_identity(*task, "ccrnn", seed);
  t.state = read_checkpoint(options.path, t.identity);
  t.task = std::move(task);
  return t;
}

const std::vector<Template>& templates() {
  static const std::vector<Template> all = [] {
    std::vector<Template> t;
    LineDrawingRunConfig line;
    line.model.hidden_size = 8;
    line.model.cerebellar.hidden_size = 8;
    line.epochs = epochs;
    line.train_size = 50;
    line.validation_size = 5;
    line.test_repeats = 1;
    line.task.noise = 0.1;  // the data stream's cached normal is in the checkpoint
    t.push_back(make_template(make_line_drawing_task(line), "linedraw"));
    SeqMnistRunConfig digits;
    digits.model.hidden_size = 8;
    digits.model.cerebellar.hidden_size = 8;
    digits.epochs = epochs;
    digits.batch_size = 10;
    t.push_back(make_template(make_seqmnist_task(digits, std::make_shared<const MnistSplits>(procedural_mnist(1, 20, 10))),
                              "seqmnist"));
    return t;
  }();
  return all;
}

/// One edit of one item, drawn from the input.
void edit(RunState& state, FuzzedDataProvider& in) {
  if (state.items().empty()) return;
  auto item = state.items().begin();
  std::advance(item, in.ConsumeIntegralInRange<std::size_t>(0, state.items().size() - 1));
  const std::string name = item->first;
  ResultArray a = item->second;
  const auto size = [&] { return std::visit([](const auto& v) { return v.size(); }, a.values); };
  switch (in.ConsumeIntegralInRange(0, 4)) {
    case 0:  // one value, any bit pattern
      if (size() > 0) {
        const std::size_t i = in.ConsumeIntegralInRange<std::size_t>(0, size() - 1);
        std::visit([&](auto& v) {
          using T = typename std::decay_t<decltype(v)>::value_type;
          if constexpr (std::is_arithmetic_v<T>) {
            const std::vector<std::uint8_t> bytes = in.ConsumeBytes<std::uint8_t>(sizeof(T));
            // An exhausted input gives no bytes, and memcpy from an empty vector's null data() is undefined.
            if (!bytes.empty()) std::memcpy(&v[i], bytes.data(), bytes.size());
          }
        }, a.values);
      }
      break;
    case 1: {  // another length (shorter, longer or empty)
      const std::size_t n = in.ConsumeIntegralInRange<std::size_t>(0, size() + 3);
      std::visit([&](auto& v) { v.resize(n); }, a.values);
      a.shape = {n};
      break;
    }
    case 2: {  // another type, the same numbers
      std::vector<double> values;
      std::visit([&](const auto& v) {
        for (const auto& x : v)
          if constexpr (std::is_arithmetic_v<std::decay_t<decltype(x)>>) values.push_back(static_cast<double>(x));
      }, a.values);
      switch (in.ConsumeIntegralInRange(0, 2)) {
        case 0: a.values = values; break;
        case 1: a.values = std::vector<float>(values.begin(), values.end()); break;
        default: {
          std::vector<std::int64_t> ints;
          for (double x : values) ints.push_back(x >= -9e18 && x <= 9e18 ? static_cast<std::int64_t>(x) : 0);
          a.values = ints;
        }
      }
      a.shape = {values.size()};
      break;
    }
    case 3: {  // removed
      RunState rest;
      for (const auto& [other, array] : state.items())
        if (other != name) rest.put(other, array);
      state = rest;
      return;
    }
    default: {  // a small integer where the task keeps counts, epochs and indices
      std::vector<std::int64_t> ints(size());
      for (auto& x : ints) x = in.ConsumeIntegralInRange<std::int64_t>(-3, 60);
      a.values = ints;
      a.shape = {ints.size()};
    }
  }
  state.put(name, a);
}

}  // namespace

// The two template runs train before fuzzing starts (not inside the first input's time limit).
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  templates();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::vector<std::string> names{"format", "task", "model", "seed", "data_fingerprint", "ccrnn_version",
                                              "settings", "checksum", "epoch", "state", "curves", "parameters",
                                              "optimizer", "first", "second", "steps", "best", "best_epoch", "order",
                                              "data_rng"};
  const std::vector<Template>& all = templates();
  FuzzedDataProvider in(data, size);
  const std::string path = (fuzz::scratch_dir() / "checkpoint.h5").string();
  const int mode = in.ConsumeIntegralInRange(0, 2);
  if (mode == 0) {
    fuzz::build_hdf5(path, in, names);
    fuzz::expect_clean_refusal([&] { read_checkpoint(path, all.front().identity); });
    return 0;
  }
  const Template& t = all[static_cast<std::size_t>(mode - 1)];
  RunState state = t.state;
  for (int edits = in.ConsumeIntegralInRange(1, 6); edits > 0 && in.remaining_bytes() > 0; --edits) edit(state, in);
  try {
    write_checkpoint(path, t.identity, state);
  } catch (const CheckpointError&) {  // the writer reads "epoch" for an attribute: such files are the first way's
    return 0;
  }
  CheckpointOptions options;
  options.path = path;
  fuzz::expect_clean_refusal([&] { run_task(*t.task, ModelKind::ccrnn, seed, {}, options); });
  return 0;
}
