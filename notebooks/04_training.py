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
# `shuffle(buffer_size)` and `batch` change, train for five epochs, and measure what
# `tf.function`, XLA and several steps per graph call change, next to Keras `fit` with the same
# switches.**
#
# **你将运行原笔记本的训练循环，看到一步就是一个批次，弄清 `shuffle(buffer_size)` 和 `batch`
# 各自改变了什么，训练 5 个 epoch，并测量 `tf.function`、XLA 和“每次调用计算图跑多步”各自带来了
# 什么，再与打开同样开关的 Keras `fit` 比较。**
#
# ## Overview · 概述
#
# We run the classroom notebook's `tf.GradientTape` loop for one epoch, line by line, then
# answer its question with measurements: **one step is one batch**, so an epoch takes
# ceil(N / 64) steps (63 for 4,000 digits, 938 for the full 60,000); `batch` sets how many
# steps there are, `shuffle(buffer_size)` sets which digits share a batch. On digits sorted by
# label, a buffer that does not span the whole sorted range leaves the model far below the
# accuracy a full shuffle reaches, even a buffer as large as one digit's run. We see why the
# running accuracy the loop prints is lower than the accuracy measured after the epoch, train
# for five epochs with a loss curve, and measure what `tf.function`, XLA and several steps per
# graph call change, first epoch included, and when XLA's compilation pays for itself; then
# Keras `fit` with the same two switches.
#
# **中文：** 我们先逐行运行原笔记本中基于 `tf.GradientTape` 的训练循环（一个 epoch），再用实验
# 回答它提出的问题：**一步（step）就是一个批次（batch）**，所以一个 epoch 需要 ceil(N / 64) 步
# （4,000 张图片是 63 步，完整的 60,000 张是 938 步）；`batch` 决定步数，`shuffle(buffer_size)`
# 决定哪些数字落在同一个批次里。在按标签排好序的数据上，缓冲区只要没有覆盖整个有序的范围，
# 训练出的模型准确率就远低于完全打乱时的水平，哪怕缓冲区与一种数字的整段一样大。我们还会看到：
# 循环打印的累计准确率为什么低于 epoch 结束后测得的准确率；训练 5 个 epoch 并画出损失曲线；测量
# `tf.function`、XLA 和“每次调用计算图跑多步”各自带来了什么（包括第一个 epoch 的开销），以及
# XLA 的编译什么时候才能赚回成本；最后是打开同样两个开关的 Keras `fit`。

# %% [markdown]
# ## Setup · 准备
#
# The first cell makes the course's helpers importable: where `mnist_helpers` is missing (Colab,
# a fresh kernel) it installs the package with pip, elsewhere it does nothing. Importing
# `mnist_helpers` sets `TF_CPP_MIN_LOG_LEVEL=1` unless you set it yourself (TensorFlow's C++
# INFO lines hidden, its warnings and errors kept) and filters TensorFlow's known start-up lines
# while it loads. `load_mnist()` returns what `tf.keras.datasets.mnist.load_data()` returns;
# offline (and in CI, where `MNIST_SOURCE=sample`) it is the embedded sample of 5,000 real MNIST
# digits. Chapter 2 explained `normalize_images` and `make_dataset`, chapter 3 `build_model` and
# `make_loss`.
#
# **中文：** 第一个单元格让课程的辅助函数可以导入：如果环境里没有 `mnist_helpers`（例如 Colab
# 或全新的内核），它会用 pip 安装这个包；已经安装时它什么也不做。导入 `mnist_helpers` 时，如果你
# 没有自己设置 `TF_CPP_MIN_LOG_LEVEL`，它会把它设为 1（隐藏 TensorFlow 的 C++ INFO 日志，保留
# 警告和错误），并在加载期间过滤掉 TensorFlow 已知的启动日志。`load_mnist()` 的返回值与
# `tf.keras.datasets.mnist.load_data()` 相同；离线时（以及在设置了 `MNIST_SOURCE=sample` 的 CI
# 中）它返回自带样本：5,000 张真实的 MNIST 手写数字。第 2 章讲过 `normalize_images` 和
# `make_dataset`，第 3 章讲过 `build_model` 和 `make_loss`。

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
import inspect
import math
import time

import keras
import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf

from mnist_helpers import (
    build_model,
    load_mnist,
    make_dataset,
    make_loss,
    make_train_step,
    normalize_images,
    plot_history,
    train,
    train_epoch,
)
from mnist_helpers.training import make_run_steps, run_epoch, several_steps_per_call

keras.utils.set_random_seed(0)  # The same initial weights and batches on every run.

# %%
(x_train, y_train), (x_test, y_test) = load_mnist()
x_train, x_test = normalize_images(x_train), normalize_images(x_test)
print(x_train.shape, x_train.dtype, y_train.shape)

# %% [markdown]
# Eagerly executed steps are slow (we measure how slow later on), so the eager loop and every
# training run of this chapter use a fixed slice: the first 4,000 training digits. Offline that
# is the whole training split of the sample; with the full MNIST it is one fifteenth of it. Only
# counting steps uses every training digit.
#
# **中文：** 即时执行（eager execution）的训练步很慢（本章后面会测量有多慢），所以即时执行的
# 循环和本章的每一次训练都只用一个固定的切片：前 4,000 张训练图片。离线时这正是
# 样本的全部训练集；用完整的 MNIST 时它是训练集的十五分之一。只有数步数时用的是全部训练图片。

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
# **中文：** 循环需要的一切都与原笔记本相同：打乱并分批的数据集（缓冲区 1024，批大小 64）、
# 模型、基于 logits 的损失函数、一个准确率指标和 Adam 优化器。（原笔记本里的 `tf.keras` 与这里的
# `keras` 是同一个 Keras。）

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
# **中文：** 下面就是原笔记本的循环，在切片上运行一个 epoch。我们加了两行，记录每一步之后的损失
# 和累计准确率；日志改为每 20 步打印一次（原来是每 100 步），因为切片的一个 epoch 只有 63 步。

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
# What each line does:
#
# - `enumerate(dataset)` hands out one **batch** at a time, `x` of shape (64, 784) and `y` of
#   shape (64,); `step` counts batches.
# - Inside `tf.GradientTape()` TensorFlow records every operation of the forward pass
#   `model(x)` and of the loss, so that it can differentiate them afterwards.
# - `tape.gradient(loss_value, model.trainable_weights)` gives, for each weight matrix and bias,
#   how the batch's loss changes when that weight changes (back-propagation).
# - `optimizer.apply_gradients(...)` moves every weight a small step against its gradient
#   (Adam adapts the step size per weight). This is the only line that changes the model.
# - `accuracy.update_state(y, logits)` adds this batch's correct predictions to a running total;
#   `accuracy.result()` is correct / seen **since the metric was created or last reset**.
#
# So one step = one batch = one forward pass, one loss, one set of gradients, one update.
#
# **中文：** 每一行在做什么：
#
# - `enumerate(dataset)` 每次交出一个**批次**：`x` 的形状是 (64, 784)，`y` 的形状是 (64,)；
#   `step` 数的是批次。
# - 在 `tf.GradientTape()` 里，TensorFlow 记录前向计算 `model(x)` 和损失的每一个运算，这样之后
#   才能对它们求导。
# - `tape.gradient(loss_value, model.trainable_weights)` 对每个权重矩阵和偏置给出：这个权重变化
#   时，本批次的损失如何变化（这就是反向传播）。
# - `optimizer.apply_gradients(...)` 让每个权重沿梯度的反方向走一小步（Adam 为每个权重单独调整
#   步长）。只有这一行会改变模型。
# - `accuracy.update_state(y, logits)` 把本批次预测正确的个数累加到总数里；`accuracy.result()`
#   是**自指标创建或上次重置以来**的“正确数 / 已见数”，也就是累计准确率。
#
# **中文：** 所以：一步 = 一个批次 = 一次前向计算、一个损失值、一组梯度、一次权重更新。

