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
# **You build the classroom notebook's 784-784-256-10 model, count its 818,970 parameters by
# hand, turn its outputs, the logits, into probabilities, see why the loss needs
# `from_logits=True`, and check that the untrained model's loss is close to ln(10) ≈ 2.3, a
# number you can predict.**
#
# **你将搭建原笔记本中 784-784-256-10 的模型，手算它的 818,970 个参数，把它的输出（logits）变成概率，
# 理解损失函数为什么需要 `from_logits=True`，并验证未训练模型的损失接近 ln(10) ≈ 2.3：
# 一个可以事先预测的数字。**
#
# ## Overview · 概述
#
# The classroom notebook's model is three `Dense` layers; the last one has no activation, so the
# model outputs ten *logits*, one raw score per digit, not probabilities. This chapter counts the
# model's parameters by hand, explains logits (the classroom notebook's section 4.1), turns them
# into probabilities with softmax, and shows why the loss is built with `from_logits=True`:
# computing the loss from logits stays numerically stable where probabilities round to 0. Then a
# check you can predict before you run it: a model that knows nothing gives each digit about
# 1/10, so its loss is about ln(10) = 2.30. Finally, what goes wrong when softmax is applied in
# the model *and* the loss is told to expect logits, when Keras catches the mistake (and warns),
# and what it costs in training when it does not.
#
# **中文：** 原笔记本的模型由三个 `Dense` 层组成，最后一层没有激活函数，
# 所以模型输出的是十个 *logits*（每个数字一个原始分数），而不是概率。
# 本章手算模型的参数数量，解释 logits（原笔记本第 4.1 节），用 softmax 把 logits 变成概率，
# 并说明为什么损失函数要设置 `from_logits=True`：概率可能被舍入为 0，而直接从 logits 计算损失
# 在数值上是稳定的。然后做一个可以在运行前预测的检查：什么都没学的模型给每个数字约 1/10 的概率，
# 所以损失约为 ln(10) = 2.30。最后看看在模型里已经用了 softmax、损失函数又设置 `from_logits=True`
# 时会出什么问题，Keras 什么时候能发现这个错误（并发出警告），以及它没发现时在训练中造成的代价。

# %% [markdown]
# ## Setup · 准备
#
# The first code cell makes the course's helper package, `mnist_helpers`, importable: where it
# is missing (Colab, a fresh Jupyter kernel) it installs it with pip, and where it is installed
# it prints nothing. It comes before `import tensorflow` on purpose: `mnist_helpers` imports
# TensorFlow itself, with less of its log output ([chapter 1](01_dataset.ipynb) says exactly
# what it hides and what it keeps). The second cell holds the chapter's imports.
#
# **中文：** 第一个代码单元让本课程的辅助包 `mnist_helpers` 可以被导入：如果缺少（例如 Colab
# 或一个全新的 Jupyter 内核），它会用 pip 安装；如果已经安装，它什么也不输出。
# 它特意放在 `import tensorflow` 之前：`mnist_helpers` 会自己导入 TensorFlow，并减少它的日志输出
# （[第 1 章](01_dataset.ipynb)具体说明了它隐藏什么、保留什么）。第二个单元是本章的其他导入。

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

from mnist_helpers import (
    build_model,
    load_mnist,
    make_dataset,
    make_loss,
    normalize_images,
)

# %%
(x_train, y_train), (x_test, y_test) = load_mnist()
x_train_normalized = normalize_images(x_train)
x_test_normalized = normalize_images(x_test)
print(f"{len(x_train):,} training digits, each {x_train_normalized.shape[1]} pixels in [0, 1]")

# %% [markdown]
# ## The classroom notebook's model · 原笔记本的模型
#
# The classroom notebook builds it like this: 784 inputs (one per pixel), a hidden layer of 784
# units, one of 256, both with ReLU, and a last layer of 10 units, one per digit, with no
# activation. We add `tf.keras.Input(shape=(784,))`: it tells Keras the input size up front, so
# the weights exist before the model sees any data and we can count them now.
#
# **中文：** 原笔记本这样搭建模型：784 个输入（每个像素一个），一个 784 个单元的隐藏层，
# 一个 256 个单元的隐藏层，两者都用 ReLU 激活；最后一层有 10 个单元（每个数字一个），没有激活函数。
# 我们加上 `tf.keras.Input(shape=(784,))`：它事先告诉 Keras 输入的大小，
# 这样模型在看到任何数据之前就已经创建了权重，我们现在就能数出它们。

# %%
classroom_model = tf.keras.Sequential(
    [
        tf.keras.Input(shape=(784,)),
        tf.keras.layers.Dense(784, activation=tf.nn.relu),
        tf.keras.layers.Dense(256, activation=tf.nn.relu),
        tf.keras.layers.Dense(10),
    ]
)

# %% [markdown]
# `build_model` makes the same model, with named layers and a random `seed` so that its starting
# weights are the same on every run. The rest of the course uses it.
#
# **中文：** `build_model` 搭建同样的模型，给各层起了名字，并接受一个随机种子 `seed`，
# 使每次运行的初始权重都相同。课程的其余部分都使用它。

# %% tags=["nbval-ignore-output"]
# The table's layout depends on the Keras and rich versions; the counts are checked below.
model = build_model(seed=0)
model.summary()

# %% [markdown]
# ## Count the parameters by hand · 手算参数数量
#
# A `Dense` layer with `n` inputs and `m` units has an `n x m` weight matrix `W` (the *kernel*:
# one weight from every input to every unit) and `m` biases `b` (one per unit): `n * m + m`
# parameters. Keras stores the kernel as inputs x units, so for a row `x` of `n` inputs the layer
# computes `x W + b`, a row of `m` numbers, then its activation.
#
# **中文：** 一个有 `n` 个输入、`m` 个单元的 `Dense` 层，有一个 `n x m` 的权重矩阵 `W`
# （称为 *kernel*：每个输入到每个单元各有一个权重）和 `m` 个偏置 `b`（每个单元一个），
# 共 `n * m + m` 个参数。Keras 按“输入数 x 单元数”存放 kernel，所以对一行 `n` 个输入 `x`，
# 这一层计算 `x W + b`，得到一行 `m` 个数，再经过激活函数。

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

