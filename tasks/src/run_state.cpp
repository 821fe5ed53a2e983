#include <ccrnn/tasks/fingerprint.hpp>
#include <ccrnn/tasks/run_state.hpp>

#include <algorithm>
#include <bit>

namespace ccrnn::tasks {

namespace {

const char* type_name(const ResultArray& a) {
  switch (a.values.index()) {
    case 0: return "float64";
    case 1: return "float32";
    case 2: return "int64";
    default: return "string";
  }
}

template <class T>
const std::vector<T>& values_of(const ResultArray& a, const std::string& name, const char* expected) {
  const auto* values = std::get_if<std::vector<T>>(&a.values);
  if (values == nullptr)
    throw CheckpointError("item '" + name + "' holds " + type_name(a) + " values, expected " + expected);
  return *values;
}

void read_below(const io::Group& group, const std::string& prefix, RunState& out) {
  for (const std::string& child : group.children()) {
    const std::string name = prefix + child;
    if (group.is_group(child)) {
      read_below(group.open_group(child), name + "/", out);
      continue;
    }
    const io::DatasetInfo info = group.dataset_info(child);
    ResultArray a;
    a.shape = info.dims;
    if (info.kind == io::ValueKind::floating_point && info.element_bytes == 4) a.values = group.read_floats(child).data;
    else if (info.kind == io::ValueKind::floating_point) a.values = group.read(child).data;
    else if (info.kind == io::ValueKind::integer) a.values = group.read_ints(child).data;
    else throw CheckpointError(group.file_path() + ": '" + group.path() + "/" + child + "' is " + info.type_name +
                               ", not a checkpoint item");
    out.put(name, std::move(a));
  }
}

}  // namespace

void RunState::put_floats(const std::string& name, const Vector<float>& values) {
  put(name, ResultArray::floats(std::vector<float>(values.data(), values.data() + values.size()),
                                {static_cast<std::size_t>(values.size())}));
}

void RunState::put_indices(const std::string& name, const std::vector<Index>& values) {
  put_integers(name, std::vector<std::int64_t>(values.begin(), values.end()));
}

void RunState::put_rng(const std::string& name, const Rng& rng) {
  const RngState s = rng.state();
  std::vector<std::int64_t> words;
  for (const std::uint64_t w : s.words) words.push_back(std::bit_cast<std::int64_t>(w));
  words.push_back(s.has_spare ? 1 : 0);
  words.push_back(std::bit_cast<std::int64_t>(s.spare));
  put_integers(name, std::move(words));
}

void RunState::put_all(const std::string& prefix, const RunState& other) {
  for (const auto& [name, array] : other.items_) items_[prefix + name] = array;
}

const ResultArray& RunState::at(const std::string& name) const {
  const auto found = items_.find(name);
  if (found == items_.end()) throw CheckpointError("no item '" + name + "'");
  return found->second;
}

std::vector<double> RunState::reals(const std::string& name) const { return values_of<double>(at(name), name, "float64"); }

std::vector<std::int64_t> RunState::integers(const std::string& name) const {
  return values_of<std::int64_t>(at(name), name, "int64");
}

double RunState::real(const std::string& name) const {
  const std::vector<double> v = reals(name);
  if (v.size() != 1) throw CheckpointError("item '" + name + "' is not one value");
  return v.front();
}

std::int64_t RunState::integer(const std::string& name) const {
  const std::vector<std::int64_t> v = integers(name);
  if (v.size() != 1) throw CheckpointError("item '" + name + "' is not one value");
  return v.front();
}

Vector<float> RunState::floats(const std::string& name, Index size) const {
  const std::vector<float>& v = values_of<float>(at(name), name, "float32");
  if (static_cast<Index>(v.size()) != size)
    throw CheckpointError("item '" + name + "' has " + std::to_string(v.size()) + " values, expected " + std::to_string(size));
  return Eigen::Map<const Vector<float>>(v.data(), size);
}

std::vector<Index> RunState::indices(const std::string& name) const {
  const std::vector<std::int64_t> v = integers(name);
  return {v.begin(), v.end()};
}

std::vector<Index> RunState::permutation(const std::string& name, Index size) const {
  std::vector<Index> order = indices(name);
  std::vector<bool> seen(static_cast<std::size_t>(std::max<Index>(size, 0)), false);
  bool valid = static_cast<Index>(order.size()) == size;
  for (std::size_t i = 0; valid && i < order.size(); ++i) {
    valid = order[i] >= 0 && order[i] < size && !seen[static_cast<std::size_t>(order[i])];
    if (valid) seen[static_cast<std::size_t>(order[i])] = true;
  }
  if (!valid)
    throw CheckpointError("item '" + name + "' is not an order of the " + std::to_string(size) + " training samples");
  return order;
}

void RunState::get_rng(const std::string& name, Rng& rng) const {
  const std::vector<std::int64_t> v = integers(name);
  if (v.size() != 6 || (v[0] == 0 && v[1] == 0 && v[2] == 0 && v[3] == 0))
    throw CheckpointError("item '" + name + "' is not a random stream's state");
  RngState s;
  for (std::size_t i = 0; i < 4; ++i) s.words[i] = std::bit_cast<std::uint64_t>(v[i]);
  s.has_spare = v[4] != 0;
  s.spare = std::bit_cast<double>(v[5]);
  rng.set_state(s);
}

RunState RunState::under(const std::string& prefix) const {
  RunState out;
  for (const auto& [name, array] : items_)
    if (name.compare(0, prefix.size(), prefix) == 0) out.items_[name.substr(prefix.size())] = array;
  return out;
}

void RunState::write(io::Group& group) const {
  for (const auto& [name, array] : items_) write_result_array(group, name, array);
}

RunState RunState::read(const io::Group& group) {
  RunState out;
  read_below(group, "", out);
  return out;
}

std::string RunState::checksum() const {
  Fingerprint f;
  for (const auto& [name, array] : items_) {
    f.add(std::string_view(name));
    f.add(std::vector<std::uint64_t>(array.shape.begin(), array.shape.end()));
    std::visit([&](const auto& values) { f.add(values); }, array.values);
  }
  return f.hex();
}

void save_optimizer(RunState& state, const std::string& name, const Optimizer<float>& optimizer) {
  state.put_floats(name + "/first", optimizer.first_moments());
  state.put_floats(name + "/second", optimizer.second_moments());
  state.put_integer(name + "/steps", optimizer.steps());
}

void restore_optimizer(const RunState& state, const std::string& name, Optimizer<float>& optimizer) {
  const Index n = optimizer.first_moments().size();
  optimizer.restore(state.floats(name + "/first", n), state.floats(name + "/second", n), state.integer(name + "/steps"));
}

}  // namespace ccrnn::tasks
