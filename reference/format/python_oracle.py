"""Answers format questions with the real CPython struct module and numpy, one JSON per line.

Requests: {"op": "struct" | "numpy", "format": str}. Replies: {"ok": true, "itemsize": n,
"leaves": [[offset, size], ...]} or {"ok": false, "error": "<exception>: <message>"}.
Run by Debian's /usr/bin/python3 (CPython 3.11, numpy 1.24) from format_differential_test.
"""
import json
import struct
import sys

from numpy.core._internal import _dtype_from_pep3118

MAX_LEAVES = 100000


def numpy_strip(fmt):
    """numpy's C entry point (_descriptor_from_pep3118_format) removes whitespace outside names."""
    out, in_name = [], False
    for c in fmt:
        if c == ':':
            in_name = not in_name
        if c == ':' or in_name or c not in ' \t\n\v\f\r':
            out.append(c)
    return ''.join(out)


def leaves(dt, base, out):
    """Every scalar of a dtype as [offset, size], in memory order of the fields."""
    if len(out) > MAX_LEAVES:
        raise OverflowError('too many leaves')
    if dt.subdtype is not None:
        sub, shape = dt.subdtype
        n = 1
        for d in shape:
            n *= d
        for i in range(n):
            leaves(sub, base + i * sub.itemsize, out)
    elif dt.names is not None:
        for name in dt.names:
            field = dt.fields[name]
            leaves(field[0], base + field[1], out)
    else:
        out.append([base, dt.itemsize])


def answer(request):
    fmt = request['format']
    try:
        if request['op'] == 'struct':
            return {'ok': True, 'itemsize': struct.calcsize(fmt)}
        dt = _dtype_from_pep3118(numpy_strip(fmt))
        out = []
        leaves(dt, 0, out)
        return {'ok': True, 'itemsize': dt.itemsize, 'leaves': out}
    except Exception as e:  # every rejection is an answer
        return {'ok': False, 'error': '%s: %s' % (type(e).__name__, e)}


for line in sys.stdin:
    sys.stdout.write(json.dumps(answer(json.loads(line))) + '\n')
    sys.stdout.flush()
