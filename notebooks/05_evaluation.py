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
# # 5. Evaluation: digits the model has never seen · 评估：模型没见过的数字
#
# [Open in Colab](https://colab.research.google.com/github/mnist-tutorials/mnist-tutorials/blob/main/notebooks/05_evaluation.ipynb) · [View source on GitHub](https://github.com/mnist-tutorials/mnist-tutorials/blob/main/notebooks/05_evaluation.ipynb) · [Download notebook](https://raw.githubusercontent.com/mnist-tutorials/mnist-tutorials/main/notebooks/05_evaluation.ipynb)
#
# **You measure the trained model on test digits it has never seen (over 90% right, the cells
# print the exact figure and how precise it is), see which digits it confuses, and look at its
# mistakes with the probabilities it gave them.**
#
# **你将在模型从未见过的测试图片上衡量训练好的模型（准确率超过 90%，确切数字及其精度由单元格
# 打印出来），看看它把哪些数字弄混了，并结合它给出的概率查看它犯的错误。**
#
# ## Overview · 概述
#
# We train the classroom notebook's model for five epochs (chapter 4, in one call), normalize
# the test digits exactly as the training digits were normalized, and follow the classroom
# notebook's last section: logits on the test set, the predicted digit as the argmax of the
# logits, compared with the labels. The model reads over 90% of the test digits correctly, less
# than on the digits it trained on. An accuracy measured on 1,000 test digits is itself only
# precise to about ±1.5 points, and we use that error bar wherever two accuracies are compared.
# The confusion matrix shows which digits the model confuses, a gallery shows its mistakes with
# the probabilities it gave each digit, and we end with the classroom notebook's three test
# digits and their predictions.
#
# **中文：** 我们用第 4 章的方法（一次调用）把原笔记本的模型训练 5 个 epoch，用与训练图片完全
# 相同的方式归一化测试图片，然后按原笔记本最后一节的步骤：在测试集上计算 logits，取 logits 最大
# 的位置（argmax）作为预测的数字，再与标签比较。模型能正确识别 90% 以上的测试图片，比它在训练
# 图片上的表现差一些。在 1,000 张测试图片上测得的准确率本身也只精确到大约 ±1.5 个百分点；凡是
# 比较两个准确率的地方，我们都用这个误差范围。混淆矩阵告诉我们模型把哪些数字弄混了，错例图库
# 给出它对每个数字的概率，最后我们画出原笔记本的三张测试图片及其预测结果。

# %% [markdown]
# ## Setup · 准备
#
# The first cell makes the course's helpers importable: where `mnist_helpers` is missing (Colab,
# a fresh kernel) it installs the package with pip, elsewhere it does nothing. Importing
# `mnist_helpers` sets `TF_CPP_MIN_LOG_LEVEL=1` unless you set it yourself (TensorFlow's C++
# INFO lines hidden, its warnings and errors kept) and filters TensorFlow's known start-up lines
# while it loads. Offline (and in CI) `load_mnist()` gives the embedded sample: 4,000 training
# and 1,000 test digits; online, the full MNIST with its 10,000 official test digits.
#
# **中文：** 第一个单元格让课程的辅助函数可以导入：如果环境里没有 `mnist_helpers`（例如 Colab
# 或全新的内核），它会用 pip 安装这个包；已经安装时它什么也不做。导入 `mnist_helpers` 时，如果你
# 没有自己设置 `TF_CPP_MIN_LOG_LEVEL`，它会把它设为 1（隐藏 TensorFlow 的 C++ INFO 日志，保留
# 警告和错误），并在加载期间过滤掉 TensorFlow 已知的启动日志。离线时（以及在 CI 中）
# `load_mnist()` 返回自带样本：4,000 张训练图片和 1,000 张测试图片；联网时返回完整的 MNIST，
# 其中有 10,000 张官方测试图片。

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

import keras
import numpy as np
import tensorflow as tf

from mnist_helpers import (
    MnistDataError,
    build_model,
    confusion_matrix,
    evaluate,
    load_mnist,
    make_dataset,
    make_loss,
    make_train_step,
    normalize_images,
    plot_confusion_matrix,
    plot_history,
    plot_probabilities,
    predict_labels,
    predict_logits,
    train,
    train_epoch,
)

keras.utils.set_random_seed(0)  # The same initial weights and batches on every run.

# %%
(x_train_raw, y_train), (x_test_raw, y_test) = load_mnist()
print(f"train: {x_train_raw.shape}, test: {x_test_raw.shape}")
print(f"test digits per class: {np.bincount(y_test)}")

