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
# # 9. From one process to many: `tf.distribute` · 从一个进程到多个进程：`tf.distribute`
#
# [Open in Colab](https://colab.research.google.com/github/mnist-tutorials/mnist-tutorials/blob/main/notebooks/09_distributed.ipynb) · [View source on GitHub](https://github.com/mnist-tutorials/mnist-tutorials/blob/main/notebooks/09_distributed.ipynb) · [Download notebook](https://raw.githubusercontent.com/mnist-tutorials/mnist-tutorials/main/notebooks/09_distributed.ipynb)
#
# **You train the course's model on two replicas, first two CPU devices of one process, then two
# worker processes, and check that they end with identical weights and the single-process loop's
# results; you see what dividing the loss by the global batch does for SGD and for Adam, what
# the exchange of gradients costs, why `model.fit` fails with two workers on Keras 3, and how a
# job resumes from a checkpoint.**
#
# **中文：** 你会在两个副本上训练课程的模型：先是一个进程中的两个 CPU 设备，
# 再是两个工作进程（worker），并检查它们最终的权重逐位相同、结果与单进程循环一致；
# 你会看到把损失除以全局批大小对 SGD 和 Adam 各意味着什么、交换梯度的代价是多少、
# 为什么在 Keras 3 中 `model.fit` 在两个工作进程上会失败，以及任务如何从检查点续训。
#
# ## Overview · 概述
#
# A learner who outgrows one machine does not have to leave the course's training loop:
# `tf.distribute` runs the same `tf.GradientTape` step on several *replicas*, each holding a
# copy of the model. Every global batch is cut into one slice per replica; each replica
# computes the gradients of its slice; the replicas add their gradients up (an *all-reduce*),
# and every copy applies the same update. We do this with `MirroredStrategy` on two logical
# CPU devices, then with `MultiWorkerMirroredStrategy` on two processes on 127.0.0.1, and we
# look at the price: on one small machine two workers are slower than one.
#
# **中文：** 课程的训练循环并不只限于一台机器：`tf.distribute` 在多个*副本*（replica）上运行
# 同一个 `tf.GradientTape` 训练步，每个副本都保存一份模型。每个全局批次被切成若干片，每个副本
# 一片；每个副本计算自己那一片的梯度，各副本把梯度相加（即*全归约*，all-reduce），然后每份模型
# 都做同样的更新。我们先在一个进程的两个逻辑 CPU 设备上用 `MirroredStrategy` 做一遍，再在
# 127.0.0.1 上的两个进程之间用 `MultiWorkerMirroredStrategy` 做一遍，并看看代价：在一台小机器上，
# 两个工作进程比一个慢。

# %% [markdown]
# ## Setup · 准备
#
# Logical devices must be declared before TensorFlow starts its runtime, so the imports cell
# splits the one physical CPU into two logical devices first. Chapter 4 explained `train`,
# chapter 5 `evaluate`; the distributed helpers live in `mnist_helpers/distributed.py` (the
# training loop), `cluster.py` (worker processes) and `worker.py` (the main job's workers).
#
# **中文：** 逻辑设备必须在 TensorFlow 启动运行时之前声明，所以导入单元格先把唯一的物理 CPU
# 分成两个逻辑设备。第 4 章讲过 `train`，第 5 章讲过 `evaluate`；分布式相关的辅助函数在
# `mnist_helpers/distributed.py`（训练循环）、`cluster.py`（工作进程）和 `worker.py`
# （主任务的工作进程）中。

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
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

from mnist_helpers import (
    LocalCluster,
    build_model,
    distribute_dataset,
    evaluate,
    gradient_bytes,
    load_mnist,
    make_dataset,
    normalize_images,
    tf_config,
    train,
    train_distributed,
    weights_digest,
)

tf.get_logger().setLevel("ERROR")  # The strategies log INFO lines on every trace.
cpu = tf.config.list_physical_devices("CPU")[0]
tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
print([device.name for device in tf.config.list_logical_devices("CPU")])

# %%
assert len(tf.config.list_logical_devices("CPU")) == 2

# %% [markdown]
# Once TensorFlow has started its runtime (the cell above listed the devices, which starts it),
# the devices are fixed for the life of the process. Running the same cell again changes
# nothing; asking for other devices, three say, raises an error: to change them, restart the
# kernel and run the chapter from the top.
#
# **中文：** TensorFlow 一旦启动了运行时（上面的单元格列出设备时就启动了它），设备在整个进程
# 的生命周期内就固定下来。原样再运行一次那个单元格不会改变什么；要求别的设备（比如三个）
# 则会报错：要改变设备，请重启内核（kernel），再从头运行本章。

# %%
try:
    tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 3)
except RuntimeError as error:
    refusal = str(error)
print(refusal)

# %%
assert "cannot be modified after being initialized" in refusal
assert len(tf.config.list_logical_devices("CPU")) == 2

# %% [markdown]
# Every run below trains 3 epochs on a fixed slice of 4,000 training digits (all of the
# embedded sample; the first 4,000 of the full MNIST), so that whichever dataset is loaded an
# epoch is the same 63 steps, the last one a partial batch of 32 (a section below needs it),
# and the chapter's many training runs, two of them in worker processes, stay short. The test
# set is used whole. Versions matter in this
# chapter (Keras 3 changed what works across workers), so we print them.
#
# **中文：** 下面每次训练都在固定的 4,000 张训练图片上训练 3 个 epoch（即整个自带样本；
# 完整 MNIST 时取前 4,000 张），这样无论加载哪个数据集，一个 epoch 都是同样的 63 步，
# 最后一步是 32 张的不完整批次（后面有一节要用到它），而且本章的多次训练（其中两次在工作进程中）
# 都不会太长。测试集完整使用。本章的内容与版本有关（Keras 3 改变了跨工作进程时哪些做法可行），
# 所以我们把版本打印出来。

# %%
TRAIN_DIGITS, EPOCHS, GLOBAL_BATCH = 4000, 3, 64
(x_train_raw, y_train), (x_test_raw, y_test) = load_mnist()
x_train_raw, y_train = x_train_raw[:TRAIN_DIGITS], y_train[:TRAIN_DIGITS]
x_train, x_test = normalize_images(x_train_raw), normalize_images(x_test_raw)
print(f"{len(x_train):,} training digits, {len(x_test):,} test digits")

# %% tags=["nbval-ignore-output"]
print(f"TensorFlow {tf.__version__}, Keras {keras.__version__}")

# %%
assert keras.__version__.startswith("3.")

# %% [markdown]
# A dataset from `make_dataset` reshuffles at every pass, and a pass's order depends on how many
# passes came before. Two runs compared step by step must therefore each get a fresh dataset
# built with the same seed, as every worker will: a fresh dataset starts with the same first
# batch, a second pass over one dataset does not.
#
# **中文：** `make_dataset` 得到的数据集每遍历一次都会重新打乱，而每一遍的顺序取决于之前已经
# 遍历了几遍。所以要逐步比较的两次训练，必须各自拿一个用同一随机种子新建的数据集，
# 每个工作进程也正是这样做的：新建的数据集第一个批次相同，同一个数据集的第二遍则不同。


