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
# # 6. Validation, overfitting and the Keras way · 验证集、过拟合与 Keras 的标准做法
#
# [Open in Colab](https://colab.research.google.com/github/mnist-tutorials/mnist-tutorials/blob/main/notebooks/06_validation_and_keras.ipynb) · [View source on GitHub](https://github.com/mnist-tutorials/mnist-tutorials/blob/main/notebooks/06_validation_and_keras.ipynb) · [Download notebook](https://raw.githubusercontent.com/mnist-tutorials/mnist-tutorials/main/notebooks/06_validation_and_keras.ipynb)
#
# **You hold out a fifth of the training digits, watch the validation loss turn upward after a
# few epochs while the training loss keeps falling, then train the same model with Keras's
# `compile`, `fit`, `evaluate` and `predict`, stopped early at its best epoch, and reach the
# course loop's test accuracy.**
#
# ## Overview · 概述
#
# The classroom notebook trains for one epoch and measures the test digits once. How many epochs
# should we train? More epochs always lower the training loss, but past some point the model
# starts to learn its training digits by heart, and reads new digits worse: it **overfits**. We
# cannot use the test digits to find that point, or they would stop being new. So we hold out
# **validation digits** from the training digits, train for 20 epochs, and watch both losses:
# the validation loss stops improving after a few epochs while the training loss keeps falling.
# Then we meet the way most Keras code trains a model: `compile`, `fit` with
# `validation_data=` and an `EarlyStopping` callback that restores the best epoch's weights,
# `evaluate` and `predict`; and `fit`'s two switches, `jit_compile` and
# `steps_per_execution`, which do what chapter 4's speed-ups do for the course loop.
#
# **中文：** 原笔记本只训练一个 epoch，然后在测试集上评估一次。那么应该训练多少个 epoch 呢？
# epoch 越多，训练损失总是越低；但过了某个点，模型开始死记硬背训练图片，
# 对新图片反而认得更差，这就是**过拟合**。我们不能用测试图片去找这个点，
# 否则它们就不再是“新”图片了。所以我们从训练图片中留出一部分作为**验证集**，
# 训练 20 个 epoch，同时观察两条损失曲线：几个 epoch 之后验证损失就不再下降，
# 而训练损失仍在下降。接着我们学习大多数 Keras 代码训练模型的标准做法：
# `compile`、带 `validation_data=` 的 `fit`、能恢复最佳 epoch 权重的 `EarlyStopping` 回调、
# `evaluate` 和 `predict`；以及 `fit` 的两个开关 `jit_compile` 和 `steps_per_execution`，
# 它们对 `fit` 的作用，正如第 4 章的提速手段对课程训练循环的作用。

# %% [markdown]
# ## Setup · 准备
#
# Chapters 2 to 5 explained most helpers imported here; `split_validation`,
# `train_with_validation` and `best_epoch` are this chapter's. Overfitting shows soonest when
# there is little to learn from, and 20 epochs must fit in a minute on a laptop's CPU, so this
# chapter trains on at most 4,000 digits: all of the embedded sample's training digits, or the
# first 4,000 of the full MNIST (it is not sorted by label, so they hold every digit).
#
# **中文：** 这里导入的辅助函数大多在第 2 到第 5 章讲过；`split_validation`、
# `train_with_validation` 和 `best_epoch` 是本章新增的。训练数据越少，过拟合出现得越早；
# 而且 20 个 epoch 要在笔记本电脑的 CPU 上一分钟内跑完，所以本章最多只用 4,000 张训练图片：
# 内置样本的全部训练图片，或者完整 MNIST 的前 4,000 张（完整 MNIST 没有按标签排序，
# 所以前 4,000 张里每个数字都有）。

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
import time

import keras
import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf

from mnist_helpers import (
    best_epoch,
    build_model,
    evaluate,
    load_mnist,
    make_dataset,
    make_loss,
    make_train_step,
    normalize_images,
    split_validation,
    train,
    train_epoch,
    train_with_validation,
)

keras.utils.set_random_seed(0)  # The same initial weights and batches on every run.
TRAIN_DIGITS = 4_000

