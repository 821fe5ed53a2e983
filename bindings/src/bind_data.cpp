// Random streams, batches, the tasks that make them, and the data sets (digits, captions).
#include "arrays.hpp"
#include "batch_wrapper.hpp"
#include "bindings.hpp"
#include "python_support.hpp"

#include <ccrnn/tasks/caption/run.hpp>
#include <ccrnn/tasks/line_drawing.hpp>
#include <ccrnn/tasks/mnist_idx.hpp>
#include <ccrnn/tasks/procedural_digits.hpp>
#include <ccrnn/tasks/seqmnist.hpp>

namespace ccrnn::python {

using namespace ccrnn::tasks;

namespace {

PyBatch make_batch_from_numpy(const py::array& inputs, const py::object& targets, const py::object& labels,
                              const py::object& supervised, const py::object& context) {
  PyBatch out;
  Batch<double>& b = out.batch;
  b.inputs = sequence_from_numpy<double>(inputs, "Batch inputs");
  const auto in = py::array(inputs);
  b.length = in.shape(0);
  b.size = in.shape(1);
  if (b.size < 1 || b.length < 1) throw py::value_error("Batch inputs: need at least one step and one sample, got shape " + shape_text(in));
  if (!targets.is_none()) {
    const py::array t = targets.cast<py::array>();
    b.targets = sequence_from_numpy<double>(t, "Batch targets");
    if (t.shape(0) != b.length || t.shape(1) != b.size)
      throw py::value_error("Batch targets: shape " + shape_text(t) + " does not match the inputs' (L, B) = (" +
                            std::to_string(b.length) + ", " + std::to_string(b.size) + ")");
  }
  if (!labels.is_none()) {
    const auto l = CArray<int>::ensure(labels);
    if (!l || l.ndim() != 2 || l.shape(0) != b.length || l.shape(1) != b.size)
      throw py::value_error("Batch labels: expected an integer array of shape (L, B) = (" + std::to_string(b.length) + ", " +
                            std::to_string(b.size) + "), -1 where a step has no label");
    b.labels.assign(l.data(), l.data() + l.size());
  }
  if (supervised.is_none()) {
    b.supervised.assign(static_cast<size_t>(b.length), 1);
  } else {
    const auto s = CArray<bool>::ensure(supervised);
    if (!s || s.ndim() != 1 || s.shape(0) != b.length)
      throw py::value_error("Batch supervised: expected a boolean array of shape (L,) = (" + std::to_string(b.length) + ",)");
    b.supervised.assign(s.data(), s.data() + s.size());
  }
  if (!context.is_none()) {
    b.context = matrix_from_numpy<double>(context.cast<py::array>(), "Batch context").transpose();
    if (b.context.cols() != b.size) throw py::value_error("Batch context: expected shape (B, C) with B = " + std::to_string(b.size));
  }
  return out;
}

py::object optional_sequence(const Matrix<double>& m, Index batch) {
  if (m.size() == 0) return py::none();
  return sequence_to_numpy<double>(m, batch);
}

py::array_t<float> images_to_numpy(const DigitImages& images) {
  return copy_to_numpy<float>(images.pixels.data(), {images.count(), images.rows, images.cols});
}

DigitImages images_from_numpy(const py::array& images, const py::array& labels) {
  const auto px = CArray<float>::ensure(images);
  const auto lb = CArray<std::uint8_t>::ensure(labels);
  if (!px || px.ndim() != 3) throw py::value_error("DigitImages: images must be an array (N, rows, cols), got shape " + shape_text(images));
  if (!lb || lb.ndim() != 1 || lb.shape(0) != px.shape(0))
    throw py::value_error("DigitImages: labels must be an array (N,) with N = " + std::to_string(px.shape(0)));
  DigitImages out;
  out.rows = px.shape(1);
  out.cols = px.shape(2);
  out.pixels.assign(px.data(), px.data() + px.size());
  out.labels.assign(lb.data(), lb.data() + lb.size());
  check_consistent(out);
  return out;
}

py::array_t<float> features_to_numpy(const Eigen::MatrixXf& features) {
  // F x n column-major has the memory order of a C-contiguous (n, F) array.
  return copy_to_numpy<float>(features.data(), {features.cols(), features.rows()});
}

}  // namespace

void bind_data(py::module_& m) {
  py::class_<Rng>(m, "Rng", "A seeded random stream (xoshiro256**); the same numbers on every machine.")
      .def(py::init<std::uint64_t, std::uint64_t>(), py::arg("seed"), py::arg("stream") = 0,
           "A stream for (seed, stream); different streams are independent.")
      .def("uniform", py::overload_cast<>(&Rng::uniform), "A uniform number in [0, 1).")
      .def("normal", &Rng::normal, "A standard normal number.");

  py::class_<PyBatch>(m, "Batch",
                      "One batch of B sequences of L steps. numpy shapes: inputs (L, B, I), targets (L, B, O) "
                      "(regression) or labels (L, B) (classes, -1 where a step has none), supervised (L,) "
                      "(steps that carry feedback), context (B, C) (optional cerebellar context).")
      .def(py::init(&make_batch_from_numpy), py::arg("inputs"), py::arg("targets") = py::none(),
           py::arg("labels") = py::none(), py::arg("supervised") = py::none(), py::arg("context") = py::none(),
           "A batch from numpy arrays (copied; converted to float64). supervised defaults to every step.")
      .def_property_readonly("size", [](const PyBatch& b) { return b.batch.size; }, "B, sequences in the batch")
      .def_property_readonly("length", [](const PyBatch& b) { return b.batch.length; }, "L, steps per sequence")
      .def_property_readonly("inputs", [](const PyBatch& b) { return sequence_to_numpy<double>(b.batch.inputs, b.batch.size); },
                             "(L, B, I) float64")
      .def_property_readonly("targets", [](const PyBatch& b) { return optional_sequence(b.batch.targets, b.batch.size); },
                             "(L, B, O) float64, or None")
      .def_property_readonly("labels", [](const PyBatch& b) -> py::object {
            if (!b.has_labels()) return py::none();
            return copy_to_numpy<int>(b.batch.labels.data(), {b.batch.length, b.batch.size});
          }, "(L, B) int32 (-1: no label at that step), or None")
      .def_property_readonly("supervised", [](const PyBatch& b) {
            py::array_t<bool> out(static_cast<py::ssize_t>(b.batch.supervised.size()));
            std::copy(b.batch.supervised.begin(), b.batch.supervised.end(), out.mutable_data());
            return out;
          }, "(L,) bool: steps that carry feedback")
      .def_property_readonly("mask", [](const PyBatch& b) -> py::object {
            if (b.batch.mask.empty()) return py::none();
            return copy_to_numpy<bool>(b.batch.mask.data(), {b.batch.length, b.batch.size});
          }, "(L, B) bool: which steps of which sample carry feedback; None when every sample follows supervised")
      .def_property_readonly("context", [](const PyBatch& b) -> py::object {
            if (b.batch.context.size() == 0) return py::none();
            return matrix_to_numpy<double>(b.batch.context.transpose());
          }, "(B, C) float64, or None")
      .def("__repr__", [](const PyBatch& b) {
        return "Batch(L=" + std::to_string(b.batch.length) + ", B=" + std::to_string(b.batch.size) +
               ", inputs=" + std::to_string(b.batch.inputs.rows()) + ", " +
               (b.has_labels() ? "labels" : b.has_targets() ? "targets=" + std::to_string(b.batch.targets.rows()) : "no targets") + ")";
      });

  py::class_<LineDrawing>(m, "LineDrawing", "The line-drawing task: cue c in -3..3 at t = 0 asks for a line to one of six points on a circle.")
      .def(py::init([](const py::kwargs& options) { return LineDrawing(config_from<LineDrawingConfig>(py::none(), options)); }), "Task options as keywords (LineDrawingConfig's fields), e.g. LineDrawing(length=20).")
      .def(py::init<const LineDrawingConfig&>(), py::arg("config"))
      .def_property_readonly("config", &LineDrawing::config, "the task's LineDrawingConfig")
      .def_property_readonly("context_size", &LineDrawing::context_size, "width of the cerebellar context (7 with cue_context, else 0)")
      .def_static("cues", &LineDrawing::cues, "The cue values -3..3 (the order of trajectories in results).")
      .def("target", [](const LineDrawing& t, int cue) {
             if (cue < -3 || cue > 3) throw py::value_error("LineDrawing.target: cue must be in -3..3, got " + std::to_string(cue));
             return matrix_to_numpy<double>(t.target(cue).transpose());
           }, py::arg("cue"), "Target trajectory (L, 2) for a cue: row t is the (x, y) point at step t.")
      .def("make_batch", [](const LineDrawing& t, const std::vector<int>& cues, Rng* rng, bool dense) {
             for (int c : cues)
               if (c < -3 || c > 3) throw py::value_error("LineDrawing.make_batch: cues must be in -3..3, got " + std::to_string(c));
             if (cues.empty()) throw py::value_error("LineDrawing.make_batch: no cues");
             return PyBatch::from(t.make_batch<double>(cues, rng, dense));
           }, py::arg("cues"), py::arg("rng") = nullptr, py::arg("dense_feedback") = true,
           "A batch for these cues (B = len(cues)); noise from rng if the task has noise; dense_feedback: every step "
           "supervised (evaluation), else the task's sparse feedback.")
      .def("sample_batch", [](const LineDrawing& t, Rng& rng, Index size) {
             if (size < 1) throw py::value_error("LineDrawing.sample_batch: size must be >= 1");
             return PyBatch::from(t.sample_batch<double>(rng, size));
           }, py::arg("rng"), py::arg("size"), "A training batch: `size` uniform cues from rng, sparse feedback.");

  py::class_<DigitImages>(m, "DigitImages", "Grey digit images (pixels in [0, 1]) with labels 0..9.")
      .def(py::init(&images_from_numpy), py::arg("images"), py::arg("labels"),
           "From numpy: images (N, rows, cols) in [0, 1] (float32), labels (N,) in 0..9.")
      .def_property_readonly("images", &images_to_numpy, "(N, 28, 28) float32")
      .def_property_readonly("labels", [](const DigitImages& d) { return vector_to_numpy(d.labels); }, "(N,) uint8")
      .def("__len__", &DigitImages::count)
      .def("__repr__", [](const DigitImages& d) { return "DigitImages(" + std::to_string(d.count()) + " images)"; });

  py::class_<MnistSplits>(m, "MnistSplits", "Training, validation and test digit sets, and where they came from.")
      .def(py::init([](const DigitImages& train, const DigitImages& validation, const DigitImages& test) {
             return MnistSplits{train, validation, test, "python"};
           }), py::arg("train"), py::arg("validation"), py::arg("test"))
      .def_readonly("train", &MnistSplits::train, "training images (DigitImages)")
      .def_readonly("validation", &MnistSplits::validation, "validation images, evaluated every epoch")
      .def_readonly("test", &MnistSplits::test, "test images, evaluated once at the end")
      .def_readonly("source", &MnistSplits::source, "'idx:<dir>' or 'procedural(seed=<s>)'")
      .def("__repr__", [](const MnistSplits& s) {
        return "MnistSplits(" + s.source + ": " + std::to_string(s.train.count()) + " train, " +
               std::to_string(s.validation.count()) + " validation, " + std::to_string(s.test.count()) + " test)";
      });

  m.def("procedural_mnist", [](std::uint64_t seed, Index train_count, Index test_count) {
          if (train_count < 2 || test_count < 1) throw py::value_error("procedural_mnist: need train_count >= 2 and test_count >= 1");
          LongCall call;
          return procedural_mnist(seed, train_count, test_count);
        }, py::arg("seed") = 1, py::arg("train_count") = 60000, py::arg("test_count") = 10000,
        "The built-in stand-in for MNIST (NOT MNIST: compare results only with each other): train_count training "
        "images split 80/20 into training and validation, and test_count test images. 70,000 images take about a second.");
  m.def("procedural_digits", [](std::uint64_t seed, Index first, Index count) {
          LongCall call;
          return render_procedural_digits(seed, first, count);
        }, py::arg("seed"), py::arg("first"), py::arg("count"), "Images first .. first+count-1 of the procedural set of this seed.");
  m.def("load_mnist", [](const std::string& dir) {
          LongCall call;
          return load_mnist_dir(dir);
        }, py::arg("dir"),
        "MNIST from the four IDX files in dir (plain or .gz): 48,000 training, 12,000 validation, 10,000 test. "
        "A missing or corrupt file raises DataError naming it.");
  m.def("export_mnist", &export_idx, py::arg("splits"), py::arg("dir"), py::arg("gzip") = false, py::arg("overwrite") = false,
        "Writes splits as the four MNIST IDX files (training = train + validation) into dir, each atomically.");

  py::class_<SeqMnist>(m, "SeqMnist", "Sequential MNIST: reads a 28x28 image one row per step (28 steps x 28 inputs).")
      .def(py::init([](const py::kwargs& options) { return SeqMnist(config_from<SeqMnistConfig>(py::none(), options)); }), "Task options as keywords (SeqMnistConfig's fields), e.g. SeqMnist(target='classify').")
      .def(py::init<const SeqMnistConfig&>(), py::arg("config"))
      .def_property_readonly("config", &SeqMnist::config, "the task's SeqMnistConfig")
      .def_property_readonly("output_size", &SeqMnist::output_size, "2 for the drawing targets, 10 for classification")
      .def_property_readonly("loss", &SeqMnist::loss, "LossKind: mse for the drawing targets, cross_entropy for classification")
      .def("target", [](const SeqMnist& t, int digit) {
             if (!t.drawing()) throw py::value_error("SeqMnist.target: the classification task has no drawing target");
             if (digit < 0 || digit > 9) throw py::value_error("SeqMnist.target: digit must be 0..9");
             return matrix_to_numpy<double>(t.target(digit).transpose());
           }, py::arg("digit"), "Drawing target (28, 2) of a digit: row t is the point at step t.")
      .def("make_batch", [](const SeqMnist& t, const DigitImages& images, const std::vector<Index>& indices, bool dense) {
             return PyBatch::from(t.make_batch<double>(images, indices, dense));
           }, py::arg("images"), py::arg("indices"), py::arg("dense_feedback") = false,
           "A batch of images[indices]; dense_feedback supervises every step of a drawing target (evaluation).");

  py::class_<CaptionSet>(m, "CaptionSet", "One caption split: images with a feature vector and reference captions each.")
      .def_property_readonly("image_ids", [](const CaptionSet& s) { return vector_to_numpy(s.image_ids); }, "(n,) int64")
      .def_property_readonly("features", [](const CaptionSet& s) { return features_to_numpy(s.features); }, "(n, F) float32")
      .def_readonly("captions", &CaptionSet::captions, "list of n lists of reference captions (raw text)")
      .def("__len__", &CaptionSet::size)
      .def("__repr__", [](const CaptionSet& s) {
        return "CaptionSet(" + std::to_string(s.size()) + " images, " + std::to_string(s.caption_count()) + " captions, F=" +
               std::to_string(s.feature_size()) + ")";
      });
  py::class_<CaptionData>(m, "CaptionData", "The three caption splits.")
      .def_readonly("train", &CaptionData::train, "training split (CaptionSet)")
      .def_readonly("validation", &CaptionData::validation, "validation split, evaluated every epoch")
      .def_readonly("test", &CaptionData::test, "test split: captions generated and scored at the end");
  m.def("make_scene_captions", [](const py::kwargs& options) {
          const SceneCaptionConfig c = config_from<SceneCaptionConfig>(py::none(), options);
          LongCall call;
          return make_scene_captions(c);
        }, "The built-in caption data (SceneCaptionConfig's fields as keywords): scenes of coloured shapes, "
           "several true captions each, one feature vector per image.");
  m.def("load_caption_data", [](const CaptionRunConfig& config) {
          LongCall call;
          return load_caption_data(config);
        }, py::arg("config"), "The data of a CaptionRunConfig: its COCO files if given, else its built-in scenes.");
  m.def("tokenize", [](const std::string& text) { return tokenize(text); }, py::arg("text"),
        "The captioning task's tokens of a text (lower case; punctuation as separate tokens).");
}

}  // namespace ccrnn::python
