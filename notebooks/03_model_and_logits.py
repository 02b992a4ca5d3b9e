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
# # 3. The model and its logits · 模型与 logits
#
# [Open in Colab](https://colab.research.google.com/github/mnist-tutorials/mnist-tutorials/blob/main/notebooks/03_model_and_logits.ipynb) · [View source on GitHub](https://github.com/mnist-tutorials/mnist-tutorials/blob/main/notebooks/03_model_and_logits.ipynb) · [Download notebook](https://raw.githubusercontent.com/mnist-tutorials/mnist-tutorials/main/notebooks/03_model_and_logits.ipynb)
#
# **You build the seed's 784-784-256-10 model, count its 818,970 parameters by hand, turn its
# outputs, the logits, into probabilities, see why the loss needs `from_logits=True`, and check
# that the untrained model's loss is close to ln(10) ≈ 2.3, a number you can predict.**
#
# ## Overview · 概述
#
# The seed's model is three `Dense` layers; the last one has no activation, so the model
# outputs ten *logits*, one raw score per digit, not probabilities. This chapter counts the
# model's parameters by hand, explains logits (the seed's section 4.1), turns them into
# probabilities with softmax, and shows why the loss is built with `from_logits=True`: computing
# the loss from logits stays exact where probabilities round to 0. Then a check you can predict
# before you run it: a model that knows nothing gives each digit about 1/10, so its loss is about
# ln(10) = 2.30. Finally, what goes wrong when softmax is applied in the model *and* the loss
# is told to expect logits, and what Keras says about it.
#
# **中文：** 原笔记本的模型由三个 `Dense` 层组成，最后一层没有激活函数，
# 所以模型输出的是十个 *logits*（每个数字一个原始分数），而不是概率。
# 本章手算模型的参数数量，解释 logits（原笔记本第 4.1 节），用 softmax 把 logits 变成概率，
# 并说明为什么损失函数要设置 `from_logits=True`：直接从 logits 计算损失是精确的，
# 而概率可能被舍入为 0。然后做一个可以事先预测的检查：什么都没学的模型给每个数字约 1/10 的概率，
# 损失约为 ln(10) = 2.30。最后看看在模型里已经用了 softmax、
# 损失函数又设置 `from_logits=True` 时会出什么问题，以及 Keras 会给出什么警告。

# %% [markdown]
# ## Setup · 准备

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
import warnings

import keras
import numpy as np
import tensorflow as tf

from mnist_helpers import build_model, load_mnist, make_loss, normalize_images

# %%
(x_train, y_train), _ = load_mnist()
x_train_normalized = normalize_images(x_train)
print(f"{len(x_train):,} training digits, each {x_train_normalized.shape[1]} pixels in [0, 1]")

# %% [markdown]
# ## The seed's model · 原笔记本的模型
#
# The seed builds it like this: 784 inputs (one per pixel), a hidden layer of 784 units, one of
# 256, both with ReLU, and a last layer of 10 units, one per digit, with no activation. We add
# `tf.keras.Input(shape=(784,))`: it tells Keras the input size up front, so the weights exist
# before the model sees any data and we can count them now.

# %%
seed_model = tf.keras.Sequential(
    [
        tf.keras.Input(shape=(784,)),
        tf.keras.layers.Dense(784, activation=tf.nn.relu),
        tf.keras.layers.Dense(256, activation=tf.nn.relu),
        tf.keras.layers.Dense(10),
    ]
)

# %% [markdown]
# `build_model` makes the same model, with named layers and a `seed` so that its starting weights
# are the same on every run. The rest of the course uses it.

# %% tags=["nbval-ignore-output"]
# The table's layout depends on the Keras and rich versions; the counts are checked below.
model = build_model(seed=0)
model.summary()

# %% [markdown]
# ## Count the parameters by hand · 手算参数数量
#
# A `Dense` layer with `n` inputs and `m` units has an `n x m` weight matrix (the *kernel*: one
# weight from every input to every unit) and `m` biases (one per unit): `n * m + m` parameters.

# %%
hidden_1 = 784 * 784 + 784
hidden_2 = 784 * 256 + 256
logits_layer = 256 * 10 + 10
by_hand = hidden_1 + hidden_2 + logits_layer
print(f"{hidden_1:,} + {hidden_2:,} + {logits_layer:,} = {by_hand:,}")

# %%
for layer in model.layers:
    kernel, bias = layer.weights
    print(f"{layer.name:9} kernel {kernel.shape}, bias {bias.shape}: {layer.count_params():,}")

# %%
assert by_hand == model.count_params() == seed_model.count_params() == 818_970

# %% [markdown]
# Three quarters of the parameters sit in the first layer, which connects all 784 pixels to all
# 784 hidden units.