# %%
print(f"steps run in one epoch of the slice: {step + 1}")

# %% [markdown]
# The loss of a single step is noisy: it depends on which 64 digits happened to be in the
# batch. The running accuracy is smooth because it averages over every batch so far.
#
# **中文：** 单步的损失波动很大：它取决于这个批次碰巧抽到了哪 64 张图片。累计准确率的曲线却
# 很平滑，因为它是到目前为止所有批次的平均。

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
# **中文：** 一个 epoch 把每张训练图片看一遍，每批 64 张，所以需要 ceil(N / batch) 步，最后一批
# 装的是剩下的图片。`dataset.cardinality()` 是 TensorFlow 自己数出的批次数。下面是整个训练集的
# 情况：

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
# **中文：** 哪个参数改变步数？`batch` 会改变，`buffer_size` 不会：

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
# **中文：** `shuffle(buffer_size)` 并不是一次打乱整个数据集。它先把前 `buffer_size` 个样本放进
# 缓冲区，随机交出其中一个，再用数据集中的下一个样本补上空位，如此反复。因此，一个样本最多只能
# 比它在数据中的位置提前 `buffer_size - 1` 位出来（它出来时，排在它前面的样本都已进入过缓冲区，
# 其中最多有 `buffer_size - 1` 个还在里面等着）。但它可以晚得多：不管已经等了多久，每次抽取时
# 它都有 1 - 1 / `buffer_size` 的概率没被抽中。
#
# To see it, shuffle the numbers 0, 1, 2, ... (one per digit of the slice) with a buffer of 64,
# and compare where each number comes out with where it started:
#
# **中文：** 为了看清这一点，我们用大小为 64 的缓冲区打乱 0、1、2……（切片里每张图片一个编号），
# 比较每个编号出来的位置和它原来的位置：

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
# **中文：** 现在把切片里的图片按标签排序（先是所有的 0，再是所有的 1……），分别在不打乱、
# 缓冲区为 64、缓冲区与切片一样大这三种情况下分批。随机种子固定了顺序，所以每次运行得到的标签
# 都相同。

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
# Where one digit's run ends and the next begins, counting only borders inside a batch.
borders = np.flatnonzero(np.diff(y_sorted)) + 1
borders_inside_a_batch = int(np.sum(borders % BATCH_SIZE != 0))
print(f"borders between two digits' runs that fall inside a batch: {borders_inside_a_batch}")
# The same buffer of 64 with other random seeds: how many batches hold three digits?
three_digit_batches = [
    sum(len(np.unique(y)) == 3 for _, y in make_dataset(x_sorted, y_sorted, 64, SMALL_BUFFER, seed))
    for seed in range(8)
]
print(f"buffer 64, seeds 0-7: batches holding three digits: {three_digit_batches}")

# %% [markdown]
# With no shuffle, a batch holds one digit, or two exactly where it straddles the border between
# one digit's run and the next: as many two-digit batches as borders inside a batch. A buffer of
# 64 breaks that rule: stragglers from a run come out late, into batches well past its border, so
# several times more batches hold two digits than there are borders, and in some orders (other
# random seeds) a few batches hold three. Still, nearly every batch holds one or two digits.
# Only a buffer as large as the data mixes all ten digits into (nearly) every batch. The
# picture: each row is a batch, each column a digit, the colour how many of that digit the
# batch holds.
#
# **中文：** 不打乱时，一个批次只有一种数字；只有跨在两种数字交界处的批次才有两种：有两种数字的
# 批次数，正好等于落在批次内部的交界数。缓冲区为 64 时这条规律就不成立了：前一段数字里的“掉队者”
# 出来得晚，落进了远在交界之后的批次，所以有两种数字的批次比交界多出好几倍；在某些顺序下（换别的
# 随机种子），还有几个批次有三种数字。
# 不过，几乎每个批次仍然只有一种或两种数字。只有与数据一样大的缓冲区，才能让（几乎）每个批次都
# 包含全部十种数字。下图中每一行是一个批次，每一列是一个数字，颜色表示这个批次里有多少个该数字。

# %%
fig, axes = plt.subplots(1, 3, figsize=(10, 4), sharey=True)
for ax, (name, batches) in zip(axes, batch_labels.items(), strict=True):
    ax.imshow([np.bincount(labels, minlength=10) for labels in batches], aspect="auto")
    ax.set(title=name, xlabel="digit", xticks=range(10))
axes[0].set_ylabel("batch (step)")
fig.tight_layout()

# %%
two_digit_batches = {name: int(np.sum(counts == 2)) for name, counts in distinct.items()}
assert distinct["no shuffle"].max() == 2
assert two_digit_batches["no shuffle"] == borders_inside_a_batch
assert two_digit_batches["buffer 64"] > 3 * borders_inside_a_batch
assert np.mean(distinct["buffer 64"] <= 2) > 0.9
assert distinct[f"buffer {SLICE}"].mean() > 9.5
assert 0 < max(three_digit_batches) <= 5, "in some orders, a few batches hold three digits"

