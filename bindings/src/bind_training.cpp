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
#include <ccrnn/tasks/line_drawing_run.hpp>
#include <ccrnn/tasks/procedural_digits.hpp>
#include <ccrnn/tasks/seqmnist_run.hpp>

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

void add_recordings(py::dict& out, const std::map<std::string, std::vector<double>>& curves,
                    const std::vector<BoundaryRecording<float>>& recordings) {
  py::dict c;
  for (const auto& [name, values] : curves) c[py::str(name)] = vector_to_numpy(values);
  out["recording_curves"] = c;
  py::list r;
  for (const auto& rec : recordings) r.append(PyRecording::from(rec));
  out["recordings"] = r;
}

const char* callback_doc =
    "callback(epoch, ...) is called after every epoch with the epoch's numbers; returning False stops training "
    "there (the model is then tested as usual and the curves hold the epochs run). Ctrl-C raises "
    "KeyboardInterrupt within a batch.";

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
      .def_property_readonly("task_loss", [](const PyRecording& r) { return r.recording.task_loss; }, "F, the sum of the window losses")
      .def("prediction_alignment", [](const PyRecording& r) { return alignment_to_dict(prediction_alignment(r.recording)); },
           "cos(C(s_j), G_j) at the window starts: dict per_sample (W, B), per_boundary (W,), mean, zero_pairs "
           "(pairs with a zero vector count as 0). Raises ValueError without predictions.")
      .def("truncated_alignment", [](const PyRecording& r) { return alignment_to_dict(truncated_alignment(r.recording)); },
           "cos(D_j, G_j) at the window starts, as prediction_alignment.");

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

  m.def("run_line_drawing", [](const py::object& config, std::uint64_t seed, const py::object& callback, const py::kwargs& options) {
          const LineDrawingRunConfig c = config_from<LineDrawingRunConfig>(config, options);
          EpochCallback on_epoch;
          if (!callback.is_none())
            on_epoch = [&](int e, double tr, double v) { return call_epoch_callback(callback, e, tr, v); };
          LineDrawingRunResult r;
          {
            LongCall call;
            r = run_line_drawing(c, seed, on_epoch);
          }
          const LineDrawing task(c.task);
          std::vector<Eigen::MatrixXd> targets;
          for (int cue : LineDrawing::cues()) targets.push_back(task.target(cue));
          py::dict out;
          out["seed"] = r.seed;
          out["epochs"] = r.train_error.size();
          out["train_error"] = vector_to_numpy(r.train_error);
          out["val_error"] = vector_to_numpy(r.val_error);
          out["test"] = drawing_to_dict(r.test);
          out["cues"] = LineDrawing::cues();
          out["trajectories"] = trajectories_to_numpy(r.trajectories);
          out["targets"] = trajectories_to_numpy(targets);
          add_recordings(out, r.recording_curves, r.recordings);
          out["seconds"] = r.seconds;
          return out;
        }, py::arg("config") = py::none(), py::kw_only(), py::arg("seed") = 0, py::arg("callback") = py::none(),
        (std::string("One line-drawing run (float32), deterministic in (config, seed). config: a LineDrawingRunConfig "
                     "and/or its fields as keywords (nested ones as dicts). callback(epoch, train_error, val_error). ") +
         callback_doc +
         " Returns a dict: seed, epochs, train_error (epochs,) (the papers' training error), val_error (epochs,) (dense "
         "squared Euclidean error), test {test_error, dysmetria, stationary_path_length, endpoint_error}, cues [-3..3], "
         "trajectories (7, L, 2) drawn per cue, targets (7, L, 2), recording_curves {name: (epochs,)}, recordings "
         "[Recording], seconds.").c_str());

  m.def("run_seqmnist", [](const py::object& config, const py::object& data, std::uint64_t seed, const py::object& callback,
                           const py::kwargs& options) {
          const SeqMnistRunConfig c = config_from<SeqMnistRunConfig>(config, options);
          SeqMnistEpochCallback on_epoch;
          if (!callback.is_none())
            on_epoch = [&](int e, double tr, double v) { return call_epoch_callback(callback, e, tr, v); };
          std::unique_ptr<MnistSplits> own;
          const MnistSplits* splits = nullptr;
          if (data.is_none()) {
            LongCall call;
            own = std::make_unique<MnistSplits>(procedural_mnist(1));
            splits = own.get();
          } else {
            splits = data.cast<const MnistSplits*>();
          }
          SeqMnistRunResult r;
          {
            LongCall call;
            r = run_seqmnist(c, *splits, seed, on_epoch);
          }
          py::dict out, test;
          out["seed"] = r.seed;
          out["epochs"] = r.train_error.size();
          out["train_error"] = vector_to_numpy(r.train_error);
          out["val_error"] = vector_to_numpy(r.val_error);
          out["val_accuracy"] = vector_to_numpy(r.val_accuracy);
          test["error"] = r.test.error;
          if (c.task.target == SeqMnistTarget::classify) {
            test["accuracy"] = r.test.accuracy;
            test["uncertainty"] = r.test.uncertainty;
          } else {
            test.attr("update")(drawing_to_dict(r.test.drawing));
          }
          out["test"] = test;
          out["trajectories"] = trajectories_to_numpy(r.trajectories);
          std::vector<int> labels;
          for (Index i : r.trajectory_images) labels.push_back(splits->test.labels[static_cast<size_t>(i)]);
          out["trajectory_images"] = vector_to_numpy(std::vector<std::int64_t>(r.trajectory_images.begin(), r.trajectory_images.end()));
          out["trajectory_labels"] = vector_to_numpy(labels);
          add_recordings(out, r.recording_curves, r.recordings);
          out["seconds"] = r.seconds;
          return out;
        }, py::arg("config") = py::none(), py::kw_only(), py::arg("data") = py::none(), py::arg("seed") = 0,
        py::arg("callback") = py::none(),
        (std::string("One sequential-MNIST run (float32), deterministic in (config, data, seed). config: a SeqMnistRunConfig "
                     "and/or its fields as keywords. data: MnistSplits (default: the full procedural set, seed 1). "
                     "callback(epoch, train_error, val_error). ") +
         callback_doc +
         " Returns a dict: seed, epochs, train_error (epochs,), val_error (epochs,) (drawing: dense squared error; "
         "classify: NLL), val_accuracy (epochs,) (classify), test {error, and accuracy, uncertainty (classify) or "
         "test_error, dysmetria, stationary_path_length, endpoint_error (drawing)}, trajectories (n, 28, 2), "
         "trajectory_images (n,), trajectory_labels (n,), recording_curves, recordings, seconds.").c_str());

  m.def("run_captioning", [](const py::object& config, const py::object& data, std::uint64_t seed, const py::object& callback,
                             const py::kwargs& options) {
          const CaptionRunConfig c = config_from<CaptionRunConfig>(config, options);
          CaptionEpochCallback on_epoch;
          if (!callback.is_none())
            on_epoch = [&](int e, double tr, double v, double bpw) { return call_epoch_callback(callback, e, tr, v, bpw); };
          std::unique_ptr<CaptionData> own;
          const CaptionData* d = nullptr;
          if (data.is_none()) {
            LongCall call;
            own = std::make_unique<CaptionData>(load_caption_data(c));
            d = own.get();
          } else {
            d = data.cast<const CaptionData*>();
          }
          CaptionRunResult r;
          {
            LongCall call;
            r = run_captioning(*d, c, seed, on_epoch);
          }
          py::dict out, by_length, thresholds;
          out["seed"] = r.seed;
          out["epochs"] = r.train_ce.size();
          out["train_ce"] = vector_to_numpy(r.train_ce);
          out["val_ce"] = vector_to_numpy(r.val_ce);
          out["val_bpw"] = vector_to_numpy(r.val_bpw);
          out["best_epoch"] = r.best_epoch;
          out["test_ce"] = r.test_ce;
          out["test_bpw"] = r.test_bpw;
          out["bleu"] = bleu_to_dict(r.bleu);
          for (size_t b = 0; b < 3; ++b) {
            py::dict bin = bleu_to_dict(r.bleu_by_length[b]);
            bin["images"] = r.images_by_length[b];
            bin["test_ce"] = r.test_ce_by_length[b];
            bin["test_captions"] = r.test_captions_by_length[b];
            by_length[CaptionLengthBins::names[b]] = bin;
          }
          out["by_length"] = by_length;
          thresholds["short_below"] = r.length_thresholds.short_below;
          thresholds["long_from"] = r.length_thresholds.long_from;
          out["length_thresholds"] = thresholds;
          std::vector<std::int64_t> ids;
          std::vector<std::string> captions;
          for (const auto& g : r.captions) {
            ids.push_back(g.image_id);
            captions.push_back(g.caption);
          }
          out["caption_image_ids"] = vector_to_numpy(ids);
          out["captions"] = captions;
          out["vocabulary"] = r.vocabulary.words();
          out["train_tokens_per_second"] = r.train_tokens_per_second;
          out["decode_tokens_per_second"] = r.decode_tokens_per_second;
          out["seconds"] = r.seconds;
          return out;
        }, py::arg("config") = py::none(), py::kw_only(), py::arg("data") = py::none(), py::arg("seed") = 0,
        py::arg("callback") = py::none(),
        (std::string("One captioning run (float32), deterministic in (config, data, seed). config: a CaptionRunConfig "
                     "and/or its fields as keywords. data: CaptionData (default: the config's files or built-in scenes). "
                     "callback(epoch, train_ce, val_ce, val_bpw). ") +
         callback_doc +
         " Returns a dict: seed, epochs, train_ce, val_ce (nats per token), val_bpw (bits per word), each (epochs,); "
         "best_epoch; test_ce, test_bpw and bleu {bleu1..bleu4, precision, brevity_penalty, ...} of the best epoch's "
         "model; by_length {short, medium, long: BLEU, images, test_ce}; length_thresholds; captions (greedy, one per "
         "test image) with caption_image_ids; vocabulary; train/decode tokens per second; seconds.").c_str());
}

}  // namespace ccrnn::python
