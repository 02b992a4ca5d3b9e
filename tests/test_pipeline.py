"""make_dataset: batches of (images, labels), every digit once per epoch, shuffled repeatably."""

import math

import numpy as np
import pytest
import tensorflow as tf

from mnist_helpers import MnistDataError, make_dataset

N = 1_000


def epoch_labels(dataset: tf.data.Dataset) -> np.ndarray:
    return np.concatenate([labels.numpy() for _, labels in dataset])


@pytest.fixture
def test_split(normalized):
    return normalized["x_test"], normalized["y_test"]


def test_batches_have_the_model_input_types(test_split):
    images_spec, labels_spec = make_dataset(*test_split).element_spec
    assert images_spec.shape.as_list() == [None, 784]
    assert images_spec.dtype == tf.float32
    assert labels_spec.shape.as_list() == [None]
    assert labels_spec.dtype == tf.int64


@pytest.mark.parametrize("batch_size", [1, 64, 300, N, 5_000])
def test_an_epoch_is_ceil_n_over_batch_steps(test_split, batch_size):
    dataset = make_dataset(*test_split, batch_size=batch_size)
    steps = math.ceil(N / batch_size)
    sizes = [len(labels) for _, labels in dataset]
    assert int(dataset.cardinality()) == steps
    assert len(sizes) == steps
    assert sizes[:-1] == [batch_size] * (steps - 1)
    assert sizes[-1] == N - batch_size * (steps - 1)


def test_without_shuffle_the_order_is_kept(test_split):
    images, labels = test_split
    dataset = make_dataset(images, labels, shuffle_buffer=None)
    np.testing.assert_array_equal(epoch_labels(dataset), labels)
    first_images, _ = next(iter(dataset))
    np.testing.assert_array_equal(first_images.numpy(), images[:64])


def test_shuffle_keeps_every_pair_once(test_split):
    images, labels = test_split
    pairs = {(image.tobytes(), label) for image, label in zip(images, labels, strict=True)}
    shuffled = [
        (image.tobytes(), label)
        for batch_images, batch_labels in make_dataset(images, labels, seed=0)
        for image, label in zip(batch_images.numpy(), batch_labels.numpy(), strict=True)
    ]
    assert len(shuffled) == N
    assert set(shuffled) == pairs


def test_shuffle_changes_the_order(test_split):
    shuffled = epoch_labels(make_dataset(*test_split, seed=0))
    assert not np.array_equal(shuffled, test_split[1])


def test_same_seed_gives_the_same_epochs(test_split):
    first, second = make_dataset(*test_split, seed=7), make_dataset(*test_split, seed=7)
    for _ in range(2):
        np.testing.assert_array_equal(epoch_labels(first), epoch_labels(second))


def test_each_epoch_is_reshuffled(test_split):
    dataset = make_dataset(*test_split, seed=7)
    assert not np.array_equal(epoch_labels(dataset), epoch_labels(dataset))


def test_refuses_raw_pixels(sample):
    with pytest.raises(MnistDataError, match=r"call normalize_images\(images\) first"):
        make_dataset(sample["x_test"], sample["y_test"])


def test_refuses_labels_of_another_length(test_split):
    images, labels = test_split
    with pytest.raises(MnistDataError, match="Got 1,000 images but 500 labels"):
        make_dataset(images, labels[:500])


@pytest.mark.parametrize(("batch_size", "shuffle_buffer"), [(0, 1024), (64, 0), (-1, None)])
def test_refuses_empty_batches_or_buffers(test_split, batch_size, shuffle_buffer):
    with pytest.raises(MnistDataError, match="must be at least 1"):
        make_dataset(*test_split, batch_size=batch_size, shuffle_buffer=shuffle_buffer)
