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
# # 2. Normalization: the same [0, 1] pixels for training and test · 归一化
#
# [Open in Colab](https://colab.research.google.com/github/mnist-tutorials/mnist-tutorials/blob/main/notebooks/02_normalization.ipynb) · [View source on GitHub](https://github.com/mnist-tutorials/mnist-tutorials/blob/main/notebooks/02_normalization.ipynb) · [Download notebook](https://raw.githubusercontent.com/mnist-tutorials/mnist-tutorials/main/notebooks/02_normalization.ipynb)
#
# **You scale pixels from 0-255 to [0, 1], see what goes wrong when the test images are left
# raw, check what a `tf.data.Dataset` really holds, and move the scaling into the pipeline.**
#
# **你将把像素从 0-255 缩放到 [0, 1]，看看测试图片不做归一化时会出什么问题，
# 检查 `tf.data.Dataset` 里实际保存的是什么，并把缩放放进数据管道。**
#
# ## Overview · 概述
#
# The classroom notebook scales the training images to [0, 1], then builds its
# `tf.data.Dataset`, and asks (Q2) whether the test images need the same, and whether normalizing
# `x_train` reaches the dataset. This chapter answers both with evidence. First, why scale at
# all: a model trained on raw pixels ends less accurate. A model trained two epochs
# on normalized pixels and fed raw test pixels keeps almost the same accuracy, but its loss grows
# many times over and it becomes close to 100% sure of every answer, wrong ones included: the
# test images must be normalized exactly like the training images. Why the accuracy survives is
# explained too: ReLU layers are *positively homogeneous*, so scaling the input scales the
# logits. And a dataset made by `from_tensor_slices` holds a *copy* of the array, so normalizing
# `x_train` after building it does not reach it; one line that looks at the first example the
# dataset yields tells you which pixels the model will see. Finally, the same scaling done inside
# the pipeline with `Dataset.map`, and inside the model with Keras' `Rescaling` layer, so that it
# travels with the model.
#
# **中文：** 原笔记本先把训练图片缩放到 [0, 1]，再构建 `tf.data.Dataset`，并提出问题 Q2：
# 测试图片是否也要同样处理？对 `x_train` 的归一化会反映到 dataset 中吗？本章用证据回答这两个问题。
# 首先说明为什么要缩放：在原始像素上训练的模型，准确率更低。
# 给一个在归一化像素上只训练了两个 epoch 的模型输入未归一化的测试图片时，准确率几乎不变，
# 但损失会成倍增大，而且模型对每个答案（包括错误的答案）都几乎 100% 确定：
# 测试图片必须和训练图片做完全相同的归一化。
# 本章也解释准确率为什么几乎不变：ReLU 层具有“正齐次性”，输入放大多少倍，logits 也差不多放大多少倍。
# 另外，`from_tensor_slices` 构建的 dataset 保存的是数组的**副本**，所以在构建之后再归一化 `x_train`
# 不会影响它；只需一行代码查看 dataset 给出的第一个样本，就能确认模型实际看到的像素值。
# 最后介绍另外两种做法：在数据管道中用 `Dataset.map` 做同样的缩放，
# 以及用 Keras 的 `Rescaling` 层在模型内部缩放，让缩放随模型一起保存。

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
import keras
import numpy as np
import tensorflow as tf

from mnist_helpers import (
    MnistDataError,
    build_model,
    evaluate,
    load_mnist,
    make_dataset,
    make_loss,
    normalize_images,
    predict_labels,
    train,
)

# %%
(x_train, y_train), (x_test, y_test) = load_mnist()
print(f"{len(x_train):,} training digits, {len(x_test):,} test digits")

# %% [markdown]
# ## Scale the pixels to [0, 1] · 把像素缩放到 [0, 1]
#
# The classroom notebook does it in one line: flatten each 28 x 28 image into a row of 784
# numbers (the model's first layer takes a flat vector), turn the integers into `float32`, and
# divide by 255, the largest pixel value. (It wrote `reshape(60000, 784)`; `len(x_train)` works
# for the sample too.)
#
# **中文：** 原笔记本用一行代码完成：把每张 28 x 28 的图片展平成 784 个数（模型的第一层接收一维向量），
# 把整数转换成 `float32`，再除以最大像素值 255。（原笔记本写的是 `reshape(60000, 784)`；
# 写成 `len(x_train)` 对自带样本同样适用。）

# %%
by_hand = x_train.reshape(len(x_train), 784).astype("float32") / 255
print(by_hand.shape, by_hand.dtype, "values from", by_hand.min(), "to", by_hand.max())

# %% [markdown]
# Why bother? The network multiplies each input by a weight and adds the results up. Its starting
# weights are chosen for inputs of about size 1. Fed pixels up to 255, the untrained model's
# logits are exactly 255 times larger (its biases start at zero, and the section on ReLU below
# shows why that makes the factor exact), and its first loss is far above the 2.3 that chapter 3
# explains. How far depends on the random starting weights, so measure it for five random seeds,
# on the first 2,000 training digits:
#
# **中文：** 为什么要归一化？网络把每个输入乘以权重再求和，初始权重是按大小约为 1 的输入来选的。
# 如果输入的像素高达 255，未训练模型的 logits 正好放大 255 倍（它的偏置初始为 0，
# 下面关于 ReLU 的一节会说明为什么这让倍数恰好是 255），初始损失远远高于第 3 章解释的 2.3。
# 具体高多少取决于随机的初始权重，所以下面用五个随机种子，在前 2,000 张训练图片上分别测量：

