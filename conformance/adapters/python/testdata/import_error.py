"""A factory module that cannot be imported."""
import this_module_does_not_exist_anywhere  # noqa: F401


def make():
    return []
