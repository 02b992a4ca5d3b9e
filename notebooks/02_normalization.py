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
# ## Overview · 概述
#
# The seed scales the training images to [0, 1] and then builds its `tf.data.Dataset`, and asks
# (Q2) whether the test images need the same, and whether normalizing `x_train` reaches the
# dataset. This chapter answers both with evidence. A briefly trained model fed raw test pixels
# keeps almost the same accuracy, but its loss jumps from about 0.25 to about 40 and it becomes
# close to 100% sure of every answer, wrong ones included: the test images must be normalized
# exactly like the training images. And a dataset made by `from_tensor_slices` holds a *copy* of
# the array, so normalizing `x_train` after building it does not reach it; one line that looks at
# the first example the dataset yields tells you which pixels the model will see. Finally, the
# same scaling done inside the pipeline with `Dataset.map`.
#
# **中文：** 原笔记本先把训练图片缩放到 [0, 1]，再构建 `tf.data.Dataset`，并提出问题 Q2：
# 测试图片是否也要归一化？对 `x_train` 的归一化会反映到 dataset 中吗？本章用证据回答这两个问题。
# 给训练过的模型输入未归一化的测试图片时，准确率几乎不变，但损失从约 0.25 跳到约 40，
# 而且模型对每个答案（包括错误的答案）都几乎 100% 确定：测试图片必须和训练图片做完全相同的归一化。
# `from_tensor_slices` 构建的 dataset 保存的是数组的**副本**，所以在构建之后再归一化 `x_train`
# 不会影响它；查看 dataset 给出的第一个样本，就能确认模型实际看到的像素值。
# 最后介绍另一种做法：在数据管道中用 `Dataset.map` 做归一化。

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
# The seed does it in one line: flatten each 28 x 28 image into a row of 784 numbers (the model's
# first layer takes a flat vector), turn the integers into `float32`, and divide by 255, the
# largest pixel value. (The seed wrote `reshape(60000, 784)`; `len(x_train)` works for the
# sample too.)

# %%
by_hand = x_train.reshape(len(x_train), 784).astype("float32") / 255
print(by_hand.shape, by_hand.dtype, "values from", by_hand.min(), "to", by_hand.max())

# %% [markdown]
# Why bother? The network multiplies each input by a weight and adds the results up. Its starting
# weights are chosen for inputs of about size 1. Fed pixels up to 255, the untrained model's
# logits are about 255 times too large, its first loss is over a hundred instead of about 2.3
# (chapter 3 explains that number), and the first epoch of training is spent undoing it. Scaled
# inputs keep every layer in the range its initialisation and the optimizer's default learning
# rate were designed for.
#
# From here on the course calls `normalize_images`, which does exactly this, and checks that it
# is given raw `uint8` pixels, so that nobody divides by 255 twice:
#
# **中文：** 为什么要归一化？网络把每个输入乘以权重再求和，初始权重是按输入大小约为 1 来设计的。
# 如果输入高达 255，未训练模型的 logits 会大约 255 倍，初始损失超过 100（而不是约 2.3，
# 见第 3 章），第一个 epoch 的训练都花在纠正这一点上。
# 缩放后的输入让每一层都处在初始化方法和优化器默认学习率所设计的范围内。
# 本课程之后都调用 `normalize_images`，它做的正是上面这一行，并检查输入是原始的 `uint8` 像素，
# 以免重复除以 255。

# %%
x_train_normalized = normalize_images(x_train)
x_test_normalized = normalize_images(x_test)
print("same as by hand:", np.array_equal(x_train_normalized, by_hand))

# %% [markdown]
# ## Q2: the seed's question · 原笔记本的问题 Q2
#
# > **Q2.** 只需要对x_train做归一化处理吗？这里做x_train的归一化会反映到dataset中去吗？如何确认？
# >
# > Is it enough to normalize `x_train` only? Does normalizing `x_train` here show up in the
# > dataset? How can we confirm it?
#
# Two questions in one. We take them in turn.

# %% [markdown]
# ## Q2, part 1: must `x_test` be normalized too? · `x_test` 也要归一化吗？
#
# To see what happens, we need a trained model. Two epochs on the training digits are enough
# here; the seeds make the run repeatable on one machine ([chapter 4](04_training.ipynb) explains
# the training loop).

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

# %%
try:
    evaluate(model, x_test, y_test)
except MnistDataError as error:
    print("MnistDataError:", error)

# %% [markdown]
# The seed calls the model directly, `model(x_test)`, and the model itself checks nothing. So we
# do the same with both versions of the test images and compare accuracy, the mean loss, and how
# sure the model is of its answers (its largest softmax probability, explained in chapter 3):

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
assert abs(good["accuracy"] - bad["accuracy"]) < 0.05, "argmax barely changes for this model"
assert bad["loss"] > 10 * good["loss"], "but the loss on raw pixels is many times larger"
assert bad["confidence"] > 0.99 > good["confidence"], "and the model is sure of everything"