# %% tags=["nbval-ignore-output"]
# The last digits can differ between machines; the next cell checks what must hold.
x_train_raw = x_train[:2000].reshape(-1, 784).astype("float32")  # flat, but still 0-255
first_losses = {"raw 0-255": [], "normalized": []}
factor_errors = []
for seed in range(5):
    untrained = build_model(seed=seed)
    raw_logits, normalized_logits = untrained(x_train_raw), untrained(by_hand[:2000])
    first_losses["raw 0-255"].append(float(make_loss()(y_train[:2000], raw_logits)))
    first_losses["normalized"].append(float(make_loss()(y_train[:2000], normalized_logits)))
    error = tf.reduce_max(tf.abs(raw_logits - 255 * normalized_logits))
    factor_errors.append(float(error / tf.reduce_max(tf.abs(raw_logits))))  # relative
for name, losses in first_losses.items():
    print(
        f"untrained loss on {name:10} pixels, seeds 0-4: {min(losses):6.2f} to {max(losses):6.2f}"
    )
print(f"raw logits - 255 x normalized logits, relative to the raw logits: {max(factor_errors):.0e}")

# %%
assert min(first_losses["raw 0-255"]) > 10 * max(first_losses["normalized"])
assert all(abs(loss - np.log(10)) < 0.3 for loss in first_losses["normalized"])
assert max(factor_errors) < 1e-5, "untrained: 255 times larger, up to float32 rounding"

# %% [markdown]
# On raw pixels the first loss is more than ten times larger than on normalized ones, for each
# of the five seeds. Scaled inputs keep every layer in the range its initialisation and the
# optimizer's default learning rate were designed for.
#
# A first loss is only where training starts. What does it cost at the end? Train two copies of
# `build_model(seed=0)` for two epochs on the same batches of the first 4,000 training digits
# (the whole sample), one on raw pixels and one on normalized pixels, and test each on test
# images prepared the same way as its training images. `make_dataset` accepts only normalized
# pixels, so both pipelines are built here with `tf.data` directly (the classroom notebook's
# `shuffle(1024).batch(64)`, the same shuffle seed):
#
# **中文：** 对这五个随机种子中的每一个，未归一化像素上的初始损失都是归一化像素上的十倍以上。
# 缩放后的输入让每一层都处在初始化方法和优化器默认学习率所设计的范围内。
#
# 但初始损失只是训练的起点，到训练结束时代价是什么？把 `build_model(seed=0)` 复制两份，
# 在前 4,000 张训练图片（即整个自带样本）的相同批次上各训练两个 epoch，一份用原始像素，
# 一份用归一化像素，再分别在按同样方式处理的测试图片上测试。`make_dataset` 只接受归一化的像素，
# 所以这里直接用 `tf.data` 构建两个管道（原笔记本的 `shuffle(1024).batch(64)`，相同的打乱种子）：

# %%
x_test_flat = x_test.reshape(len(x_test), 784).astype("float32")
trained_on = {  # (training images, test images), prepared the same way
    "raw 0-255": (x_train[:4000].reshape(-1, 784).astype("float32"), x_test_flat),
    "normalized": (by_hand[:4000], x_test_flat / 255),
}
accuracy_after_training = {}
for name, (train_images, test_images) in trained_on.items():
    pipeline = tf.data.Dataset.from_tensor_slices((train_images, y_train[:4000]))
    student = build_model(seed=0)
    train(student, pipeline.shuffle(1024, seed=0).batch(64), epochs=2, progress=False)
    predictions = predict_labels(student(test_images).numpy())
    accuracy_after_training[name] = float(np.mean(predictions == y_test))

# %% tags=["nbval-ignore-output"]
for name, accuracy in accuracy_after_training.items():
    print(f"trained and tested on {name:10} pixels: test accuracy {accuracy:.1%}")

# %%
raw_cost = accuracy_after_training["normalized"] - accuracy_after_training["raw 0-255"]
assert raw_cost > 0, "raw pixels cost accuracy at the end of training too"

# %% [markdown]
# Trained on raw pixels, the model ends less accurate after the same steps. How much less
# depends on the random seed: over seeds 0-4 on the sample we measured 2.4 to 4.7 points (about
# 88-90% against 91-93%), and 8 to 9 points on a harder full-size stand-in (digits shifted by up
# to 2 pixels). That is the real cost of skipping the scaling.
#
# From here on the course calls `normalize_images`, which does exactly the classroom notebook's
# line, and checks that it is given raw `uint8` pixels, so that nobody divides by 255 twice:
#
# **中文：** 在原始像素上训练的模型，经过同样的步数后准确率更低。低多少取决于随机种子：
# 在自带样本上用随机种子 0-4 测得低 2.4 到 4.7 个百分点（约 88%-90% 对 91%-93%），
# 在更难的完整规模替代数据（数字平移最多 2 个像素）上低 8 到 9 个百分点。这才是跳过缩放的真正代价。
#
# 本课程之后都调用 `normalize_images`，它做的正是原笔记本的那一行，
# 并检查输入确实是原始的 `uint8` 像素，以免有人重复除以 255：

# %%
x_train_normalized = normalize_images(x_train)
x_test_normalized = normalize_images(x_test)
print("same as by hand:", np.array_equal(x_train_normalized, by_hand))

# %% [markdown]
# ## Q2: the classroom notebook's question · 原笔记本的问题 Q2
#
# > **Q2.** 只需要对x_train做归一化处理吗？这里做x_train的归一化会反映到dataset中去吗？如何确认？
# >
# > Is it enough to normalize `x_train` only? Does normalizing `x_train` here show up in the
# > dataset? How can we confirm it?
#
# Two questions in one. We take them in turn.
#
# **中文：** 这是两个问题合在一起，我们依次回答。

