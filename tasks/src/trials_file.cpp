// The trials HDF5 file (docs/trials-format.md): load_trials and write_trials.
#include <ccrnn/io/atomic_output.hpp>
#include <ccrnn/io/hdf5_file.hpp>
#include <ccrnn/tasks/trials/file.hpp>

#include <algorithm>
#include <array>
#include <cstdint>
#include <initializer_list>

namespace ccrnn::tasks {

namespace {

const std::array<const char*, 3> split_names{"train", "validation", "test"};
const std::array<const char*, 5> array_names{"inputs", "targets", "labels", "mask", "context"};

[[noreturn]] void fail(const std::string& path, const std::string& what) { throw DataError(path + ": " + what); }

std::string joined(const auto& names) {
  std::string s;
  for (const char* name : names) s += (s.empty() ? "" : ", ") + std::string(name);
  return s;
}

/// The format is closed: a misspelt name ("masks", "valid") would otherwise be ignored silently.
void check_members(const io::Group& group, const auto& allowed, const std::string& path) {
  for (const std::string& child : group.children())
    if (std::none_of(allowed.begin(), allowed.end(), [&](const char* name) { return child == name; }))
      fail(path, "'" + (group.path() == "/" ? "" : group.path()) + "/" + child + "' is not part of the trials format (" +
                     (group.path() == "/" ? "the root holds the groups " : "a split holds the datasets ") +
                     joined(allowed) + ")");
}

std::vector<Index> dims_of(const std::vector<std::size_t>& dims) { return {dims.begin(), dims.end()}; }

/// Refuses dataset `name` of `group` unless its stored kind is one of `kinds` (`expected` names them).
void check_kind(const io::Group& group, const std::string& name, std::initializer_list<io::ValueKind> kinds,
                const char* expected, const std::string& path) {
  const io::DatasetInfo info = group.dataset_info(name);
  if (std::find(kinds.begin(), kinds.end(), info.kind) == kinds.end())
    fail(path, "'" + group.path() + "/" + name + "' has type " + info.type_name + "; it must be " + expected);
}

TrialArray<float> read_real(const io::Group& group, const std::string& name, const std::string& path) {
  check_kind(group, name, {io::ValueKind::floating_point}, "floating-point (float32 or float64)", path);
  io::FloatArray a = group.read_floats(name);
  return {std::move(a.data), dims_of(a.dims)};
}

TrialArray<std::int64_t> read_integers(const io::Group& group, const std::string& name,
                                       std::initializer_list<io::ValueKind> kinds, const char* expected,
                                       const std::string& path) {
  check_kind(group, name, kinds, expected, path);
  io::IntArray a = group.read_ints(name);
  return {std::move(a.data), dims_of(a.dims)};
}

TrialSet read_split(const io::Group& root, const std::string& name, const std::string& path) {
  if (!root.is_group(name)) fail(path, "'/" + name + "' is not a group");
  const io::Group group = root.open_group(name);
  check_members(group, array_names, path);
  if (!group.has("inputs")) fail(path, "missing dataset '/" + name + "/inputs' (L steps, n trials, I inputs)");
  TrialArrays arrays;
  arrays.inputs = read_real(group, "inputs", path);
  if (group.has("targets")) arrays.targets = read_real(group, "targets", path);
  if (group.has("labels"))
    arrays.labels = read_integers(group, "labels", {io::ValueKind::integer}, "integer", path);
  if (group.has("mask"))
    arrays.mask = read_integers(group, "mask", {io::ValueKind::integer, io::ValueKind::boolean}, "integer or boolean", path);
  if (group.has("context")) arrays.context = read_real(group, "context", path);
  return TrialSet(std::move(arrays), TrialsNaming{path, "/" + name + "/"});
}

TrialsData read_file(const std::string& path) {
  const io::File file = io::File::open_read(path);
  const io::Group root = file.root();
  check_members(root, split_names, path);
  if (!root.has("train")) fail(path, "missing group '/train' (the training split is required)");
  TrialsData data;
  data.source = path;
  data.train = read_split(root, "train", path);
  if (root.has("validation")) data.validation = read_split(root, "validation", path);
  if (root.has("test")) data.test = read_split(root, "test", path);
  if (root.has_attr("classes")) data.classes = root.attr_int("classes");
  if (root.has_attr("description")) data.description = root.attr_string("description");
  return data;
}

void write_float_array(io::Group& group, const std::string& name, const TrialArray<float>& a) {
  group.write(name, a.values, {a.dims.begin(), a.dims.end()});
}

void write_split(io::Group group, const TrialSet& set) {
  const TrialArrays& a = set.arrays();
  write_float_array(group, "inputs", a.inputs);
  if (a.targets) write_float_array(group, "targets", *a.targets);
  if (a.labels) group.write("labels", a.labels->values, {a.labels->dims.begin(), a.labels->dims.end()});
  if (a.mask)  // validated 0/1
    group.write("mask", std::vector<std::uint8_t>(a.mask->values.begin(), a.mask->values.end()),
                {a.mask->dims.begin(), a.mask->dims.end()});
  if (a.context) write_float_array(group, "context", *a.context);
}

}  // namespace

TrialsData load_trials(const std::string& path) {
  TrialsData data;
  try {
    data = read_file(path);
  } catch (const io::Hdf5Error& e) {
    throw DataError(e.what());  // already "<path>: <problem>"
  }
  validate_trials(data, path);
  return data;
}

void write_trials(const std::string& path, const TrialsData& data, bool overwrite) {
  validate_trials(data, path);  // never write a file that load_trials would refuse
  io::AtomicOutput out(path, overwrite);
  {
    io::File file = io::File::create(out.temp_path());
    io::Group root = file.root();
    write_split(root.create_group("train"), data.train);
    if (data.validation) write_split(root.create_group("validation"), *data.validation);
    if (data.test) write_split(root.create_group("test"), *data.test);
    if (data.is_classification()) root.set_attr("classes", data.classes);
    if (!data.description.empty()) root.set_attr("description", data.description);
    file.close();
  }
  out.commit();
}

}  // namespace ccrnn::tasks