# %% [markdown]
# The accuracy hardly moves, which may surprise you, and the loss is more than ten times larger.
# Why both? Each hidden layer computes `relu(W x + b)` and the last one `W x + b`, and
# `relu(255 z) = 255 relu(z)`. The biases `b` start at 0 and stay small in a short training, so
# multiplying the input by 255 multiplies the logits by about 255 too:

# %% tags=["nbval-ignore-output"]
ratio = np.median(raw_logits / normalized.logits)
print(f"raw logits / normalized logits, median over all test digits: {ratio:.0f}")

# %%
assert 200 < ratio < 260, "the logits grow almost as much as the inputs, 255 times"

# %% [markdown]
# The largest logit stays the largest, so the predicted digit rarely changes. But softmax of
# logits 255 times larger puts nearly all the probability on one digit: the model is
# "100% sure" of every answer, and each mistake costs an enormous loss. Count the mistakes made
# with more than 99% confidence:

# %% tags=["nbval-ignore-output"]
mistakes = {}
for name, probabilities in [
    ("normalized", normalized.probabilities),
    ("raw 0-255", raw_probabilities),
]:
    wrong = probabilities.argmax(axis=1) != y_test
    sure = probabilities.max(axis=1) > 0.99
    mistakes[name] = (int(wrong.sum()), int(np.sum(wrong & sure)))
    print(f"{name:12} {mistakes[name][0]:3} mistakes, {mistakes[name][1]:3} of them >99% sure")

# %%
raw_mistakes, raw_sure_mistakes = mistakes["raw 0-255"]
normalized_mistakes, normalized_sure_mistakes = mistakes["normalized"]
assert raw_sure_mistakes >= 0.9 * raw_mistakes, "raw pixels: nearly every mistake is 'sure'"
assert normalized_sure_mistakes < 0.5 * normalized_mistakes, "normalized: most mistakes unsure"

# %% [markdown]
# That the accuracy survives is a property of this model, not a rule to rely on: its biases stay
# small, so it reacts to the pattern of the ink far more than to its scale. Everything that uses
# the probabilities breaks even here: the loss, the confidence, any "reject the answer when
# unsure" threshold. And other preprocessing is less forgiving: a model trained on pixels
# standardized to mean 0 and standard deviation 1 loses accuracy when the test images skip that
# step (exercise 3).
#
# **Answer to part 1.** No, normalizing `x_train` alone is not enough. The model learned from
# pixels in [0, 1]; every image it sees later, test images and any image in use after that, must
# go through the very same transformation (same division, same flattening). Fed raw pixels,
# this model is confidently wrong: its loss rises from about 0.25 to about 40.
#
# **中文（第一部分答案）：** 不够，`x_test` 也必须归一化。模型是在 [0, 1] 的像素上训练的；
# 之后它看到的每一张图片（测试图片以及实际使用中的图片）都必须经过完全相同的变换。
# 上面的实验中，未归一化的测试图片让损失从约 0.25 升到约 40，模型对几乎每个答案都"100% 确定"，
# 包括错误的答案。准确率几乎不变是这个模型的特性，不能依赖：隐藏层是 `relu(Wx + b)`，
# 而 `relu(255 z) = 255 relu(z)`，偏置 `b` 很小，输入放大 255 倍，logits 也差不多放大 255 倍，
# 最大的 logit 仍然最大，但 softmax 概率变得极端。
# 凡是用到概率的地方（损失、置信度、"不确定就拒绝"的阈值）都会出错；
# 换一种预处理（例如标准化为均值 0、标准差 1），测试时漏掉这一步也会降低准确率（练习 3）。

# %% [markdown]
# ## Q2, part 2: does normalizing `x_train` reach the dataset? · 会反映到 dataset 中吗？
#
# In the seed, the answer is yes, because of the order: it normalizes first and builds the
# dataset from the normalized array. To confirm it, look at what the dataset yields, not at the
# array: take the first example and compare its largest pixel with the array's.

# %%
x_seed_order = x_train.reshape(len(x_train), 784).astype("float32") / 255
seed_dataset = tf.data.Dataset.from_tensor_slices((x_seed_order, y_train))
first_image, _ = next(iter(seed_dataset))
print(f"array max {x_seed_order.max()}, dataset's first image max {tf.reduce_max(first_image)}")
print(seed_dataset.element_spec)

