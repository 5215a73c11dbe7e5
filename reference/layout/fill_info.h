// PyBuffer_FillInfo (Objects/abstract.c; catalogue rule ALGO-FILL-INFO), as CPython 3.13 has it.
//
//   PyBuffer_FillInfo(view, obj, buf, len, readonly, flags)
//
// In order (verified against abstract.c of 3.11 and 3.13):
// - view == NULL: BufferError "PyBuffer_FillInfo: view==NULL argument is obsolete".
// - flags == PyBUF_READ (0x100) or flags == PyBUF_WRITE (0x200), exactly: SystemError (bad
//   internal call; 3.13+, gh-114685). 3.11 and 3.12 have no such test and fill the view (0x100 is
//   then read as the INDIRECT bit, 0x200 as nothing). Other values with those bits set are
//   ordinary flags.
// - (flags & PyBUF_WRITABLE) and readonly == 1 (exactly 1: readonly 2 with WRITABLE is filled
//   and reports readonly 2): BufferError "Object is not writable.".
// - Otherwise filled: obj (a new reference when not NULL), buf, len, readonly as given, itemsize
//   1, format "B" iff (flags & PyBUF_FORMAT), ndim 1 (always, SIMPLE too), shape = &view->len iff
//   (flags & PyBUF_ND) == PyBUF_ND, strides = &view->itemsize iff (flags & PyBUF_STRIDES) ==
//   PyBUF_STRIDES, suboffsets NULL, internal NULL. No field is written when it fails.
#ifndef BUFCONF_REFERENCE_LAYOUT_FILL_INFO_H_
#define BUFCONF_REFERENCE_LAYOUT_FILL_INFO_H_

#include <cstdint>
#include <string>

#include "reference/layout/descriptor.h"

namespace bufconf::layout {

struct FillInfoOutcome {
  enum class Result { kFilled, kBufferError, kSystemError };
  Result result = Result::kFilled;
  std::string message;  // the exception's text ("" when filled)
  // When filled: the view's fields. shape is {len} and strides {1} where CPython points them at
  // the view's own len and itemsize fields; obj and internal are not modelled (obj is the
  // argument, internal NULL).
  Descriptor view;
};

// `view_is_null`: the view argument is NULL. `buf` is an address (0 is NULL).
FillInfoOutcome FillInfo(bool view_is_null, uint64_t buf, int64_t len, int readonly, int flags);

}  // namespace bufconf::layout

#endif  // BUFCONF_REFERENCE_LAYOUT_FILL_INFO_H_