# %% [markdown]
# ## Train the model · 训练模型
#
# Chapter 4 in one call: the classroom notebook's model, its pipeline (buffer 1024, batch 64),
# five epochs.
#
# **中文：** 一次调用完成第 4 章的内容：原笔记本的模型和数据管道（缓冲区 1024，批大小 64），
# 训练 5 个 epoch。

# %% tags=["nbval-ignore-output"]
x_train = normalize_images(x_train_raw)
model = build_model(seed=0)
history = train(model, make_dataset(x_train, y_train, seed=0), epochs=5, progress=False)
print(f"last epoch: mean loss {history['loss'][-1]:.4f}, accuracy {history['accuracy'][-1]:.4f}")
figure = plot_history(history)

# %%
assert history["loss"][-1] < history["loss"][0] / 3

# %% [markdown]
# ### Calling `train` again does not continue · 再调用一次 `train` 并不是接着训练
#
# To train further, it is tempting to call `train(model, dataset, epochs=1)` once more. The
# second call starts from the weights the first one left, but not from where the training
# left off: `train` builds a new Adam at every call, whose moment estimates start again from
# zero and whose step count starts again from 0, so two calls of one epoch are not one call of
# two epochs. Three copies of one model on the slice of the first 4,000 training digits, with
# the same batches, show it: one call of two epochs; two calls of one epoch; and two epochs of
# chapter 4's `make_train_step` and `train_epoch`, which keep one Adam.
#
# **中文：** 想多训练几个 epoch 时，很容易想到再调用一次 `train(model, dataset, epochs=1)`。第二次
# 调用会从第一次留下的权重出发，但并不是从训练停下的地方接着走：`train` 每次调用都新建一个
# Adam，它的一阶、二阶矩估计重新从零开始，步数也重新从 0 开始，所以两次各一个 epoch 的调用并不
# 等于一次两个 epoch 的调用。用同一个模型的三个副本，在前 4,000 张训练图片的切片上、用同样的批次
# 就能看出来：一次调用训练两个 epoch；两次调用各训练一个 epoch；以及用第 4 章的
# `make_train_step` 和 `train_epoch` 训练两个 epoch，全程只用一个 Adam。

# %%
x_slice, y_slice = x_train[:4000], y_train[:4000]
one_call, two_calls, one_adam = (build_model(seed=0) for _ in range(3))
train(one_call, make_dataset(x_slice, y_slice, seed=0), epochs=2, progress=False)
two_calls_data = make_dataset(x_slice, y_slice, seed=0)
for _ in range(2):
    train(two_calls, two_calls_data, epochs=1, progress=False)
one_adam_accuracy = keras.metrics.SparseCategoricalAccuracy()
one_adam_step = make_train_step(one_adam, make_loss(), keras.optimizers.Adam(), one_adam_accuracy)
one_adam_data = make_dataset(x_slice, y_slice, seed=0)
for _ in range(2):
    train_epoch(one_adam_step, one_adam_data, one_adam_accuracy, progress=False)


def largest_difference(model_a: keras.Model, model_b: keras.Model) -> float:
    """The largest difference between two models' corresponding weights."""
    pairs = zip(model_a.get_weights(), model_b.get_weights(), strict=True)
    return max(float(np.abs(a - b).max()) for a, b in pairs)


difference_two_calls = largest_difference(one_call, two_calls)
difference_one_adam = largest_difference(one_call, one_adam)
print(f"one call vs two calls, largest weight difference: {difference_two_calls:.4f}")
print(f"one call vs one Adam kept, largest weight difference: {difference_one_adam:.2g}")

# %%
assert largest_difference(one_call, one_adam) < 1e-5, "the same batches, the same Adam"
assert largest_difference(one_call, two_calls) > 1e-3, "a new Adam at the second call"

# %% [markdown]
# Keeping one Adam gives the weights of one two-epoch call; a new Adam changes them. To train
# on, either call `train` once with all the epochs, or keep your own step and optimizer, as
# chapter 4 does (exercise 1 does that).
#
# **中文：** 只用一个 Adam，得到的权重与一次训练两个 epoch 的调用相同；换一个新的 Adam，权重就
# 不同了。要接着训练，要么一次调用 `train` 就给出全部 epoch，要么像第 4 章那样自己保留训练步和
# 优化器（练习 1 就是这样做的）。

