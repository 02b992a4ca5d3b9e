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
# print the exact figure), see which digits it confuses, and look at its mistakes with the
# probabilities it gave them.**
#
# **你将在模型从未见过的测试图片上衡量训练好的模型（正确率超过 90%，确切数字由单元格打印出来），
# 看看它把哪些数字弄混了，并结合它给出的概率查看它犯的错误。**
#
# ## Overview · 概述
#
# We train the classroom notebook's model for five epochs (chapter 4, in one call), normalize
# the test digits exactly as the training digits were normalized, and follow the classroom
# notebook's last section: logits on the test set, the predicted digit as the argmax of the
# logits, compared with the labels. The model reads over 90% of the test digits correctly, less
# than on the digits it trained on. The confusion matrix shows which digits it confuses, a
# gallery shows its mistakes with the probabilities it gave each digit, and we end with the
# classroom notebook's three test digits and their predictions.
#
# 我们用第 4 章的方法（一次调用）把原笔记本的模型训练 5 个 epoch，用与训练图片完全相同的方式归一化
# 测试图片，然后按原笔记本最后一节的步骤：在测试集上计算 logits，取 logits 最大的位置（argmax）作为
# 预测的数字，再与标签比较。模型能正确识别 90% 以上的测试图片，比它在训练图片上的表现差一些。
# 混淆矩阵告诉我们它把哪些数字弄混了，错例图库给出它对每个数字的概率，最后我们画出原笔记本的
# 三张测试图片及其预测结果。

# %% [markdown]
# ## Setup · 准备
#
# The first cell makes the course's helpers importable: where `mnist_helpers` is missing (Colab,
# a fresh kernel) it installs the package with pip, elsewhere it does nothing. It imports
# `mnist_helpers` before TensorFlow, so that TensorFlow's C++ start-up log lines stay out of the
# notebook. Offline (and in CI) `load_mnist()` gives the embedded sample: 4,000 training and
# 1,000 test digits; online, the full MNIST with its 10,000 official test digits.
#
# 第一个单元格让课程的辅助函数可以导入：如果环境里没有 `mnist_helpers`（例如 Colab 或全新的
# 内核），它会用 pip 安装这个包；已经安装时它什么也不做。它在 TensorFlow 之前导入
# `mnist_helpers`，这样 TensorFlow 在 C++ 层启动时打印的日志就不会出现在笔记本里。离线时（以及在
# CI 中）`load_mnist()` 返回内置的样本：4,000 张训练图片和 1,000 张测试图片；联网时返回完整的
# MNIST，其中有 10,000 张官方测试图片。

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
# Chapter 4 in one call: the classroom notebook's model, its pipeline (buffer 1024, batch 64),
# five epochs.
#
# 一次调用完成第 4 章的内容：原笔记本的模型和数据管道（缓冲区 1024，批大小 64），训练 5 个 epoch。

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
# digits must be scaled and flattened the same way. The classroom notebook writes it out by
# hand; `normalize_images` (chapter 2) does exactly that:
#
# 模型是在缩放到 [0, 1]、展平成 784 个值的像素上训练出来的，所以测试图片也必须用同样的方式缩放和
# 展平。原笔记本是手工写出这一步的；`normalize_images`（第 2 章）做的正是同一件事：

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
# 原笔记本一次性对所有测试图片调用 `model(x_test)`；`predict_logits` 做同样的事，但每批 1,024 张，
# 这样完整 MNIST 的 10,000 张测试图片不必一次性通过模型。每张图片一行，每个类别一个原始分数
# （logit）：

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
# softmax 把 logits 变成和为 1 的概率，但不改变它们的大小顺序：logit 最大的类别，概率也最大。

# %%
assert logits_test.shape == (len(x_test), 10)
assert np.isclose(probabilities_0.sum(), 1, atol=1e-5)
assert np.argmax(probabilities_0) == np.argmax(logits_test[0])