# %% [markdown]
# The same arithmetic by hand, `x W + b` layer after layer with ReLU between, gives the model's
# own outputs for the first three training digits:
#
# **中文：** 用手算重复同样的运算：逐层计算 `x W + b`，中间经过 ReLU，
# 得到的正是模型对前三张训练图片的输出：

# %%
(w1, b1), (w2, b2), (w3, b3) = [layer.get_weights() for layer in model.layers]
x = x_train_normalized[:3]
outputs_by_hand = np.maximum(np.maximum(x @ w1 + b1, 0) @ w2 + b2, 0) @ w3 + b3
print("x W + b by hand == model(x):", np.allclose(outputs_by_hand, model(x), atol=1e-5))

# %%
assert by_hand == model.count_params() == classroom_model.count_params() == 818_970
assert hidden_1 / by_hand > 0.75
assert w2.shape == (784, 256) and w3.shape == (256, 10), "kernels are inputs x units"
assert np.allclose(outputs_by_hand, model(x), atol=1e-5), "each layer computes x W + b"

# %% [markdown]
# Three quarters of the parameters sit in the first layer, which connects all 784 pixels to all
# 784 hidden units.
#
# **中文：** 四分之三的参数都在第一层，因为它把全部 784 个像素和全部 784 个隐藏单元两两相连。

# %% [markdown]
# ## What are logits? (the classroom notebook's section 4.1) · 什么是 logits？
#
# The classroom notebook quotes two definitions. In statistics, the *logit* of a probability `p`
# is its log-odds, `ln(p / (1 - p))`: it maps probabilities in (0, 1) to all real numbers,
# `p = 0.5` maps to 0, smaller probabilities to negative numbers, larger ones to positive
# numbers. It is the inverse of the sigmoid (logistic) function.
#
# **中文：** 原笔记本引用了两种定义。在统计学中，概率 `p` 的 *logit* 是它的对数几率
# `ln(p / (1 - p))`：它把 (0, 1) 之间的概率映射到全体实数，`p = 0.5` 对应 0，
# 更小的概率对应负数，更大的概率对应正数。它是 sigmoid（logistic）函数的反函数。

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
# The classroom notebook's summary, kept as it was:
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
#
# **中文：** 在深度学习中，*logits* 指分类器最后一层的原始输出，尚未经过 sigmoid 或 softmax：
# 它们可以是任意实数，每个类别一个。随后 softmax 把它们变成概率。两种含义在这里相遇：
# 两个类别的 logit 之差，正是这两个类别之间的对数几率（下面会验证）。
# 上面引用的是原笔记本自己的中文总结。
# 下面是未训练模型对前三张训练图片输出的 logits：每张图十个数，有正有负，总和也不等于 1。

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
#
# **中文：** softmax 先用 `exp` 把每个 logit 变成正数，再除以它们的总和，使十个值加起来等于 1：
# `softmax(z)_i = exp(z_i) / sum_j exp(z_j)`。取一个由十个 logits 组成的示例向量，手工计算一遍：

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
# **中文：** softmax 不改变大小顺序：logit 最大的类别概率也最大，所以预测的数字就是最大 logit 的下标，
# 预测时根本不需要 softmax。上面的第二个检查说明了它与统计学中 logit 的联系：
# `ln(p_2 / p_7) = z_2 - z_7`，两个 logit 之差就是这两个类别之间的对数几率。

# %% [markdown]
# ## The loss, and why `from_logits=True` · 损失函数与 `from_logits=True`
#
# The classroom notebook's loss is `SparseCategoricalCrossentropy`: for one digit, minus the log
# of the probability the model gives to the right class, `-ln(p_y)`. *Sparse* means the labels
# are integers (3), not one-hot vectors. `make_loss()` builds it exactly as the classroom
# notebook does: `keras.losses.SparseCategoricalCrossentropy(from_logits=True)`.
#
# Why not apply softmax in the model and give the loss the probabilities? Because
# `-ln(softmax(z)_y)` can be computed directly from the logits, as `ln(sum_j exp(z_j)) - z_y`,
# and that formula never takes the log of a number that has rounded to 0. Take a model that is
# very sure and very wrong: the right digit is 1, but its logit is 110 below the top one.
#
# **中文：** 原笔记本的损失函数是 `SparseCategoricalCrossentropy`（稀疏分类交叉熵）：
# 对一个数字，取模型给正确类别的概率的负对数 `-ln(p_y)`。“稀疏”指标签是整数（例如 3），
# 而不是 one-hot 向量。`make_loss()` 的构建方式和原笔记本完全一样：
# `keras.losses.SparseCategoricalCrossentropy(from_logits=True)`。
#
# 为什么不在模型里先做 softmax，再把概率交给损失函数？因为 `-ln(softmax(z)_y)` 可以直接从 logits
# 计算，即 `ln(sum_j exp(z_j)) - z_y`，这个公式永远不会对一个已被舍入为 0 的数取对数。
# 来看一个非常自信、又完全错误的模型：正确的数字是 1，但它的 logit 比最大的 logit 低 110。

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
# digit's logit up, is zero. Here the probabilities come from `tf.nn.softmax`, run eagerly, so
# the loss receives them as bare numbers:
#
# **中文：** 模型用 `float32` 计算，`e^-110`（约 1.7e-48）会被舍入为 0，而 `ln(0)` 是负无穷。
# 所以 Keras 在取对数之前把每个概率裁剪到至少 `1e-7`：无论真实的错误有多大，损失都停在
# `-ln(1e-7) = 16.12`。更糟的是，裁剪后的损失不再随 logits 变化，所以它的梯度，
# 也就是本应把正确数字的 logit 往上推的信号，变成了 0：

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
# So with `from_logits=True` the loss measures the full mistake (110) and pushes the right
# digit's logit up at full strength, while the loss computed from these probabilities is stuck
# at 16.12 and pushes nothing: the model cannot learn from its worst mistakes.
#
# **中文：** 所以设置 `from_logits=True` 时，损失反映了错误的全部大小（110），
# 并以全部力度把正确数字的 logit 往上推；而从这些概率计算的损失卡在 16.12，推力为 0：
# 模型无法从它最严重的错误中学习。

