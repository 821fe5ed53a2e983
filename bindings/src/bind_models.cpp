// Model: build, run forward over a sequence, get and set every parameter by name, and compute gradients
// (truncated BPTT with the cerebellum, or the true full-BPTT boundary gradients).
#include "arrays.hpp"
#include "batch_wrapper.hpp"
#include "bindings.hpp"
#include "model_wrapper.hpp"
#include "python_support.hpp"
#include "result_dicts.hpp"

#include <ccrnn/dni/tbptt.hpp>
#include <ccrnn/dni/true_gradient.hpp>
#include <ccrnn/loop/loop.hpp>
#include <ccrnn/tasks/model_store.hpp>

#include <cmath>

namespace ccrnn::python {

namespace {

const ParamSlot& slot_named(const auto& params, const std::string& name) {
  const int id = params.find(name);
  if (id < 0) {
    std::string names;
    for (const auto& s : params.slots()) names += (names.empty() ? "" : ", ") + s.name;
    throw py::key_error("Model: no parameter named '" + name + "' (parameters: " + names + ")");
  }
  return params.slot(id);
}

/// A parameter (or gradient) as numpy in PyTorch's shape: (rows,) for a bias, else (rows, cols).
template <class S>
py::array parameter_to_numpy(const ParamSlot& slot, const Vector<S>& buffer) {
  const ConstMatrixMap<S> m(buffer.data() + slot.offset, slot.rows, slot.cols);
  if (slot.is_bias()) return copy_to_numpy<S>(m.data(), {slot.rows});
  return matrix_to_numpy<S>(m);
}

template <class S>
py::dict parameters_to_dict(const ParamSet<S>& params, const Vector<S>& buffer) {
  py::dict out;
  for (const auto& slot : params.slots()) out[py::str(slot.name)] = parameter_to_numpy(slot, buffer);
  return out;
}

template <class S>
void set_parameter(Model<S>& model, const std::string& name, const py::array& value) {
  const ParamSlot& slot = slot_named(model.params, name);
  const auto a = CArray<S>::ensure(value);
  const bool fits = a && ((a.ndim() == 2 && a.shape(0) == slot.rows && a.shape(1) == slot.cols) ||
                          (slot.cols == 1 && a.ndim() == 1 && a.shape(0) == slot.rows));
  if (!fits)
    throw py::value_error("Model: parameter '" + name + "' has shape " +
                          (slot.is_bias() ? "(" + std::to_string(slot.rows) + ",)"
                                          : "(" + std::to_string(slot.rows) + ", " + std::to_string(slot.cols) + ")") +
                          ", got an array of shape " + shape_text(value));
  const auto r = a.template unchecked<>();
  Matrix<S> m(slot.rows, slot.cols);
  for (Index i = 0; i < slot.rows; ++i)
    for (Index j = 0; j < slot.cols; ++j) m(i, j) = a.ndim() == 2 ? r(i, j) : r(i);
  if (model.cerebellum && model.config().cerebellar.fibres > 0 && name == "cerebellum.layers.0.weight" &&
      (m.array() * (S(1) - model.cerebellum->fibre_mask().array())).matrix().squaredNorm() > 0)
    throw py::value_error("Model: 'cerebellum.layers.0.weight' must be zero outside the mossy-fibre mask (Model.fibre_mask())");
  MatrixMap<S>(model.params.values().data() + slot.offset, slot.rows, slot.cols) = m;
}

template <class S>
void check_inputs(const Model<S>& model, const Batch<S>& batch, const char* what) {
  if (batch.inputs.rows() != model.cortex.input_size())
    throw py::value_error(std::string(what) + ": the inputs have " + std::to_string(batch.inputs.rows()) +
                          " features per step, the model takes input_size = " + std::to_string(model.cortex.input_size()));
  if (model.config().cerebellum && model.config().cerebellar.context_size > 0 &&
      (batch.context.rows() != model.config().cerebellar.context_size || batch.context.cols() != batch.size))
    throw py::value_error(std::string(what) + ": the model's cerebellum takes a context of " +
                          std::to_string(model.config().cerebellar.context_size) + " values per sample: pass context of shape (B, " +
                          std::to_string(model.config().cerebellar.context_size) + ")");
}

/// Forward pass without truncation: readout, hidden outputs, stacked states at every step boundary and,
/// for a ccRNN, the cerebellum's prediction and granule activity at every boundary.
template <class S>
py::dict forward(const Model<S>& model, const Batch<S>& batch) {
  check_inputs(model, batch, "Model.forward");
  const Index B = batch.size, L = batch.length;
  TbpttWorkspace<S> ws;
  Matrix<S> states(model.state_size(), B * (L + 1)), hidden;
  CerebellumTrace<S> trace;
  {
    LongCall call;
    predict(model, batch, ws);
    for (Index t = 0; t <= L; ++t) model.cortex.gather_state(ws.cortex, t, states.middleCols(t * B, B));
    hidden = model.cortex.outputs(ws.cortex);
    if (model.cerebellum) {
      Matrix<S> context;
      if (model.config().cerebellar.context_size > 0) context = batch.context.replicate(1, L + 1);
      model.cerebellum->forward(model.params, states, context.size() ? &context : nullptr, trace);
    }
  }
  py::dict out;
  out["outputs"] = sequence_to_numpy<S>(ws.outputs, B);
  out["hidden"] = sequence_to_numpy<S>(hidden, B);
  out["states"] = sequence_to_numpy<S>(states, B);
  if (model.cerebellum) {
    out["predictions"] = sequence_to_numpy<S>(trace.output, B);
    py::list granule;
    for (const auto& h : trace.hidden) granule.append(sequence_to_numpy<S>(h, B));
    out["granule"] = granule;
  }
  return out;
}

LossKind loss_of(const PyBatch& batch, const py::object& loss) {
  if (!loss.is_none()) return loss.cast<LossKind>();
  if (batch.has_labels()) return LossKind::cross_entropy;
  if (batch.has_targets()) return LossKind::mse;
  throw py::value_error("the batch has neither targets (regression) nor labels (classes): nothing to learn from");
}

const char* forward_doc =
    "Runs the model over a sequence without truncation. `inputs` is a Batch or an array (L, B, I) (with "
    "`context` (B, C) for a cerebellum that takes one). Returns a dict of arrays in the model's dtype:\n"
    "  outputs      (L, B, O)     readout at every step\n"
    "  hidden       (L, B, N)     top cortical layer's h at every step\n"
    "  states       (L+1, B, S)   stacked cortical state at every step boundary (row 0: the zero initial\n"
    "                             state; LSTM: [h; c] per layer, S = 2 N layers)\n"
    "  predictions  (L+1, B, S)   ccRNN only: the cerebellum's gradient prediction C(s_t)\n"
    "  granule      list of k (L+1, B, M)  ccRNN only: granule activity of each hidden layer";

const char* compute_gradients_doc =
    "Gradients of one batch by truncated BPTT with the cerebellum as a synthetic-gradient interface (the "
    "trainer's computation, without clipping or an optimizer step). The gradients replace any previous ones "
    "(read them with gradients()). loss: 'mse' or 'cross_entropy'; default from the batch (labels: "
    "cross-entropy, else mse). truncation=L with inject=False is full BPTT. Returns a dict: task_loss (sum of "
    "the window losses), training_error (the papers' reported error), cerebellar_loss.";

const char* compute_loop_gradients_doc =
    "Gradients of one batch through the cortico-cerebellar loop (a model with forward.enabled; "
    "docs/forward-model.md): the forward pass interleaving cortex and forward cerebellum, the task loss over "
    "the whole trial with its gradient through the readout (and, with cortex=True, by BPTT into every cortical "
    "weight, the cerebellar input columns taken as constants), and the inferior olive's loss of every taught "
    "prediction with the forward cerebellum's gradient. LoopTrainer's computation, without an optimizer step; "
    "the gradients replace any previous ones (read them with gradients()). loss: 'mse' or 'cross_entropy' "
    "(default from the batch; the cerebellum learns with the same kind, and for cross-entropy the cortex "
    "receives softmax(c_t)). Returns a dict: task_loss, training_error, cerebellar_loss.";

const char* boundary_gradients_doc =
    "The true gradients at the truncation boundaries j = 0..W (W = ceil(L/T) windows), with the current "
    "parameters: a dict of true_gradients (W+1, B, S) = dF/ds_j of the full loss F (the sum of the window "
    "losses; the last block is 0), truncated_gradients (W, B, S) = what truncated BPTT sees at each window "
    "start, loss (F), and with parameters=True parameter_gradients: dF/dtheta of full BPTT by name.";

}  // namespace

void bind_models(py::module_& m) {
  py::class_<PyModel>(m, "Model",
                      "A cortical recurrent network with a linear readout and, for a ccRNN, a cerebellum. Parameters "
                      "have PyTorch's names and shapes (cortex.weight_ih_l0 (G*N, I), cortex.bias_hh_l0 (G*N,), "
                      "readout.weight (O, N), cerebellum.layers.<i>.weight, ...; LSTM gates in PyTorch's order "
                      "i, f, g, o), so they can be exchanged with torch.nn.LSTM / nn.Linear.")
      .def(py::init([](const py::object& config, std::uint64_t seed, const std::string& dtype, const py::kwargs& options) {
             return PyModel(config_from<ModelConfig>(config, options), seed, dtype);
           }),
           py::arg("config") = py::none(), py::kw_only(), py::arg("seed") = 0, py::arg("dtype") = "float32",
           "A model from a ModelConfig and/or its fields as keywords, initialised from `seed` like the runs do "
           "(PyTorch's default initialisations; the cerebellum's output layer starts at zero). dtype: 'float32' "
           "(the runs' precision) or 'float64'.")
      .def_property_readonly("config", &PyModel::config, "the ModelConfig")
      .def_property_readonly("dtype", &PyModel::dtype, "'float32' or 'float64'")
      .def_property_readonly("seed", &PyModel::seed, "the initialisation seed")
      .def_property_readonly("state_size", [](const PyModel& p) { return p.visit([](const auto& m) { return m.state_size(); }); },
                             "S, rows of the stacked cortical state (the cerebellum's input and output width)")
      .def("parameter_names", [](const PyModel& p) {
             return p.visit([](const auto& m) {
               std::vector<std::string> names;
               for (const auto& s : m.params.slots()) names.push_back(s.name);
               return names;
             });
           }, "Every parameter's name, in registration order (cortex, readout, cerebellum).")
      .def("parameter_count", [](const PyModel& p) { return p.visit([](const auto& m) { return m.params.size(); }); },
           "Number of scalar parameters.")
      .def("get_parameter", [](const PyModel& p, const std::string& name) {
             return p.visit([&](const auto& m) { return parameter_to_numpy(slot_named(m.params, name), m.params.values()); });
           }, py::arg("name"), "A copy of one parameter: (rows, cols), or (rows,) for a bias.")
      .def("set_parameter", [](PyModel& p, const std::string& name, const py::array& value) {
             p.visit([&](auto& m) { set_parameter(m, name, value); });
           }, py::arg("name"), py::arg("value"),
           "Overwrites one parameter; value must have its shape ((rows,) or (rows, 1) for a bias).")
      .def("get_parameters", [](const PyModel& p) { return p.visit([](const auto& m) { return parameters_to_dict(m.params, m.params.values()); }); },
           "Every parameter as {name: array} (copies).")
      .def("set_parameters", [](PyModel& p, const py::dict& values, bool strict) {
             p.visit([&](auto& m) {
               std::string missing;
               for (const auto& s : m.params.slots())
                 if (strict && !values.contains(s.name)) missing += (missing.empty() ? "'" : ", '") + s.name + "'";
               if (!missing.empty())
                 throw py::key_error("Model.set_parameters: missing " + missing + " (strict=False sets a subset)");
               for (const auto& [k, v] : values) set_parameter(m, py::str(k), py::cast<py::array>(v));
             });
           }, py::arg("values"), py::arg("strict") = true,
           "Sets parameters from {name: array}; strict requires every parameter and rejects unknown names.")
      .def("gradients", [](const PyModel& p) { return p.visit([](const auto& m) { return parameters_to_dict(m.params, m.params.grads()); }); },
           "The gradients of the last compute_gradients (after a Trainer step: that step's clipped gradients) as {name: array}.")
      .def("fibre_mask", [](const PyModel& p) -> py::object {
             return p.visit([](const auto& m) -> py::object {
               if (!m.cerebellum) return py::none();
               return matrix_to_numpy<double>(m.cerebellum->fibre_mask());
             });
           }, "ccRNN: the (M, S) 0/1 mask of the first granule layer's mossy-fibre inputs; None for a cRNN.")
      .def("forward", [](const PyModel& p, const py::object& inputs, const py::object& context) {
             PyBatch batch = py::isinstance<PyBatch>(inputs)
                                 ? inputs.cast<PyBatch>()
                                 : py::type::of<PyBatch>()(inputs, py::none(), py::none(), py::none(), context).cast<PyBatch>();
             if (!context.is_none() && py::isinstance<PyBatch>(inputs))
               batch.batch.context = matrix_from_numpy<double>(context.cast<py::array>(), "context").transpose();
             return p.visit([&](const auto& m) {
               using S = ScalarOf<decltype(m)>;
               return forward(m, batch.as<S>());
             });
           }, py::arg("inputs"), py::arg("context") = py::none(), forward_doc)
      .def("compute_gradients", [](PyModel& p, const PyBatch& batch, Index truncation, double sg_scale, bool inject,
                                   bool train_cerebellum, bool final_injection, const py::object& loss) {
             if (truncation < 1) throw py::value_error("compute_gradients: truncation must be >= 1");
             TbpttSettings settings;
             settings.truncation = truncation;
             settings.sg_scale = sg_scale;
             settings.inject = inject;
             settings.final_injection = final_injection;
             settings.train_cerebellum = train_cerebellum;
             settings.loss = loss_of(batch, loss);
             return p.visit([&](auto& m) {
               using S = ScalarOf<decltype(m)>;
               const Batch<S> b = batch.as<S>();
               check_inputs(m, b, "Model.compute_gradients");
               BatchStats stats;
               {
                 LongCall call;
                 m.params.zero_grad();
                 TbpttWorkspace<S> ws;
                 stats = accumulate_batch_gradients(m, b, settings, ws);
               }
               return stats_to_dict(stats);
             });
           }, py::arg("batch"), py::arg("truncation") = 1, py::arg("sg_scale") = 0.1, py::arg("inject") = true,
           py::arg("train_cerebellum") = true, py::arg("final_injection") = true, py::arg("loss") = py::none(),
           compute_gradients_doc)
      .def("compute_loop_gradients", [](PyModel& p, const PyBatch& batch, bool cortex, const py::object& loss) {
             LoopSettings settings;
             settings.loss = loss_of(batch, loss);
             return p.visit([&](auto& m) {
               using S = ScalarOf<decltype(m)>;
               if (!m.forward_cerebellum)
                 throw py::value_error("Model.compute_loop_gradients: the model has no forward cerebellum (forward=dict(enabled=True))");
               const Batch<S> b = batch.as<S>();
               LoopStats stats;
               {
                 LongCall call;
                 m.params.zero_grad();
                 LoopTrace<S> trace;
                 stats = accumulate_loop_gradients(m, b, settings, trace, cortex, true);
               }
               py::dict out;
               out["task_loss"] = stats.task_loss;
               out["training_error"] = stats.training_error;
               out["cerebellar_loss"] = stats.cerebellar_loss;
               return out;
             });
           }, py::arg("batch"), py::arg("cortex") = false, py::arg("loss") = py::none(), compute_loop_gradients_doc)
      .def("boundary_gradients", [](const PyModel& p, const PyBatch& batch, Index truncation, bool parameters, const py::object& loss) {
             if (truncation < 1) throw py::value_error("boundary_gradients: truncation must be >= 1");
             BoundaryGradientOptions options;
             options.truncation = truncation;
             options.loss = loss_of(batch, loss);
             options.truncated = true;
             options.parameter_gradient = parameters;
             return p.visit([&](const auto& m) {
               using S = ScalarOf<decltype(m)>;
               const Batch<S> b = batch.as<S>();
               check_inputs(m, b, "Model.boundary_gradients");
               BoundaryGradients<S> g;
               {
                 LongCall call;
                 g = boundary_gradients(m, b, options);
               }
               py::dict out;
               out["true_gradients"] = sequence_to_numpy<S>(g.full, b.size);
               out["truncated_gradients"] = sequence_to_numpy<S>(g.truncated, b.size);
               out["loss"] = g.loss;
               if (parameters) out["parameter_gradients"] = parameters_to_dict(m.params, g.parameters);
               return out;
             });
           }, py::arg("batch"), py::arg("truncation") = 1, py::arg("parameters") = false, py::arg("loss") = py::none(),
           boundary_gradients_doc)
      .def("__repr__", [](const PyModel& p) {
        const ModelConfig& c = p.config();
        return std::string(c.cerebellum ? "ccRNN" : "cRNN") + " Model(" + to_string(c.cell) + ", N=" + std::to_string(c.hidden_size) +
               ", layers=" + std::to_string(c.layers) + ", I=" + std::to_string(c.input_size) + ", O=" + std::to_string(c.output_size) +
               (c.cerebellum ? ", M=" + std::to_string(c.cerebellar.hidden_size) + ", k=" + std::to_string(c.cerebellar.layers) : "") +
               ", dtype=" + p.dtype() + ")";
      });

  m.def("load_model", [](const py::object& file, const std::string& model, std::uint64_t seed, const std::string& which) {
          const std::string path = py::str(py::module_::import("os").attr("fspath")(file));
          std::unique_ptr<Model<float>> loaded;
          {
            LongCall call;
            loaded = tasks::load_model(path, model, seed, which);
          }
          return PyModel(std::move(loaded), seed);
        }, py::arg("path"), py::kw_only(), py::arg("model") = "ccrnn", py::arg("seed") = 1, py::arg("which") = "final",
        // path: str or os.PathLike
        "The trained Model (float32) of one run in a results file: model 'crnn', 'ccrnn' or 'bptt', its seed, and "
        "which weights: 'final' (after the last epoch) or 'best' (the tested epoch of a task that selects one, e.g. "
        "captioning, whose file holds the decoder here; its encoder is in the file beside it). Its forward pass "
        "reproduces the run's outputs bit for bit. Raises RuntimeError naming the file and what is missing.");
}

}  // namespace ccrnn::python
