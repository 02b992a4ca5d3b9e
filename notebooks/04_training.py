# ---
# jupyter:
#   jupytext:
#     cell_metadata_filter: tags,jupyter,-all
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 4. Training: one step, one epoch, many epochs · 训练：一步、一个 epoch、多个 epoch
#
# [Open in Colab](https://colab.research.google.com/github/mnist-tutorials/mnist-tutorials/blob/main/notebooks/04_training.ipynb) · [View source on GitHub](https://github.com/mnist-tutorials/mnist-tutorials/blob/main/notebooks/04_training.ipynb) · [Download notebook](https://raw.githubusercontent.com/mnist-tutorials/mnist-tutorials/main/notebooks/04_training.ipynb)
#
# **You run the seed's training loop, see that one step is one batch (63 steps per epoch of the
# sample), what `shuffle(buffer_size)` and `batch` change, train to about 99% training accuracy,
# and measure the same step several times faster once compiled with `tf.function`.**
#
# ## Overview · 概述
#
# We run the seed's `tf.GradientTape` loop for one epoch, line by line, then answer its question
# with measurements: **one step is one batch**, so an epoch of the 4,000-digit sample is
# ceil(4000 / 64) = **63 steps**; `batch` sets how many steps there are, `shuffle(buffer_size)`
# sets which digits share a batch (a small buffer on sorted data leaves the model at about 20%
# test accuracy instead of about 90%). We see why the running accuracy the seed prints is lower
# than the accuracy measured after the epoch, train for five epochs to about 99% training
# accuracy with a loss curve, and measure how much faster the same step runs once compiled with
# `tf.function` (several times faster).
#
# 我们先逐行运行原笔记本中基于 `tf.GradientTape` 的训练循环（一个 epoch），
# 再用实验回答它提出的问题：**一步（step）就是一个批次（batch）**，
# 所以 4,000 张样本图片的一个 epoch 有 ceil(4000 / 64) = **63 步**；
# `batch` 决定步数，`shuffle(buffer_size)` 决定哪些数字落在同一个批次里。我们还会看到：训练中打印的
# “运行中准确率”为什么低于 epoch 结束后测得的准确率；训练 5 个 epoch 并画出损失曲线；以及用
# `tf.function` 编译后的同一训练步快了多少。

# %% [markdown]
# ## Setup · 准备
#
# `import mnist_helpers` comes first: it imports TensorFlow with its start-up log lines muted.
# `load_mnist()` returns what `tf.keras.datasets.mnist.load_data()` returns; offline (and in CI,
# where `MNIST_SOURCE=sample`) it is the embedded sample of 5,000 real MNIST digits.
# Chapter 2 explained `normalize_images` and `make_dataset`, chapter 3 `build_model` and
# `make_loss`.

# %%
# Setup: make the course's helpers, `mnist_helpers`, importable here.
# Where it is missing (Colab, a fresh kernel), pip installs it from the course's
# repository, or from MNIST_HELPERS_INSTALL if set (a path, a wheel or a URL).
# It comes before TensorFlow: it imports TensorFlow without its C++ start-up lines.
try:
    import mnist_helpers
except ModuleNotFoundError:
    import os
    import subprocess
    import sys

    course_repository = "git+https://github.com/mnist-tutorials/mnist-tutorials"
    requirement = os.environ.get("MNIST_HELPERS_INSTALL", course_repository)
    pip_install = [sys.executable, "-m", "pip", "install", "--quiet", requirement]
    subprocess.run(pip_install, check=True)
    import mnist_helpers

# %%
import math
import time

import keras
import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf

from mnist_helpers import (
    build_model,
    evaluate,
    load_mnist,
    make_dataset,
    make_loss,
    make_train_step,
    normalize_images,
    plot_history,
    train,
    train_epoch,
)

keras.utils.set_random_seed(0)  # The same initial weights and batches on every run.

# %%
(x_train, y_train), (x_test, y_test) = load_mnist()
x_train, x_test = normalize_images(x_train), normalize_images(x_test)
print(x_train.shape, x_train.dtype, y_train.shape)

# %% [markdown]
# ## The seed's training loop · 原笔记本的训练循环
#
# Everything the loop needs, as in the seed: the shuffled, batched dataset (buffer 1024,
# batch 64), the model, the loss on logits, an accuracy metric and the Adam optimizer.
# (`tf.keras` in the seed is the same Keras as `keras` here.)