# %%
(x_all, y_all), (x_test, y_test) = load_mnist()
x_all, y_all = normalize_images(x_all[:TRAIN_DIGITS]), y_all[:TRAIN_DIGITS]
x_test = normalize_images(x_test)
print(f"training digits: {len(x_all):,}, test digits: {len(x_test):,}")
print(f"training digits per class: {np.bincount(y_all, minlength=10)}")

# %%
assert np.bincount(y_all, minlength=10).min() > 0.07 * len(y_all)

# %% [markdown]
# ## A validation split, from the training digits · 从训练图片中划出验证集
#
# Every choice we make by looking at a set of digits (when to stop, how large a layer, which
# learning rate) fits the model a little to those digits. Make enough choices on the test set,
# and its accuracy measures how well we tuned to those particular digits, not how well the model
# reads new handwriting. So the test set is looked at once, at the end, and the choices are made
# on **validation digits**: training digits we hold out and never train on. `split_validation`
# draws them at random, so both parts keep every digit in about the same proportion.
#
# **中文：** 我们根据某组图片做出的每一个选择（何时停止训练、层有多大、学习率取多少），
# 都会让模型向这组图片稍微靠拢一点。如果在测试集上做了足够多的选择，
# 测试准确率衡量的就是我们对这些特定图片调得有多好，而不是模型认新笔迹的能力。
# 所以测试集只在最后看一次，各种选择都在**验证集**上做：验证集是从训练图片中留出来、
# 从不用于训练的图片。`split_validation` 随机抽取它们，所以两部分中各个数字的比例大致相同。

# %%
(x_train, y_train), (x_val, y_val) = split_validation(x_all, y_all, fraction=0.2, seed=0)
print(f"train: {len(x_train):,} digits, validation: {len(x_val):,} digits")
print(f"validation digits per class: {np.bincount(y_val, minlength=10)}")

# %%
assert len(x_train) + len(x_val) == len(x_all)
assert len(x_val) == round(0.2 * len(x_all))
# Every class is in the validation set, near its share of the training digits.
val_share = np.bincount(y_val, minlength=10) / len(y_val)
all_share = np.bincount(y_all, minlength=10) / len(y_all)
assert np.all(np.abs(val_share - all_share) < 0.03)

# %% [markdown]
# ## Training long enough to overfit · 训练到过拟合
#
# `train_with_validation` is chapter 4's loop (`make_train_step`, `train_epoch`) that, after
# every epoch, also measures the loss and accuracy on the validation digits with `evaluate`
# (chapter 5). It returns them under the names Keras uses, `val_loss` and `val_accuracy`. Twenty
# epochs of the classroom notebook's model:
#
# **中文：** `train_with_validation` 就是第 4 章的训练循环（`make_train_step`、`train_epoch`），
# 只是每个 epoch 结束后还用 `evaluate`（第 5 章）在验证图片上测一次损失和准确率，
# 并用 Keras 的名字 `val_loss`、`val_accuracy` 返回。原笔记本的模型，训练 20 个 epoch：

# %% tags=["nbval-ignore-output"]
EPOCHS = 20
dataset = make_dataset(x_train, y_train, seed=0)
history = train_with_validation(build_model(seed=0), dataset, (x_val, y_val), epochs=EPOCHS)
for epoch in range(EPOCHS):
    print(
        f"epoch {epoch + 1:2}: loss {history['loss'][epoch]:.4f}, "
        f"val_loss {history['val_loss'][epoch]:.4f}, "
        f"val_accuracy {history['val_accuracy'][epoch]:.3f}"
    )

# %% [markdown]
# The two losses side by side, with the epoch of the lowest validation loss marked:
#
# **中文：** 两条损失曲线放在一起，并标出验证损失最低的那个 epoch：

# %%
best = best_epoch(history["val_loss"])
epochs = np.arange(1, EPOCHS + 1)
fig, ax = plt.subplots(figsize=(7, 3.5))
ax.plot(epochs, history["loss"], marker="o", label="training loss")
ax.plot(epochs, history["val_loss"], marker="o", label="validation loss")
ax.axvline(best, color="gray", linestyle="--", label="lowest validation loss")
ax.set(xlabel="epoch", ylabel="mean cross-entropy", xticks=epochs, yscale="log")
ax.legend()
fig.tight_layout()

# %% tags=["nbval-ignore-output"]
print(f"lowest validation loss after epoch {best}: {min(history['val_loss']):.4f}")
print(
    f"training loss then: {history['loss'][best - 1]:.4f}, after epoch {EPOCHS}: "
    f"{history['loss'][-1]:.4f}"
)

