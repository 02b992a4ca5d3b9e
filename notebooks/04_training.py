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
# **You run the classroom notebook's training loop, see that one step is one batch, what
# `shuffle(buffer_size)` and `batch` change, train for five epochs, and compare the eager loop
# with the same step compiled by `tf.function` and with Keras `fit` at its best settings.**
#
# **你将运行原笔记本的训练循环，看到一步就是一个批次，弄清 `shuffle(buffer_size)` 和 `batch`
# 各自改变了什么，训练 5 个 epoch，并把 eager 循环与用 `tf.function` 编译的同一训练步、
# 以及调到最佳设置的 Keras `fit` 放在一起比较。**
#
# ## Overview · 概述
#
# We run the classroom notebook's `tf.GradientTape` loop for one epoch, line by line, then
# answer its question with measurements: **one step is one batch**, so an epoch takes
# ceil(N / 64) steps (63 for 4,000 digits, 938 for the full 60,000); `batch` sets how many
# steps there are, `shuffle(buffer_size)` sets which digits share a batch. On digits sorted by
# label, a small buffer leaves the model far below the accuracy a full shuffle reaches. We see
# why the running accuracy the loop prints is lower than the accuracy measured after the epoch,
# train for five epochs with a loss curve, and measure what `tf.function`, XLA and several steps
# per graph call change, first epoch included, next to Keras `fit` with `jit_compile=True` and
# `steps_per_execution`.
#
# 我们先逐行运行原笔记本中基于 `tf.GradientTape` 的训练循环（一个 epoch），再用实验回答它提出的
# 问题：**一步（step）就是一个批次（batch）**，所以一个 epoch 需要 ceil(N / 64) 步（4,000 张图片
# 是 63 步，完整的 60,000 张是 938 步）；`batch` 决定步数，`shuffle(buffer_size)` 决定哪些数字落在
# 同一个批次里。在按标签排好序的数据上，小缓冲区训练出的模型，准确率远低于完全打乱时的水平。
# 我们还会看到：循环打印的累计准确率为什么低于 epoch 结束后测得的准确率；训练 5 个 epoch 并画出
# 损失曲线；最后测量 `tf.function`、XLA 和“每次调用计算图跑多步”各自带来了什么（包括第一个
# epoch 的开销），并与设置了 `jit_compile=True` 和 `steps_per_execution` 的 Keras `fit` 比较。

# %% [markdown]
# ## Setup · 准备
#
# The first cell makes the course's helpers importable: where `mnist_helpers` is missing (Colab,
# a fresh kernel) it installs the package with pip, elsewhere it does nothing. It imports
# `mnist_helpers` before TensorFlow, so that TensorFlow's C++ start-up log lines stay out of the
# notebook. `load_mnist()` returns what `tf.keras.datasets.mnist.load_data()` returns; offline
# (and in CI, where `MNIST_SOURCE=sample`) it is the embedded sample of 5,000 real MNIST digits.
# Chapter 2 explained `normalize_images` and `make_dataset`, chapter 3 `build_model` and
# `make_loss`.
#
# 第一个单元格让课程的辅助函数可以导入：如果环境里没有 `mnist_helpers`（例如 Colab 或全新的
# 内核），它会用 pip 安装这个包；已经安装时它什么也不做。它在 TensorFlow 之前导入
# `mnist_helpers`，这样 TensorFlow 在 C++ 层启动时打印的日志就不会出现在笔记本里。
# `load_mnist()` 的返回值与 `tf.keras.datasets.mnist.load_data()` 相同；离线时（以及在设置了
# `MNIST_SOURCE=sample` 的 CI 中）它返回内置的 5,000 张真实 MNIST 手写数字样本。
# 第 2 章讲过 `normalize_images` 和 `make_dataset`，第 3 章讲过 `build_model` 和 `make_loss`。

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
from mnist_helpers.fast_training import FusedTraining

keras.utils.set_random_seed(0)  # The same initial weights and batches on every run.

# %%
(x_train, y_train), (x_test, y_test) = load_mnist()
x_train, x_test = normalize_images(x_train), normalize_images(x_test)
print(x_train.shape, x_train.dtype, y_train.shape)

# %% [markdown]
# Eager steps are slow (we measure how slow at the end), so the demonstrations that run the
# eager loop, or train several models to compare them, use a fixed slice: the first 4,000
# training digits. Offline that is the whole training split of the sample; with the full MNIST it
# is one fifteenth of it. Counting steps and training for five epochs use every training digit.
#
# eager 模式下的训练步很慢（本章最后会测量有多慢），所以运行 eager 循环、或者训练多个模型来做
# 比较的演示，都只用一个固定的切片：前 4,000 张训练图片。离线时这正是样本的全部训练集；用完整的
# MNIST 时它是训练集的十五分之一。数步数和训练 5 个 epoch 时用的是全部训练图片。

# %%
SLICE = 4000
x_slice, y_slice = x_train[:SLICE], y_train[:SLICE]
print(f"the slice: {len(x_slice)} of {len(x_train)} training digits")

# %% [markdown]
# ## The classroom notebook's training loop · 原笔记本的训练循环
#
# Everything the loop needs, as in the classroom notebook: the shuffled, batched dataset (buffer
# 1024, batch 64), the model, the loss on logits, an accuracy metric and the Adam optimizer.
# (`tf.keras` in the classroom notebook is the same Keras as `keras` here.)
#
# 循环需要的一切都与原笔记本相同：打乱并分批的数据集（缓冲区 1024，批大小 64）、模型、基于
# logits 的损失函数、一个准确率指标和 Adam 优化器。（原笔记本里的 `tf.keras` 与这里的 `keras`
# 是同一个 Keras。）

