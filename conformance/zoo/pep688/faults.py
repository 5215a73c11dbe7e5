"""The bug zoo's PEP 688 entries: exporters written in Python (a class with __buffer__ and
__release_buffer__, CPython 3.12+) with the faults such exporters typically have, as factories
for the python adapter (docs/python-factory.md, docs/zoo.md):

    bufconf run --python python3.12 --factory conformance.zoo.pep688.faults:control
    bufconf run --python python3.12 --factory conformance.zoo.pep688.faults:flags_ignored

| factory          | the fault                                          | the rule it breaks          |
| control          | none: every other factory's objects, done right    | (passes)                    |
| flags_ignored    | read-only by contract, but __buffer__ ignores the  | MEMORY-WRITABLE             |
|                  | flags and hands out its bytearray writable         |                             |
| wrong_size       | __buffer__ returns a view 4 bytes shorter than the | REQ-CONTENTS                |
|                  | object holds                                       |                             |
| returns_bytes    | __buffer__ returns bytes, not a memoryview         | REQ-FAIL-BUFFERERROR (the   |
|                  | (CPython: TypeError)                               | TypeError), REQ-GRANT       |
| never_releases   | __release_buffer__ keeps the memoryview: the       | RELEASE-PEP688-RELEASES     |
|                  | bytearray stays exported forever (never resizable) | (not judged through the     |
|                  |                                                    | adapter ABI: faults_test)   |

Every object declares the memory it owns (its bytearray or bytes) and its expected contents, so
that MEMORY-SPAN, MEMORY-WRITABLE and REQ-CONTENTS judge it. Why only the writable flag can be
"ignored" visibly: CPython asks the memoryview __buffer__ returned for the same flags
(Objects/typeobject.c, slot_bf_getbuffer), and memoryview fills format, shape and strides and
refuses contiguity the way the flags say, whatever __buffer__ did with them."""
import struct
import sys

WRITABLE = 0x1  # inspect.BufferFlags.WRITABLE

# The contents every object holds: 2 x 2 int32 in C order.
ITEMS = struct.pack('4i', 7, -1, 2 ** 31 - 1, 0)
EXPECTED = {'format': 'i', 'shape': (2, 2), 'items': ITEMS}


def _need_pep688():
    if sys.version_info < (3, 12):
        raise RuntimeError('PEP 688 exporters need CPython 3.12+ (this is %d.%d): run bufconf '
                           'run --python python3.12' % sys.version_info[:2])


class Grid(object):
    """A correct PEP 688 exporter: 2 x 2 int32 over a bytearray it owns. Read-only when made so:
    then it refuses PyBUF_WRITABLE (BufferError) and hands out read-only views. Counts its
    exports (`exports`): only requests that will be granted, since a request CPython refuses
    after __buffer__ returned is never released; __release_buffer__ releases the memoryview it
    gets back."""

    def __init__(self, readonly=False):
        self.data = bytearray(ITEMS)
        self.readonly = readonly
        self.exports = 0

    def view(self, flags):
        # the memoryview for a request: the shape the object describes
        m = memoryview(self.data).cast('i', (2, 2))
        if self.readonly:
            if flags & WRITABLE:
                raise BufferError('%r is read-only' % self)
            m = m.toreadonly()
        return m

    def __buffer__(self, flags):
        m = self.view(flags)
        # CPython asks m for the same flags once this returns, and when m refuses (e.g. PyBUF_F_
        # CONTIGUOUS on C-order items) no __release_buffer__ follows: ask m first, and refuse
        # here, before anything is counted.
        try:
            m.__buffer__(flags).release()
        except BaseException:
            m.release()
            raise
        self.exports += 1
        return m

    def __release_buffer__(self, view):
        self.exports -= 1
        view.release()

    def __repr__(self):
        return '%s(readonly=%r)' % (type(self).__name__, self.readonly)


class FlagsIgnored(Grid):
    """Read-only by contract, but __buffer__ never looks at the flags: every request, with
    PyBUF_WRITABLE too, gets the bytearray writable."""

    def view(self, flags):
        return memoryview(self.data).cast('i', (2, 2))


class WrongSize(Grid):
    """__buffer__ returns a view of the first 3 items only: 12 bytes where the object holds
    16 (a slice taken for a header, a stale length)."""

    def view(self, flags):
        m = memoryview(self.data)[:-4].cast('i')
        return m.toreadonly() if self.readonly else m


class ReturnsBytes(Grid):
    """__buffer__ returns bytes (a copy), not a memoryview: CPython refuses every request with
    TypeError ('__buffer__ returned non-memoryview object')."""

    def __buffer__(self, flags):
        return bytes(self.data)


class NeverReleases(Grid):
    """__release_buffer__ forgets to release: every memoryview __buffer__ made stays in
    `held`, exported, so the bytearray can never be resized again and `exports` never drops."""

    def __init__(self, readonly=False):
        Grid.__init__(self, readonly)
        self.held = []

    def __buffer__(self, flags):
        m = Grid.__buffer__(self, flags)
        self.held.append(m)
        return m

    def __release_buffer__(self, view):
        pass  # the fault: neither view.release() nor the count


def _entries(cls):
    _need_pep688()
    out = []
    for readonly in (False, True):
        g = cls(readonly=readonly)
        out.append({'object': g, 'description': 'pep688 %r' % g, 'expected': EXPECTED,
                    'memory': g.data, 'memory_readonly': readonly})
    return out


def control():
    """Correct exporters: every rule passes."""
    return _entries(Grid)


def flags_ignored():
    return _entries(FlagsIgnored)


def wrong_size():
    return _entries(WrongSize)


def returns_bytes():
    return _entries(ReturnsBytes)


def never_releases():
    return _entries(NeverReleases)