# %% [markdown]
# ## Normalize the test set the same way · 用同样的方式归一化测试集
#
# The model learned from pixels scaled to [0, 1] and flattened to 784 values, so the test
# digits must be scaled and flattened the same way. The classroom notebook writes it out by
# hand; `normalize_images` (chapter 2) does exactly that:
#
# **中文：** 模型是在缩放到 [0, 1]、展平成 784 个值的像素上训练出来的，所以测试图片也必须用同样
# 的方式缩放和展平。原笔记本是手工写出这一步的；`normalize_images`（第 2 章）做的正是同一件事：

# %%
classroom_x_test = x_test_raw.reshape(len(x_test_raw), 784).astype("float32") / 255
x_test = normalize_images(x_test_raw)
print(f"same as the classroom notebook's: {np.array_equal(x_test, classroom_x_test)}")
print(f"{x_test.shape}, {x_test.dtype}, from {x_test.min()} to {x_test.max()}")

# %%
assert np.array_equal(x_test, classroom_x_test)

# %% [markdown]
# ## Logits on the test set · 测试集上的 logits
#
# The classroom notebook calls `model(x_test)` on all test digits at once; `predict_logits`
# does the same in batches of 1,024, so the full 10,000 MNIST test digits never have to pass
# through the model in one piece. One row per digit, one raw score (logit) per class:
#
# **中文：** 原笔记本一次性对所有测试图片调用 `model(x_test)`；`predict_logits` 做同样的事，但
# 每批 1,024 张，这样完整 MNIST 的 10,000 张测试图片不必一次性通过模型。每张图片一行，每个类别
# 一个原始分数（logit）：

# %%
logits_test = predict_logits(model, x_test)
print(logits_test.shape)

# %% tags=["nbval-ignore-output"]
print(f"logits of test digit 0:        {np.round(logits_test[0], 1)}")
probabilities_0 = tf.nn.softmax(logits_test[0]).numpy()
print(f"softmax, their probabilities: {np.round(probabilities_0, 3)}")

# %% [markdown]
# Softmax turns the logits into probabilities that sum to 1 without changing their order: the
# largest logit is also the most probable digit.
#
# **中文：** softmax 把 logits 变成和为 1 的概率，但不改变它们的大小顺序：logit 最大的类别，
# 概率也最大。

# %%
assert logits_test.shape == (len(x_test), 10)
assert np.isclose(probabilities_0.sum(), 1, atol=1e-5)
assert np.array_equal(np.argsort(probabilities_0), np.argsort(logits_test[0]))

# %% [markdown]
# ## Predictions: the argmax of the logits · 预测：logits 的 argmax
#
# The classroom notebook's `tf.argmax(logits_test[:10], axis=1)` picks, for each digit, the
# class with the largest logit. `predict_labels` does the same with NumPy for every test digit.
# The labels of the first ten test digits, then the model's predictions:
#
# **中文：** 原笔记本的 `tf.argmax(logits_test[:10], axis=1)` 为每张图片挑出 logit 最大的类别。
# `predict_labels` 用 NumPy 对每张测试图片做同样的事。下面先是前十张测试图片的标签，再是模型的
# 预测：

# %%
print(f"{'labels:':34} {y_test[:10]}")

# %% tags=["nbval-ignore-output"]
classroom_argmax = tf.argmax(logits_test[:10], axis=1).numpy()
print(f"{'argmax, as the classroom notebook:':34} {classroom_argmax}")
predictions = predict_labels(logits_test)
print(f"{'predictions:':34} {predictions[:10]}")
print(f"{'right:':34} {predictions[:10] == y_test[:10]}")

# %%
assert np.array_equal(tf.argmax(logits_test, axis=1).numpy(), predictions)
assert np.sum(predictions[:10] == y_test[:10]) >= 7

# %% [markdown]
# ## Test accuracy · 测试准确率
#
# The accuracy is the fraction of test digits whose prediction equals the label.
# `evaluate(model, images, labels)` computes the logits, the predictions, the accuracy and the
# confusion matrix in one call; from now on we use it. Measured on the training digits, the same
# model does better: the gap is what it learned about those particular digits rather than about
# handwriting in general.
#
# **中文：** 准确率就是预测等于标签的测试图片所占的比例。`evaluate(model, images, labels)` 一次
# 算出 logits、预测、准确率和混淆矩阵；从现在起我们就用它。在训练图片上测量，同一个模型的成绩
# 更好：这个差距是它记住的那些训练图片本身的特点，而不是手写数字的普遍规律。

