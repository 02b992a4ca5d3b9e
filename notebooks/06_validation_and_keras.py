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
# **You hold out a fifth of the training digits, watch the validation loss turn upward while
# the training loss keeps falling, see that what grows is the confidence of the wrong answers,
# fight it with early stopping and with Dropout, and train the same model the Keras way:
# `compile`, `fit` with `EarlyStopping` and `ModelCheckpoint`, `evaluate` and `predict`.**
#
# **你将从训练图片中留出五分之一，看到训练损失一直下降时验证损失却转而上升，发现增长的是错误答案的置信度，
# 用提前停止和 Dropout 来应对它，再用 Keras 的标准做法训练同一个模型：`compile`、
# 带 `EarlyStopping` 和 `ModelCheckpoint` 的 `fit`、`evaluate` 和 `predict`。**
#
# ## Overview · 概述
#
# The classroom notebook trains for one epoch and measures the test digits once. How many epochs
# should we train? More epochs keep lowering the training loss, but past some point the model
# starts to learn its training digits by heart: it **overfits**. We cannot use the test digits
# to find that point, or they would stop being new. So we hold out **validation digits** from
# the training digits, train for 20 epochs, and watch both losses: the validation loss stops
# improving after a few epochs while the training loss keeps falling. What grows is not the
# number of mistakes (the validation accuracy hardly moves) but how confident the model is in
# them. Two remedies follow: stop at the best epoch (**early stopping**), or make memorising
# harder (**Dropout**). Then we meet the way most Keras code trains a model: `compile`, `fit`
# with `validation_data=` and the callbacks `EarlyStopping` and `ModelCheckpoint`, `evaluate`
# and `predict`; the catch of `fit(validation_split=...)`; and how `fit` and the course's
# `train` compare, with their two speed switches.
#
# **中文：** 原笔记本只训练一个 epoch，然后在测试集上评估一次。那么应该训练多少个 epoch 呢？
# epoch 越多，训练损失会一直降低；但过了某个点，模型开始死记硬背训练图片，这就是**过拟合**。
# 我们不能用测试图片去找这个点，否则它们就不再是“新”图片了。
# 所以我们从训练图片中留出一部分作为**验证集**，训练 20 个 epoch，同时观察两条损失曲线：
# 几个 epoch 之后验证损失就不再下降，而训练损失仍在下降。增长的并不是错误的个数
# （验证准确率几乎不变），而是模型对这些错误有多自信。接着介绍两种对策：在最佳 epoch 停下
# （**提前停止**），或者让死记硬背变难（**Dropout**）。然后我们学习大多数 Keras
# 代码训练模型的标准做法：`compile`、带 `validation_data=` 以及 `EarlyStopping`、
# `ModelCheckpoint` 两个回调的 `fit`、`evaluate` 和 `predict`；`fit(validation_split=...)`
# 的陷阱；最后比较 `fit` 与课程的 `train`，以及它们的两个提速开关。

# %% [markdown]
# ## Setup · 准备
#
# Chapters 2 to 5 explained most helpers imported here; `split_validation`,
# `train_with_validation` and `best_epoch` are this chapter's. Overfitting shows soonest when
# there is little to learn from, and this chapter's runs must fit in a minute on a laptop's CPU,
# so it trains on at most 4,000 digits: all of the embedded sample's training digits, or the
# first 4,000 of the full MNIST (it is not sorted by label, so they hold every digit).
#
# **中文：** 这里导入的辅助函数大多在第 2 到第 5 章讲过；`split_validation`、
# `train_with_validation` 和 `best_epoch` 是本章新增的。训练数据越少，过拟合出现得越早；
# 而且本章的训练要在笔记本电脑的 CPU 上一分钟内跑完，所以本章最多只用 4,000 张训练图片：
# 自带样本的全部训练图片，或者完整 MNIST 的前 4,000 张（完整 MNIST 没有按标签排序，
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
import tempfile
import time
from pathlib import Path

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
    normalize_images,
    split_validation,
    train,
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
# `train_with_validation` runs chapter 4's step (`make_train_step`) epoch after epoch, as
# `train` does, and after every epoch also measures the loss and accuracy on the validation
# digits, as `evaluate` (chapter 5) does. It returns them under the names Keras uses, `val_loss` and `val_accuracy`.
# Twenty epochs of the classroom notebook's model:
#
# **中文：** `train_with_validation` 像 `train` 一样一个 epoch 接一个 epoch 地运行第 4 章的
# 训练步（`make_train_step`），只是每个 epoch 结束后还像 `evaluate`（第 5 章）那样在验证图片上测一次损失和准确率，
# 并用 Keras 的名字 `val_loss`、`val_accuracy` 返回。原笔记本的模型，训练 20 个 epoch：

# %% tags=["nbval-ignore-output"]
EPOCHS = 20
dataset = make_dataset(x_train, y_train, seed=0)
model_at_end = build_model(seed=0)  # Kept: its mistakes are looked at below.
history = train_with_validation(model_at_end, dataset, (x_val, y_val), epochs=EPOCHS)
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
# The training loss falls in almost every epoch (the mean loss of a shuffled epoch can tick up
# once in a while), down to a small fraction of its value at the best epoch. The validation loss
# does not follow: after a few epochs it stops improving and ends above its best. From there on
# the model improves only on the digits it trains on. That is **overfitting**, and the best
# epoch is where the validation loss was lowest.
#
# **中文：** 训练损失几乎每个 epoch 都在下降（打乱后的一个 epoch 的平均损失偶尔会小幅回升），
# 最后只剩最佳 epoch 时的一小部分。验证损失却没有跟着下降：几个 epoch 之后它不再改进，
# 最后停在比最低点高的位置。从那以后，模型只在它训练的那些图片上变得更好。
# 这就是**过拟合**，而最佳 epoch 就是验证损失最低的那个 epoch。
#
# ### What rises, and what does not · 上升的是什么，没有上升的是什么
#
# Does the model read the validation digits worse after its best epoch? Not by the count of
# mistakes: the validation accuracy stays about where it was, and may even rise a little.
#
# **中文：** 过了最佳 epoch，模型认验证图片的能力变差了吗？从错误的个数来看并没有：
# 验证准确率基本停在原处，甚至可能还略有上升。

