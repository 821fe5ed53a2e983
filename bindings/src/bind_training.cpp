// Training: a Trainer for custom loops (with recordings), and whole runs of the three task families with
// a per-epoch callback that can stop them. Runs release the GIL and stop on Ctrl-C (KeyboardInterrupt).
#include "arrays.hpp"
#include "batch_wrapper.hpp"
#include "bindings.hpp"
#include "model_wrapper.hpp"
#include "python_support.hpp"
#include "recording_wrapper.hpp"
#include "result_dicts.hpp"

#include <ccrnn/tasks/caption/run.hpp>
#include <ccrnn/tasks/line_drawing_task.hpp>
#include <ccrnn/tasks/procedural_digits.hpp>
#include <ccrnn/tasks/run_loop.hpp>
#include <ccrnn/tasks/seqmnist_task.hpp>
#include <ccrnn/tasks/task_registry.hpp>
#include <ccrnn/tasks/trials/file.hpp>
#include <ccrnn/tasks/trials/task.hpp>

#include <memory>
#include <variant>

namespace ccrnn::python {

using namespace ccrnn::tasks;

namespace {

template <class S>
struct TrainerBox {
  TrainerBox(Model<S>& model, const TrainerConfig& config) : model(model), trainer(model, config) {}
  Model<S>& model;
  Trainer<S> trainer;
  Recorder<S> recorder;
};

class PyTrainer {
 public:
  PyTrainer(PyModel& model, const TrainerConfig& config) {
    model.visit([&](auto& m) {
      using S = ScalarOf<decltype(m)>;
      box_ = std::make_unique<TrainerBox<S>>(m, config);
    });
  }
  template <class F>
  decltype(auto) visit(F&& f) {
    return std::visit([&](auto& p) -> decltype(auto) { return f(*p); }, box_);
  }

