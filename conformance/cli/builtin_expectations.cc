#include "conformance/cli/builtin_expectations.h"

namespace bufconf::cli {
namespace {

// CPython 3.11.2, ctypes and numpy 1.24.2 as Debian 12 ships them. Each line is a deviation
// recorded in docs/findings.md with its counterexample; a scope (@...) limits it to the exporters
// that show it, so the same rule failing anywhere else still fails the run.
constexpr const char kPython[] =
    R"(# bufconf expectations for the built-in 'python' adapter (docs/findings.md)
FORMAT-PARSES         @ctypes*  ctypes exports '<P' (c_void_p) and '<g' (c_longdouble): codes with no standard size
FORMAT-SIZE           @ctypes*  ctypes 3.11 writes struct formats without padding and '_pack_' structs as 'B' (bpo-32780)
REQ-FORMAT-NULL       @ctypes*  ctypes ignores the request flags: format is filled without PyBUF_FORMAT
REQ-ND-SHAPE          @ctypes*  ctypes ignores the request flags: shape is filled without PyBUF_ND
REQ-STRIDES-FILLED    @ctypes*  ctypes ignores the request flags: strides stay NULL with PyBUF_STRIDES
REQ-F-CONTIGUOUS      @ctypes*  ctypes grants PyBUF_F_CONTIGUOUS on C-ordered multi-dimensional arrays
FORMAT-SIZE           @generated*  numpy exports structured dtypes without their trailing padding ('T{B:x:}' with itemsize 4, numpy #7797)
REQ-READ-WRITE-FLAGS  CPython 3.11 accepts PyBUF_READ / PyBUF_WRITE as getbuffer flags (refused from 3.13, gh-114685)
)";

}  // namespace

std::string BuiltinExpectations(const std::string& adapter_name) {
  if (adapter_name == "python") return kPython;
  return "";
}

}  // namespace bufconf::cli
