"""build_model: the classroom notebook's 784-784-256-10 network, outputting logits.

Its initial weights are repeatable from a random seed.
"""

import math

import keras
import numpy as np

from mnist_helpers import build_model, make_loss


def dense_layers(model: keras.Model) -> list[keras.layers.Dense]:
    return [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]


def test_has_the_818_970_parameters_chapter_3_counts_by_hand():
    # Each Dense layer holds an inputs x units kernel and one bias per unit, nothing else.
    model = build_model(seed=0)
    shapes = [tuple(weights.shape) for weights in model.get_weights()]
    assert shapes == [(784, 784), (784,), (784, 256), (256,), (256, 10), (10,)]
    assert model.count_params() == 818_970


def test_layers_are_784_relu_256_relu_10_logits():
    layers = dense_layers(build_model(seed=0))
    assert [layer.units for layer in layers] == [784, 256, 10]
    activations = [layer.get_config()["activation"] for layer in layers]
    assert activations == ["relu", "relu", "linear"]


def test_maps_a_batch_of_flat_images_to_10_logits(normalized):
    logits = build_model(seed=0)(normalized["x_test"][:5]).numpy()
    assert logits.shape == (5, 10)
    # Logits, not probabilities: some are negative and rows do not sum to 1.
    assert (logits < 0).any()
    assert not np.allclose(logits.sum(axis=1), 1)


def test_untrained_loss_is_close_to_chance(normalized):
    # Ten equally likely classes cost -log(1/10) = 2.30: a number to predict, then see.
    model = build_model(seed=0)
    loss = float(make_loss()(normalized["y_test"], model(normalized["x_test"])))
    assert abs(loss - math.log(10)) < 0.2


def test_same_seed_gives_the_same_weights():
    first, second = build_model(seed=3), build_model(seed=3)
    for a, b in zip(first.get_weights(), second.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)


def test_other_seed_gives_other_weights():
    first, second = build_model(seed=3), build_model(seed=4)
    assert not np.array_equal(first.get_weights()[0], second.get_weights()[0])


def test_is_named_for_the_classroom_notebook_it_comes_from():
    # "seed" means a random seed in this course, so the model's name avoids it.
    assert build_model(seed=0).name == "classroom_mlp"