# %%
after_best = slice(best - 1, EPOCHS)
assert best <= EPOCHS // 2, "the validation loss should stop improving within 10 epochs"
assert history["val_loss"][-1] > min(history["val_loss"]), "and end above its best"
# Meanwhile the training loss keeps falling: in most epochs after the best, and far below it.
falls = np.diff(history["loss"][after_best]) < 0
assert falls.mean() > 0.7, falls
assert history["loss"][-1] < history["loss"][best - 1] / 5

# %% [markdown]
# The training loss falls in almost every epoch (the running mean of a shuffled epoch can tick
# up once in a while), down to a small fraction of its value at the best epoch. The validation
# loss does not follow: after a few epochs it rises again. From there on the model improves only
# on the digits it trains on, learning their particular strokes, and grows more confident about
# its mistakes on the rest. That is **overfitting**, and the best epoch is where the validation
# loss was lowest.
#
# **中文：** 训练损失几乎每个 epoch 都在下降（打乱后的 epoch 的平均损失偶尔会小幅回升），
# 最后只剩最佳 epoch 时的一小部分。验证损失却没有跟着下降：几个 epoch 之后它又上升了。
# 从那以后，模型只是在它训练的那些图片上变得更好，记住的是这些图片特有的笔画，
# 对其他图片上的错误也越来越自信。这就是**过拟合**，而最佳 epoch 就是验证损失最低的那个 epoch。
#
# The validation accuracy moves much less than the validation loss: most digits keep their
# prediction, but the few wrong ones get ever more confident, and the loss (chapter 3) punishes
# confidence in a wrong answer heavily.
#
# **中文：** 验证准确率的变化比验证损失小得多：大多数数字的预测结果不变，
# 但少数错误的预测越来越自信，而损失（第 3 章）对自信的错误答案惩罚很重。

# %% tags=["nbval-ignore-output"]
print(
    f"validation accuracy: best epoch {history['val_accuracy'][best - 1]:.3f}, "
    f"last epoch {history['val_accuracy'][-1]:.3f}"
)

# %%
assert abs(history["val_accuracy"][-1] - history["val_accuracy"][best - 1]) < 0.03

# %% [markdown]
# ## The Keras way: `compile`, `fit`, `evaluate`, `predict` · Keras 的标准做法
#
# Most Keras code does not write the training loop. `model.compile` names the optimizer, the
# loss and the metrics; `model.fit` runs the loop, shuffling and batching NumPy arrays itself,
# and measures `validation_data` after every epoch; `model.evaluate` gives the loss and metrics
# on other digits; `model.predict` gives the outputs, here logits. A **callback** is an object
# `fit` calls at fixed moments, here at the end of every epoch. `EarlyStopping` watches
# `val_loss`, stops the training after `patience` epochs without improvement, and with
# `restore_best_weights=True` puts back the weights of the best epoch.
#
# **中文：** 大多数 Keras 代码并不自己写训练循环。`model.compile` 指定优化器、损失函数和评价指标；
# `model.fit` 运行训练循环，自己打乱 NumPy 数组并分批，每个 epoch 结束后在 `validation_data`
# 上评估一次；`model.evaluate` 在别的图片上给出损失和指标；`model.predict` 给出模型的输出，
# 这里是 logits。**回调（callback）**是 `fit` 在固定时刻调用的对象，这里是每个 epoch 结束时。
# `EarlyStopping` 监视 `val_loss`，连续 `patience` 个 epoch 没有改进就停止训练；
# 设置 `restore_best_weights=True` 时，它会把权重恢复成最佳 epoch 的权重。
#
# To check that it does, a second callback keeps a copy of the weights after every epoch.
#
# **中文：** 为了验证这一点，我们再加一个回调，在每个 epoch 结束时保存一份权重。

# %%
model = build_model(seed=0)
model.compile(optimizer=keras.optimizers.Adam(1e-3), loss=make_loss(), metrics=["accuracy"])
early_stopping = keras.callbacks.EarlyStopping(
    monitor="val_loss", patience=3, restore_best_weights=True
)
weights_after_epoch = []
keep_weights = keras.callbacks.LambdaCallback(
    on_epoch_end=lambda epoch, logs: weights_after_epoch.append(model.get_weights())
)