# %%
BATCH_SIZE = 64
dataset = make_dataset(x_train, y_train, batch_size=BATCH_SIZE, shuffle_buffer=1024, seed=0)
model = build_model(seed=0)
loss = make_loss()  # SparseCategoricalCrossentropy(from_logits=True), chapter 3
accuracy = keras.metrics.SparseCategoricalAccuracy()
optimizer = keras.optimizers.Adam()

# %% [markdown]
# > **Q (seed):** In the following iteration loop, what does 'one step' refer to? Is it related
# > to the above `dataset.shuffle()`, especially the parameters `buffer_size` and `batch`?
# >
# > **问（原笔记本）：** 在下面的迭代循环中，“一步”（one step）指的是什么？它与上面的
# > `dataset.shuffle()`，特别是参数 `buffer_size` 和 `batch`，有关系吗？
#
# Here is the seed's loop, run for one epoch. Two lines are added to record the loss and the
# running accuracy after every step, and it logs every 20 steps instead of every 100, because
# the sample has only 63 steps per epoch.

# %% tags=["nbval-ignore-output"]
step_losses, running_accuracies = [], []  # added: to plot them below

# Iterate over the batches of the dataset
for step, (x, y) in enumerate(dataset):
    # Open a GradientTape
    with tf.GradientTape() as tape:
        # Forward pass
        logits = model(x)
        # Loss for this batch
        loss_value = loss(y, logits)

    # Get gradients of weights w.r.t. the loss
    gradients = tape.gradient(loss_value, model.trainable_weights)

    # Update the weights of the model
    optimizer.apply_gradients(zip(gradients, model.trainable_weights, strict=True))

    # Update the running accuracy
    accuracy.update_state(y, logits)

    step_losses.append(float(loss_value))  # added
    running_accuracies.append(float(accuracy.result()))  # added

    # Logging
    if step % 20 == 0:
        print(f"step = {step}")
        print(f"  loss from the last step: {float(loss_value):.4f}")
        print(f"  total running accuracy so far: {float(accuracy.result()):.4f}")

# %% [markdown]
# What each line does · 每一行在做什么:
#
# - `enumerate(dataset)` hands out one **batch** at a time, `x` of shape (64, 784) and `y` of
#   shape (64,); `step` counts batches. 每次取出一个批次，`step` 数的是批次。
# - Inside `tf.GradientTape()` TensorFlow records every operation of the forward pass
#   `model(x)` and of the loss, so that it can differentiate them afterwards.
#   在 `GradientTape` 里，前向计算和损失的每个运算都被记录下来，之后才能求导。
# - `tape.gradient(loss_value, model.trainable_weights)` gives, for each weight matrix and bias,
#   how the batch's loss changes when that weight changes (back-propagation).
#   求出损失对每个权重和偏置的梯度（反向传播）。
# - `optimizer.apply_gradients(...)` moves every weight a small step against its gradient
#   (Adam adapts the step size per weight). This is the only line that changes the model.
#   优化器让每个权重沿梯度的反方向走一小步；只有这一行改变模型。
# - `accuracy.update_state(y, logits)` adds this batch's correct predictions to a running total;
#   `accuracy.result()` is correct / seen **since the metric was created or last reset**.
#   把本批次预测正确的个数累加进去；`result()` 是自创建或上次重置以来的累计准确率。
#
# So one step = one batch = one forward pass, one loss, one set of gradients, one update.
# 所以：一步 = 一个批次 = 一次前向、一次损失、一次梯度、一次权重更新。

# %%
print(f"steps run in one epoch: {step + 1}")

# %% [markdown]
# The loss of a single step is noisy: it depends on which 64 digits happened to be in the
# batch. The running accuracy is smooth because it averages over every batch so far.

# %%
fig, (loss_ax, accuracy_ax) = plt.subplots(1, 2, figsize=(10, 3.5))
loss_ax.plot(step_losses)
loss_ax.set(title="Loss of each step", xlabel="step", ylabel="cross-entropy")
accuracy_ax.plot(running_accuracies)
accuracy_ax.set(title="Running accuracy", xlabel="step", ylabel="accuracy")
fig.tight_layout()