# %%
BATCH_SIZE = 64
dataset = make_dataset(x_slice, y_slice, batch_size=BATCH_SIZE, shuffle_buffer=1024, seed=0)
model = build_model(seed=0)
loss = make_loss()  # SparseCategoricalCrossentropy(from_logits=True), chapter 3
accuracy = keras.metrics.SparseCategoricalAccuracy()
optimizer = keras.optimizers.Adam()

# %% [markdown]
# > **Q (classroom notebook):** In the following iteration loop, what does 'one step' refer to?
# > Is it related to the above `dataset.shuffle()`, especially the parameters `buffer_size` and
# > `batch`?
# >
# > **问（原笔记本）：** 在下面的迭代循环中，“一步”（one step）指的是什么？它与上面的
# > `dataset.shuffle()`，特别是参数 `buffer_size` 和 `batch`，有关系吗？
#
# Here is the classroom notebook's loop, run for one epoch of the slice. Two lines are added to
# record the loss and the running accuracy after every step, and it logs every 20 steps instead
# of every 100, because the slice has only 63 steps per epoch.
#
# 下面就是原笔记本的循环，在切片上运行一个 epoch。我们加了两行，记录每一步之后的损失和累计
# 准确率；日志改为每 20 步打印一次（原来是每 100 步），因为切片的一个 epoch 只有 63 步。

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
#   shape (64,); `step` counts batches. `enumerate(dataset)` 每次交出一个**批次**：`x` 的形状是
#   (64, 784)，`y` 的形状是 (64,)；`step` 数的是批次。
# - Inside `tf.GradientTape()` TensorFlow records every operation of the forward pass
#   `model(x)` and of the loss, so that it can differentiate them afterwards.
#   在 `tf.GradientTape()` 里，TensorFlow 记录前向计算 `model(x)` 和损失的每一个运算，
#   这样之后才能对它们求导。
# - `tape.gradient(loss_value, model.trainable_weights)` gives, for each weight matrix and bias,
#   how the batch's loss changes when that weight changes (back-propagation).
#   `tape.gradient(...)` 对每个权重矩阵和偏置给出：这个权重变化时，本批次的损失如何变化
#   （这就是反向传播）。
# - `optimizer.apply_gradients(...)` moves every weight a small step against its gradient
#   (Adam adapts the step size per weight). This is the only line that changes the model.
#   `optimizer.apply_gradients(...)` 让每个权重沿梯度的反方向走一小步（Adam 为每个权重单独调整
#   步长）。只有这一行会改变模型。
# - `accuracy.update_state(y, logits)` adds this batch's correct predictions to a running total;
#   `accuracy.result()` is correct / seen **since the metric was created or last reset**.
#   `accuracy.update_state(y, logits)` 把本批次预测正确的个数累加到总数里；`accuracy.result()`
#   是**自指标创建或上次重置以来**的“正确数 / 已见数”，也就是累计准确率。
#
# So one step = one batch = one forward pass, one loss, one set of gradients, one update.
#
# 所以：一步 = 一个批次 = 一次前向计算、一个损失值、一组梯度、一次权重更新。

# %%
print(f"steps run in one epoch of the slice: {step + 1}")

# %% [markdown]
# The loss of a single step is noisy: it depends on which 64 digits happened to be in the
# batch. The running accuracy is smooth because it averages over every batch so far.
#
# 单步的损失波动很大：它取决于这个批次碰巧抽到了哪 64 张图片。累计准确率的曲线却很平滑，
# 因为它是到目前为止所有批次的平均。

# %%
fig, (loss_ax, accuracy_ax) = plt.subplots(1, 2, figsize=(10, 3.5))
loss_ax.plot(step_losses)
loss_ax.set(title="Loss of each step", xlabel="step", ylabel="cross-entropy")
accuracy_ax.plot(running_accuracies)
accuracy_ax.set(title="Running accuracy", xlabel="step", ylabel="accuracy")
fig.tight_layout()

# %%
assert len(step_losses) == math.ceil(len(x_slice) / BATCH_SIZE)
assert np.mean(step_losses[-10:]) < np.mean(step_losses[:10]) / 2, "the loss should fall"

# %% [markdown]
# ## One step is one batch: how many steps per epoch? · 一步就是一个批次：每个 epoch 有多少步？
#
# An epoch shows every training digit once, in batches of 64, so it takes ceil(N / batch)
# steps; the last batch holds what is left over. `dataset.cardinality()` is TensorFlow's own
# count of batches. Here for the whole training set:
#
# 一个 epoch 把每张训练图片看一遍，每批 64 张，所以需要 ceil(N / batch) 步，最后一批装的是剩下的
# 图片。`dataset.cardinality()` 是 TensorFlow 自己数出的批次数。下面是整个训练集的情况：

# %%
full_dataset = make_dataset(x_train, y_train, batch_size=BATCH_SIZE, shuffle_buffer=1024, seed=0)
steps_per_epoch = math.ceil(len(x_train) / BATCH_SIZE)
batch_sizes = [int(tf.shape(x)[0]) for x, _ in full_dataset]
print(f"ceil({len(x_train)} / {BATCH_SIZE}) = {steps_per_epoch}")
print(f"dataset.cardinality() = {int(full_dataset.cardinality())}")
print(f"batch sizes: first {batch_sizes[0]}, last {batch_sizes[-1]}, total {sum(batch_sizes)}")

# %%
assert len(batch_sizes) == int(full_dataset.cardinality()) == steps_per_epoch
assert sum(batch_sizes) == len(x_train)
assert batch_sizes[-1] == len(x_train) - (steps_per_epoch - 1) * BATCH_SIZE

# %% [markdown]
# Which parameter changes the number of steps? `batch` does, `buffer_size` does not:
#
# 哪个参数改变步数？`batch` 会改变，`buffer_size` 不会：