# %% tags=["nbval-ignore-output"]
fit_history = model.fit(
    x_train,
    y_train,
    batch_size=64,
    epochs=EPOCHS,
    validation_data=(x_val, y_val),
    callbacks=[early_stopping, keep_weights],
    verbose=0,
)
val_losses = fit_history.history["val_loss"]
fit_best = best_epoch(val_losses)
print(f"history keys: {sorted(fit_history.history)}")
print(
    f"ran {len(val_losses)} of {EPOCHS} epochs; lowest val_loss {min(val_losses):.4f} "
    f"after epoch {fit_best}"
)

# %% [markdown]
# `fit` stopped three epochs after the best one, because `val_loss` did not improve in those
# three. The weights the model holds now are those of the best epoch, not of the last:
#
# **中文：** `fit` 在最佳 epoch 之后又跑了三个 epoch 就停下了，因为这三个 epoch 的 `val_loss` 都没有改进。
# 模型现在的权重是最佳 epoch 的权重，而不是最后一个 epoch 的：

# %%
def same_weights(first: list[np.ndarray], second: list[np.ndarray]) -> bool:
    return all(np.array_equal(a, b) for a, b in zip(first, second, strict=True))


print(
    f"weights are those after epoch {fit_best}: "
    f"{same_weights(model.get_weights(), weights_after_epoch[fit_best - 1])}"
)
print(
    f"weights are those after the last epoch: "
    f"{same_weights(model.get_weights(), weights_after_epoch[-1])}"
)

# %%
assert len(val_losses) == fit_best + early_stopping.patience < EPOCHS
assert early_stopping.best_epoch + 1 == fit_best  # Keras counts epochs from 0.
assert same_weights(model.get_weights(), weights_after_epoch[fit_best - 1])
assert not same_weights(model.get_weights(), weights_after_epoch[-1])

# %% [markdown]
# Now the test digits, once. `evaluate` returns the loss and the metrics compiled in;
# `predict` returns the logits, whose argmax is the predicted digit (chapter 5), so its
# accuracy is the one `evaluate` reports, and the one our own `evaluate` helper measures:
#
# **中文：** 现在，在测试图片上评估一次。`evaluate` 返回损失和 `compile` 时指定的指标；
# `predict` 返回 logits，取 argmax 就是预测的数字（第 5 章），
# 所以它算出的准确率与 `evaluate` 报告的相同，也与我们自己的 `evaluate` 辅助函数测得的相同：

# %% tags=["nbval-ignore-output"]
test_metrics = model.evaluate(x_test, y_test, verbose=0, return_dict=True)
logits = model.predict(x_test, verbose=0)
predict_accuracy = np.mean(np.argmax(logits, axis=1) == y_test)
print(f"model.evaluate: loss {test_metrics['loss']:.4f}, accuracy {test_metrics['accuracy']:.4f}")
print(
    f"model.predict: logits of shape {logits.shape}, accuracy of their argmax "
    f"{predict_accuracy:.4f}"
)

# %%
assert logits.shape == (len(x_test), 10)
assert abs(predict_accuracy - test_metrics["accuracy"]) < 1e-6
assert abs(evaluate(model, x_test, y_test).accuracy - test_metrics["accuracy"]) < 1e-6

# %% [markdown]
# ## `fit`'s speed-ups: `jit_compile` and `steps_per_execution` · `fit` 的提速开关
#
# Chapter 4 made the course loop fast in two ways: XLA compiles the training step
# (`jit_compile=True`), and each call of the graph runs 50 steps. `compile` has a switch for
# each. `jit_compile="auto"`, the default, turns XLA on only when the machine has a GPU or
# another accelerator, so on a CPU we ask for it. `steps_per_execution=50` runs 50 batches per
# call of the graph, as the course loop does.
#
# **中文：** 第 4 章用两种方法让课程的训练循环变快：用 XLA 编译训练步（`jit_compile=True`），
# 以及每次调用计算图跑 50 步。`compile` 为这两者各提供了一个开关。
# 默认值 `jit_compile="auto"` 只在机器有 GPU 或其他加速器时才启用 XLA，
# 所以在 CPU 上要我们自己打开。`steps_per_execution=50` 让每次调用计算图处理 50 个批次，
# 与课程的训练循环一样。

