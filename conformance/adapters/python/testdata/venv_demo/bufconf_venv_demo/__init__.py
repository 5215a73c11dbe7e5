"""A factory package for python_venv_test: installed into a virtual environment's site-packages,
importable only by that environment's interpreter (bufconf run --python VENV/bin/python)."""
import array
import sys


def objects():
    # The interpreter that runs the factory: the test checks it is the venv's.
    return [
        ('venv bytearray %s' % sys.prefix, bytearray(b'venv'),
         {'format': 'B', 'shape': (4,), 'items': b'venv'}),
        ('venv array(i)', array.array('i', [1, -2, 3]), memoryview(array.array('i', [1, -2, 3]))),
    ]