# %%
steps_by_batch = {}
for batch_size in (32, 64, 128):
    steps_by_batch[batch_size] = [
        int(make_dataset(x_train, y_train, batch_size, shuffle_buffer=buffer).cardinality())
        for buffer in (64, 1024, len(x_train))
    ]
    print(
        f"batch {batch_size:3}: steps per epoch with buffer 64, 1024, {len(x_train)}: "
        f"{steps_by_batch[batch_size]}"
    )

# %%
for batch_size, counts in steps_by_batch.items():
    assert counts == [math.ceil(len(x_train) / batch_size)] * 3

# %% [markdown]
# ## What the shuffle buffer does · 打乱缓冲区的作用
#
# `shuffle(buffer_size)` does not shuffle the whole dataset at once. It fills a buffer with the
# first `buffer_size` examples, hands out one of them at random, puts the next example of the
# dataset in its place, and so on. So an example can come out at most `buffer_size - 1` places
# earlier than it sits in the data (when it leaves, every example before it has entered the
# buffer, and at most `buffer_size - 1` of those are still waiting there). It can come out
# arbitrarily late, though: each draw passes it over with probability
# 1 - 1 / `buffer_size`, however long it has waited.
#
# `shuffle(buffer_size)` 并不是一次打乱整个数据集。它先把前 `buffer_size` 个样本放进缓冲区，随机
# 交出其中一个，再用数据集中的下一个样本补上空位，如此反复。因此，一个样本最多只能比它在数据中
# 的位置提前 `buffer_size - 1` 位出来（它出来时，排在它前面的样本都已进入过缓冲区，其中最多有
# `buffer_size - 1` 个还在里面等着）。但它可以晚得多：不管已经等了多久，每次抽取时它都有
# 1 - 1 / `buffer_size` 的概率没被抽中。
#
# To see it, shuffle the numbers 0, 1, 2, ... (one per digit of the slice) with a buffer of 64,
# and compare where each number comes out with where it started:
#
# 为了看清这一点，我们用大小为 64 的缓冲区打乱 0、1、2……（切片里每张图片一个编号），比较每个
# 编号出来的位置和它原来的位置：

# %%
SMALL_BUFFER = 64
shuffled = np.array(list(tf.data.Dataset.range(SLICE).shuffle(SMALL_BUFFER, seed=0)))
places_late = np.arange(SLICE) - shuffled  # > 0: came out later than its place in the data
print(f"buffer {SMALL_BUFFER} over {SLICE} examples:")
print(f"  earliest: {-places_late.min()} places early, latest: {places_late.max()} places late")
print(f"  examples more than {SMALL_BUFFER} places late: {np.sum(places_late > SMALL_BUFFER)}")

# %%
assert sorted(shuffled) == list(range(SLICE)), "every example comes out exactly once"
assert places_late.min() >= -(SMALL_BUFFER - 1)
assert places_late.max() > SMALL_BUFFER

# %% [markdown]
# Now sort the slice's digits by label (all 0s, then all 1s, ...) and batch them with no
# shuffle, with a buffer of 64, and with a buffer as large as the slice. The random seeds fix
# the order, so these labels are the same on every run.
#
# 现在把切片里的图片按标签排序（先是所有的 0，再是所有的 1……），分别在不打乱、缓冲区为 64、
# 缓冲区与切片一样大这三种情况下分批。随机种子固定了顺序，所以每次运行得到的标签都相同。

# %%
by_label = np.argsort(y_slice, kind="stable")
x_sorted, y_sorted = x_slice[by_label], y_slice[by_label]
buffers = {"no shuffle": None, "buffer 64": SMALL_BUFFER, f"buffer {SLICE}": SLICE}
batch_labels = {
    name: [y.numpy() for _, y in make_dataset(x_sorted, y_sorted, shuffle_buffer=buffer, seed=0)]
    for name, buffer in buffers.items()
}
distinct = {
    name: np.array([len(np.unique(labels)) for labels in batches])
    for name, batches in batch_labels.items()
}
for name, batches in batch_labels.items():
    print(f"{name}: first batch starts {batches[0][:16]}")
    print(f"  digits in batch 7: {np.bincount(batches[6], minlength=10)}")
    holding = np.bincount(distinct[name], minlength=11)[1:]
    print(f"  batches holding 1, 2, ..., 10 distinct digits: {holding}")

# %% [markdown]
# With no shuffle or a 64-digit buffer, every batch above holds one or two distinct digits: two
# where it straddles the border between one digit's run and the next. A third digit is possible
# with the small buffer (a straggler from the run before, come out late), and rare; the counts
# above show how often it happened here. Only a buffer at least as large as the data mixes all
# ten digits into (nearly) every batch. The picture: each row is a batch, each column a digit,
# the colour how many of that digit the batch holds.
#
# 不打乱或缓冲区为 64 时，上面每个批次只有一种或两种数字：跨在两种数字交界处的批次有两种。
# 小缓冲区下也可能出现第三种数字（前一段里出来得很晚的“掉队者”），但很少见；上面的计数显示了
# 这里出现了几次。只有至少与数据一样大的缓冲区，才能让（几乎）每个批次都包含全部十种数字。
# 下图中每一行是一个批次，每一列是一个数字，颜色表示这个批次里有多少个该数字。

# %%
fig, axes = plt.subplots(1, 3, figsize=(10, 4), sharey=True)
for ax, (name, batches) in zip(axes, batch_labels.items(), strict=True):
    ax.imshow([np.bincount(labels, minlength=10) for labels in batches], aspect="auto")
    ax.set(title=name, xlabel="digit", xticks=range(10))
axes[0].set_ylabel("batch (step)")
fig.tight_layout()

# %%
assert distinct["no shuffle"].max() <= 2
assert distinct["buffer 64"].max() <= 3
assert np.mean(distinct["buffer 64"] <= 2) > 0.9
assert distinct[f"buffer {SLICE}"].mean() > 9.5