# %% tags=["nbval-ignore-output"]
val_accuracy = history["val_accuracy"]
most_accurate = int(np.argmax(val_accuracy)) + 1
print(
    f"validation accuracy: {val_accuracy[best - 1]:.3f} at the lowest loss (epoch {best}), "
    f"{val_accuracy[-1]:.3f} after epoch {EPOCHS}, "
    f"highest {max(val_accuracy):.3f} (epoch {most_accurate})"
)
print(
    f"stopping at the lowest validation loss costs {max(val_accuracy) - val_accuracy[best - 1]:.3f}"
    " of validation accuracy here"
)

# %%
# The accuracy does not follow the loss upward: 20 epochs end within a point of the best epoch.
assert val_accuracy[-1] > val_accuracy[best - 1] - 0.01, (val_accuracy[best - 1], val_accuracy[-1])

# %% [markdown]
# What grows is the **confidence** of the answers. To see it, train the same model from the same
# start on the same batches for only `best` epochs: it retraces the run above up to its best
# epoch (the next cell checks that it ends with the same validation loss). Then compare, on the validation digits, the two models' mistakes: how sure each is of
# its wrong answers (the largest softmax probability, chapter 3) and what those digits cost in
# loss.
#
# **中文：** 增长的是答案的**置信度**。为了看到这一点，用同样的起点、同样的批次把同一个模型
# 只训练 `best` 个 epoch：它会把上面那次训练重走一遍，停在最佳 epoch（下一个单元格检查它最后的
# 验证损失与上面相同）。然后在验证图片上比较
# 两个模型的错误：它们对错误答案有多自信（最大的 softmax 概率，第 3 章），
# 以及这些图片在损失中占多少。


# %%
def mistakes(model: keras.Model) -> dict[str, float]:
    """How a model errs on the validation digits: count, confidence, loss of its mistakes."""
    logits = model(x_val, training=False)
    probabilities = tf.nn.softmax(logits).numpy()
    wrong = probabilities.argmax(axis=1) != y_val
    per_digit = keras.losses.SparseCategoricalCrossentropy(from_logits=True, reduction=None)
    losses = per_digit(y_val, logits).numpy()
    return {
        "mistakes": int(wrong.sum()),
        "confidence in a mistake": float(probabilities.max(axis=1)[wrong].mean()),
        "loss of a mistake": float(losses[wrong].mean()),
        "share of the loss from mistakes": float(losses[wrong].sum() / losses.sum()),
    }


# %% tags=["nbval-ignore-output"]
model_at_best = build_model(seed=0)
best_history = train_with_validation(
    model_at_best, make_dataset(x_train, y_train, seed=0), (x_val, y_val), epochs=best
)
print(
    f"validation loss after epoch {best}: this run {best_history['val_loss'][-1]:.4f}, "
    f"the 20-epoch run {history['val_loss'][best - 1]:.4f}"
)
at_best, at_end = mistakes(model_at_best), mistakes(model_at_end)
for measure in at_best:
    print(f"{measure:31}: epoch {best}: {at_best[measure]:.3g}, {EPOCHS}: {at_end[measure]:.3g}")

# %%
# The same start and batches retrace the same run (a different run would differ by percents).
assert abs(best_history["val_loss"][-1] - history["val_loss"][best - 1]) < 1e-3 * min(
    history["val_loss"]
)
assert at_end["confidence in a mistake"] > at_best["confidence in a mistake"]
assert at_end["loss of a mistake"] > at_best["loss of a mistake"]
assert at_end["share of the loss from mistakes"] > 0.5

# %% [markdown]
# After 20 epochs the model makes about as many mistakes as at its best epoch, but it is much
# surer of them, and the loss (chapter 3), which punishes a confident wrong answer heavily, grows
# with that confidence: most of the final validation loss comes from the few digits it gets
# wrong. So the two signals disagree: the validation loss says stop at its lowest point, while
# the validation accuracy may still creep up after it. Stopping on the loss gives up whatever
# accuracy the later epochs gain (printed above: a fraction of a point, or nothing) for a model
# whose probabilities can be trusted more.
#
# **中文：** 训练 20 个 epoch 之后，模型犯的错误和最佳 epoch 时差不多，但它对这些错误自信得多；
# 而损失（第 3 章）对自信的错误答案惩罚很重，于是随着这种自信一起增长：最后的验证损失大部分来自
# 它认错的那几张图片。所以两个信号并不一致：验证损失说应该在它的最低点停下，
# 而验证准确率在那之后也许还会慢慢上升。按损失停止，就放弃了之后那些 epoch 可能多得的准确率
# （见上面的输出：不到一个百分点，也可能为零），换来一个概率更值得信任的模型。
#
# ## Dropout: a remedy besides stopping · Dropout：除了停止之外的另一种对策
#
# Early stopping takes the model before it memorises. **Dropout** makes memorising harder: a
# `keras.layers.Dropout(rate)` layer, at every training step, sets each value passing through it
# to 0 independently with probability `rate` and multiplies the others by `1 / (1 - rate)`, so
# that their expected sum stays the same. Each step trains a different random part of the network, so no
# unit can count on one particular other unit being there. It acts only in training
# (`model(x, training=True)`, as chapter 4's step calls the model); `evaluate` and `predict`
# use the whole network:
#
# **中文：** 提前停止是在模型开始死记硬背之前把它取出来。**Dropout** 则让死记硬背变难：
# `keras.layers.Dropout(rate)` 层在每个训练步把经过它的每个值各自独立地以概率 `rate` 置为 0，
# 其余的乘以 `1 / (1 - rate)`，使它们总和的期望不变。每一步训练的都是网络中随机的一部分，
# 所以任何单元都不能指望另一个特定的单元一定在场。它只在训练时起作用
# （`model(x, training=True)`，第 4 章的训练步就是这样调用模型的）；`evaluate` 和 `predict`
# 用的是完整的网络：