# %% [markdown]
# Does it matter for learning, and how large must the buffer be? Train a fresh model for one
# epoch on the sorted digits with buffers from one digit's run (400) up to the whole slice, then
# measure it on the test set: the share of test digits whose largest logit is the right digit
# (chapter 5 explains it). Each digit's run is about 400 digits long (the cell prints the
# lengths), so the buffers of 400 and 800 hold one or two runs.
#
# **中文：** 这对学习有影响吗？缓冲区要多大才够？分别用从一种数字那一段的长度（400）到整个切片
# 大小的缓冲区，在排好序的图片上把一个新模型训练一个 epoch，再在测试集上衡量它：logit 最大的类别
# 正好是正确数字的测试图片所占的比例（第 5 章会讲解）。每种数字的一段大约有 400 张（单元格打印了
# 各段的长度），所以 400 和 800 的缓冲区能装下一段或两段。


# %%
def predict_digits(model: keras.Model, images: np.ndarray) -> np.ndarray:
    """The digit with the largest logit, for each image.

    The model is called directly, as in the training step (with `training=False`): chapter 5's
    `evaluate` goes through `model.predict`, which builds a new graph for every fresh model.
    """
    return np.argmax(model(images, training=False), axis=1)


# %% tags=["nbval-ignore-output"]
print(f"run lengths of the sorted slice, digits 0-9: {np.bincount(y_sorted)}")
sorted_test_accuracy, last_digits_share = {}, {}  # share of answers 8 or 9
for buffer in (400, 800, 2000, SLICE):
    sorted_model = build_model(seed=0)
    sorted_data = make_dataset(x_sorted, y_sorted, shuffle_buffer=buffer, seed=0)
    train(sorted_model, sorted_data, epochs=1, progress=False)
    predicted = predict_digits(sorted_model, x_test)
    sorted_test_accuracy[buffer] = np.mean(predicted == y_test)
    counts = np.bincount(predicted, minlength=10)
    last_digits_share[buffer] = counts[8:].sum() / len(predicted)
    print(
        f"buffer {buffer:4}: test accuracy {sorted_test_accuracy[buffer]:.3f}, "
        f"predictions per digit {counts}"
    )

# %%
run_lengths = np.bincount(y_sorted)
assert run_lengths.max() <= 800
assert sorted_test_accuracy[400] < 0.5, "a buffer as long as one digit's run is not enough"
assert last_digits_share[400] > 0.8, "it answers mostly the last two digits it saw"
assert sorted_test_accuracy[800] < sorted_test_accuracy[SLICE] - 0.2
assert sorted_test_accuracy[SLICE] > sorted_test_accuracy[400] + 0.4
assert sorted_test_accuracy[SLICE] > 0.7

# %% [markdown]
# With a buffer as long as one digit's run, the model learns 0s, then forgets them for 1s, and so
# on: the batches still follow the order 0 to 9 through the epoch, each drawn mostly from one or
# two runs, and at the end of the epoch the model mostly answers the last two digits it saw, 8
# and 9 (the predictions per digit show it).
# The rule is not "a buffer as large as any ordered stretch" but **a buffer that spans the whole
# ordered range**: for sorted data, the whole dataset. Half of it (2,000 here)
# comes close, a fifth (800) does not; a full shuffle is the safe choice, and `make_dataset`, which
# shuffles indices rather than images, makes it cheap.
#
# **中文：** 缓冲区与一种数字的一段一样长时，模型先学 0，再为了学 1 把 0 忘掉，依此类推：整个
# epoch 里批次仍然按 0 到 9 的顺序出现，每个批次大多来自一两段；epoch 结束时，模型大多只回答最后
# 见过的两种数字：8 和 9（每个数字被预测的次数说明了这一点）。所以规则不是“缓冲区至少和数据中任何有序的片段一样
# 大”，而是**缓冲区必须覆盖整个有序的范围**：对排好序的数据来说，就是整个数据集。一半（这里是
# 2,000）已经接近，五分之一（800）则差得远；完全打乱才是稳妥的选择，而 `make_dataset` 打乱的是下标而
# 不是图片，所以完全打乱的代价很小。
#
# `make_dataset` also reshuffles at every pass (`reshuffle_each_iteration=True`), so each epoch
# sees new batches, while the random seed still makes the sequence of epochs repeatable:
#
# **中文：** `make_dataset` 在每一遍遍历时都会重新打乱（`reshuffle_each_iteration=True`），所以
# 每个 epoch 看到的批次都不同；而随机种子仍然保证这一连串 epoch 每次运行都一样：

# %%
reshuffled = make_dataset(x_sorted, y_sorted, shuffle_buffer=SLICE, seed=0)
first_pass, second_pass = (next(iter(reshuffled))[1].numpy()[:16] for _ in range(2))
print(f"epoch 1, first batch starts {first_pass}")
print(f"epoch 2, first batch starts {second_pass}")

# %%
assert not np.array_equal(first_pass, second_pass)

# %% [markdown]
# ## Running accuracy versus accuracy after the epoch · 累计准确率与 epoch 结束后的准确率
#
# The classroom notebook prints "total running accuracy so far". It averages over every batch
# of the epoch, each scored by the model **as it was at that step**: the first batches were
# scored by a model that had barely trained. Measuring the finished model on the same training
# digits gives a higher number.
#
# **中文：** 原笔记本打印的是“total running accuracy so far”，即累计准确率：它是本 epoch 所有
# 批次的平均，而每个批次都是用**当时那一步**的模型打分的，最前面的几个批次用的是几乎没训练过的
# 模型。用训练完的模型在同样的训练图片上重新测量，得到的准确率更高。

# %% tags=["nbval-ignore-output"]
running_accuracy = float(accuracy.result())
after_epoch_accuracy = np.mean(predict_digits(model, x_slice) == y_slice)
print(f"running accuracy during epoch 1: {running_accuracy:.4f}")
print(f"accuracy measured after epoch 1: {after_epoch_accuracy:.4f}")

# %%
assert after_epoch_accuracy > running_accuracy + 0.05