# %% [markdown]
# ## Q2, part 1: must `x_test` be normalized too? · `x_test` 也要归一化吗？
#
# To see what happens, we need a trained model. Two epochs on the training digits are enough
# here; the random seeds make the run repeatable on one machine ([chapter 4](04_training.ipynb)
# explains the training loop).
#
# **中文：** 要看会发生什么，先得有一个训练过的模型。这里在训练集上训练两个 epoch 就够了；
# 固定随机种子使结果在同一台机器上可以重现（训练循环见[第 4 章](04_training.ipynb)）。

# %%
keras.utils.set_random_seed(0)
model = build_model(seed=0)
dataset = make_dataset(x_train_normalized, y_train, seed=0)

# %% tags=["nbval-ignore-output"]
# Losses differ slightly between machines and library versions.
history = train(model, dataset, epochs=2, progress=False)
print("training loss per epoch:", np.round(history["loss"], 3))

# %% [markdown]
# The course's `evaluate` refuses raw pixels, and says what to do instead:
#
# **中文：** 本课程的 `evaluate` 会拒绝原始像素，并告诉你应该怎么做：

# %%
try:
    evaluate(model, x_test, y_test)
except MnistDataError as error:
    print("MnistDataError:", error)

# %% [markdown]
# The classroom notebook calls the model directly, `model(x_test)`, and the model itself checks
# nothing. So we do the same with both versions of the test images and compare accuracy, the mean
# loss, and how sure the model is of its answers (its largest softmax probability, explained in
# chapter 3):
#
# **中文：** 原笔记本直接调用模型 `model(x_test)`，而模型本身不做任何检查。
# 所以我们也这样把两种测试图片分别输入模型，比较准确率、平均损失，
# 以及模型对答案有多确定（最大的 softmax 概率，第 3 章会解释）：

# %%
x_test_raw = x_test.reshape(len(x_test), 784).astype("float32")  # flat, but still 0-255
loss_fn = make_loss()
normalized = evaluate(model, x_test_normalized, y_test)
raw_logits = model.predict(x_test_raw, verbose=0)
raw_predictions = predict_labels(raw_logits)
raw_probabilities = tf.nn.softmax(raw_logits).numpy()

results = {
    "normalized": {
        "accuracy": normalized.accuracy,
        "loss": float(loss_fn(y_test, normalized.logits)),
        "confidence": normalized.probabilities.max(axis=1).mean(),
    },
    "raw 0-255": {
        "accuracy": float(np.mean(raw_predictions == y_test)),
        "loss": float(loss_fn(y_test, raw_logits)),
        "confidence": raw_probabilities.max(axis=1).mean(),
    },
}

# %% tags=["nbval-ignore-output"]
print(f"{'test images':12} {'accuracy':>9} {'mean loss':>10} {'mean confidence':>16}")
for name, result in results.items():
    print(
        f"{name:12} {result['accuracy']:9.1%} {result['loss']:10.2f} {result['confidence']:16.1%}"
    )

# %%
good, bad = results["normalized"], results["raw 0-255"]
assert good["accuracy"] > 0.85, "two epochs reach well over 85% on normalized test digits"
assert abs(good["accuracy"] - bad["accuracy"]) < 0.05, "the accuracy barely changes"
assert bad["loss"] > 10 * good["loss"], "but the loss on raw pixels is many times larger"
assert bad["confidence"] > 0.99 > good["confidence"], "and the model is sure of everything"

# %% [markdown]
# The accuracy hardly moves, which may surprise you, and the loss is more than ten times larger.
# Count the mistakes made with more than 99% confidence:
#
# **中文：** 准确率几乎不变，这也许会让你意外；而损失变成了十倍以上。
# 再数一数置信度超过 99% 的错误有多少：

# %% tags=["nbval-ignore-output"]
mistakes = {}
for name, probabilities in [
    ("normalized", normalized.probabilities),
    ("raw 0-255", raw_probabilities),
]:
    wrong = probabilities.argmax(axis=1) != y_test
    sure = probabilities.max(axis=1) > 0.99
    mistakes[name] = (int(wrong.sum()), int(np.sum(wrong & sure)))
    print(f"{name:12} {mistakes[name][0]:4} mistakes, {mistakes[name][1]:4} of them >99% sure")

# %%
raw_mistakes, raw_sure_mistakes = mistakes["raw 0-255"]
normalized_mistakes, normalized_sure_mistakes = mistakes["normalized"]
assert raw_sure_mistakes >= 0.9 * raw_mistakes, "raw pixels: nearly every mistake is 'sure'"
assert normalized_sure_mistakes < 0.5 * normalized_mistakes, "normalized: most mistakes unsure"

# %% [markdown]
# ### Why the accuracy survives: ReLU layers scale · 准确率为什么几乎不变：ReLU 层随输入等比缩放
#
# It is not luck. Each hidden layer computes `relu(x W + b)` and the last one `x W + b` (a row of
# inputs `x` times the kernel `W`, as Keras computes it; [chapter 3](03_model_and_logits.ipynb)
# checks it by hand), and ReLU is *positively homogeneous*: `relu(c z) = c relu(z)` for any
# `c > 0`. Without the biases `b`,
# multiplying the input by 255 would multiply every pre-activation, and so the logits, by exactly
# 255. Check both steps: first ReLU itself, then a copy of the trained model with its biases set
# to zero.
#
# **中文：** 这不是运气。每个隐藏层计算 `relu(x W + b)`，最后一层计算 `x W + b`
# （一行输入 `x` 乘以 kernel `W`，这正是 Keras 的计算方式；[第 3 章](03_model_and_logits.ipynb)会手算验证），
# 而 ReLU 具有“正齐次性”：对任何 `c > 0`，都有 `relu(c z) = c relu(z)`。
# 如果没有偏置 `b`，把输入乘以 255，每一层激活前的值、进而 logits，都会正好乘以 255。
# 下面分两步检查：先检查 ReLU 本身，再检查把偏置全部设为 0 的训练后模型副本。

