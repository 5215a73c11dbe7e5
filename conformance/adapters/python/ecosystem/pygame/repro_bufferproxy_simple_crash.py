"""pygame.BufferProxy over an object with a buffer crashes on a request without PyBUF_FORMAT
(rule REQ-GRANT: the exporter crashes instead of granting).

BufferProxy(obj) gets its buffer with pgObject_GetBuffer, which asks obj for the consumer's
flags and then reads the format's first character (*view->format) to check the item type. A
request without PyBUF_FORMAT - PyBUF_SIMPLE, as hashlib makes - leaves view->format NULL: a
NULL dereference (pygame's parachute turns the SIGSEGV into an abort). Expect this process to
die of a signal; that is the reproduction.
"""
import hashlib
import os
import sys

os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
import pygame

proxy = pygame.BufferProxy(b"abc")
print("memoryview (PyBUF_FULL_RO):", memoryview(proxy).tobytes())
print("hashlib.sha1 (PyBUF_SIMPLE) ...")
sys.stdout.flush()
digest = hashlib.sha1(proxy).hexdigest()
print("sha1", digest)
print("NOT REPRODUCED: a PyBUF_SIMPLE request did not crash")
