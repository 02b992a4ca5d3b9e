"""build_convnet: a small convnet that takes the MLP's flat input and trains on the same path."""

import math

import keras
import numpy as np

from mnist_helpers import (
    build_convnet,
    build_model,
    evaluate,
    make_dataset,
    make_loss,
    shift_images,
    train,
)


def feature_maps(model: keras.Model, layer: str, images: np.ndarray) -> np.ndarray:
    return keras.Model(model.inputs[0], model.get_layer(layer).output)(images).numpy()


def test_has_the_225_034_parameters_chapter_7_counts_by_hand():
    # Conv2D: a 3 x 3 x channels-in kernel per filter and one bias per filter; the hidden layer
    # takes the 5 x 5 x 64 pooled feature maps, flattened.
    model = build_convnet(seed=0)
    shapes = {layer.name: [tuple(w.shape) for w in layer.get_weights()] for layer in model.layers}
    assert {name: weights for name, weights in shapes.items() if weights} == {
        "conv_1": [(3, 3, 1, 32), (32,)],
        "conv_2": [(3, 3, 32, 64), (64,)],
        "hidden": [(5 * 5 * 64, 128), (128,)],
        "logits": [(128, 10), (10,)],
    }
    assert model.count_params() == 225_034
    assert build_model(seed=0).count_params() > 3 * model.count_params()


def test_takes_flat_images_and_outputs_10_logits_near_chance(normalized):
    model = build_convnet(seed=0)
    logits = model(normalized["x_test"][:50]).numpy()
    assert logits.shape == (50, 10)
    loss = float(make_loss()(normalized["y_test"][:50], logits))
    assert abs(loss - math.log(10)) < 0.3


def test_first_layer_sees_the_digit_as_a_28_x_28_image(normalized):
    # A convolution moves with its input: shift the digit 2 pixels right and the first feature
    # maps move 2 columns right. That holds only if the flat vector is reshaped row by row.
    model = build_convnet(seed=0)
    images = normalized["x_test"][:4]
    maps = feature_maps(model, "conv_1", images)
    shifted = feature_maps(model, "conv_1", shift_images(images, right=2))
    assert maps.shape == (4, 26, 26, 32)
    np.testing.assert_allclose(shifted[:, :, 2:], maps[:, :, :-2], atol=1e-5)
    assert not np.allclose(shifted, maps, atol=1e-3)


def test_same_seed_gives_the_same_weights_and_other_seed_others():
    first, again, other = build_convnet(seed=3), build_convnet(seed=3), build_convnet(seed=4)
    for a, b in zip(first.get_weights(), again.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(first.get_weights()[0], other.get_weights()[0])


def test_dropout_acts_in_training_only(normalized):
    model = build_convnet(seed=0)
    images = normalized["x_test"][:8]
    np.testing.assert_allclose(model(images), model(images), atol=1e-6)
    assert not np.allclose(model(images, training=True), model(images), atol=1e-3)


def test_trains_with_the_course_loop_unchanged(normalized):
    x, y = normalized["x_train"][:640], normalized["y_train"][:640]
    model = build_convnet(seed=0)
    before = evaluate(model, x, y).accuracy
    history = train(model, make_dataset(x, y, seed=0), epochs=3, progress=False)
    assert history["loss"][-1] < history["loss"][0]
    assert evaluate(model, x, y).accuracy > max(before + 0.3, 0.6)