# %%
z = np.linspace(-3, 3, 13, dtype="float32")
print("relu(255 z) == 255 relu(z):", np.allclose(tf.nn.relu(255 * z), 255 * tf.nn.relu(z)))

no_bias = build_model()
no_bias.set_weights(
    [np.zeros_like(w) if w.ndim == 1 else w for w in model.get_weights()]  # biases are 1-D
)
no_bias_normalized = no_bias(x_test_normalized).numpy()
no_bias_raw = no_bias(x_test_raw).numpy()
print(
    "without biases, raw logits == 255 x normalized logits:",
    np.allclose(no_bias_raw, 255 * no_bias_normalized, rtol=1e-3, atol=1e-3),
)

# %%
assert np.allclose(tf.nn.relu(255 * z), 255 * tf.nn.relu(z))
assert np.allclose(no_bias_raw, 255 * no_bias_normalized, rtol=1e-3, atol=1e-3)
assert np.array_equal(no_bias_raw.argmax(axis=1), no_bias_normalized.argmax(axis=1))

# %% [markdown]
# The trained model has biases, and they are what breaks the exact rule: they are not
# multiplied by 255. How much do they matter? Compare, on the normalized test digits, what the
# biases add to the logits (the trained model's logits minus those of its bias-free copy) with
# the logits themselves. Where that share is small, the part that grows 255 times dominates, so
# on raw pixels the logits grow by close to 255 times and the largest logit mostly stays the
# largest:
#
# **中文：** 训练后的模型有偏置，正是偏置打破了这个精确的规律：偏置不会乘以 255。
# 偏置的影响有多大？在归一化的测试图片上，比较偏置给 logits 带来的变化（训练后模型的 logits
# 减去去掉偏置的副本的 logits）与 logits 本身的大小。这个比例小，说明放大 255 倍的那部分占主导，
# 所以在原始像素上 logits 仍然放大接近 255 倍，最大的 logit 基本上仍然最大：

# %% tags=["nbval-ignore-output"]
bias_share = np.mean(np.abs(normalized.logits - no_bias_normalized)) / np.mean(
    np.abs(normalized.logits)
)
ratio = np.median(raw_logits / normalized.logits)
same_answer = np.mean(raw_predictions == normalized.predictions)
print(f"what the biases add to the normalized logits, relative to the logits: {bias_share:.0%}")
print(f"raw logits / normalized logits, median over all test digits: {ratio:.0f}")
print(f"test digits given the same answer raw and normalized: {same_answer:.1%}")

# %%
assert bias_share < 0.1, "the biases are a small part of the normalized logits"
assert 200 < ratio < 260, "so the logits grow almost as much as the inputs, 255 times"
assert same_answer > 0.95, "and the predicted digit rarely changes"

# %% [markdown]
# So the surviving accuracy follows from how this model is built (ReLU layers, biases a small
# part of its logits), not from chance, and it holds only for a change of scale. Everything that uses the
# probabilities breaks even here: softmax of logits 255 times larger puts nearly all the
# probability on one digit, so the model is “100% sure” of every answer, each mistake costs an
# enormous loss, and any “reject the answer when unsure” threshold stops working. Other
# preprocessing is less forgiving: a model trained on pixels standardized to mean 0 and standard
# deviation 1 loses accuracy when the test images skip that step (exercise 3), because that step
# shifts the pixels as well as scaling them. [Chapter 5](05_evaluation.ipynb) meets the same
# effect.
#
# **Answer to part 1.** No, normalizing `x_train` alone is not enough. The model learned from
# pixels in [0, 1]; every image it sees later, test images and any image in use after that, must
# go through the very same transformation (same division, same flattening). Fed raw pixels,
# this model keeps its answers but becomes confidently wrong, with a loss many times larger
# (the table above).
#
# **中文：** 所以准确率几乎不变是由这个模型的结构决定的（ReLU 层、偏置只占 logits 的一小部分），
# 并非偶然，而且只对“整体缩放”成立。即使在这里，所有用到概率的地方也都会出错：
# logits 放大约 255 倍后，softmax 几乎把全部概率压在一个数字上，模型对每个答案都“100% 确定”，
# 每个错误都带来巨大的损失，任何“不确定就拒绝回答”的阈值都会失效。
# 换一种预处理就没有这么宽容了：如果模型是在标准化为均值 0、标准差 1 的像素上训练的，
# 测试时漏掉这一步就会降低准确率（练习 3），因为标准化不仅缩放像素，还平移了像素。
# [第 5 章](05_evaluation.ipynb)也会遇到同样的现象。
#
# **第一部分答案：** 不够，只归一化 `x_train` 是不够的。模型是在 [0, 1] 的像素上学习的；
# 之后它看到的每一张图片（测试图片以及实际使用中的任何图片）都必须经过完全相同的变换
# （同样的除法、同样的展平）。输入原始像素时，这个模型的答案基本不变，
# 却变得“自信地出错”，损失是原来的许多倍（见上表）。