# %%
def fresh_batches(images=x_train, labels=y_train):
    """A new dataset of the training digits: the same batches, in the same order, every time."""
    return make_dataset(images, labels, batch_size=GLOBAL_BATCH, seed=0)


reused = fresh_batches()
first_pass, second_pass = (next(iter(reused))[1].numpy() for _ in range(2))
fresh = next(iter(fresh_batches()))[1].numpy()
print(f"first labels, first pass:  {first_pass[:8]}")
print(f"              second pass: {second_pass[:8]}")
print(f"              new dataset: {fresh[:8]}")

# %%
assert np.array_equal(first_pass, fresh) and not np.array_equal(first_pass, second_pass)

# %% [markdown]
# ## The reference: the single-process loop · 基准：单进程循环
#
# First the course's loop from chapter 4, in this one process, on the same digits, batches and
# initial weights. Every distributed run is compared with it.
#
# **中文：** 先在本进程中运行第 4 章的课程循环，使用同样的图片、批次和初始权重。
# 之后的每次分布式训练都与它比较。

# %%
keras.utils.set_random_seed(0)
single_model = build_model(seed=0)
single_history = train(single_model, fresh_batches(), epochs=EPOCHS, progress=False)
single_accuracy = evaluate(single_model, x_test, y_test).accuracy
print(f"single process: test accuracy {single_accuracy:.1%}")

# %%
assert single_accuracy > 0.85

# %% [markdown]
# ## Data parallelism in a picture · 一图看懂数据并行
#
# ```
#                 global batch of 64 digits
#            ┌──────────────┴──────────────┐
#      replica 0: digits 0-31        replica 1: digits 32-63
#      model copy, forward, loss     model copy, forward, loss
#      gradients g0                  gradients g1
#            └────── all-reduce: g0 + g1 ──────┘
#      both copies apply the same update: the copies stay identical
# ```
#
# One step is still one (global) batch: global batch = per-replica batch x number of replicas
# (`strategy.num_replicas_in_sync`). The usual recipe picks the per-replica batch that fills one
# device and multiplies; here we keep the single process's global batch of 64, so each of the 2
# replicas gets 64 / 2 = 32 digits. `distribute_dataset` (a thin wrapper of
# `strategy.experimental_distribute_dataset`) does the cutting:
#
# **中文：** 一步仍然是一个（全局）批次：全局批大小 = 每副本批大小 x 副本数
# （`strategy.num_replicas_in_sync`）。通常的做法是先选定能填满一个设备的每副本批大小，再乘上
# 副本数；这里我们沿用单进程的全局批大小 64，所以 2 个副本各得到 64 / 2 = 32 张图片的
# *每副本批次*（per-replica batch）。切分由 `distribute_dataset`（对
# `strategy.experimental_distribute_dataset` 的简单封装）完成：

# %%
mirrored = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
per_replica_batch = GLOBAL_BATCH // mirrored.num_replicas_in_sync
images, labels = next(iter(distribute_dataset(mirrored, fresh_batches())))
per_replica = [tuple(part.shape) for part in mirrored.experimental_local_results(images)]
print(f"{mirrored.num_replicas_in_sync} replicas x {per_replica_batch} digits = {GLOBAL_BATCH}")
print(f"per-replica image batches: {per_replica}")

# %%
assert per_replica_batch * mirrored.num_replicas_in_sync == GLOBAL_BATCH
assert per_replica == [(per_replica_batch, 784)] * mirrored.num_replicas_in_sync

# %% [markdown]
# ## Why the loss is divided by the global batch · 为什么损失要除以全局批大小
#
# On one device the loss of a step is the *mean* over the batch of 64. Each replica sees only
# 32 digits; if it took the mean of its own 32, adding the two replicas' gradients would give
# *twice* the gradient of the batch mean. So each replica sums its per-example losses and
# divides by the **global** batch size, 64:
# `tf.nn.compute_average_loss(per_example_loss, global_batch_size=64)`. The sum over replicas
# is then exactly the mean over the whole batch. Checked on the first batch:
#
# **中文：** 在单个设备上，一步的损失是 64 个样本的*平均值*。每个副本只看到 32 张图片；
# 如果每个副本取自己 32 张的平均，两个副本的梯度相加就会是整批平均损失梯度的*两倍*。
# 所以每个副本把逐样本损失相加，再除以**全局**批大小 64：
# `tf.nn.compute_average_loss(per_example_loss, global_batch_size=64)`。各副本之和就正好等于
# 整个批次上的平均值。在第一个批次上验证：

# %% tags=["nbval-ignore-output"]
check_model = build_model(seed=0)
per_example_loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True, reduction="none")


def batch_gradients(x, y, divide_by):
    """Gradients of sum(per-example loss) / divide_by, for comparing the scalings."""
    with tf.GradientTape() as tape:
        loss = tf.nn.compute_average_loss(
            per_example_loss(y, check_model(x)), global_batch_size=divide_by
        )
    return [gradient.numpy() for gradient in tape.gradient(loss, check_model.trainable_weights)]


x_parts = mirrored.experimental_local_results(images)
y_parts = mirrored.experimental_local_results(labels)
whole = batch_gradients(tf.concat(x_parts, 0), tf.concat(y_parts, 0), 64)
halves_64 = [batch_gradients(x, y, 64) for x, y in zip(x_parts, y_parts, strict=True)]
halves_32 = [batch_gradients(x, y, 32) for x, y in zip(x_parts, y_parts, strict=True)]
global_sum = [a + b for a, b in zip(*halves_64, strict=True)]
local_sum = [a + b for a, b in zip(*halves_32, strict=True)]
largest = max(np.abs(a - b).max() for a, b in zip(global_sum, whole, strict=True))
ratio = np.linalg.norm(local_sum[0]) / np.linalg.norm(whole[0])
print(f"divided by 64, then summed: largest difference from the whole batch {largest:.1e}")
print(f"divided by 32, then summed: {ratio:.2f} x the whole batch's gradient")

# %%
assert all(np.allclose(a, b, atol=1e-6) for a, b in zip(global_sum, whole, strict=True))
assert all(np.allclose(a, 2 * b, atol=1e-6) for a, b in zip(local_sum, whole, strict=True))

