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
# **You measure the trained model on 1,000 test digits it has never seen (about 94% right), see
# which digits it confuses, and look at its mistakes with the probabilities it gave them.**
#
# ## Overview · 概述
#
# We train the seed's model for five epochs (chapter 4, in one call), normalize the test digits
# exactly as the training digits were normalized, and follow the seed's last section: logits on
# the test set, the predicted digit as the argmax of the logits, compared with the labels. The
# model reads about **94% of the 1,000 test digits** of the sample correctly, against about 99%
# of the digits it trained on. The confusion matrix shows which digits it confuses, a gallery
# shows its mistakes with the probabilities it gave each digit, and we end with the seed's three
# test digits and their predictions.
#
# 我们用第 4 章的方法训练原笔记本的模型 5 个 epoch，用与训练集完全相同的方式归一化测试集，
# 然后按原笔记本最后一节的步骤：在测试集上计算 logits，
# 取 logits 最大的位置（argmax）作为预测的数字，再与标签比较。
# 模型能正确识别样本中 1,000 张测试图片的**约 94%**（训练图片约 99%）。
# 混淆矩阵告诉我们它把哪些数字弄混了，错例图库给出它对每个数字的概率，
# 最后画出原笔记本的三张测试图片及其预测结果。

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
    confusion_matrix,
    evaluate,
    load_mnist,
    make_dataset,
    make_loss,
    normalize_images,
    plot_confusion_matrix,
    plot_history,
    plot_probabilities,
    predict_labels,
    predict_logits,
    train,
)

keras.utils.set_random_seed(0)  # The same initial weights and batches on every run.

# %%
(x_train_raw, y_train), (x_test_raw, y_test) = load_mnist()
print(f"train: {x_train_raw.shape}, test: {x_test_raw.shape}")
print(f"test digits per class: {np.bincount(y_test)}")

# %% [markdown]
# ## Train the model · 训练模型
#
# Chapter 4 in one call: the seed's model, its pipeline (buffer 1024, batch 64), five epochs.

# %% tags=["nbval-ignore-output"]
x_train = normalize_images(x_train_raw)
model = build_model(seed=0)
history = train(model, make_dataset(x_train, y_train, seed=0), epochs=5, progress=False)
print(f"last epoch: mean loss {history['loss'][-1]:.4f}, accuracy {history['accuracy'][-1]:.4f}")
figure = plot_history(history)

# %%
assert history["loss"][-1] < history["loss"][0]

# %% [markdown]
# ## Normalize the test set the same way · 用同样的方式归一化测试集
#
# The model learned from pixels scaled to [0, 1] and flattened to 784 values, so the test
# digits must be scaled and flattened the same way. The seed writes it out by hand;
# `normalize_images` (chapter 2) does exactly that:
#
# 模型是在缩放到 [0, 1]、展平成 784 维的像素上训练的，所以测试图片必须用同样的方式处理。

# %%
seed_x_test = x_test_raw.reshape(len(x_test_raw), 784).astype("float32") / 255  # the seed's way
x_test = normalize_images(x_test_raw)
print(f"same as the seed's: {np.array_equal(x_test, seed_x_test)}")
print(f"{x_test.shape}, {x_test.dtype}, from {x_test.min()} to {x_test.max()}")

# %% [markdown]
# ## Logits on the test set · 测试集上的 logits
#
# The seed calls `model(x_test)` on all test digits at once; `predict_logits` does the same in
# batches of 1,024, so the full 10,000 MNIST test digits never have to pass through the model
# in one piece. One row per digit, one raw score (logit) per class:
#
# 每张图片一行，每个类别一个原始分数（logit）：

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
# softmax 把 logits 变成和为 1 的概率，但不改变大小顺序：logit 最大的类别概率也最大。

# %%
assert np.isclose(probabilities_0.sum(), 1, atol=1e-5)
assert np.argmax(probabilities_0) == np.argmax(logits_test[0])

# %% [markdown]
# ## Predictions: the argmax of the logits · 预测：logits 的 argmax
#
# The seed's `tf.argmax(logits_test[:10], axis=1)` picks, for each digit, the class with the
# largest logit. `predict_labels` does the same with NumPy for every test digit. The labels of
# the first ten test digits, then the model's predictions:

# %%
print(f"labels:        {y_test[:10]}")

# %% tags=["nbval-ignore-output"]
print(f"seed's argmax: {tf.argmax(logits_test[:10], axis=1).numpy()}")
predictions = predict_labels(logits_test)
print(f"predictions:   {predictions[:10]}")
print(f"right:         {predictions[:10] == y_test[:10]}")

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
# 准确率就是预测等于标签的测试图片所占的比例。`evaluate` 一次算出 logits、预测、准确率和混淆矩阵。
# 同一个模型在训练图片上的准确率更高：
# 这个差距是它记住的那些训练图片的特点，而不是手写数字的普遍规律。