# %% [markdown]
# The metric keeps counting until it is reset. After epoch 1 it has counted every digit of the
# slice once; if we trained on without resetting, epoch 2 would report the average over both
# epochs, still dragged down by epoch 1's first batches (exercise 3 measures it). So each epoch
# starts with `accuracy.reset_state()`.
#
# **中文：** 指标会一直累加，直到被重置。第一个 epoch 之后，它把切片里的每张图片都数了一遍；
# 如果不重置就接着训练，第二个 epoch 报告的将是两个 epoch 的平均值，仍会被第一个 epoch 开头的
# 那些批次拉低（练习 3 会测量这一点）。所以每个 epoch 开始时都要调用 `accuracy.reset_state()`。

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
# - `train(model, dataset, epochs)` creates the loss, a new Adam and a new metric, and runs one
#   epoch after the other; it returns the history, a loss and an accuracy per epoch.
#
# **中文：** 上面的循环现在放在 `mnist_helpers/training.py` 里，后面的章节一行就能训练：
#
# - `make_train_step(model, loss, optimizer, accuracy)` 返回循环体，也就是基于 `GradientTape`
#   的那一步，形式是函数 `train_step(x, y) -> loss`；
# - `train_epoch(train_step, dataset, accuracy)` 先重置指标，再对每个批次走一步，返回这个 epoch
#   的平均损失和累计准确率；
# - `train(model, dataset, epochs)` 创建损失函数、一个新的 Adam 优化器和一个新的指标，一个 epoch
#   接一个 epoch 地训练，返回训练历史：每个 epoch 一个损失值和一个准确率。
#
# One line differs from the classroom notebook's: the helper's step calls
# `model(x, training=True)` where the loop above calls `model(x)`. For this model the two give
# the same logits, but layers that act differently in training, such as Dropout (chapter 7),
# read that flag: called as `model(x)`, Dropout does nothing, and the model would train without
# it. A model with a Dropout layer shows it:
#
# **中文：** 有一行与原笔记本不同：辅助函数的训练步调用的是 `model(x, training=True)`，而上面的
# 循环调用的是 `model(x)`。对这个模型来说两者给出相同的 logits；但在训练时行为不同的层（例如第 7
# 章的 Dropout）会读取这个标志：以 `model(x)` 调用时 Dropout 什么也不做，模型就在没有 Dropout
# 的情况下训练了。用一个带 Dropout 层的模型就能看到：

# %%
dropout_model = keras.Sequential(
    [keras.Input(shape=(784,)), keras.layers.Dropout(0.5), keras.layers.Dense(10)]
)
some_digits = x_slice[:BATCH_SIZE]
as_the_loop = [dropout_model(some_digits).numpy() for _ in range(2)]
as_the_helper = [dropout_model(some_digits, training=True).numpy() for _ in range(2)]
print(f"model(x), called twice, same logits: {np.array_equal(*as_the_loop)}")
print(f"model(x, training=True), called twice, same logits: {np.array_equal(*as_the_helper)}")

# %%
assert np.array_equal(*as_the_loop), "model(x): Dropout is off"
assert not np.array_equal(*as_the_helper), "training=True: Dropout drops a new half each call"
assert np.array_equal(model(some_digits), model(some_digits, training=True)), "no Dropout here"

# %% [markdown]
# Epoch 2 of the same model, with the same loss, optimizer and metric, through the helpers:
#
# **中文：** 用辅助函数给同一个模型（同样的损失函数、优化器和指标）训练第二个 epoch：

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
# **中文：** 与第一个 epoch 一样多，而不是两倍：`train_epoch` 重置了指标，所以第二个 epoch 的
# 准确率只属于第二个 epoch。
#
# ## Training for several epochs · 训练多个 epoch
#
# One epoch is rarely enough. A fresh model, five epochs over the slice, one call:
#
# **中文：** 一个 epoch 通常不够。一个新模型，在切片上训练 5 个 epoch，只需一次调用：

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
# **中文：** 损失在前几个 epoch 下降最快，然后趋于平缓。不过，训练准确率接近 100% 并不是目标：
# 第 5 章会用模型从未见过的测试图片来衡量它。

# %% [markdown]
# ## The same step as a graph: `tf.function` · 把同一个训练步变成计算图：`tf.function`
#
# The classroom notebook's loop runs with **eager execution**: Python executes each TensorFlow
# operation as it reaches it and gets control back in between. `tf.function` runs the Python
# step once, *tracing* it: it records the operations into a graph. Later calls run that graph
# in TensorFlow's runtime, which passes each operation's output to the next without going back
# to Python, after optimising the graph once (pruning, folding constants, fusing some
# operations). It compiles nothing into machine code: the graph runs TensorFlow's precompiled
# kernels, a few of them fused by the graph optimiser (a matrix product, its bias and its ReLU
# become one kernel, for instance). Compiling is XLA's job, and happens only with `jit_compile=True`
# (next section). `make_train_step(..., compiled=False)` is the eager step; `compiled=True`
# (the default) is the traced graph.
#
# **中文：** 原笔记本的循环以**即时执行**（eager execution）的方式运行：Python 遇到一个
# TensorFlow 运算就执行一个，每个运算之间都要回到 Python。`tf.function` 先把 Python 写的训练步
# 运行一遍，把其中的运算*追踪*（trace）下来，记录成一个计算图。之后的调用在 TensorFlow 的运行时
# 里执行这个图：每个运算的输出直接交给下一个运算，不再回到 Python；第一次执行前，图还会被优化
# 一次（剪掉用不到的部分、折叠常量、合并一些运算）。它并不把任何东西编译成机器码：图里运行的
# 是 TensorFlow 预先编译好的内核，其中少数几个被图优化器合并成一个（例如矩阵乘法、加偏置和
# ReLU 合成一个内核）。编译是 XLA 的工作，只有设置 `jit_compile=True` 时才会发生（见下一节）。
# `make_train_step(..., compiled=False)` 是即时执行的训练步，`compiled=True`（默认）是追踪得到的
# 计算图。
#
# What does the first call cost? We call a fresh step of each kind on the slice's first batches
# and count what changes: the optimizer's variables and the compiled step's traces.
#
# **中文：** 第一次调用要付出什么？我们给两种训练步各建一个新的，在切片的前几个批次上调用，
# 并数一数有什么变化：优化器的变量个数，以及编译版训练步被追踪的次数。

# %% tags=["nbval-ignore-output"]
some_batches = list(dataset.take(5))
last_batch = list(dataset)[-1]  # the epoch's smaller last batch: 4,000 = 62 x 64 + 32
call_seconds, adam_variables, steps = {}, {}, {}
for mode in ("eager", "graph"):
    mode_optimizer = keras.optimizers.Adam()
    steps[mode] = make_train_step(
        build_model(seed=0),
        make_loss(),
        mode_optimizer,
        keras.metrics.SparseCategoricalAccuracy(),
        compiled=mode == "graph",
    )
    adam_variables[mode] = [len(mode_optimizer.variables)]
    call_seconds[mode] = []
    for x, y in some_batches:
        start = time.perf_counter()
        float(steps[mode](x, y))  # float() waits for the step to finish.
        call_seconds[mode].append(time.perf_counter() - start)
    adam_variables[mode].append(len(mode_optimizer.variables))
    first_call_cost = call_seconds[mode][0] / min(call_seconds[mode][1:])
    print(
        f"{mode}: the first call took {first_call_cost:4.1f}x as long as a later one; "
        f"Adam's variables before and after: {adam_variables[mode]}"
    )