# %%
assert len(step_losses) == math.ceil(len(x_train) / BATCH_SIZE)
assert np.mean(step_losses[-10:]) < np.mean(step_losses[:10]) / 2, "the loss should fall"

# %% [markdown]
# ## One step is one batch: how many steps per epoch? · 每个 epoch 有多少步？
#
# An epoch shows every training digit once, in batches of 64, so it takes ceil(N / batch)
# steps; the last batch holds what is left over. `dataset.cardinality()` is TensorFlow's own
# count of batches.
#
# 一个 epoch 把每张训练图片看一遍，每批 64 张，所以需要 ceil(N / batch) 步，最后一批是剩下的图片。

# %%
steps_per_epoch = math.ceil(len(x_train) / BATCH_SIZE)
batch_sizes = [int(tf.shape(x)[0]) for x, _ in dataset]
print(f"ceil({len(x_train)} / {BATCH_SIZE}) = {steps_per_epoch}")
print(f"dataset.cardinality() = {int(dataset.cardinality())}")
print(f"batch sizes: first {batch_sizes[0]}, last {batch_sizes[-1]}, total {sum(batch_sizes)}")

# %% [markdown]
# Which parameter changes the number of steps? `batch` does, `buffer_size` does not:

# %%
for batch_size in (32, 64, 128):
    counts = [
        int(make_dataset(x_train, y_train, batch_size, shuffle_buffer=buffer).cardinality())
        for buffer in (64, 1024, len(x_train))
    ]
    print(f"batch {batch_size:3}: steps per epoch with buffer 64, 1024, {len(x_train)}: {counts}")

# %% [markdown]
# ## What the shuffle buffer does · shuffle 缓冲区的作用
#
# `shuffle(buffer_size)` does not shuffle the whole dataset at once. It fills a buffer with the
# first `buffer_size` examples, hands out one of them at random, puts the next example of the
# dataset in its place, and so on. A digit can therefore come out at most `buffer_size` places
# earlier than it sits in the data: a small buffer only mixes neighbours.
#
# `shuffle(buffer_size)` 并不是一次打乱整个数据集：它先把前 `buffer_size` 个样本放进缓冲区，
# 随机取出一个，再用数据集中的下一个样本补上，如此反复。因此缓冲区小的时候，只有相邻的样本会被打乱。
#
# To see it, sort the training digits by label (all 0s, then all 1s, ...) and batch them with no
# shuffle, with a buffer of 64, and with a buffer as large as the dataset. The seed fixes the
# order, so these labels are the same on every run.

# %%
by_label = np.argsort(y_train, kind="stable")
x_sorted, y_sorted = x_train[by_label], y_train[by_label]
buffers = {"no shuffle": None, "buffer 64": 64, f"buffer {len(x_sorted)}": len(x_sorted)}
batch_labels = {
    name: [y.numpy() for _, y in make_dataset(x_sorted, y_sorted, shuffle_buffer=buffer, seed=0)]
    for name, buffer in buffers.items()
}
distinct = {
    name: [len(np.unique(labels)) for labels in batches] for name, batches in batch_labels.items()
}
for name, batches in batch_labels.items():
    print(f"{name}: first batch starts {batches[0][:16]}")
    print(f"  digits in batch 7: {np.bincount(batches[6], minlength=10)}")
    print(f"  distinct digits per batch: {distinct[name]}")

# %% [markdown]
# With no shuffle or a 64-digit buffer, a batch holds one or two digits (once, three). Only a
# buffer at least as large as the dataset mixes all ten digits into (nearly) every batch. The
# picture: each row is a batch, each column a digit, the colour how many of that digit the batch
# holds.

# %%
fig, axes = plt.subplots(1, 3, figsize=(10, 4), sharey=True)
for ax, (name, batches) in zip(axes, batch_labels.items(), strict=True):
    ax.imshow([np.bincount(labels, minlength=10) for labels in batches], aspect="auto")
    ax.set(title=name, xlabel="digit", xticks=range(10))
axes[0].set_ylabel("batch (step)")
fig.tight_layout()

# %%
assert max(distinct["buffer 64"]) <= 3
assert np.mean(distinct[f"buffer {len(x_sorted)}"]) > 9.5