# %% [markdown]
# ## Q2, part 2: does normalizing `x_train` reach the dataset? · 会反映到 dataset 中吗？
#
# In the classroom notebook, the answer is yes, because of the order: it normalizes first and
# builds the dataset from the normalized array. To confirm it, look at what the dataset yields,
# not at the array: take the first example and compare its largest pixel with the array's.
#
# **中文：** 在原笔记本中，答案是“会”，原因在于顺序：它先归一化，再用归一化后的数组构建 dataset。
# 要确认这一点，应该看 dataset 给出的内容，而不是看数组：取出第一个样本，把它的最大像素值和数组的比较。

# %%
x_classroom_order = x_train.reshape(len(x_train), 784).astype("float32") / 255
classroom_dataset = tf.data.Dataset.from_tensor_slices((x_classroom_order, y_train))
first_image, _ = next(iter(classroom_dataset))
print(
    f"array max {x_classroom_order.max()}, dataset's first image max {tf.reduce_max(first_image)}"
)
print(classroom_dataset.element_spec)

# %% [markdown]
# Now the other order: build the dataset from the raw float pixels, then normalize. Rebinding
# the name, `x = x / 255`, makes a new array; the dataset still holds the old one. So try the
# in-place version, `x /= 255`, which changes the very array the dataset was built from:
#
# **中文：** 现在换一个顺序：先用未归一化的浮点像素构建 dataset，再归一化。
# 重新赋值 `x = x / 255` 会创建一个新数组，dataset 里仍是旧数组。
# 所以我们试试原地修改 `x /= 255`，它改变的正是构建 dataset 时用的那个数组：

# %%
x_float = x_train.reshape(len(x_train), 784).astype("float32")
copied_dataset = tf.data.Dataset.from_tensor_slices((x_float, y_train))
x_float /= 255  # in place: the same array object, now holding values in [0, 1]
first_image, _ = next(iter(copied_dataset))
print(f"array max {x_float.max()}, dataset's first image max {tf.reduce_max(first_image)}")

# %% [markdown]
# The dataset still yields 255: `from_tensor_slices` copied the array into a TensorFlow tensor
# when the dataset was built, and later changes to the array do not reach that copy.
#
# Not every dataset holds a copy. `Dataset.from_generator` calls Python code each time it is
# iterated, so it reads the array as it is *then*. The same in-place division does reach it:
#
# **中文：** dataset 给出的最大值仍是 255：`from_tensor_slices` 在构建 dataset 时
# 已经把数组复制成了 TensorFlow 张量，之后对数组的修改不会影响这份副本。
#
# 并不是每种 dataset 都保存副本。`Dataset.from_generator` 每次迭代时都会调用 Python 代码，
# 读取的是数组在“那一刻”的内容。同样的原地除法对它就会生效：

# %%
x_lazy = x_train.reshape(len(x_train), 784).astype("float32")
generated_dataset = tf.data.Dataset.from_generator(
    lambda: zip(x_lazy, y_train, strict=True),
    output_signature=(tf.TensorSpec((784,), tf.float32), tf.TensorSpec((), tf.uint8)),
)
x_lazy /= 255
first_image, _ = next(iter(generated_dataset))
print(f"array max {x_lazy.max()}, dataset's first image max {tf.reduce_max(first_image)}")

# %% [markdown]
# **Answer to part 2.** It depends on when, and on how the dataset was made. In the classroom
# notebook the normalization comes first, so the dataset holds normalized pixels. Normalizing
# `x_train` after `from_tensor_slices` does not reach the dataset, whether you rebind the name or
# change the array in place, because the dataset holds a copy made when it was built; a dataset
# that reads the array lazily (`from_generator`) would see an in-place change. Do not guess:
# check it. `next(iter(dataset))` gives the first example exactly as the model will receive it;
# its largest pixel is 1.0 when normalized and 255.0 when not. `dataset.element_spec` shows
# only shapes and dtypes: it tells `uint8` pixels from `float32` ones, but raw pixels turned
# into `float32` and normalized pixels have the very same spec, as the two datasets above do.
#
# **第二部分答案：** 取决于归一化的时机和 dataset 的构建方式。原笔记本是先归一化，
# 再用归一化后的数组构建 dataset，所以 dataset 里是归一化的像素。
# 如果在 `from_tensor_slices` 之后才归一化 `x_train`，无论是重新赋值（`x = x / 255`），
# 还是原地修改（`x /= 255`），都不会影响 dataset，
# 因为 dataset 在构建时已经把数组复制成了 TensorFlow 张量；
# 而用 `from_generator` 构建、每次迭代时才读取数组的 dataset，则会看到原地修改。
# 如何确认：别靠推测，直接检查。`next(iter(dataset))` 取出的第一个样本就是模型实际收到的数据，
# 归一化时最大像素值为 1.0，未归一化时为 255.0。`dataset.element_spec` 只显示形状和数据类型：
# 它能区分 `uint8` 和 `float32` 的像素，但转换成 `float32` 的原始像素和归一化后的像素，
# spec 完全相同，上面两个 dataset 就是如此。

# %%
assert float(tf.reduce_max(next(iter(classroom_dataset))[0])) == 1.0
assert float(tf.reduce_max(next(iter(copied_dataset))[0])) == 255.0
assert float(tf.reduce_max(next(iter(generated_dataset))[0])) == 1.0
assert classroom_dataset.element_spec == copied_dataset.element_spec, "the spec cannot tell"

