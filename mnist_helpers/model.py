"""The course's classifiers: the classroom notebook's MLP (784 -> Dense 784 relu -> Dense 256
relu -> Dense 10 logits) and, from chapter 7, a small convnet."""

import keras

from mnist_helpers.checks import IMAGE_SIDE, NUM_CLASSES, PIXELS

HIDDEN_UNITS = (784, 256)


def build_model(seed: int | None = None) -> keras.Sequential:
    """The classroom notebook's model, its last layer without activation so it outputs logits.

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


CONV_FILTERS = (32, 64)
CONV_DENSE_UNITS = 128


def build_convnet(seed: int | None = None) -> keras.Sequential:
    """Two 3 x 3 convolutions, each followed by 2 x 2 max pooling, then a small MLP on top.

    It takes the flat 784-pixel vectors the MLP takes and reshapes them back into 28 x 28
    images in its first layer, so `make_dataset`, `train` and `evaluate` work unchanged.
    Dropout, active only in training, keeps the dense layer from leaning on a few features.
    """
    layers = [
        keras.Input(shape=(PIXELS,), name="pixels"),
        keras.layers.Reshape((IMAGE_SIDE, IMAGE_SIDE, 1), name="image"),
    ]
    for index, filters in enumerate(CONV_FILTERS):
        layers += [
            keras.layers.Conv2D(
                filters,
                kernel_size=3,
                activation="relu",
                kernel_initializer=keras.initializers.GlorotUniform(seed=_offset(seed, index)),
                name=f"conv_{index + 1}",
            ),
            keras.layers.MaxPooling2D(pool_size=2, name=f"pool_{index + 1}"),
        ]
    layers += [
        keras.layers.Flatten(name="features"),
        keras.layers.Dense(
            CONV_DENSE_UNITS,
            activation="relu",
            kernel_initializer=keras.initializers.GlorotUniform(seed=_offset(seed, 2)),
            name="hidden",
        ),
        keras.layers.Dropout(0.5, seed=seed, name="dropout"),
        keras.layers.Dense(
            NUM_CLASSES,
            kernel_initializer=keras.initializers.GlorotUniform(seed=_offset(seed, 3)),
            name="logits",
        ),
    ]
    return keras.Sequential(layers, name="convnet")