# %% tags=["nbval-ignore-output"]
evaluation = evaluate(model, x_test, y_test)
train_accuracy = evaluate(model, x_train, y_train).accuracy
print(f"right: {np.sum(predictions == y_test)} of {len(y_test)}")
print(f"test accuracy:     {evaluation.accuracy:.3f}")
print(f"training accuracy: {train_accuracy:.3f}")

# %%
assert evaluation.accuracy == np.mean(predictions == y_test)
assert evaluation.accuracy >= 0.90

# %% [markdown]
# ### How precise is a test accuracy? · 测试准确率有多精确？
#
# The test digits are a sample of all the digits the model could meet, and another sample of
# the same size would give a slightly different accuracy. Each test digit is right or wrong, so
# the number right is binomial: for an accuracy p measured on n digits, the standard error is
# sqrt(p (1 - p) / n), and about 95% of such samples land within 1.96 standard errors of the true
# accuracy. On 1,000 digits and an accuracy near 95% that is about ±1.4 points; on MNIST's
# 10,000 official test digits about ±0.4. A bootstrap checks the formula: draw 1,000 digits from
# the test digits with replacement, 2,000 times, and see how far the accuracies spread.
#
# **中文：** 测试图片只是模型可能遇到的所有数字中的一个样本，换一个同样大小的样本，准确率会略有
# 不同。每张测试图片要么对、要么错，所以答对的个数服从二项分布：在 n 张图片上测得准确率 p 时，
# 标准误差是 sqrt(p (1 - p) / n)，大约 95% 的样本会落在真实准确率 ±1.96 个标准误差之内。在
# 1,000 张图片上、准确率约 95% 时，这大约是 ±1.4 个百分点；在 MNIST 官方的 10,000 张测试图片上
# 约为 ±0.4。用自助法（bootstrap）可以检验这个公式：从测试图片中有放回地抽取同样多张，重复
# 2,000 次，看准确率散开多远。

# %% tags=["nbval-ignore-output"]
def error_bar(accuracy: float, n: int) -> float:
    """Half the width of the 95% interval of an accuracy measured on n examples."""
    return 1.96 * math.sqrt(accuracy * (1 - accuracy) / n)


test_error_bar = error_bar(evaluation.accuracy, len(y_test))
right_or_wrong = (evaluation.predictions == y_test).astype(float)
resamples = np.random.default_rng(0).integers(0, len(y_test), size=(2000, len(y_test)))
bootstrap = right_or_wrong[resamples].mean(axis=1)
bootstrap_half_width = (np.percentile(bootstrap, 97.5) - np.percentile(bootstrap, 2.5)) / 2
print(f"test accuracy {evaluation.accuracy:.3f} ± {test_error_bar:.3f} (95%, formula)")
print(f"bootstrap: 95% of resampled accuracies within ± {bootstrap_half_width:.3f}")
train_test_gap = train_accuracy - evaluation.accuracy
print(f"training accuracy {train_accuracy:.3f}: above the test accuracy by {train_test_gap:.3f}")

# %%
assert abs(bootstrap_half_width - test_error_bar) < 0.15 * test_error_bar
assert train_accuracy - evaluation.accuracy > test_error_bar, "a real gap, not sampling noise"

# %% [markdown]
# So the test accuracy is known to within about the printed error bar, and two accuracies that
# differ by less than that may differ only by which digits happened to be in the test set. The
# training accuracy is above the test accuracy by more than that: the gap is real. The rest of
# this chapter and the next ones compare accuracies with this error bar in mind.
#
# **中文：** 所以测试准确率的精度大约就是上面打印的误差范围；两个准确率的差距如果比它还小，可能
# 只是因为测试集里碰巧是哪些图片。训练准确率比测试准确率高出的部分超过了这个范围：这个差距是
# 真实的。本章余下的部分和之后的章节，比较准确率时都要记住这个误差范围。
#
# Can this figure be compared with published MNIST results? Only online. Published results are
# measured on MNIST's official 10,000 test digits, which `load_mnist()` gives when it can reach
# or has cached the full MNIST. Offline, the test digits are the embedded sample's, and all
# 5,000 of the sample's digits come from MNIST's *training* set (see
# `mnist_helpers/sample/README.md`): its test split is a fair held-out set for this model, which
# never trained on those digits, so its accuracy compares between the chapters, but it is not
# the official test set, and its accuracy is not a published-style MNIST result.
#
# **中文：** 这个数字能和已发表的 MNIST 结果比较吗？只有联网时才可以。已发表的结果都是在 MNIST
# 官方的 10,000 张测试图片上测量的；当 `load_mnist()` 能下载或已经缓存了完整的 MNIST 时，它返回
# 的就是这些图片。离线时，测试图片来自自带样本，而样本的全部 5,000 张图片都取自 MNIST 的
# *训练集*（见 `mnist_helpers/sample/README.md`）：对这个模型来说，样本的测试部分是公平的留出集，
# 因为模型从未用这些图片训练过，所以它的准确率可以在各章之间比较；但它不是官方测试集，得到的
# 准确率也不能当作可与文献对比的 MNIST 结果。
#
# ### What if the test set is not normalized? · 如果测试集没有归一化会怎样？
#
# `evaluate` refuses raw pixels and says what to do:
#
# **中文：** `evaluate` 会拒绝原始像素，并说明应该怎么做：