# %% tags=["nbval-ignore-output"]
evaluation = evaluate(model, x_test, y_test)
train_accuracy = evaluate(model, x_train, y_train).accuracy
print(f"right: {np.sum(predictions == y_test)} of {len(y_test)}")
print(f"test accuracy:     {evaluation.accuracy:.3f}")
print(f"training accuracy: {train_accuracy:.3f}")

# %%
assert evaluation.accuracy == np.mean(predictions == y_test)
assert evaluation.accuracy >= 0.90
assert train_accuracy > evaluation.accuracy

# %% [markdown]
# ### What if the test set is not normalized? · 如果测试集没有归一化会怎样？
#
# `evaluate` refuses raw pixels and says what to do:

# %%
try:
    evaluate(model, x_test_raw, y_test)
except MnistDataError as error:
    print(error)

# %% [markdown]
# Why so strict? Call the model directly on the raw pixels, 0 to 255 instead of 0 to 1:

# %% tags=["nbval-ignore-output"]
raw_logits = model.predict(x_test_raw.reshape(len(x_test_raw), 784).astype("float32"), verbose=0)
loss = make_loss()
for name, logits in (("normalized", logits_test), ("raw pixels", raw_logits)):
    confidence = tf.nn.softmax(logits).numpy().max(axis=1)
    print(
        f"{name}: largest logit {np.abs(logits).max():6.1f}, "
        f"test loss {float(loss(y_test, logits)):6.3f}, "
        f"mean confidence {confidence.mean():.3f}, "
        f"accuracy {np.mean(predict_labels(logits) == y_test):.3f}"
    )

# %%
assert float(loss(y_test, raw_logits)) > 10 * float(loss(y_test, logits_test))
assert tf.nn.softmax(raw_logits).numpy().max(axis=1).mean() > 0.99

# %% [markdown]
# The logits grow about 255 times, the model becomes almost 100% sure of every answer, wrong
# ones included, and the test loss explodes. The accuracy hardly moves, by luck: a network of
# ReLU layers with small biases nearly scales its logits with its input, which keeps the argmax.
# The accuracy alone would not have warned us; the loss and the probabilities do.
#
# logits 变大了约 255 倍，模型对每个答案（包括错误的）都几乎 100% 确信，测试损失暴涨。
# 准确率几乎没变，只是运气：ReLU 网络的偏置很小时，输出几乎随输入等比例放大，argmax 不变。
# 只看准确率发现不了这个问题，损失和概率才能。

# %% [markdown]
# ## The confusion matrix · 混淆矩阵
#
# Row = the true digit, column = the predicted digit, each cell a count of test digits. The
# diagonal holds the right answers; everything off it is a mistake, and where it sits says which
# digit was taken for which. Each row adds up to the 100 test digits of its class.
#
# 行是真实数字，列是预测数字。对角线上是预测正确的个数，对角线以外都是错误，
# 它的位置说明哪个数字被认成了哪个。每一行的和是该类别的 100 张测试图片。

# %%
figure = plot_confusion_matrix(evaluation.confusion)
print(f"row sums: {evaluation.confusion.sum(axis=1)}")

# %% tags=["nbval-ignore-output"]
mistakes_by_pair = evaluation.confusion * (1 - np.eye(10, dtype=int))
for flat_index in np.argsort(mistakes_by_pair, axis=None)[::-1][:3]:
    true_digit, predicted_digit = np.unravel_index(flat_index, mistakes_by_pair.shape)
    count = mistakes_by_pair[true_digit, predicted_digit]
    print(f"{true_digit} read as {predicted_digit}: {count} times")

# %%
assert np.array_equal(evaluation.confusion, confusion_matrix(y_test, evaluation.predictions))
assert np.trace(evaluation.confusion) == np.sum(evaluation.predictions == y_test)

# %% [markdown]
# ## The mistakes, with their probabilities · 错例及其概率
#
# Of the misclassified test digits, the top row shows the five mistakes the model was most sure
# of, the bottom row the five it was least sure of. Under each digit, the probability the model
# gave each class: the red bar is its answer, the blue bar the true digit.
#
# 被认错的测试图片中，第一行是模型最有把握的五个错误，第二行是最没把握的五个。
# 每张图片下面是模型给每个类别的概率：红色是它的答案，蓝色是真实的数字。

# %% tags=["nbval-ignore-output"]
wrong = np.flatnonzero(evaluation.predictions != y_test)
confidence = evaluation.probabilities.max(axis=1)
by_confidence = wrong[np.argsort(-confidence[wrong])]
shown = np.concatenate([by_confidence[:5], by_confidence[-5:]])
print(f"{len(wrong)} mistakes; shown: {shown}")
figure = plot_probabilities(x_test[shown], y_test[shown], evaluation.probabilities[shown])