# %% [markdown]
# ### Twice the gradient: SGD and Adam · 梯度翻倍：SGD 与 Adam
#
# What twice the gradient does depends on the optimizer. Plain gradient descent (SGD) moves
# each weight by learning rate x gradient: twice the gradient is exactly twice the learning
# rate. Adam divides each gradient's running mean (its first moment estimate) by the square root
# of its running mean square (its second moment estimate); both double, so the step barely
# changes, except for weights whose gradients are as small as Adam's `epsilon` (1e-7). We train
# copies of the model for 20 steps on the same batches, with the loss as it is or doubled:
#
# **中文：** 梯度翻倍有什么后果，取决于优化器。普通梯度下降（SGD）让每个权重移动
# “学习率 x 梯度”：梯度翻倍就正好等于学习率翻倍。Adam 用梯度的滑动平均（一阶矩估计）除以
# 梯度平方滑动平均（二阶矩估计）的平方根；两者一起翻倍，所以步长几乎不变，只有梯度小到与 Adam
# 的 `epsilon`（1e-7）相当的权重例外。我们在同样的批次上把模型的几个副本各训练 20 步，
# 损失保持原样或者翻倍：

# %%
twenty_batches = list(fresh_batches().take(20))
mean_loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)


def weight_change(optimizer, loss_factor):
    """How far 20 steps move all the weights, with the loss multiplied by `loss_factor`."""
    model = build_model(seed=0)
    start = [weight.numpy() for weight in model.trainable_weights]
    for x, y in twenty_batches:
        with tf.GradientTape() as tape:
            loss = loss_factor * mean_loss(y, model(x))
        gradients = tape.gradient(loss, model.trainable_weights)
        optimizer.apply_gradients(zip(gradients, model.trainable_weights, strict=True))
    moved = zip(model.trainable_weights, start, strict=True)
    return np.concatenate([(weight.numpy() - before).ravel() for weight, before in moved])


sgd = weight_change(keras.optimizers.SGD(0.1), 1)
sgd_doubled_loss = weight_change(keras.optimizers.SGD(0.1), 2)
sgd_doubled_rate = weight_change(keras.optimizers.SGD(0.2), 1)
adam = weight_change(keras.optimizers.Adam(1e-3), 1)
adam_doubled_loss = weight_change(keras.optimizers.Adam(1e-3), 2)
adam_doubled_rate = weight_change(keras.optimizers.Adam(2e-3), 1)
size = np.linalg.norm
print(
    f"SGD,  loss x 2: moves {size(sgd_doubled_loss) / size(sgd):.2f} x as far; "
    f"same weights as learning rate x 2: {np.allclose(sgd_doubled_loss, sgd_doubled_rate)}"
)
print(
    f"Adam, loss x 2: moves {size(adam_doubled_loss) / size(adam):.2f} x as far; "
    f"learning rate x 2 moves {size(adam_doubled_rate) / size(adam):.2f} x as far"
)

# %%
assert np.allclose(sgd_doubled_loss, sgd_doubled_rate, rtol=1e-5, atol=1e-8)
assert size(sgd_doubled_loss) / size(sgd) > 1.3
assert abs(size(adam_doubled_loss) / size(adam) - 1) < 0.02
assert size(adam_doubled_rate) / size(adam) > 1.3

# %% [markdown]
# So with SGD, replicas that divide by their own batch train as with a learning rate times the
# number of replicas; with Adam, the wrong division hardly shows. It is still wrong: the
# reported loss doubles, and optimizers without Adam's scaling (SGD, momentum) change speed.
# The SGD run moves less than twice as far over 20 steps because its larger steps lead it to
# other weights, where the gradients differ.
#
# **中文：** 所以用 SGD 时，各副本如果除以自己的批大小，训练就相当于学习率乘以副本数；
# 用 Adam 时，这个错误的除法几乎看不出来。但它仍然是错的：报告的损失翻倍，
# 而没有 Adam 这种缩放的优化器（SGD，以及带 momentum 的 SGD）会改变速度。SGD 在 20 步中移动的距离
# 不到两倍，是因为更大的步子把它带到了别的权重处，那里的梯度不同。
#
# ## Two replicas in one process: `MirroredStrategy` · 一个进程中的两个副本：`MirroredStrategy`
#
# The model, its optimizer and its metric must be created inside `strategy.scope()`: their
# variables then exist once per replica and stay in step. `train_distributed` runs the
# chapter 4 step through `strategy.run` on every replica, with the loss divided by the global
# batch; Adam's `apply_gradients` all-reduces the gradients before it updates the weights.
#
# **中文：** 模型、优化器和指标必须在 `strategy.scope()` 中创建：这样它们的变量在每个副本上
# 各有一份，并保持同步。`train_distributed` 通过 `strategy.run` 在每个副本上运行第 4 章的训练步，
# 损失除以全局批大小；Adam 的 `apply_gradients` 先对梯度做全归约，再更新权重。

# %% tags=["nbval-ignore-output"]
keras.utils.set_random_seed(0)
with mirrored.scope():
    mirrored_model = build_model(seed=0)
mirrored_history = train_distributed(
    mirrored, mirrored_model, fresh_batches(), global_batch_size=GLOBAL_BATCH, epochs=EPOCHS
)
mirrored_accuracy = evaluate(mirrored_model, x_test, y_test).accuracy
print(f"MirroredStrategy, 2 replicas: test accuracy {mirrored_accuracy:.1%}")
print(f"single process:               test accuracy {single_accuracy:.1%}")
print(f"loss per epoch, mirrored: {np.round(mirrored_history['loss'], 4)}")
print(f"                single:   {np.round(single_history['loss'], 4)}")

# %%
assert abs(mirrored_accuracy - single_accuracy) <= 0.01
assert mirrored_history["loss"][0] < single_history["loss"][0]

# %% [markdown]
# The losses differ from the first epoch on, and not by rounding (rounding changes only the last
# digits, and those may differ on your computer: the rounding of TensorFlow's CPU kernels
# depends on the processor and on settings such as `TF_ENABLE_ONEDNN_OPTS`). 4,000 digits make
# 62 batches of 64 and a last one of 32. `compute_average_loss(global_batch_size=64)` divides
# that last batch's summed loss by 64, where the single process takes its mean, dividing by 32: the last
# step's loss and gradients come out at half their size. The first 62 steps are the same in
# both runs, so the first epoch's mean loss (the mean of its 63 steps' losses) is lower by
# exactly the last batch's loss x (1 - 32/64) / 63; from there the runs part ways, since Adam's
# moment estimates saw a different gradient (their losses may still come close again by
# chance: the weights differ). We compute that amount from the last batch's loss
# after the first 62 steps, and, without the partial batch (3,968 digits, 62 full batches), we
# check that the two loops compute the same steps:
#
# **中文：** 两者的损失从第一个 epoch 起就不同，而且不是舍入误差（舍入只影响最后几位数字，
# 这几位在你的电脑上可能不同：TensorFlow 的 CPU 算子如何舍入，取决于处理器和
# `TF_ENABLE_ONEDNN_OPTS` 之类的设置）。4,000 张图片组成 62 个
# 64 张的批次和最后一个 32 张的批次。`compute_average_loss(global_batch_size=64)`
# 把最后这个批次的损失之和除以 64，而单进程取的是它的平均值，也就是除以 32：
# 最后一步的损失和梯度都只有应有的一半。前 62 步在两次训练中相同，所以第一个 epoch 的平均损失
# （63 步损失的平均值）正好少了“最后一个批次的损失 x (1 - 32/64) / 63”；此后两次训练就分道扬镳了，
# 因为 Adam 的一阶、二阶矩估计看到的是不同的梯度（两者的损失仍可能碰巧再次接近：权重已经不同）。
# 我们用前 62 步之后最后一个批次的损失算出这个量；
# 再去掉这个不完整的批次（3,968 张图片，62 个完整批次），检查两个循环计算的是相同的训练步：

