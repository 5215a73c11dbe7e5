"""Factories for the bad-input corpus (*.case next to this file): one misbehaviour each."""


def endless():
    """An infinite generator of small exporters."""
    n = 0
    while True:
        yield ('bytes %d' % n, bytes(8))
        n += 1


def spin():
    """Never returns (a Python loop)."""
    while True:
        pass