# %%
default_model = build_model(seed=0)
default_model.compile(optimizer="adam", loss=make_loss())
has_accelerator = any(device.device_type != "CPU" for device in tf.config.list_physical_devices())
print(f"accelerator: {has_accelerator}, jit_compile='auto' means XLA: {default_model.jit_compile}")

# %%
assert default_model.jit_compile == has_accelerator

# %% [markdown]
# Three ways to train the classroom notebook's model for the best number of epochs found above, on the same
# batches: `make_dataset` with the same seed hands each of them the same shuffled batches, and
# `fit` accepts a `tf.data.Dataset` as well as arrays. Each way's time per epoch is the median of
# the epochs after the first, which traces and compiles.
#
# **中文：** 用三种方式训练原笔记本的模型，epoch 数取上面找到的最佳值，批次完全相同：
# 用相同种子的 `make_dataset` 给每种方式同样打乱后的批次，而 `fit` 除了数组也接受
# `tf.data.Dataset`。每种方式每个 epoch 的时间取第一个 epoch（要追踪并编译）之后各 epoch 的中位数。

# %% tags=["nbval-ignore-output"]
fit_ways = {
    "fit, defaults": {},
    "fit, jit_compile + 50 steps per execution": {"jit_compile": True, "steps_per_execution": 50},
}
epochs_to_train = max(best, 3)
test_accuracy, seconds_per_epoch = {}, {}
for way, options in fit_ways.items():
    way_model = build_model(seed=0)
    way_model.compile(optimizer="adam", loss=make_loss(), metrics=["accuracy"], **options)
    ends = []
    timer = keras.callbacks.LambdaCallback(
        on_epoch_end=lambda epoch, logs, ends=ends: ends.append(time.perf_counter())
    )
    way_model.fit(
        make_dataset(x_train, y_train, seed=0),
        epochs=epochs_to_train,
        shuffle=False,
        callbacks=[timer],
        verbose=0,
    )
    seconds_per_epoch[way] = np.median(np.diff(ends))
    test_accuracy[way] = evaluate(way_model, x_test, y_test).accuracy

way = "course loop: make_train_step + train_epoch"
loop_model, loop_accuracy = build_model(seed=0), keras.metrics.SparseCategoricalAccuracy()
loop_step = make_train_step(loop_model, make_loss(), keras.optimizers.Adam(), loop_accuracy)
loop_data, ends = make_dataset(x_train, y_train, seed=0), []
for _ in range(epochs_to_train):
    train_epoch(loop_step, loop_data, loop_accuracy, progress=False)
    ends.append(time.perf_counter())
seconds_per_epoch[way] = np.median(np.diff(ends))
test_accuracy[way] = evaluate(loop_model, x_test, y_test).accuracy

for way in test_accuracy:
    print(
        f"{way:44}: {1000 * seconds_per_epoch[way]:5.0f} ms per epoch, "
        f"test accuracy {test_accuracy[way]:.3f}"
    )

# %%
accuracies = list(test_accuracy.values())
assert max(accuracies) - min(accuracies) <= 0.01, test_accuracy