# %% [markdown]
# Does it matter for learning? Train a fresh model for one epoch on the sorted digits with each
# buffer, then measure it on the test set (`evaluate` is explained in chapter 5). With the small
# buffer, the model learns 0s, then forgets them for 1s, and so on: at the end of the epoch it
# mostly answers the last digits it saw.
#
# 这对学习有影响吗？用小缓冲区训练时，模型先学 0，再为了 1 忘掉 0……epoch 结束时它几乎只会回答
# 最后见过的数字。

# %% tags=["nbval-ignore-output"]
sorted_test_accuracy = {}
for name in ("buffer 64", f"buffer {len(x_sorted)}"):
    sorted_model = build_model(seed=0)
    sorted_data = make_dataset(x_sorted, y_sorted, shuffle_buffer=buffers[name], seed=0)
    train(sorted_model, sorted_data, epochs=1, progress=False)
    result = evaluate(sorted_model, x_test, y_test)
    sorted_test_accuracy[name] = result.accuracy
    counts = np.bincount(result.predictions, minlength=10)
    print(f"{name}: test accuracy {result.accuracy:.3f}, predictions per digit {counts}")

# %%
assert sorted_test_accuracy["buffer 64"] < 0.5
assert sorted_test_accuracy[f"buffer {len(x_sorted)}"] > 0.85

# %% [markdown]
# `make_dataset` also reshuffles at every pass (`reshuffle_each_iteration=True`), so each epoch
# sees new batches, while the seed still makes the sequence of epochs repeatable:

# %%
shuffled = make_dataset(x_sorted, y_sorted, shuffle_buffer=len(x_sorted), seed=0)
first_epoch, second_epoch = (next(iter(shuffled))[1].numpy()[:16] for _ in range(2))
print(f"epoch 1, first batch starts {first_epoch}")
print(f"epoch 2, first batch starts {second_epoch}")

# %% [markdown]
# ## Running accuracy versus accuracy after the epoch · 运行中准确率与 epoch 结束后的准确率
#
# The seed prints "total running accuracy so far". It averages over every batch of the epoch,
# each scored by the model **as it was at that step**: the first batches were scored by a model
# that had barely trained. Measuring the finished model on the same training digits gives a
# higher number.
#
# 原笔记本打印的是“运行中准确率”：它是本 epoch 所有批次的平均，而每个批次是用**当时**的模型打分的，
# 前几个批次用的是几乎没训练过的模型。用训练完的模型重新评估同样的训练数据，准确率会更高。

# %% tags=["nbval-ignore-output"]
running_accuracy = float(accuracy.result())
after_epoch_accuracy = evaluate(model, x_train, y_train).accuracy
print(f"running accuracy during epoch 1: {running_accuracy:.4f}")
print(f"accuracy measured after epoch 1: {after_epoch_accuracy:.4f}")

# %%
assert after_epoch_accuracy > running_accuracy

# %% [markdown]
# The metric keeps counting until it is reset. After epoch 1 it has counted every training
# digit once; if we trained on without resetting, epoch 2 would report the average over both
# epochs, still dragged down by epoch 1's first batches. So each epoch starts with
# `accuracy.reset_state()`.
#
# 指标会一直累加，直到被重置。如果第二个 epoch 不重置，它报告的是两个 epoch 的平均值，
# 仍被第一个 epoch 开头的批次拉低。所以每个 epoch 开始时都要调用 `accuracy.reset_state()`。

# %%
print(f"digits counted by the metric after epoch 1: {int(accuracy.count)}")

# %% [markdown]
# ## From the seed's loop to the helpers · 从原笔记本的循环到辅助函数
#
# The loop above is now in `mnist_helpers/training.py`, so later chapters train in one line:
#
# - `make_train_step(model, loss, optimizer, accuracy)` returns the loop's body, the
#   `GradientTape` step, as a function `train_step(x, y) -> loss`;
# - `train_epoch(train_step, dataset, accuracy)` resets the metric, runs one step per batch (up
#   to 50 of them per call of a compiled step, see below) and returns the epoch's mean loss and
#   running accuracy;
# - `train(model, dataset, epochs)` creates the loss, Adam and the metric, and calls
#   `train_epoch` once per epoch.
#
# 上面的循环已经放进 `mnist_helpers/training.py`：`make_train_step` 就是循环体，
# `train_epoch` 先重置指标再对每个批次走一步，`train` 训练多个 epoch。
#
# Epoch 2 of the same model, with the same loss, optimizer and metric, through the helpers:

# %% tags=["nbval-ignore-output"]
train_step = make_train_step(model, loss, optimizer, accuracy)
epoch_2 = train_epoch(train_step, dataset, accuracy, progress=False)
print(f"epoch 2: mean loss {epoch_2['loss']:.4f}, running accuracy {epoch_2['accuracy']:.4f}")

# %%
print(f"digits counted by the metric in epoch 2: {int(accuracy.count)}")

# %% [markdown]
# 4,000 again, not 8,000: `train_epoch` reset the metric, so epoch 2's accuracy is epoch 2's.
#
# ## Training for several epochs · 训练多个 epoch
#
# One epoch is rarely enough. A fresh model, five epochs, one call:

# %% tags=["nbval-ignore-output"]
model = build_model(seed=0)
history = train(model, dataset, epochs=5, progress=False)
for epoch, (epoch_loss, epoch_accuracy) in enumerate(
    zip(history["loss"], history["accuracy"], strict=True), start=1
):
    print(f"epoch {epoch}: mean loss {epoch_loss:.4f}, running accuracy {epoch_accuracy:.4f}")

# %%
figure = plot_history(history)

# %%
assert len(history["loss"]) == 5
assert history["loss"][-1] < history["loss"][0] / 3
assert history["accuracy"][-1] > 0.95

# %% [markdown]
# The loss falls fastest in the first epochs and then flattens. A training accuracy near 100%
# is not the goal, though: chapter 5 measures the model on test digits it has never seen.
#
# 损失在前几个 epoch 下降最快，然后趋于平缓。训练准确率接近 100% 并不是目标：第 5 章会用模型
# 从未见过的测试图片来衡量它。
#
# ## The same step, compiled with `tf.function` · 用 `tf.function` 编译同一个训练步
#
# The seed's loop runs **eagerly**: Python executes each TensorFlow operation one by one and
# returns to Python in between. `tf.function` traces the step once into a graph, then runs the
# whole graph without going back to Python. `make_train_step(..., compiled=False)` is the eager
# step, `compiled=True` (the default, which `train` uses) the graph, compiled with XLA (below).
#
# 原笔记本的循环是 **eager（即时执行）** 模式：Python 逐个执行每个运算。
# `tf.function` 在第一次调用时把训练步追踪（trace）成一个计算图，
# 之后整个图一次执行完，不再回到 Python。
#
# We time both on the same 20 batches, after a first call that lets the compiled step trace
# its graph, and keep the best of three runs (the least disturbed by other programs).

# %% tags=["nbval-ignore-output"]
timed_batches = list(dataset.take(20))
seconds_per_step, first_call_seconds, last_loss = {}, {}, {}
for mode in ("eager", "compiled"):
    timed_step = make_train_step(
        build_model(seed=0),
        make_loss(),
        keras.optimizers.Adam(),
        keras.metrics.SparseCategoricalAccuracy(),
        compiled=mode == "compiled",
    )
    start = time.perf_counter()
    float(timed_step(*timed_batches[0]))  # The compiled step traces its graph here.
    first_call_seconds[mode] = time.perf_counter() - start
    runs = []
    for _ in range(3):
        start = time.perf_counter()
        for x, y in timed_batches:
            last_loss[mode] = float(timed_step(x, y))  # float() waits for the step to finish.
        runs.append((time.perf_counter() - start) / len(timed_batches))
    seconds_per_step[mode] = min(runs)
    print(
        f"{mode:8}: first call {1000 * first_call_seconds[mode]:6.1f} ms, "
        f"then {1000 * seconds_per_step[mode]:5.1f} ms per step"
    )
speed_up = seconds_per_step["eager"] / seconds_per_step["compiled"]
print(f"speed-up: {speed_up:.1f}x")

# %%
# Timings depend on the machine and on what else runs on it: they are shown, not asserted.
# What must hold is that both modes did the same training: same weights, same batches, same loss.
assert abs(last_loss["eager"] - last_loss["compiled"]) < 1e-3, last_loss