# %% [markdown]
# Does it matter for learning? Train a fresh model for one epoch on the sorted digits with each
# buffer, then measure it on the test set (`evaluate` is explained in chapter 5). With the small
# buffer, the model learns 0s, then forgets them for 1s, and so on: at the end of the epoch it
# mostly answers the last digits it saw.
#
# 这对学习有影响吗？分别用两种缓冲区，在排好序的图片上把一个新模型训练一个 epoch，再在测试集上
# 衡量它（`evaluate` 在第 5 章讲解）。用小缓冲区时，模型先学 0，再为了学 1 把 0 忘掉，依此类推：
# epoch 结束时，它几乎只会回答最后见过的那几种数字。

# %% tags=["nbval-ignore-output"]
sorted_test_accuracy = {}
for name in ("buffer 64", f"buffer {SLICE}"):
    sorted_model = build_model(seed=0)
    sorted_data = make_dataset(x_sorted, y_sorted, shuffle_buffer=buffers[name], seed=0)
    train(sorted_model, sorted_data, epochs=1, progress=False)
    result = evaluate(sorted_model, x_test, y_test)
    sorted_test_accuracy[name] = result.accuracy
    counts = np.bincount(result.predictions, minlength=10)
    print(f"{name}: test accuracy {result.accuracy:.3f}, predictions per digit {counts}")

# %%
assert sorted_test_accuracy["buffer 64"] < 0.5
assert sorted_test_accuracy[f"buffer {SLICE}"] > 0.75

# %% [markdown]
# `make_dataset` also reshuffles at every pass (`reshuffle_each_iteration=True`), so each epoch
# sees new batches, while the random seed still makes the sequence of epochs repeatable:
#
# `make_dataset` 在每一遍遍历时都会重新打乱（`reshuffle_each_iteration=True`），所以每个 epoch
# 看到的批次都不同；而随机种子仍然保证这一连串 epoch 每次运行都一样：

# %%
reshuffled = make_dataset(x_sorted, y_sorted, shuffle_buffer=SLICE, seed=0)
first_epoch, second_epoch = (next(iter(reshuffled))[1].numpy()[:16] for _ in range(2))
print(f"epoch 1, first batch starts {first_epoch}")
print(f"epoch 2, first batch starts {second_epoch}")

# %%
assert not np.array_equal(first_epoch, second_epoch)

# %% [markdown]
# ## Running accuracy versus accuracy after the epoch · 累计准确率与 epoch 结束后的准确率
#
# The classroom notebook prints "total running accuracy so far". It averages over every batch
# of the epoch, each scored by the model **as it was at that step**: the first batches were
# scored by a model that had barely trained. Measuring the finished model on the same training
# digits gives a higher number.
#
# 原笔记本打印的是“total running accuracy so far”，即累计准确率：它是本 epoch 所有批次的平均，
# 而每个批次都是用**当时那一步**的模型打分的，最前面的几个批次用的是几乎没训练过的模型。
# 用训练完的模型在同样的训练图片上重新测量，得到的准确率更高。

# %% tags=["nbval-ignore-output"]
running_accuracy = float(accuracy.result())
after_epoch_accuracy = evaluate(model, x_slice, y_slice).accuracy
print(f"running accuracy during epoch 1: {running_accuracy:.4f}")
print(f"accuracy measured after epoch 1: {after_epoch_accuracy:.4f}")

# %%
assert after_epoch_accuracy > running_accuracy

# %% [markdown]
# The metric keeps counting until it is reset. After epoch 1 it has counted every digit of the
# slice once; if we trained on without resetting, epoch 2 would report the average over both
# epochs, still dragged down by epoch 1's first batches. So each epoch starts with
# `accuracy.reset_state()`.
#
# 指标会一直累加，直到被重置。第一个 epoch 之后，它把切片里的每张图片都数了一遍；如果不重置就接着
# 训练，第二个 epoch 报告的将是两个 epoch 的平均值，仍会被第一个 epoch 开头的那些批次拉低。
# 所以每个 epoch 开始时都要调用 `accuracy.reset_state()`。

# %%
print(f"digits counted by the metric after epoch 1: {int(accuracy.count)}")

# %%
assert int(accuracy.count) == len(x_slice)

# %% [markdown]
# ## From the classroom notebook's loop to the helpers · 从原笔记本的循环到辅助函数
#
# The loop above is now in `mnist_helpers/training.py`, so later chapters train in one line:
#
# - `make_train_step(model, loss, optimizer, accuracy)` returns the loop's body, the
#   `GradientTape` step, as a function `train_step(x, y) -> loss`;
# - `train_epoch(train_step, dataset, accuracy)` resets the metric, runs one step per batch and
#   returns the epoch's mean loss and running accuracy;
# - `train(model, dataset, epochs)` creates the loss, Adam and the metric, and calls
#   `train_epoch` once per epoch.
#
# 上面的循环现在放在 `mnist_helpers/training.py` 里，后面的章节一行就能训练：
#
# - `make_train_step(model, loss, optimizer, accuracy)` 返回循环体，也就是基于 `GradientTape`
#   的那一步，形式是函数 `train_step(x, y) -> loss`；
# - `train_epoch(train_step, dataset, accuracy)` 先重置指标，再对每个批次走一步，返回这个 epoch
#   的平均损失和累计准确率；
# - `train(model, dataset, epochs)` 创建损失函数、Adam 优化器和准确率指标，每个 epoch 调用一次
#   `train_epoch`。
#
# Epoch 2 of the same model, with the same loss, optimizer and metric, through the helpers:
#
# 用辅助函数给同一个模型（同样的损失函数、优化器和指标）训练第二个 epoch：

# %% tags=["nbval-ignore-output"]
train_step = make_train_step(model, loss, optimizer, accuracy)
epoch_2 = train_epoch(train_step, dataset, accuracy, progress=False)
print(f"epoch 2: mean loss {epoch_2['loss']:.4f}, running accuracy {epoch_2['accuracy']:.4f}")

