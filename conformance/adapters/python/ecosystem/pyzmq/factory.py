"""pyzmq's exporter: zmq.Frame (zmq.Message is the same class) exports its message's bytes.

Frames made from Python data (copied into a zmq_msg_t, or, with copy=False, the object's own
memory) and frames received on an inproc PAIR socket (memory owned by libzmq; messages of up to
33 bytes live inside the zmq_msg_t itself). Expected contents are the bytes sent.
"""
import ctypes

import zmq

_keep = []  # the context and sockets (the received frames' messages), ctypes blocks


def _b(data):
    return {"format": "B", "shape": (len(data),), "items": bytes(data)}


def _payload(n, seed):
    return bytes((i * 31 + seed) & 0xFF for i in range(n))


def make():
    entries = []
    # Copied: the frame owns a zmq_msg_t with a copy of the data.
    for n in (0, 1, 5, 4096):
        data = _payload(n, 3)
        entries.append({"description": "Frame(bytes(%d))" % n, "object": zmq.Frame(data),
                        "expected": _b(data)})
    data = bytearray(_payload(7, 9))
    entries.append({"description": "Frame(bytearray(7))", "object": zmq.Frame(data),
                    "expected": _b(data)})
    entries.append({"description": "Message(bytes(3))", "object": zmq.Message(b"\x00\x7f\xff"),
                    "expected": _b(b"\x00\x7f\xff")})
    entries.append({"description": "Frame(bytes(6), track=True)",
                    "object": zmq.Frame(b"track!", track=True), "expected": _b(b"track!")})

    # Zero-copy: the frame's message points at the object's own memory.
    for n in (0, 1, 64, 5000):
        owner = bytearray(_payload(n, 17))
        entries.append({"description": "Frame(bytearray(%d), copy=False)" % n,
                        "object": zmq.Frame(owner, copy=False), "expected": _b(owner),
                        "memory": owner})
    for n in (0, 1, 64, 5000):
        owner = _payload(n, 41)
        entries.append({"description": "Frame(bytes(%d), copy=False)" % n,
                        "object": zmq.Frame(owner, copy=False), "expected": _b(owner),
                        "memory": owner})
    block = (ctypes.c_uint8 * 32)(*range(32))
    _keep.append(block)
    entries.append({"description": "Frame(ctypes c_uint8[32], copy=False)",
                    "object": zmq.Frame(block, copy=False), "expected": _b(bytes(range(32))),
                    "memory": [(ctypes.addressof(block), 32)], "memory_readonly": False})

    # Received: the message's memory belongs to libzmq.
    ctx = zmq.Context()
    a, b = ctx.socket(zmq.PAIR), ctx.socket(zmq.PAIR)
    _keep.extend([ctx, a, b])
    a.bind("inproc://bufconf-pyzmq")
    b.connect("inproc://bufconf-pyzmq")
    for n in (0, 1, 33, 34, 100, 10000):
        data = _payload(n, 77)
        a.send(data)
        frame = b.recv(copy=False)
        entries.append({"description": "received Frame(%d)" % n, "object": frame,
                        "expected": _b(data)})
    data = bytearray(_payload(3000, 5))
    a.send(data, copy=False)
    entries.append({"description": "received Frame(3000) sent copy=False",
                    "object": b.recv(copy=False), "expected": _b(data)})
    return entries
