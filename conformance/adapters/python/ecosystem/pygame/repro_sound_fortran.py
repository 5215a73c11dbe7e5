"""A stereo pygame.mixer.Sound of 0 or 1 frames refuses PyBUF_F_CONTIGUOUS although its layout
is Fortran-contiguous (rule REQ-GRANT, a SHOULD).

snd_getbuffer refuses PyBUF_F_CONTIGUOUS for every sound with more than one channel
("polyphonic sound is not Fortran contiguous"); a (frames, channels) array with frames <= 1 is
both C- and Fortran-contiguous.
"""
import ctypes
import os

os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
import pygame.mixer

PyBUF_F_CONTIGUOUS = 0x40 | 0x18


class Py_buffer(ctypes.Structure):
    _fields_ = [("buf", ctypes.c_void_p), ("obj", ctypes.c_void_p), ("len", ctypes.c_ssize_t),
                ("itemsize", ctypes.c_ssize_t), ("readonly", ctypes.c_int),
                ("ndim", ctypes.c_int), ("format", ctypes.c_char_p),
                ("shape", ctypes.POINTER(ctypes.c_ssize_t)),
                ("strides", ctypes.POINTER(ctypes.c_ssize_t)),
                ("suboffsets", ctypes.c_void_p), ("internal", ctypes.c_void_p)]


pygame.mixer.init(frequency=22050, size=-16, channels=2)
sound = pygame.mixer.Sound(buffer=bytes(4))   # one stereo frame
print("Sound of one stereo frame: shape", memoryview(sound).shape)
view = Py_buffer()
try:
    ctypes.pythonapi.PyObject_GetBuffer(ctypes.py_object(sound), ctypes.byref(view),
                                        PyBUF_F_CONTIGUOUS)
except BufferError as e:
    print("PyBUF_F_CONTIGUOUS (0x58): refused:", e)
    print("REPRODUCED: a (1, 2) array, Fortran-contiguous, was refused PyBUF_F_CONTIGUOUS")
else:
    ctypes.pythonapi.PyBuffer_Release(ctypes.byref(view))
    print("NOT REPRODUCED: PyBUF_F_CONTIGUOUS was granted")