# %% [markdown]
# All three reach the same test accuracy within one point: the same model, the same batches
# and the same optimizer learn the same thing whichever loop runs them. The times depend on the
# machine and on what else runs on it, so they are shown and not asserted. On the sample's 50
# batches per epoch, fixed costs per epoch weigh a lot. On the full 60,000 digits, `train`'s
# fast path (chapter 4) takes well under half the time of `fit`'s defaults per epoch and about
# the time of `fit` at its best (`./run.sh benchmark`, figures in the README).
#
# **中文：** 三种方式的测试准确率相差不超过一个百分点：同样的模型、同样的批次、同样的优化器，
# 不管由哪个循环来跑，学到的东西都一样。时间取决于机器以及机器上同时运行的其他程序，
# 所以只展示、不断言。样本每个 epoch 只有 50 个批次，每个 epoch 的固定开销占比很大；
# 在完整的 60,000 张图片上，`train` 的快速路径（第 4 章）每个 epoch 的时间远不到默认设置的
# `fit` 的一半，与最佳设置下的 `fit` 相当（`./run.sh benchmark`，数据见 README）。
#
# ## The question the classroom notebook leaves open · 原笔记本没有回答的问题
#
# > **Q:** How many epochs should we train, and may we use the test set to decide?
# >
# > **问：** 应该训练多少个 epoch？可以用测试集来决定吗？
#
# **Train until the validation loss stops improving, and decide on validation digits, never
# on the test digits.** Here the validation loss was lowest after a few epochs while the
# training loss went on falling for all 20: from there on the model overfits its training
# digits. The test set is measured once, at the end, so that its accuracy still tells how well
# the model reads handwriting it has never seen. In Keras, `EarlyStopping(monitor="val_loss",
# restore_best_weights=True)` makes the choice during `fit` and keeps the best epoch's weights.
#
# **中文：** **一直训练到验证损失不再下降为止，并且用验证图片来决定，绝不用测试图片。**
# 在这里，验证损失在几个 epoch 之后就达到最低，而训练损失在全部 20 个 epoch 中一直下降：
# 从那以后模型就在过拟合它的训练图片。测试集只在最后评估一次，
# 这样它的准确率才能说明模型认从未见过的笔迹的能力。在 Keras 中，
# `EarlyStopping(monitor="val_loss", restore_best_weights=True)` 在 `fit` 的过程中做出这个选择，
# 并保留最佳 epoch 的权重。
#
# ## Summary · 小结
#
# - Hold out validation digits from the training digits (`split_validation`); keep the test
#   digits for one final measurement. 从训练图片中留出验证集；测试集只用于最后的一次评估。
# - Overfitting: the training loss keeps falling while the validation loss turns upward; the
#   best epoch is the one with the lowest validation loss.
#   过拟合：训练损失继续下降，验证损失却回升；验证损失最低的 epoch 就是最佳 epoch。
# - The Keras way: `compile(optimizer, loss, metrics)`, `fit(..., validation_data=...)`,
#   `evaluate`, `predict`; `EarlyStopping(restore_best_weights=True)` keeps the best epoch.
#   Keras 的标准做法：`compile`、`fit`、`evaluate`、`predict`；
#   `EarlyStopping(restore_best_weights=True)` 保留最佳 epoch 的权重。
# - `compile(jit_compile=True, steps_per_execution=50)` gives `fit` the course loop's two
#   speed-ups; on a CPU, `jit_compile="auto"` means no XLA.
#   `compile(jit_compile=True, steps_per_execution=50)` 让 `fit` 也有课程训练循环的两种提速；
#   在 CPU 上，`jit_compile="auto"` 表示不用 XLA。
# - The course loop and `fit` learn the same from the same batches.
#   同样的批次，课程的训练循环和 `fit` 学到的东西相同。
#
# ## Exercises · 练习
#
# 1. Hold out 10% and then 40% of the training digits instead of 20%. How does the lowest
#    validation loss change, and why?
#
#    **中文：** 分别留出 10% 和 40% 的训练图片作为验证集（而不是 20%）。
#    最低的验证损失有什么变化？为什么？

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["solution", "hide-cell"]
# Solution 1: every digit held out is a digit the model does not learn from. With 40% held out
# it trains on 2,400 digits instead of 3,600, reads new digits worse, and its lowest validation
# loss is higher. The price of a small validation set is noise: its loss averages over only 400
# digits, so the best epoch it picks is less certain.
# 解答 1：留出的每一张图片都是模型学不到的图片。留出 40% 时，模型只用 2,400 张图片训练，
# 而不是 3,600 张，认新图片的能力更差，最低验证损失也更高。验证集太小的代价是噪声：
# 它的损失只是 400 张图片的平均值，由它选出的最佳 epoch 也就不那么可靠。
lowest_val_loss = {}
for fraction in (0.1, 0.4):
    (x_part, y_part), held_out = split_validation(x_all, y_all, fraction=fraction, seed=0)
    part_data = make_dataset(x_part, y_part, seed=0)
    part_history = train_with_validation(build_model(seed=0), part_data, held_out, epochs=12)
    lowest_val_loss[fraction] = min(part_history["val_loss"])
    print(
        f"{fraction:.0%} held out: {len(x_part):,} training digits, lowest validation loss "
        f"{lowest_val_loss[fraction]:.3f} after epoch {best_epoch(part_history['val_loss'])}"
    )
assert lowest_val_loss[0.4] > lowest_val_loss[0.1]

