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
# computing the loss from logits stays exact where probabilities round to 0. Then a check you can
# predict before you run it: a model that knows nothing gives each digit about 1/10, so its loss
# is about ln(10) = 2.30. Finally, what goes wrong when softmax is applied in the model *and* the
# loss is told to expect logits, when Keras hides the mistake, and what it costs in training.
#
# **中文：** 原笔记本的模型由三个 `Dense` 层组成，最后一层没有激活函数，
# 所以模型输出的是十个 *logits*（每个数字一个原始分数），而不是概率。
# 本章手算模型的参数数量，解释 logits（原笔记本第 4.1 节），用 softmax 把 logits 变成概率，
# 并说明为什么损失函数要设置 `from_logits=True`：直接从 logits 计算损失是精确的，
# 而概率可能被舍入为 0。然后做一个可以在运行前预测的检查：什么都没学的模型给每个数字约 1/10 的概率，
# 所以损失约为 ln(10) = 2.30。最后看看在模型里已经用了 softmax、损失函数又设置 `from_logits=True`
# 时会出什么问题，Keras 什么时候会把这个错误掩盖起来，以及它在训练中造成的代价。

# %% [markdown]
# ## Setup · 准备
#
# The first code cell makes the course's helper package, `mnist_helpers`, importable: where it
# is missing (Colab, a fresh Jupyter kernel) it installs it with pip, and where it is installed
# it prints nothing. It comes before `import tensorflow` on purpose: `mnist_helpers` imports
# TensorFlow itself and keeps TensorFlow's C++ start-up lines out of the notebook. The second
# cell holds the chapter's imports.
#
# **中文：** 第一个代码单元让本课程的辅助包 `mnist_helpers` 可以被导入：如果缺少（例如 Colab
# 或一个全新的 Jupyter 内核），它会用 pip 安装；如果已经安装，它什么也不输出。
# 它特意放在 `import tensorflow` 之前：`mnist_helpers` 会自己导入 TensorFlow，
# 并把 TensorFlow 加载时的 C++ 启动信息挡在笔记本之外。第二个单元是本章的其他导入。

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
    evaluate,
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
# A `Dense` layer with `n` inputs and `m` units has an `n x m` weight matrix (the *kernel*: one
# weight from every input to every unit) and `m` biases (one per unit): `n * m + m` parameters.
#
# **中文：** 一个有 `n` 个输入、`m` 个单元的 `Dense` 层，有一个 `n x m` 的权重矩阵
# （称为 *kernel*：每个输入到每个单元各有一个权重）和 `m` 个偏置（每个单元一个），
# 共 `n * m + m` 个参数。

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
assert by_hand == model.count_params() == classroom_model.count_params() == 818_970
assert hidden_1 / by_hand > 0.75

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
# digit's logit up, is zero:
#
# **中文：** 模型用 `float32` 计算，`e^-110`（约 1.7e-48）会被舍入为 0，而 `ln(0)` 是负无穷。
# 所以 Keras 在取对数之前把每个概率截断到至少 `1e-7`：无论真实的错误有多大，损失都停在
# `-ln(1e-7) = 16.12`。更糟的是，截断后的损失不再随 logits 变化，所以它的梯度，
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
# digit's logit up at full strength, while the loss computed from probabilities is stuck at
# 16.12 and pushes nothing: the model cannot learn from its worst mistakes.
#
# **中文：** 所以设置 `from_logits=True` 时，损失反映了错误的全部大小（110），
# 并以全部力度把正确数字的 logit 往上推；而从概率计算的损失卡在 16.12，推力为 0：
# 模型无法从它最严重的错误中学习。

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
# 稍有把握，每个这样的答案的代价比正好 1/10 时略高。如果初始损失离 2.3 很远，
# 说明训练开始之前就有问题：像素没有归一化时，初始损失会大十倍以上
# （[第 2 章](02_normalization.ipynb)用五个随机种子测量过；下面的练习 2 测量其中一个）。