# %% tags=["nbval-ignore-output"]
FULL_BATCHES = TRAIN_DIGITS // GLOBAL_BATCH * GLOBAL_BATCH
keras.utils.set_random_seed(0)
full_single_model = build_model(seed=0)
full_single = train(
    full_single_model,
    fresh_batches(x_train[:FULL_BATCHES], y_train[:FULL_BATCHES]),
    epochs=EPOCHS,
    progress=False,
)
keras.utils.set_random_seed(0)
with mirrored.scope():
    full_mirrored_model = build_model(seed=0)
full_mirrored = train_distributed(
    mirrored,
    full_mirrored_model,
    fresh_batches(x_train[:FULL_BATCHES], y_train[:FULL_BATCHES]),
    global_batch_size=GLOBAL_BATCH,
    epochs=EPOCHS,
)
*first_62, (last_x, last_y) = fresh_batches()
keras.utils.set_random_seed(0)
before_last_model = build_model(seed=0)
train(before_last_model, fresh_batches().take(len(first_62)), epochs=1, progress=False)
last_loss = float(mean_loss(last_y, before_last_model(last_x)))
expected_gap = last_loss * (1 - len(last_y) / GLOBAL_BATCH) / (len(first_62) + 1)
partial_gap = np.abs(np.subtract(mirrored_history["loss"], single_history["loss"]))
full_gap = np.abs(np.subtract(full_mirrored["loss"], full_single["loss"]))
print(f"{TRAIN_DIGITS:,} digits, last batch of 32: loss gaps per epoch {partial_gap.round(5)}")
print(f"  last batch's loss after 62 steps {last_loss:.4f} x (1 - 32/64) / 63: {expected_gap:.5f}")
print(f"{FULL_BATCHES:,} digits, full batches only: loss gaps per epoch {full_gap.round(5)}")

# %%
assert len(first_62) == 62 and len(last_y) == 32
assert np.isclose(partial_gap[0], expected_gap, rtol=1e-3)  # The partial batch, and only it.
assert full_gap.max() < 5e-5  # The same to 4 decimals in every epoch.

# %% [markdown]
# The example in the `tf.nn.compute_average_loss` documentation divides by the global batch size
# too, partial batch included, so that a step counts in proportion to its size;
# `train_distributed` does the same. A loop that wants the single
# process's steps exactly drops the partial batch (`batch(..., drop_remainder=True)`), or calls
# `compute_average_loss` without `global_batch_size`: it then divides by the replica's own batch
# times the number of replicas, which is right whenever the batch splits evenly.
#
# **中文：** `tf.nn.compute_average_loss` 文档中的示例同样除以全局批大小，不完整的批次也不例外，
# 让这一步按它的大小计入；
# `train_distributed` 也是这样做的。如果循环要与单进程的训练步完全一致，可以丢掉不完整的批次
# （`batch(..., drop_remainder=True)`），或者调用 `compute_average_loss` 时不传
# `global_batch_size`：它就会除以“本副本的批大小 x 副本数”，只要批次能被均分，结果就是对的。
#
# ## Many processes: `TF_CONFIG` · 多个进程：`TF_CONFIG`
#
# With several machines, each runs one *worker* process, and each worker learns the cluster
# from its `TF_CONFIG` environment variable: every worker's address, and which one it is.
# Run workers only inside a network you trust: TensorFlow's gRPC servers have no
# authentication, and anyone who can reach a worker's port can join or disrupt the job.
# Worker 0 of two workers on this machine would read:
#
# **中文：** 有多台机器时，每台运行一个工作进程，每个工作进程从环境变量 `TF_CONFIG`
# 得知集群的情况：所有工作进程的地址，以及自己是哪一个。只在你信任的网络里运行工作进程：
# TensorFlow 的 gRPC 服务器没有任何身份验证，任何能连上工作进程端口的人都能加入或扰乱这个任务。
# 在本机上两个工作进程中的 0 号会读到：

# %%
print(tf_config(["127.0.0.1:12345", "127.0.0.1:12346"], 0))

# %%
assert json.loads(tf_config(["127.0.0.1:12345", "127.0.0.1:12346"], 0))["task"]["index"] == 0

# %% [markdown]
# ### The loop on two workers, in full · 两个工作进程上的循环，完整代码
#
# Here is a whole worker program, as you would start it on each machine. It first tries Keras 3's
# `model.fit` under `MultiWorkerMirroredStrategy`, then trains with the custom loop: chapter 4's
# step inside `strategy.run`, the loss divided by the global batch, one graph per epoch. Every
# worker builds the same batches and keeps its own half of each (`distribute_dataset` shards by
# data: the digits are in memory, not in files). Two seeds fix the batches, as in this notebook:
# the global one (`keras.utils.set_random_seed(0)`) and the dataset's (`seed=0`); without the
# global one, TensorFlow derives the shuffle's seed from a default and the order changes. The cell
# below saves it as a file; read it there:
#
# **中文：** 下面是一个完整的工作进程程序，就像你在每台机器上启动的那样。它先尝试在
# `MultiWorkerMirroredStrategy` 下使用 Keras 3 的 `model.fit`，然后用自定义循环训练：
# 第 4 章的训练步放在 `strategy.run` 里，损失除以全局批大小，每个 epoch 一张计算图。
# 每个工作进程构造同样的批次，只保留每个批次中属于自己的那一半
# （`distribute_dataset` 按数据分片：图片在内存中，而不是在文件里）。和本笔记本一样，
# 批次由两个随机种子确定：全局种子（`keras.utils.set_random_seed(0)`）和数据集的种子
# （`seed=0`）；没有全局种子时，TensorFlow 会从一个默认值推出打乱用的种子，顺序就变了。
# 下面的单元格把它存成文件；
# 请在单元格里读一读：