# %% [markdown]
# ## What are logits? (the seed's section 4.1) · 什么是 logits？
#
# The seed quotes two definitions. In statistics, the *logit* of a probability `p` is its
# log-odds, `ln(p / (1 - p))`: it maps probabilities in (0, 1) to all real numbers, `p = 0.5`
# maps to 0, smaller probabilities to negative numbers, larger ones to positive numbers. It is
# the inverse of the sigmoid (logistic) function.

# %%
for probability in [0.01, 0.1, 0.5, 0.9, 0.99]:
    logit = math.log(probability / (1 - probability))
    print(f"p = {probability:4}   logit = ln(p / (1 - p)) = {logit:+.2f}")

# %% [markdown]
# In deep learning, *logits* are the raw outputs of a classifier's last layer, before any
# sigmoid or softmax: any real numbers, one per class. A softmax then turns them into
# probabilities. The two meanings meet there: the difference between two classes' logits is the
# log-odds between those two classes (shown below).
#
# The seed's summary, kept as it was:
#
# > 简而言之，在分类神经网络模型中，logits就是全连接层的（未经sigmoid或softmax处理）直接输出。
# > 在上面的模型中最后一级是没有激活函数的，也就是说模型的最后一层输出的是logits，
# > 因此以下loss函数中要指定from_logits = True.
#
# **In short:** in a classification network, the logits are the direct outputs of the last
# fully connected layer, not passed through sigmoid or softmax. The model above has no
# activation in its last layer, so it outputs logits, and the loss function below must be told
# so with `from_logits=True`.
#
# Here are the untrained model's logits for the first three training digits: ten numbers each,
# positive and negative, and nothing makes them sum to 1.

# %% tags=["nbval-ignore-output"]
# The starting weights are seeded, but the last digits can differ between machines.
logits = model(x_train_normalized[:3]).numpy()
print(np.round(logits, 2))
print("row sums:", np.round(logits.sum(axis=1), 2))

# %%
assert logits.shape == (3, 10)
assert logits.min() < 0 < logits.max(), "logits are any real numbers"
assert not np.allclose(logits.sum(axis=1), 1), "they are not probabilities"

# %% [markdown]
# ## Softmax: from logits to probabilities · 从 logits 到概率
#
# Softmax makes every logit positive with `exp`, then divides by the sum, so the ten values add
# up to 1: `softmax(z)_i = exp(z_i) / sum_j exp(z_j)`. Take an example vector of ten logits and
# compute it by hand:

# %%
z = np.array([1.0, -0.5, 3.0, 0.0, 0.2, -1.0, 0.5, 2.0, -2.0, 0.0])
p = np.exp(z) / np.exp(z).sum()
print("logits:       ", z)
print("probabilities:", np.round(p, 3))
print(
    f"sum {p.sum():.6f}; largest logit at index {z.argmax()}, largest probability at {p.argmax()}"
)

# %%
assert np.allclose(p, tf.nn.softmax(z).numpy()), "the same as TensorFlow's softmax"
assert np.isclose(math.log(p[2] / p[7]), z[2] - z[7]), "logit gap = log-odds"

# %% [markdown]
# Softmax keeps the order: the largest logit gets the largest probability, so the predicted digit
# is simply the index of the largest logit, and we never need softmax to predict. The second
# check above shows the link to the statistical logit: `ln(p_2 / p_7) = z_2 - z_7`, the gap
# between two logits is the log-odds between those two classes.
#
# **中文：** softmax 先用 `exp` 把每个 logit 变成正数，再除以总和，使十个值加起来等于 1。
# 它不改变大小顺序：logit 最大的类别概率也最大，所以预测时只需取最大 logit 的下标。
# 两个 logit 之差就是这两个类别概率之比的对数（log-odds），这正是统计学中 logit 的含义。

# %% [markdown]
# ## The loss, and why `from_logits=True` · 损失函数与 `from_logits=True`
#
# The seed's loss is `SparseCategoricalCrossentropy`: for one digit, minus the log of the
# probability the model gives to the right class, `-ln(p_y)`. *Sparse* means the labels are
# integers (3), not one-hot vectors. `make_loss()` builds it exactly as the seed does:
# `keras.losses.SparseCategoricalCrossentropy(from_logits=True)`.
#
# Why not apply softmax in the model and give the loss the probabilities? Because
# `-ln(softmax(z)_y)` can be computed directly from the logits, as `ln(sum_j exp(z_j)) - z_y`,
# and that formula never takes the log of a number that has rounded to 0. Take a model that is
# very sure and very wrong: the right digit is 1, but its logit is 110 below the top one.