# %% [markdown]
# ## Softmax in the model and `from_logits=True`: softmax twice · 两次 softmax
#
# A common mistake: put `activation="softmax"` on the last layer, and keep
# `from_logits=True` in the loss. The loss then treats probabilities as logits and applies
# softmax to them a second time. Here is the classroom notebook's model with a softmax added on
# top (the same weights), and the course's loss:
#
# **中文：** 一个常见的错误是：在最后一层加上 `activation="softmax"`，损失函数却仍然设置
# `from_logits=True`。这时损失函数把概率当作 logits，再做一次 softmax。
# 下面是在原笔记本的模型上加一层 softmax（权重不变），再用本课程的损失函数：

# %%
softmax_model = keras.Sequential([model, keras.layers.Softmax()], name="softmax_on_top")
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    rescued_loss = float(make_loss()(y_train, softmax_model(x_train_normalized)))
for warning in caught:
    print(f"{warning.category.__name__}:", str(warning.message).strip('"'))

# %% [markdown]
# Keras 3 with the TensorFlow backend notices: the softmax output still carries the logits it
# was computed from, so Keras warns and quietly uses those logits. This time the loss is right:
#
# **中文：** 使用 TensorFlow 后端的 Keras 3 发现了这个问题：softmax 的输出仍然带着计算它的那些
# logits，所以 Keras 发出警告，并悄悄改用这些 logits。这一次损失是正确的：

# %%
assert any("from_logits=True" in str(warning.message) for warning in caught)
assert math.isclose(rescued_loss, untrained_loss, rel_tol=1e-6), "Keras used the hidden logits"

# %% [markdown]
# Keras rescues one more case: inside a `tf.function`, such as the course's compiled training
# step ([chapter 4](04_training.ipynb)), it recognises a tensor made by a softmax operation,
# even plain `tf.nn.softmax`, and takes that operation's input instead. The same expression run
# eagerly, line by line, gets no rescue:
#
# **中文：** Keras 还会挽救另一种情况：在 `tf.function` 内部（例如本课程编译后的训练步骤，
# 见[第 4 章](04_training.ipynb)），它能认出由 softmax 运算得到的张量，即使是普通的
# `tf.nn.softmax`，并改用这个运算的输入。而同样的表达式在即时执行（逐行运行）时就得不到挽救：

# %%
model_logits = model(x_train_normalized)


@tf.function
def loss_in_a_graph(logits):
    return make_loss()(y_train, tf.nn.softmax(logits))


with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    graph_loss = float(loss_in_a_graph(model_logits))
    eager_loss = float(make_loss()(y_train, tf.nn.softmax(model_logits)))
print(f"tf.nn.softmax, then from_logits=True: in a tf.function {graph_loss:.4f}, ", end="")
print(f"eagerly {eager_loss:.4f}")
print(f"the right loss: {untrained_loss:.4f}; warnings: {len(caught)}")

# %%
assert math.isclose(graph_loss, untrained_loss, rel_tol=1e-5), "rescued inside tf.function"
assert abs(eager_loss - untrained_loss) > 0.01, "not rescued eagerly"