# %% [markdown]
# ## Predictions: the argmax of the logits · 预测：logits 的 argmax
#
# The classroom notebook's `tf.argmax(logits_test[:10], axis=1)` picks, for each digit, the
# class with the largest logit. `predict_labels` does the same with NumPy for every test digit.
# The labels of the first ten test digits, then the model's predictions:
#
# 原笔记本的 `tf.argmax(logits_test[:10], axis=1)` 为每张图片挑出 logit 最大的类别。
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
# 准确率就是预测等于标签的测试图片所占的比例。`evaluate(model, images, labels)` 一次算出 logits、
# 预测、准确率和混淆矩阵；从现在起我们就用它。在训练图片上测量，同一个模型的成绩更好：这个差距是
# 它记住的那些训练图片本身的特点，而不是手写数字的普遍规律。

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
# Can this figure be compared with published MNIST results? Only online. Published results are
# measured on MNIST's official 10,000 test digits, which `load_mnist()` gives when it can reach
# or has cached the full MNIST. Offline, the test digits are the embedded sample's, and all
# 5,000 of the sample's digits come from MNIST's *training* set (see
# `mnist_helpers/sample/README.md`): its test split is a fair held-out set for this model, which
# never trained on those digits, so its accuracy compares between the chapters, but it is not
# the official test set, and its accuracy is not a published-style MNIST result.
#
# 这个数字能和已发表的 MNIST 结果比较吗？只有联网时才可以。已发表的结果都是在 MNIST 官方的 10,000
# 张测试图片上测量的；当 `load_mnist()` 能下载或已经缓存了完整的 MNIST 时，它返回的就是这些图片。
# 离线时，测试图片来自内置样本，而样本的全部 5,000 张图片都取自 MNIST 的*训练集*（见
# `mnist_helpers/sample/README.md`）：对这个模型来说，样本的测试部分是公平的留出集，因为模型从未用
# 这些图片训练过，所以它的准确率可以在各章之间比较；但它不是官方测试集，得到的准确率也不能当作
# 可与文献对比的 MNIST 结果。
#
# ### What if the test set is not normalized? · 如果测试集没有归一化会怎样？
#
# `evaluate` refuses raw pixels and says what to do:
#
# `evaluate` 会拒绝原始像素，并说明应该怎么做：

# %%
try:
    evaluate(model, x_test_raw, y_test)
except MnistDataError as error:
    print(error)

# %% [markdown]
# Why so strict? Call the model directly on the raw pixels, 0 to 255 instead of 0 to 1:
#
# 为什么这么严格？直接在原始像素（0 到 255，而不是 0 到 1）上调用模型看看：

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
# The factor that best maps the normalized logits onto the raw ones (least squares).
scale = np.sum(raw_logits * logits_test) / np.sum(logits_test**2)
same_prediction = np.mean(predict_labels(raw_logits) == predictions)
print(f"raw logits ≈ {scale:.1f} x normalized logits; same prediction for {same_prediction:.1%}")

# %%
assert float(loss(y_test, raw_logits)) > 10 * float(loss(y_test, logits_test))
assert tf.nn.softmax(raw_logits).numpy().max(axis=1).mean() > 0.99
assert abs(scale - 255) < 0.1 * 255
assert same_prediction > 0.95