# %%
try:
    evaluate(model, x_test_raw, y_test)
except MnistDataError as error:
    print(error)

# %% [markdown]
# Why so strict? [Chapter 2](02_normalization.ipynb) answers it, in "Q2, part 1: must `x_test`
# be normalized too?": fed raw pixels, 0 to 255 instead of 0 to 1, a model trained on
# normalized digits keeps most of its predictions, but its logits grow about 255 times, it
# becomes almost 100% sure of every answer, wrong ones included, and its test loss grows many
# times over. The accuracy alone would not warn you; the loss and the probabilities do.
#
# **中文：** 为什么这么严格？[第 2 章](02_normalization.ipynb)的“Q2 第一部分：`x_test` 也要
# 归一化吗？”回答了这个问题：输入原始像素（0 到 255，而不是 0 到 1）时，在归一化图片上训练的
# 模型大部分预测不变，但 logits 放大了约 255 倍，它对每个答案（包括错误的答案）的置信度都接近
# 100%，测试损失成倍增长。只看准确率发现不了这个问题，损失和概率才能发现。

# %% [markdown]
# ## The confusion matrix · 混淆矩阵
#
# Row = the true digit, column = the predicted digit, each cell a count of test digits. The
# diagonal holds the right answers; everything off it is a mistake, and where it sits says which
# digit was taken for which. Each row adds up to the number of test digits of its class.
#
# **中文：** 行是真实的数字，列是预测的数字，每个格子是测试图片的个数。对角线上是预测正确的个数；
# 对角线以外都是错误，它所在的位置说明哪个数字被认成了哪个。每一行的和就是该类别测试图片的个数。

# %%
figure = plot_confusion_matrix(evaluation.confusion)
print(f"row sums: {evaluation.confusion.sum(axis=1)}")

# %%
assert np.array_equal(evaluation.confusion.sum(axis=1), np.bincount(y_test, minlength=10))
assert np.array_equal(evaluation.confusion, confusion_matrix(y_test, evaluation.predictions))
assert np.trace(evaluation.confusion) == np.sum(evaluation.predictions == y_test)

# %% [markdown]
# Which pairs does the model confuse most often? With a few dozen mistakes spread over 90
# possible pairs, several pairs often share a count, so "the three most confused pairs" may not
# exist. The cell lists the pairs by count, and every pair tied with the third one with it:
#
# **中文：** 模型最常把哪几对数字弄混？几十个错误分散在 90 种可能的数字对上，经常有好几对的
# 次数相同，所以“最常弄混的三对”未必存在。下面的单元格按次数列出数字对，并把与第三名次数相同的
# 数字对全部列出：

# %% tags=["nbval-ignore-output"]
mistakes_by_pair = evaluation.confusion * (1 - np.eye(10, dtype=int))
third_count = np.sort(mistakes_by_pair, axis=None)[-3]
most_confused = sorted(
    (
        (int(count), true, predicted)
        for (true, predicted), count in np.ndenumerate(mistakes_by_pair)
        if count >= third_count
    ),
    key=lambda pair: -pair[0],  # most often first; ties stay in (true, predicted) order
)
for count, true_digit, predicted_digit in most_confused:
    print(f"{true_digit} read as {predicted_digit}: {count} times")

# %%
listed = {(true, predicted) for _, true, predicted in most_confused}
not_listed = [
    count
    for (true, predicted), count in np.ndenumerate(mistakes_by_pair)
    if (true, predicted) not in listed
]
assert len(most_confused) >= 3
assert min(count for count, _, _ in most_confused) > max(not_listed), "no tie left out"

