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
# **你将加载 MNIST，检查数组的形状和标签，亲眼看看这些数字，并发现 0-9 每个数字出现的次数大致相同，
# 所以准确率是一个公平的初步衡量标准。**
#
# ## Overview · 概述
#
# This course grew from one short Jupyter notebook used in a class, which we call *the
# classroom notebook*. It loads MNIST, normalizes it, builds a small network, trains it and asks
# a few questions on the way. Each chapter follows one of its sections and answers its questions
# with evidence you can re-run.
#
# MNIST is 70,000 small grey pictures of handwritten digits, each with the digit it shows: 60,000
# to learn from (the *training set*) and 10,000 kept apart to measure how well the model does on
# digits it has never seen (the *test set*). This chapter loads them, prints their shapes and the
# first labels, plots a grid of digits with their labels, and counts how many examples each class
# has. The result: images are 28 x 28 grids of integers from 0 to 255, labels are the integers
# 0-9, and the ten classes are balanced (exactly so in the sample this notebook runs on, nearly so
# in full MNIST).
#
# **中文：** 本课程源自课堂上使用的一个简短 Jupyter 笔记本，我们称之为“原笔记本”。
# 它加载 MNIST、做归一化、搭建一个小型网络、训练它，并在途中提出几个问题。
# 每一章对应原笔记本的一个部分，并用你可以重新运行的证据回答它提出的问题。
#
# MNIST 是 70,000 张手写数字的灰度小图，每张图都标注了它所写的数字：
# 60,000 张用于学习（训练集），10,000 张单独留出（测试集），
# 用来衡量模型在从未见过的数字上的表现。本章加载这些数据，打印数组形状和前几个标签，
# 画出一组带标签的数字，并统计每个类别有多少个样本。结论是：每张图是 28 x 28、取值 0 到 255 的整数网格，
# 标签是 0-9 的整数，十个类别的数量基本均衡（本笔记本运行所用的样本中完全相同，完整的 MNIST 中也相差不大）。