# %% [markdown]
# So the course's own compiled training would quietly hide the mistake, and the same model would
# train differently when run eagerly. Do not count on the rescue. It works only while Keras can
# see the softmax. When the probabilities arrive any other way, as a NumPy array from
# `model.predict`, from `tf.nn.softmax` in an eagerly run loop, or on another Keras backend,
# softmax is applied twice and nothing warns you:
#
# **中文：** 所以本课程自己编译后的训练会悄悄掩盖这个错误，而同一个模型在即时执行时的训练结果却不同。
# 不要依赖这种挽救，它只在 Keras 能“看见” softmax 时才起作用。如果概率是以其他方式得到的，
# 例如 `model.predict` 返回的 NumPy 数组、即时执行的循环中的 `tf.nn.softmax`，
# 或者使用其他 Keras 后端，softmax 就会被计算两次，而且没有任何警告：

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
# ### A lower loss that is not better · 更低却不更好的损失
#
# Look at the two numbers: the loss with softmax twice is *lower* than the right one. That does
# not mean the model is better: it is the same model, giving the same answers. Probabilities lie
# between 0 and 1, so as “logits” they differ by at most 1, and softmax of them is nearly flat,
# close to 1/10 for every digit. So the loss with softmax twice stays close to `ln(10) = 2.303`
# whatever the model does: never above `ln(e + 9) = 2.46` (the right digit at probability 0)
# and never below `ln(e + 9) - 1 = 1.46`, even for a perfect model that gives the right digit
# probability 1. The untrained model's right loss is a little above 2.303, because it is
# slightly sure of wrong answers; softmax twice squeezes that away.
#
# **中文：** 看看这两个数字：两次 softmax 得到的损失比正确的损失*更低*。但这并不意味着模型更好：
# 它是同一个模型，给出的答案也完全相同。概率在 0 和 1 之间，把它们当作“logits”时彼此最多相差 1，
# 再做一次 softmax 后几乎是平的，每个数字都接近 1/10。所以无论模型怎样，两次 softmax 的损失都停在
# `ln(10) = 2.303` 附近：最高不超过 `ln(e + 9) = 2.46`（正确数字的概率为 0 时），
# 最低不低于 `ln(e + 9) - 1 = 1.46`，即使模型完美地给正确数字概率 1 也是如此。
# 未训练模型的正确损失略高于 2.303，因为它对一些错误答案稍有把握；两次 softmax 把这一点抹平了。

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
# ### Softmax twice weakens the gradients · 两次 softmax 削弱梯度
#
# A loss squeezed into a narrow band also changes little when the weights change, so its
# gradients are weak, and each training step teaches the model less. Measure it: train two
# copies of the same untrained model for one epoch on the same batches, one with the right loss
# and one with softmax applied twice, eagerly so that Keras cannot rescue the mistake. The loop
# is the classroom notebook's training step ([chapter 4](04_training.ipynb) explains it); we
# record the size of the gradient (`tf.linalg.global_norm`, the length of all gradients as one
# vector) at every step, then the test accuracy. An eager loop is slow, so this runs on a fixed
# slice, the first 4,000 training digits (63 steps), on the sample and on the full MNIST alike.
#
# **中文：** 被压缩在很窄范围内的损失，在权重变化时也几乎不变，所以它的梯度很弱，
# 每一步训练教给模型的东西也更少。我们来测量：把同一个未训练模型复制两份，在同样的批次上各训练一个
# epoch，一份用正确的损失，一份做两次 softmax，并且用即时执行，让 Keras 无法挽救这个错误。
# 循环就是原笔记本的训练步骤（[第 4 章](04_training.ipynb)会详细解释）；我们记录每一步梯度的大小
# （`tf.linalg.global_norm`，即把所有梯度看作一个向量时的长度），最后测量测试准确率。
# 即时执行的循环较慢，所以这里只用固定的一部分数据：前 4,000 张训练图片（63 步），
# 在自带样本和完整 MNIST 上都一样。

# %%
batches = make_dataset(x_train_normalized[:4000], y_train[:4000], seed=0)
gradient_sizes, test_accuracy = {}, {}
for name, loss_input in [("logits", tf.identity), ("softmax twice", tf.nn.softmax)]:
    student = build_model(seed=0)
    optimizer = keras.optimizers.Adam()
    loss_fn = make_loss()
    gradient_sizes[name] = []
    for x, y in batches:
        with tf.GradientTape() as tape:
            loss = loss_fn(y, loss_input(student(x, training=True)))
        gradients = tape.gradient(loss, student.trainable_weights)
        optimizer.apply_gradients(zip(gradients, student.trainable_weights, strict=True))
        gradient_sizes[name].append(float(tf.linalg.global_norm(gradients)))
    test_accuracy[name] = evaluate(student, x_test_normalized, y_test).accuracy

# %% tags=["nbval-ignore-output"]
for name in gradient_sizes:
    print(
        f"{name:13}: gradient size, median of the first 10 steps "
        f"{np.median(gradient_sizes[name][:10]):.2f}, of all {len(gradient_sizes[name])} steps "
        f"{np.median(gradient_sizes[name]):.2f}; test accuracy after one epoch "
        f"{test_accuracy[name]:.1%}"
    )

# %%
right, twice = gradient_sizes["logits"], gradient_sizes["softmax twice"]
assert np.median(twice[:10]) < 0.5 * np.median(right[:10]), "much weaker gradients at the start"
assert np.median(twice) < 0.5 * np.median(right), "and all through the epoch"
assert test_accuracy["softmax twice"] < test_accuracy["logits"], "so it learns less in an epoch"