# %% [markdown]
# The logits grow about 255 times, the model becomes almost 100% sure of every answer, wrong
# ones included, and the test loss explodes. Yet the predictions hardly change, and that is not
# luck but a property of this model, the one chapter 2 demonstrates: ReLU layers are
# positively homogeneous, relu(255 z) = 255 relu(z), so multiplying the input by 255 multiplies
# every weighted sum by 255, and only the biases, which are not multiplied, break the exact
# proportion. Next to inputs of 0 to 255 the biases are small, so the logits come out nearly 255
# times the normalized ones (the factor above) and their argmax, the prediction, stays the same
# for almost every digit. Chapter 2 checks both steps: ReLU itself, then the trained model with
# its biases set to zero, whose logits on raw pixels are exactly 255 times those on normalized
# ones. The accuracy alone would not have warned us; the loss and the probabilities do.
#
# logits 放大了约 255 倍，模型对每个答案（包括错误的答案）都几乎 100% 确信，测试损失暴涨。然而
# 预测几乎没变；这不是运气，而是这个模型的性质，第 2 章给出了证据：ReLU 层是正齐次的，
# relu(255 z) = 255 relu(z)，所以输入乘以 255，每个加权和也都乘以 255，只有不会被乘上的偏置打破了
# 这个精确的比例。与 0 到 255 的输入相比，偏置很小，所以 logits 几乎正好是归一化时的 255 倍（见上面
# 打印的系数），它们的 argmax，也就是预测，对几乎每张图片都保持不变。第 2 章把两步都检查了：
# 先是 ReLU 本身，再是把偏置设为零的训练好的模型，它在原始像素上的 logits 正好是归一化像素上的
# 255 倍。只看准确率发现不了这个问题，损失和概率才能发现。

# %% [markdown]
# ## The confusion matrix · 混淆矩阵
#
# Row = the true digit, column = the predicted digit, each cell a count of test digits. The
# diagonal holds the right answers; everything off it is a mistake, and where it sits says which
# digit was taken for which. Each row adds up to the number of test digits of its class.
#
# 行是真实的数字，列是预测的数字，每个格子是测试图片的个数。对角线上是预测正确的个数；对角线以外
# 都是错误，它所在的位置说明哪个数字被认成了哪个。每一行的和就是该类别测试图片的个数。

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
assert np.array_equal(evaluation.confusion.sum(axis=1), np.bincount(y_test, minlength=10))
assert np.array_equal(evaluation.confusion, confusion_matrix(y_test, evaluation.predictions))
assert np.trace(evaluation.confusion) == np.sum(evaluation.predictions == y_test)

# %% [markdown]
# The three lines above are the digit pairs the model confuses most often in this run.
#
# 上面三行是这次运行中模型最常弄混的三对数字。
#
# ## The mistakes, with their probabilities · 错例及其概率
#
# Of the misclassified test digits, the top row shows the five mistakes the model was most sure
# of, the bottom row the five it was least sure of. Under each digit, the probability the model
# gave each class: the red bar is its answer, the blue bar the true digit.
#
# 在被认错的测试图片中，第一行是模型最有把握的五个错误，第二行是最没把握的五个。每张图片下面是
# 模型给每个类别的概率：红色的柱子是它的答案，蓝色的柱子是真实的数字。

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
# 有些很有把握的错误，连人也很难认出来。在没把握的错误中，真实的数字常常得到第二高的概率。在所有
# 错误中，这种情况有多常见？

# %% tags=["nbval-ignore-output"]
second_choice = np.argsort(evaluation.probabilities[wrong], axis=1)[:, -2]
right_second = np.sum(second_choice == y_test[wrong])
print(f"the true digit was the second choice in {right_second} of {len(wrong)} mistakes")

# %%
assert 0 <= right_second <= len(wrong)
assert np.all(second_choice != evaluation.predictions[wrong])