# %% [markdown]
# That failure needs probabilities the loss cannot trace back to their logits. Keras 3 on
# TensorFlow keeps the logits attached to the output of its own softmax (a `Softmax` layer,
# `activation="softmax"`, `keras.ops.softmax`), and its cross-entropy, given such an output,
# computes from those logits instead, even with the default `from_logits=False`
# (`_get_logits` in Keras' `backend/tensorflow/nn.py`). So a model that ends in a Keras softmax,
# trained with `from_logits=False`, is stable too on TensorFlow:
#
# **中文：** 这种失败的前提是：损失函数无法从概率追溯到它们的 logits。使用 TensorFlow 后端的
# Keras 3 会把 logits 附在它自己的 softmax（`Softmax` 层、`activation="softmax"`、
# `keras.ops.softmax`）的输出上；交叉熵收到这样的输出时，会改用这些 logits 计算，
# 即使是默认的 `from_logits=False` 也一样（见 Keras 的 `backend/tensorflow/nn.py` 中的
# `_get_logits`）。所以在 TensorFlow 上，以 Keras softmax 结尾、用 `from_logits=False`
# 训练的模型同样是稳定的：

# %%
with tf.GradientTape() as tape:
    loss_from_keras_softmax = keras.losses.SparseCategoricalCrossentropy()(
        right_digit, keras.layers.Softmax()(variable)
    )
keras_softmax_push = abs(float(tape.gradient(loss_from_keras_softmax, variable)[0, 1]))
print(
    f"from a Keras Softmax layer, from_logits=False: loss {float(loss_from_keras_softmax):.2f}, ",
    end="",
)
print(f"push {keras_softmax_push:.3f}")

# %%
assert math.isclose(float(loss_from_keras_softmax), float(from_logits), rel_tol=1e-6)
assert keras_softmax_push > 0.99, "computed from the logits Keras kept, not from the probabilities"

# %% [markdown]
# The probabilities arrive as bare numbers, and the loss stops at 16.12 with no gradient, when
# they come from NumPy (for example `model.predict`), from `tf.nn.softmax` run eagerly (as
# above), or from any softmax on Keras' JAX or PyTorch backends, whose cross-entropy does not
# look for logits. With `from_logits=True` and a last layer without activation, the loss is
# stable wherever the outputs come from and on every backend: that is why the classroom
# notebook's choice is the safe one. Stable, not exact: it is computed in `float32` like
# everything else, but it never takes the log of a probability that has rounded to 0.
#
# **中文：** 当概率是“裸”数字时，损失就会停在 16.12、没有梯度：例如来自 NumPy
# （如 `model.predict` 的结果）、来自即时执行的 `tf.nn.softmax`（如上），
# 或者来自 Keras 的 JAX、PyTorch 后端上的任何 softmax（这两个后端的交叉熵不会去找 logits）。
# 最后一层不加激活、损失设置 `from_logits=True` 时，无论输出从哪里来、用哪个后端，损失都是稳定的：
# 所以原笔记本的做法是稳妥的。是“稳定”而不是“精确”：它同样用 `float32` 计算，
# 但它从不对一个已被舍入为 0 的概率取对数。

# %% [markdown]
# ## Check: the untrained model's loss · 检查：未训练模型的损失
#
# Before running the next cell, predict the number. The untrained model knows nothing about
# digits, so it gives each of the ten classes a probability of about 1/10. The loss is
# `-ln(p_y)`, so on average about `-ln(1/10) = ln(10)`. What is `ln(10)`?
#
# **中文：** 运行下一个单元之前，先预测结果。未训练的模型对数字一无所知，
# 所以给十个类别的概率各约 1/10。损失是 `-ln(p_y)`，平均约为 `-ln(1/10) = ln(10)`。
# `ln(10)` 等于多少？

# %%
untrained_loss = float(make_loss()(y_train, model(x_train_normalized)))
print(f"ln(10) = {math.log(10):.4f}")
print(f"the untrained model's mean loss on {len(x_train):,} training digits: {untrained_loss:.2f}")

# %%
assert abs(untrained_loss - math.log(10)) < 0.3, "an untrained model's loss is close to ln(10)"

# %% [markdown]
# About 2.3, as predicted. Not exactly: random starting weights make the untrained model
# slightly sure of some wrong answers, which costs a little more than a perfect 1/10 each. A
# starting loss far from 2.3 means something is wrong before training even starts: with pixels
# that were not normalized it is more than ten times larger ([chapter 2](02_normalization.ipynb)
# measures it for five random seeds; exercise 2 below for one).
#
# **中文：** 结果约为 2.3，和预测一致。并不完全相等：随机的初始权重让未训练的模型对某些错误答案
# 稍有置信度，每个这样的答案的代价比正好 1/10 时略高。如果初始损失离 2.3 很远，
# 说明训练开始之前就有问题：像素没有归一化时，初始损失会大十倍以上
# （[第 2 章](02_normalization.ipynb)用五个随机种子测量过；下面的练习 2 测量其中一个）。

# %% [markdown]
# ## Softmax in the model and `from_logits=True`: softmax twice · 两次 softmax
#
# Where does a softmax belong? For *prediction*, on top of a trained model, it is right: the
# TensorFlow quickstart wraps its model as `Sequential([model, Softmax()])` to get probabilities
# (here `softmax_model`, the same weights). For *training*, the model's output goes to the loss,
# and there the two must agree. A common mistake: a softmax at the end of the model
# (`activation="softmax"` on the last layer, or that `Softmax()` on top), and `from_logits=True`
# kept in the loss. The loss then treats probabilities as logits and applies softmax a second
# time. Give the course's loss the quickstart model's output:
#
# **中文：** softmax 应该放在哪里？用于*预测*时，把它放在训练好的模型之上是对的：TensorFlow 入门教程
# 把模型包装成 `Sequential([model, Softmax()])` 来得到概率（这里是 `softmax_model`，权重相同）。
# 用于*训练*时，模型的输出要交给损失函数，两者必须一致。一个常见的错误是：模型最后有 softmax
# （最后一层设置 `activation="softmax"`，或在上面加 `Softmax()`），损失函数却仍然设置
# `from_logits=True`。这时损失函数把概率当作 logits，再做一次 softmax。
# 把入门教程式模型的输出交给本课程的损失函数：

