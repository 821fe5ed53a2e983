// COCO caption JSON and feature HDF5 files (layouts: docs/caption-data.md). nlohmann-json stays in here.
#include <ccrnn/io/atomic_output.hpp>
#include <ccrnn/io/hdf5_file.hpp>
#include <ccrnn/tasks/caption/data.hpp>
#include <ccrnn/tasks/caption/vocabulary.hpp>

#include <nlohmann/json.hpp>

#include <cmath>
#include <fstream>
#include <sstream>
#include <unordered_map>
#include <unordered_set>

namespace ccrnn::tasks {

using nlohmann::json;

Index CaptionSet::caption_count() const {
  Index n = 0;
  for (const auto& c : captions) n += static_cast<Index>(c.size());
  return n;
}

std::string CaptionLoadReport::summary() const {
  std::ostringstream out;
  out << images_loaded << " images and " << captions_loaded << " captions loaded";
  const Index skipped = images_without_captions + empty_captions + images_without_features + unused_features;
  if (skipped == 0) {
    out << "; 0 skipped";
    return out.str();
  }
  if (images_without_captions > 0) out << "; skipped " << images_without_captions << " images without captions";
  if (empty_captions > 0) out << "; skipped " << empty_captions << " empty captions";
  if (images_without_features > 0)
    out << "; skipped " << images_without_features << " images without features (" << captions_without_features
        << " captions)";
  if (unused_features > 0) out << "; ignored " << unused_features << " feature vectors of uncaptioned images";
  return out.str();
}

namespace {

[[noreturn]] void fail(const std::string& path, const std::string& what) { throw CaptionDataError(path + ": " + what); }

const char* type_name(const json& v) { return v.type_name(); }

json parse_json_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(path, "cannot open the file for reading");
  try {
    return json::parse(in);
  } catch (const json::parse_error& e) {
    fail(path, std::string("malformed JSON: ") + e.what());
  }
}

/// object[key] as an integer; where = "annotations[3]".
std::int64_t integer_field(const std::string& path, const json& object, const std::string& where, const char* key) {
  if (!object.is_object()) fail(path, where + ": expected an object, found " + type_name(object));
  const auto it = object.find(key);
  if (it == object.end()) fail(path, where + ": missing field '" + key + "'");
  if (!it->is_number_integer()) fail(path, where + "." + key + ": expected an integer, found " + type_name(*it));
  if (it->is_number_unsigned() && it->get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX))
    fail(path, where + "." + key + ": integer out of range");
  return it->get<std::int64_t>();
}

const json& array_field(const std::string& path, const json& root, const char* key) {
  const auto it = root.find(key);
  if (it == root.end()) fail(path, std::string("missing top-level field '") + key + "'");
  if (!it->is_array()) fail(path, std::string("'") + key + "' must be an array, found " + type_name(*it));
  return *it;
}

void write_text_atomically(const std::string& path, const std::string& text, bool overwrite) {
  io::AtomicOutput out(path, overwrite);
  {
    std::ofstream file(out.temp_path(), std::ios::binary);
    if (!file) fail(out.temp_path(), "cannot open the file for writing");
    file << text;
    file.close();
    if (!file) fail(out.temp_path(), "write failed");
  }
  out.commit();
}

}  // namespace

CocoCaptions read_coco_captions(const std::string& path) {
  const json root = parse_json_file(path);
  if (!root.is_object()) fail(path, std::string("the top level must be an object, found ") + type_name(root));
  const json& images = array_field(path, root, "images");
  const json& annotations = array_field(path, root, "annotations");
  CocoCaptions out;
  std::unordered_set<std::int64_t> listed;
  for (size_t i = 0; i < images.size(); ++i) {
    const std::int64_t id = integer_field(path, images[i], "images[" + std::to_string(i) + "]", "id");
    if (!listed.insert(id).second) fail(path, "images[" + std::to_string(i) + "]: image id " + std::to_string(id) + " is listed twice");
    out.image_ids.push_back(id);
  }
  for (size_t i = 0; i < annotations.size(); ++i) {
    const std::string where = "annotations[" + std::to_string(i) + "]";
    CocoAnnotation a;
    a.image_id = integer_field(path, annotations[i], where, "image_id");
    const auto it = annotations[i].find("caption");
    if (it == annotations[i].end()) fail(path, where + ": missing field 'caption'");
    if (!it->is_string()) fail(path, where + ".caption: expected a string, found " + type_name(*it));
    a.caption = it->get<std::string>();
    if (!listed.count(a.image_id))
      fail(path, where + ": image_id " + std::to_string(a.image_id) + " is not listed in 'images'");
    out.annotations.push_back(std::move(a));
  }
  return out;
}

