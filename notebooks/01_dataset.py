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
# # 1. The dataset: MNIST digits and their labels · 数据集：MNIST 手写数字及其标签
#
# [Open in Colab](https://colab.research.google.com/github/mnist-tutorials/mnist-tutorials/blob/main/notebooks/01_dataset.ipynb) · [View source on GitHub](https://github.com/mnist-tutorials/mnist-tutorials/blob/main/notebooks/01_dataset.ipynb) · [Download notebook](https://raw.githubusercontent.com/mnist-tutorials/mnist-tutorials/main/notebooks/01_dataset.ipynb)
#
# **You load MNIST, check its shapes and labels, look at the digits, and find that every digit
# 0-9 is about equally common, so accuracy is a fair first measure.**
#
# ## Overview · 概述
#
# MNIST is 70,000 small grey pictures of handwritten digits, each with the digit it shows: 60,000
# to learn from (the *training set*) and 10,000 kept apart to measure how well the model does on
# digits it has never seen (the *test set*). This chapter loads them, prints their shapes and the
# first labels, plots a grid of digits with their labels, and counts how many examples each class
# has. The result: images are 28 x 28 grids of integers from 0 to 255, labels are the integers
# 0-9, and the ten classes are balanced (exactly so in the sample this notebook runs on, nearly so
# in full MNIST).
#
# **中文：** MNIST 是 70,000 张手写数字的灰度小图，每张图都标注了它所写的数字：
# 60,000 张用于训练（训练集），10,000 张留作测试（测试集），
# 用来衡量模型在从未见过的数字上的表现。本章加载数据，打印数组形状和前几个标签，
# 画出带标签的数字，并统计每个类别的样本数。结论：每张图是 28 x 28、取值 0-255 的整数网格，
# 标签是 0-9 的整数，十个类别的数量基本相同。

# %% [markdown]
# ## Setup · 准备
#
# `import mnist_helpers` comes first: it imports TensorFlow with its C++ start-up messages muted,
# so they do not clutter the notebook.

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
import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf

from mnist_helpers import load_mnist, plot_digits

# %% tags=["nbval-ignore-output"]
# Versions differ between machines; the seed notebook printed them too.
print("TensorFlow", tf.__version__)
print("NumPy", np.__version__)

# %% [markdown]
# ## Load the data · 加载数据
#
# Without this course's helpers, loading MNIST is one line. It downloads `mnist.npz` (11 MB) the
# first time and reads it from `~/.keras/datasets/` afterwards:
#
# ```python
# (x_train, y_train), (x_test, y_test) = tf.keras.datasets.mnist.load_data()
# ```
#
# That line needs the internet the first time, and a classroom or a CI machine does not always
# have it. So the chapters call `load_mnist()`, which returns exactly the same four arrays from
# one of these sources:
#
# - `"keras"`: the line above, all 70,000 digits, downloaded once, then cached;
# - `"sample"`: 5,000 **real** MNIST digits shipped inside `mnist_helpers` (4,000 train /
#   1,000 test, 400 / 100 of each digit), no network needed;
# - a path: a folder with the four original IDX files, or an `.npz` file like Keras's;
# - `"auto"`, the default: `"keras"` if MNIST is cached or can be downloaded, otherwise the
#   sample, saying so in one line.
#
# The environment variable `MNIST_SOURCE` decides what `"auto"` means. The outputs stored in this
# notebook come from the sample (`MNIST_SOURCE=sample`), so that anyone can re-run it offline and
# get the same numbers. Run it online without that variable and you get the full 60,000 / 10,000:
# the shapes and counts below change, everything else reads the same.
#
# **中文：** 不用本课程的辅助函数时，加载 MNIST 只需上面那一行：
# `tf.keras.datasets.mnist.load_data()`，但第一次运行需要联网下载。
# `load_mnist()` 返回完全相同的四个数组：联网时是完整的 60,000 / 10,000 张；
# 离线时使用包内自带的 5,000 张**真实** MNIST 数字（训练 4,000 张、测试 1,000 张，
# 每个数字 400 / 100 张）。本笔记本中保存的输出来自这个样本（`MNIST_SOURCE=sample`）。

# %%
(x_train, y_train), (x_test, y_test) = load_mnist()
print(f"{len(x_train):,} training digits, {len(x_test):,} test digits")

# %% [markdown]
# ## Shapes and types · 形状与类型
#
# Each image is a 28 x 28 array of pixels; each label is one integer. Both are `uint8`, the
# type of whole numbers from 0 to 255, one byte each.

# %%
for name, array in [
    ("x_train", x_train),
    ("y_train", y_train),
    ("x_test", x_test),
    ("y_test", y_test),
]:
    print(f"{name:8} shape {str(array.shape):15} dtype {array.dtype}")

# %%
print("pixel values from", x_train.min(), "to", x_train.max())
print(f"share of pixels that are exactly 0 (white paper): {np.mean(x_train == 0):.0%}")

# %% [markdown]
# ## The first labels · 前几个标签
#
# The labels are the answers the model must learn to give. The seed printed the first ten:

# %%
print(y_train[:10])

# %% [markdown]
# ## Look at the digits · 看看这些数字
#
# `plot_digits` draws images in a grid and writes each one's label above it. These are the first
# 30 training digits; the same labels are printed below as text, row by row, so you can match
# them to the pictures.