# %%
assert len(wrong) == round((1 - evaluation.accuracy) * len(y_test))
assert np.all(evaluation.predictions[shown] != y_test[shown])
assert confidence[shown[:5]].min() >= confidence[shown[5:]].max()

# %% [markdown]
# Some of the confident mistakes are hard to read even for a person. In the unsure ones the
# true digit often got the second-highest probability. How often, over all mistakes?
#
# 有些很有把握的错误，人也很难认出来；没把握的错误中，真实数字常常是概率第二高的。

# %% tags=["nbval-ignore-output"]
second_choice = np.argsort(evaluation.probabilities[wrong], axis=1)[:, -2]
right_second = np.sum(second_choice == y_test[wrong])
print(f"the true digit was the second choice in {right_second} of {len(wrong)} mistakes")

# %% [markdown]
# ## The seed's three test digits · 原笔记本的三张测试图片
#
# The seed ends by plotting `x_test[0]`, `x_test[1]` and `x_test[2]`. Here they are with the
# model's probabilities. (With the full MNIST they are a 7, a 2 and a 1; the sample's test split
# starts with other digits.)

# %%
seed_digits = np.arange(3)
print(f"test digits {seed_digits}, labels {y_test[seed_digits]}")

# %% tags=["nbval-ignore-output"]
print(f"predictions {evaluation.predictions[seed_digits]}")
figure = plot_probabilities(
    x_test[seed_digits],
    y_test[seed_digits],
    evaluation.probabilities[seed_digits],
    ncols=3,
)

# %% [markdown]
# ## The seed's question, seen from the test set · 从测试集看原笔记本的问题
#
# > **Q2 (seed):** 只需要对 x_train 做归一化处理吗？
# > 这里做 x_train 的归一化会反映到 dataset 中去吗？如何确认？
# >
# > Is it enough to normalize `x_train` only? Is normalizing `x_train` here reflected in the
# > dataset? How can we check?
#
# Chapter 2 answers the dataset half. The test half: **no, `x_test` must be normalized too, in
# exactly the same way** (divide by 255, flatten to 784), because the model's weights were
# fitted to inputs between 0 and 1. We checked that `normalize_images` gives the seed's
# `x_test` bit for bit. Fed raw pixels, the model produced logits about 255 times larger, was
# almost 100% sure of every answer and its test loss went from about 0.2 to about 30; its
# accuracy barely changed, which is exactly why the mistake is easy to miss. The helpers refuse
# raw pixels with a message instead.
#
# 第 2 章回答了 dataset 那一半。测试集这一半的答案是：
# **不够，`x_test` 也必须用完全相同的方式归一化**（除以 255，展平成 784 维），
# 因为模型的权重是在 0 到 1 之间的输入上训练出来的。
# 我们确认了 `normalize_images` 的结果与原笔记本的 `x_test` 逐位相同。
# 直接输入原始像素时，logits 大了约 255 倍，
# 模型对每个答案都几乎 100% 确信，测试损失从约 0.2 涨到约 30；准确率却几乎不变，
# 所以这个错误很容易被忽略。辅助函数遇到原始像素会直接报错并说明原因。
#
# ## Summary · 小结
#
# - Test digits go through the same preprocessing as training digits:
#   `normalize_images(x_test)`. 测试集必须与训练集用同样的预处理。
# - The model outputs logits; `argmax` gives the predicted digit, `softmax` the probabilities.
#   模型输出 logits；argmax 给出预测的数字，softmax 给出概率。
# - `evaluate` gives the test accuracy (about 94% here, trained on 4,000 digits), the predictions
#   and the confusion matrix; the training accuracy is higher, and the gap is what did not
#   generalize. 测试准确率约 94%，低于训练准确率。
# - The confusion matrix and the gallery of mistakes show *which* digits fail and how sure the
#   model was: more than a single accuracy number can.
#   混淆矩阵和错例图库比一个准确率数字说明得更多。
#
# ## Exercises · 练习
#
# 1. Train for 1, 3, 10 and 20 epochs and print the training and test accuracy after each. When
#    does the test accuracy stop improving while the training accuracy still rises?
#    分别训练 1、3、10、20 个 epoch，比较训练准确率和测试准确率：
#    测试准确率什么时候不再提高？
# 2. Show the ten *correct* predictions the model was least sure of, with `plot_probabilities`.
#    Are they harder to read than the mistakes? 画出模型最没把握的十个正确预测。
# 3. Online, with `load_mnist("keras")` (60,000 training digits), run this chapter again. How do
#    the test accuracy and the confusion matrix change?
#    用完整的 MNIST 重新运行本章，结果有什么变化？