# %%
print(f"digits counted by the metric in epoch 2: {int(accuracy.count)}")
assert int(accuracy.count) == len(x_slice)

# %% [markdown]
# As many as in epoch 1, not twice as many: `train_epoch` reset the metric, so epoch 2's accuracy
# is epoch 2's alone.
#
# 与第一个 epoch 一样多，而不是两倍：`train_epoch` 重置了指标，所以第二个 epoch 的准确率只属于
# 第二个 epoch。
#
# ## Training for several epochs · 训练多个 epoch
#
# One epoch is rarely enough. A fresh model, five epochs over every training digit, one call:
#
# 一个 epoch 通常不够。一个新模型，在全部训练图片上训练 5 个 epoch，只需一次调用：

# %% tags=["nbval-ignore-output"]
model = build_model(seed=0)
history = train(model, full_dataset, epochs=5, progress=False)
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
# 损失在前几个 epoch 下降最快，然后趋于平缓。不过，训练准确率接近 100% 并不是目标：第 5 章会用
# 模型从未见过的测试图片来衡量它。
#
# ## The same step, compiled with `tf.function` · 用 `tf.function` 编译同一个训练步
#
# The classroom notebook's loop runs **eagerly**: Python executes each TensorFlow operation one
# by one and returns to Python in between. `tf.function` traces the step once into a graph,
# then runs the whole graph without going back to Python. `make_train_step(..., compiled=False)`
# is the eager step; `compiled=True` (the default) is the traced graph.
#
# 原笔记本的循环以 **eager（即时执行）** 模式运行：Python 逐个执行每个 TensorFlow 运算，每个运算
# 之间都要回到 Python。`tf.function` 把训练步追踪（trace）一次，变成一个计算图，之后整个图一次
# 执行完，不再回到 Python。`make_train_step(..., compiled=False)` 是 eager 的训练步，
# `compiled=True`（默认）是追踪得到的计算图。
#
# We time both on the same 20 batches, after a first call that lets the compiled step trace
# its graph, and keep the best of three runs (the least disturbed by other programs).
#
# 我们在同样的 20 个批次上给两者计时：先调用一次，让编译版追踪出计算图，然后重复三轮，取最快的
# 一轮（受其他程序干扰最少）。

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
print(f"speed-up after the first call: {speed_up:.1f}x")

# %%
# Timings depend on the machine and on what else runs on it: they are shown, not asserted.
# What must hold is that both modes did the same training: same weights, same batches, same loss.
assert abs(last_loss["eager"] - last_loss["compiled"]) < 1e-3, last_loss

# %% [markdown]
# The first call of the compiled step is slow, because it traces the graph (and compiles it);
# every later call with batches of the same shape reuses that graph, and a batch of a new shape,
# such as the smaller last batch of an epoch, costs one more trace. Eager mode remains the one to
# debug in: there you can `print` a tensor inside the step.
#
# 编译版的第一次调用很慢，因为要追踪计算图（并编译它）；之后形状相同的批次都复用这个图，而遇到
# 新形状的批次（例如一个 epoch 最后那个较小的批次）时要再追踪一次。调试时仍然用 eager 模式：
# 在那里可以直接在训练步里 `print` 一个张量。
#
# ## Faster still: fused kernels, several steps per call · 更快：融合内核与每次调用多步
#
# `train` does not stop at `tf.function`. For the course's models (Dense layers, ReLU between
# them, logits out) it runs the very same updates through `FusedTraining`, in
# `mnist_helpers/fast_training.py`, kept apart from the loop above so that the loop stays the one
# you read here:
#
# - **Fused kernels**: each layer's matrix product, bias and ReLU run as one kernel, the loss and
#   its gradient come from one operation, and XLA (`jit_compile=True`) compiles Adam's update of
#   every weight into one pass over memory instead of about ten.
# - **Several steps per call**: a Python loop that calls the graph once per batch pays Python's
#   overhead (fetch the batch, call the graph) at every step, 938 times per epoch of the full
#   MNIST; `FusedTraining` runs up to 50 steps inside one graph call.
#
# `train` 并不止于 `tf.function`。对于课程的模型（全连接层、层间 ReLU、输出 logits），它通过
# `mnist_helpers/fast_training.py` 中的 `FusedTraining` 执行完全相同的更新；这部分单独存放，好让
# 上面的循环保持你在这里读到的样子：
#
# - **融合内核**：每一层的矩阵乘法、偏置和 ReLU 作为一个内核运行，损失及其梯度由一个运算算出，
#   XLA（`jit_compile=True`）把 Adam 对每个权重的更新编译成对内存的一次遍历，而不是大约十次。
# - **每次调用多步**：每个批次都从 Python 调用一次计算图，每一步都要付出 Python 的开销（取批次、
#   调用计算图），完整 MNIST 的一个 epoch 就是 938 次；`FusedTraining` 在一次调用里最多跑 50 步。
#
# Each way trains a fresh model on the slice; we time its first epoch, which includes tracing and
# compiling, and its second, which reuses the graphs (the eager loop traces nothing and runs one
# epoch):
#
# 每种方式都在切片上训练一个新模型。我们分别计时第一个 epoch（包括追踪和编译）和第二个 epoch
# （复用已有的计算图）；eager 循环不需要追踪，只跑一个 epoch：

# %% tags=["nbval-ignore-output"]
EAGER = "eager, step by step (the classroom notebook)"
COURSE = "train's path: FusedTraining, 50 steps per call"


def epoch_runner(way: str, model: keras.Model, accuracy: keras.metrics.Metric):
    """One epoch of the slice, run the way named `way`."""
    if way == COURSE:
        fused = FusedTraining(model, keras.optimizers.Adam(), accuracy)
        return lambda data: fused.epoch(data, progress=False)
    step = make_train_step(
        model, make_loss(), keras.optimizers.Adam(), accuracy, compiled=way != EAGER
    )
    return lambda data: train_epoch(step, data, accuracy, progress=False)


