"""Subsurface.get_buffer() exports bytes past the end of the parent's pixels (rule MEMORY-SPAN).

get_buffer() (_get_buffer_0D) exports len = pitch * height bytes from the subsurface's first
pixel. A subsurface's pitch is its parent's, so for a subsurface that does not start at x == 0
the last row runs past the row's end - and for one in the parent's last row, past the end of
the parent's pixel memory.
"""
import os

os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
import pygame

parent = pygame.Surface((7, 5), 0, 32)
sub = parent.subsurface((6, 4, 1, 1))          # the parent's last pixel
proxy = sub.get_buffer()
start = sub._pixels_address
end = start + proxy.length
parent_end = parent._pixels_address + parent.get_pitch() * parent.get_height()
print("parent pixels: [%#x, %#x)" % (parent._pixels_address, parent_end))
print("subsurface get_buffer(): [%#x, %#x), length %d" % (start, end, proxy.length))
if end > parent_end:
    print("REPRODUCED: the buffer runs %d bytes past the parent's pixels" % (end - parent_end))
else:
    print("NOT REPRODUCED: the buffer lies inside the parent's pixels")