# %%
workspace = tempfile.TemporaryDirectory(prefix="mnist_chapter_9_")
workdir = Path(workspace.name)
digits = workdir / "digits.npz"
np.savez(digits, x_train=x_train_raw, y_train=y_train, x_test=x_test_raw, y_test=y_test)
worker_program = workdir / "two_workers.py"
worker_program.write_text(
    '''"""One worker of a MultiWorkerMirroredStrategy job: Keras 3's fit, then the custom loop."""
import sys
import time

import keras
import numpy as np
import tensorflow as tf

from mnist_helpers import build_model, distribute_dataset, make_dataset, normalize_images
from mnist_helpers import weights_digest

GLOBAL_BATCH, EPOCHS = 64, 3
keras.utils.set_random_seed(0)  # With the dataset's seed, the same batches as the notebook's.
strategy = tf.distribute.MultiWorkerMirroredStrategy()  # Reads the cluster from TF_CONFIG.
digits = np.load(sys.argv[1])
x, y = normalize_images(digits["x_train"]), digits["y_train"]

# 1. Keras 3's fit under this strategy.
with strategy.scope():
    fit_model = build_model(seed=0)
    fit_model.compile("adam", keras.losses.SparseCategoricalCrossentropy(from_logits=True))
try:
    fit_model.fit(make_dataset(x, y, GLOBAL_BATCH, seed=0), epochs=1, verbose=0)
    print("fit: trained")
except ValueError as error:
    print("fit:", type(error).__name__, str(error).splitlines()[0][:60])

# 2. The custom loop: chapter 4's step, run on each replica by strategy.run.
with strategy.scope():  # One copy of each variable per replica, kept in step.
    model = build_model(seed=0)
    optimizer = keras.optimizers.Adam(1e-3)
    optimizer.build(model.trainable_weights)  # Adam's variables now, not inside the graph.
per_example_loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True, reduction="none")


def replica_step(x, y):
    with tf.GradientTape() as tape:
        losses = per_example_loss(y, model(x, training=True))
        loss = tf.nn.compute_average_loss(losses, global_batch_size=GLOBAL_BATCH)
    gradients = tape.gradient(loss, model.trainable_weights)
    optimizer.apply_gradients(zip(gradients, model.trainable_weights))  # All-reduces first.
    return loss


@tf.function
def run_epoch(batches):
    loss_sum, steps = tf.constant(0.0), tf.constant(0.0)
    for x, y in batches:
        replica_losses = strategy.run(replica_step, args=(x, y))
        loss_sum += strategy.reduce("SUM", replica_losses, axis=None)
        steps += 1
    return loss_sum / steps


# Every worker builds the same batches (same seed) and keeps its own half of each one.
batches = distribute_dataset(strategy, make_dataset(x, y, GLOBAL_BATCH, seed=0))
for epoch in range(1, EPOCHS + 1):
    started = time.perf_counter()
    loss = float(run_epoch(batches))
    print(f"epoch {epoch}: loss {loss:.4f}, {time.perf_counter() - started:.2f} s")
print("weights:", weights_digest(model))
'''
)
print(f"{worker_program.name}: {len(worker_program.read_text().splitlines())} lines")

# %% [markdown]
# `LocalCluster` starts two copies of it on 127.0.0.1, each with its `TF_CONFIG`, and waits:
#
# **中文：** `LocalCluster` 在 127.0.0.1 上启动它的两个副本，各带自己的 `TF_CONFIG`，
# 并等待它们结束：

# %% tags=["nbval-ignore-output"]
command = [sys.executable, str(worker_program), str(digits)]
with LocalCluster(command, 2, workdir / "worker_logs") as cluster:
    cluster.wait(timeout=1200)
worker_logs = [cluster.log(index).splitlines() for index in range(2)]
for index, lines in enumerate(worker_logs):
    print(f"worker {index}:")
    print("\n".join("  " + line for line in lines if line.startswith(("fit:", "epoch", "weights"))))

# %%
fit_lines = [next(line for line in lines if line.startswith("fit:")) for lines in worker_logs]
digests = [next(line for line in lines if line.startswith("weights:")) for lines in worker_logs]
assert all("ValueError Attempt to convert a value (PerReplica" in line for line in fit_lines)
assert digests[0] == digests[1]  # Bit-for-bit the same weights on both workers.
for lines in worker_logs:
    epoch_lines = [line for line in lines if line.startswith("epoch")]
    worker_losses = [float(line.split("loss ")[1].split(",")[0]) for line in epoch_lines]
    np.testing.assert_allclose(worker_losses, mirrored_history["loss"], atol=1.5e-4)

# %% [markdown]
# Both workers end with bit-for-bit the same weights (the SHA-256 of all their bytes is equal),
# and their epoch losses are the `MirroredStrategy` run's, to the 4 decimals they print: same
# batches, same initial weights, same steps. And `fit` failed on both, before its first step.
#
# **中文：** 两个工作进程最终的权重逐位相同（全部字节的 SHA-256 相等），每个 epoch 的损失
# 与 `MirroredStrategy` 那次训练在它们打印的 4 位小数上相同：批次相同、初始权重相同、训练步相同。
# 而 `fit` 在两个工作进程上都失败了，连第一步都没有开始。
#
# ### Why `model.fit` fails on two worker processes · 为什么 `model.fit` 跨工作进程会失败
#
# Keras 3's `fit` hands the per-replica batches (a `PerReplica` value) to an operation that
# expects one tensor. It is a known limitation, not a mistake in this code: the TensorFlow
# tutorial "Multi-worker training with Keras" fails the same way since TensorFlow 2.16 made
# Keras 3 the default ([tensorflow/tensorflow#72388](https://github.com/tensorflow/tensorflow/issues/72388),
# [keras-team/keras#20585](https://github.com/keras-team/keras/issues/20585), where the
# question is still open). `fit` still
# works under `MirroredStrategy` in one process. Two ways out: the custom loop, as above (what
# `train_distributed` and the main job use; the same limitation reaches `model.predict`, so the
# workers compute their test logits by calling the model), or Keras 2: `pip install tf_keras`
# and set the environment variable `TF_USE_LEGACY_KERAS=1` before TensorFlow is imported;
# `tf.keras` is then Keras 2, whose `fit` supports this strategy (the workaround given in
# tensorflow/tensorflow#72388). Keras 2 gets only fixes now, so the course stays on Keras 3.
#
# **中文：** Keras 3 的 `fit` 把每副本批次（一个 `PerReplica` 值）交给了一个只接受单个张量的
# 运算。这是已知的限制，而不是这段代码的错误：自从 TensorFlow 2.16 把 Keras 3 设为默认以来，
# TensorFlow 教程《Multi-worker training with Keras》也以同样的方式失败
# （[tensorflow/tensorflow#72388](https://github.com/tensorflow/tensorflow/issues/72388)、
# [keras-team/keras#20585](https://github.com/keras-team/keras/issues/20585)，
# 这个问题在后者中仍未解决）。在单进程的 `MirroredStrategy` 下
# `fit` 仍然可用。出路有两条：像上面那样用自定义循环（`train_distributed` 和主任务用的就是它；
# 同样的限制也影响 `model.predict`，所以工作进程直接调用模型来计算测试集的 logits），
# 或者用 Keras 2：`pip install tf_keras`，并在导入 TensorFlow 之前设置环境变量
# `TF_USE_LEGACY_KERAS=1`；这时 `tf.keras` 就是 Keras 2，它的 `fit` 支持这个策略
# （tensorflow/tensorflow#72388 中给出的变通办法）。Keras 2 现在只做修复，所以本课程继续用 Keras 3。
#
# ### The main job: `--workers` · 主任务：`--workers`
#
# `python -m mnist_helpers --workers 2` does the same through the course's main job: it starts
# two workers on 127.0.0.1 (free ports chosen now), each running `train_distributed`, waits for
# them, and writes one report. We give it the same 4,000 digits as an `.npz` file. A job can
# fail (a worker lost under load, say), so we check its exit status before reading its report:
#
# **中文：** `python -m mnist_helpers --workers 2` 通过课程的主任务做同样的事：它在 127.0.0.1
# 上启动两个工作进程（端口在运行时选取空闲端口），每个都运行 `train_distributed`，等待它们结束，
# 并写出一份报告。我们把同样的 4,000 张图片存成 `.npz` 文件交给它。任务可能失败
# （比如机器负载过重时丢了一个工作进程），所以先检查它的退出状态，再读它的报告：

