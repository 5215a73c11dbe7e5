"""Python factories that fail (bad_input/adapters/factory_*.case)."""


def boom():
    raise RuntimeError("the factory exploded")


def not_iterable():
    return 42


def nothing():
    return []
