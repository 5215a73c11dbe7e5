"""bufconf run --python INTERPRETER: the first code INTERPRETER runs (python -c, from
conformance/cli/python_host.cc). argv: [-c, LIBRARY, bufconf, ARGS...]. It checks that this is an
interpreter bufconf can run in, loads LIBRARY (libbufconf_hosted.so) with ctypes.PyDLL (the GIL
stays held) and calls bufconf_hosted_main with the command line. Exit status 2, with the reason,
when it cannot. Written so that any Python, 2.7 included, reads it and says why it is refused."""
import os
import sys


def _fail(message):
    sys.stderr.write('bufconf: --python %s: %s\n' % (sys.executable or '?', message))
    sys.stderr.flush()
    os._exit(2)


_implementation = getattr(sys, 'implementation', None)
_name = getattr(_implementation, 'name', 'cpython' if sys.version_info[0] == 2 else '?')
_version = '%d.%d.%d' % tuple(sys.version_info[:3])
if _name != 'cpython':
    _fail('%s %s is not CPython: bufconf runs inside CPython 3.8 to 3.13' % (_name, _version))
if not ((3, 8) <= tuple(sys.version_info[:2]) <= (3, 13)):
    _fail('CPython %s is not supported: bufconf runs inside CPython 3.8 to 3.13' % _version)
try:
    import sysconfig
    if sysconfig.get_config_var('Py_GIL_DISABLED'):
        _fail('CPython %s is a free-threaded build, whose objects have another layout: bufconf '
              'runs inside the default build of CPython 3.8 to 3.13' % _version)
    if sysconfig.get_config_var('Py_TRACE_REFS'):
        _fail('CPython %s is built with Py_TRACE_REFS, whose objects have another layout'
              % _version)
except ImportError:
    pass
try:
    import ctypes
except ImportError as e:
    _fail('ctypes does not import (%s): bufconf needs it to load its library' % e)
try:
    _library = ctypes.PyDLL(sys.argv[1])
except OSError as e:
    _fail('cannot load %s: %s' % (sys.argv[1], e))
_args = [os.fsencode(a) for a in sys.argv[2:]]
_argv = (ctypes.c_char_p * (len(_args) + 1))(*(_args + [None]))
_main = _library.bufconf_hosted_main
_main.restype = ctypes.c_int
_main.argtypes = [ctypes.c_int, ctypes.POINTER(ctypes.c_char_p)]
_status = _main(len(_args), _argv)
# No interpreter shutdown: bufconf's run is over, and nothing of the user's (atexit handlers,
# threads a factory left) may change its exit status.
os._exit(_status)