# %%
softmax_model = keras.Sequential([model, keras.layers.Softmax()], name="softmax_on_top")
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    rescued_loss = float(make_loss()(y_train, softmax_model(x_train_normalized)))
for warning in caught:
    print(f"{warning.category.__name__}:", str(warning.message).strip('"'))

# %% [markdown]
# Keras 3 with the TensorFlow backend notices, even here, run eagerly: the softmax output still
# carries the logits it was computed from, so Keras warns and uses those logits. The loss is
# the right one:
#
# **中文：** 使用 TensorFlow 后端的 Keras 3 发现了这个问题，即使这里是即时执行：softmax 的输出
# 仍然带着计算它的那些 logits，所以 Keras 发出警告，并改用这些 logits。损失是正确的：

# %%
assert any("from_logits=True" in str(warning.message) for warning in caught)
assert math.isclose(rescued_loss, untrained_loss, rel_tol=1e-6), "Keras used the hidden logits"

# %% [markdown]
# It rescues training the same way. One eager training step of a model whose last layer has
# `activation="softmax"`, with `from_logits=True`, gives exactly the gradients of the logits
# model (the same starting weights, the same batch), so it trains exactly like it:
#
# **中文：** 训练时它也以同样的方式挽救。最后一层设置 `activation="softmax"`、损失设置
# `from_logits=True` 的模型，即时执行一步训练，得到的梯度与 logits 模型（相同的初始权重、
# 相同的批次）完全相同，所以训练过程也完全一样：

# %%
softmax_layer_model = keras.Sequential(
    [
        keras.Input(shape=(784,)),
        keras.layers.Dense(784, activation="relu"),
        keras.layers.Dense(256, activation="relu"),
        keras.layers.Dense(10, activation="softmax"),
    ]
)
softmax_layer_model.set_weights(model.get_weights())
x_batch, y_batch = x_train_normalized[:64], y_train[:64]
step_gradients = {}
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    for name, candidate in [("logits", model), ("activation='softmax'", softmax_layer_model)]:
        with tf.GradientTape() as tape:
            loss = make_loss()(y_batch, candidate(x_batch, training=True))
        step_gradients[name] = tape.gradient(loss, candidate.trainable_weights)
largest_difference = max(
    float(tf.reduce_max(tf.abs(a - b))) for a, b in zip(*step_gradients.values(), strict=True)
)
print(f"largest difference between the two models' gradients: {largest_difference}")
print(f"warnings: {len(caught)}")

# %%
assert largest_difference == 0.0, "the same gradients: Keras trained from the logits"
assert len(caught) == 1, "and it warned"

# %% [markdown]
# A bare `tf.nn.softmax` applied to the logits is a different mistake. Its output carries no
# logits. Inside a `tf.function`, such as the course's compiled training step
# ([chapter 4](04_training.ipynb)), Keras still recognises a tensor made by a softmax operation
# and takes that operation's input instead, warning once, when the function is traced. The same
# expression run eagerly, line by line, gets no rescue and no warning:
#
# **中文：** 直接对 logits 调用 `tf.nn.softmax` 是另一种错误：它的输出不带 logits。
# 在 `tf.function` 内部（例如本课程编译后的训练步骤，见[第 4 章](04_training.ipynb)），
# Keras 仍能认出由 softmax 运算得到的张量，并改用这个运算的输入，
# 只在函数被追踪（trace）时警告一次。而同样的表达式在即时执行（逐行运行）时，
# 既得不到挽救，也没有警告：

# %%
model_logits = model(x_train_normalized)


@tf.function
def loss_in_a_graph(logits):
    return make_loss()(y_train, tf.nn.softmax(logits))


with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    graph_loss = float(loss_in_a_graph(model_logits))
    graph_warnings = len(caught)
    graph_loss_again = float(loss_in_a_graph(model_logits))
    eager_loss = float(make_loss()(y_train, tf.nn.softmax(model_logits)))
print(f"tf.nn.softmax, then from_logits=True: in a tf.function {graph_loss:.4f}, ", end="")
print(f"eagerly {eager_loss:.4f}")
print(f"the right loss: {untrained_loss:.4f}; warnings: {graph_warnings} at the trace, ", end="")
print(f"{len(caught) - graph_warnings} after it")

# %%
assert math.isclose(graph_loss, untrained_loss, rel_tol=1e-5), "rescued inside tf.function"
assert graph_loss_again == graph_loss and graph_warnings == 1 == len(caught), "warned at trace"
assert abs(eager_loss - untrained_loss) > 0.01, "not rescued eagerly, and not warned"