graph_step = steps["graph"]
traces_after_full_batches = graph_step.experimental_get_tracing_count()
graph_step(*last_batch)
traces_after_last_batch = graph_step.experimental_get_tracing_count()
print(f"traces after 5 batches of 64: {traces_after_full_batches}; ", end="")
print(f"after one of {len(last_batch[1])}: {traces_after_last_batch}")

# %%
weights = len(build_model().trainable_weights)  # 3 kernels and 3 biases
assert adam_variables["eager"] == adam_variables["graph"] == [2, 2 + 2 * weights]
assert traces_after_full_batches == 2, "traced twice, on the first call: it created variables"
assert traces_after_last_batch == traces_after_full_batches + 1, "a new shape, a new trace"

# %% [markdown]
# The first call does two one-time jobs. In both modes it creates Adam's moment estimates (the
# first and second moment of each weight's gradient: 2 variables per weight tensor, 12 here, next
# to the step counter and the learning rate), so the eager step's first call is slower than its
# later ones too. The graph step also traces (TensorFlow traces a step that creates variables
# twice on its first call). Later calls with batches of the same shape reuse the graph; a batch of
# a new shape, such as the smaller last batch of an epoch, costs one more trace. Eager execution
# remains the mode to debug in: there you can `print` a tensor inside the step.
#
# **中文：** 第一次调用要做两件一次性的工作。两种方式都要创建 Adam 的一阶、二阶矩估计（每个权重
# 梯度的一阶和二阶矩：每个权重张量 2 个变量，这里共 12 个，另外还有步数计数器和学习率），所以
# 即时执行的训练步第一次调用也比之后慢。计算图版本还要追踪（训练步在第一次调用时创建变量，
# TensorFlow 会把它追踪两遍）。之后形状相同的批次都复用这个图；遇到新形状的批次（例如一个 epoch
# 最后那个较小的批次）时要再追踪一次。调试时仍然用即时执行：在那里可以直接在训练步里 `print`
# 一个张量。
#
# ## `train`'s two speed switches · `train` 的两个提速开关
#
# `train` runs exactly the step above, in a `tf.function`. Two keyword options make it faster
# where they pay, and both are off by default:
#
# - **`jit_compile=True`**: XLA compiles the traced step, forward pass, gradients and Adam's
#   update together, into machine code for this processor, fusing operations so that the data
#   passes through memory fewer times. Compiling takes time at the first call, and again for
#   each new batch shape (the smaller last batch).
# - **`steps_per_call=N`**: one graph call runs up to N steps, so Python pays the cost of a
#   call (start the graph, hand it a batch, wait for its loss) once per N steps instead of once
#   per step. Here is all of it: a `tf.function` that takes batches from the dataset's iterator
#   until N steps are done or the epoch ends.
#
# **中文：** `train` 运行的正是上面的训练步，放在一个 `tf.function` 里。两个关键字参数能在划算的
# 时候让它更快，默认都关闭：
#
# - **`jit_compile=True`**：由 XLA 编译追踪得到的训练步，把前向计算、梯度和 Adam 的更新一起
#   编译成这台处理器的机器码，并把运算合并，让数据少在内存里来回几趟。编译要花时间：第一次调用
#   时一次，每遇到一种新的批次形状（最后那个较小的批次）再一次。
# - **`steps_per_call=N`**：一次调用计算图最多跑 N 步，于是 Python 每 N 步才付一次调用的开销
#   （启动计算图、交给它一个批次、等它返回损失），而不是每步一次。下面就是它的全部代码：一个
#   `tf.function`，从数据集的迭代器里取批次，直到跑完 N 步或者 epoch 结束。

# %%
print(inspect.getsource(several_steps_per_call))

# %% [markdown]
# Each way below trains a fresh model on the slice: the classroom notebook's eager loop for one
# epoch, the graph step for four epochs with neither switch, with 50 steps per call, and with
# XLA on top of 50 steps per call, so that each switch is timed against a line that differs
# from it by that switch alone. The first
# epoch includes tracing and compiling; the later ones reuse the graph. The ways take turns,
# one epoch each, so that a moment when the machine is busy slows them all rather than one of
# them, and every line gives the first epoch's seconds, the median of the three later epochs,
# the milliseconds per step of that median and how many times faster than an eager step it is.
#
# **中文：** 下面每种方式都在切片上训练一个新模型：原笔记本即时执行的循环跑一个 epoch，计算图版
# 训练步各跑四个 epoch：两个开关都不开、每次调用跑 50 步、在每次调用跑 50 步之上再打开 XLA。
# 这样每个开关都与只差这一个开关的那一行比较。第一个 epoch 包括追踪和编译，之后的 epoch 复用
# 计算图。各种方式轮流进行，每次一个 epoch，这样机器忙的时候会同时拖慢所有方式，而不是只拖慢
# 其中一种。每一行给出第一个 epoch 的秒数、之后三个 epoch 的中位数、这个中位数折合的每步毫秒数，
# 以及它比即时执行的一步快多少倍。

# %% tags=["nbval-ignore-output"]
EAGER = "eager, the classroom notebook's loop"
PLAIN = "tf.function, 1 step per call (train's default)"
SEVERAL = "tf.function, 50 steps per call"
WITH_XLA = "tf.function + XLA, 50 steps per call"
ways = {  # way: (jit_compile, steps_per_call); None: eager execution
    EAGER: None,
    PLAIN: (False, 1),
    SEVERAL: (False, 50),
    WITH_XLA: (True, 50),
}
STEPS = math.ceil(SLICE / BATCH_SIZE)
EPOCHS = 4  # the first, then three to take the median of
runs, epoch_seconds, first_epoch = {}, {}, {}
for way, switches in ways.items():
    jit_compile, steps_per_call = switches or (False, 1)
    way_accuracy = keras.metrics.SparseCategoricalAccuracy()
    way_step = make_train_step(
        build_model(seed=0),
        make_loss(),
        keras.optimizers.Adam(),
        way_accuracy,
        compiled=switches is not None,
        jit_compile=jit_compile,
    )
    way_data = make_dataset(x_slice, y_slice, batch_size=BATCH_SIZE, shuffle_buffer=1024, seed=0)
    runs[way] = (make_run_steps(way_step, steps_per_call), way_data, way_accuracy)
    epoch_seconds[way] = []
for epoch in range(EPOCHS):
    for way, (run_steps, way_data, way_accuracy) in runs.items():
        if way == EAGER and epoch > 0:
            continue  # one eager epoch is slow enough to measure
        start = time.perf_counter()
        result = run_epoch(run_steps, way_data, way_accuracy)
        epoch_seconds[way].append(time.perf_counter() - start)
        if epoch == 0:
            first_epoch[way] = result
