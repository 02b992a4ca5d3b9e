"""The course's training loop made fast: the same updates as `training.py`, in larger kernels.

`training.py` holds the loop as chapter 4 teaches it. `train` runs it through this module when
the model is the course's kind (Dense layers, ReLU between them, logits out) and the optimizer
is a plain Keras Adam. Three things make it fast, and none changes the mathematics:

1. **Fused kernels.** The forward pass is MatMul + BiasAdd + Relu per layer, which TensorFlow's
   graph optimizer fuses into one oneDNN kernel; the loss and its gradient come from one op;
   the backward pass is written out (two matmuls, a bias gradient and a ReLU gradient per
   layer) instead of being recorded op by op by a `GradientTape`; the optimizer's own
   `apply_gradients` (Keras' Adam, unchanged) is compiled by XLA into one fused loop per weight
   tensor instead of about ten passes over memory.
2. **Several steps per graph call.** Up to `steps_per_call` steps run inside one call, so the
   cost of a call from Python (fetching a batch, starting the graph) is paid once per group.
3. **XLA for the update only.** The matrix products run as oneDNN kernels in a plain graph,
   faster than XLA's on these shapes; XLA compiles only the update, whose shapes do not depend
   on the batch, so it compiles once, quickly, and even a 63-step epoch gains.

`benchmarks/train_loop.py` measures what this buys; tests/test_training_speed.py checks that
the weights come out as the taught loop's.
"""

import keras
import tensorflow as tf
from tqdm import tqdm

from mnist_helpers.errors import MnistDataError

# Enough steps per call that the per-call cost vanishes, few enough that a progress bar still
# moves about 20 times per epoch of the full MNIST (938 steps).
STEPS_PER_CALL = 50


def why_not_fusable(model: keras.Model) -> str:
    """Why `FusedTraining` cannot train `model`, or "" if it can.

    It knows the course's models: Dense layers with biases, ReLU between them, no activation on
    the last one (logits), float32, nothing else that changes the loss or the gradients.
    """
    if not model.layers:
        return "the model has no layers"
    for index, layer in enumerate(model.layers):
        expected = "linear" if index == len(model.layers) - 1 else "relu"
        if type(layer) is not keras.layers.Dense:
            return f"layer {layer.name!r} is a {type(layer).__name__}, not a Dense layer"
        if not layer.use_bias or keras.activations.serialize(layer.activation) != expected:
            return f"layer {layer.name!r} should have a bias and activation {expected!r}"
        extras = (layer.kernel_regularizer, layer.bias_regularizer, layer.activity_regularizer)
        if any(extras) or layer.kernel_constraint or layer.bias_constraint or layer.lora_enabled:
            return f"layer {layer.name!r} has a regularizer, constraint or LoRA"
        if layer.compute_dtype != "float32":
            return f"layer {layer.name!r} computes in {layer.compute_dtype}, not float32"
    return ""