# %% [markdown]
# ## The classroom notebook's three test digits · 原笔记本的三张测试图片
#
# The classroom notebook ends by plotting `x_test[0]`, `x_test[1]` and `x_test[2]`. Here they
# are with the model's probabilities. (In MNIST's official test set they are a 7, a 2 and a 1;
# the sample's test split starts with other digits.)
#
# 原笔记本最后画出了 `x_test[0]`、`x_test[1]` 和 `x_test[2]`。下面是这三张图片，以及模型给出的概率。
# （在 MNIST 的官方测试集中，它们是 7、2 和 1；样本的测试部分开头是别的数字。）

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
# Chapter 2 answers the dataset half. The test half: **no, `x_test` must be normalized too, in
# exactly the same way** (divide by 255, flatten to 784), because the model's weights were
# fitted to inputs between 0 and 1. We checked that `normalize_images` gives the classroom
# notebook's `x_test` bit for bit. Fed raw pixels, the model produced logits about 255 times
# larger, was almost 100% sure of every answer, and its test loss grew more than tenfold (the
# cell prints both losses); its predictions barely changed, because ReLU layers scale with their
# input and only the small biases do not, which is exactly why the mistake is easy to miss. The
# helpers refuse raw pixels with a message instead.
#
# 第 2 章回答了 dataset 那一半。测试集这一半的答案是：**不够，`x_test` 也必须用完全相同的方式归一化**
# （除以 255，展平成 784 维），因为模型的权重是在 0 到 1 之间的输入上训练出来的。我们确认了
# `normalize_images` 的结果与原笔记本的 `x_test` 逐位相同。直接输入原始像素时，logits 放大了约
# 255 倍，模型对每个答案都几乎 100% 确信，测试损失涨了十倍以上（单元格打印了两个损失值）；预测却
# 几乎不变，因为 ReLU 层的输出随输入等比例放大，只有很小的偏置不随之放大，这正是这个错误很容易被
# 忽略的原因。辅助函数遇到原始像素会直接报错并说明原因。
#
# ## Summary · 小结
#
# - Test digits go through the same preprocessing as training digits:
#   `normalize_images(x_test)`. 测试图片必须与训练图片经过同样的预处理：
#   `normalize_images(x_test)`。
# - The model outputs logits; `argmax` gives the predicted digit, `softmax` the probabilities.
#   模型输出 logits；`argmax` 给出预测的数字，`softmax` 给出概率。
# - `evaluate` gives the test accuracy (over 90% here, printed above), the predictions and the
#   confusion matrix; the training accuracy is higher, and the gap is what did not generalize.
#   Offline, the sample's test digits come from MNIST's training set: compare that accuracy
#   between chapters, not with published results. `evaluate` 给出测试准确率（这里超过 90%，
#   确切数字见上文）、预测和混淆矩阵；训练准确率更高，差距就是没能推广的部分。离线时样本的测试
#   图片取自 MNIST 的训练集：这个准确率只能在各章之间比较，不能与已发表的结果比较。
# - Raw pixels keep most predictions (ReLU layers scale with their input) but wreck the loss and
#   the probabilities: check all three, not the accuracy alone. 原始像素让大多数预测保持不变
#   （ReLU 层随输入等比例放大），却毁掉了损失和概率：三者都要看，不能只看准确率。
# - The confusion matrix and the gallery of mistakes show *which* digits fail and how sure the
#   model was: more than a single accuracy number can. 混淆矩阵和错例图库显示了*哪些*数字出错、
#   模型当时有多大把握，比单个准确率数字说明得更多。
#
# ## Exercises · 练习
#
# 1. Train a fresh model on the first 4,000 training digits and print its training and test
#    accuracy after 1, 3 and 10 epochs. Does the test accuracy keep up with the training
#    accuracy? 在前 4,000 张训练图片上训练一个新模型，在第 1、3、10 个 epoch 之后分别打印它的训练
#    准确率和测试准确率。测试准确率能跟上训练准确率吗？

# %% tags=["solution", "hide-cell", "nbval-ignore-output"] jupyter={"source_hidden": true, "outputs_hidden": true}
# Solution 1: the training accuracy keeps rising towards 100%, while the test accuracy gains
# less and less: the gap between them widens as the model fits its training digits.
# 解答 1：训练准确率一直向 100% 上升，测试准确率的提高却越来越少：模型越贴合训练图片，两者的
# 差距就越大。
x_few, y_few = x_train[:4000], y_train[:4000]
few_model, few_data = build_model(seed=0), make_dataset(x_few, y_few, seed=0)
accuracy_after, epochs_done = {}, 0
for epochs in (1, 3, 10):
    train(few_model, few_data, epochs=epochs - epochs_done, progress=False)  # on to `epochs`
    epochs_done = epochs
    accuracy_after[epochs] = (
        evaluate(few_model, x_few, y_few).accuracy,
        evaluate(few_model, x_test, y_test).accuracy,
    )
    train_acc, test_acc = accuracy_after[epochs]
    print(f"{epochs:2} epochs: training accuracy {train_acc:.3f}, test accuracy {test_acc:.3f}")
