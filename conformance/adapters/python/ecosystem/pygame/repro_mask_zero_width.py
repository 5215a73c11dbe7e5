"""A zero-width pygame.mask.Mask exports 2**58 columns of words (rules MEMORY-SPAN and
REQ-CONTENTS).

pgMask_GetBuffer computes the number of words per row as (m->w - 1) / BITMASK_W_LEN + 1;
BITMASK_W_LEN is a size_t, so for w == 0 the division is unsigned: (2**64 - 1) / 64 + 1 == 2**58.
Mask((0, 3)) then claims 2**58 x 3 unsigned longs (len 6917529027641081856 bytes) at a bit
array that has no bytes (bitmask_create allocates none for a zero-width mask); Mask((0, 0))
claims shape (2**58, 0) instead of (0, 0).
"""
import os

os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
import pygame.mask

bad = False
for size in ((0, 3), (0, 0)):
    view = memoryview(pygame.mask.Mask(size))
    print("Mask(%r): shape %s strides %s nbytes %d" % (size, view.shape, view.strides,
                                                       view.nbytes))
    if view.shape[0] != 0:
        bad = True
    view.release()
if bad:
    print("REPRODUCED: a zero-width Mask exports 2**58 columns (expected 0)")
else:
    print("NOT REPRODUCED: a zero-width Mask exports 0 columns")