FeatureTable read_features(const std::string& path, Index expected_width) {
  FeatureTable table;
  io::Array ids, features;
  try {
    const io::File file = io::File::open_read(path);
    const io::Group root = file.root();
    for (const char* name : {"image_ids", "features"})
      if (!root.is_dataset(name)) fail(path, std::string("missing dataset '/") + name + "'");
    ids = root.read("image_ids");
    features = root.read("features");
  } catch (const io::Hdf5Error& e) {
    throw CaptionDataError(e.what());  // already "<path>: <problem>"
  }
  if (ids.rank() != 1) fail(path, "'/image_ids' must be 1-D, found " + std::to_string(ids.rank()) + " dimensions");
  if (features.rank() != 2)
    fail(path, "'/features' must be 2-D (images x width), found " + std::to_string(features.rank()) + " dimensions");
  const size_t n = ids.dims[0], width = features.dims[1];
  if (features.dims[0] != n)
    fail(path, "'/features' has " + std::to_string(features.dims[0]) + " rows but '/image_ids' " + std::to_string(n) +
                   " entries");
  if (width == 0) fail(path, "'/features' has width 0");
  if (expected_width > 0 && static_cast<Index>(width) != expected_width)
    fail(path, "feature width " + std::to_string(width) + " does not match the expected width " +
                   std::to_string(expected_width));
  std::unordered_set<std::int64_t> seen;
  table.image_ids.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    const double v = ids.data[i];
    if (!(std::abs(v) < 9.0e15) || v != std::floor(v))
      fail(path, "'/image_ids'[" + std::to_string(i) + "] is not an integer id");
    const auto id = static_cast<std::int64_t>(v);
    if (!seen.insert(id).second) fail(path, "image id " + std::to_string(id) + " has two feature vectors");
    table.image_ids.push_back(id);
  }
  table.features.resize(static_cast<Index>(width), static_cast<Index>(n));
  for (size_t i = 0; i < n * width; ++i) {
    const double v = features.data[i];
    if (!std::isfinite(v))
      fail(path, "'/features' has a non-finite value in row " + std::to_string(i / width) + " (image id " +
                     std::to_string(table.image_ids[i / width]) + ")");
    table.features.data()[i] = static_cast<float>(v);  // row-major (n, F) == column-major F x n
  }
  return table;
}

CaptionSet load_coco_split(const std::string& json_path, const std::string& features_path,
                           const CaptionLoadOptions& options, CaptionLoadReport* report) {
  const CocoCaptions coco = read_coco_captions(json_path);
  const FeatureTable table = read_features(features_path, options.feature_size);
  CaptionLoadReport counts;
  counts.images_listed = static_cast<Index>(coco.image_ids.size());
  counts.annotations = static_cast<Index>(coco.annotations.size());

  std::unordered_map<std::int64_t, size_t> image_index;
  for (size_t i = 0; i < coco.image_ids.size(); ++i) image_index.emplace(coco.image_ids[i], i);
  std::vector<std::vector<std::string>> by_image(coco.image_ids.size());
  std::vector<Index> annotated(coco.image_ids.size(), 0);
  for (const auto& a : coco.annotations) {
    const size_t i = image_index.at(a.image_id);
    ++annotated[i];
    if (tokenize(a.caption).empty()) ++counts.empty_captions;
    else by_image[i].push_back(a.caption);
  }
  std::unordered_map<std::int64_t, Index> feature_column;
  for (size_t j = 0; j < table.image_ids.size(); ++j) feature_column.emplace(table.image_ids[j], static_cast<Index>(j));

  CaptionSet set;
  std::vector<Index> columns;
  std::unordered_set<std::int64_t> used;
  for (size_t i = 0; i < coco.image_ids.size(); ++i) {
    const std::int64_t id = coco.image_ids[i];
    if (annotated[i] == 0) {
      ++counts.images_without_captions;
      continue;
    }
    if (by_image[i].empty()) {  // all its captions were empty (counted above)
      ++counts.images_without_captions;
      continue;
    }
    const auto it = feature_column.find(id);
    if (it == feature_column.end()) {
      if (!options.skip_missing_features)
        fail(json_path, "image " + std::to_string(id) + " has " + std::to_string(by_image[i].size()) +
                            " captions but no feature vector in " + features_path);
      ++counts.images_without_features;
      counts.captions_without_features += static_cast<Index>(by_image[i].size());
      continue;
    }
    used.insert(id);
    set.image_ids.push_back(id);
    columns.push_back(it->second);
    counts.captions_loaded += static_cast<Index>(by_image[i].size());
    set.captions.push_back(std::move(by_image[i]));
  }
  counts.images_loaded = set.size();
  counts.unused_features = static_cast<Index>(table.image_ids.size()) - static_cast<Index>(used.size());
  if (set.size() == 0)  // refused here, naming the files, rather than when training starts
    fail(json_path, "no image is left to train or evaluate on (with " + features_path + "): " + counts.summary());
  set.features.resize(table.features.rows(), static_cast<Index>(columns.size()));
  for (size_t k = 0; k < columns.size(); ++k) set.features.col(static_cast<Index>(k)) = table.features.col(columns[k]);
  if (report != nullptr) *report = counts;
  return set;
}

