"""Factories that misbehave after the import (python_factory_limits_test): each must end the run in
bounded time and memory, with a message saying what happened."""
import time


def endless():
    """An infinite generator of small exporters: only --max-objects (and one more) are taken."""
    n = 0
    while True:
        yield ('bytes %d' % n, bytes(8))
        n += 1


def spin():
    """Never returns (a Python loop): interrupted after --timeout."""
    while True:
        pass


def sleeps():
    """Sleeps for ever (a blocking call): interrupted after --timeout."""
    time.sleep(100000)
    return [b'never']


def stalls():
    """Yields three objects, then never the fourth."""
    yield b'one'
    yield b'two'
    yield b'three'
    while True:
        pass


def stubborn():
    """Swallows every interruption: only the adapter's watchdog ends it."""
    while True:
        try:
            while True:
                pass
        except BaseException:
            pass
