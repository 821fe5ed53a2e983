#pragma once
// Caption data: images with one feature vector each and several reference captions, read from the real
// formats (COCO caption JSON + a feature HDF5 file) or generated (caption/scenes.hpp), and written back
// in the same formats. File layouts: docs/caption-data.md.
//
// COCO caption JSON (the captions_train2014.json layout): an object with
//   "images":      [{"id": <int>, ...}, ...]                       (other fields are ignored)
//   "annotations": [{"image_id": <int>, "caption": <string>, ...}, ...]
// Feature HDF5: /image_ids int64 (n,) and /features float (n, F), row i the feature vector of image
// image_ids[i].
//
// Every problem with a file is a CaptionDataError whose message starts with the file's path and names
// the problem. What the loader skips by design is counted in CaptionLoadReport, never dropped silently.
#include <ccrnn/core/types.hpp>

#include <Eigen/Core>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace ccrnn::tasks {

class CaptionDataError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// One split: images (in file order), their feature vectors and reference captions.
struct CaptionSet {
  std::vector<std::int64_t> image_ids;             // image i's id (COCO "id")
  Eigen::MatrixXf features;                        // F x images: column i = image i's feature vector
  std::vector<std::vector<std::string>> captions;  // captions[i]: image i's reference captions (raw text)

  Index size() const { return static_cast<Index>(image_ids.size()); }
  Index feature_size() const { return features.rows(); }
  Index caption_count() const;
};

/// The three splits of a data set.
struct CaptionData {
  CaptionSet train, validation, test;
};

/// The COCO caption JSON as read (before it is matched with features).
struct CocoAnnotation {
  std::int64_t image_id = 0;
  std::string caption;
};
struct CocoCaptions {
  std::vector<std::int64_t> image_ids;         // "images"[*]["id"], in file order
  std::vector<CocoAnnotation> annotations;     // "annotations", in file order
};

/// A feature table as read: ids (n) and features (F x n, column i = row i of the file).
struct FeatureTable {
  std::vector<std::int64_t> image_ids;
  Eigen::MatrixXf features;
};

struct CaptionLoadOptions {
  Index feature_size = 0;              // expected feature width F; 0 = whatever the file holds
  bool skip_missing_features = false;  // false: a captioned image without a feature vector is an error;
                                       // true: it is skipped with its captions (and counted)
};

/// What a load read, kept and skipped.
struct CaptionLoadReport {
  Index images_listed = 0;              // entries of "images"
  Index annotations = 0;                // entries of "annotations"
  Index images_loaded = 0;              // images kept (captioned, with features)
  Index captions_loaded = 0;            // captions kept
  Index images_without_captions = 0;    // listed images without a (non-empty) caption: skipped
  Index empty_captions = 0;             // captions without any token: skipped
  Index images_without_features = 0;    // captioned images without a feature vector (skip_missing_features)
  Index captions_without_features = 0;  // their captions, skipped with them
  Index unused_features = 0;            // feature rows of images that have no caption in the JSON: ignored
  /// Everything skipped or ignored, one line ("0 skipped" when nothing was).
  std::string summary() const;
};

/// Reads a COCO caption JSON file. Throws CaptionDataError for an unreadable file, malformed JSON, a
/// missing or mistyped field ("images", "annotations", "id", "image_id", "caption"), a repeated image
/// id, or an annotation whose image_id is not listed in "images".
CocoCaptions read_coco_captions(const std::string& path);

/// Reads a feature HDF5 file. Throws CaptionDataError for an unreadable file, a missing dataset, wrong
/// ranks, ids and rows that disagree in number, a non-integer or repeated id, a non-finite value, or a
/// width other than expected_width (when > 0).
FeatureTable read_features(const std::string& path, Index expected_width = 0);

/// One split from a caption JSON and a feature file: images in JSON order with at least one caption,
/// captions in annotation order. Errors as above, plus captions of images without features (unless
/// options.skip_missing_features) and a split left without any image. report (optional) receives the counts.
CaptionSet load_coco_split(const std::string& json_path, const std::string& features_path,
                           const CaptionLoadOptions& options = {}, CaptionLoadReport* report = nullptr);

/// Writes a split as a COCO caption JSON (images with id and a file_name "image_<id>.png"; annotations
/// with id 1, 2, ... in image order) and a feature HDF5 file, each atomically (io::AtomicOutput; an
/// existing file is replaced only with overwrite). load_coco_split reads back exactly this set.
void export_coco_split(const CaptionSet& set, const std::string& json_path, const std::string& features_path,
                       bool overwrite = false);

/// A generated caption in the COCO results format.
struct GeneratedCaption {
  std::int64_t image_id = 0;
  std::string caption;
};

/// Writes [{"image_id": ..., "caption": ...}, ...] atomically (io::AtomicOutput).
void write_coco_results(const std::string& path, const std::vector<GeneratedCaption>& captions,
                        bool overwrite = false);
/// Reads a COCO results file (for checks and tools); errors as read_coco_captions.
std::vector<GeneratedCaption> read_coco_results(const std::string& path);

}  // namespace ccrnn::tasks