later_epoch = {
    way: float(np.median(seconds[1:] or seconds)) for way, seconds in epoch_seconds.items()
}
eager_step = later_epoch[EAGER] / STEPS
for way, seconds in epoch_seconds.items():
    step_seconds = later_epoch[way] / STEPS
    later = f"median of later epochs {later_epoch[way]:5.2f} s" if len(seconds) > 1 else " " * 30
    print(
        f"{way:47} first epoch {seconds[0]:5.2f} s, {later}; "
        f"{1000 * step_seconds:5.1f} ms per step, {eager_step / step_seconds:4.1f}x eager"
    )

# %%
# The same training, only faster: same weights, same batches, the same mean loss in epoch 1.
losses = [result["loss"] for result in first_epoch.values()]
assert max(losses) - min(losses) < 1e-4, first_epoch

# %% [markdown]
# All four ways trained the same model on the same batches to the same loss; only the time
# differs. The eager line and the "1 step per call" line are the comparison the previous section
# started: an eager step against the same step as a graph, both called from Python once per
# batch. The other lines add the switches on top of the graph. (Single timings on a busy
# machine move a lot from run to run; compare the lines of one run, never with another run.)
#
# **中文：** 四种方式在同样的批次上训练同样的模型，得到同样的损失，差别只在时间。即时执行那一行
# 和“1 step per call”那一行，就是上一节开始的比较：即时执行的一步对比同一步的计算图版本，两者
# 都是每个批次从 Python 调用一次。其余几行在计算图之上再打开两个开关。（在繁忙的机器上，单次
# 计时每次运行都会有很大变化：只比较同一次运行里的各行，不要与另一次运行比较。）
#
# ### When does XLA pay off? · XLA 什么时候才划算？
#
# XLA's compilation is paid once per batch shape, in the first epoch; whatever it saves is paid
# back a little at every later step. Two effects pull opposite ways. XLA fuses operations, Adam's
# element-wise update of every weight above all, so the data passes through memory fewer times;
# but on a CPU the plain graph runs its matrix products with oneDNN's kernels, and XLA's own CPU
# matrix products can be slower. From the two lines of 50 steps per call above, which differ by
# XLA alone: how much longer the first epoch took with XLA, how much time each later step saved
# (the medians), and so how many steps it takes before the compilation has paid for itself, or
# that it never does.
#
# **中文：** XLA 的编译对每种批次形状只付一次，付在第一个 epoch 里；它省下的时间（如果有的话）
# 则是之后每一步赚回一点。有两个方向相反的因素：XLA 会合并运算，尤其是 Adam 对每个权重的逐元素
# 更新，让数据少在内存里来回几趟；但在 CPU 上，普通的计算图用 oneDNN 的内核做矩阵乘法，而 XLA
# 自己在 CPU 上的矩阵乘法可能更慢。根据上面两行每次调用跑 50 步的计时（它们只差 XLA 这一个
# 开关）：打开 XLA 后第一个 epoch 多花了多少时间，之后每一步省下了多少（按中位数），由此算出
# 要跑多少步才能把编译的成本赚回来，或者永远赚不回来。

# %% tags=["nbval-ignore-output"]
FULL_MNIST_STEPS = math.ceil(60_000 / BATCH_SIZE)
xla_extra_seconds = epoch_seconds[WITH_XLA][0] - epoch_seconds[SEVERAL][0]
xla_saved_per_step = (later_epoch[SEVERAL] - later_epoch[WITH_XLA]) / STEPS
print(f"first epoch with XLA: {xla_extra_seconds:+.2f} s against the same graph without XLA")
print(f"each later step with XLA: {1000 * xla_saved_per_step:+.2f} ms saved (medians)")
if xla_saved_per_step > 0:
    break_even = STEPS + max(0, xla_extra_seconds) / xla_saved_per_step
    print(
        f"XLA pays off after about {break_even:,.0f} steps: {break_even / STEPS:.1f} epochs "
        f"of the slice, {break_even / FULL_MNIST_STEPS:.1f} of the full MNIST"
    )
else:
    print("XLA saved nothing per step in this run: here it never pays off")

# %% [markdown]
# The cell prints the conclusion of this run; timings on another machine, or in another run of
# this one, can fall the other way. If XLA's fusion wins, it pays off after the number of steps
# the cell prints: its compilation divided by what it saves per step, counted in epochs of the
# slice (63 steps) and of the full MNIST (938). If its matrix products lose, it never pays off,
# however long you train. So `train` leaves XLA off by default, and runs one step per call
# unless told otherwise; turn the switches on for long runs after measuring on your own machine:
# `./run.sh benchmark` times an epoch of 60,000 digits with `train` with and without both
# switches, and with `model.fit`.
#
# **中文：** 上面的单元格打印的是这一次运行的结论；换一台机器，或者在这台机器上再运行一次，结果
# 可能相反。如果 XLA 的合并占了上风，它会在单元格打印出的步数之后开始划算：编译的成本除以每步省下
# 的时间，并折算成切片（每个 epoch 63 步）和完整 MNIST（每个 epoch 938 步）的 epoch 数。如果它的
# 矩阵乘法更慢，那么不管训练多久都不划算。所以 `train` 默认不用 XLA，除非另行指定，每次调用只跑
# 一步；训练得很久时，先在自己的机器上测量，再打开这两个开关：`./run.sh benchmark` 会给 60,000
# 张图片的一个 epoch 计时，分别用打开和不打开两个开关的 `train`，以及 `model.fit`。

# %% [markdown]
# ## Keras `fit` with the same two switches · 打开同样两个开关的 Keras `fit`
#
# `model.fit` runs a loop of the same kind, and `compile` has the same two switches:
# `jit_compile=True` makes XLA compile `fit`'s whole train step (forward pass, gradients,
# optimizer update, metrics), as `train(..., jit_compile=True)` does with the course's step,
# and **`steps_per_execution=N` is `fit`'s `steps_per_call=N`**: N steps per graph call. On a
# machine without a GPU, Keras 3 leaves both off by default: `compile(jit_compile="auto")`
# turns XLA off on CPU-only machines, and `steps_per_execution` defaults to 1. We time `fit`
# with its defaults and with both switches on, each on a fresh model with the same data, loss
# and optimizer, in four calls of one epoch each, the two settings taking turns: the first call
# traces (and compiles), the later ones reuse it, and we take their median.
#
# **中文：** `model.fit` 运行的是同一类循环，`compile` 也有同样的两个开关：`jit_compile=True`
# 让 XLA 编译 `fit` 的整个训练步（前向计算、梯度、优化器更新、指标），就像
# `train(..., jit_compile=True)` 编译课程的训练步一样；**`steps_per_execution=N` 就是 `fit` 的
# `steps_per_call=N`**：每次调用计算图跑 N 步。在没有 GPU 的机器上，Keras 3 默认两个都不开：
# `compile(jit_compile="auto")` 在只有 CPU 的机器上关闭 XLA，`steps_per_execution` 默认为 1。
# 我们分别给默认设置的 `fit` 和两个开关都打开的 `fit` 计时：各用一个新模型，数据、损失函数和
# 优化器都相同，各调用四次、每次一个 epoch，两种设置轮流进行：第一次调用负责追踪（和编译），之后
# 的调用复用它的结果，我们取它们的中位数。