# %% [markdown]
# So: a Keras softmax (`activation="softmax"`, a `Softmax` layer) with `from_logits=True` is
# rescued on TensorFlow, eagerly and in a graph, with a warning; a bare `tf.nn.softmax` is
# rescued only inside a `tf.function`, with a warning at the trace. Do not count on either. When
# the probabilities arrive any other way, as a NumPy array from `model.predict`, from
# `tf.nn.softmax` run eagerly, from a softmax written out by hand, or on Keras' JAX or PyTorch
# backend, softmax is applied twice and nothing warns you:
#
# **中文：** 总结一下：Keras 的 softmax（`activation="softmax"`、`Softmax` 层）加上
# `from_logits=True`，在 TensorFlow 上无论即时执行还是在图中都会被挽救，并发出警告；
# 普通的 `tf.nn.softmax` 只在 `tf.function` 内被挽救，在追踪时警告。两种挽救都不要依赖。
# 如果概率是以其他方式得到的，例如 `model.predict` 返回的 NumPy 数组、即时执行的 `tf.nn.softmax`、
# 手写的 softmax，或者使用 Keras 的 JAX、PyTorch 后端，softmax 就会被计算两次，而且没有任何警告：

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
# ### A loss squeezed near ln(10) · 被压在 ln(10) 附近的损失
#
# Look at the two numbers: here the loss with softmax twice is *lower* than the right one. That
# does not mean the model is better: it is the same model, giving the same answers.
# Probabilities lie between 0 and 1, so as “logits” they differ by at most 1, and softmax of
# them is nearly flat, close to 1/10 for every digit. So the loss with softmax twice stays in a
# narrow band around `ln(10) = 2.303` whatever the model does: never above `ln(e + 9) = 2.46`
# (the right digit at probability 0) and never below `ln(e + 9) - 1 = 1.46`, even for a perfect
# model that gives the right digit probability 1. This untrained model's right loss is a little
# above 2.303, because it is slightly sure of wrong answers, so the squeezed loss lands below
# it. A trained model's right loss is far below 1.46, so its loss with softmax twice is the
# *higher* one (measured after training, below). Either way the number says little about the
# model.
#
# **中文：** 看看这两个数字：这里两次 softmax 得到的损失比正确的损失*更低*。但这并不意味着模型更好：
# 它是同一个模型，给出的答案也完全相同。概率在 0 和 1 之间，把它们当作“logits”时彼此最多相差 1，
# 再做一次 softmax 后几乎是平的，每个数字都接近 1/10。所以无论模型怎样，两次 softmax 的损失都停在
# `ln(10) = 2.303` 附近的窄带里：最高不超过 `ln(e + 9) = 2.46`（正确数字的概率为 0 时），
# 最低不低于 `ln(e + 9) - 1 = 1.46`，即使模型完美地给正确数字概率 1 也是如此。
# 这个未训练模型的正确损失略高于 2.303，因为它对一些错误答案稍有置信度，所以被压缩的损失落在它下面。
# 训练过的模型的正确损失远低于 1.46，所以它的两次 softmax 损失反而*更高*（见下面训练后的测量）。
# 无论哪种情况，这个数字都说明不了模型的好坏。

# %%
perfect = np.eye(10, dtype="float32")[y_train]  # probability 1 on every right digit
floor = float(make_loss()(y_train, perfect))
same_answers = np.array_equal(
    predicted_probabilities.argmax(axis=1), model_logits.numpy().argmax(axis=1)
)
print(f"a perfect model's loss with softmax twice: {floor:.3f}")
print(f"ln(e + 9) - 1 = {math.log(math.e + 9) - 1:.3f}")
print(f"same predicted digits with and without the extra softmax: {same_answers}")

# %%
assert math.isclose(floor, math.log(math.e + 9) - 1, rel_tol=1e-4)
assert floor < twice_loss < untrained_loss < math.log(math.e + 9)
assert abs(twice_loss - math.log(10)) < abs(untrained_loss - math.log(10)), "squeezed to ln(10)"
assert same_answers, "the same model, the same answers: a lower loss, not a better model"

# %% [markdown]
# ### What softmax twice costs in training · 两次 softmax 在训练中的代价
#
# Now train with the mistake where nothing rescues it. To keep Keras from recognising the
# second softmax, we write it out by hand, as in the softmax section (the same numbers as
# `tf.nn.softmax`; it is also what happens on the JAX and PyTorch backends). Three models start
# from the same weights, `build_model(seed=0)`, and train for one epoch on the *same* batches:
# one with the right loss, one with softmax twice, and one with softmax twice and its loss
# multiplied by 100. The batches are drawn once and kept in a list, because a dataset reshuffles
# every time it is iterated ([chapter 4](04_training.ipynb)); we repeat it for three batch
# orders. The step is the classroom notebook's (chapter 4 explains it), compiled with
# `tf.function`; we record the size of the gradient (`tf.linalg.global_norm`, the length of all
# gradients as one vector) at every step, then the test accuracy. This runs on a fixed slice,
# the first 4,000 training digits (63 steps), on the sample and on the full MNIST alike.
#
# **中文：** 现在在没有任何挽救的情况下带着这个错误训练。为了不让 Keras 认出第二次 softmax，
# 我们像 softmax 一节那样手写它（数值与 `tf.nn.softmax` 相同；JAX 和 PyTorch 后端上发生的也正是这种情况）。
# 三个模型从相同的权重 `build_model(seed=0)` 出发，在*相同*的批次上训练一个 epoch：
# 一个用正确的损失，一个做两次 softmax，一个做两次 softmax 并把损失乘以 100。
# 批次只取一次并保存在列表里，因为 dataset 每次迭代都会重新打乱（见[第 4 章](04_training.ipynb)）；
# 我们对三种批次顺序各做一遍。训练步骤就是原笔记本的步骤（第 4 章会详细解释），用 `tf.function` 编译；
# 我们记录每一步梯度的大小（`tf.linalg.global_norm`，即把所有梯度看作一个向量时的长度），
# 最后测量测试准确率。这里只用固定的一部分数据：前 4,000 张训练图片（63 步），
# 在自带样本和完整 MNIST 上都一样。


# %%
def softmax_by_hand(logits):
    """Softmax written out: probabilities Keras cannot trace back to their logits."""
    exps = tf.exp(logits - tf.reduce_max(logits, axis=-1, keepdims=True))
    return exps / tf.reduce_sum(exps, axis=-1, keepdims=True)


def train_on(batches, loss_input=tf.identity, loss_scale=1.0):
    """One step per batch for a fresh build_model(seed=0); the model and its gradient sizes."""
    student = build_model(seed=0)
    optimizer = keras.optimizers.Adam()
    loss_fn = make_loss()

    @tf.function
    def train_step(x, y):
        with tf.GradientTape() as tape:
            loss = loss_scale * loss_fn(y, loss_input(student(x, training=True)))
        gradients = tape.gradient(loss, student.trainable_weights)
        optimizer.apply_gradients(zip(gradients, student.trainable_weights, strict=True))
        return tf.linalg.global_norm(gradients)

    return student, [float(train_step(x, y)) for x, y in batches]