ways = [EAGER, "tf.function, one call per step", COURSE]
epoch_seconds, first_epoch, second_epoch_loss = {}, {}, {}
for way in ways:
    way_data = make_dataset(x_slice, y_slice, batch_size=BATCH_SIZE, shuffle_buffer=1024, seed=0)
    way_accuracy = keras.metrics.SparseCategoricalAccuracy()
    run_epoch = epoch_runner(way, build_model(seed=0), way_accuracy)
    epoch_seconds[way] = []
    for epoch in range(1 if way == EAGER else 2):
        start = time.perf_counter()
        result = run_epoch(way_data)
        epoch_seconds[way].append(time.perf_counter() - start)
        if epoch == 0:
            first_epoch[way] = result
        else:
            second_epoch_loss[way] = result["loss"]
    print(f"{way:48}: " + ", ".join(f"{seconds:5.2f} s" for seconds in epoch_seconds[way]))
print("first epoch, tracing and compiling included, against the eager epoch:")
for way in ways[1:]:
    ratio = epoch_seconds[way][0] / epoch_seconds[EAGER][0]
    print(f"  {way}: {ratio:.2f}x its time ({'faster' if ratio < 1 else 'slower'})")

# %%
# The same training, only faster: same weights, same batches, the same mean loss in epoch 1.
losses = [result["loss"] for result in first_epoch.values()]
assert max(losses) - min(losses) < 1e-3, first_epoch
assert set(second_epoch_loss) == set(ways) - {EAGER}

# %% [markdown]
# What the measurement above shows, on the slice's 63 steps per epoch: from the second epoch on,
# both compiled ways run an epoch several times faster than the eager loop. The first epoch also
# pays the one-time costs: tracing the graph, and on `train`'s path one XLA compilation of
# Adam's update (its shapes do not depend on the batch, so the smaller last batch costs no second
# compilation). The last lines above say how each first epoch compared with the eager epoch in
# this run; on a machine shared with other programs that comparison can go either way for a
# handful of steps. The costs are paid once per model, so over a long training run, or an epoch
# of the full MNIST (938 steps), they are repaid many times.
#
# 上面的测量（切片每个 epoch 63 步）说明：从第二个 epoch 起，两种编译方式跑一个 epoch 都比 eager
# 循环快好几倍。第一个 epoch 还要付出一次性的开销：追踪计算图；在 `train` 的路径上还要用 XLA
# 编译一次 Adam 的更新（它的形状与批次无关，所以最后那个较小的批次不需要再编译一次）。上面最后
# 几行给出了这次运行中每种方式的第一个 epoch 与 eager epoch 的比较；在与其他程序共用的机器上，
# 只有几十步时，这个比较的结果可能偏向任何一方。这些开销每个模型只付一次，所以在较长的训练中，
# 或者完整 MNIST 的一个 epoch（938 步）里，它们会被成倍地赚回来。
#
# ## Keras `fit` at its best: `steps_per_execution` · 最佳设置下的 Keras `fit`：`steps_per_execution`
#
# `model.fit` runs the same kind of loop, and it has both tricks too, but on a machine without a
# GPU Keras 3 leaves them off by default: `compile(jit_compile="auto")` turns XLA off on
# CPU-only machines, and `steps_per_execution` defaults to 1 step per graph call.
# **`steps_per_execution=N` is `fit`'s version of "several steps per graph call"**. A fair
# comparison sets both, as `train` does. Both contenders train a fresh model on the slice, with
# the same data, loss and optimizer; the course loop's figures come from the cell above.
#
# `model.fit` 运行的是同一类循环，它也有这两招，但在没有 GPU 的机器上 Keras 3 默认都不开：
# `compile(jit_compile="auto")` 在只有 CPU 的机器上关闭 XLA，`steps_per_execution` 默认为每次
# 调用计算图只跑 1 步。**`steps_per_execution=N` 就是 `fit` 版的“每次调用计算图跑多步”**。
# 公平的比较要把两者都打开，就像 `train` 那样。两个对手都在切片上训练一个新模型，数据、损失函数和
# 优化器都相同；课程循环的数据来自上一个单元格。

# %% tags=["nbval-ignore-output"]
fit_settings = {
    "model.fit, defaults": {},
    "model.fit, jit_compile=True, steps_per_execution=50": {
        "jit_compile": True,
        "steps_per_execution": 50,
    },
}
fit_models, fit_seconds, fit_first_epoch = {}, {}, {}
for way, settings in fit_settings.items():
    fit_model = build_model(seed=0)
    fit_model.compile(
        optimizer=keras.optimizers.Adam(), loss=make_loss(), metrics=["accuracy"], **settings
    )
    fit_data = make_dataset(x_slice, y_slice, batch_size=BATCH_SIZE, shuffle_buffer=1024, seed=0)
    fit_seconds[way], histories = [], []
    for _ in range(2):  # Two calls of one epoch each: the second reuses the compiled function.
        start = time.perf_counter()
        histories.append(fit_model.fit(fit_data, epochs=1, shuffle=False, verbose=0).history)
        fit_seconds[way].append(time.perf_counter() - start)
    fit_models[way], fit_first_epoch[way] = fit_model, histories[0]
    print(f"{way:53}: " + ", ".join(f"{seconds:5.2f} s" for seconds in fit_seconds[way]))
course_seconds = ", ".join(f"{seconds:5.2f} s" for seconds in epoch_seconds[COURSE])
print(f"{COURSE:53}: {course_seconds}")

# %%
default_fit, tuned_fit = fit_models.values()
assert default_fit.steps_per_execution == 1 and tuned_fit.steps_per_execution == 50
if not tf.config.list_physical_devices("GPU"):
    assert default_fit.jit_compile is False, "Keras 3 turns XLA off on CPU-only machines"
