#include <ccrnn/io/hdf5_file.hpp>
#include <ccrnn/io/atomic_output.hpp>

#include <hdf5.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <limits>
#include <type_traits>
#include <utility>

namespace ccrnn::io {

// ---------------------------------------------------------------------------------------------
// Internals
// ---------------------------------------------------------------------------------------------
namespace {

/// Switches off HDF5's automatic error printing. The error stack is per thread in thread-safe
/// builds, so this is done once per thread, before any HDF5 call we make.
void silence_hdf5() {
  // A file that could not be written (a full disk, a file-size limit) stays half-closed in libhdf5 1.10,
  // and the library's exit handler then crashes closing it again: a segfault after our clear error. Every
  // file we open is closed by its owner, so that handler is not needed. This must precede the library's
  // initialisation; it does nothing when h5py (Python) initialised the library first.
  static const bool no_exit_handler = (H5dont_atexit(), true);
  (void)no_exit_handler;
  thread_local bool done = false;
  if (!done) {
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    done = true;
  }
}

/// Owns one HDF5 identifier and closes it with the matching H5?close.
class Hid {
 public:
  using Closer = herr_t (*)(hid_t);
  Hid() = default;
  Hid(hid_t id, Closer closer) : id_(id), closer_(closer) {}
  Hid(const Hid&) = delete;
  Hid& operator=(const Hid&) = delete;
  Hid(Hid&& o) noexcept : id_(std::exchange(o.id_, H5I_INVALID_HID)), closer_(o.closer_) {}
  Hid& operator=(Hid&& o) noexcept {
    if (this != &o) {
      reset();
      id_ = std::exchange(o.id_, H5I_INVALID_HID);
      closer_ = o.closer_;
    }
    return *this;
  }
  ~Hid() { reset(); }
  void reset() {
    if (id_ >= 0 && closer_ != nullptr) closer_(id_);
    id_ = H5I_INVALID_HID;
  }
  hid_t get() const { return id_; }
  bool valid() const { return id_ >= 0; }