# %% [markdown]
# The first call of the compiled step is slow, because it traces the graph and XLA compiles it;
# every later call with batches of the same shape reuses that graph (the smaller last batch
# compiles once more, in the first epoch only). Here, the time saved over the 63 steps of one
# epoch already exceeds that first call, which is why `train` compiles by default. Eager mode
# remains the one to debug in: there you can `print` a tensor inside the step.
#
# 编译后的第一次调用很慢，因为要追踪计算图并由 XLA 编译；之后形状相同的批次都复用这个图
# （最后那个较小的批次会再编译一次，只在第一个 epoch）。
# 一个 epoch 的 63 步省下的时间就已经超过了第一次调用的开销，所以 `train` 默认编译。
# 调试时用 eager 模式，可以在训练步里直接 `print`。
#
# ## Faster still: XLA and several steps per call · 更快：XLA 与每次调用多步
#
# Two more things make `train` fast, both on by default:
#
# - **XLA** (`tf.function(..., jit_compile=True)`, what `make_train_step` uses): it compiles the
#   graph for this CPU and fuses the many small operations around the matrix products (bias,
#   ReLU, the loss, Adam's update of every weight) into a few kernels.
# - **Several steps per call** (`train_epoch(..., steps_per_call=50)`): a Python loop that calls
#   the graph once per batch pays Python's overhead (fetch the batch, call the graph) 938 times
#   per MNIST epoch; `train_epoch` runs up to 50 steps inside one graph call, and the progress
#   bar moves after each call.
#
# 还有两处让 `train` 更快，默认都已开启：**XLA**（`jit_compile=True`）把计算图针对本机 CPU
# 编译，把矩阵乘法周围的许多小运算（偏置、ReLU、损失、Adam 对每个权重的更新）融合成几个内核；
# **每次调用多步**（`steps_per_call=50`）：每个批次都从 Python 调用一次计算图，就要付出 Python
# 的开销（取批次、调用图）；`train_epoch` 在一次调用里最多跑 50 步，进度条在每次调用后更新。
#
# One epoch of the sample, each way, after a first epoch that traces and compiles:

# %% tags=["nbval-ignore-output"]
ways = {
    "eager, step by step (the seed)": {"compiled": False},
    "tf.function, one call per step": {"jit_compile": False, "steps_per_call": 1},
    "tf.function + XLA, 50 steps per call": {},
}
epoch_seconds, epoch_loss = {}, {}
for way, options in ways.items():
    steps_per_call = options.pop("steps_per_call", 50)
    way_data = make_dataset(x_train, y_train, batch_size=BATCH_SIZE, shuffle_buffer=1024, seed=0)
    way_accuracy = keras.metrics.SparseCategoricalAccuracy()
    way_step = make_train_step(
        build_model(seed=0), make_loss(), keras.optimizers.Adam(), way_accuracy, **options
    )
    for _ in range(2):  # The first epoch traces and compiles; the second is timed.
        start = time.perf_counter()
        result = train_epoch(way_step, way_data, way_accuracy, False, steps_per_call=steps_per_call)
        epoch_seconds[way] = time.perf_counter() - start
    epoch_loss[way] = result["loss"]
    speed_up = epoch_seconds["eager, step by step (the seed)"] / epoch_seconds[way]
    print(f"{way:38}: {epoch_seconds[way]:5.2f} s per epoch, {speed_up:4.1f}x the seed's speed")

# %%
# The same training, only faster: same weights, same batches, the same mean loss in epoch 2.
losses = list(epoch_loss.values())
assert max(losses) - min(losses) < 1e-3, losses