assert tuned_fit.jit_compile is True
# Tuned fit trains as the course loop does: in epoch 1 the same running accuracy and nearly the
# same mean loss (fit weights each batch's loss by its size, so the smaller last one counts less).
tuned_epoch_1 = fit_first_epoch["model.fit, jit_compile=True, steps_per_execution=50"]
assert abs(tuned_epoch_1["accuracy"][0] - first_epoch[COURSE]["accuracy"]) < 1e-3
assert np.isclose(tuned_epoch_1["loss"][0], first_epoch[COURSE]["loss"], rtol=0.01)

# %% [markdown]
# On a slice of 63 steps, `fit`'s fixed costs per call (callbacks, its data adapter, a new
# iterator) weigh heavily, so these timings say little about a real epoch. The benchmark,
# `./run.sh benchmark` (`benchmarks/train_loop.py`), times one epoch of 60,000 digits for the
# eager loop, `fit` with its defaults, `fit` with `jit_compile=True` and `steps_per_execution`,
# and the course loop; `benchmarks/README.md` holds its latest figures. Measured that way, the
# course loop's lead over `fit`'s defaults comes from exactly these two settings: given them,
# `fit` runs about as fast as the course loop.
#
# 切片只有 63 步，`fit` 每次调用的固定开销（回调、数据适配器、新建迭代器）占比很大，所以这些计时
# 说明不了完整 epoch 的情况。基准测试 `./run.sh benchmark`（`benchmarks/train_loop.py`）在 60,000
# 张图片的一个 epoch 上分别计时：eager 循环、默认设置的 `fit`、设置了 `jit_compile=True` 和
# `steps_per_execution` 的 `fit`，以及课程的循环；最新数据见 `benchmarks/README.md`。这样测量时，
# 课程循环领先默认 `fit` 的那部分，恰好来自这两个设置：打开它们以后，`fit` 与课程循环差不多快。
#
# ## The classroom notebook's question, answered · 原笔记本的问题解答
#
# > **Q:** What does 'one step' refer to? Is it related to `dataset.shuffle()`, `buffer_size`
# > and `batch`?
# >
# > **问：** “一步”指的是什么？它与 `dataset.shuffle()`、`buffer_size` 和 `batch` 有关系吗？
#
# **One step is one batch:** one forward pass over 64 digits, one loss, one set of gradients,
# one update of every weight. `enumerate(dataset)` counts batches, so an epoch takes
# ceil(N / batch) steps: 63 for 4,000 digits (the last batch holds 32) and 938 for the full
# 60,000. **`batch` sets the number of steps; `buffer_size` does not.** The buffer decides
# *which* digits share a batch: `shuffle` draws each next example at random from a buffer of
# `buffer_size` examples, so an example comes out at most `buffer_size - 1` places early but
# possibly far later. On label-sorted digits a buffer of 64 left nearly every batch with one or
# two distinct digits, and the model ended the epoch answering mostly the last digits it saw; a
# buffer as large as the data put all ten digits in nearly every batch. The Keras MNIST arrays
# are already in random order, which is why the classroom notebook's buffer of 1024 works
# there; `buffer_size >= N` always gives a full shuffle. Shuffle before batching:
# `batch(64).shuffle(...)` would shuffle whole batches instead (exercise 2).
#
# **一步就是一个批次：** 对 64 张图片做一次前向计算、算一个损失值、求一组梯度、更新一次所有权重。
# `enumerate(dataset)` 数的是批次，所以一个 epoch 有 ceil(N / batch) 步：4,000 张图片是 63 步
# （最后一批 32 张），完整的 60,000 张是 938 步。**`batch` 决定步数，`buffer_size` 不影响步数。**
# 缓冲区决定的是*哪些*图片落在同一个批次里：`shuffle` 每次从装着 `buffer_size` 个样本的缓冲区中
# 随机抽出下一个，所以一个样本最多提前 `buffer_size - 1` 位出来，却可能晚得多。在按标签排好序的
# 图片上，大小为 64 的缓冲区让几乎每个批次只有一种或两种数字，模型在 epoch 结束时几乎只会回答
# 最后见过的数字；与数据一样大的缓冲区让几乎每个批次都包含全部十种数字。Keras 的 MNIST 数组本来
# 就是随机顺序，所以原笔记本的 1024 在那里够用；`buffer_size >= N` 总能完全打乱。要先打乱再分批：
# `batch(64).shuffle(...)` 打乱的是整个批次的顺序（见练习 2）。
#
# ## Summary · 小结
#
# - One step = one batch = forward pass, loss, gradients, one optimizer update; an epoch is
#   ceil(N / batch) steps. 一步 = 一个批次 = 前向计算、损失、梯度、一次优化器更新；一个 epoch
#   有 ceil(N / batch) 步。
# - `shuffle(buffer_size)` mixes examples only within its buffer: an example comes out at most
#   `buffer_size - 1` places early, but possibly much later. Use a buffer at least as large as
#   any ordering in the data. `shuffle(buffer_size)` 只在缓冲区内打乱样本：一个样本最多提前
#   `buffer_size - 1` 位，却可能晚很多。缓冲区至少要和数据中任何有序的片段一样大。
# - The running accuracy averages over an epoch of a changing model; it lags behind the accuracy
#   of the finished model. Reset the metric every epoch. 累计准确率是一个不断变化的模型在整个
#   epoch 上的平均，落后于训练完的模型的准确率；每个 epoch 都要重置指标。
# - `tf.function` traces the step into a graph: the first call traces, later calls run several
#   times faster. `train`'s path (`FusedTraining`: fused kernels, 50 steps per graph call) makes
#   later epochs faster still, after a one-time cost in the first. `tf.function` 把训练步追踪成
#   计算图：第一次调用负责追踪，之后每步快好几倍。`train` 的路径（`FusedTraining`：融合内核、每次
#   调用跑 50 步）让后面的 epoch 更快，代价是第一个 epoch 里的一次性开销。
# - `model.fit` has the same two tricks: `compile(jit_compile=True, steps_per_execution=N)`.
#   Compare with `fit` at those settings, not at its defaults. `model.fit` 也有这两招：
#   `compile(jit_compile=True, steps_per_execution=N)`；比较时要用这些设置，而不是默认值。
# - From now on: `history = train(model, dataset, epochs=5)`. 从现在起，训练只需一行：
#   `history = train(model, dataset, epochs=5)`。
#
# ## Exercises · 练习
#
# 1. Train a fresh model on the slice for 3 epochs with `batch_size=32` and with
#    `batch_size=256`. How many steps per epoch, and which reaches the lower mean loss in the
#    third epoch? Why? 分别用批大小 32 和 256，在切片上把新模型训练 3 个 epoch。每个 epoch 各有
#    多少步？第三个 epoch 谁的平均损失更低？为什么？