# %% [markdown]
# ## Setup · 准备
#
# The first code cell makes the course's helper package, `mnist_helpers`, importable. Where it is
# installed already (the course's own environment) it prints nothing; where it is missing
# (Colab, a fresh Jupyter kernel) it installs it with pip first. It comes before `import
# tensorflow` on purpose, because importing `mnist_helpers` imports TensorFlow and quiets its
# logging in two ways. It sets the environment variable `TF_CPP_MIN_LOG_LEVEL` to 1, unless you
# have set it yourself, for the whole session: TensorFlow's C++ INFO lines are hidden, its
# warnings and errors still show. And during the import and the first look for devices only, it
# filters out the known lines TensorFlow 2.18-2.21 (`tensorflow` and `tensorflow-cpu`) prints
# while starting up and probing for CUDA, which say nothing about your code. The second cell
# holds the chapter's imports.
#
# **中文：** 第一个代码单元让本课程的辅助包 `mnist_helpers` 可以被导入：如果已经安装（例如课程自己的环境），
# 它什么也不输出；如果缺少（例如 Colab 或一个全新的 Jupyter 内核），它会先用 pip 安装。
# 它特意放在 `import tensorflow` 之前，因为导入 `mnist_helpers` 会导入 TensorFlow，并从两方面减少它的日志输出。
# 一是在整个会话中把环境变量 `TF_CPP_MIN_LOG_LEVEL` 设为 1（除非你自己已经设置过）：
# TensorFlow 的 C++ INFO 信息被隐藏，警告和错误仍然显示。二是仅在导入和第一次查找设备期间，
# 过滤掉 TensorFlow 2.18-2.21（`tensorflow` 和 `tensorflow-cpu`）在启动和探测 CUDA 时打印的已知信息，
# 这些信息与你的代码无关。第二个单元是本章需要的其他导入。

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
# Versions differ between machines; the classroom notebook printed them too.
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
#   1,000 test, 400 / 100 of each digit), no network needed. All 5,000 come from MNIST's
#   training set, split by us: the sample's test digits are never trained on, but unlike
#   MNIST's own test set they may share writers with its training digits;
# - a path: a folder with the four original IDX files, or an `.npz` file like Keras's;
# - `"auto"`, the default: `"keras"` if MNIST is cached or can be downloaded, otherwise the
#   sample, saying so in one line.
#
# The environment variable `MNIST_SOURCE` decides what `"auto"` means. The outputs stored in this
# notebook come from the sample (`MNIST_SOURCE=sample`), so that anyone can re-run it offline and
# get the same numbers. Run it online without that variable and you get the full 60,000 / 10,000:
# the shapes and counts below change, everything else reads the same.
#
# **中文：** 不用本课程的辅助函数时，加载 MNIST 只需上面那一行代码。
# 它第一次运行时下载 `mnist.npz`（11 MB），之后从 `~/.keras/datasets/` 读取。
# 但第一次运行需要联网，而教室里的电脑或持续集成（CI）服务器并不总能上网。
# 所以各章调用 `load_mnist()`，它返回完全相同的四个数组，数据来源可以是：
#
# - `"keras"`：上面那一行代码，全部 70,000 张数字，下载一次后缓存在本机；
# - `"sample"`：`mnist_helpers` 包内自带的 5,000 张**真实** MNIST 数字（训练 4,000 张、测试 1,000 张，
#   每个数字各 400 / 100 张），不需要网络。这 5,000 张全部来自 MNIST 的训练集，由我们划分：
#   样本中的测试数字从不参与训练，但与 MNIST 自己的测试集不同，它们可能和训练数字出自同一批书写者；
# - 一个路径：存放四个原始 IDX 文件的文件夹，或者一个和 Keras 格式相同的 `.npz` 文件；
# - `"auto"`（默认）：如果 MNIST 已缓存或可以下载，就用 `"keras"`，否则用自带样本，并用一行文字说明。
#
# 环境变量 `MNIST_SOURCE` 决定 `"auto"` 指的是哪一种来源。本笔记本中保存的输出来自自带样本
# （`MNIST_SOURCE=sample`），这样任何人都能离线重新运行并得到相同的数字。
# 如果联网运行且不设置这个变量，得到的就是完整的 60,000 / 10,000 张：
# 下面的形状和数量会变，其余内容的含义不变。

# %%
(x_train, y_train), (x_test, y_test) = load_mnist()
print(f"{len(x_train):,} training digits, {len(x_test):,} test digits")

# %% [markdown]
# ## Shapes and types · 形状与类型
#
# Each image is a 28 x 28 array of pixels; each label is one integer. Both are `uint8`, the
# type of whole numbers from 0 to 255, one byte each.
#
# **中文：** 每张图片是一个 28 x 28 的像素数组，每个标签是一个整数。两者的类型都是 `uint8`，
# 即取值 0 到 255 的整数类型，每个数占一个字节。

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
# The labels are the answers the model must learn to give. The classroom notebook printed the
# first ten:
#
# **中文：** 标签就是模型要学会给出的答案。原笔记本打印了前十个标签：

# %%
print(y_train[:10])

# %% [markdown]
# ## Look at the digits · 看看这些数字
#
# `plot_digits` draws images in a grid and writes each one's label above it. These are the first
# 30 training digits; the same labels are printed below as text, row by row, so you can match
# them to the pictures.
#
# **中文：** `plot_digits` 把图片排成网格，并在每张图上方写出它的标签。下面是前 30 张训练图片；
# 同样的标签也按行以文字形式打印在图下方，方便你和图片一一对照。

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
# **中文：** 对模型来说，一个数字只是一组数值。下面打印第一张训练图片中有笔迹的行和列：0 是白纸，
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
#
# **中文：** 如果某个数字占了数据的大部分，模型只要一直猜它就能得高分，准确率就会美化模型的表现。
# 用 `np.bincount` 统计每个类别的样本数，它会数出 0、1、2……每个整数出现了多少次：