losses_to_compare = {
    "logits": (tf.identity, 1.0),
    "softmax twice": (softmax_by_hand, 1.0),
    "softmax twice x 100": (softmax_by_hand, 100.0),
}
test_accuracy, gradient_size, trained = {}, {}, {}
for order in range(3):
    # Drawn once: every model sees these very batches, in this order.
    batches = list(make_dataset(x_train_normalized[:4000], y_train[:4000], seed=order))
    for name, (loss_input, loss_scale) in losses_to_compare.items():
        student, sizes = train_on(batches, loss_input, loss_scale)
        test_answers = student(x_test_normalized).numpy().argmax(axis=1)
        test_accuracy[name, order] = float(np.mean(test_answers == y_test))
        gradient_size[name, order] = float(np.median(sizes))
        trained[name, order] = student

# %% tags=["nbval-ignore-output"]
print(f"{'loss':20} {'batch order':>11} {'median gradient size':>21} {'test accuracy':>14}")
for (name, order), accuracy in test_accuracy.items():
    print(f"{name:20} {order:11} {gradient_size[name, order]:21.2f} {accuracy:14.1%}")
accuracy_lost = {  # the right loss's accuracy minus this one's, per batch order
    name: np.array([test_accuracy["logits", o] - test_accuracy[name, o] for o in range(3)])
    for name in ["softmax twice", "softmax twice x 100"]
}
for name, lost in accuracy_lost.items():
    print(f"{name} loses {100 * lost.min():.1f} to {100 * lost.max():.1f} points of accuracy")

# %%
assert accuracy_lost["softmax twice"].min() > 0, "less accurate in every batch order"
for name, lost in accuracy_lost.items():
    assert lost.mean() > 0.01, f"{name}: more than a point lost, averaged over the orders"
for order in range(3):
    right, twice, scaled = (gradient_size[name, order] for name in losses_to_compare)
    assert twice < 0.5 * right, "softmax twice's gradients are smaller"
    assert scaled > 10 * right, "x 100: far larger than the right loss's, yet no better"

# %% [markdown]
# On the same batches softmax twice ends below the right loss in every order, by an amount that
# depends on the order (the range is printed above; over other random seeds we measured from
# under 1 to about 16 points). Its gradients are smaller, but that is not why: multiplied by 100,
# its gradients are far larger than the right ones, and the accuracy does not come back (averaged
# over the three orders it loses about as much; in a single order it can land on either side of
# the unscaled one).
# Adam, the optimizer, divides each step by a running estimate of the gradient's size, so
# multiplying the loss by a constant leaves its steps nearly unchanged: under Adam the size of
# the gradient hardly matters, its *direction* does.
#
# **中文：** 在相同的批次上，两次 softmax 在每种顺序下的准确率都低于正确的损失，低多少取决于批次顺序
# （范围见上面的输出；在其他随机种子上我们测得从不到 1 个百分点到约 16 个百分点）。
# 它的梯度确实更小，但原因不在这里：把损失乘以 100 后，它的梯度远大于正确的梯度，准确率却没有回来
# （三种顺序平均下来，它损失的准确率差不多一样多；单看某一种顺序，它可能比不乘 100 时略高或略低）。
# 优化器 Adam 会用梯度大小的滑动估计去除每一步的更新，所以把损失乘以一个常数几乎不改变它的步长：
# 在 Adam 下，梯度的大小几乎无关紧要，要紧的是它的*方向*。

# %% [markdown]
# ### Why: the first softmax hides the worst mistakes · 原因：第一次 softmax 掩盖了最严重的错误
#
# The gradient of the loss with softmax twice passes through the first softmax, whose
# derivative (its Jacobian, `diag(p) - p pᵀ` for probabilities `p`) goes to 0 as `p`
# approaches a one-hot vector, that is, for every digit the model is confident about. For a
# digit the model is confidently *right* about, the right loss has little left to say too. But
# for a digit it is confidently *wrong* about, the right loss pushes hardest, while softmax twice
# passes almost nothing back. Measure it per test digit on the model trained with the right loss
# (first order): the size of each loss's gradient with respect to the logits, their ratio, and
# the share of all the push that goes to the digits the model gets wrong.
#
# **中文：** 两次 softmax 的损失，其梯度要穿过第一次 softmax；而 softmax 的导数（雅可比矩阵，
# 对概率 `p` 为 `diag(p) - p pᵀ`）在 `p` 接近 one-hot 向量时趋于 0，也就是说，
# 对模型有置信度的每个数字都是如此。对模型自信地答*对*的数字，正确的损失也没什么可说的了；
# 但对模型自信地答*错*的数字，正确的损失推得最用力，两次 softmax 却几乎什么也传不回来。
# 在用正确损失训练的模型（第一种顺序）上，对每个测试数字测量：两种损失对 logits 的梯度大小、
# 它们的比值，以及全部推力中分给答错数字的比例。

# %%
test_logits = trained["logits", 0](x_test_normalized)
per_digit = keras.losses.SparseCategoricalCrossentropy(from_logits=True, reduction=None)
with tf.GradientTape(persistent=True) as tape:
    tape.watch(test_logits)
    right_losses = per_digit(y_test, test_logits)
    twice_losses = per_digit(y_test, softmax_by_hand(test_logits))
push_right = np.linalg.norm(tape.gradient(right_losses, test_logits), axis=1)
push_twice = np.linalg.norm(tape.gradient(twice_losses, test_logits), axis=1)
confidence = tf.nn.softmax(test_logits).numpy().max(axis=1)
wrong = test_logits.numpy().argmax(axis=1) != y_test
groups = {
    "confident (>90%), right": (confidence > 0.9) & ~wrong,
    "confident (>90%), wrong": (confidence > 0.9) & wrong,
    "unsure (<=90%)": confidence <= 0.9,
}
ratio = {
    name: float(np.median(push_twice[chosen] / push_right[chosen]))
    for name, chosen in groups.items()
}
share_wrong = {
    "right loss": push_right[wrong].sum() / push_right.sum(),
    "softmax twice": push_twice[wrong].sum() / push_twice.sum(),
}

# %% tags=["nbval-ignore-output"]
for name, chosen in groups.items():
    print(f"{name:24} {chosen.sum():4} digits: push, softmax twice / right {ratio[name]:.3f}")
for name, share in share_wrong.items():
    print(f"share of the push on the {wrong.sum()} wrongly read digits, {name}: {share:.0%}")

