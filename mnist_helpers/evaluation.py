"""Measure a trained model on images it has not seen: predictions, accuracy, confusion matrix."""

from dataclasses import dataclass

import keras
import numpy as np
import tensorflow as tf

from mnist_helpers.checks import (
    NUM_CLASSES,
    check_labels,
    check_normalized_images,
    check_not_empty,
)


@dataclass(frozen=True)
class Evaluation:
    """What `evaluate` measured: `confusion[i, j]` counts digits of class i predicted as j."""

    accuracy: float
    logits: np.ndarray
    predictions: np.ndarray
    confusion: np.ndarray

    @property
    def probabilities(self) -> np.ndarray:
        """Softmax of the logits: each row sums to 1."""
        return tf.nn.softmax(self.logits).numpy()


def predict_logits(model: keras.Model, images: np.ndarray, batch_size: int = 1024) -> np.ndarray:
    """The model's logits for normalized `images`, computed in batches to bound memory."""
    images = check_normalized_images(images).reshape(len(images), -1)
    return model.predict(images, batch_size=batch_size, verbose=0)


def predict_labels(logits: np.ndarray) -> np.ndarray:
    """The predicted digit: the index of the largest logit (softmax keeps the order)."""
    return np.argmax(logits, axis=1)


def confusion_matrix(labels: np.ndarray, predictions: np.ndarray) -> np.ndarray:
    """A 10 x 10 table of counts: row = true digit, column = predicted digit."""
    labels = check_labels(labels)
    predictions = check_labels(predictions, expected_length=len(labels))
    return tf.math.confusion_matrix(labels, predictions, num_classes=NUM_CLASSES).numpy()


def evaluate(model: keras.Model, images: np.ndarray, labels: np.ndarray) -> Evaluation:
    """Accuracy, predictions and confusion matrix of `model` on normalized `images`."""
    images = check_not_empty(check_normalized_images(images), "evaluate")
    labels = check_labels(labels, expected_length=len(images))
    logits = predict_logits(model, images)
    predictions = predict_labels(logits)
    return Evaluation(
        accuracy=float(np.mean(predictions == labels)),
        logits=logits,
        predictions=predictions,
        confusion=confusion_matrix(labels, predictions),
    )