# %%
train_counts = np.bincount(y_train, minlength=10)
test_counts = np.bincount(y_test, minlength=10)
print("digit:", np.arange(10))
print("train:", train_counts)
print("test: ", test_counts)

# %% [markdown]
# The bars show each digit's share of its split; the dashed line is one tenth.
#
# **中文：** 下图的柱子是每个数字在训练集或测试集中所占的比例，虚线表示十分之一。

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
# nearly as even, but not exactly: these are its published counts per digit (the counts above,
# when this notebook runs on the full MNIST).
#
# **中文：** 自带样本是按每个类别正好 400 张训练、100 张测试抽取的。完整的 MNIST 也接近均衡，
# 但并不完全相同：下面是它公布的每个数字的数量（在完整 MNIST 上运行本笔记本时，上面打印的就是这些数字）。

# %%
MNIST_TRAIN_COUNTS = np.array([5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949])
MNIST_TEST_COUNTS = np.array([980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009])
for split, counts in [("train", MNIST_TRAIN_COUNTS), ("test", MNIST_TEST_COUNTS)]:
    shares = counts / counts.sum()
    print(
        f"full MNIST {split}: {counts.sum():,} digits, fewest {shares.argmin()}s "
        f"({shares.min():.2%}), most {shares.argmax()}s ({shares.max():.2%})"
    )

# %% [markdown]
# In full MNIST's training set the shares run from 9.04% (the fives) to 11.24% (the ones); in
# its test set from 8.92% (fives) to 11.35% (ones). Either way no digit dominates: a model that
# always answers one digit scores that digit's share of the test set, at most about 11%, the
# baseline every later accuracy should beat by far. The next cell checks the data this notebook
# loaded (any source) and the shares quoted here.
#
# **中文：** 在完整 MNIST 的训练集中，各数字所占的比例从 9.04%（数字 5）到 11.24%（数字 1）；
# 测试集中从 8.92%（数字 5）到 11.35%（数字 1）。无论哪种情况，都没有哪个数字占绝对多数：
# 一个总是回答同一个数字的模型，准确率就是该数字在测试集中的比例，最多约 11%，
# 这是后面各章的准确率都应该远远超过的基线。下一个单元检查本笔记本加载的数据（无论来源）和这里引用的比例。

# %%
shares = {"train": train_counts / train_counts.sum(), "test": test_counts / test_counts.sum()}
assert len(x_train) == len(y_train) and len(x_test) == len(y_test)
assert x_train.shape[1:] == x_test.shape[1:] == (28, 28)
for split, share in shares.items():
    assert share.min() > 0.08 and share.max() < 0.12, f"a digit dominates or lacks in {split}"
full_train, full_test = MNIST_TRAIN_COUNTS / 60_000, MNIST_TEST_COUNTS / 10_000
quoted = [full_train.min(), full_train.max(), full_test.min(), full_test.max()]
assert [round(100 * share, 2) for share in quoted] == [9.04, 11.24, 8.92, 11.35]

