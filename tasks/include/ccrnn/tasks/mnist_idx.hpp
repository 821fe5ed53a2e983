#pragma once
// MNIST in its standard IDX files (http://yann.lecun.com/exdb/mnist/), plain or gzip-compressed, and the
// split of its training file into training and validation sets that every seqMNIST run uses.
//
// IDX layout (all integers big-endian): images: magic 0x00000803, count, rows, cols, then count*rows*cols
// unsigned bytes (0 = background); labels: magic 0x00000801, count, then count bytes 0..9. A file is read
// as gzip when it starts with the gzip magic bytes 1f 8b, whatever its name. Pixel byte b becomes b/255.
//
// Every problem with a file raises DataError with a message that names the file and the problem.
#include <ccrnn/tasks/data_error.hpp>
#include <ccrnn/tasks/digit_images.hpp>

#include <array>
#include <string>

namespace ccrnn::tasks {

/// The magic numbers of the two IDX file kinds used by MNIST (unsigned bytes; 3 or 1 dimensions).
inline constexpr std::uint32_t idx_images_magic = 0x00000803;
inline constexpr std::uint32_t idx_labels_magic = 0x00000801;

/// The four standard file names: training images, training labels, test images, test labels.
const std::array<std::string, 4>& mnist_file_names();

/// Reads an image file and its label file (each plain or gzip) into one set. Requires 28x28 images,
/// equal counts, labels 0..9 and files of exactly the size their headers promise.
DigitImages read_idx(const std::string& images_path, const std::string& labels_path);

/// dir/name if it exists, else dir/name.gz; throws DataError naming both if neither exists. (If both
/// exist, as after `gunzip -k`, the plain file is used.)
std::string find_idx_file(const std::string& dir, const std::string& name);

/// The training file split into its 48,000-image training set and its last 12,000 images as the
/// validation set (for a smaller training file: its last 20%, rounded down), and the test file as the
/// test set. source is left empty for the caller to fill.
MnistSplits split_training_set(DigitImages train60k, DigitImages test);

/// Reads the four standard files from dir (each may be gzip-compressed, name.gz) and splits them with
/// split_training_set; source = "idx:<dir>".
MnistSplits load_mnist_dir(const std::string& dir);

/// Writes images and labels as IDX files (gzip-compressed if gzip), each atomically (temporary file, then
/// rename). Pixels are stored as round(255 * p). Refuses existing files unless overwrite (std::runtime_error).
void write_idx(const DigitImages& images, const std::string& images_path, const std::string& labels_path,
               bool gzip, bool overwrite = false);

/// Throws std::runtime_error("<path> exists; pass --overwrite to replace it") if export_idx(.., dir, gzip,
/// overwrite) would refuse: without overwrite, when any of the four files exists in dir, plain or .gz.
void check_export_targets(const std::string& dir, bool gzip, bool overwrite);

/// Writes the four standard files into dir (with ".gz" names if gzip): the training file holds train then
/// validation, in their original order, so that load_mnist_dir(dir) gives back splits made by
/// split_training_set (pixels quantised to multiples of 1/255). Nothing is
/// written if any target is refused. With overwrite, a file of the other compression under the same
/// name (which find_idx_file could pick up instead) is removed.
void export_idx(const MnistSplits& splits, const std::string& dir, bool gzip, bool overwrite = false);

}  // namespace ccrnn::tasks
