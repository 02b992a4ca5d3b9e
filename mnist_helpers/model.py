"""The seed's classifier: 784 -> Dense 784 relu -> Dense 256 relu -> Dense 10 logits."""

import keras

from mnist_helpers.checks import NUM_CLASSES, PIXELS

HIDDEN_UNITS = (784, 256)


def build_model(seed: int | None = None) -> keras.Sequential:
    """The seed's model, its last layer without activation so it outputs logits.

    A `seed` makes the initial weights repeatable. The input shape is declared, so the
    weights exist and `model.summary()` can count parameters before any training.
    """
    layers = [keras.Input(shape=(PIXELS,), name="pixels")]
    for index, units in enumerate(HIDDEN_UNITS):
        layers.append(
            keras.layers.Dense(
                units,
                activation="relu",
                kernel_initializer=keras.initializers.GlorotUniform(seed=_offset(seed, index)),
                name=f"hidden_{index + 1}",
            )
        )
    layers.append(
        keras.layers.Dense(
            NUM_CLASSES,
            kernel_initializer=keras.initializers.GlorotUniform(seed=_offset(seed, 2)),
            name="logits",
        )
    )
    return keras.Sequential(layers, name="classroom_mlp")


def _offset(seed: int | None, index: int) -> int | None:
    # Each layer gets its own seed: the same seed twice would draw correlated weights.
    return None if seed is None else seed + index