# %% [markdown]
# ## Questions · 问题
#
# The classroom notebook's first section has no question of its own, only its line
# 加载数据集并划分为训练集以及测试集 ("load the dataset and split it into a training set and a
# test set"). The split raises one:
#
# **Why keep a separate test set?** A model can memorise the digits it trains on. Its score on
# those digits says how well it remembers, not how well it reads new handwriting. The test set is
# never used for training, so its accuracy estimates how the model will do on digits it has
# never seen, which is what we want to know. Nor is it used to choose anything, such as how long
# to train or which model to keep: each choice made by looking at the test set fits the model a
# little to it. [Chapter 6](06_validation_and_keras.ipynb) sets aside a *validation* split of
# the training digits for those choices.
#
# **中文：** 原笔记本的第一部分没有提出自己的问题，只有一句“加载数据集并划分为训练集以及测试集”。
# 这种划分引出了一个问题：
#
# **为什么要单独保留测试集？** 模型可能把训练用的数字“背”下来，
# 它在这些数字上的成绩只说明它记得多好，而不能说明它认新手写数字的能力。测试集从不参与训练，
# 所以测试集上的准确率才能估计模型在从未见过的数字上的表现，而这正是我们想知道的。
# 测试集也不用来做任何选择，例如训练多久、保留哪个模型：每一个看着测试集做出的选择，
# 都会让模型稍微迁就测试集。[第 6 章](06_validation_and_keras.ipynb)从训练数据中划出*验证集*来做这些选择。

# %% [markdown]
# ## Summary · 小结
#
# - *The classroom notebook* is the short notebook this course grew from; each chapter answers
#   its questions.
# - `load_mnist()` returns `(x_train, y_train), (x_test, y_test)` exactly as
#   `tf.keras.datasets.mnist.load_data()` does: the full 60,000 / 10,000 online, or the embedded
#   sample of 4,000 / 1,000 real digits offline.
# - Images are `uint8` arrays of shape `(N, 28, 28)` with values 0-255; labels are integers 0-9.
# - The classes are balanced: exactly in the sample, each digit 9.04%-11.24% of full MNIST's
#   training set. Accuracy is a fair measure, and always answering one digit scores about 10%.
# - The test set is for the final measurement only; choices are made on a validation split
#   (chapter 6). The sample's 1,000 test digits come from MNIST's training set.
#
# **中文小结：**
#
# - “原笔记本”是本课程起源的那个简短笔记本，每一章都回答它提出的问题。
# - `load_mnist()` 与 `tf.keras.datasets.mnist.load_data()` 返回完全相同的四个数组：
#   联网时是完整的 60,000 / 10,000 张，离线时是自带的 4,000 / 1,000 张真实数字样本。
# - 图片是形状为 `(N, 28, 28)`、取值 0-255 的 `uint8` 数组，标签是 0-9 的整数。
# - 各类别数量均衡：样本中完全相同，完整 MNIST 训练集中每个数字占 9.04%-11.24%。
#   所以准确率是公平的衡量标准，而总回答同一个数字的准确率只有约 10%。
# - 测试集只用于最后的测量；各种选择在验证集上做（第 6 章）。自带样本的 1,000 张测试数字来自 MNIST 的训练集。
#
# Next: [chapter 2, normalization](02_normalization.ipynb) scales the pixels and builds the
# input pipeline.
#
# 下一章：[第 2 章，归一化](02_normalization.ipynb)，缩放像素并构建输入数据管道。

# %% [markdown]
# ## Exercises · 练习
#
# Each exercise is followed by a worked solution, hidden until you open it. Try first.
#
# **中文：** 每道练习后面都有一个详细解答，默认隐藏，点开才能看到。请先自己尝试。
#
# **1.** Plot ten examples of each digit, one row per digit. Hint:
# `np.flatnonzero(y_train == d)[:10]` gives the indices of the first ten `d`s.
#
# **中文：** 画出每个数字的十个样本，每个数字占一行。提示：`np.flatnonzero(y_train == d)[:10]`
# 给出前十个数字 `d` 的下标。

# %% tags=["solution", "hide-cell"] jupyter={"source_hidden": true, "outputs_hidden": true}
# Solution 1: collect the first ten indices of each digit, in digit order; plot_digits
# lays 100 images out ten per row, so each row holds one digit.
# 解答 1：按数字顺序收集每个数字的前十个下标；plot_digits 每行放十张图，所以每行正好是一个数字。
rows = np.concatenate([np.flatnonzero(y_train == d)[:10] for d in range(10)])
fig = plot_digits(x_train[rows], y_train[rows])
plt.close(fig)  # not shown here: display `fig` in a cell of its own
titles = np.array([ax.get_title() for ax in fig.axes]).reshape(10, 10)
assert all(set(titles[d]) == {str(d)} for d in range(10)), "row d holds ten d's"