 private:
  hid_t id_ = H5I_INVALID_HID;
  Closer closer_ = nullptr;
};

std::string quoted(const std::string& s) { return "'" + s + "'"; }

std::vector<std::string> split_path(const std::string& name);

/// Normalised path of `name` relative to the group at `base` ("/" + "a" -> "/a",
/// "/g" + "a//b/" -> "/g/a/b", anything + "/x" -> "/x").
std::string join_path(const std::string& base, const std::string& name) {
  std::string out = (!name.empty() && name.front() == '/') || base == "/" ? std::string() : base;
  for (const auto& part : split_path(name)) out += "/" + part;
  return out.empty() ? "/" : out;
}

std::vector<std::string> split_path(const std::string& name) {
  std::vector<std::string> parts;
  std::string cur;
  for (char c : name) {
    if (c == '/') {
      if (!cur.empty()) parts.push_back(std::move(cur));
      cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  if (!cur.empty()) parts.push_back(std::move(cur));
  return parts;
}

/// Link creation properties that create missing intermediate groups and store names as UTF-8.
Hid make_lcpl() {
  Hid lcpl(H5Pcreate(H5P_LINK_CREATE), H5Pclose);
  if (lcpl.valid()) {
    H5Pset_create_intermediate_group(lcpl.get(), 1);
    H5Pset_char_encoding(lcpl.get(), H5T_CSET_UTF8);
  }
  return lcpl;
}

/// Variable-length UTF-8 string type.
Hid make_vlen_string_type() {
  Hid t(H5Tcopy(H5T_C_S1), H5Tclose);
  if (t.valid()) {
    H5Tset_size(t.get(), H5T_VARIABLE);
    H5Tset_cset(t.get(), H5T_CSET_UTF8);
  }
  return t;
}

herr_t reclaim_vlen(hid_t type, hid_t space, void* buf) {
#if H5_VERSION_GE(1, 12, 0)
  return H5Treclaim(type, space, H5P_DEFAULT, buf);
#else
  return H5Dvlen_reclaim(type, space, H5P_DEFAULT, buf);
#endif
}

std::size_t product(const std::vector<std::size_t>& dims) {
  std::size_t n = 1;
  for (std::size_t d : dims) n *= d;
  return n;
}

std::string dims_string(const std::vector<std::size_t>& dims) {
  std::string s = "(";
  for (std::size_t i = 0; i < dims.size(); ++i) {
    if (i) s += ", ";
    s += std::to_string(dims[i]);
  }
  return s + ")";
}

std::string type_class_name(H5T_class_t c) {
  switch (c) {
    case H5T_INTEGER: return "integer";
    case H5T_FLOAT: return "floating-point";
    case H5T_STRING: return "string";
    case H5T_COMPOUND: return "compound";
    case H5T_ENUM: return "enum";
    case H5T_ARRAY: return "array";
    case H5T_VLEN: return "variable-length sequence";
    case H5T_OPAQUE: return "opaque";
    case H5T_BITFIELD: return "bitfield";
    case H5T_REFERENCE: return "reference";
    default: return "unknown";
  }
}

/// Whether an enum type is h5py's boolean: {FALSE = 0, TRUE = 1} over an integer type.
bool is_h5py_bool(hid_t type) {
  if (H5Tget_class(type) != H5T_ENUM || H5Tget_nmembers(type) != 2) return false;
  Hid base(H5Tget_super(type), H5Tclose);
  if (!base.valid() || H5Tget_class(base.get()) != H5T_INTEGER || H5Tget_size(base.get()) > sizeof(std::int64_t))
    return false;
  for (const auto& [member, value] : {std::pair<const char*, std::int64_t>{"FALSE", 0}, {"TRUE", 1}}) {
    std::int64_t stored = 0;  // receives the value in the base type, then converted in place
    if (H5Tenum_valueof(type, member, &stored) < 0 ||
        H5Tconvert(base.get(), H5T_NATIVE_INT64, 1, &stored, nullptr, H5P_DEFAULT) < 0 || stored != value)
      return false;
  }
  return true;
}

ValueKind value_kind(hid_t type) {
  switch (H5Tget_class(type)) {
    case H5T_INTEGER: return ValueKind::integer;
    case H5T_FLOAT: return ValueKind::floating_point;
    case H5T_STRING: return ValueKind::string;
    default: return is_h5py_bool(type) ? ValueKind::boolean : ValueKind::other;
  }
}

std::string type_name(hid_t type) { return is_h5py_bool(type) ? "boolean" : type_class_name(H5Tget_class(type)); }

}  // namespace

namespace detail {

struct FileState {
  std::string path;
  hid_t id = H5I_INVALID_HID;
  bool writable = false;

  FileState(std::string p, hid_t i, bool w) : path(std::move(p)), id(i), writable(w) {}
  FileState(const FileState&) = delete;
  FileState& operator=(const FileState&) = delete;
  ~FileState() {
    if (id >= 0) H5Fclose(id);
  }
  /// A file being written for an AtomicOutput is reported under its final name (a full disk, say: the
  /// user asked for that file, and learns that it was not written and that its earlier content is kept).
  [[noreturn]] void fail(const std::string& what) const {
    if (writable)
      if (const std::string target = atomic_target_of(path); !target.empty())
        throw Hdf5Error(not_written_message(target, "its temporary file " + path + ": " + what));
    throw Hdf5Error(path + ": " + what);
  }
};

struct GroupState {
  std::shared_ptr<FileState> file;
  hid_t id = H5I_INVALID_HID;
  std::string path;

  GroupState(std::shared_ptr<FileState> f, hid_t i, std::string p)
      : file(std::move(f)), id(i), path(std::move(p)) {}
  GroupState(const GroupState&) = delete;
  GroupState& operator=(const GroupState&) = delete;
  ~GroupState() {
    if (id >= 0) H5Gclose(id);  // before `file` is released (members are destroyed after the body)
  }
};

}  // namespace detail

namespace {

using detail::FileState;
using detail::GroupState;

enum class ObjKind { Missing, Group, Dataset, Other };

/// What `name` (possibly nested) refers to below `loc`, without provoking HDF5 errors for
/// missing intermediate components.
ObjKind object_kind(hid_t loc, const std::string& name) {
  const auto parts = split_path(name);
  if (parts.empty()) return ObjKind::Group;  // "" or "/" is the group itself / the root
  std::string prefix = (!name.empty() && name.front() == '/') ? "/" : "";
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (!prefix.empty() && prefix != "/") prefix += "/";
    prefix += parts[i];
    const htri_t exists = H5Lexists(loc, prefix.c_str(), H5P_DEFAULT);
    if (exists <= 0) return ObjKind::Missing;
    // H5Oexists_by_name also rejects dangling soft links.
    if (H5Oexists_by_name(loc, prefix.c_str(), H5P_DEFAULT) <= 0) return ObjKind::Missing;
    Hid obj(H5Oopen(loc, prefix.c_str(), H5P_DEFAULT), H5Oclose);
    if (!obj.valid()) return ObjKind::Missing;
    const H5I_type_t t = H5Iget_type(obj.get());
    const bool last = i + 1 == parts.size();
    if (!last) {
      if (t != H5I_GROUP) return ObjKind::Missing;
      continue;
    }
    if (t == H5I_GROUP) return ObjKind::Group;
    if (t == H5I_DATASET) return ObjKind::Dataset;
    return ObjKind::Other;
  }
  return ObjKind::Missing;
}

const GroupState& checked(const std::shared_ptr<GroupState>& s) {
  if (!s) throw Hdf5Error("ccrnn::io::Group: use of an empty group object");
  return *s;
}

void require_writable(const GroupState& g, const std::string& what) {
  if (!g.file->writable) g.file->fail("cannot write " + what + ": file is opened read-only");
}

void check_name(const GroupState& g, const std::string& name, const char* kind) {
  if (split_path(name).empty()) g.file->fail(std::string("empty ") + kind + " name in group " + quoted(g.path));
}

/// Opens dataset `name` below group `g`, with a clear message when it is missing.
Hid open_dataset(const GroupState& g, const std::string& name) {
  const std::string full = join_path(g.path, name);
  switch (object_kind(g.id, name)) {
    case ObjKind::Missing: g.file->fail("dataset " + quoted(full) + " not found");
    case ObjKind::Group: g.file->fail(quoted(full) + " is a group, not a dataset");
    case ObjKind::Other: g.file->fail(quoted(full) + " is not a dataset");
    case ObjKind::Dataset: break;
  }
  Hid d(H5Dopen2(g.id, name.c_str(), H5P_DEFAULT), H5Dclose);
  if (!d.valid()) g.file->fail("cannot open dataset " + quoted(full));
  return d;
}

/// Dimensions of a dataspace (empty for scalar); `what` names the object for errors.
std::vector<std::size_t> space_dims(const FileState& f, hid_t space, const std::string& what) {
  const H5S_class_t cls = H5Sget_simple_extent_type(space);
  if (cls == H5S_SCALAR) return {};
  if (cls == H5S_NULL) return {0};
  if (cls != H5S_SIMPLE) f.fail("cannot read the shape of " + what);
  const int rank = H5Sget_simple_extent_ndims(space);
  if (rank < 0) f.fail("cannot read the shape of " + what);
  std::vector<hsize_t> d(static_cast<std::size_t>(rank));
  if (rank > 0 && H5Sget_simple_extent_dims(space, d.data(), nullptr) < 0)
    f.fail("cannot read the shape of " + what);
  return std::vector<std::size_t>(d.begin(), d.end());
}

/// A dataset opened with what every reader needs: its stored type and its shape.
struct OpenedDataset {
  Hid ds;
  Hid type;
  Hid space;
  std::vector<std::size_t> dims;  // empty for a scalar
  std::size_t n = 0;              // elements (0 for a null dataspace)
  std::string what;               // "dataset '/g/x'"
};

/// A hostile or corrupt file can declare a shape far beyond what it stores (a chunked dataset that was
/// never written takes a few bytes on disk whatever its shape), or one whose element count overflows.
/// Both are refused here, before a reader allocates for them. The bound is generous: deflate, the
/// strongest filter in use, compresses at most about 1032:1, so real data stores more than 1/2048 of its
/// raw bytes.
void check_declared_size(const FileState& f, const OpenedDataset& d) {
  const std::string declared = d.what + " declares shape " + dims_string(d.dims);
  std::size_t n = 1;
  for (std::size_t dim : d.dims) {
    if (dim != 0 && n > std::numeric_limits<std::size_t>::max() / dim)
      f.fail(declared + ": more values than can be counted (a corrupt file?)");
    n *= dim;
  }
  const double raw = static_cast<double>(n) * static_cast<double>(H5Tget_size(d.type.get()));
  const double stored = static_cast<double>(H5Dget_storage_size(d.ds.get()));
  if (raw > 1e6 && stored * 2048 < raw)
    f.fail(declared + " (" + std::to_string(n) + " values) but stores only " +
           std::to_string(static_cast<unsigned long long>(stored)) + " bytes (a corrupt file, or data never written)");
}

OpenedDataset open_typed_dataset(const GroupState& g, const std::string& name) {
  OpenedDataset d;
  d.what = "dataset " + quoted(join_path(g.path, name));
  d.ds = open_dataset(g, name);
  d.type = Hid(H5Dget_type(d.ds.get()), H5Tclose);
  d.space = Hid(H5Dget_space(d.ds.get()), H5Sclose);
  if (!d.type.valid() || !d.space.valid()) g.file->fail("cannot inspect " + d.what);
  d.dims = space_dims(*g.file, d.space.get(), d.what);
  check_declared_size(*g.file, d);
  d.n = H5Sget_simple_extent_type(d.space.get()) == H5S_NULL ? 0 : product(d.dims);
  return d;
}

/// A dataspace for `dims` (scalar when empty).
Hid make_space(const std::vector<std::size_t>& dims) {
  if (dims.empty()) return Hid(H5Screate(H5S_SCALAR), H5Sclose);
  std::vector<hsize_t> d(dims.begin(), dims.end());
  return Hid(H5Screate_simple(static_cast<int>(d.size()), d.data(), nullptr), H5Sclose);
}

template <class T>
hid_t native_type() {
  if constexpr (std::is_same_v<T, double>) return H5T_NATIVE_DOUBLE;
  else if constexpr (std::is_same_v<T, float>) return H5T_NATIVE_FLOAT;
  else if constexpr (std::is_same_v<T, std::int64_t>) return H5T_NATIVE_INT64;
  else if constexpr (std::is_same_v<T, std::uint8_t>) return H5T_NATIVE_UINT8;
  else static_assert(sizeof(T) == 0, "unsupported element type");
}

/// File type for T: little-endian IEEE / two's complement, independent of the writing machine.
template <class T>
hid_t file_type() {
  if constexpr (std::is_same_v<T, double>) return H5T_IEEE_F64LE;
  else if constexpr (std::is_same_v<T, float>) return H5T_IEEE_F32LE;
  else if constexpr (std::is_same_v<T, std::int64_t>) return H5T_STD_I64LE;
  else if constexpr (std::is_same_v<T, std::uint8_t>) return H5T_STD_U8LE;
  else static_assert(sizeof(T) == 0, "unsupported element type");
}

template <class T>
void write_numeric(const GroupState& g, const std::string& name, const T* data, std::size_t n,
                   const std::vector<std::size_t>& dims) {
  const std::string full = join_path(g.path, name);
  const std::string what = "dataset " + quoted(full);
  check_name(g, name, "dataset");
  require_writable(g, what);
  if (product(dims) != n)
    g.file->fail("cannot write " + what + ": " + std::to_string(n) + " values do not fit shape " +
                 dims_string(dims));
  if (object_kind(g.id, name) != ObjKind::Missing) g.file->fail("cannot write " + what + ": it already exists");
  Hid space = make_space(dims);
  if (!space.valid()) g.file->fail("cannot write " + what + ": invalid shape " + dims_string(dims));
  Hid lcpl = make_lcpl();
  Hid ds(H5Dcreate2(g.id, name.c_str(), file_type<T>(), space.get(), lcpl.get(), H5P_DEFAULT, H5P_DEFAULT),
         H5Dclose);
  if (!ds.valid()) g.file->fail("cannot create " + what);
  if (n > 0 && H5Dwrite(ds.get(), native_type<T>(), H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0)
    g.file->fail("cannot write data of " + what);
}

/// Reads dataset `name` converted to T. Integer and boolean datasets are always accepted, floating-point
/// ones only with `allow_float` (the integer readers refuse them rather than truncate values).
template <class T>
NumericArray<T> read_numeric(const GroupState& g, const std::string& name, bool allow_float) {
  const OpenedDataset d = open_typed_dataset(g, name);
  const ValueKind kind = value_kind(d.type.get());
  if (kind != ValueKind::integer && kind != ValueKind::boolean && !(allow_float && kind == ValueKind::floating_point))
    g.file->fail(d.what + " has type " + type_name(d.type.get()) + ", expected " + (allow_float ? "a number" : "integers"));
  NumericArray<T> out;
  out.dims = d.dims;
  out.data.resize(d.n);
  if (!out.data.empty() && H5Dread(d.ds.get(), native_type<T>(), H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data.data()) < 0)
    g.file->fail("cannot read " + d.what);
  return out;
}

/// Reads every element of a string-typed dataset or attribute. `read_fn(memtype, buf)` performs
/// the H5Dread / H5Aread.
template <class ReadFn>
std::vector<std::string> read_string_elements(const FileState& f, hid_t stored_type, hid_t space,
                                              std::size_t n, const std::string& what, ReadFn read_fn) {
  std::vector<std::string> out;
  out.reserve(n);
  if (n == 0) return out;
  const htri_t is_var = H5Tis_variable_str(stored_type);
  if (is_var < 0) f.fail("cannot inspect the string type of " + what);
  const H5T_cset_t cset = H5Tget_cset(stored_type);
  if (is_var > 0) {
    Hid mem = make_vlen_string_type();
    if (cset == H5T_CSET_ASCII) H5Tset_cset(mem.get(), H5T_CSET_ASCII);
    std::vector<char*> buf(n, nullptr);
    if (read_fn(mem.get(), static_cast<void*>(buf.data())) < 0) f.fail("cannot read " + what);
    for (char* s : buf) out.emplace_back(s ? s : "");
    reclaim_vlen(mem.get(), space, buf.data());
  } else {
    const std::size_t len = H5Tget_size(stored_type);
    if (len == 0) f.fail("cannot inspect the string type of " + what);
    Hid mem(H5Tcopy(H5T_C_S1), H5Tclose);
    H5Tset_size(mem.get(), len);
    H5Tset_cset(mem.get(), cset == H5T_CSET_UTF8 ? H5T_CSET_UTF8 : H5T_CSET_ASCII);
    H5Tset_strpad(mem.get(), H5T_STR_NULLPAD);
    std::vector<char> buf(n * len, '\0');
    if (read_fn(mem.get(), static_cast<void*>(buf.data())) < 0) f.fail("cannot read " + what);
    for (std::size_t i = 0; i < n; ++i) {
      const char* p = buf.data() + i * len;
      std::size_t l = 0;
      while (l < len && p[l] != '\0') ++l;
      std::string s(p, l);
      // Space-padded (Fortran style) strings: drop the padding.
      if (H5Tget_strpad(stored_type) == H5T_STR_SPACEPAD) {
        while (!s.empty() && s.back() == ' ') s.pop_back();
      }
      out.push_back(std::move(s));
    }
  }
  return out;
}

// ---- attributes ----

struct OpenedAttr {
  Hid attr;
  Hid type;
  Hid space;
  H5T_class_t cls = H5T_NO_CLASS;
  std::vector<std::size_t> dims;
  std::size_t n = 0;
  std::string what;  // "attribute 'x' on '/g'"
};

std::string attr_what(const GroupState& g, const std::string& name) {
  return "attribute " + quoted(name) + " on " + quoted(g.path);
}

OpenedAttr open_attr(const GroupState& g, const std::string& name) {
  OpenedAttr a;
  a.what = attr_what(g, name);
  const htri_t exists = H5Aexists(g.id, name.c_str());
  if (exists < 0) g.file->fail("cannot look up " + a.what);
  if (exists == 0) g.file->fail(a.what + " not found");
  a.attr = Hid(H5Aopen(g.id, name.c_str(), H5P_DEFAULT), H5Aclose);
  if (!a.attr.valid()) g.file->fail("cannot open " + a.what);
  a.type = Hid(H5Aget_type(a.attr.get()), H5Tclose);
  a.space = Hid(H5Aget_space(a.attr.get()), H5Sclose);
  if (!a.type.valid() || !a.space.valid()) g.file->fail("cannot inspect " + a.what);
  a.cls = H5Tget_class(a.type.get());
  a.dims = space_dims(*g.file, a.space.get(), a.what);
  a.n = H5Sget_simple_extent_type(a.space.get()) == H5S_NULL ? 0 : product(a.dims);
  return a;
}

[[noreturn]] void attr_type_error(const GroupState& g, const OpenedAttr& a, const char* expected) {
  g.file->fail(a.what + " has type " + type_class_name(a.cls) + ", expected " + expected);
}

void require_scalar(const GroupState& g, const OpenedAttr& a) {
  if (a.n != 1)
    g.file->fail(a.what + " has shape " + dims_string(a.dims) + ", expected a single value");
}

/// Deletes attribute `name` if present, then creates it with the given type and space.
Hid create_attr(const GroupState& g, const std::string& name, hid_t type, hid_t space) {
  const std::string what = attr_what(g, name);
  if (name.empty()) g.file->fail("empty attribute name on " + quoted(g.path));
  require_writable(g, what);
  const htri_t exists = H5Aexists(g.id, name.c_str());
  if (exists < 0) g.file->fail("cannot look up " + what);
  if (exists > 0 && H5Adelete(g.id, name.c_str()) < 0) g.file->fail("cannot replace " + what);
  Hid acpl(H5Pcreate(H5P_ATTRIBUTE_CREATE), H5Pclose);
  if (acpl.valid()) H5Pset_char_encoding(acpl.get(), H5T_CSET_UTF8);
  Hid attr(H5Acreate2(g.id, name.c_str(), type, space, acpl.get(), H5P_DEFAULT), H5Aclose);
  if (!attr.valid()) g.file->fail("cannot create " + what);
  return attr;
}

template <class T>
void write_numeric_attr(const GroupState& g, const std::string& name, const T* data,
                        const std::vector<std::size_t>& dims) {
  Hid space = make_space(dims);
  if (!space.valid()) g.file->fail("cannot create the dataspace of " + attr_what(g, name));
  Hid attr = create_attr(g, name, file_type<T>(), space.get());
  if (product(dims) > 0 && H5Awrite(attr.get(), native_type<T>(), data) < 0)
    g.file->fail("cannot write " + attr_what(g, name));
}

herr_t collect_name(hid_t, const char* name, const H5L_info_t*, void* out) {
  static_cast<std::vector<std::string>*>(out)->emplace_back(name);
  return 0;
}

herr_t collect_attr_name(hid_t, const char* name, const H5A_info_t*, void* out) {
  static_cast<std::vector<std::string>*>(out)->emplace_back(name);
  return 0;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// File
// ---------------------------------------------------------------------------------------------

File::File(std::shared_ptr<detail::FileState> state) : state_(std::move(state)) {}
File::File(File&&) noexcept = default;
File& File::operator=(File&&) noexcept = default;
File::~File() = default;

File File::create(const std::string& path) {
  silence_hdf5();
  // The default file-close degree for the sec2 driver is "weak": H5Fclose defers the real close
  // until every object of the file is closed, which is what our shared ownership relies on.
  const hid_t id = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  if (id < 0) {
    const std::filesystem::path p(path);
    std::error_code ec;
    if (std::filesystem::is_directory(p, ec)) throw Hdf5Error(path + ": cannot create HDF5 file: it is a directory");
    if (p.has_parent_path() && !std::filesystem::is_directory(p.parent_path(), ec))
      throw Hdf5Error(path + ": cannot create HDF5 file: directory " + quoted(p.parent_path().string()) +
                      " does not exist");
    if (const std::string target = atomic_target_of(path); !target.empty())
      throw Hdf5Error(not_written_message(target, "its temporary file " + path + ": cannot create it: permission denied or file in use?"));
    throw Hdf5Error(path + ": cannot create HDF5 file (permission denied or file in use?)");
  }
  return File(std::make_shared<detail::FileState>(path, id, true));
}

File File::open_read(const std::string& path) {
  silence_hdf5();
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) throw Hdf5Error(path + ": file not found");
  if (std::filesystem::is_directory(path, ec)) throw Hdf5Error(path + ": is a directory, not an HDF5 file");
  const hid_t id = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (id < 0) throw Hdf5Error(path + ": not an HDF5 file or unreadable");
  return File(std::make_shared<detail::FileState>(path, id, false));
}

Group File::root() const {
  if (!state_) throw Hdf5Error("ccrnn::io::File: root() called on a closed or moved-from file");
  silence_hdf5();
  const hid_t g = H5Gopen2(state_->id, "/", H5P_DEFAULT);
  if (g < 0) state_->fail("cannot open the root group");
  return Group(std::make_shared<detail::GroupState>(state_, g, "/"));
}

const std::string& File::path() const {
  static const std::string empty;
  return state_ ? state_->path : empty;
}

bool File::is_open() const { return state_ != nullptr; }

void File::flush() {
  if (!state_) throw Hdf5Error("ccrnn::io::File: flush() called on a closed or moved-from file");
  silence_hdf5();
  if (state_->writable && H5Fflush(state_->id, H5F_SCOPE_GLOBAL) < 0) state_->fail("cannot flush file");
}

void File::close() {
  if (!state_) return;
  silence_hdf5();
  auto state = std::move(state_);
  if (state->writable && H5Fflush(state->id, H5F_SCOPE_GLOBAL) < 0) state->fail("cannot flush file");
  if (state.use_count() == 1) {
    const hid_t id = std::exchange(state->id, H5I_INVALID_HID);
    if (H5Fclose(id) < 0) state->fail("cannot close file");
  }
}

// ---------------------------------------------------------------------------------------------
// Group
// ---------------------------------------------------------------------------------------------

Group::Group(std::shared_ptr<detail::GroupState> state) : state_(std::move(state)) {}

const std::string& Group::path() const { return checked(state_).path; }
const std::string& Group::file_path() const { return checked(state_).file->path; }

Group Group::create_group(const std::string& name) {
  const GroupState& g = checked(state_);
  silence_hdf5();
  const std::string full = join_path(g.path, name);
  check_name(g, name, "group");
  require_writable(g, "group " + quoted(full));
  if (object_kind(g.id, name) != ObjKind::Missing) g.file->fail("cannot create group " + quoted(full) + ": it already exists");
  Hid lcpl = make_lcpl();
  const hid_t id = H5Gcreate2(g.id, name.c_str(), lcpl.get(), H5P_DEFAULT, H5P_DEFAULT);
  if (id < 0) g.file->fail("cannot create group " + quoted(full));
  return Group(std::make_shared<GroupState>(g.file, id, full));
}

Group Group::open_group(const std::string& name) const {
  const GroupState& g = checked(state_);
  silence_hdf5();
  const std::string full = join_path(g.path, name);
  switch (object_kind(g.id, name)) {
    case ObjKind::Missing: g.file->fail("group " + quoted(full) + " not found");
    case ObjKind::Dataset: g.file->fail(quoted(full) + " is a dataset, not a group");
    case ObjKind::Other: g.file->fail(quoted(full) + " is not a group");
    case ObjKind::Group: break;
  }
  const hid_t id = H5Gopen2(g.id, name.empty() ? "." : name.c_str(), H5P_DEFAULT);
  if (id < 0) g.file->fail("cannot open group " + quoted(full));
  return Group(std::make_shared<GroupState>(g.file, id, full));
}

void Group::copy_group_from(const Group& source, const std::string& name) {
  const GroupState& g = checked(state_);
  const GroupState& from = checked(source.state_);
  silence_hdf5();
  const std::string full = join_path(g.path, name);
  check_name(g, name, "group");
  require_writable(g, "group " + quoted(full));
  if (object_kind(g.id, name) != ObjKind::Missing) g.file->fail("cannot copy into " + quoted(full) + ": it already exists");
  Hid lcpl = make_lcpl();
  if (H5Ocopy(from.id, ".", g.id, name.c_str(), H5P_DEFAULT, lcpl.get()) < 0)
    g.file->fail("cannot copy group " + quoted(from.path) + " of " + from.file->path + " to " + quoted(full));
}

Group Group::require_group(const std::string& name) {
  return is_group(name) ? open_group(name) : create_group(name);
}

bool Group::has(const std::string& name) const {
  const GroupState& g = checked(state_);
  silence_hdf5();
  return object_kind(g.id, name) != ObjKind::Missing;
}

bool Group::is_group(const std::string& name) const {
  const GroupState& g = checked(state_);
  silence_hdf5();
  return object_kind(g.id, name) == ObjKind::Group;
}

bool Group::is_dataset(const std::string& name) const {
  const GroupState& g = checked(state_);
  silence_hdf5();
  return object_kind(g.id, name) == ObjKind::Dataset;
}

std::vector<std::string> Group::children() const {
  const GroupState& g = checked(state_);
  silence_hdf5();
  std::vector<std::string> names;
  hsize_t idx = 0;
  if (H5Literate(g.id, H5_INDEX_NAME, H5_ITER_INC, &idx, collect_name, &names) < 0)
    g.file->fail("cannot list the members of group " + quoted(g.path));
  std::sort(names.begin(), names.end());
  return names;
}

// ---- datasets ----

void Group::write(const std::string& name, const std::vector<double>& data, const std::vector<std::size_t>& dims) {
  silence_hdf5();
  write_numeric(checked(state_), name, data.data(), data.size(), dims);
}
void Group::write(const std::string& name, const std::vector<float>& data, const std::vector<std::size_t>& dims) {
  silence_hdf5();
  write_numeric(checked(state_), name, data.data(), data.size(), dims);
}
void Group::write(const std::string& name, const std::vector<std::int64_t>& data,
                  const std::vector<std::size_t>& dims) {
  silence_hdf5();
  write_numeric(checked(state_), name, data.data(), data.size(), dims);
}
void Group::write(const std::string& name, const std::vector<std::uint8_t>& data,
                  const std::vector<std::size_t>& dims) {
  silence_hdf5();
  write_numeric(checked(state_), name, data.data(), data.size(), dims);
}
void Group::write(const std::string& name, const std::vector<double>& data) { write(name, data, {data.size()}); }
void Group::write(const std::string& name, const std::vector<float>& data) { write(name, data, {data.size()}); }
void Group::write(const std::string& name, const std::vector<std::int64_t>& data) {
  write(name, data, {data.size()});
}
void Group::write(const std::string& name, double value) {
  silence_hdf5();
  write_numeric(checked(state_), name, &value, 1, {});
}

void Group::write(const std::string& name, const std::vector<std::string>& strings) {
  const GroupState& g = checked(state_);
  silence_hdf5();
  const std::string full = join_path(g.path, name);
  const std::string what = "dataset " + quoted(full);
  check_name(g, name, "dataset");
  require_writable(g, what);
  if (object_kind(g.id, name) != ObjKind::Missing) g.file->fail("cannot write " + what + ": it already exists");
  Hid type = make_vlen_string_type();
  Hid space = make_space({strings.size()});
  Hid lcpl = make_lcpl();
  if (!type.valid() || !space.valid()) g.file->fail("cannot write " + what);
  Hid ds(H5Dcreate2(g.id, name.c_str(), type.get(), space.get(), lcpl.get(), H5P_DEFAULT, H5P_DEFAULT),
         H5Dclose);
  if (!ds.valid()) g.file->fail("cannot create " + what);
  std::vector<const char*> ptrs;
  ptrs.reserve(strings.size());
  for (const auto& s : strings) ptrs.push_back(s.c_str());
  if (!ptrs.empty() && H5Dwrite(ds.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, ptrs.data()) < 0)
    g.file->fail("cannot write data of " + what);
}

DatasetInfo Group::dataset_info(const std::string& name) const {
  const GroupState& g = checked(state_);
  silence_hdf5();
  const OpenedDataset d = open_typed_dataset(g, name);
  DatasetInfo info;
  info.dims = d.dims;
  info.kind = value_kind(d.type.get());
  info.element_bytes = H5Tget_size(d.type.get());
  info.type_name = type_name(d.type.get());
  return info;
}

Array Group::read(const std::string& name) const {
  silence_hdf5();
  return read_numeric<double>(checked(state_), name, true);
}

FloatArray Group::read_floats(const std::string& name) const {
  silence_hdf5();
  return read_numeric<float>(checked(state_), name, true);
}

IntArray Group::read_ints(const std::string& name) const {
  silence_hdf5();
  return read_numeric<std::int64_t>(checked(state_), name, false);
}

Array Group::read(const std::string& name, std::size_t rank) const {
  Array a = read(name);
  if (a.dims.size() != rank) {
    const GroupState& g = checked(state_);
    g.file->fail("dataset " + quoted(join_path(g.path, name)) + ": expected " + std::to_string(rank) +
                 (rank == 1 ? " dimension" : " dimensions") + ", found " + std::to_string(a.dims.size()) +
                 " (shape " + dims_string(a.dims) + ")");
  }
  return a;
}

std::vector<std::string> Group::read_strings(const std::string& name) const {
  const GroupState& g = checked(state_);
  silence_hdf5();
  const OpenedDataset d = open_typed_dataset(g, name);
  const H5T_class_t cls = H5Tget_class(d.type.get());
  if (cls != H5T_STRING) g.file->fail(d.what + " has type " + type_class_name(cls) + ", expected strings");
  return read_string_elements(*g.file, d.type.get(), d.space.get(), d.n, d.what, [&](hid_t mem, void* buf) {
    return H5Dread(d.ds.get(), mem, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf);
  });
}

// ---- attributes ----

void Group::set_attr(const std::string& name, double value) {
  silence_hdf5();
  write_numeric_attr(checked(state_), name, &value, {});
}

void Group::set_attr(const std::string& name, std::int64_t value) {
  silence_hdf5();
  write_numeric_attr(checked(state_), name, &value, {});
}

void Group::set_attr(const std::string& name, const std::vector<double>& value) {
  silence_hdf5();
  write_numeric_attr(checked(state_), name, value.data(), {value.size()});
}

void Group::set_attr(const std::string& name, const std::string& value) {
  const GroupState& g = checked(state_);
  silence_hdf5();
  Hid type = make_vlen_string_type();
  Hid space = make_space({});
  if (!type.valid() || !space.valid()) g.file->fail("cannot create " + attr_what(g, name));
  Hid attr = create_attr(g, name, type.get(), space.get());
  const char* p = value.c_str();
  if (H5Awrite(attr.get(), type.get(), &p) < 0) g.file->fail("cannot write " + attr_what(g, name));
}

bool Group::has_attr(const std::string& name) const {
  const GroupState& g = checked(state_);
  silence_hdf5();
  const htri_t exists = H5Aexists(g.id, name.c_str());
  if (exists < 0) g.file->fail("cannot look up " + attr_what(g, name));
  return exists > 0;
}

std::vector<std::string> Group::attr_names() const {
  const GroupState& g = checked(state_);
  silence_hdf5();
  std::vector<std::string> names;
  hsize_t idx = 0;
  if (H5Aiterate2(g.id, H5_INDEX_NAME, H5_ITER_INC, &idx, collect_attr_name, &names) < 0)
    g.file->fail("cannot list the attributes of " + quoted(g.path));
  std::sort(names.begin(), names.end());
  return names;
}

double Group::attr_double(const std::string& name) const {
  const GroupState& g = checked(state_);
  silence_hdf5();
  OpenedAttr a = open_attr(g, name);
  if (a.cls != H5T_INTEGER && a.cls != H5T_FLOAT) attr_type_error(g, a, "a number");
  require_scalar(g, a);
  double v = 0;
  if (H5Aread(a.attr.get(), H5T_NATIVE_DOUBLE, &v) < 0) g.file->fail("cannot read " + a.what);
  return v;
}

std::int64_t Group::attr_int(const std::string& name) const {
  const GroupState& g = checked(state_);
  silence_hdf5();
  OpenedAttr a = open_attr(g, name);
  if (a.cls != H5T_INTEGER) attr_type_error(g, a, "integer");
  require_scalar(g, a);
  std::int64_t v = 0;
  if (H5Aread(a.attr.get(), H5T_NATIVE_INT64, &v) < 0) g.file->fail("cannot read " + a.what);
  return v;
}

std::string Group::attr_string(const std::string& name) const {
  const GroupState& g = checked(state_);
  silence_hdf5();
  OpenedAttr a = open_attr(g, name);
  if (a.cls != H5T_STRING) attr_type_error(g, a, "string");
  require_scalar(g, a);
  hid_t attr = a.attr.get();
  auto strings = read_string_elements(*g.file, a.type.get(), a.space.get(), 1, a.what,
                                      [attr](hid_t mem, void* buf) { return H5Aread(attr, mem, buf); });
  return strings.front();
}

std::vector<double> Group::attr_doubles(const std::string& name) const {
  const GroupState& g = checked(state_);
  silence_hdf5();
  OpenedAttr a = open_attr(g, name);
  if (a.cls != H5T_INTEGER && a.cls != H5T_FLOAT) attr_type_error(g, a, "numbers");
  std::vector<double> v(a.n);
  if (!v.empty() && H5Aread(a.attr.get(), H5T_NATIVE_DOUBLE, v.data()) < 0) g.file->fail("cannot read " + a.what);
  return v;
}

}  // namespace ccrnn::io