# %%
wrong_logits = np.array(
    [[0.0, -110.0, -5.0, -5.0, -5.0, -5.0, -5.0, -5.0, -5.0, -5.0]], dtype="float32"
)
right_digit = np.array([1])
wrong_probabilities = tf.nn.softmax(wrong_logits).numpy()
print("probability of the right digit:", wrong_probabilities[0, 1])

from_logits = make_loss()(right_digit, wrong_logits)
from_probabilities = keras.losses.SparseCategoricalCrossentropy()(right_digit, wrong_probabilities)
print(f"loss from the logits:        {float(from_logits):.2f}")
print(f"loss from the probabilities: {float(from_probabilities):.2f} = -ln(1e-7)")

# %% [markdown]
# The model computes in `float32`, where `e^-110` (about 1.7e-48) rounds to 0, and `ln(0)` is
# minus infinity. So Keras clips every probability to at least `1e-7` before taking the log: the
# loss stops at `-ln(1e-7) = 16.12`, however large the real mistake. Worse, the clipped loss no
# longer changes when the logits change, so its gradient, the signal that should push the right
# digit's logit up, is zero:

# %%
variable = tf.Variable(wrong_logits)
with tf.GradientTape(persistent=True) as tape:
    loss_from_logits = make_loss()(right_digit, variable)
    loss_from_probabilities = keras.losses.SparseCategoricalCrossentropy()(
        right_digit, tf.nn.softmax(variable)
    )
push = {
    name: abs(float(tape.gradient(loss, variable)[0, 1]))
    for name, loss in [("logits", loss_from_logits), ("probabilities", loss_from_probabilities)]
}
for name, size in push.items():
    print(f"from {name:13}: push on the right digit's logit = {size:.3f}")

# %%
assert float(from_logits) > 100 and math.isclose(
    float(from_probabilities), -math.log(1e-7), rel_tol=1e-3
)
assert push["logits"] > 0.99 and push["probabilities"] < 1e-3

# %% [markdown]
# **中文：为什么要 `from_logits=True`？** 交叉熵损失是 `-ln(p_y)`，
# 即模型给正确类别的概率取负对数。设置 `from_logits=True` 时，
# Keras 直接用 logits 计算 `ln(sum_j exp(z_j)) - z_y`，数值上是稳定的。
# 如果先算出概率再取对数，一个非常自信的错误预测会让正确类别的概率在 `float32` 中舍入为 0，
# Keras 只好把概率截断到 `1e-7`，损失停在 16.12，梯度变为 0，模型无法从最严重的错误中学习。

# %% [markdown]
# ## Check: the untrained model's loss · 检查：未训练模型的损失
#
# Before running the next cell, predict the number. The untrained model knows nothing about
# digits, so it gives each of the ten classes a probability of about 1/10. The loss is
# `-ln(p_y)`, so on average about `-ln(1/10) = ln(10)`. What is `ln(10)`?

# %%
untrained_loss = float(make_loss()(y_train, model(x_train_normalized)))
print(f"ln(10) = {math.log(10):.4f}")
print(f"the untrained model's mean loss on {len(x_train):,} training digits: {untrained_loss:.2f}")

# %%
assert abs(untrained_loss - math.log(10)) < 0.3, "an untrained model's loss is close to ln(10)"

# %% [markdown]
# About 2.3, as predicted. Not exactly: random starting weights make the untrained model
# slightly sure of some wrong answers, which costs a little more than a perfect 1/10 each. A
# starting loss far from 2.3 (say 140, as with pixels that were not normalized) means something
# is wrong before training even starts.
#
# **中文：** 运行之前先预测：未训练的模型对数字一无所知，给十个类别的概率各约 1/10，
# 所以平均损失约为 `-ln(1/10) = ln(10) ≈ 2.30`。实际结果接近 2.3。
# 如果初始损失离 2.3 很远（比如像素没有归一化时约为 140），说明训练开始之前就有问题。

# %% [markdown]
# ## Softmax in the model and `from_logits=True`: softmax twice · 两次 softmax
#
# A common mistake: put `activation="softmax"` on the last layer, and keep
# `from_logits=True` in the loss. The loss then treats probabilities as logits and applies
# softmax to them a second time. Here is the seed's model with a softmax added on top (the same
# weights), and the seed's loss:

# %%
softmax_model = keras.Sequential([model, keras.layers.Softmax()], name="softmax_on_top")
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    rescued_loss = float(make_loss()(y_train, softmax_model(x_train_normalized)))
for warning in caught:
    print(f"{warning.category.__name__}: {warning.message}")

# %% [markdown]
# Keras 3 with the TensorFlow backend notices: the softmax output still carries the logits it
# was computed from, so Keras warns and quietly uses those logits. This time the loss is right:

# %%
assert any("from_logits=True" in str(warning.message) for warning in caught)
assert math.isclose(rescued_loss, untrained_loss, rel_tol=1e-6), "Keras used the hidden logits"