# %%
dropout = keras.layers.Dropout(0.5, seed=0)
ones = np.ones((1, 1_000), np.float32)
in_training = dropout(ones, training=True).numpy()
print(
    f"training=True : values {np.unique(in_training)}, share set to 0 "
    f"{np.mean(in_training == 0):.3f}, mean {in_training.mean():.3f}"
)
print(f"training=False: unchanged {np.array_equal(dropout(ones, training=False), ones)}")

# %%
assert set(np.unique(in_training)) == {0.0, 2.0}
assert abs(np.mean(in_training == 0) - 0.5) < 0.05
assert np.array_equal(dropout(ones, training=False), ones)

# %% [markdown]
# The classroom notebook's model with a Dropout layer of rate 0.5 after each hidden layer,
# trained from the same initial weights on the same batches for the same 20 epochs:
#
# **中文：** 在原笔记本的模型的每个隐藏层后面加一个 rate 为 0.5 的 Dropout 层，
# 从同样的初始权重出发，在同样的批次上训练同样的 20 个 epoch：

# %% tags=["nbval-ignore-output"]
plain = build_model(seed=0)  # Its layers, with their initial weights, go into the new model.
with_dropout = keras.Sequential(
    [
        keras.Input(shape=(784,)),
        plain.get_layer("hidden_1"),
        keras.layers.Dropout(0.5, seed=0),
        plain.get_layer("hidden_2"),
        keras.layers.Dropout(0.5, seed=1),
        plain.get_layer("logits"),
    ],
    name="mlp_with_dropout",
)
dropout_history = train_with_validation(
    with_dropout, make_dataset(x_train, y_train, seed=0), (x_val, y_val), epochs=EPOCHS
)
dropout_best = best_epoch(dropout_history["val_loss"])
for name, run in {"without Dropout": history, "with Dropout": dropout_history}.items():
    print(
        f"{name:15}: lowest val_loss {min(run['val_loss']):.4f} (epoch "
        f"{best_epoch(run['val_loss'])}), after epoch {EPOCHS} {run['val_loss'][-1]:.4f}; "
        f"training loss then {run['loss'][-1]:.4f}"
    )

fig, ax = plt.subplots(figsize=(7, 3.2))
ax.plot(epochs, history["val_loss"], marker="o", label="validation loss, without Dropout")
ax.plot(epochs, dropout_history["val_loss"], marker="o", label="validation loss, with Dropout")
ax.set(xlabel="epoch", ylabel="mean cross-entropy", xticks=epochs)
ax.legend()
fig.tight_layout()

# %% [markdown]
# The training losses in these histories are running means of the steps' losses, computed with
# Dropout on (`model(x, training=True)`), so they score the Dropout model with half of its units
# switched off. To see what each model has memorised, measure both on their training digits
# with Dropout off (`training=False`, as `evaluate` and `predict` call the model):
#
# **中文：** 这些历史记录里的训练损失是各训练步损失的累计平均，计算时 Dropout 是开着的
# （`model(x, training=True)`），所以 Dropout 模型被评分时有一半单元是关掉的。要看每个模型
# 记住了多少，就关掉 Dropout（`training=False`，`evaluate` 和 `predict` 就是这样调用模型的），
# 在各自的训练图片上测一测：

# %% tags=["nbval-ignore-output"]
memorised = {}  # Loss on the training digits, Dropout off.
for name, trained in {"without Dropout": model_at_end, "with Dropout": with_dropout}.items():
    memorised[name] = float(make_loss()(y_train, trained(x_train, training=False)))
    print(f"{name:15}: loss on its training digits, Dropout off: {memorised[name]:.4f}")

# %%
# Even with Dropout off, the Dropout model fits its training digits far less tightly.
assert memorised["with Dropout"] > 2 * memorised["without Dropout"], memorised
if len(x_test) == 1_000:  # The embedded sample, where the outputs above come from.
    assert dropout_history["val_loss"][-1] < history["val_loss"][-1]