# %% [markdown]
# These are the most confused pairs in this run. A count of a few mistakes is itself noisy: a
# pair one or two mistakes behind another is not confused less in any sense that another test
# set would confirm.
#
# **中文：** 这些是这次运行中最常被弄混的数字对。几次错误的计数本身就有很大的随机性：一对数字
# 比另一对少一两次错误，并不说明换一个测试集它也会被弄混得更少。
#
# ## The mistakes, with their probabilities · 错例及其概率
#
# Of the misclassified test digits, the top row shows the five mistakes the model was most
# confident of, the bottom row the five it was least confident of. Under each digit, the
# probability the model gave each class: the red bar is its answer, the blue bar the true digit.
#
# **中文：** 在被认错的测试图片中，第一行是模型置信度最高的五个错误，第二行是置信度最低的五个。
# 每张图片下面是模型给每个类别的概率：红色的柱子是它的答案，蓝色的柱子是真实的数字。

# %% tags=["nbval-ignore-output"]
wrong = np.flatnonzero(evaluation.predictions != y_test)
confidence = evaluation.probabilities.max(axis=1)
by_confidence = wrong[np.argsort(-confidence[wrong])]
shown = np.concatenate([by_confidence[:5], by_confidence[-5:]])
print(f"{len(wrong)} mistakes; shown: {shown}")
print(f"confidence of the shown mistakes: {np.round(confidence[shown], 2)}")
figure = plot_probabilities(x_test[shown], y_test[shown], evaluation.probabilities[shown])

# %%
assert np.all(evaluation.predictions[shown] != y_test[shown])
assert confidence[shown[:5]].min() > 0.9, "some mistakes are made with high confidence"

# %% [markdown]
# The model made some of its mistakes with more than 90% confidence, and some of those digits
# are hard to read even for a person. In the mistakes it made with low confidence, the true
# digit often got the second-highest probability. How often, over all mistakes? If the second
# choice were a guess among the nine other digits, it would be the true digit in one mistake of
# nine.
#
# **中文：** 模型有一些错误的置信度超过 90%，其中有些图片连人也很难认出来。在置信度低的错误中，
# 真实的数字常常得到第二高的概率。在所有错误中，这种情况有多常见？如果第二选择只是在其余九个
# 数字中随便猜一个，那么它是真实数字的情况只占九分之一。

# %% tags=["nbval-ignore-output"]
second_choice = np.argsort(evaluation.probabilities[wrong], axis=1)[:, -2]
right_second = int(np.sum(second_choice == y_test[wrong]))
print(f"the true digit was the second choice in {right_second} of {len(wrong)} mistakes")

# %%
assert right_second > len(wrong) / 3, "far more often than a guess among nine (1 in 9)"

# %% [markdown]
# ## The classroom notebook's three test digits · 原笔记本的三张测试图片
#
# The classroom notebook ends by plotting `x_test[0]`, `x_test[1]` and `x_test[2]`. Here they
# are with the model's probabilities. (In MNIST's official test set they are a 7, a 2 and a 1;
# the sample's test split starts with other digits.)
#
# **中文：** 原笔记本最后画出了 `x_test[0]`、`x_test[1]` 和 `x_test[2]`。下面是这三张图片，以及
# 模型给出的概率。（在 MNIST 的官方测试集中，它们是 7、2 和 1；样本的测试部分开头是别的数字。）

# %%
first_three = np.arange(3)
print(f"test digits {first_three}, labels {y_test[first_three]}")

# %% tags=["nbval-ignore-output"]
print(f"predictions {evaluation.predictions[first_three]}")
figure = plot_probabilities(
    x_test[first_three],
    y_test[first_three],
    evaluation.probabilities[first_three],
    ncols=3,
)