# %% [markdown]
# ## The alternative: normalize inside the pipeline · 另一种做法：在数据管道中归一化
#
# Instead of preparing a normalized array, give the dataset the raw `uint8` pixels and let it
# scale each example as it reads it, with `Dataset.map`. The question “did the normalization
# reach the dataset?” then cannot arise: it is a step of the dataset.
#
# **中文：** 也可以不事先准备归一化的数组，而是把原始 `uint8` 像素交给 dataset，
# 用 `Dataset.map` 在读取每个样本时再做缩放。这样“归一化是否反映到 dataset 中”的问题就不会出现，
# 因为归一化本身就是 dataset 的一个步骤。


# %%
def scale_pixels(image, label):
    """Flatten one raw image and scale it to float32 in [0, 1], inside the pipeline."""
    return tf.reshape(tf.cast(image, tf.float32) / 255.0, [784]), label


raw_dataset = tf.data.Dataset.from_tensor_slices((x_train, y_train))
mapped_dataset = raw_dataset.map(scale_pixels, num_parallel_calls=tf.data.AUTOTUNE)
print("stores:", raw_dataset.element_spec[0])
print("yields:", mapped_dataset.element_spec[0])

# %% [markdown]
# The pipeline yields exactly what `normalize_images` computes (`map` keeps the order, so the
# first 64 examples are the first 64 images):
#
# **中文：** 这个管道给出的结果与 `normalize_images` 的计算完全相同
# （`map` 保持顺序，所以前 64 个样本就是前 64 张图片）：

# %%
first_batch, _labels = next(iter(mapped_dataset.batch(64)))
print("same pixels:", np.array_equal(first_batch.numpy(), normalize_images(x_train[:64])))

# %%
assert np.array_equal(first_batch.numpy(), normalize_images(x_train[:64]))

# %% [markdown]
# For training you would add the classroom notebook's steps after `map`:
# `mapped_dataset.shuffle(1024).batch(64).prefetch(tf.data.AUTOTUNE)`, and pass `x_test` through
# the same `scale_pixels`. Which is better?
#
# - **Normalize the array first** (the classroom notebook, and `normalize_images` +
#   `make_dataset` in this course): simple, computed once, and the same array serves `evaluate`
#   and plots. It holds 4 bytes per pixel instead of 1.
# - **Normalize in the pipeline** (`Dataset.map`): the raw data stays as it is, 4 times smaller,
#   and the scaling is part of the dataset, so it cannot be forgotten or done twice. It is
#   recomputed every epoch, which is cheap here. `.cache()` stores whatever reaches it: after
#   `map` it would skip the division but store `float32` pixels, 4 bytes each again; before
#   `map` (useful when the raw images come from files) it keeps the 1-byte pixels and redoes only
#   the cheap division.
#
# **中文：** 训练时，只需在 `map` 之后加上原笔记本的步骤：
# `mapped_dataset.shuffle(1024).batch(64).prefetch(tf.data.AUTOTUNE)`，
# 并让 `x_test` 也经过同一个 `scale_pixels`。哪种做法更好？
#
# - **先归一化数组**（原笔记本的做法，也是本课程 `normalize_images` + `make_dataset` 的做法）：
#   简单，只算一次，同一个数组还能用于 `evaluate` 和画图。每个像素占 4 个字节，而不是 1 个。
# - **在管道中归一化**（`Dataset.map`）：原始数据保持不变，占用内存只有四分之一；
#   缩放是 dataset 的一部分，所以不会被忘记，也不会被重复执行。代价是每个 epoch 都要重新计算，
#   这里很便宜。`.cache()` 保存到达它的任何内容：放在 `map` 之后，可以省去除法，但保存的是
#   `float32` 像素，又是每个像素 4 个字节；放在 `map` 之前（原始图片来自文件时有用），
#   保存的是 1 个字节的像素，只重做便宜的除法。

# %%
cache_after_map = raw_dataset.map(scale_pixels).cache()
cache_before_map = raw_dataset.cache().map(scale_pixels)
stored = {  # What reaches .cache(): what the dataset it is called on yields.
    "cache after map": raw_dataset.map(scale_pixels).element_spec[0],
    "cache before map": raw_dataset.element_spec[0],
}
for name, spec in stored.items():
    print(f"{name:16} stores {spec.dtype.name:7} pixels: {spec.dtype.size} byte(s) each")

# %%
assert (
    stored["cache after map"].dtype == tf.float32 and stored["cache before map"].dtype == tf.uint8
)
# Read to the end: a cache read only in part is thrown away (TensorFlow warns about it).
batches = zip(cache_after_map.batch(4096), cache_before_map.batch(4096), strict=True)
for (after, _), (before, _) in batches:
    assert np.array_equal(after, before), "both yield the same scaled pixels"

# %% [markdown]
# ## The Keras way: scale inside the model · Keras 的做法：在模型内部缩放
#
# Both ways above leave the scaling outside the model: whoever uses the trained model later must
# know to divide by 255. Keras can make it the model's first layer instead:
# `keras.layers.Rescaling(1 / 255)` multiplies its input by 1/255. Put it in front of the trained
# model and the result takes raw pixels (flattened, as `float32`) and gives the trained model's
# logits; when you save it ([chapter 8](08_saving_and_new_handwriting.ipynb)), the scaling is
# saved with it. For standardizing, the matching layer is `keras.layers.Normalization()`, whose
# `adapt(x_train)` measures the mean and variance once.
#
# **中文：** 上面两种做法都把缩放留在模型之外：以后使用训练好的模型的人，必须知道要除以 255。
# Keras 可以把缩放变成模型的第一层：`keras.layers.Rescaling(1 / 255)` 把输入乘以 1/255。
# 把它放在训练好的模型前面，得到的模型接收原始像素（展平、`float32`），给出训练好的模型的 logits；
# 保存它时（[第 8 章](08_saving_and_new_handwriting.ipynb)），缩放也随之保存。
# 如果要做标准化，对应的层是 `keras.layers.Normalization()`，它的 `adapt(x_train)` 一次性算出均值和方差。

