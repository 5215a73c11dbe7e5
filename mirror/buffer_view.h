// A suite buffer (bufconf_buffer, conformance/adapter/bufconf_adapter.h) as a mirror view: the
// two structs have Py_buffer's layout; the fields are copied rather than the pointer cast.
#ifndef BUFCONF_MIRROR_BUFFER_VIEW_H_
#define BUFCONF_MIRROR_BUFFER_VIEW_H_

#include "conformance/adapter/bufconf_adapter.h"
#include "mirror/bufconf_mirror.h"

namespace bufconf::mirror {

inline bufconf_view ViewOf(const bufconf_buffer& b) {
  bufconf_view v;
  v.buf = b.buf;
  v.obj = b.obj;
  v.len = b.len;
  v.itemsize = b.itemsize;
  v.readonly = b.readonly;
  v.ndim = b.ndim;
  v.format = b.format;
  v.shape = b.shape;
  v.strides = b.strides;
  v.suboffsets = b.suboffsets;
  v.internal = b.internal;
  return v;
}

}  // namespace bufconf::mirror

#endif  // BUFCONF_MIRROR_BUFFER_VIEW_H_
