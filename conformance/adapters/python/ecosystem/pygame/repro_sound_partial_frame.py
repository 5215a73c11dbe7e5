"""A pygame.mixer.Sound whose buffer is not a whole number of frames exports len bytes that its
shape does not cover (rule LAYOUT-LEN).

snd_getbuffer sets len = chunk->alen (every byte of the buffer) but shape[0] =
alen / (itemsize * channels), rounded down: with a 16-bit stereo mixer a 5-byte Sound has shape
(1, 2) of 2-byte items (4 bytes) and len 5.
"""
import os

os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
import pygame.mixer

pygame.mixer.init(frequency=22050, size=-16, channels=2)
sound = pygame.mixer.Sound(buffer=bytes(range(5)))
view = memoryview(sound)
covered = view.itemsize
for n in view.shape:
    covered *= n
print("mixer", pygame.mixer.get_init(), "Sound(buffer=5 bytes): format", view.format,
      "shape", view.shape, "itemsize", view.itemsize, "nbytes (len)", view.nbytes)
if view.nbytes != covered:
    print("REPRODUCED: len is %d but product(shape) * itemsize is %d" % (view.nbytes, covered))
else:
    print("NOT REPRODUCED: len matches the shape")