# %%
confidently_right = ratio["confident (>90%), right"]
assert ratio["confident (>90%), wrong"] < 0.1 * confidently_right, "the worst mistakes vanish"
assert share_wrong["softmax twice"] < 0.6 * share_wrong["right loss"], "a different direction"

# %% [markdown]
# Not a smaller copy of the right gradient, then, but a different one: the confidently wrong
# digits get a small fraction of the push the confidently right ones keep, and the share of the
# push spent on the wrongly read digits drops. The model is steered by the digits it already
# reads, and the mistakes it is sure of are the ones it cannot correct.
#
# And the loss, for this trained model: the right loss is now far below the band of softmax
# twice, whose loss is the higher one:
#
# **中文：** 所以它不是正确梯度的缩小版，而是方向不同的另一个梯度：自信地答错的数字得到的推力，
# 只是自信地答对的数字所保留推力的一小部分；花在答错数字上的推力比例也下降了。
# 模型被它已经认得的数字牵着走，而它置信度最高的错误恰恰是它改不掉的。
#
# 再看这个训练过的模型的损失：正确的损失现在远低于两次 softmax 的那个窄带，两次 softmax 的损失反而更高：

# %% tags=["nbval-ignore-output"]
trained_right_loss = float(np.mean(right_losses))
trained_twice_loss = float(np.mean(twice_losses))
print(f"trained: right loss {trained_right_loss:.3f}, softmax twice {trained_twice_loss:.3f}")

# %%
assert trained_right_loss < floor < trained_twice_loss, "trained: softmax twice's loss is higher"

# %% [markdown]
# **The rule:** either the last layer has no activation and the loss has `from_logits=True` (the
# classroom notebook's choice, and this course's), or the last layer has softmax and the loss
# has `from_logits=False`, the default. Never both softmax and `from_logits=True`. Prefer the
# first: it is numerically stable wherever the outputs come from and on every Keras backend, and
# softmax is one call away when you want probabilities (`tf.nn.softmax(logits)`, the
# `probabilities` of the result of `evaluate`, or the quickstart's `Sequential([model,
# Softmax()])` for prediction).
#
# **中文：** **规则：** 要么最后一层不加激活、损失设置 `from_logits=True`（原笔记本和本课程的做法），
# 要么最后一层用 softmax、损失保持默认的 `from_logits=False`，两者绝不要同时使用。
# 优先选择第一种：无论输出从哪里来、用哪个 Keras 后端，它在数值上都是稳定的；而且需要概率时只需再调用一次
# （`tf.nn.softmax(logits)`、`evaluate` 结果中的 `probabilities`，
# 或者预测时用入门教程的 `Sequential([model, Softmax()])`）。

# %% [markdown]
# ## Summary · 小结
#
# - The classroom notebook's model, 784 → 784 → 256 → 10, has 615,440 + 200,960 + 2,570 =
#   818,970 parameters: `n * m + m` per `Dense` layer.
# - Its last layer has no activation, so it outputs logits: any real numbers, one per digit.
#   Softmax turns them into probabilities that sum to 1 without changing their order.
# - Each `Dense` layer computes `x W + b` with its kernel `W` stored as inputs x units.
# - The loss takes logits (`from_logits=True`) because computing it from logits is numerically
#   stable where probabilities round to 0, and keeps a gradient for the worst mistakes. On
#   TensorFlow a Keras softmax keeps its logits for the loss too; bare probabilities (NumPy,
#   an eager `tf.nn.softmax`, the JAX or PyTorch backends) do not.
# - An untrained model's loss is close to ln(10) ≈ 2.30: check it before training.
# - A softmax on top of a trained model is right for prediction (the quickstart's
#   `Sequential([model, Softmax()])`); a softmax in the model plus `from_logits=True` in the loss
#   applies softmax twice. Keras on TensorFlow rescues a Keras softmax (eagerly too) and a
#   `tf.nn.softmax` inside a `tf.function`, and warns; otherwise the loss is squeezed into a band
#   around ln(10), and the model learns less on the same batches, not because its gradients are
#   smaller (Adam ignores their scale) but because they point elsewhere: the first softmax
#   passes almost nothing back from the digits the model is confidently wrong about.
#
# **中文小结：**
#
# - 原笔记本的模型 784 → 784 → 256 → 10 共有 615,440 + 200,960 + 2,570 = 818,970 个参数：
#   每个 `Dense` 层 `n * m + m` 个。
# - 它的最后一层没有激活函数，所以输出 logits：任意实数，每个数字一个。
#   softmax 把它们变成总和为 1 的概率，且不改变大小顺序。
# - 每个 `Dense` 层计算 `x W + b`，其 kernel `W` 按“输入数 x 单元数”存放。
# - 损失函数接收 logits（`from_logits=True`），因为从 logits 计算在数值上是稳定的，
#   不会因概率被舍入为 0 而出错，对最严重的错误也保留梯度。在 TensorFlow 上，Keras 的 softmax
#   也会为损失函数保留 logits；而“裸”概率（NumPy、即时执行的 `tf.nn.softmax`、JAX 或 PyTorch 后端）不会。
# - 未训练模型的损失接近 ln(10) ≈ 2.30：训练之前先检查它。
# - 在训练好的模型之上加 softmax 用于预测是对的（入门教程的 `Sequential([model, Softmax()])`）；
#   模型里有 softmax、损失又设置 `from_logits=True`，则会计算两次 softmax。TensorFlow 上的 Keras
#   会挽救 Keras 的 softmax（即时执行时也会）和 `tf.function` 内的 `tf.nn.softmax`，并发出警告；
#   否则损失被压在 ln(10) 附近的窄带里，而且在相同的批次上模型学到的更少：原因不是梯度更小
#   （Adam 不在乎梯度的尺度），而是梯度的方向不同：第一次 softmax 几乎不把模型自信地答错的数字的信号传回来。
#
# Next: [chapter 4, training](04_training.ipynb) trains this model with the classroom
# notebook's loop.
#
# 下一章：[第 4 章，训练](04_training.ipynb)，用原笔记本的训练循环训练这个模型。

