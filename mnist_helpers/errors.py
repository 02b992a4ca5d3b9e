"""The one exception family the package raises for bad input, so callers can catch it by name.

`MnistDataError` is a `ValueError`, so code that already catches `ValueError` keeps working.
"""


class MnistDataError(ValueError):
    """Bad input: MNIST could not be loaded, a helper got arrays it cannot use, or a setting is
    out of range.

    The message always says what is wrong and how to fix it.
    """
