#include "conformance/cli/builtin_expectations.h"

#include <cstdio>

namespace bufconf::cli {
namespace {

// CPython 3.8-3.13 (Debian 12's 3.11.2 with numpy 1.24.2, and pyenv's builds under
// bufconf run --python), keyed by the interpreter's version: one section per exporter
// family. Each line is a deviation recorded in docs/findings.md with its counterexample; its
// scope (@GLOB over the failure's place, conformance/suite/expectations.h) names the exporters
// that show it, so the same rule failing anywhere else still fails the run. Places: an
// enumerated exporter's description ("ctypes Union {...}", "numpy datetime64[D] ..."), or
// "generated " followed by what make_exporter made ("generated numpy.ndarray <i4 (C order)",
// "generated memoryview(numpy.ndarray ...)", "generated _testbuffer.ndarray ...",
// "generated memoryview(bytes).cast(...)"). A scope that matches no failure of a run fails it
// (xpass), so every scope below is one the run reaches every time.

// The interpreter itself (party "interpreter"): PyObject_GetBuffer before 3.13 passes PyBUF_READ /
// PyBUF_WRITE on to bf_getbuffer. The runner files it once, at "interpreter <adapter> <version>".
constexpr const char kCPythonBefore313[] = R"exp(
# -- CPython < 3.13: the interpreter --
REQ-READ-WRITE-FLAGS  @interpreter*  ~"*PyObject_GetBuffer passed PyBUF_*"  PyObject_GetBuffer passes PyBUF_READ / PyBUF_WRITE on to bf_getbuffer before 3.13 (gh-114685)
)exp";

// Its PyBuffer_FillInfo, judged by the plain python adapter only: with a factory the adapter
// does not offer it (an expectation for a skipped rule would only warn on every factory run).
constexpr const char kFillInfoBefore313[] =
    R"exp(ALGO-FILL-INFO        @generated*  ~"*filled the view; PyBuffer_FillInfo raises SystemError"  PyBuffer_FillInfo fills a view for flags PyBUF_READ / PyBUF_WRITE before 3.13 (gh-114685)
)exp";

// "CPython 3.11.2 ..." -> 311 (3 * 100 + 11); 311, Debian's, when the version does not say.
int CPythonVersion(const std::string& version) {
  int major = 0, minor = 0;
  if (std::sscanf(version.c_str(), "CPython %d.%d", &major, &minor) != 2) return 311;
  return major * 100 + minor;
}

// _testbuffer: CPython's own test exporter.
constexpr const char kTestbuffer[] = R"exp(
# -- _testbuffer --
REQ-GRANT             @_testbuffer*ND_GETBUF_FAIL*  ~"*ND_GETBUF_FAIL: forced test exception"  by design: ND_GETBUF_FAIL refuses every request (with BufferError, as it must)
)exp";

// ctypes before 3.12: struct formats without their padding. Measured with bufconf run --python
// on 3.8.18, 3.9.18, 3.10.13, 3.11.7 and Debian's 3.11.2; 3.12.1 and 3.13.0 write the padding,
// and there a Structure whose format disagrees with its size again fails the run.
constexpr const char kCtypesBefore312[] = R"exp(
# -- ctypes < 3.12: struct formats --
FORMAT-SIZE           @ctypes*Structure*         ~"*no dialect gives the format that size*"  ctypes before 3.12 writes struct formats without padding and '_pack_' structs as 'B' (bpo-32780)
FORMAT-SIZE           @ctypes?(S*3)*             ~"*no dialect gives the format that size*"  ctypes before 3.12 writes struct formats without padding, in arrays of structs too (bpo-32780)
)exp";

