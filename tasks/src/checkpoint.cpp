#include <ccrnn/core/matmul.hpp>
#include <ccrnn/io/atomic_output.hpp>
#include <ccrnn/tasks/checkpoint.hpp>
#include <ccrnn/version.hpp>

#include <map>

namespace ccrnn::tasks {

namespace {

const char* format_name = "ccrnn checkpoint 1";
// Settings that may change between the interrupted command and the resuming one: more epochs continue a
// finished run (docs/checkpoints.md).
bool resumable_change(const std::string& setting) { return setting == "epochs"; }

std::string key_of(const std::string& line) { return line.substr(0, line.find('=')); }

/// The first difference between two setting lists, as "T = 1 in the checkpoint, 2 now".
std::string settings_difference(const std::vector<std::string>& stored, const std::vector<std::string>& now) {
  std::map<std::string, std::string> a, b;
  for (const auto& line : stored) a[key_of(line)] = line.substr(line.find('=') + 1);
  for (const auto& line : now) b[key_of(line)] = line.substr(line.find('=') + 1);
  for (const auto& [name, value] : b) {
    const auto found = a.find(name);
    if (found == a.end()) return "setting " + name + " is not in the checkpoint";
    if (found->second != value) return "setting " + name + " = " + found->second + " in the checkpoint, " + value + " now";
  }
  for (const auto& [name, value] : a)
    if (!b.count(name)) return "the checkpoint has a setting " + name + " this task does not have";
  return {};
}

/// The first way in which the stored run differs from the expected one; empty when none does.
std::string identity_difference(const CheckpointIdentity& stored, const CheckpointIdentity& now) {
  const auto differs = [](const std::string& what, const std::string& a, const std::string& b) {
    return what + " " + a + " in the checkpoint, " + b + " now";
  };
  if (stored.task != now.task) return differs("task", stored.task, now.task);
  if (stored.model != now.model) return differs("model", stored.model, now.model);
  if (stored.seed != now.seed) return differs("seed", std::to_string(stored.seed), std::to_string(now.seed));
  if (stored.version != now.version) return "written by ccrnn " + stored.version + ", this is ccrnn " + now.version;
  if (std::string settings = settings_difference(stored.settings, now.settings); !settings.empty()) return settings;
  if (stored.data != now.data) return "the data set differs (fingerprint " + stored.data + " in the checkpoint, " + now.data + " now)";
  return {};
}

}  // namespace

CheckpointIdentity checkpoint_identity(const Task& task, const std::string& model, std::uint64_t seed) {
  CheckpointIdentity id;
  id.task = task.name();
  id.model = model;
  id.seed = seed;
  for (const Setting& s : task.settings().all())
    if (!resumable_change(s.name)) id.settings.push_back(s.name + "=" + s.get());
  id.data = task.data_fingerprint();
  id.version = std::string(version_string) + ", " + float_products_description();
  return id;
}

void write_checkpoint(const std::string& path, const CheckpointIdentity& id, const RunState& state) {
  io::AtomicOutput out(path, true);
  {
    io::File file = io::File::create(out.temp_path());
    io::Group root = file.root();
    root.set_attr("format", format_name);
    root.set_attr("task", id.task);
    root.set_attr("model", id.model);
    root.set_attr("seed", static_cast<std::int64_t>(id.seed));
    root.set_attr("data_fingerprint", id.data);
    root.set_attr("ccrnn_version", id.version);
    root.write("settings", id.settings.empty() ? std::vector<std::string>{""} : id.settings);
    if (state.has("epoch")) root.set_attr("epoch", state.integer("epoch"));  // for people looking at the file
    root.set_attr("checksum", state.checksum());
    io::Group items = root.create_group("state");
    state.write(items);
    file.close();
  }
  out.commit();
}

RunState read_checkpoint(const std::string& path, const CheckpointIdentity& expected) {
  const std::string never = "; it is never resumed from: pass --restart to start the run over (replacing it)";
  RunState state;
  CheckpointIdentity stored;
  std::string checksum;
  try {
    const io::File file = io::File::open_read(path);
    const io::Group root = file.root();
    if (!root.has_attr("format") || root.attr_string("format") != format_name)
      throw CheckpointError(path + ": not a ccrnn checkpoint (no format attribute '" + format_name + "')" + never);
    stored.task = root.attr_string("task");
    stored.model = root.attr_string("model");
    stored.seed = static_cast<std::uint64_t>(root.attr_int("seed"));
    stored.data = root.attr_string("data_fingerprint");
    stored.version = root.attr_string("ccrnn_version");
    stored.settings = root.read_strings("settings");
    if (stored.settings == std::vector<std::string>{""}) stored.settings.clear();
    checksum = root.attr_string("checksum");
    state = RunState::read(root.open_group("state"));
  } catch (const CheckpointError&) {
    throw;
  } catch (const std::exception& e) {
    throw CheckpointError(path + ": unreadable checkpoint (" + e.what() + ")" + never);
  }
  if (state.checksum() != checksum)
    throw CheckpointError(path + ": corrupt checkpoint (its contents do not match their checksum)" + never);
  const std::string difference = identity_difference(stored, expected);
  if (!difference.empty())
    throw CheckpointError(path + ": checkpoint of another run: " + difference +
                          "; run the command that wrote it, or pass --restart to start over (replacing it)");
  return state;
}

}  // namespace ccrnn::tasks