# %% [markdown]
# ## Exercises · 练习
#
# Each exercise is followed by a worked solution, hidden until you open it. Try first.
#
# **中文：** 每道练习后面都有一个详细解答，默认隐藏，点开才能看到。请先自己尝试。
#
# **1.** Add a fourth `Dense(128)` hidden layer after the 256-unit one. Predict the new parameter
# count by hand, then check it with `count_params()`.
#
# **中文：** 在 256 个单元的隐藏层之后再加一个 `Dense(128)` 隐藏层。先手算新的参数数量，
# 再用 `count_params()` 检查。

# %% tags=["solution", "hide-cell"] jupyter={"source_hidden": true, "outputs_hidden": true}
# Solution 1: the new layer adds 256 * 128 + 128 parameters, and the logits layer now has
# 128 inputs instead of 256, so it shrinks to 128 * 10 + 10.
# 解答 1：新层增加 256 * 128 + 128 个参数；logits 层的输入从 256 个变成 128 个，
# 所以它缩小为 128 * 10 + 10 个参数。
predicted = hidden_1 + hidden_2 + (256 * 128 + 128) + (128 * 10 + 10)
deeper = tf.keras.Sequential(
    [
        tf.keras.Input(shape=(784,)),
        tf.keras.layers.Dense(784, activation="relu"),
        tf.keras.layers.Dense(256, activation="relu"),
        tf.keras.layers.Dense(128, activation="relu"),
        tf.keras.layers.Dense(10),
    ]
)
assert predicted == deeper.count_params() == 850_586

# %% [markdown]
# **2.** Compute the untrained model's loss on raw pixels,
# `x_train.reshape(len(x_train), 784).astype("float32")`. Why is it so far from 2.3?
#
# **中文：** 计算未训练模型在原始像素 `x_train.reshape(len(x_train), 784).astype("float32")`
# 上的损失。为什么它离 2.3 这么远？

# %% tags=["solution", "hide-cell"] jupyter={"source_hidden": true, "outputs_hidden": true}
# Solution 2: the untrained biases are 0 and ReLU is positively homogeneous, so 255 times
# larger pixels give exactly 255 times larger logits (chapter 2). Softmax of such logits is
# nearly all on one digit, usually a wrong one, and each such answer costs its logit gap.
# 解答 2：未训练模型的偏置都是 0，而 ReLU 具有正齐次性，所以像素放大 255 倍，logits 也正好放大
# 255 倍（见第 2 章）。这样的 logits 经过 softmax 后几乎全部概率都落在一个数字上，通常是错的，
# 每个这样的答案的代价就是 logit 之差。
x_raw = x_train.reshape(len(x_train), 784).astype("float32")
raw_logits = model(x_raw)
raw_loss = float(make_loss()(y_train, raw_logits))
scale = np.median(raw_logits.numpy() / model_logits.numpy())
assert raw_loss > 10 * math.log(10) and math.isclose(scale, 255, rel_tol=1e-3)

# %% [markdown]
# **3.** Subtract 100 from every logit in `z` above and compute the softmax by hand again: what
# changes? Now add 1000 instead. Why does the by-hand formula fail, and why does
# `np.exp(z - z.max()) / np.exp(z - z.max()).sum()` still work?
#
# **中文：** 把上面 `z` 中的每个 logit 都减去 100，再手算一次 softmax：有什么变化？
# 再改成加上 1000。为什么手算公式失败了，而 `np.exp(z - z.max()) / np.exp(z - z.max()).sum()`
# 仍然正确？

# %% tags=["solution", "hide-cell"] jupyter={"source_hidden": true, "outputs_hidden": true}
# Solution 3: softmax ignores a shift, exp(z + c) = exp(z) exp(c) and exp(c) cancels, so -100
# changes nothing. But exp(1000) overflows to inf, and inf / inf is nan. Subtracting the
# largest logit first is the same shift, and keeps every exp between 0 and 1.
# 解答 3：softmax 不受整体平移影响：exp(z + c) = exp(z) exp(c)，exp(c) 会约掉，
# 所以减去 100 没有变化。
# 但 exp(1000) 溢出为 inf，inf / inf 是 nan。先减去最大的 logit 也是一种平移，
# 它让每个 exp 都在 0 和 1 之间。
with np.errstate(over="ignore", invalid="ignore"):
    shifted_down = np.exp(z - 100) / np.exp(z - 100).sum()
    shifted_up = np.exp(z + 1000) / np.exp(z + 1000).sum()
stable = np.exp(z + 1000 - (z + 1000).max()) / np.exp(z + 1000 - (z + 1000).max()).sum()
assert np.allclose(shifted_down, p) and np.isnan(shifted_up).all() and np.allclose(stable, p)

# %% [markdown]
# **4.** For two classes, softmax and the sigmoid meet: show that `softmax([a, 0])[0]` equals
# `sigmoid(a)` for several values of `a`, and explain why `a` is then the statistical logit of
# that probability.
#
# **中文：** 对两个类别，softmax 和 sigmoid 是一回事：对几个不同的 `a`，验证 `softmax([a, 0])[0]`
# 等于 `sigmoid(a)`，并解释为什么这时 `a` 正是这个概率在统计学意义上的 logit。

# %% tags=["solution", "hide-cell"] jupyter={"source_hidden": true, "outputs_hidden": true}
# Solution 4: softmax([a, 0])[0] = e^a / (e^a + 1) = 1 / (1 + e^-a) = sigmoid(a). And the
# logit gap a - 0 is the log-odds ln(p / (1 - p)): with two classes, the logit is the logit.
# 解答 4：softmax([a, 0])[0] = e^a / (e^a + 1) = 1 / (1 + e^-a) = sigmoid(a)。
# 而 logit 之差 a - 0 就是对数几率 ln(p / (1 - p))：
# 只有两个类别时，深度学习的 logit 就是统计学的 logit。
a = np.array([-4.0, -1.0, 0.0, 0.5, 3.0])
two_class = tf.nn.softmax(np.stack([a, np.zeros_like(a)], axis=1)).numpy()[:, 0]
assert np.allclose(two_class, tf.math.sigmoid(a).numpy())
assert np.allclose(np.log(two_class / (1 - two_class)), a, atol=1e-6)