// ctypes (Modules/_ctypes), every version 3.8-3.13: formats and request flags.
constexpr const char kCtypes[] = R"exp(
# -- ctypes --
FORMAT-PARSES         @ctypes?(c_void_p*2)*      ~"*code 'P' has no standard size*"  ctypes exports '<P' for c_void_p: a code with no standard size
FORMAT-PARSES         @ctypes?(c_longdouble*2)*  ~"*code 'g' has no standard size*"  ctypes exports '<g' for c_longdouble: a code with no standard size
FORMAT-PARSES         @ctypes?(c_char_p*2)*      ~"*bad character 'z'*"  ctypes exports '<z' for c_char_p: no such format code
FORMAT-SIZE           @ctypes?bit-field*         ~"*no dialect gives the format that size*"  ctypes writes bit-fields as whole fields: 'T{<i:a:<i:b:}' (8 bytes) for a 4-byte struct
FORMAT-SIZE           @ctypes?Union*             ~"*no dialect gives the format that size*"  ctypes exports a Union as 'B' with the union's itemsize (8)
FORMAT-SIZE           @ctypes?(c_wchar*3)*       ~"*itemsize is 4 but no dialect gives the format that size (pep3118 2)"  ctypes exports c_wchar as '<u' (2 bytes) with itemsize 4
REQ-FORMAT-NULL       @ctypes*                   ~"*flags 0x0: format '*' without PyBUF_FORMAT"  ctypes ignores the request flags: format is filled without PyBUF_FORMAT
REQ-ND-SHAPE          @ctypes*                   ~"*flags 0x0: shape * without PyBUF_ND"  ctypes ignores the request flags: shape is filled without PyBUF_ND
REQ-STRIDES-FILLED    @ctypes*                   ~"*: strides NULL"  ctypes ignores the request flags: strides stay NULL with PyBUF_STRIDES (bpo-12851, gh-57060)
REQ-F-CONTIGUOUS      @ctypes?(c_short*3)*2*     ~"*flags 0x58 were granted although the buffer is not Fortran-contiguous"  ctypes grants PyBUF_F_CONTIGUOUS on a C-ordered 2-D array
RELEASE-RESIZE-WHILE-EXPORTED  @ctypes*          ~"*resized while a buffer was exported (ctypes.resize*"  ctypes.resize reallocates the memory under a live export (a use after free; docs/findings.md)
)exp";

// numpy 1.24 (numpy/core/src/multiarray/buffer.c).
constexpr const char kNumpy[] = R"exp(
# -- numpy --
FORMAT-SIZE           @generated*numpy*          ~"*no dialect gives the format that size*"  numpy exports structured dtypes without their trailing padding ('T{B:x:}' with itemsize 4, numpy #7797)
REQ-GRANT             @numpy?datetime64*         ~"*was refused*cannot include dtype 'M' in a buffer*"  numpy has no PEP 3118 code for datetime64: PyBUF_FORMAT requests are refused
REQ-GRANT             @numpy?timedelta64*        ~"*was refused*cannot include dtype 'm' in a buffer*"  numpy has no PEP 3118 code for timedelta64: PyBUF_FORMAT requests are refused
ALGO-NDIM-64          @generated*  ~"numpy.*refused a C-contiguous view of ndim *(RuntimeError: PEP3118 dimensions do not satisfy 0 <= ndim <= NPY_MAXDIMS)*"  numpy before 2.0 reads at most 32 dimensions (NPY_MAXDIMS) and refuses more with RuntimeError (numpy PR #10882); numpy 2.0 reads 64
ALGO-READ-ELEMENTS    @generated*  ~"numpy.array(x).tobytes('C'): it read 1 bytes, the model reads 0"  numpy has no zero-size bytes dtype: np.array of a '0s' item (itemsize 0) copies it as one NUL byte (S1)
REQ-FAIL-BUFFERERROR  @numpy*                    ~"*it raised ValueError: * (not BufferError)"  numpy refuses requests with ValueError, not BufferError (numpy #3634)
REQ-FAIL-BUFFERERROR  @generated?numpy*          ~"*it raised ValueError: * (not BufferError)"  the same on generated numpy.ndarray / numpy.frombuffer exporters
)exp";

}  // namespace

std::string BuiltinExpectations(const std::string& adapter_name,
                                const std::string& adapter_version) {
  // The sections that apply to this interpreter: by its version, and by the optional modules the
  // adapter's version says it has (", numpy and _testbuffer"; the pyenv builds have no numpy).
  const int version = CPythonVersion(adapter_version);
  const std::string interpreter = version < 313 ? kCPythonBefore313 : "";
  if (adapter_name == "python") {
    const bool numpy = adapter_version.find("numpy") != std::string::npos;
    const bool testbuffer = adapter_version.find("_testbuffer") != std::string::npos;
    return std::string(
               "# bufconf expectations for the built-in 'python' adapter (docs/findings.md)") +
           interpreter + (version < 313 ? kFillInfoBefore313 : "") +
           (testbuffer ? kTestbuffer : "") + (version < 312 ? kCtypesBefore312 : "") + kCtypes +
           (numpy ? kNumpy : "");
  }
  if (adapter_name == "python-factory" && !interpreter.empty()) {
    return "# bufconf expectations for the interpreter under the python adapter's factory" +
           interpreter;
  }
  return "";
}

}  // namespace bufconf::cli