# %% [markdown]
# The gradients with softmax twice are a fraction of the right ones from the first step to the
# last, and after the same epoch the model is less accurate on the test digits. Adam, the
# optimizer, scales its steps by the gradients' typical size, which softens the damage; the
# accuracy shows that it does not undo it.
#
# **The rule:** either the last layer has no activation and the loss has `from_logits=True` (the
# classroom notebook's choice, and this course's), or the last layer has softmax and the loss
# has `from_logits=False`, the default. Never both softmax and `from_logits=True`. Prefer the
# first: it is the numerically stable one, and softmax is one call away when you want
# probabilities (`tf.nn.softmax(logits)`, or the `probabilities` of the result of `evaluate`).
#
# **中文：** 从第一步到最后一步，两次 softmax 的梯度都只有正确梯度的一小部分；
# 训练同样一个 epoch 之后，这个模型在测试数字上的准确率也更低。优化器 Adam 会按梯度的典型大小
# 调整步长，这减轻了损害；但准确率表明，它并不能消除这种损害。
#
# **规则：** 要么最后一层不加激活、损失设置 `from_logits=True`（原笔记本和本课程的做法），
# 要么最后一层用 softmax、损失保持默认的 `from_logits=False`，两者绝不要同时使用。
# 优先选择第一种：它在数值上是稳定的，而且需要概率时只需再调用一次
# （`tf.nn.softmax(logits)`，或 `evaluate` 结果中的 `probabilities`）。

# %% [markdown]
# ## Summary · 小结
#
# - The classroom notebook's model, 784 → 784 → 256 → 10, has 615,440 + 200,960 + 2,570 =
#   818,970 parameters: `n * m + m` per `Dense` layer.
# - Its last layer has no activation, so it outputs logits: any real numbers, one per digit.
#   Softmax turns them into probabilities that sum to 1 without changing their order.
# - The loss takes logits (`from_logits=True`) because computing it from logits is exact where
#   probabilities round to 0, and keeps a gradient for the worst mistakes.
# - An untrained model's loss is close to ln(10) ≈ 2.30: check it before training.
# - Softmax in the model plus `from_logits=True` applies softmax twice. Keras rescues it when it
#   can see the softmax (a Keras softmax, or any softmax inside a `tf.function`), so the mistake
#   can hide; otherwise the loss is squeezed near ln(10), lower but meaningless, and the
#   gradients are weak, so the model learns less.
#
# **中文小结：**
#
# - 原笔记本的模型 784 → 784 → 256 → 10 共有 615,440 + 200,960 + 2,570 = 818,970 个参数：
#   每个 `Dense` 层 `n * m + m` 个。
# - 它的最后一层没有激活函数，所以输出 logits：任意实数，每个数字一个。
#   softmax 把它们变成总和为 1 的概率，且不改变大小顺序。
# - 损失函数接收 logits（`from_logits=True`），因为从 logits 计算是精确的，
#   不会因概率被舍入为 0 而出错，对最严重的错误也保留梯度。
# - 未训练模型的损失接近 ln(10) ≈ 2.30：训练之前先检查它。
# - 在模型中用 softmax 再加上 `from_logits=True`，会计算两次 softmax。Keras 能看见 softmax 时
#   （Keras 的 softmax，或 `tf.function` 内的任何 softmax）会挽救它，所以这个错误可能被掩盖；
#   否则损失被压在 ln(10) 附近，更低却没有意义，梯度也很弱，模型学到的更少。
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
print(f"predicted {predicted:,}, counted {deeper.count_params():,}")
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
print(f"loss on raw pixels: {raw_loss:.1f}; raw logits / normalized logits: {scale:.1f}")
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
print("z - 100:", np.allclose(shifted_down, p), "| z + 1000 by hand:", shifted_up[:3], "...")
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
print("softmax([a, 0])[0]:", np.round(two_class, 4))
print("sigmoid(a):        ", np.round(tf.math.sigmoid(a).numpy(), 4))
assert np.allclose(two_class, tf.math.sigmoid(a).numpy())
assert np.allclose(np.log(two_class / (1 - two_class)), a, atol=1e-6)