# %% [markdown]
# The model trained with Dropout memorises far less: measured with Dropout off, its loss on its
# own training digits is still several times the plain model's. Here its validation loss is also lower, at its best and after 20 epochs
# (printed above). That is one run: which model ends lower can change with the seed and the
# digits, so whether Dropout helps is measured, not assumed. Its rate is one more setting to choose on validation
# digits, and it combines with early stopping rather than replacing it. Chapter 7's convnet
# uses Dropout.
#
# **中文：** 用 Dropout 训练的模型死记硬背得少得多：即使关掉 Dropout 来测，它在自己的训练图片上的损失
# 仍是普通模型的好几倍。
# 在这里，它的验证损失也更低，无论是最低点还是 20 个 epoch 之后（见上面的输出）。
# 但这只是一次训练：哪个模型最后更低，可能随随机种子和图片而变，所以 Dropout
# 有没有帮助要靠测量，不能想当然。它的 rate 又是一个要在验证图片上选择的设置，而且它要和提前停止一起用，
# 而不是取代提前停止。第 7 章的卷积网络就用了 Dropout。
#
# ## The Keras way: `compile`, `fit`, `evaluate`, `predict` · Keras 的标准做法
#
# Most Keras code does not write the training loop. `model.compile` names the optimizer, the
# loss and the metrics; `model.fit` runs the loop, shuffling and batching NumPy arrays itself,
# and measures `validation_data` after every epoch; `model.evaluate` gives the loss and metrics
# on other digits; `model.predict` gives the outputs, here logits. A **callback** is an object
# `fit` calls at fixed moments, here at the end of every epoch. `EarlyStopping` watches
# `val_loss`, stops the training after `patience` epochs without improvement, and with
# `restore_best_weights=True` puts back the weights of the best epoch. `ModelCheckpoint` with
# `save_best_only=True` writes the weights to a file whenever `val_loss` improves, so that the
# best epoch survives a crash or the end of the session.
#
# **中文：** 大多数 Keras 代码并不自己写训练循环。`model.compile` 指定优化器、损失函数和评价指标；
# `model.fit` 运行训练循环，自己打乱 NumPy 数组并分批，每个 epoch 结束后在 `validation_data`
# 上评估一次；`model.evaluate` 在别的图片上给出损失和指标；`model.predict` 给出模型的输出，
# 这里是 logits。**回调（callback）**是 `fit` 在固定时刻调用的对象，这里是每个 epoch 结束时。
# `EarlyStopping` 监视 `val_loss`，连续 `patience` 个 epoch 没有改进就停止训练；
# 设置 `restore_best_weights=True` 时，它会把权重恢复成最佳 epoch 的权重。
# 设置 `save_best_only=True` 的 `ModelCheckpoint` 每当 `val_loss` 改进时就把权重写入文件，
# 这样即使程序崩溃或会话结束，最佳 epoch 的权重也还在。
#
# To check what they do, a third callback keeps a copy of the weights after every epoch.
#
# **中文：** 为了验证它们的作用，我们再加第三个回调，在每个 epoch 结束时保存一份权重。

# %%
model = build_model(seed=0)
model.compile(optimizer=keras.optimizers.Adam(1e-3), loss=make_loss(), metrics=["accuracy"])
early_stopping = keras.callbacks.EarlyStopping(
    monitor="val_loss", patience=3, restore_best_weights=True
)
checkpoint_path = Path(tempfile.mkdtemp()) / "best.weights.h5"
checkpoint = keras.callbacks.ModelCheckpoint(
    checkpoint_path, monitor="val_loss", save_best_only=True, save_weights_only=True
)
weights_after_epoch = []
keep_weights = keras.callbacks.LambdaCallback(
    on_epoch_end=lambda epoch, logs: weights_after_epoch.append(model.get_weights())
)