# %% tags=["nbval-ignore-output"]
FIT_DEFAULTS = "model.fit, defaults"
FIT_SWITCHED = "model.fit, jit_compile=True, steps_per_execution=50"
fit_settings = {FIT_DEFAULTS: {}, FIT_SWITCHED: {"jit_compile": True, "steps_per_execution": 50}}
fit_models, fit_data, fit_seconds, fit_first_epoch = {}, {}, {}, {}
for way, settings in fit_settings.items():
    fit_models[way] = build_model(seed=0)
    fit_models[way].compile(
        optimizer=keras.optimizers.Adam(), loss=make_loss(), metrics=["accuracy"], **settings
    )
    fit_data[way] = make_dataset(x_slice, y_slice, batch_size=BATCH_SIZE, seed=0)
    fit_seconds[way] = []
for call in range(EPOCHS):  # one epoch per call, the two settings taking turns
    for way, fit_model in fit_models.items():
        start = time.perf_counter()
        fit_history = fit_model.fit(fit_data[way], epochs=1, shuffle=False, verbose=0).history
        fit_seconds[way].append(time.perf_counter() - start)
        if call == 0:
            fit_first_epoch[way] = fit_history
fit_later = {way: float(np.median(seconds[1:])) for way, seconds in fit_seconds.items()}
for way, seconds in fit_seconds.items():
    print(f"{way:52}: first call {seconds[0]:5.2f} s, median later {fit_later[way]:5.2f} s")
for way in (PLAIN, WITH_XLA):
    print(
        f"train: {way:45}: first epoch {epoch_seconds[way][0]:5.2f} s, "
        f"median later {later_epoch[way]:5.2f} s"
    )
faster = FIT_SWITCHED if fit_later[FIT_SWITCHED] < fit_later[FIT_DEFAULTS] else FIT_DEFAULTS
print(f"in this run, once compiled, the faster fit: {faster}")

# %%
default_fit = fit_models[FIT_DEFAULTS]
assert default_fit.steps_per_execution == 1, "Keras' default: one step per call"
if not tf.config.list_physical_devices("GPU"):
    assert default_fit.jit_compile is False, "Keras 3 turns XLA off on CPU-only machines"
# fit with the switches trains as the course's step does: in epoch 1 the same running accuracy
# and nearly the same mean loss (fit weights each batch's loss by its size, so the smaller last
# one counts less).
course_epoch_1 = first_epoch[WITH_XLA]
switched_epoch_1 = fit_first_epoch[FIT_SWITCHED]
assert abs(switched_epoch_1["accuracy"][0] - course_epoch_1["accuracy"]) < 1e-3
assert np.isclose(switched_epoch_1["loss"][0], course_epoch_1["loss"], rtol=0.01)

