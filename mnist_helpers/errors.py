"""The one exception the package raises for bad data, so callers can catch it by name."""


class MnistDataError(ValueError):
    """MNIST could not be loaded, or the arrays given to a helper are not what it expects.

    The message always says what is wrong and how to fix it.
    """