# %%
job = [sys.executable, "-m", "mnist_helpers", "--workers", "2", "--source", str(digits)]
job += ["--epochs", str(EPOCHS), "--output", str(workdir / "two_workers"), "--no-progress"]
finished = subprocess.run(job, capture_output=True, text=True, timeout=1200)
if finished.returncode != 0:
    raise RuntimeError(f"The job failed, exit status {finished.returncode}: {finished.stderr}")
report = json.loads((workdir / "two_workers" / "metrics.json").read_text())
print(f"{report['workers']} workers, {report['replicas']} replicas")
print(f"identical weights on every worker: {report['identical_weights']}")
print(f"test accuracy {report['test_accuracy']:.1%} (single process {single_accuracy:.1%})")

# %%
assert report["identical_weights"]
assert abs(report["test_accuracy"] - single_accuracy) <= 0.01

# %% [markdown]
# ## What the all-reduce costs · 全归约的代价
#
# Every step, each worker contributes all its gradients to the all-reduce: one float32 per
# parameter. Then we time an epoch of the same loop on one replica in this process, against the
# two workers above (epochs after the first, which traces the graph):
#
# **中文：** 每一步，每个工作进程都要把它的全部梯度送入全归约：每个参数一个 float32。
# 然后我们在本进程中用一个副本运行同样的循环并计时，与上面的两个工作进程比较
# （不计第一个 epoch，它要追踪计算图）：

# %%
step_bytes = gradient_bytes(single_model)
print(f"gradients per step: {step_bytes:,} bytes ({step_bytes / 1e6:.1f} MB)")

# %%
assert step_bytes == 4 * single_model.count_params() == 3_275_880

# %% tags=["nbval-ignore-output"]
one_replica = tf.distribute.OneDeviceStrategy("/cpu:0")
with one_replica.scope():
    one_replica_model = build_model(seed=0)
epoch_ends = [time.perf_counter()]
train_distributed(
    one_replica,
    one_replica_model,
    fresh_batches(),
    global_batch_size=GLOBAL_BATCH,
    epochs=EPOCHS,
    on_epoch_end=lambda epoch: epoch_ends.append(time.perf_counter()),
)
one_epoch = float(np.median(np.diff(epoch_ends)[1:]))
epoch_lines = [line for line in worker_logs[0] if line.startswith("epoch")]
worker_seconds = [float(line.split(", ")[-1].removesuffix(" s")) for line in epoch_lines]
two_epoch = float(np.median(worker_seconds[1:]))
print(f"1 replica, this process: {one_epoch:.2f} s per epoch")
print(f"2 worker processes:      {two_epoch:.2f} s per epoch ({two_epoch / one_epoch:.1f}x)")
print(f"exchanged per epoch: {len(fresh_batches())} steps x {step_bytes / 1e6:.1f} MB per worker")

# %% [markdown]
# On this 2-core machine two workers have nothing to gain over one replica, and in the run
# stored above they are slower, by a factor that depends on the load (the timings vary from run to
# run, so no assert checks them). They add no arithmetic power, since both processes share the
# same two cores, and each of the 63 steps must wait for the other worker and move 3.3 MB
# between them. Data parallelism pays off when each worker brings its own compute (another
# machine, a GPU) and a step's computation takes longer than exchanging its gradients: with a
# 10 Gb/s network, 3.3 MB takes about 3 ms.
#
# **中文：** 在这台双核机器上，两个工作进程比一个副本没有任何优势；在上面保存的这次运行中
# 它们更慢，慢多少取决于机器负载（计时每次运行都不同，所以没有 assert 检查它）。
# 它们没有增加算力，因为两个进程共用同样的两个核；而且 63 步中的每一步都要等待另一个工作进程，
# 并在两者之间传输 3.3 MB。数据并行只有在每个工作进程都带来自己的算力
# （另一台机器、一块 GPU），并且一步的计算时间长于交换梯度的时间时才划算：在 10 Gb/s 的网络上，
# 3.3 MB 约需 3 毫秒。
#
# How much computation comes per byte exchanged? A dense layer with `n_in` inputs and `n_out`
# outputs does `batch x n_in x n_out` multiply-adds forward and twice that backward, and
# exchanges `n_in x n_out` weights: the ratio is set by the per-worker batch, not by the width
# of the layer. A wider model sends more bytes and computes more, in the same proportion.
# Counted for our model and one with hidden layers twice as wide:
#
# **中文：** 每交换一个字节，对应多少计算？一个有 `n_in` 个输入、`n_out` 个输出的全连接层，前向要做
# `batch x n_in x n_out` 次乘加，反向再做两倍，而要交换的是 `n_in x n_out` 个权重：
# 两者之比由每个工作进程的批大小决定，而不是由层的宽度决定。更宽的模型发送的字节更多，
# 计算也更多，两者按同样的比例增长。下面为我们的模型以及隐藏层加宽一倍的模型算一算：

# %%
assert round(step_bytes * 8 / 10e9 * 1000) == 3  # Milliseconds for 3.3 MB at 10 Gb/s.


def flops_per_byte(layer_sizes, per_worker_batch):
    """Training FLOPs per byte of gradients exchanged, for a stack of dense layers."""
    pairs = list(zip(layer_sizes[:-1], layer_sizes[1:], strict=True))
    multiply_adds = 3 * per_worker_batch * sum(n_in * n_out for n_in, n_out in pairs)
    exchanged = 4 * sum(n_in * n_out + n_out for n_in, n_out in pairs)
    return 2 * multiply_adds / exchanged  # 2 FLOPs per multiply-add.


ours = [784] + [layer.units for layer in single_model.layers]
wider = [784, 2 * ours[1], 2 * ours[2], 10]
for batch in (32, 64):
    print(
        f"per-worker batch {batch}: {flops_per_byte(ours, batch):5.1f} FLOPs per byte for "
        f"{ours}, {flops_per_byte(wider, batch):5.1f} for {wider}"
    )