# %% [markdown]
# The first calls show what tracing, and with the switches XLA's compilation too, add to `fit`'s
# first epoch; the medians of the later calls show what the switches do once compiled, and the
# last line says which way this run fell. The same two effects as with `train` decide it:
# XLA's fusion and 50 steps per call against XLA's CPU matrix products, so on another machine,
# or in another run, it can fall the other way. Compare `fit`'s lines with `train`'s lines of
# the same switches, printed below them from the same run, never with another run.
#
# **中文：** 第一次调用显示的是追踪（打开开关时还有 XLA 的编译）给 `fit` 的第一个 epoch 增加了
# 多少时间；之后几次调用的中位数显示的是编译好之后两个开关的效果，最后一行说明这次运行的结果
# 偏向哪一边。决定它的是与 `train` 相同的两个因素：XLA 的合并和每次调用跑 50 步，对比 XLA 在
# CPU 上的矩阵乘法；所以换一台机器或者再运行一次，结果可能相反。请把 `fit` 的几行与下面打印的、
# 同一次运行中开关相同的 `train` 那几行比较，而不要与另一次运行比较。
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
# two distinct digits; with a buffer as long as one digit's run (about 400) the model ended the
# epoch answering mostly the last two digits it saw, 8 and 9; a buffer as large as the
# data put all ten digits in nearly every batch and trained a good model. The buffer must span
# the whole ordered range of the data. The Keras MNIST arrays are already in random order,
# which is why the classroom notebook's buffer of 1024 works there; `buffer_size >= N` always
# gives a full shuffle. Shuffle before batching: `batch(64).shuffle(...)` would shuffle whole
# batches instead (exercise 2).
#
# **中文：** **一步就是一个批次：** 对 64 张图片做一次前向计算、算一个损失值、求一组梯度、更新
# 一次所有权重。`enumerate(dataset)` 数的是批次，所以一个 epoch 有 ceil(N / batch) 步：4,000 张
# 图片是 63 步（最后一批 32 张），完整的 60,000 张是 938 步。**`batch` 决定步数，`buffer_size`
# 不影响步数。** 缓冲区决定的是*哪些*图片落在同一个批次里：`shuffle` 每次从装着 `buffer_size` 个
# 样本的缓冲区中随机抽出下一个，所以一个样本最多提前 `buffer_size - 1` 位出来，却可能晚得多。在
# 按标签排好序的图片上，大小为 64 的缓冲区让几乎每个批次只有一种或两种数字；缓冲区与一种数字的
# 一段一样长（约 400）时，模型在 epoch 结束时大多只回答最后见过的两种数字 8 和 9；与数据一样大
# 的缓冲区让几乎每个批次都包含全部十种数字，训练出了好模型。缓冲区必须覆盖数据中整个有序的范围。
# Keras 的 MNIST 数组本来就是随机顺序，所以原笔记本的 1024 在那里够用；`buffer_size >= N` 总能
# 完全打乱。要先打乱再分批：`batch(64).shuffle(...)` 打乱的是整个批次的顺序（见练习 2）。
#
# ## Summary · 小结
#
# - One step = one batch = forward pass, loss, gradients, one optimizer update; an epoch is
#   ceil(N / batch) steps.
# - `shuffle(buffer_size)` mixes examples only within its buffer: an example comes out at most
#   `buffer_size - 1` places early, but possibly much later. The buffer must span the whole
#   ordered range of the data; one ordered run is not enough.
# - The running accuracy averages over an epoch of a changing model; it lags behind the accuracy
#   of the finished model. Reset the metric every epoch.
# - A training step calls `model(x, training=True)`, so that layers such as Dropout train.
# - `tf.function` traces the step into a graph and compiles nothing; its first call traces, and
#   in both modes the first call creates Adam's variables; later calls run faster.
# - `train(..., jit_compile=True)` lets XLA compile the step: it pays off only once what it
#   saves per step has repaid its compilation, and never if, on your CPU, it saves nothing per
#   step. `steps_per_call=N` runs N steps per graph call. Both are off by default; measure
#   before turning them on.
# - `model.fit` has the same two switches: `compile(jit_compile=True, steps_per_execution=N)`.
#   Compare like with like.
# - From now on: `history = train(model, dataset, epochs=5)`.
#
# **中文：**
#
# - 一步 = 一个批次 = 前向计算、损失、梯度、一次优化器更新；一个 epoch 有 ceil(N / batch) 步。
# - `shuffle(buffer_size)` 只在缓冲区内打乱样本：一个样本最多提前 `buffer_size - 1` 位，却可能
#   晚很多。缓冲区必须覆盖数据中整个有序的范围；只装得下一段有序数据是不够的。
# - 累计准确率是一个不断变化的模型在整个 epoch 上的平均，落后于训练完的模型的准确率；每个 epoch
#   都要重置指标。
# - 训练步调用 `model(x, training=True)`，这样 Dropout 之类的层才会按训练方式工作。
# - `tf.function` 把训练步追踪成计算图，并不编译任何东西；第一次调用负责追踪，而且两种方式的
#   第一次调用都要创建 Adam 的变量；之后的调用更快。
# - `train(..., jit_compile=True)` 让 XLA 编译训练步：只有每步省下的时间把编译的成本赚回来之后
#   才划算；如果在你的 CPU 上它每步什么也省不下，就永远不划算。`steps_per_call=N` 每次调用计算图
#   跑 N 步。两者默认都关闭；先测量，再打开。
# - `model.fit` 也有这两个开关：`compile(jit_compile=True, steps_per_execution=N)`。比较时要在
#   相同的设置下比较。
# - 从现在起，训练只需一行：`history = train(model, dataset, epochs=5)`。
#
# ## Exercises · 练习
#
# 1. Train a fresh model on the slice for 2 epochs with `batch_size=32` and with
#    `batch_size=256`. How many steps per epoch, and which reaches the lower mean loss in the
#    second epoch? Why?
#
# **中文：** 分别用批大小 32 和 256，在切片上把新模型训练 2 个 epoch。每个 epoch 各有多少步？
# 第二个 epoch 谁的平均损失更低？为什么？

# %% tags=["solution", "hide-cell"] jupyter={"source_hidden": true, "outputs_hidden": true}
# Solution 1: a smaller batch means more steps, so more weight updates per epoch; with the same
# learning rate, two epochs of 125 updates go further than two epochs of 16.
# 解答 1：批越小，步数越多，每个 epoch 更新权重的次数就越多；学习率相同时，2 个 epoch 各 125 次
# 更新，比 2 个 epoch 各 16 次更新走得更远。
second_epoch_loss, steps_per_batch_size = {}, {}
for batch_size in (32, 256):
    batch_data = make_dataset(x_slice, y_slice, batch_size=batch_size, seed=0)
    batch_history = train(build_model(seed=0), batch_data, epochs=2, progress=False)
    second_epoch_loss[batch_size] = batch_history["loss"][-1]
    steps_per_batch_size[batch_size] = int(batch_data.cardinality())
assert steps_per_batch_size == {32: 125, 256: 16}
assert second_epoch_loss[32] < second_epoch_loss[256]

# %% [markdown]
# 2. Build `tf.data.Dataset.from_tensor_slices((x_sorted, y_sorted)).batch(64).shuffle(16)` and
#    count the distinct digits in each of its batches. What does shuffling *after* batching
#    shuffle?
#
# **中文：** 构造 `tf.data.Dataset.from_tensor_slices((x_sorted, y_sorted)).batch(64).shuffle(16)`，
# 数一数它每个批次里有几种不同的数字。先分批再打乱，打乱的究竟是什么？

# %% tags=["solution", "hide-cell"] jupyter={"source_hidden": true, "outputs_hidden": true}
# Solution 2: shuffle() after batch() shuffles whole batches: each batch is still a run of
# sorted digits (one or two distinct digits), only the order of the batches changes.
# 解答 2：在 batch() 之后 shuffle() 打乱的是整个批次：每个批次仍是排好序的一段图片（只有一种或两种
# 数字），变的只是批次的先后顺序。
sorted_digits = tf.data.Dataset.from_tensor_slices((x_sorted, y_sorted))
late_batches = [y.numpy() for _, y in sorted_digits.batch(64).shuffle(16, seed=0)]
unshuffled = [tuple(b) for b in batch_labels["no shuffle"]]
assert max(len(np.unique(b)) for b in late_batches) == 2
assert sorted(tuple(b) for b in late_batches) == sorted(unshuffled)  # the same batches...
assert [tuple(b) for b in late_batches] != unshuffled  # ...in another order

# %% [markdown]
# 3. Train a fresh model for two epochs of the slice with `make_train_step`, calling
#    `train_epoch` for epoch 1 but running epoch 2's steps yourself without
#    `accuracy.reset_state()`. What does the metric report after epoch 2, and how does it
#    relate to the accuracies of epoch 1 and epoch 2 alone?
#
# **中文：** 用 `make_train_step` 在切片上训练一个新模型两个 epoch：第一个 epoch 调用
# `train_epoch`，第二个 epoch 自己逐步运行，不调用 `accuracy.reset_state()`。第二个 epoch 之后
# 指标报告的是什么？它与第一个、第二个 epoch 各自的准确率有什么关系？

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
assert int(no_reset_accuracy.count) == 2 * len(x_slice)
assert np.isclose(reported, (epoch_1_accuracy + epoch_2_accuracy) / 2, atol=1e-6)
assert reported < epoch_2_accuracy

# %% [markdown]
# Next, chapter 5 measures the trained model on the test set.
#
# **中文：** 下一章：在测试集上评估训练好的模型。
