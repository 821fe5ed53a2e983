#pragma once
// A small RAII wrapper around the HDF5 C library. No HDF5 header is included here: consumers of
// ccrnn::io never see hid_t or H5*.h, only these classes.
//
// Layout conventions (shared with h5py, which is how results are read in Python):
//  * n-D datasets are stored in ROW-MAJOR (C) order: write(name, data, {d0, d1, d2}) stores
//    data[(i*d1 + j)*d2 + k] at [i][j][k], and h5py reads an array of shape (d0, d1, d2).
//    Eigen matrices are column-major, so a rows x cols Eigen matrix must be transposed (or written
//    with dims {cols, rows}) to appear as (rows, cols) in Python.
//  * Strings (datasets and attributes) are variable-length UTF-8: h5py reads string attributes as
//    str and string datasets as bytes (use .asstr() for str).
//
// Lifetime: a File owns the HDF5 file handle through shared ownership; every Group obtained from it
// shares that ownership, so the file stays open until the File AND all its Groups are gone. A Group
// may therefore safely outlive its File. Copying a Group is cheap (it shares the open handle).
//
// Errors: every failure throws Hdf5Error whose message starts with the file path and names the
// object, e.g. "results.h5: dataset '/crnn/seed_1/train_error' not found". The HDF5 library's own
// automatic error printing to stderr is switched off.
//
// Threads: the Debian HDF5 build is thread-safe (H5_HAVE_THREADSAFE), so different threads may use
// different files; a single File and its Groups must not be used from several threads at once.
#include <cstddef>
#include <cstdint>
#include <concepts>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace ccrnn::io {

/// The only exception type thrown by this wrapper.
class Hdf5Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// A numeric dataset read back as T, data in row-major (C) order.
template <class T>
struct NumericArray {
  std::vector<T> data;
  std::vector<std::size_t> dims;  // empty for a scalar dataset
  /// Number of elements (product of dims; 1 for a scalar).
  std::size_t size() const { return data.size(); }
  std::size_t rank() const { return dims.size(); }
};
using Array = NumericArray<double>;
using FloatArray = NumericArray<float>;
using IntArray = NumericArray<std::int64_t>;

/// What kind of values a dataset stores. h5py stores numpy bool arrays as an HDF5 enum
/// {FALSE = 0, TRUE = 1} over 8-bit integers: that is `boolean`; other enums are `other`.
enum class ValueKind { integer, floating_point, boolean, string, other };

/// A dataset's shape and stored type, without reading its values.
struct DatasetInfo {
  std::vector<std::size_t> dims;  // empty for a scalar dataset
  ValueKind kind = ValueKind::other;
  std::size_t element_bytes = 0;  // bytes per stored element: 4 for float32, 8 for float64 or int64
  std::string type_name;          // for messages: "integer", "floating-point", "boolean", "string", ...
  std::size_t rank() const { return dims.size(); }
};

namespace detail {
struct FileState;   // owns the file handle
struct GroupState;  // owns a group handle and shares the FileState
}  // namespace detail

class Group {
 public:
  /// Path of this group inside the file ("/" for the root, "/crnn/seed_1", ...).
  const std::string& path() const;
  /// Path of the file this group belongs to.
  const std::string& file_path() const;

  // ---- groups ----
  /// Creates a group; `name` may be a nested path "a/b" (missing intermediate groups are created).
  /// Throws if it already exists.
  Group create_group(const std::string& name);
  /// Opens an existing group; `name` may be a nested path "a/b".
  Group open_group(const std::string& name) const;
  /// Opens the group if it exists, otherwise creates it.
  Group require_group(const std::string& name);
  /// Whether a link (group or dataset) called `name` exists; `name` may be a nested path.
  bool has(const std::string& name) const;
  /// Whether `name` exists and is a group.
  bool is_group(const std::string& name) const;
  /// Whether `name` exists and is a dataset.
  bool is_dataset(const std::string& name) const;
  /// Names of the direct members (groups and datasets), sorted.
  std::vector<std::string> children() const;
  /// Copies `source` (a group of any open file) with everything below it and all attributes into this
  /// group under `name`. Throws if `name` exists.
  void copy_group_from(const Group& source, const std::string& name);