# %%
assert ours == [784, 784, 256, 10]
assert abs(flops_per_byte(wider, 32) / flops_per_byte(ours, 32) - 1) < 0.01
assert abs(flops_per_byte(ours, 64) / flops_per_byte(ours, 32) - 2) < 1e-9

# %% [markdown]
# ## When a worker dies, and checkpoints · 当一个工作进程死掉时，以及检查点
#
# If one worker dies, the others cannot finish their next all-reduce. They do not hang:
# `MultiWorkerMirroredStrategy` starts TensorFlow's coordination service, whose heartbeats
# notice a silent worker within seconds and abort the collective operations of the others with
# an `UnavailableError` that names the lost task (`/job:worker/replica:0/task:1`), and the
# workers' `tf.distribute.experimental.CommunicationOptions(timeout_seconds=...)` bounds any
# all-reduce that waits too long. The main job then stops with `Lost worker 1 (127.0.0.1:port):
# it was killed by SIGKILL. Worker 0 stopped ... s later ...`; `tests/test_distributed.py`
# kills a worker during epoch 2 and checks exactly this.
#
# **中文：** 如果一个工作进程死掉，其他工作进程就无法完成下一次全归约。但它们不会一直卡住：
# `MultiWorkerMirroredStrategy` 会启动 TensorFlow 的协调服务（coordination service），
# 它的心跳在几秒内发现沉默的工作进程，并以一个指明丢失任务（`/job:worker/replica:0/task:1`）的
# `UnavailableError` 中止其他工作进程的集合通信操作；工作进程设置的
# `tf.distribute.experimental.CommunicationOptions(timeout_seconds=...)` 则为等待过久的全归约
# 设定了上限。随后主任务以 `Lost worker 1 (127.0.0.1:port): it was killed by SIGKILL. Worker 0
# stopped ... s later ...` 结束；`tests/test_distributed.py` 会在第 2 个 epoch 中杀死一个工作进程，
# 并检查的正是这一点。
#
# What was trained is not lost if the job saves a checkpoint every epoch
# (`tf.train.CheckpointManager`: the model's weights, Adam's moment estimates and the epoch
# number). A restarted job with the same checkpoint folder (`--checkpoints DIR`) resumes after
# the last saved epoch instead of at epoch 1. Here a job stops after epoch 1 and is started
# again:
#
# **中文：** 如果任务每个 epoch 都保存检查点（`tf.train.CheckpointManager`：模型权重、Adam 的
# 一阶、二阶矩估计和 epoch 编号），已经训练的部分就不会丢失。用同一个检查点目录
# （`--checkpoints DIR`）重新启动的任务，会从最后保存的 epoch 之后继续，而不是从第 1 个 epoch
# 开始。下面的任务在第 1 个 epoch 后停止，然后重新启动：

# %% tags=["nbval-ignore-output"]
checkpoints = workdir / "checkpoints"
keras.utils.set_random_seed(0)
with mirrored.scope():
    stopped_model = build_model(seed=0)
train_distributed(
    mirrored, stopped_model, fresh_batches(), GLOBAL_BATCH, 1, checkpoint_dir=checkpoints
)
# What the checkpoint holds, restored into a new model and Adam.
saved_model = build_model(seed=0)
saved_optimizer = keras.optimizers.Adam(1e-3)
saved_optimizer.build(saved_model.trainable_weights)
saved_epoch = tf.Variable(0, dtype=tf.int64)
saved = tf.train.Checkpoint(model=saved_model, optimizer=saved_optimizer, epoch=saved_epoch)
saved.restore(tf.train.latest_checkpoint(checkpoints)).expect_partial()
saved_steps = int(saved_optimizer.iterations.numpy())
print(f"the checkpoint: epoch {int(saved_epoch.numpy())}, Adam's step count {saved_steps}")
same_weights = weights_digest(saved_model) == weights_digest(stopped_model)
print(f"its weights are the stopped model's: {same_weights}")
with mirrored.scope():
    restarted_model = build_model(seed=0)
resumed = train_distributed(
    mirrored, restarted_model, fresh_batches(), GLOBAL_BATCH, EPOCHS, checkpoint_dir=checkpoints
)
resumed_accuracy = evaluate(restarted_model, x_test, y_test).accuracy
print(f"the restarted job trained {len(resumed['loss'])} epochs")
print(f"test accuracy {resumed_accuracy:.1%} (uninterrupted {mirrored_accuracy:.1%})")

# %%
assert int(saved_epoch.numpy()) == 1 and saved_steps == len(fresh_batches()) == 63
assert weights_digest(saved_model) == weights_digest(stopped_model)
assert len(resumed["loss"]) == EPOCHS - 1
assert abs(resumed_accuracy - mirrored_accuracy) <= 0.03
assert weights_digest(restarted_model) != weights_digest(mirrored_model)

# %% [markdown]
# The checkpoint holds exactly the stopped job's state: epoch 1, Adam's step count 63 (one
# epoch's steps) and the stopped model's weights, bit for bit. The restarted job trained epochs
# 2 and 3 only, and ended within three points of the uninterrupted run, but not bit-for-bit
# equal: it starts from the same state, yet its new dataset starts its shuffles again (a fresh
# dataset's first pass is the first pass, as shown at the start), so its epochs 2 and 3 see the
# batches that the uninterrupted run's epochs 1 and 2 saw.
#
# **中文：** 检查点里保存的正是停下的任务的状态：epoch 1、Adam 的步数 63（一个 epoch 的步数），
# 以及与停下的模型逐位相同的权重。重新启动的任务只训练了第 2 和第 3 个 epoch，最终与不中断的训练
# 相差不到 3 个百分点，但不是逐位相同：它从同样的状态出发，可是新的数据集重新开始打乱
# （新建数据集的第一遍就是第一遍，本章开头已经演示过），所以它的第 2、3 个 epoch 看到的是
# 不中断训练第 1、2 个 epoch 的批次。
#
# ## The classroom notebook's question, in a cluster · 原笔记本的问题，放到集群中
#
# > **Q:** What does 'one step' refer to? Is it related to `dataset.shuffle()`, `buffer_size`
# > and `batch`?
#
# With several replicas, **one step is still one global batch**: `batch(64)` sets 64 digits
# per step in all, so an epoch of the 4,000 digits is still 63 steps, whatever the number of
# replicas; each replica handles 64 / replicas of them, and the step ends with one all-reduce.
# The shuffle buffer keeps its meaning, and every worker must use the same shuffle seed, so
# that the workers cut the same global batches.
#
# **中文：** 有多个副本时，**一步仍然是一个全局批次**：`batch(64)` 规定每一步一共 64 张图片，
# 所以无论有多少个副本，4,000 张图片的一个 epoch 仍然是 63 步；每个副本处理其中 64 / 副本数 张，
# 每一步以一次全归约结束。shuffle 缓冲区的含义不变，但每个工作进程都必须使用同一个打乱种子，
# 这样各个工作进程切分的才是同样的全局批次。

