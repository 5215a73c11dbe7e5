"""sip.voidptr without a size refuses buffer requests with IndexError, not BufferError.

QImage.bits(), sip.voidptr(address) and other pointers returned by PyQt5 have no size until
setsize() is called; their bf_getbuffer then fails every request (REQ-GRANT counts a total
refusal) and raises IndexError "sip.voidptr object has an unknown size". A refusing
bf_getbuffer must raise BufferError (Doc/c-api/typeobj.rst, bf_getbuffer; REQ-FAIL-BUFFERERROR):
consumers that catch BufferError to fall back (e.g. to a copy) see an unexpected exception.
"""
import ctypes
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from PyQt5 import QtCore, sip  # noqa: E402

block = (ctypes.c_uint8 * 4)(1, 2, 3, 4)
ptr = sip.voidptr(ctypes.addressof(block))  # no size
print("PyQt5", QtCore.PYQT_VERSION_STR, "sip", sip.SIP_VERSION_STR, "size", ptr.getsize())
try:
    memoryview(ptr)
except BufferError as e:
    print("memoryview(voidptr) raised BufferError:", e)
    print("NOT REPRODUCED: the refusal is a BufferError")
except Exception as e:
    print("memoryview(voidptr) raised %s: %s" % (type(e).__name__, e))
    print("REPRODUCED: sip.voidptr without a size refuses with %s, not BufferError"
          % type(e).__name__)
else:
    print("NOT REPRODUCED: memoryview(voidptr) was granted")