# %% tags=["nbval-ignore-output"]
keras.utils.set_random_seed(0)  # fit shuffles the arrays with Keras' random seed.
fit_history = model.fit(
    x_train,
    y_train,
    batch_size=64,
    epochs=EPOCHS,
    validation_data=(x_val, y_val),
    callbacks=[early_stopping, checkpoint, keep_weights],
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
# `fit` stopped `patience` epochs after the best one, because `val_loss` did not improve in
# those. The weights the model holds now are those of the best epoch, not of the last, and the
# checkpoint file holds them too:
#
# **中文：** `fit` 在最佳 epoch 之后又跑了 `patience` 个 epoch 就停下了，因为这几个 epoch 的
# `val_loss` 都没有改进。模型现在的权重是最佳 epoch 的权重，而不是最后一个 epoch 的；
# 检查点文件里存的也是它们：


# %%
def same_weights(first: list[np.ndarray], second: list[np.ndarray]) -> bool:
    return all(np.array_equal(a, b) for a, b in zip(first, second, strict=True))


from_checkpoint = build_model(seed=1)
from_checkpoint.load_weights(checkpoint_path)
best_weights = weights_after_epoch[fit_best - 1]
print(f"weights are those of epoch {fit_best}: {same_weights(model.get_weights(), best_weights)}")
print(
    f"weights are those after the last epoch: "
    f"{same_weights(model.get_weights(), weights_after_epoch[-1])}"
)
print(
    f"the checkpoint file holds epoch {fit_best}'s weights: "
    f"{same_weights(from_checkpoint.get_weights(), best_weights)}"
)

# %%
assert len(val_losses) == min(fit_best + early_stopping.patience, EPOCHS)
assert early_stopping.best_epoch + 1 == fit_best  # Keras counts epochs from 0.
assert same_weights(model.get_weights(), best_weights)
assert same_weights(from_checkpoint.get_weights(), best_weights)
if len(val_losses) > fit_best:  # It stopped after worse epochs: their weights were not kept.
    assert not same_weights(model.get_weights(), weights_after_epoch[-1])

# %% [markdown]
# ### Where `patience=3` stops depends on the seed · `patience=3` 停在哪里取决于随机种子
#
# The validation loss near its lowest point is flat and noisy: from one epoch to the next it
# moves by about as much as it improves. Three epochs without a new low may be a bump before a
# lower point, and which epochs those are depends on the order of the batches. The same model,
# from the same initial weights, with `fit` shuffling under two other random seeds (for at most
# 10 epochs each, to save time):
#
# **中文：** 验证损失在最低点附近又平又有噪声：相邻两个 epoch 之间的波动和它的改进差不多大。
# 连续三个 epoch 没有创新低，可能只是更低点之前的一个小波动，而这几个 epoch 是哪几个，
# 取决于批次的顺序。同一个模型、同样的初始权重，让 `fit` 在另外两个随机种子下打乱数据
# （为了省时间，每次最多 10 个 epoch）：

# %% tags=["nbval-ignore-output"]
stops = {0: (len(val_losses), fit_best, min(val_losses))}
curves = {0: val_losses}  # Each run's val_loss per epoch, for exercise 2.
SEED_EPOCHS = 10  # Enough for patience=3 to stop, near the lowest point.
for seed in (1, 2):
    keras.utils.set_random_seed(seed)
    seed_model = build_model(seed=0)
    seed_model.compile(optimizer="adam", loss=make_loss())
    stopper = keras.callbacks.EarlyStopping(patience=3, restore_best_weights=True)
    run = seed_model.fit(
        x_train,
        y_train,
        batch_size=64,
        epochs=SEED_EPOCHS,
        validation_data=(x_val, y_val),
        callbacks=[stopper],
        verbose=0,
    )
    stops[seed] = (len(run.history["val_loss"]), stopper.best_epoch + 1, stopper.best)
    curves[seed] = run.history["val_loss"]
for seed, (ran, chosen, loss) in stops.items():
    print(f"seed {seed}: ran {ran:2} epochs, restored epoch {chosen:2}, val_loss {loss:.4f}")
print(f"the course loop's 20 epochs above: lowest val_loss {min(history['val_loss']):.4f}")

# %%
caps = {seed: EPOCHS if seed == 0 else SEED_EPOCHS for seed in stops}
assert all(ran == min(chosen + 3, caps[seed]) for seed, (ran, chosen, _) in stops.items())
assert len({chosen for _, chosen, _ in stops.values()}) > 1, stops

# %% [markdown]
# Runs that differ only in the order of their batches stop at different epochs, with
# different losses. A larger `patience` rides over such bumps at the price of more epochs;
# exercise 2 counts what each patience would choose on the 20-epoch curve above.
#
# **中文：** 只有批次顺序不同的几次训练，停在不同的 epoch，损失也不同。更大的 `patience`
# 能越过这样的波动，代价是多跑几个 epoch；练习 2 会在上面那条 20 个 epoch 的曲线上
# 数一数每种 patience 会选出哪个 epoch。
#
# ### `validation_split` and its catch · `validation_split` 及其陷阱
#
# `fit` can also hold out validation digits itself: `fit(x, y, validation_split=0.2)`. It
# takes the **last** 20% of the arrays, before any shuffling (its `shuffle=True` shuffles only
# the training part). On digits in random order that is a fair split; on digits sorted by
# label, the validation digits are only the last labels (printed below), of which the model
# almost never sees a digit in training (the few left in the training part are counted too):
#
# **中文：** `fit` 也可以自己留出验证图片：`fit(x, y, validation_split=0.2)`。
# 它取的是数组**最后**的 20%，而且是在任何打乱之前取的（`shuffle=True` 只打乱训练部分）。
# 图片顺序随机时，这样划分没有问题；如果图片按标签排好了序，验证图片就只有排在最后的几个标签
# （见下面的输出），而这些标签的图片模型在训练中几乎一张也没见过（训练部分里剩下的几张也数了出来）：

# %% tags=["nbval-ignore-output"]
by_label = np.argsort(y_train, kind="stable")
x_sorted, y_sorted = x_train[by_label], y_train[by_label]
split_model = build_model(seed=0)
split_model.compile(optimizer="adam", loss=make_loss(), metrics=["accuracy"])
split_run = split_model.fit(
    x_sorted, y_sorted, batch_size=64, epochs=1, validation_split=0.2, verbose=0
).history
held_out = len(x_sorted) - int(len(x_sorted) * (1 - 0.2))  # What fit keeps for validation.
last_part = split_model.evaluate(
    x_sorted[-held_out:], y_sorted[-held_out:], verbose=0, return_dict=True
)
held_labels = np.unique(y_sorted[-held_out:])
training_per_label = np.bincount(y_sorted[:-held_out], minlength=10)
print(f"labels of the last {held_out} digits: {held_labels}")
print(
    "training digits of those labels: "
    f"{dict(zip(held_labels.tolist(), training_per_label[held_labels].tolist(), strict=True))}"
)
print(
    f"fit's validation: loss {split_run['val_loss'][0]:.4f}, accuracy "
    f"{split_run['val_accuracy'][0]:.3f}; evaluate on the last {held_out}: loss "
    f"{last_part['loss']:.4f}"
)

# %%
# fit's validation digits are exactly the last ones: the same loss, to float precision.
assert abs(split_run["val_loss"][0] - last_part["loss"]) < 1e-4 * last_part["loss"]
assert len(held_labels) <= 3
# Almost every validation digit is of a label with only a handful of training digits.
trained_on = training_per_label[y_sorted[-held_out:]]
assert np.mean(trained_on < 0.01 * len(y_sorted)) > 0.9, trained_on
assert split_run["val_accuracy"][0] < 0.05

# %% [markdown]
# The validation loss `fit` reports is the loss on the last 640 digits, and the model reads
# almost none of them right: it saw almost no digits of their classes. Shuffle first (`split_validation` does),
# or pass `validation_data=` as above.
#
# **中文：** `fit` 报告的验证损失就是最后 640 张图片上的损失，而模型几乎一张都认不对：
# 这些类别的图片它几乎没见过。先打乱（`split_validation` 就是这样做的），或者像上面那样传入
# `validation_data=`。
#
# ### The test digits, once · 测试图片，只看一次
#
# The early-stopped model of seed 0 is our final model. Now the test digits, once. `evaluate`
# returns the loss and the metrics compiled in; `predict` returns the logits, whose argmax is the
# predicted digit (chapter 5), so its accuracy is the one `evaluate` reports, and the one our own
# `evaluate` helper measures:
#
# **中文：** 随机种子为 0、提前停止的那个模型就是我们最终的模型。现在，在测试图片上评估一次。
# `evaluate` 返回损失和 `compile` 时指定的指标；`predict` 返回 logits，取 argmax
# 就是预测的数字（第 5 章），所以它算出的准确率与 `evaluate` 报告的相同，
# 也与我们自己的 `evaluate` 辅助函数测得的相同：

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
# ## `fit` and `train`, each with its two speed switches · `fit` 与 `train` 的两个提速开关
#
# Chapter 4 gave the course's `train` two speed switches: `jit_compile=True` lets XLA compile
# the training step, and `steps_per_call=50` runs 50 steps in one call of the graph instead of
# returning to Python after every batch. `compile` has the same two for `fit`: `jit_compile` and
# `steps_per_execution`. Keras' default, `jit_compile="auto"`, turns XLA on only when the machine
# has a GPU or another accelerator, the model is not built under a `tf.distribute` strategy
# (chapter 9), and every layer supports XLA: `_resolve_auto_jit_compile` in Keras'
# `keras/src/trainers/trainer.py` checks them in that order. On a machine without an
# accelerator the first check already says no, so there both models below get `False`, with or
# without a strategy; the strategy rule decides only where there is an accelerator.
# `steps_per_execution` defaults to 1.
#
# **中文：** 第 4 章给课程的 `train` 加了两个提速开关：`jit_compile=True` 让 XLA
# 编译训练步，`steps_per_call=50` 让计算图每次调用跑 50 步，而不是每个批次之后都回到 Python。
# `compile` 为 `fit` 提供了同样的两个开关：`jit_compile` 和 `steps_per_execution`。
# Keras 的默认值 `jit_compile="auto"` 只有在机器有 GPU 或其他加速器、模型不是在
# `tf.distribute` 策略（第 9 章）下建立的、并且每一层都支持 XLA 时才启用 XLA：
# Keras 的 `keras/src/trainers/trainer.py` 里的 `_resolve_auto_jit_compile` 按这个顺序检查。
# 在没有加速器的机器上，第一项检查就已经否决了，所以下面两个模型不论有没有策略都得到 `False`；
# 只有在有加速器的机器上，才由策略这条规则来决定。`steps_per_execution` 默认为 1。

# %%
strategy = tf.distribute.OneDeviceStrategy("/cpu:0")
default_model = build_model(seed=0)
default_model.compile(optimizer="adam", loss=make_loss())
with strategy.scope():
    distributed_model = build_model(seed=0)
    distributed_model.compile(optimizer="adam", loss=make_loss())
has_accelerator = any(device.device_type != "CPU" for device in tf.config.list_physical_devices())
print(f"accelerator: {has_accelerator}")
print(
    f"jit_compile='auto' resolved to {default_model.jit_compile}, under the strategy to "
    f"{distributed_model.jit_compile}"
)
print(f"built under the strategy: {distributed_model.distribute_strategy is strategy}")

# %%
assert distributed_model.distribute_strategy is strategy
assert default_model.distribute_strategy is not strategy
if has_accelerator:  # Here the strategy rule decides.
    assert distributed_model.jit_compile is False
else:  # Here the first check does: no XLA for either model.
    assert default_model.jit_compile is False and distributed_model.jit_compile is False

# %% [markdown]
# Given explicitly, `compile` takes both switches (it falls back to `jit_compile=False`, with a
# warning, only where the model cannot use XLA):
#
# **中文：** 如果明确指定，`compile` 会接受这两个开关（只有在模型不能用 XLA 的地方，
# 它才给出警告并退回 `jit_compile=False`）：

# %%
fast_fit_model = build_model(seed=0)
fast_fit_model.compile(optimizer="adam", loss=make_loss(), jit_compile=True, steps_per_execution=50)
print(
    f"jit_compile {fast_fit_model.jit_compile}, "
    f"steps_per_execution {fast_fit_model.steps_per_execution}"
)

# %%
assert fast_fit_model.jit_compile is True and fast_fit_model.steps_per_execution == 50

# %% [markdown]
# `train` and `fit` run the same step with the same optimizer (Adam with Keras' defaults).
# Given the same dataset (`make_dataset` with the same seed; `fit` accepts a `tf.data.Dataset`
# as well as arrays), their first epochs see the same batches in the same order, so one epoch of
# each from the same initial weights ends with the same weights, to float precision:
#
# **中文：** `train` 和 `fit` 运行同样的训练步、同样的优化器（Keras 默认设置的 Adam）。
# 给它们同样的数据集（种子相同的 `make_dataset`；`fit` 除了数组也接受 `tf.data.Dataset`），
# 它们的第一个 epoch 以同样的顺序看到同样的批次，所以从同样的初始权重出发各训练一个 epoch，
# 最后的权重相同（在浮点精度内）：


# %%
def largest_difference(first: keras.Model, second: keras.Model) -> float:
    """The largest absolute difference between two models' weights."""
    pairs = zip(first.get_weights(), second.get_weights(), strict=True)
    return max(float(np.abs(a - b).max()) for a, b in pairs)


one_epoch_train, one_epoch_fit = build_model(seed=0), build_model(seed=0)
train(one_epoch_train, make_dataset(x_train, y_train, seed=0), epochs=1, progress=False)
one_epoch_fit.compile(optimizer="adam", loss=make_loss())
one_epoch_fit.fit(make_dataset(x_train, y_train, seed=0), epochs=1, shuffle=False, verbose=0)
one_epoch_difference = largest_difference(one_epoch_train, one_epoch_fit)
print(f"after one epoch, the same weights: {one_epoch_difference < 1e-5}")

# %%
assert one_epoch_difference < 1e-5, one_epoch_difference  # A different batch would move them.

# %% [markdown]
# Three ways to train the classroom notebook's model for four epochs from the same dataset:
#
# | way | what runs every batch | XLA | batches per call |
# | --- | --- | --- | --- |
# | `train` | chapter 4's `make_train_step` in a `tf.function` | no | 1 |
# | `train(jit_compile=True, steps_per_call=50)` | the same step | yes | 50 |
# | `fit`, defaults | Keras' `train_step` (step, loss tracker, metrics) in a `tf.function` | no here | 1 |
#
# After the first epoch, `fit` draws the dataset's reshuffles in another sequence than `train`,
# so its later epochs see other orders of the batches, and its weights part from `train`'s. Each
# way is timed from a fresh model, tracing and compilation included, and scored on the
# validation digits (a choice between ways of training is a choice, so not on the test digits).
#
# **中文：** 用三种方式从同一个数据集出发，把原笔记本的模型训练 4 个 epoch。上表列出每种方式
# 每个批次运行什么、是否用 XLA、每次调用计算图处理几个批次：`train` 运行第 4 章 `tf.function`
# 里的 `make_train_step`；`fit` 运行 Keras 的 `train_step`（训练步、损失跟踪器和指标），
# 默认设置下在这里不用 XLA，每次调用一个批次。第一个 epoch 之后，`fit` 取数据集重新打乱的
# 顺序与 `train` 不同，所以之后的 epoch 看到的批次顺序不同，它的权重也就与 `train` 的分开了。
# 每种方式都从一个新模型开始计时，包括追踪和编译的时间，并在验证图片上评分
# （在几种训练方式之间做选择也是一种选择，所以不用测试图片）。

# %% tags=["nbval-ignore-output"]
WAY_EPOCHS = 4


def train_with_fit(model: keras.Model, data: tf.data.Dataset) -> None:
    model.compile(optimizer="adam", loss=make_loss())
    model.fit(data, epochs=WAY_EPOCHS, shuffle=False, verbose=0)  # The dataset shuffles.


ways = {
    "train": lambda model, data: train(model, data, epochs=WAY_EPOCHS, progress=False),
    "train, XLA + 50 steps per call": lambda model, data: train(
        model, data, epochs=WAY_EPOCHS, progress=False, jit_compile=True, steps_per_call=50
    ),
    "fit, defaults": train_with_fit,
}
seconds, way_accuracy, way_models = {}, {}, {}
for way, run_way in ways.items():
    way_models[way] = build_model(seed=0)
    start = time.perf_counter()
    run_way(way_models[way], make_dataset(x_train, y_train, seed=0))
    seconds[way] = time.perf_counter() - start
    predicted = np.argmax(way_models[way](x_val, training=False), axis=1)
    way_accuracy[way] = float(np.mean(predicted == y_val))
for way in ways:
    print(
        f"{way:31}: {seconds[way]:5.1f} s for {WAY_EPOCHS} epochs, "
        f"validation accuracy {way_accuracy[way]:.3f}"
    )
way_difference = largest_difference(way_models["train"], way_models["fit, defaults"])
print(f"largest weight difference, train and fit, after {WAY_EPOCHS} epochs: {way_difference:.3f}")

# %%
assert way_difference > 100 * one_epoch_difference + 1e-3  # Other batches after epoch 1.
accuracies = list(way_accuracy.values())
assert max(accuracies) - min(accuracies) <= 0.02, way_accuracy

# %% [markdown]
# The three reach the same validation accuracy within a point or two: the same model and
# optimizer on the same digits, batched the same way, learn about as much whichever loop runs
# them, and the differences left are the run-to-run noise of other batch orders. The times
# depend on the machine and on what else runs on it, so they are shown and not asserted. On the
# sample's 50 batches per epoch, compiling with XLA can cost more time than it saves in four
# epochs; compare the rows above. To time `train`, `fit` and the classroom notebook's eager loop
# per epoch on 60,000 digits on your own machine, run `./run.sh benchmark` in the course's
# repository.
#
# **中文：** 三种方式的验证准确率相差在一两个百分点以内：同样的模型和优化器、同样的图片、
# 同样的分批方式，不管由哪个循环来跑，学到的都差不多，剩下的差别是批次顺序不同带来的
# 每次训练之间的噪声。时间取决于机器以及机器上同时运行的其他程序，所以只展示、不断言。
# 样本每个 epoch 只有 50 个批次，在 4 个 epoch 里，XLA 编译花的时间可能比它省下的还多；
# 请比较上面各行。要在你自己的机器上、在 60,000 张图片上给 `train`、`fit` 和原笔记本的
# 即时执行的循环按 epoch 计时，请在课程仓库里运行 `./run.sh benchmark`。
#
# ## The question the classroom notebook leaves open · 原笔记本没有回答的问题
#
# > **Q:** How many epochs should we train, and may we use the test set to decide?
# >
# > **问：** 应该训练多少个 epoch？可以用测试集来决定吗？
#
# **Train until the validation loss stops improving, and decide on validation digits, never
# on the test digits.** Here the validation loss was lowest after a few epochs while the
# training loss went on falling for all 20: from there on the model grows more confident in its
# mistakes. The test set is measured once, at the end, so that its accuracy still tells how well
# the model reads handwriting it has never seen. In Keras, `EarlyStopping(monitor="val_loss",
# restore_best_weights=True)` makes the choice during `fit` and keeps the best epoch's weights;
# on a flat, noisy validation curve, give it enough `patience`, and expect the exact epoch to
# change with the seed.
#
# **中文：** **一直训练到验证损失不再下降为止，并且用验证图片来决定，绝不用测试图片。**
# 在这里，验证损失在几个 epoch 之后就达到最低，而训练损失在全部 20 个 epoch 中一直下降：
# 从那以后模型对自己的错误越来越自信。测试集只在最后评估一次，
# 这样它的准确率才能说明模型认从未见过的笔迹的能力。在 Keras 中，
# `EarlyStopping(monitor="val_loss", restore_best_weights=True)` 在 `fit` 的过程中做出这个选择，
# 并保留最佳 epoch 的权重；验证曲线平坦又有噪声时，要给它足够的 `patience`，
# 而且具体停在哪个 epoch 会随随机种子而变。
#
# ## Summary · 小结
#
# - Hold out validation digits from the training digits (`split_validation`); keep the test
#   digits for one final measurement. 从训练图片中留出验证集；测试集只用于最后的一次评估。
# - Overfitting: the training loss keeps falling while the validation loss turns upward; what
#   grows is the confidence of the wrong answers, not their number. The best epoch is the one
#   with the lowest validation loss.
#   过拟合：训练损失继续下降，验证损失却回升；增长的是错误答案的置信度，而不是错误的个数。
#   验证损失最低的 epoch 就是最佳 epoch。
# - Dropout (active only in training) makes memorising harder; whether it lowers the validation
#   loss is measured, not assumed. Dropout（只在训练时起作用）让死记硬背变难；
#   它是否降低验证损失，要测量，不能想当然。
# - The Keras way: `compile(optimizer, loss, metrics)`, `fit(..., validation_data=...)`,
#   `evaluate`, `predict`; `EarlyStopping(restore_best_weights=True)` keeps the best epoch and
#   `ModelCheckpoint(save_best_only=True)` saves it; `validation_split` takes the last fraction
#   of the arrays, unshuffled. Keras 的标准做法：`compile`、`fit`、`evaluate`、`predict`；
#   `EarlyStopping(restore_best_weights=True)` 保留最佳 epoch，`ModelCheckpoint(save_best_only=True)`
#   把它存下来；`validation_split` 取的是数组最后的那一部分，不打乱。
# - `compile(jit_compile=True, steps_per_execution=50)` gives `fit` the two switches
#   `train(jit_compile=True, steps_per_call=50)` has; `jit_compile="auto"` means no XLA on a CPU
#   or under a `tf.distribute` strategy. One epoch of `train` and of `fit` on the same dataset
#   ends with the same weights; later epochs see other batch orders, so their accuracies differ
#   by run-to-run noise.
#   `compile(jit_compile=True, steps_per_execution=50)` 让 `fit` 也有
#   `train(jit_compile=True, steps_per_call=50)` 的两个开关；在 CPU 上或 `tf.distribute`
#   策略下，`jit_compile="auto"` 表示不用 XLA。在同一个数据集上，`train` 和 `fit` 各训练
#   一个 epoch 后权重相同；之后的 epoch 批次顺序不同，所以准确率的差别是每次训练之间的噪声。
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
    (x_part, y_part), held_out_part = split_validation(x_all, y_all, fraction=fraction, seed=0)
    part_data = make_dataset(x_part, y_part, seed=0)
    part_history = train_with_validation(build_model(seed=0), part_data, held_out_part, epochs=10)
    lowest_val_loss[fraction] = min(part_history["val_loss"])
assert lowest_val_loss[0.4] > lowest_val_loss[0.1]

# %% [markdown]
# 2. Write `epochs_run(val_losses, patience)`: after how many epochs `EarlyStopping(patience)`
#    stops on a curve of validation losses (a new low resets its count; `patience` epochs
#    without one stop it). Check it on the three `fit` runs above, then apply it to the 20-epoch
#    curve of the course loop for patience 1 to 6. Which epoch would each restore, and does a
#    larger patience ever find a higher loss?
#
#    **中文：** 写一个函数 `epochs_run(val_losses, patience)`：对一条验证损失曲线，
#    `EarlyStopping(patience)` 会在跑完几个 epoch 后停止（出现新低就重新计数，连续 `patience`
#    个 epoch 没有新低就停止）。先用上面三次 `fit` 检查它，再把它用在课程训练循环那条
#    20 个 epoch 的曲线上，patience 取 1 到 6。每种 patience 会恢复哪个 epoch？
#    更大的 patience 会不会找到更高的损失？

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["solution", "hide-cell"]
# Solution 2: EarlyStopping keeps the best epoch so far; it stops once the best lies `patience`
# epochs back. A larger patience runs at least as long, so its best can only be lower or the
# same: it never finds a higher loss. A patience of 1 stops at the first bump of the curve.
# 解答 2：EarlyStopping 记住到目前为止最好的 epoch；一旦最好的 epoch 已经是 `patience`
# 个 epoch 之前，它就停止。patience 越大，跑得至少一样久，所以它找到的最低损失只会更低或相同：
# 绝不会更高。patience 为 1 时，曲线第一次小幅回升就会让它停下。


def epochs_run(val_losses: list[float], patience: int) -> int:
    best_so_far = 0
    for epoch in range(1, len(val_losses)):
        if val_losses[epoch] < val_losses[best_so_far]:
            best_so_far = epoch
        elif epoch - best_so_far >= patience:
            return epoch + 1
    return len(val_losses)


assert all(epochs_run(curve, patience=3) == len(curve) for curve in curves.values())
restored_loss = []
for patience in range(1, 7):
    ran = epochs_run(history["val_loss"], patience)
    restored_loss.append(min(history["val_loss"][:ran]))
assert restored_loss == sorted(restored_loss, reverse=True)

# %% [markdown]
# 3. Monitor `val_accuracy` instead of `val_loss` (Keras then looks for a maximum). Does it pick
#    the same epoch? Which of the two is the better signal here, and why?
#
#    **中文：** 监视 `val_accuracy` 而不是 `val_loss`（Keras 会改为寻找最大值）。
#    它选出的 epoch 一样吗？在这里哪一个信号更好？为什么？

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["solution", "hide-cell"]
# Solution 3: EarlyStopping keeps the first epoch with the highest validation accuracy. The
# accuracy moves in steps of 1 / 800 and often stays flat or ties, while the loss also sees how
# sure the model is, so it keeps changing, and turns upward when the model grows overconfident:
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
assert by_accuracy.best_epoch == int(np.argmax(run.history["val_accuracy"]))