# %% [markdown]
# Do not count on that rescue. It works only while the tensor still carries its logits. When the
# probabilities arrive any other way, as a NumPy array from `model.predict`, from
# `tf.nn.softmax` in an eagerly run loop, or on another Keras backend, softmax is applied twice
# and nothing warns you:

# %%
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    predicted_probabilities = softmax_model.predict(x_train_normalized, verbose=0)  # NumPy
    twice_loss = float(make_loss()(y_train, predicted_probabilities))
print("warnings:", len(caught))

# %% tags=["nbval-ignore-output"]
print(f"loss with softmax applied twice: {twice_loss:.3f} (the right loss: {untrained_loss:.3f})")

# %%
assert not caught, "no warning this time"
assert abs(twice_loss - untrained_loss) > 0.01, "and a different, wrong, loss"

# %% [markdown]
# What is wrong with softmax twice? Probabilities lie between 0 and 1, so as "logits" they differ
# by at most 1, and softmax of them is nearly flat. Even a perfect model, one that gives the
# right digit probability 1, would get softmax([1, 0, ..., 0]) = e / (e + 9) = 0.23 for it and a
# loss of `ln(e + 9) - 1`, never lower. So the loss stops telling you how good the model is, and
# its gradients are weaker, so each training step teaches the model less:

# %%
perfect = np.eye(10, dtype="float32")[y_train]  # probability 1 on every right digit
floor = float(make_loss()(y_train, perfect))
print(f"a perfect model's loss with softmax twice: {floor:.3f}")
print(f"ln(e + 9) - 1 = {math.log(math.e + 9) - 1:.3f}")

# %% [markdown]
# **The rule:** either the last layer has no activation and the loss has `from_logits=True` (the
# seed's choice, and this course's), or the last layer has softmax and the loss has
# `from_logits=False`, the default. Never both softmax and `from_logits=True`. Prefer the first:
# it is the numerically stable one, and softmax is one call away when you want probabilities
# (`tf.nn.softmax(logits)`, or the `probabilities` of the result of `evaluate`).
#
# **中文：** 常见错误是在最后一层使用 `activation="softmax"`，损失函数却仍然设置
# `from_logits=True`，于是 softmax 被计算了两次。Keras 3（TensorFlow 后端）在张量仍带有原始
# logits 时会发出警告并悄悄改用这些 logits，但只要概率经过了 NumPy（例如 `model.predict`）、
# 即时执行的 `tf.nn.softmax` 或其他后端，就会静默地计算两次 softmax：即使模型完全正确，
# 损失也不会低于 `ln(e + 9) - 1 ≈ 1.46`，不再反映模型的好坏，梯度也变弱，每一步学到的更少。
# 规则：要么最后一层不加激活、损失设置 `from_logits=True`（原笔记本和本课程的做法），
# 要么最后一层用 softmax、损失保持默认的 `from_logits=False`，两者不要同时使用。

# %% [markdown]
# ## Summary · 小结
#
# - The seed's model, 784 → 784 → 256 → 10, has 615,440 + 200,960 + 2,570 = 818,970 parameters:
#   `n * m + m` per `Dense` layer.
# - Its last layer has no activation, so it outputs logits: any real numbers, one per digit.
#   Softmax turns them into probabilities that sum to 1 without changing their order.
# - The loss takes logits (`from_logits=True`) because computing it from logits is exact where
#   probabilities round to 0.
# - An untrained model's loss is close to ln(10) ≈ 2.30: check it before training.
# - Softmax in the model plus `from_logits=True` applies softmax twice; Keras warns only when it
#   can see it.
#
# **中文小结：** 原笔记本的模型共有 818,970 个参数（每个 `Dense` 层 `n * m + m` 个）；
# 最后一层没有激活函数，输出 logits；softmax 把 logits 变成总和为 1 的概率且不改变顺序；
# 损失函数设置 `from_logits=True` 是为了数值稳定；未训练模型的损失约为 ln(10) ≈ 2.30；
# 不要同时使用 softmax 和 `from_logits=True`。
#
# Next: [chapter 4, training](04_training.ipynb) trains this model with the seed's loop.

# %% [markdown]
# ## Exercises · 练习
#
# 1. Add a fourth `Dense(128)` hidden layer after the 256-unit one. Predict the new parameter
#    count by hand, then check it with `count_params()`.
# 2. Compute the untrained model's loss on raw pixels,
#    `x_train.reshape(len(x_train), 784).astype("float32")`. Why is it so far from 2.3?
# 3. Subtract 100 from every logit in `z` above and compute the softmax by hand again: what
#    changes? Now add 1000 instead. Why does the by-hand formula fail, and why does
#    `np.exp(z - z.max()) / np.exp(z - z.max()).sum()` still work?