# %% [markdown]
# ## The classroom notebook's question, seen from the test set · 从测试集看原笔记本的问题
#
# > **Q2 (classroom notebook):** 只需要对 x_train 做归一化处理吗？
# > 这里做 x_train 的归一化会反映到 dataset 中去吗？如何确认？
# >
# > Is it enough to normalize `x_train` only? Is normalizing `x_train` here reflected in the
# > dataset? How can we check?
#
# Chapter 2 answers both halves, with the experiment. From the test set's side: **no,
# `x_test` must be normalized too, in exactly the same way** (divide by 255, flatten to 784),
# because the model's weights were fitted to inputs between 0 and 1. We checked that
# `normalize_images` gives the classroom notebook's `x_test` bit for bit, and the helpers refuse
# raw pixels with a message, because chapter 2 showed that raw pixels leave most predictions
# unchanged while they wreck the loss and the probabilities: a mistake the accuracy alone hides.
#
# **中文：** 第 2 章用实验回答了这两个问题。从测试集这一边看，答案是：**不够，`x_test` 也必须用
# 完全相同的方式归一化**（除以 255，展平成 784 维），因为模型的权重是在 0 到 1 之间的输入上训练
# 出来的。我们确认了 `normalize_images` 的结果与原笔记本的 `x_test` 逐位相同；辅助函数遇到原始
# 像素会直接报错并说明原因，因为第 2 章已经表明：原始像素让大多数预测保持不变，却毁掉了损失和
# 概率，只看准确率发现不了这个错误。
#
# ## Summary · 小结
#
# - Test digits go through the same preprocessing as training digits:
#   `normalize_images(x_test)`.
# - The model outputs logits; `argmax` gives the predicted digit, `softmax` the probabilities.
# - `evaluate` gives the test accuracy (over 90% here, printed above), the predictions and the
#   confusion matrix; the training accuracy is higher, by more than the error bar.
# - An accuracy measured on n test digits is known to about ±1.96 sqrt(p (1 - p) / n): about
#   ±1.4 points on 1,000 digits. Differences smaller than that are not evidence.
# - Offline, the sample's test digits come from MNIST's training set: compare that accuracy
#   between chapters, not with published results.
# - `train` builds a new Adam at every call: call it once with all the epochs, or keep your own
#   step and optimizer to train on.
# - The confusion matrix and the gallery of mistakes show *which* digits fail and how confident
#   the model was: more than a single accuracy number can. Counts of a few mistakes tie often
#   and are noisy.
#
# **中文：**
#
# - 测试图片必须与训练图片经过同样的预处理：`normalize_images(x_test)`。
# - 模型输出 logits；`argmax` 给出预测的数字，`softmax` 给出概率。
# - `evaluate` 给出测试准确率（这里超过 90%，确切数字见上文）、预测和混淆矩阵；训练准确率更高，
#   高出的部分超过误差范围。
# - 在 n 张测试图片上测得的准确率，精度约为 ±1.96 sqrt(p (1 - p) / n)：1,000 张图片时约 ±1.4
#   个百分点。比这更小的差距不能作为证据。
# - 离线时样本的测试图片取自 MNIST 的训练集：这个准确率只能在各章之间比较，不能与已发表的结果
#   比较。
# - `train` 每次调用都新建一个 Adam：要么一次调用给出全部 epoch，要么自己保留训练步和优化器接着
#   训练。
# - 混淆矩阵和错例图库显示了*哪些*数字出错、模型当时的置信度有多高，比单个准确率数字说明得更多。
#   只有几次错误的计数经常并列，而且随机性很大。
#
# ## Exercises · 练习
#
# 1. Train a fresh model on the first 4,000 training digits and measure its training and test
#    accuracy after 1, 3 and 10 epochs. Does the test accuracy keep up with the training
#    accuracy? (Train on with one step and optimizer, as chapter 4 does, not with three calls
#    of `train`.)
#
# **中文：** 在前 4,000 张训练图片上训练一个新模型，在第 1、3、10 个 epoch 之后分别测量它的训练
# 准确率和测试准确率。测试准确率能跟上训练准确率吗？（像第 4 章那样用同一个训练步和优化器接着
# 训练，而不是调用三次 `train`。）

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["solution", "hide-cell"]
# Solution 1: the training accuracy climbs to 100%, while the test accuracy gains less, and
# stays below it by more than the test accuracy's error bar: the gap widens as the model fits
# its training digits.
# 解答 1：训练准确率升到 100%，测试准确率的提高却少得多，并且比训练准确率低出的部分超过测试
# 准确率的误差范围：模型越贴合训练图片，两者的差距就越大。
few_model, few_data = build_model(seed=0), make_dataset(x_slice, y_slice, seed=0)
few_accuracy = keras.metrics.SparseCategoricalAccuracy()
few_step = make_train_step(few_model, make_loss(), keras.optimizers.Adam(), few_accuracy)
accuracy_after = {}
for epoch in range(1, 11):
    train_epoch(few_step, few_data, few_accuracy, progress=False)
    if epoch in (1, 3, 10):
        accuracy_after[epoch] = (
            evaluate(few_model, x_slice, y_slice).accuracy,
            evaluate(few_model, x_test, y_test).accuracy,
        )