# %%
takes_raw_pixels = keras.Sequential(
    [keras.Input(shape=(784,)), keras.layers.Rescaling(1 / 255), model], name="with_rescaling"
)
logits_from_raw = takes_raw_pixels(x_test_raw).numpy()
print("raw pixels in, the trained model's logits out:", end=" ")
print(np.allclose(logits_from_raw, normalized.logits, rtol=1e-4, atol=1e-4))

# %%
assert np.allclose(logits_from_raw, normalized.logits, rtol=1e-4, atol=1e-4)
assert np.array_equal(predict_labels(logits_from_raw), normalized.predictions)

# %% [markdown]
# ## Summary · 小结
#
# - Scale pixels to [0, 1] with `normalize_images` (the classroom notebook's `reshape`,
#   `astype("float32")`, `/ 255`). On raw pixels an untrained model's logits are exactly 255
#   times larger, its loss more than ten times too large, and after the same training it ends
#   less accurate.
# - Normalize the test images exactly like the training images. Raw test pixels left this
#   model's answers almost unchanged, because ReLU layers scale with their input and the biases
#   are small, but made it confidently wrong, with a loss many times larger.
# - `from_tensor_slices` copies the array: normalizing it after building the dataset changes
#   nothing. Check the first example, `next(iter(dataset))`, to see what the model will get;
#   `element_spec` cannot tell raw `float32` pixels from normalized ones.
# - `Dataset.map` normalizes inside the pipeline, so the dataset cannot miss it (`.cache()` before
#   `map` keeps the 1-byte pixels). `keras.layers.Rescaling(1 / 255)` normalizes inside the
#   model, so the scaling is saved with it.
#
# **中文小结：**
#
# - 用 `normalize_images` 把像素缩放到 [0, 1]（即原笔记本的 `reshape`、`astype("float32")`、`/ 255`）。
#   在原始像素上，未训练模型的 logits 正好放大 255 倍，损失大十倍以上；经过同样的训练后，
#   准确率也更低。
# - 测试图片必须和训练图片做完全相同的归一化。输入原始测试像素时，这个模型的答案几乎不变，
#   因为 ReLU 层随输入等比缩放、偏置又很小；但它变得“自信地出错”，损失是原来的许多倍。
# - `from_tensor_slices` 会复制数组：构建 dataset 之后再归一化数组没有任何作用。
#   用 `next(iter(dataset))` 检查第一个样本，就能知道模型会收到什么；
#   `element_spec` 区分不了 `float32` 的原始像素和归一化后的像素。
# - `Dataset.map` 在管道中做归一化，所以 dataset 不会漏掉这一步（把 `.cache()` 放在 `map` 之前，
#   保存的是 1 个字节的像素）。`keras.layers.Rescaling(1 / 255)` 在模型内部做归一化，
#   缩放随模型一起保存。
#
# Next: [chapter 3, the model and its logits](03_model_and_logits.ipynb).
#
# 下一章：[第 3 章，模型与 logits](03_model_and_logits.ipynb)。

# %% [markdown]
# ## Exercises · 练习
#
# Each exercise is followed by a worked solution, hidden until you open it. Try first.
#
# **中文：** 每道练习后面都有一个详细解答，默认隐藏，点开才能看到。请先自己尝试。
#
# **1.** Build a training pipeline from the first 10,000 examples of `mapped_dataset`
# (`take`, then shuffle, batch, prefetch), train a fresh `build_model(seed=0)` on it for one
# epoch with `train(model, pipeline, epochs=1, progress=False)`. Train another fresh
# `build_model(seed=0)` the same way on `make_dataset(x_train_normalized[:10_000], ...)` and
# check that the two reach about the same test accuracy.
#
# **中文：** 用 `mapped_dataset` 的前 10,000 个样本构建一个训练管道（先 `take`，再打乱、分批、预取），在它上面用
# `train(model, pipeline, epochs=1, progress=False)` 训练一个新的 `build_model(seed=0)` 一个 epoch。
# 再用同样的方式在 `make_dataset(x_train_normalized[:10_000], ...)` 上训练另一个新的
# `build_model(seed=0)`，检查两者的测试准确率是否大致相同。

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["solution", "hide-cell"]
# Solution 1: the pipeline yields the same [0, 1] pixels as normalize_images, and with the same
# shuffle seed make_dataset draws the same batches as shuffle(1024, seed=0).batch(64), so both
# models learn from the same numbers in the same order and reach exactly the same accuracy.
# 解答 1：这个管道给出的像素和 normalize_images 完全相同；使用同一个打乱种子时，make_dataset
# 取出的批次也和 shuffle(1024, seed=0).batch(64) 相同，所以两个模型以相同的顺序学习相同的数据，
# 准确率也完全相同。
pipeline = mapped_dataset.take(10_000).shuffle(1024, seed=0).batch(64).prefetch(tf.data.AUTOTUNE)
array_batches = make_dataset(x_train_normalized[:10_000], y_train[:10_000], seed=0)
same_batches = all(
    np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1])
    for a, b in zip(pipeline, array_batches, strict=True)
)
pipeline_model = build_model(seed=0)
train(pipeline_model, pipeline, epochs=1, progress=False)
pipeline_accuracy = evaluate(pipeline_model, x_test_normalized, y_test).accuracy
array_model = build_model(seed=0)
train(array_model, array_batches, epochs=1, progress=False)
array_accuracy = evaluate(array_model, x_test_normalized, y_test).accuracy
assert same_batches and pipeline_accuracy == array_accuracy