# %% [markdown]
# Now the other order: build the dataset from the raw float pixels, then normalize. Rebinding
# the name, `x = x / 255`, makes a new array; the dataset still holds the old one. So try the
# in-place version, `x /= 255`, which changes the very array the dataset was built from:

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
# **Answer to part 2.** It depends on when, and on how the dataset was made. In the seed the
# normalization comes first, so the dataset holds normalized pixels. Normalizing `x_train` after
# `from_tensor_slices` does not reach the dataset, whether you rebind the name or change the
# array in place, because the dataset holds a copy made when it was built; a dataset that reads
# the array lazily (`from_generator`) would see an in-place change. Do not reason about it:
# check it. `next(iter(dataset))` gives the first example exactly as the model will receive it;
# its largest pixel is 1.0 when normalized and 255.0 when not, and `dataset.element_spec` shows
# the dtype (float32 or uint8) of what it yields.
#
# **中文（第二部分答案）：** 取决于归一化的时机和 dataset 的构建方式。原笔记本是先归一化，
# 再用归一化后的数组构建 dataset，所以 dataset 里是归一化的像素。
# 如果在 `from_tensor_slices` 之后才归一化 `x_train`，无论是重新赋值（`x = x / 255`），
# 还是原地修改（`x /= 255`），都不会影响 dataset，
# 因为 dataset 在构建时已经把数组复制成了 TensorFlow 张量；
# 而用 `from_generator` 构建、每次迭代时才读取数组的 dataset，则会看到原地修改。
# 如何确认：不要推理，直接检查。`next(iter(dataset))` 取出的第一个样本就是模型实际收到的数据，
# 归一化时最大像素值为 1.0，未归一化时为 255.0；`dataset.element_spec` 还能显示数据类型。

# %%
assert float(tf.reduce_max(next(iter(seed_dataset))[0])) == 1.0
assert float(tf.reduce_max(next(iter(copied_dataset))[0])) == 255.0
assert float(tf.reduce_max(next(iter(generated_dataset))[0])) == 1.0

# %% [markdown]
# ## The alternative: normalize inside the pipeline · 另一种做法：在数据管道中归一化
#
# Instead of preparing a normalized array, give the dataset the raw `uint8` pixels and let it
# scale each example as it reads it, with `Dataset.map`. The question "did the normalization
# reach the dataset?" then cannot arise: it is a step of the dataset.


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

# %%
first_batch, _labels = next(iter(mapped_dataset.batch(64)))
print("same pixels:", np.array_equal(first_batch.numpy(), normalize_images(x_train[:64])))

# %% [markdown]
# For training you would add the seed's steps after `map`:
# `mapped_dataset.shuffle(1024).batch(64).prefetch(tf.data.AUTOTUNE)`, and pass `x_test` through
# the same `scale_pixels`. Which is better?
#
# - **Normalize the array first** (the seed, and `normalize_images` + `make_dataset` in this
#   course): simple, computed once, and the same array serves `evaluate` and plots. It holds
#   4 bytes per pixel instead of 1.
# - **Normalize in the pipeline** (`Dataset.map`): the raw data stays as it is, 4 times smaller,
#   and the scaling is part of the dataset, so it cannot be forgotten or done twice. It is
#   recomputed every epoch (cheap here; `.cache()` after `map` avoids it).
#
# **中文：** 另一种做法是把原始 `uint8` 像素交给 dataset，
# 用 `Dataset.map` 在读取每个样本时再做缩放。
# 这样"归一化是否反映到 dataset 中"的问题就不存在了，因为归一化本身就是 dataset 的一个步骤。
# 先归一化数组（原笔记本和本课程的 `normalize_images` + `make_dataset`）简单、只算一次；
# 在管道中归一化则让原始数据保持不变、占用内存只有四分之一，而且不会忘记或重复归一化，
# 代价是每个 epoch 都要重新计算（可以在 `map` 之后加 `.cache()`）。

# %% [markdown]
# ## Summary · 小结
#
# - Scale pixels to [0, 1] with `normalize_images` (the seed's `reshape`, `astype("float32")`,
#   `/ 255`).
# - Normalize the test images exactly like the training images. Raw test pixels made this model
#   confidently wrong: loss about 40 instead of about 0.25, although the accuracy barely moved.
# - `from_tensor_slices` copies the array: normalizing it after building the dataset changes
#   nothing. Check the first example, `next(iter(dataset))`, to see what the model will get.
# - `Dataset.map` normalizes inside the pipeline, so the dataset cannot miss it.
#
# **中文小结：** 用 `normalize_images` 把像素缩放到 [0, 1]；测试图片必须和训练图片做同样的归一化；
# `from_tensor_slices` 会复制数组，构建之后再归一化不会影响 dataset，用 `next(iter(dataset))`
# 检查模型实际看到的数据；也可以用 `Dataset.map` 在管道中归一化。
#
# Next: [chapter 3, the model and its logits](03_model_and_logits.ipynb).

# %% [markdown]
# ## Exercises · 练习
#
# 1. Build a training pipeline from `mapped_dataset` (shuffle, batch, prefetch), train a fresh
#    `build_model(seed=0)` with `train(model, pipeline, epochs=2, progress=False)`, and check
#    that it reaches about the same test accuracy as the model above.
# 2. Why does `x_train /= 255` raise an error on the `uint8` array that `load_mnist` returns,
#    while `x_train = x_train / 255` works? What is the dtype of the result?
# 3. Standardize instead: `mean, std = x_train_normalized.mean(), x_train_normalized.std()`,
#    train on `(x_train_normalized - mean) / std` (build the dataset with
#    `tf.data.Dataset.from_tensor_slices`, as `make_dataset` accepts only [0, 1]), then compare
#    the test accuracy with and without standardizing `x_test_normalized` the same way.