# %% tags=["solution", "hide-cell", "nbval-ignore-output"] jupyter={"source_hidden": true, "outputs_hidden": true}
# Solution 1: a smaller batch means more steps, so more weight updates per epoch; with the same
# learning rate, three epochs of 125 updates go further than three epochs of 16.
# 解答 1：批越小，步数越多，每个 epoch 更新权重的次数就越多；学习率相同时，3 个 epoch 各 125 次
# 更新，比 3 个 epoch 各 16 次更新走得更远。
third_epoch_loss = {}
for batch_size in (32, 256):
    batch_data = make_dataset(x_slice, y_slice, batch_size=batch_size, seed=0)
    batch_history = train(build_model(seed=0), batch_data, epochs=3, progress=False)
    third_epoch_loss[batch_size] = batch_history["loss"][-1]
    steps = int(batch_data.cardinality())
    epoch_3 = batch_history["loss"][-1]
    print(f"batch {batch_size}: {steps} steps per epoch, epoch 3 mean loss {epoch_3:.3f}")
assert math.ceil(SLICE / 32) == 125 and math.ceil(SLICE / 256) == 16
assert third_epoch_loss[32] < third_epoch_loss[256]

# %% [markdown]
# 2. Build `tf.data.Dataset.from_tensor_slices((x_sorted, y_sorted)).batch(64).shuffle(16)` and
#    count the distinct digits in each of its batches. What does shuffling *after* batching
#    shuffle? 构造 `tf.data.Dataset.from_tensor_slices((x_sorted, y_sorted)).batch(64).shuffle(16)`，
#    数一数它每个批次里有几种不同的数字。先分批再打乱，打乱的究竟是什么？

# %% tags=["solution", "hide-cell"] jupyter={"source_hidden": true, "outputs_hidden": true}
# Solution 2: shuffle() after batch() shuffles whole batches: each batch is still a run of
# sorted digits (one or two distinct digits), only the order of the batches changes.
# 解答 2：在 batch() 之后 shuffle() 打乱的是整个批次：每个批次仍是排好序的一段图片（只有一种或两种
# 数字），变的只是批次的先后顺序。
sorted_digits = tf.data.Dataset.from_tensor_slices((x_sorted, y_sorted))
late_batches = [y.numpy() for _, y in sorted_digits.batch(64).shuffle(16, seed=0)]
print(f"first label of each of the first 8 batches: {[int(b[0]) for b in late_batches[:8]]}")
print(f"most distinct digits in one batch: {max(len(np.unique(b)) for b in late_batches)}")
unshuffled = sorted(tuple(b) for b in batch_labels["no shuffle"])
assert sorted(tuple(b) for b in late_batches) == unshuffled  # the same batches, reordered

# %% [markdown]
# 3. Train a fresh model for two epochs of the slice with `make_train_step`, calling
#    `train_epoch` for epoch 1 but running epoch 2's steps yourself without
#    `accuracy.reset_state()`. What does the metric report after epoch 2, and how does it
#    relate to the accuracies of epoch 1 and epoch 2 alone?
#    用 `make_train_step` 在切片上训练一个新模型两个 epoch：第一个 epoch 调用 `train_epoch`，
#    第二个 epoch 自己逐步运行，不调用 `accuracy.reset_state()`。第二个 epoch 之后指标报告的是什么？
#    它与第一个、第二个 epoch 各自的准确率有什么关系？

# %% tags=["solution", "hide-cell"] jupyter={"source_hidden": true, "outputs_hidden": true}
# Solution 3: without a reset the metric counts both epochs, so it reports their average
# (both epochs see the same number of digits), below epoch 2's own accuracy.
# 解答 3：不重置时指标把两个 epoch 都算进去，报告的是两者的平均值（两个 epoch 看到的图片一样多），
# 低于第二个 epoch 自己的准确率。
no_reset_accuracy = keras.metrics.SparseCategoricalAccuracy()
no_reset_step = make_train_step(
    build_model(seed=0), make_loss(), keras.optimizers.Adam(), no_reset_accuracy
)
epoch_1_accuracy = train_epoch(no_reset_step, dataset, no_reset_accuracy, False)["accuracy"]
correct_1 = float(no_reset_accuracy.total)
for x, y in dataset:  # epoch 2, no reset_state()
    no_reset_step(x, y)
epoch_2_accuracy = (float(no_reset_accuracy.total) - correct_1) / len(x_slice)
reported = float(no_reset_accuracy.result())
print(f"epoch 1 {epoch_1_accuracy:.4f}, epoch 2 {epoch_2_accuracy:.4f}, reported {reported:.4f}")
assert int(no_reset_accuracy.count) == 2 * len(x_slice)
assert np.isclose(reported, (epoch_1_accuracy + epoch_2_accuracy) / 2, atol=1e-6)
assert reported < epoch_2_accuracy

# %% [markdown]
# Next, chapter 5 measures the trained model on the test set.
#
# 下一章：在测试集上评估训练好的模型。