gap = {epochs: train_acc - test_acc for epochs, (train_acc, test_acc) in accuracy_after.items()}
assert accuracy_after[10][1] > accuracy_after[1][1]
assert gap[10] > gap[1]

# %% [markdown]
# 2. Show the ten *correct* predictions the model was least sure of, with `plot_probabilities`.
#    Are they harder to read than the mistakes? 用 `plot_probabilities` 画出模型最没把握的十个
#    *正确*预测。它们比错例更难认吗？

# %% tags=["solution", "hide-cell", "nbval-ignore-output"] jupyter={"source_hidden": true, "outputs_hidden": true}
# Solution 2: among the right answers, sort by the probability of the answer and keep the
# lowest ten; several of them had a close second choice.
# 解答 2：在答对的图片中，按模型给答案的概率排序，取最低的十个；其中好几个的第二选择与第一选择
# 相差不大。
right = np.flatnonzero(evaluation.predictions == y_test)
least_sure = right[np.argsort(confidence[right])[:10]]
figure = plot_probabilities(
    x_test[least_sure], y_test[least_sure], evaluation.probabilities[least_sure]
)
others = np.setdiff1d(right, least_sure)
assert np.all(evaluation.predictions[least_sure] == y_test[least_sure])
assert confidence[least_sure].max() <= confidence[others].min()

# %% [markdown]
# 3. Shift every test digit 3 pixels to the right (`np.roll` on the 28 x 28 images) and evaluate
#    the model on the shifted digits. What happens to the accuracy, and why does a model that
#    reads 784 separate pixel values care where the digit sits?
#    把每张测试图片向右平移 3 个像素（对 28 x 28 的图片使用 `np.roll`），在平移后的图片上评估模型。
#    准确率会怎样？一个把图片当作 784 个独立像素值来读的模型，为什么会在意数字的位置？

# %% tags=["solution", "hide-cell", "nbval-ignore-output"] jupyter={"source_hidden": true, "outputs_hidden": true}
# Solution 3: each of the model's first-layer weights belongs to one pixel position, so a digit
# moved by 3 pixels lights up other inputs than the ones the model learned to read: the accuracy
# drops, although a person reads the shifted digit as easily.
# 解答 3：模型第一层的每个权重都对应一个固定的像素位置，数字平移 3 个像素后，亮起的是另一批输入，
# 而不是模型学会去读的那些：准确率下降了，尽管人读平移后的数字一样容易。
shifted_raw = np.roll(x_test_raw, 3, axis=2)  # 3 pixels to the right
shifted_accuracy = evaluate(model, normalize_images(shifted_raw), y_test).accuracy
print(f"test accuracy: {evaluation.accuracy:.3f} as given, {shifted_accuracy:.3f} shifted")
assert shifted_accuracy < evaluation.accuracy

# %% [markdown]
# 4. From the confusion matrix alone, compute for each digit the fraction of its test digits the
#    model got right (its recall). Which digit is the hardest here?
#    只用混淆矩阵，算出每个数字的测试图片中被认对的比例（召回率）。在这里哪个数字最难？

# %% tags=["solution", "hide-cell", "nbval-ignore-output"] jupyter={"source_hidden": true, "outputs_hidden": true}
# Solution 4: the diagonal counts the right answers of each row's digit, and the row sum counts
# that digit's test digits, so their ratio is the recall.
# 解答 4：对角线是每一行对应数字答对的个数，行的和是该数字测试图片的个数，两者之比就是召回率。
recall = np.diag(evaluation.confusion) / evaluation.confusion.sum(axis=1)
print(f"recall per digit: {np.round(recall, 3)}")
print(f"hardest digit here: {np.argmin(recall)}")
right_per_digit = [np.mean(evaluation.predictions[y_test == d] == d) for d in range(10)]
assert np.allclose(recall, right_per_digit)