# %% [markdown]
# On the 63 steps of the sample the fixed costs of an epoch weigh more than on the full MNIST.
# `benchmarks/train_loop.py` (`./run.sh benchmark`) times one epoch of the 60,000 digits: on a
# 2-core machine the course loop runs about 10x faster than the seed's eager loop, about twice
# as fast as `model.fit`, and within about 2x of the time the matrix products alone need (the
# README gives the latest figures).
#
# 样本只有 63 步，每个 epoch 的固定开销占比更大。`benchmarks/train_loop.py`
# （`./run.sh benchmark`）在 60,000 张图片上计时：在双核机器上，课程的循环比原笔记本的 eager
# 循环快约 10 倍，约为 `model.fit` 的两倍快，离矩阵乘法本身所需的时间只差约 2 倍
# （最新数据见 README）。
#
# ## The seed's question, answered · 问题解答
#
# > **Q:** What does 'one step' refer to? Is it related to `dataset.shuffle()`, `buffer_size`
# > and `batch`?
#
# **One step is one batch:** one forward pass over 64 digits, one loss, one set of gradients,
# one update of every weight. `enumerate(dataset)` counts batches, so an epoch takes
# ceil(N / batch) steps, 63 for the 4,000 sample digits (the last batch holds 32) and 938 for
# the full 60,000. **`batch` sets the number of steps; `buffer_size` does not.** The buffer
# decides *which* digits share a batch: `shuffle` draws each next example at random from a
# buffer of `buffer_size` examples, so a buffer smaller than the dataset mixes only neighbours.
# On label-sorted digits a buffer of 64 left each batch with one to three digits, and the model
# ended the epoch answering mostly the last digits it saw; a buffer as large as the dataset put
# all ten digits in nearly every batch. The Keras MNIST arrays are already in random order, which is
# why the seed's buffer of 1024 works there; `buffer_size >= N` always gives a full shuffle.
# Shuffle before batching: `batch(64).shuffle(...)` would shuffle whole batches instead.
#
# **一步就是一个批次：** 对 64 张图片做一次前向计算、算一次损失、求一次梯度、更新一次所有权重。
# `enumerate(dataset)` 数的是批次，所以一个 epoch 有 ceil(N / batch) 步：4,000 张样本是 63 步
# （最后一批 32 张），完整的 60,000 张是 938 步。**`batch` 决定步数，`buffer_size` 不影响步数。**
# 缓冲区决定的是*哪些*样本落在同一个批次里：
# `shuffle` 每次从 `buffer_size` 个样本的缓冲区中随机取出下一个，
# 所以比数据集小的缓冲区只能打乱相邻的样本。
# 在按标签排序的数据上，大小为 64 的缓冲区让每个批次只有一到三种数字，
# 模型在 epoch 结束时几乎只会回答最后见过的数字；
# 与数据集一样大的缓冲区让几乎每个批次都包含全部十种数字。
# Keras 的 MNIST 本来就是随机顺序，所以原笔记本的 1024 在那里够用；`buffer_size >= N`
# 总能完全打乱。要先 shuffle 再 batch：`batch(64).shuffle(...)` 打乱的是整个批次的顺序。
#
# ## Summary · 小结
#
# - One step = one batch = forward pass, loss, gradients, one optimizer update; an epoch is
#   ceil(N / batch) steps. 一步 = 一个批次；一个 epoch = ceil(N / batch) 步。
# - `shuffle(buffer_size)` mixes examples only within its buffer: use a buffer at least as large
#   as any ordering in the data. 缓冲区只在自身范围内打乱样本。
# - The running accuracy averages over an epoch of a changing model; it lags behind the accuracy
#   of the finished model. Reset the metric every epoch. 运行中准确率落后于训练后的准确率；
#   每个 epoch 都要重置指标。
# - `tf.function` compiles the step into a graph: the first call traces, later calls run several
#   times faster. `tf.function` 把训练步编译成计算图，之后每步快好几倍。
# - XLA and 50 steps per graph call make `train` about 10x faster than the seed's eager loop on
#   the full MNIST. XLA 和每次调用 50 步让 `train` 比原笔记本的 eager 循环快约 10 倍。
# - From now on: `history = train(model, dataset, epochs=5)`.
#
# ## Exercises · 练习
#
# 1. Train with `batch_size=32` and `batch_size=256` for the same number of epochs. How many steps
#    per epoch, how long per epoch, and which reaches the lower loss after 5 epochs? Why?
#    分别用 32 和 256 的批大小训练相同的 epoch 数：每个 epoch 多少步、多长时间、
#    谁的损失更低？为什么？
# 2. On the label-sorted digits, find the smallest `buffer_size` that reaches a test accuracy
#    within 2 points of the full shuffle after one epoch. How does it compare with the 400
#    digits of each class? 在排好序的数据上，找出最小的、能接近完全打乱效果的 `buffer_size`。
# 3. Build `tf.data.Dataset.from_tensor_slices((x_sorted, y_sorted)).batch(64).shuffle(16)` and
#    print the labels of its first three batches. What does shuffling *after* batching shuffle?
#    先 batch 再 shuffle，打乱的是什么？
#
# Next, chapter 5 measures the trained model on the test set. 下一章：在测试集上评估模型。