void export_coco_split(const CaptionSet& set, const std::string& json_path, const std::string& features_path,
                       bool overwrite) {
  if (static_cast<Index>(set.captions.size()) != set.size() || set.features.cols() != set.size())
    throw std::invalid_argument("export_coco_split: ids, features and captions disagree in number");
  // Both targets are checked before anything is written, so a refusal leaves neither half-done.
  io::AtomicOutput json_out(json_path, overwrite);
  io::AtomicOutput features_out(features_path, overwrite);

  json images = json::array(), annotations = json::array();
  std::int64_t next_id = 1;
  for (Index i = 0; i < set.size(); ++i) {
    const std::int64_t id = set.image_ids[static_cast<size_t>(i)];
    images.push_back({{"id", id}, {"file_name", "image_" + std::to_string(id) + ".png"}});
    for (const auto& caption : set.captions[static_cast<size_t>(i)])
      annotations.push_back({{"id", next_id++}, {"image_id", id}, {"caption", caption}});
  }
  const json root = {{"info", {{"description", "ccrnn caption data"}}}, {"images", images}, {"annotations", annotations}};
  {
    std::ofstream file(json_out.temp_path(), std::ios::binary);
    if (!file) fail(json_out.temp_path(), "cannot open the file for writing");
    file << root.dump() << '\n';
    file.close();
    if (!file) fail(json_out.temp_path(), "write failed");
  }
  {
    io::File file = io::File::create(features_out.temp_path());
    io::Group g = file.root();
    g.write("image_ids", set.image_ids);
    const std::vector<float> data(set.features.data(), set.features.data() + set.features.size());
    g.write("features", data, {static_cast<size_t>(set.size()), static_cast<size_t>(set.feature_size())});
    g.set_attr("description", "one feature vector per image: row i of /features belongs to image /image_ids[i]");
    file.close();
  }
  json_out.commit();
  features_out.commit();
}

void write_coco_results(const std::string& path, const std::vector<GeneratedCaption>& captions, bool overwrite) {
  json out = json::array();
  for (const auto& c : captions) out.push_back({{"image_id", c.image_id}, {"caption", c.caption}});
  write_text_atomically(path, out.dump() + "\n", overwrite);
}

std::vector<GeneratedCaption> read_coco_results(const std::string& path) {
  const json root = parse_json_file(path);
  if (!root.is_array()) fail(path, std::string("a results file must be an array, found ") + type_name(root));
  std::vector<GeneratedCaption> out;
  for (size_t i = 0; i < root.size(); ++i) {
    std::string where = std::to_string(i);  // "[i]", built so that GCC 12 raises no false -Wrestrict
    where.insert(where.begin(), '[');
    where.push_back(']');
    GeneratedCaption c;
    c.image_id = integer_field(path, root[i], where, "image_id");
    const auto it = root[i].find("caption");
    if (it == root[i].end()) fail(path, where + ": missing field 'caption'");
    if (!it->is_string()) fail(path, where + ".caption: expected a string, found " + type_name(*it));
    c.caption = it->get<std::string>();
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace ccrnn::tasks