# %% [markdown]
# 2. Run `fit` with `EarlyStopping(patience=1)` and with `patience=6`, from the same start. At
#    which epoch does each stop, which epoch's weights does each restore, and which finds the
#    lower validation loss?
#
#    **中文：** 从相同的起点出发，分别用 `EarlyStopping(patience=1)` 和 `patience=6` 运行
#    `fit`。它们各在第几个 epoch 停止？各恢复了哪个 epoch 的权重？哪一个找到的验证损失更低？

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["solution", "hide-cell"]
# Solution 2: with the same random seed both runs train identically until the impatient one
# stops, at the first epoch that does not improve: the validation loss is noisy, so that can be
# a small bump before the real minimum. Patience 6 trains on past such bumps, costs up to six
# more epochs, and its lowest validation loss is at most that of patience 1.
# 解答 2：随机种子相同，两次训练在没耐心的那次停止之前完全一样。它在第一个没有改进的 epoch
# 就停止：验证损失有噪声，这可能只是真正的最低点之前的一个小波动。
# patience 为 6 时会越过这样的波动继续训练，最多多花六个 epoch，
# 它找到的最低验证损失不会高于 patience 为 1 时的。
stopped_after, lowest_found = {}, {}
for patience in (1, 6):
    keras.utils.set_random_seed(1)  # The same shuffles for both runs.
    patient_model = build_model(seed=0)
    patient_model.compile(optimizer="adam", loss=make_loss(), metrics=["accuracy"])
    stopper = keras.callbacks.EarlyStopping(patience=patience, restore_best_weights=True)
    run = patient_model.fit(
        x_train,
        y_train,
        batch_size=64,
        epochs=EPOCHS,
        validation_data=(x_val, y_val),
        callbacks=[stopper],
        verbose=0,
    )
    stopped_after[patience], lowest_found[patience] = len(run.history["loss"]), stopper.best
    restored = stopper.best_epoch + 1
    print(
        f"patience {patience}: stopped after epoch {stopped_after[patience]}, restored epoch "
        f"{restored}, its validation loss {stopper.best:.4f}"
    )
    assert restored == best_epoch(run.history["val_loss"])
    assert stopped_after[patience] == min(restored + patience, EPOCHS)
assert stopped_after[1] <= stopped_after[6]
assert lowest_found[6] <= lowest_found[1] + 1e-6

# %% [markdown]
# 3. Monitor `val_accuracy` instead of `val_loss` (Keras then looks for a maximum). Does it pick
#    the same epoch? Which of the two is the better signal here, and why?
#
#    **中文：** 监视 `val_accuracy` 而不是 `val_loss`（Keras 会改为寻找最大值）。
#    它选出的 epoch 一样吗？在这里哪一个信号更好？为什么？

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["solution", "hide-cell"]
# Solution 3: EarlyStopping keeps the first epoch with the highest validation accuracy. The
# accuracy moves in steps of 1 / 800 and often stays flat or ties, while the loss also sees how
# sure the model is, so it keeps changing and turns upward when the model grows overconfident:
# the validation loss is the finer signal, and the two often pick different epochs.
# 解答 3：EarlyStopping 保留验证准确率最高的第一个 epoch。准确率以 1/800 为单位变化，
# 经常持平或并列；而损失还反映模型有多自信，所以一直在变，并在模型变得过于自信时回升：
# 验证损失是更细致的信号，两者选出的 epoch 常常不同。
keras.utils.set_random_seed(1)
accuracy_model = build_model(seed=0)
accuracy_model.compile(optimizer="adam", loss=make_loss(), metrics=["accuracy"])
by_accuracy = keras.callbacks.EarlyStopping(
    monitor="val_accuracy", patience=3, restore_best_weights=True
)
run = accuracy_model.fit(
    x_train,
    y_train,
    batch_size=64,
    epochs=EPOCHS,
    validation_data=(x_val, y_val),
    callbacks=[by_accuracy],
    verbose=0,
)
print(f"val_accuracy per epoch: {np.round(run.history['val_accuracy'], 4)}")
print(
    f"chosen by val_accuracy: epoch {by_accuracy.best_epoch + 1}; lowest val_loss of the same "
    f"run: epoch {best_epoch(run.history['val_loss'])}"
)
assert by_accuracy.best_epoch == int(np.argmax(run.history["val_accuracy"]))