# %%
steps = len(fresh_batches())
assert steps == 63 == len(list(distribute_dataset(mirrored, fresh_batches())))

# %% [markdown]
# ## Clean up · 清理
#
# The temporary folder holds the digits, the worker logs, the job's report and model, and the
# checkpoints (tens of MB): remove it.
#
# **中文：** 临时目录里有图片、工作进程的日志、任务的报告和模型，以及检查点（几十 MB）：删掉它。

# %%
workspace.cleanup()
assert not workdir.exists()

# %% [markdown]
# ## Summary · 小结
#
# - Data parallelism: each replica takes a slice of the global batch (global batch =
#   per-replica batch x `num_replicas_in_sync`); gradients are summed by an all-reduce; the
#   copies stay identical.
# - Divide each replica's summed loss by the global batch (`tf.nn.compute_average_loss`). Divided
#   by its own batch instead, the summed gradient grows with the number of replicas: for SGD that
#   is a larger learning rate; Adam barely notices, since it divides by the gradients' scale.
# - A partial last batch is divided by the global batch too, so it counts half as much here;
#   without one, two replicas compute the single process's steps to 4 decimals of the loss.
# - `MirroredStrategy` for devices of one process, `MultiWorkerMirroredStrategy` plus
#   `TF_CONFIG` for processes and machines; the loop is the same.
# - On Keras 3, `model.fit` fails with two workers (keras-team/keras#20585): use the custom loop,
#   or Keras 2 through `tf_keras`.
# - A worker's death ends the job within seconds, naming the worker; checkpoints let it resume.
# - More workers on one small machine are slower; they pay off with their own compute and
#   enough computation per byte exchanged, which for dense layers grows with the per-worker batch.
#
# **中文小结：**
#
# - 数据并行：每个副本处理全局批次的一片（全局批大小 = 每副本批大小 x `num_replicas_in_sync`）；
#   梯度经全归约相加；各份模型保持一致。
# - 每个副本的损失之和要除以全局批大小（`tf.nn.compute_average_loss`）。如果除以自己的批大小，
#   相加后的梯度会随副本数增大：对 SGD 来说相当于更大的学习率；Adam 几乎察觉不到，
#   因为它会除以梯度的尺度。
# - 不完整的最后一个批次同样除以全局批大小，所以在这里它只按一半计入；没有这样的批次时，
#   两个副本计算的训练步与单进程相同，损失在小数点后 4 位一致。
# - 单进程多设备用 `MirroredStrategy`，多进程多机器用 `MultiWorkerMirroredStrategy` 加
#   `TF_CONFIG`；循环是同一个。
# - Keras 3 中 `model.fit` 在两个工作进程上失败（keras-team/keras#20585）：请用自定义循环，
#   或者通过 `tf_keras` 使用 Keras 2。
# - 工作进程死掉时，任务在几秒内结束并指明是哪个工作进程；检查点让任务可以续训。
# - 在一台小机器上，工作进程越多越慢；只有每个工作进程带来自己的算力，并且每交换一个字节对应
#   足够多的计算时，才划算；对全连接层来说，这个比例随每个工作进程的批大小增长。
#
# ## Exercises · 练习
#
# 1. How many bytes would each step exchange if the model were trained in float16? And with
#    the hidden layers doubled to 1,568 and 512 units?
#
#    **中文：** 如果用 float16 训练，每一步交换多少字节？如果隐藏层加倍到 1,568 和 512 个单元呢？

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["solution", "hide-cell"]
# Solution 1: one value per parameter, so bytes = parameters x bytes per value. float16 halves
# it; doubling the hidden layers multiplies the big first matrix by 2 and the second by 4.
# 解答 1：每个参数一个值，所以字节数 = 参数个数 × 每个值的字节数。float16 减半；隐藏层加倍后，
# 第一个大矩阵变为 2 倍，第二个变为 4 倍。
float16_bytes = 2 * single_model.count_params()
wider_bytes = 4 * (784 * 1568 + 1568 + 1568 * 512 + 512 + 512 * 10 + 10)
assert float16_bytes == step_bytes // 2 and wider_bytes > 2 * step_bytes

# %% [markdown]
# 2. Divide each replica's loss by its own batch (32) instead of the global batch. What happens
#    to the update with SGD and with Adam, and which learning rate would undo it for SGD?
#
#    **中文：** 如果每个副本除以自己的批大小（32）而不是全局批大小，用 SGD 和用 Adam 时，
#    更新各会怎样？对 SGD 来说，什么学习率能抵消它？

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["solution", "hide-cell"]
# Solution 2: the summed gradient doubles (local_sum is 2x whole, checked above). For SGD,
# halving the learning rate undoes it exactly: the update is learning rate x gradient. Adam
# divides by the gradients' running scale, so the doubled gradients move it almost the same.
# 解答 2：相加后的梯度翻倍（上面已验证 local_sum 是 whole 的 2 倍）。对 SGD，学习率减半
# 即可完全抵消：更新就是“学习率 x 梯度”。Adam 会除以梯度的滑动尺度，所以翻倍的梯度
# 让它移动的距离几乎不变。
ratios = [np.linalg.norm(a) / np.linalg.norm(b) for a, b in zip(local_sum, whole, strict=True)]
sgd_halved_rate = weight_change(keras.optimizers.SGD(0.05), 2)
assert all(abs(r - 2) < 1e-3 for r in ratios)
assert np.allclose(sgd_halved_rate, sgd, rtol=1e-5, atol=1e-8)
assert abs(size(adam_doubled_loss) / size(adam) - 1) < 0.02

# %% [markdown]
# 3. With a global batch of 64 and 2 workers, how many digits does each worker see per epoch
#    of the 4,000, and how many steps does it run? What changes with a global batch of 128?
#
#    **中文：** 全局批大小为 64、2 个工作进程时，每个工作进程每个 epoch 看到多少张图片、
#    运行多少步？全局批大小改为 128 呢？

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["solution", "hide-cell"]
# Solution 3: every worker runs every step (63 for batch 64, 32 for batch 128) and sees half
# of each global batch, so half the digits: 2,000 per epoch either way.
# 解答 3：每个工作进程都运行每一步（批大小 64 时 63 步，128 时 32 步），看到每个全局批次的
# 一半，所以每个 epoch 都是 2,000 张。
halves = [
    sum(int(part.shape[0]) for part in mirrored.experimental_local_results(x)[:1])
    for x, _ in distribute_dataset(mirrored, fresh_batches())
]
assert sum(halves) == 2000 and len(halves) == 63
assert len(make_dataset(x_train, y_train, batch_size=128, seed=0)) == 32