# %% [markdown]
# **2.** Why does `x_train /= 255` raise an error on the `uint8` array that `load_mnist` returns,
# while `x_train = x_train / 255` works? What is the dtype of the result?
#
# **中文：** 为什么对 `load_mnist` 返回的 `uint8` 数组执行 `x_train /= 255` 会报错，
# 而 `x_train = x_train / 255` 却可以？结果的数据类型是什么？

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["solution", "hide-cell"]
# Solution 2: `/=` writes the result back into the same uint8 array, which cannot hold
# fractions, so NumPy refuses; `/` makes a new array of float64, 8 bytes per pixel (the
# course uses float32, half the memory, which is what TensorFlow computes in).
# 解答 2：`/=` 要把结果写回同一个 uint8 数组，而它存不下小数，所以 NumPy 拒绝执行；
# `/` 会创建一个新的 float64 数组，每个像素 8 个字节
# （本课程用 float32，内存减半，也是 TensorFlow 的计算类型）。
pixels = x_train[:2].copy()
refused = None
try:
    pixels /= 255
except TypeError as error:  # NumPy's UFuncTypeError is a TypeError
    refused = error
divided = pixels / 255
assert isinstance(refused, TypeError) and pixels.dtype == np.uint8
assert divided.dtype == np.float64 and divided.max() <= 1.0

# %% [markdown]
# **3.** Standardize instead: `mean, std = x_train_normalized.mean(), x_train_normalized.std()`,
# train on the first 10,000 of `(x_train_normalized - mean) / std` for one epoch (build the
# dataset with `tf.data.Dataset.from_tensor_slices`, as `make_dataset` accepts only [0, 1]), then
# compare the test accuracy with and without standardizing `x_test_normalized` the same way.
# Skipping the step both scales and shifts what the model sees: which of the two changes its
# answers?
#
# **中文：** 改用标准化：`mean, std = x_train_normalized.mean(), x_train_normalized.std()`，
# 在 `(x_train_normalized - mean) / std` 的前 10,000 个样本上训练一个 epoch
# （用 `tf.data.Dataset.from_tensor_slices` 构建 dataset，因为 `make_dataset` 只接受 [0, 1] 的像素），
# 然后比较测试图片 `x_test_normalized` 做与不做同样的标准化时的测试准确率。
# 漏掉这一步，模型看到的输入既被缩放又被平移：是哪一个改变了它的答案？

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["solution", "hide-cell"]
# Solution 3: standardizing shifts the pixels (white paper becomes -mean/std, not 0) as well as
# scaling them. The model expects z = (x - mean) / std; given x instead it sees std * z + mean.
# The scale alone (std * z, that is x - mean) changes almost no answer, ReLU's homogeneity again;
# the shift (+ mean) changes many, and skipping the step costs accuracy (by how much depends on
# the random seed: 3 to 6 points on the sample, more on the full-size stand-in).
# 解答 3：标准化不仅缩放像素，还平移了像素（白纸从 0 变成 -mean/std）。模型期望的输入是
# z = (x - mean) / std；直接给它 x，它看到的是 std * z + mean。只有缩放（std * z，即 x - mean）时
# 几乎没有答案改变，这又是 ReLU 的正齐次性；平移（+ mean）却改变了许多答案，漏掉这一步会损失准确率
# （损失多少取决于随机种子：在自带样本上为 3 到 6 个百分点，在完整规模的替代数据上更多）。
mean, std = x_train_normalized.mean(), x_train_normalized.std()
first = slice(0, 10_000)
standardized = tf.data.Dataset.from_tensor_slices(
    ((x_train_normalized[first] - mean) / std, y_train[first])
)
standardized_model = build_model(seed=0)
train(standardized_model, standardized.shuffle(1024, seed=0).batch(64), progress=False)
answers = {
    name: predict_labels(standardized_model(images).numpy())
    for name, images in [
        ("with the step", (x_test_normalized - mean) / std),
        ("step skipped", x_test_normalized),
        ("scale only", x_test_normalized - mean),
    ]
}
accuracy_with = np.mean(answers["with the step"] == y_test)
accuracy_without = np.mean(answers["step skipped"] == y_test)
changed_by = {  # share of the test digits whose answer changes
    name: np.mean(answers[name] != answers["with the step"])
    for name in ["step skipped", "scale only"]
}
assert accuracy_without < accuracy_with, "skipping the step costs accuracy"
assert changed_by["step skipped"] > 0.02 > changed_by["scale only"], "the shift does it"

# %% [markdown]
# **4.** Predict, then check: what happens to the trained model's accuracy, logits and mean
# confidence when every normalized test image is multiplied by 0.5 (fainter ink)?
#
# **中文：** 先预测，再检查：把每张归一化后的测试图片乘以 0.5（笔迹变淡），
# 训练好的模型的准确率、logits 和平均置信度会怎样变化？

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["solution", "hide-cell"]
# Solution 4: the same homogeneity in the other direction. The logits roughly halve, so the
# answers barely change, but softmax of smaller logits is flatter: the model is less sure.
# 解答 4：同样的正齐次性，只是方向相反：logits 大约减半，所以答案几乎不变，
# 但较小的 logits 经过 softmax 后更平坦：模型没那么确定了。
faint = evaluate(model, 0.5 * x_test_normalized, y_test)
half = np.median(faint.logits / normalized.logits)
assert 0.4 < half < 0.6 and abs(faint.accuracy - normalized.accuracy) < 0.05
assert faint.probabilities.max(axis=1).mean() < good["confidence"]