 private:
  std::variant<std::unique_ptr<TrainerBox<float>>, std::unique_ptr<TrainerBox<double>>> box_;
};

py::object optional_blocks(const Matrix<double>& m, Index batch) {
  if (m.size() == 0) return py::none();
  return sequence_to_numpy<double>(m, batch);
}

const char* callback_doc =
    "callback(epoch, ...) is called after every epoch with the epoch's numbers; returning False stops training "
    "there (the model is then tested as usual and the curves hold the epochs run). Ctrl-C raises "
    "KeyboardInterrupt within a batch.";

const char* record_doc =
    "a dict task, model, seed, epochs (run), curves {name: (epochs,)}, scalars {name: float}, arrays {name: "
    "ndarray}, strings {name: str}, recordings [Recording], weights {'final' (and 'best' where the task selects "
    "an epoch): {PyTorch name: float32 array}}, seconds.";

/// A setting's value as Python sees it (int, float, bool or str).
py::object setting_value(const Setting& s) {
  const auto value = s.value();
  if (s.kind == Setting::Kind::flag) return py::bool_(std::get<std::int64_t>(value) != 0);
  return std::visit([](const auto& v) { return py::object(py::cast(v)); }, value);
}

/// A Python value as the text a setting parses (floats exactly: repr round-trips).
std::string setting_text(const py::handle& value) {
  if (py::isinstance<py::bool_>(value)) return value.cast<bool>() ? "1" : "0";
  if (py::isinstance<py::float_>(value)) return py::repr(value).cast<std::string>();
  if (py::hasattr(value, "__members__")) return py::str(value.attr("name")).cast<std::string>();  // an enum
  return py::str(value).cast<std::string>();
}

/// A Python generator of fresh trials as the trials task calls it (GIL taken): generator(batch_size) returns
/// a TrialSet, a dict of TrialSet's arguments, or a tuple (inputs, targets[, mask]) in (L, B, .) layout.
TrialGenerator python_generator(const py::object& generator) {
  return [generator](Index batch_size) {
    py::gil_scoped_acquire gil;
    const py::object made = generator(batch_size);
    if (py::isinstance<TrialSet>(made)) return made.cast<TrialSet>();
    const py::object make = py::module_::import("ccrnn._ccrnn").attr("TrialSet");
    if (py::isinstance<py::dict>(made)) return make(**made.cast<py::dict>()).cast<TrialSet>();
    if (py::isinstance<py::tuple>(made) || py::isinstance<py::list>(made)) {
      const py::sequence items = made.cast<py::sequence>();
      if (items.size() == 2) return make(items[0], items[1]).cast<TrialSet>();
      if (items.size() == 3) return make(items[0], items[1], py::none(), items[2]).cast<TrialSet>();
    }
    throw py::type_error("trials generator: return a TrialSet, a dict of its arguments or (inputs, targets[, mask]), not " +
                         py::repr(made).cast<std::string>());
  };
}

/// The registered task, with data given from Python if any (seqmnist: MnistSplits, caption: CaptionData,
/// trials: TrialsData, and a generator of fresh training trials).
std::unique_ptr<Task> task_with_data(const std::string& name, const py::object& data, const py::object& generator) {
  if (!generator.is_none() && name != "trials") throw py::value_error("ccrnn.run: only the trials task takes a generator");
  if (name == "trials" && !data.is_none())
    return make_trials_task({}, std::make_shared<const TrialsData>(data.cast<const TrialsData&>()),
                            generator.is_none() ? TrialGenerator{} : python_generator(generator));
  if (!generator.is_none()) throw py::value_error("ccrnn.run: a trials generator needs data=TrialsData(...) for validation and shapes");
  if (data.is_none()) return make_task(name);
  if (name == "seqmnist") return make_seqmnist_task({}, std::make_shared<const MnistSplits>(data.cast<const MnistSplits&>()));
  if (name == "caption") return make_caption_task({}, std::make_shared<const CaptionData>(data.cast<const CaptionData&>()));
  throw py::value_error("ccrnn.run: task '" + name + "' takes no data argument");
}

/// A task from one of the run configuration classes (and keywords applied to it), data as given or the
/// default; the configuration used in *used.
std::unique_ptr<Task> configured_task(const std::string& name, const py::object& config, const py::object& data,
                                      const py::dict& options, py::object* used) {
  if (name == "linedraw") {
    const LineDrawingRunConfig c = config_from<LineDrawingRunConfig>(config, options);
    *used = py::cast(c);
    return make_line_drawing_task(c);
  }
  if (name == "seqmnist") {
    const SeqMnistRunConfig c = config_from<SeqMnistRunConfig>(config, options);
    *used = py::cast(c);
    std::shared_ptr<const MnistSplits> splits;
    if (data.is_none()) {
      LongCall call;
      splits = std::make_shared<const MnistSplits>(procedural_mnist(1));
    } else {
      splits = std::make_shared<const MnistSplits>(data.cast<const MnistSplits&>());
    }
    return make_seqmnist_task(c, splits);
  }
  if (name == "caption") {
    const CaptionRunConfig c = config_from<CaptionRunConfig>(config, options);
    *used = py::cast(c);
    std::shared_ptr<const CaptionData> d;
    if (data.is_none()) {
      LongCall call;
      d = std::make_shared<const CaptionData>(load_caption_data(c));
    } else {
      d = std::make_shared<const CaptionData>(data.cast<const CaptionData&>());
    }
    return make_caption_task(c, d);
  }
  throw py::value_error("no configuration class for task '" + name + "'");
}

/// run_task with the GIL released and the Python callback called as callback(epoch, {curve: value}).
py::dict run_and_convert(const Task& task, std::optional<ModelKind> kind, std::uint64_t seed, const py::object& callback,
                         const CheckpointOptions& checkpoint = {}) {
  EpochCallback on_epoch;
  const std::vector<std::string> names = task.validation_curves();
  const std::string train_name = task.train_curve();
  if (!callback.is_none())
    on_epoch = [&](const EpochReport& report) {
      py::gil_scoped_acquire gil;
      py::dict values;
      values[py::str(train_name)] = report.train;
      for (std::size_t k = 0; k < names.size(); ++k) values[py::str(names[k])] = report.validation[k];
      return call_epoch_callback(callback, report.epoch, values);
    };
  RunRecord record;
  {
    LongCall call;
    record = run_task(task, kind, seed, on_epoch, checkpoint);
  }
  return record_to_dict(record);
}

}  // namespace

void bind_training(py::module_& m) {
  py::class_<PyRecording>(m, "Recording",
                          "One training iteration recorded at the truncation boundaries j = 0..W (W windows): arrays "
                          "(W+1, B, S) per boundary, sample and state unit, in float64.")
      .def_property_readonly("iteration", [](const PyRecording& r) { return r.recording.iteration; }, "the training iteration recorded (0-based; -1 if not given)")
      .def_property_readonly("batch", [](const PyRecording& r) { return r.recording.batch; }, "B, sequences in the recorded batch")
      .def_property_readonly("truncation", [](const PyRecording& r) { return r.recording.truncation; }, "T, steps per truncation window")
      .def_property_readonly("windows", [](const PyRecording& r) { return r.recording.windows; }, "W = ceil(L / T), windows of the sequence (W + 1 boundaries)")
      .def_property_readonly("cerebellum", [](const PyRecording& r) { return std::string(to_string(r.recording.cerebellum)); },
                             "what the cerebellum did: active, frozen, lesioned or absent")
      .def_property_readonly("steps", [](const PyRecording& r) { return r.recording.steps; }, "boundary steps t_j = min(jT, L)")
      .def_property_readonly("states", [](const PyRecording& r) { return sequence_to_numpy<double>(r.recording.states, r.recording.batch); },
                             "(W+1, B, S) cortical state s_j")
      .def_property_readonly("granule", [](const PyRecording& r) {
            py::list out;
            for (const auto& g : r.recording.granule) out.append(sequence_to_numpy<double>(g, r.recording.batch));
            return out;
          }, "list of k (W+1, B, M): granule layers at s_j (empty without an active or frozen cerebellum)")
      .def_property_readonly("predictions", [](const PyRecording& r) { return optional_blocks(r.recording.predictions, r.recording.batch); },
                             "(W+1, B, S) cerebellar prediction C(s_j), or None")
      .def_property_readonly("targets", [](const PyRecording& r) { return optional_blocks(r.recording.targets, r.recording.batch); },
                             "(W, B, S) bootstrapped target at window start j, or None")
      .def_property_readonly("true_gradients", [](const PyRecording& r) { return sequence_to_numpy<double>(r.recording.true_gradients, r.recording.batch); },
                             "(W+1, B, S) true full-BPTT gradient G_j (the last block is 0)")
      .def_property_readonly("truncated_gradients", [](const PyRecording& r) { return optional_blocks(r.recording.truncated_gradients, r.recording.batch); },
                             "(W, B, S) truncated-BPTT gradient D_j, or None")
      .def_property_readonly("learning_signals", [](const PyRecording& r) { return optional_blocks(r.recording.learning_signals, r.recording.batch); },
                             "BP(lambda): (L, B, S) what the cortex received at s_{t+1} in step t, l'_t + w C(s_{t+1}), or None")
      .def_property_readonly("true_learning_signals", [](const PyRecording& r) { return optional_blocks(r.recording.true_learning_signals, r.recording.batch); },
                             "BP(lambda): (L, B, S) its exact value l'_t + G_{t+1}, or None")
      .def_property_readonly("td_errors", [](const PyRecording& r) { return optional_blocks(r.recording.td_errors, r.recording.batch); },
                             "BP(lambda): (L, B, S) TD error at boundary t (zero where none was formed), or None")
      .def_property_readonly("task_loss", [](const PyRecording& r) { return r.recording.task_loss; }, "F, the sum of the window losses")
      .def("prediction_alignment", [](const PyRecording& r) { return alignment_to_dict(prediction_alignment(r.recording)); },
           "cos(C(s_j), G_j) at the window starts: dict per_sample (W, B), per_boundary (W,), mean, zero_pairs "
           "(pairs with a zero vector count as 0). Raises ValueError without predictions.")
      .def("truncated_alignment", [](const PyRecording& r) { return alignment_to_dict(truncated_alignment(r.recording)); },
           "cos(D_j, G_j) at the window starts, as prediction_alignment.")
      .def("learning_signal_alignment", [](const PyRecording& r) { return alignment_to_dict(learning_signal_alignment(r.recording)); },
           "BP(lambda): cos(learning signal, l'_t + G_{t+1}) at every step, as prediction_alignment. Raises ValueError "
           "without learning signals.");

  py::class_<PyTrainer>(m, "Trainer", "Trains a Model batch by batch: truncated BPTT with cerebellar synthetic gradients, "
                                      "global-norm clipping and an optimizer step (per batch, or per window).")
      .def(py::init([](PyModel& model, const py::object& config, const py::kwargs& options) {
             return PyTrainer(model, config_from<TrainerConfig>(config, options));
           }),
           py::arg("model"), py::arg("config") = py::none(), py::keep_alive<1, 2>(),
           "A trainer for `model` from a TrainerConfig and/or its fields as keywords (e.g. truncation=2, "
           "optimizer=dict(lr=1e-3)). The loss must match the batches (loss='cross_entropy' for labels).")
      .def("set_epoch", [](PyTrainer& t, int epoch) { t.visit([&](auto& b) { b.trainer.set_epoch(epoch); }); }, py::arg("epoch"),
           "Applies the lesion schedule for this 1-based epoch.")
      .def_property_readonly("cerebellum_state", [](PyTrainer& t) {
            return t.visit([](auto& b) { return std::string(to_string(b.trainer.cerebellum_state())); });
          }, "absent, active, frozen (inferior-olive lesion) or lesioned")
      .def_property_readonly("last_grad_norm", [](PyTrainer& t) { return t.visit([](auto& b) { return b.trainer.last_grad_norm(); }); },
                             "global gradient norm before clipping, at the last optimizer step")
      .def("train_batch", [](PyTrainer& t, const PyBatch& batch, bool record, long iteration) -> py::object {
             return t.visit([&](auto& b) -> py::object {
               using S = ScalarOf<decltype(b.model)>;
               const Batch<S> converted = batch.as<S>();
               BatchStats stats;
               BoundaryRecording<S> recording;
               {
                 LongCall call;
                 stats = record ? b.recorder.train_and_record(b.trainer, b.model, converted, recording, iteration)
                                : b.trainer.train_batch(converted);
               }
               if (!record) return stats_to_dict(stats);
               return py::make_tuple(stats_to_dict(stats), PyRecording::from(recording));
             });
           }, py::arg("batch"), py::arg("record") = false, py::arg("iteration") = -1,
           "One iteration on a Batch: gradients, clipping, optimizer step(s). Returns a dict task_loss, "
           "training_error, cerebellar_loss; with record=True a (dict, Recording) pair (one optimizer step per batch only).");

  m.def("task_names", &task_names, "The registered tasks (ccrnn-train --task NAME, ccrnn.run(NAME, ...)).");

  m.def("task_settings", [](const std::string& name) {
          const auto task = make_task(name);
          py::list out;
          for (const Setting& setting : task->settings().all()) {
            py::dict d;
            d["name"] = setting.name;
            d["value"] = setting_value(setting);
            d["section"] = setting.section;
            d["help"] = setting.help;
            d["cerebellar"] = setting.cerebellar;
            out.append(d);
          }
          return out;
        }, py::arg("task"),
        "The settings of a task with their papers' defaults: a list of dicts name, value, section, help, cerebellar "
        "(only for models with a cerebellum). The names are the keywords of ccrnn.run, the command-line options "
        "(with dashes) and the attributes of results files.");

  m.def("run", [](const std::string& name, const std::string& model, std::uint64_t seed, const py::object& callback,
                  const py::object& data, const py::object& generator, const std::string& checkpoint_path,
                  int checkpoint_every, bool restart, const py::kwargs& settings) {
          std::unique_ptr<Task> task = task_with_data(name, data, generator);
          for (const auto& [key, value] : settings) task->settings().assign(py::str(key), setting_text(value));
          const ModelKind kind = parse_model_kind(model);
          {
            LongCall call;
            // Validated as if a ccrnn were among the models, so that one set of keywords (cerebellar settings
            // included) serves the runs of every model.
            task->prepare({kind, ModelKind::ccrnn});
          }
          if (checkpoint_every < 0) throw py::value_error("checkpoint_every must be >= 0");
          CheckpointOptions checkpoint;
          checkpoint.path = checkpoint_path;
          checkpoint.every = checkpoint_every;
          checkpoint.restart = restart;
          return run_and_convert(*task, kind, seed, callback, checkpoint);
        }, py::arg("task"), py::kw_only(), py::arg("model") = "ccrnn", py::arg("seed") = 1, py::arg("callback") = py::none(),
        py::arg("data") = py::none(), py::arg("generator") = py::none(), py::arg("checkpoint") = "",
        py::arg("checkpoint_every") = 0, py::arg("restart") = false,
        (std::string("One run of a registered task (float32), deterministic in (task settings, data, seed), through the "
                     "same run loop as the executables. model: 'crnn', 'ccrnn' or 'bptt'. Settings as keywords with the "
                     "names of ccrnn.task_settings(task) (e.g. T=2, cerebellum_hidden=100, epochs=20). data: a "
                     "MnistSplits (seqmnist), CaptionData (caption) or TrialsData (trials) to use instead of the "
                     "task's own. generator (trials only): generator(batch_size) returns fresh training trials each "
                     "iteration (a TrialSet, a dict of its arguments, or (inputs, targets[, mask]) with time first: "
                     "(L, B, I)); data then gives the shapes, classes and validation/test splits. callback(epoch, values): values is a dict of the epoch's training and validation "
                     "numbers by curve name. checkpoint: a checkpoint file (docs/checkpoints.md): the run resumes from it when it "
                     "exists and writes it after every checkpoint_every-th epoch (0: only after the last), after the last "
                     "epoch and when interrupted (KeyboardInterrupt); restart=True ignores and replaces it. ") +
         callback_doc + " Returns the run's record: " + record_doc).c_str());

  m.def("export_trials", [](const std::string& name, const std::string& path, bool overwrite, const py::kwargs& settings) {
          std::unique_ptr<Task> task = make_task(name);
          for (const auto& [key, value] : settings) task->settings().assign(py::str(key), setting_text(value));
          LongCall call;
          task->prepare({});
          const TrialsData data = task->export_trials();
          if (!path.empty()) write_trials(path, data, overwrite);
          return data;
        }, py::arg("task"), py::arg("path") = "", py::kw_only(), py::arg("overwrite") = false,
        "A built-in task's fixed data set as trials (TrialsData; with path also written as a trials file), with the task's "
        "settings as keywords (e.g. export_trials('seqmnist', target='class', procedural_train=2000)). Training it with "
        "ccrnn.run('trials', data=..., ...) and the same model settings and seed gives the task's own curves bit for bit.");

  m.def("_run_configured", [](const std::string& name, const py::object& config, const py::object& data, std::uint64_t seed,
                              const py::object& callback, const py::kwargs& options) {
          py::object used;
          const std::unique_ptr<Task> task = configured_task(name, config, data, options, &used);
          return py::make_tuple(run_and_convert(*task, std::nullopt, seed, callback), used);
        }, py::arg("task_name"), py::arg("config"), py::arg("data"), py::arg("seed"), py::arg("callback"),
        "A run of a task's configuration object exactly as set (the cerebellum and T as in it); used by "
        "run_line_drawing, run_seqmnist and run_captioning. Returns (record as ccrnn.run returns it, the configuration used).");
}

}  // namespace ccrnn::python