# %%
fig = plot_digits(x_train[:30], y_train[:30])

# %%
print(y_train[:30].reshape(3, 10))

# %% [markdown]
# ### One digit as numbers · 一个数字的数值
#
# To the model a digit is only its numbers. Here is the first training digit, cropped to the
# rows and columns where some ink is: 0 is white paper, 255 is the darkest stroke. These large
# values are why chapter 2 scales pixels to [0, 1] before training.
#
# **中文：** 对模型来说，一个数字只是一组数值。下面打印第一张训练图片中有笔迹的区域：0 是白纸，
# 255 是最深的笔画。正因为数值这么大，第 2 章在训练前要把像素缩放到 [0, 1]。

# %%
digit = x_train[0]
ink_rows = np.flatnonzero(digit.any(axis=1))
ink_cols = np.flatnonzero(digit.any(axis=0))
print(
    f"label {y_train[0]}: ink in rows {ink_rows[0]}-{ink_rows[-1]}, "
    f"columns {ink_cols[0]}-{ink_cols[-1]}"
)
ink = digit[ink_rows[0] : ink_rows[-1] + 1, ink_cols[0] : ink_cols[-1] + 1]
print(np.array2string(ink, max_line_width=120))

# %% [markdown]
# ## Class balance · 类别是否均衡
#
# If one digit made up most of the data, a model could score well by always guessing it, and
# accuracy would flatter it. Count the examples of each class with `np.bincount`, which counts
# how often each integer 0, 1, 2, ... appears:

# %%
train_counts = np.bincount(y_train, minlength=10)
test_counts = np.bincount(y_test, minlength=10)
print("digit:", np.arange(10))
print("train:", train_counts)
print("test: ", test_counts)

# %%
fig, ax = plt.subplots(figsize=(7, 3))
ax.bar(np.arange(10) - 0.2, train_counts / train_counts.sum(), width=0.4, label="train")
ax.bar(np.arange(10) + 0.2, test_counts / test_counts.sum(), width=0.4, label="test")
ax.axhline(0.1, color="gray", linestyle="--", label="one tenth")
ax.set(xticks=np.arange(10), xlabel="digit", ylabel="share of the split", title="Class balance")
ax.set_ylim(0, 0.15)
ax.legend(ncols=3)
plt.show()

# %% [markdown]
# The sample was drawn with exactly 400 training and 100 test digits per class. Full MNIST is
# nearly as even: its training set has from 5,421 fives to 6,742 ones, each digit between 9% and
# 11% of the set. Either way, no digit dominates, and a model that always guesses the most common
# one would score about 10%, which is the baseline every later accuracy should beat by far.

# %%
largest_share = train_counts.max() / train_counts.sum()
assert len(x_train) == len(y_train) and len(x_test) == len(y_test)
assert x_train.shape[1:] == x_test.shape[1:] == (28, 28)
assert set(np.unique(y_train)) == set(range(10)), "every digit appears in the training set"
assert largest_share < 0.12, f"one digit is {largest_share:.0%} of the training set"

# %% [markdown]
# ## Questions · 问题
#
# The seed's first section has no question of its own, only its line
# 加载数据集并划分为训练集以及测试集 ("load the dataset and split it into a training set and a
# test set"). The split raises one:
#
# **Why keep a separate test set?** A model can memorise the digits it trains on. Its score on
# those digits says how well it remembers, not how well it reads new handwriting. The test set is
# never used for training, so its accuracy estimates how the model will do on digits it has
# never seen, which is what we want to know.
#
# **中文：为什么要单独保留测试集？** 模型可能把训练用的数字"背"下来，
# 它在训练集上的成绩只说明它记得多好，而不是它认新手写数字的能力。测试集从不参与训练，
# 所以测试集上的准确率才能估计模型在从未见过的数字上的表现。

# %% [markdown]
# ## Summary · 小结
#
# - `load_mnist()` returns `(x_train, y_train), (x_test, y_test)` exactly as
#   `tf.keras.datasets.mnist.load_data()` does: the full 60,000 / 10,000 online, or the embedded
#   sample of 4,000 / 1,000 real digits offline.
# - Images are `uint8` arrays of shape `(N, 28, 28)` with values 0-255; labels are integers 0-9.
# - The classes are balanced, so accuracy is a fair measure, and guessing gives about 10%.
#
# **中文小结：** `load_mnist()` 与 `tf.keras.datasets.mnist.load_data()` 返回相同的四个数组；
# 图片是形状为 `(N, 28, 28)`、取值 0-255 的 `uint8` 数组，标签是 0-9 的整数；
# 各类别数量均衡，总猜同一个数字的准确率只有约 10%。
#
# Next: [chapter 2, normalization](02_normalization.ipynb) scales the pixels and builds the
# input pipeline.

# %% [markdown]
# ## Exercises · 练习
#
# 1. Plot ten examples of each digit, one row per digit. Hint:
#    `np.flatnonzero(y_train == d)[:10]` gives the indices of the first ten `d`s.
# 2. Compute the average image of each digit (`x_train[y_train == d].mean(axis=0)`) and plot the
#    ten averages. Which two digits look most alike on average?
# 3. Which share of the pixels is ink (non-zero) in ones, and which in eights? What does that
#    suggest about how the model can tell them apart?