  // ---- datasets (name may be a nested path; missing intermediate groups are created) ----
  /// n-D dataset, `data` in row-major order, data.size() == product(dims). Empty dims = scalar.
  /// Throws if the dataset already exists.
  void write(const std::string& name, const std::vector<double>& data, const std::vector<std::size_t>& dims);
  void write(const std::string& name, const std::vector<float>& data, const std::vector<std::size_t>& dims);
  void write(const std::string& name, const std::vector<std::int64_t>& data,
             const std::vector<std::size_t>& dims);
  /// Unsigned bytes (stored as uint8), e.g. 0/1 masks: an eighth of int64's size.
  void write(const std::string& name, const std::vector<std::uint8_t>& data, const std::vector<std::size_t>& dims);
  /// 1-D conveniences.
  void write(const std::string& name, const std::vector<double>& data);
  void write(const std::string& name, const std::vector<float>& data);
  void write(const std::string& name, const std::vector<std::int64_t>& data);
  /// Scalar (rank-0) dataset; h5py reads shape ().
  void write(const std::string& name, double value);
  /// 1-D dataset of variable-length UTF-8 strings.
  void write(const std::string& name, const std::vector<std::string>& strings);

  /// Shape and stored type of a dataset (throws if `name` is missing or not a dataset).
  DatasetInfo dataset_info(const std::string& name) const;
  /// Reads any integer, floating-point or boolean dataset, converted to double.
  Array read(const std::string& name) const;
  /// As read(name), converted to float: half the memory for large arrays. Values beyond float's
  /// range become +-inf (HDF5's conversion), so callers that need finite values check them.
  FloatArray read_floats(const std::string& name) const;
  /// Reads an integer or boolean dataset as int64 (a floating-point dataset is a type error, so that
  /// no value is silently truncated). Unsigned values beyond int64's range saturate.
  IntArray read_ints(const std::string& name) const;
  /// As read(name), but throws unless the dataset has exactly `rank` dimensions
  /// ("expected 2 dimensions, found 1").
  Array read(const std::string& name, std::size_t rank) const;
  /// Reads a string dataset (variable- or fixed-length, any shape, flattened in row-major order).
  std::vector<std::string> read_strings(const std::string& name) const;

  // ---- attributes of this group (setting an existing attribute replaces it) ----
  void set_attr(const std::string& name, double value);
  void set_attr(const std::string& name, std::int64_t value);
  /// Any other integer type (int, unsigned, size_t, ...) is stored as int64.
  template <std::integral T>
    requires(!std::same_as<T, bool> && !std::same_as<T, std::int64_t>)
  void set_attr(const std::string& name, T value) {
    set_attr(name, static_cast<std::int64_t>(value));
  }
  void set_attr(const std::string& name, const std::string& value);
  void set_attr(const std::string& name, const char* value) { set_attr(name, std::string(value)); }
  void set_attr(const std::string& name, const std::vector<double>& value);

  bool has_attr(const std::string& name) const;
  /// Names of this group's attributes, sorted.
  std::vector<std::string> attr_names() const;
  /// A numeric scalar attribute (integer or float) as double.
  double attr_double(const std::string& name) const;
  /// An integer scalar attribute; a floating-point attribute is a type error.
  std::int64_t attr_int(const std::string& name) const;
  /// A string attribute (variable- or fixed-length).
  std::string attr_string(const std::string& name) const;
  /// A numeric attribute of any shape, flattened in row-major order, as double.
  std::vector<double> attr_doubles(const std::string& name) const;

 private:
  friend class File;
  explicit Group(std::shared_ptr<detail::GroupState> state);
  std::shared_ptr<detail::GroupState> state_;
};

class File {
 public:
  /// Creates (truncating any existing file) a file for writing. Callers protect existing results
  /// by writing to AtomicOutput::temp_path().
  static File create(const std::string& path);
  /// Opens an existing file read-only.
  static File open_read(const std::string& path);

  File(File&&) noexcept;
  File& operator=(File&&) noexcept;
  File(const File&) = delete;
  File& operator=(const File&) = delete;
  ~File();

  /// The root group "/".
  Group root() const;
  const std::string& path() const;
  /// Whether this object still refers to an open file (false after a move or close()).
  bool is_open() const;
  /// Flushes all buffered data to disk.
  void flush();
  /// Flushes and releases this File's handle; errors are reported (the destructor ignores them).
  /// The file is really closed once the Groups obtained from it are gone as well.
  void close();

 private:
  explicit File(std::shared_ptr<detail::FileState> state);
  std::shared_ptr<detail::FileState> state_;
};

}  // namespace ccrnn::io