# %% [markdown]
# **2.** Compute the average image of each digit (`x_train[y_train == d].mean(axis=0)`) and plot
# the ten averages. Which two digits look most alike on average?
#
# **中文：** 计算每个数字的平均图像（`x_train[y_train == d].mean(axis=0)`），并画出这十张平均图。
# 平均来看，哪两个数字长得最像？

# %% tags=["solution", "hide-cell"] jupyter={"source_hidden": true, "outputs_hidden": true}
# Solution 2: "most alike" = the smallest distance between two average images (the square
# root of the summed squared pixel differences).
# 解答 2：“最像”指两张平均图像之间的距离最小（像素差的平方和再开平方）。
averages = np.stack([x_train[y_train == d].mean(axis=0) for d in range(10)])
fig = plot_digits(averages, np.arange(10))
plt.close(fig)  # not shown here: display `fig` in a cell of its own
distances = np.linalg.norm((averages[:, None] - averages[None, :]).reshape(10, 10, -1), axis=2)
np.fill_diagonal(distances, np.inf)
a, b = np.unravel_index(distances.argmin(), distances.shape)
assert {int(a), int(b)} == {4, 9}, "fours and nines: a closed or open loop on a stem"


# %% [markdown]
# **3.** Which share of the pixels is ink (non-zero) in ones, and which in eights? What does that
# suggest about how the model can tell them apart?
#
# **中文：** 数字 1 的像素中有多少比例是笔迹（非零）？数字 8 呢？这对模型如何区分它们有什么启示？

# %% tags=["solution", "hide-cell"] jupyter={"source_hidden": true, "outputs_hidden": true}
# Solution 3: a one is a single stroke, an eight two loops, so eights carry far more ink.
# How much ink there is, and where, already separates the two before any training.
# 解答 3：1 只有一笔，8 有两个圈，所以 8 的笔迹多得多。
# 笔迹的多少和位置，在训练之前就已经能区分这两个数字。
ink_share = {d: float(np.mean(x_train[y_train == d] > 0)) for d in (1, 8)}
assert ink_share[1] < 0.75 * ink_share[8]

# %% [markdown]
# **4.** A "model" that always gives the same answer, one digit `d`: what test accuracy does it
# get, for each `d`? Which `d` would you pick from the training counts, and does it matter here?
#
# **中文：** 一个总是给出同一个答案（某个数字 `d`）的“模型”，对每个 `d`，它在测试集上的准确率是多少？
# 根据训练集的数量你会选哪个 `d`？在这里选哪个有区别吗？

# %% tags=["solution", "hide-cell"] jupyter={"source_hidden": true, "outputs_hidden": true}
# Solution 4: it is right exactly on the test digits of class d, so its accuracy is d's share
# of the test set: about one tenth, the floor any real model must beat. You would pick the most
# common training digit; on the balanced sample there is none (400 of each), and every d scores
# exactly 10%. On full MNIST it is the ones, 11.24% of the training set, 11.35% of the test set.
# 解答 4：它只在数字 d 的测试图片上答对，所以准确率就是 d 在测试集中的比例：约十分之一，
# 这是任何真正的模型都必须超过的下限。你会选训练集中最常见的数字；
# 但在均衡的自带样本中没有最常见的数字（每个都是 400 张），每个 d 的准确率都正好是 10%。
# 在完整 MNIST 上最常见的是 1，占训练集的 11.24%、测试集的 11.35%。
always_d = np.array([np.mean(np.full(len(y_test), d) == y_test) for d in range(10)])
assert always_d.max() < 0.12, "no single answer scores much above one tenth"