class FusedTraining:
    """Epochs of the course's training step, built from fused kernels, many steps per call.

    Trains `model` with `optimizer` (any Keras optimizer; its `apply_gradients` does the update)
    on the mean sparse cross-entropy of the logits, as `training.make_train_step` with
    `make_loss` does, and counts the running accuracy into `accuracy`, a
    `SparseCategoricalAccuracy`.
    """

    def __init__(
        self,
        model: keras.Model,
        optimizer: keras.optimizers.Optimizer,
        accuracy: keras.metrics.Metric,
        steps_per_call: int = STEPS_PER_CALL,
    ) -> None:
        reason = why_not_fusable(model)
        if reason:
            raise MnistDataError(
                f"FusedTraining cannot train this model: {reason}. Use training.make_train_step "
                "and training.train_epoch, which train any Keras model."
            )
        if not isinstance(accuracy, keras.metrics.SparseCategoricalAccuracy):
            raise MnistDataError(
                f"accuracy must be a keras.metrics.SparseCategoricalAccuracy, got "
                f"{type(accuracy).__name__}."
            )
        if steps_per_call < 1:
            raise MnistDataError(f"steps_per_call must be at least 1, got {steps_per_call}.")
        self.model, self.optimizer, self.accuracy = model, optimizer, accuracy
        self.steps_per_call = steps_per_call
        self.layers = [(layer.kernel, layer.bias) for layer in model.layers]
        variables = [variable for pair in self.layers for variable in pair]
        optimizer.build(variables)  # Its slots now, not inside the graph (that would trace twice).

        def apply_gradients(gradients: list[tf.Tensor]) -> tf.Tensor:
            optimizer.apply_gradients(zip(gradients, variables, strict=True))
            return tf.identity(optimizer.iterations)  # Ready once every weight is updated.

        # XLA fuses the update's elementwise operations, one loop per weight tensor.
        self.apply_gradients = tf.function(apply_gradients, jit_compile=True)
        # One graph for every call of every epoch: traced at the first call only.
        self.run_steps = tf.function(self._run_steps)

    def epoch(
        self, dataset: tf.data.Dataset, progress: bool = True, description: str = "epoch"
    ) -> dict[str, float]:
        """One pass over `dataset`; the epoch's mean loss and running accuracy, as `train_epoch`.

        The progress bar moves once per graph call.
        """
        self.accuracy.reset_state()
        batches = iter(dataset)
        loss_sum, correct, seen, steps = 0.0, 0.0, 0.0, 0
        batch_count = int(dataset.cardinality())  # Negative when unknown.
        total = batch_count if batch_count > 0 else None
        # A `with` block closes the bar as an interruption passes, before anything else prints.
        with tqdm(total=total, desc=description, disable=not progress) as bar:
            while True:
                call_loss, call_correct, call_seen, call_steps = self.run_steps(
                    batches, tf.constant(self.steps_per_call)
                )
                if int(call_steps) == 0:
                    break
                loss_sum += float(call_loss)
                correct += float(call_correct)
                seen += float(call_seen)
                steps += int(call_steps)
                bar.update(int(call_steps))
        if steps == 0:
            raise MnistDataError("The dataset gave no batch: check that it is not empty.")
        # What `accuracy.update_state` would have counted, batch by batch: correct / seen.
        self.accuracy.total.assign(correct)
        self.accuracy.count.assign(seen)
        return {"loss": loss_sum / steps, "accuracy": float(self.accuracy.result())}

    def _run_steps(self, batches: tf.data.Iterator, max_steps: tf.Tensor) -> tuple:
        """Up to `max_steps` steps on the next batches: sums of loss, correct, seen; steps run."""
        loss_sum, correct, seen = tf.constant(0.0), tf.constant(0.0), tf.constant(0.0)
        steps = tf.constant(0)
        for _ in tf.range(max_steps):
            batch = batches.get_next_as_optional()
            if not batch.has_value():
                break
            images, labels = batch.get_value()
            labels = tf.cast(labels, tf.int32)  # Any integer labels, as Keras' loss takes them.
            # The step reads the weights only after the previous step wrote them: a while
            # loop otherwise starts the next iteration's reads as soon as their inputs are ready.
            loss, step_correct = self.step(images, labels, after=loss_sum)
            loss_sum += loss
            correct += step_correct
            seen += tf.cast(tf.shape(labels)[0], tf.float32)
            steps += 1
        return loss_sum, correct, seen, steps

    def step(
        self, images: tf.Tensor, labels: tf.Tensor, after: tf.Tensor
    ) -> tuple[tf.Tensor, tf.Tensor]:
        """One step, after `after`: forward, loss, backward, update; the loss and correct count.

        The returned loss depends on every weight update, so a next step given it as `after`
        sees the updated weights.
        """
        with tf.control_dependencies([after]):
            weights = [(kernel.value, bias.value) for kernel, bias in self.layers]
        losses, logits, gradients = self.forward_backward(images, labels, weights)
        batch_size = tf.cast(tf.shape(labels)[0], tf.float32)
        with tf.control_dependencies([self.apply_gradients(gradients)]):
            predicted = tf.argmax(logits, axis=1, output_type=labels.dtype)
            correct = tf.reduce_sum(tf.cast(tf.equal(predicted, labels), tf.float32))
            return tf.reduce_sum(losses) / batch_size, correct

    @staticmethod
    def forward_backward(
        images: tf.Tensor, labels: tf.Tensor, weights: list[tuple[tf.Tensor, tf.Tensor]]
    ) -> tuple[tf.Tensor, tf.Tensor, list[tf.Tensor]]:
        """Per-example losses, logits, and the mean loss's gradients (kernel, bias, layer by layer).

        What `GradientTape` records for these layers, written out so that each layer's forward
        pass is one fused oneDNN kernel.
        """
        activations = [images]
        for index, (kernel, bias) in enumerate(weights):
            outputs = tf.nn.bias_add(tf.matmul(activations[-1], kernel), bias)
            activations.append(tf.nn.relu(outputs) if index < len(weights) - 1 else outputs)
        logits = activations.pop()
        losses, logit_gradients = tf.raw_ops.SparseSoftmaxCrossEntropyWithLogits(
            features=logits, labels=labels
        )
        # The loss is the batch mean, so each example's gradient is scaled by 1 / batch size.
        gradient = logit_gradients * (1.0 / tf.cast(tf.shape(labels)[0], tf.float32))
        gradients = []
        for index in reversed(range(len(weights))):
            kernel_gradient = tf.matmul(activations[index], gradient, transpose_a=True)
            gradients = [kernel_gradient, tf.raw_ops.BiasAddGrad(out_backprop=gradient)] + gradients
            if index > 0:  # The first layer's input, the pixels, needs no gradient.
                gradient = tf.raw_ops.ReluGrad(
                    gradients=tf.matmul(gradient, weights[index][0], transpose_b=True),
                    features=activations[index],
                )
        return losses, logits, gradients