gap = {epochs: train_acc - test_acc for epochs, (train_acc, test_acc) in accuracy_after.items()}
assert accuracy_after[10][0] > 0.99
assert gap[10] > gap[1] and gap[10] > error_bar(accuracy_after[10][1], len(y_test))

# %% [markdown]
# 2. Show the ten *correct* predictions the model was least confident of, with
#    `plot_probabilities`. Are they harder to read than the mistakes?
#
# **中文：** 用 `plot_probabilities` 画出模型置信度最低的十个*正确*预测。它们比错例更难认吗？

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["solution", "hide-cell"]
# Solution 2: among the right answers, sort by the probability of the answer and keep the
# lowest ten (call plot_probabilities on them to see them). The model gave each of them
# under 70%, less than it gives many of its mistakes: hard digits that came out right.
# 解答 2：在答对的图片中，按模型给答案的概率排序，取最低的十个（对它们调用 plot_probabilities
# 就能看到）。模型给它们每一个的概率都低于 70%，比它给许多错例的还低：这些是碰巧答对的难认
# 的数字。
right = np.flatnonzero(evaluation.predictions == y_test)
least_confident = right[np.argsort(confidence[right])[:10]]
assert np.all(evaluation.predictions[least_confident] == y_test[least_confident])
assert confidence[least_confident].max() < 0.7

# %% [markdown]
# 3. Shift every test digit 3 pixels to the right (`np.roll` on the 28 x 28 images) and evaluate
#    the model on the shifted digits. What happens to the accuracy, and why does a model that
#    reads 784 separate pixel values care where the digit sits?
#
# **中文：** 把每张测试图片向右平移 3 个像素（对 28 x 28 的图片使用 `np.roll`），在平移后的图片上
# 评估模型。准确率会怎样？一个把图片当作 784 个独立像素值来读的模型，为什么会在意数字的位置？

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["solution", "hide-cell"]
# Solution 3: each of the model's first-layer weights belongs to one pixel position, so a digit
# moved by 3 pixels lights up other inputs than the ones the model learned to read: the accuracy
# drops by far more than its error bar, although a person reads the shifted digit as easily.
# 解答 3：模型第一层的每个权重都对应一个固定的像素位置，数字平移 3 个像素后，亮起的是另一批输入，
# 而不是模型学会去读的那些：准确率的下降远远超过误差范围，尽管人读平移后的数字一样容易。
shifted_raw = np.roll(x_test_raw, 3, axis=2)  # 3 pixels to the right
shifted_accuracy = evaluate(model, normalize_images(shifted_raw), y_test).accuracy
assert evaluation.accuracy - shifted_accuracy > 3 * test_error_bar

# %% [markdown]
# 4. From the confusion matrix alone, compute for each digit the fraction of its test digits the
#    model got right (its recall). Which digit is the hardest here? How precise is a recall
#    measured on the test digits of one class only?
#
# **中文：** 只用混淆矩阵，算出每个数字的测试图片中被认对的比例（召回率）。在这里哪个数字最难？
# 只在一个类别的测试图片上测得的召回率，精度有多高？

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["solution", "hide-cell"]
# Solution 4: the diagonal counts the right answers of each row's digit, and the row sum counts
# that digit's test digits, so their ratio is the recall. The hardest digits are those with the
# lowest recall, ties included. A class holds a tenth of the test digits, so its recall is known
# about three times less precisely than the accuracy (about ±6 points on the sample's 100 digits
# per class): the digits near the bottom can hardly be ranked.
# 解答 4：对角线是每一行对应数字答对的个数，行的和是该数字测试图片的个数，两者之比就是召回率。
# 召回率最低的数字（包括并列的）就是最难的。一个类别只有十分之一的测试图片，所以召回率的精度
# 比准确率差大约三倍（在样本每类 100 张图片上约为 ±6 个百分点）：排在末尾的几个数字很难排出先后。
class_sizes = evaluation.confusion.sum(axis=1)
recall = np.diag(evaluation.confusion) / class_sizes
hardest = np.flatnonzero(recall == recall.min())  # every digit tied at the lowest recall
right_per_digit = [np.mean(evaluation.predictions[y_test == d] == d) for d in range(10)]
assert np.allclose(recall, right_per_digit)
assert error_bar(recall.min(), class_sizes[hardest[0]]) > 2 * test_error_bar
