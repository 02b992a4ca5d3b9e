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
# worker processes started through the main job, and check that they end with identical weights
# and the accuracy of the single-process loop; then you measure what the exchange of gradients
# costs, see why `model.fit` fails with two workers on Keras 3, and resume from a checkpoint.**
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
# 课程的训练循环并不只限于一台机器：`tf.distribute` 在多个*副本*（replica）上运行同一个
# `tf.GradientTape` 训练步，每个副本都保存一份模型。每个全局批次被切成若干片，每个副本一片；
# 每个副本计算自己那一片的梯度，各副本把梯度相加（即 *all-reduce*，全规约），然后每份模型都
# 做同样的更新。我们先在一个进程的两个逻辑 CPU 设备上用 `MirroredStrategy` 做一遍，再在
# 127.0.0.1 上的两个进程之间用 `MultiWorkerMirroredStrategy` 做一遍，并看看代价：在一台小机器上，
# 两个 worker 比一个慢。

# %% [markdown]
# ## Setup · 准备
#
# Logical devices must be declared before TensorFlow starts its runtime, so the imports cell
# splits the one physical CPU into two logical devices first. Chapter 4 explained `train`,
# chapter 5 `evaluate`; the distributed helpers live in `mnist_helpers/distributed.py` (the
# training loop), `cluster.py` (worker processes) and `worker.py` (the main job's workers).
#
# 逻辑设备必须在 TensorFlow 启动运行时之前声明，所以导入单元格先把唯一的物理 CPU 分成两个
# 逻辑设备。第 4 章讲过 `train`，第 5 章讲过 `evaluate`；分布式相关的辅助函数在
# `mnist_helpers/distributed.py`（训练循环）、`cluster.py`（worker 进程）和 `worker.py`
# （主任务的 worker）中。

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
import statistics
import subprocess
import sys
import tempfile
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
# Every run below trains 3 epochs on a fixed slice of 4,000 training digits (all of the
# embedded sample; the first 4,000 of the full MNIST), so that the chapter stays under a minute
# on 2 cores whichever dataset is loaded. The test set is used whole.
#
# 下面每次训练都在固定的 4,000 张训练图片上训练 3 个 epoch（即整个内置样本；完整 MNIST 时取前
# 4,000 张），这样无论加载哪个数据集，本章在双核机器上都能在一分钟内跑完。测试集完整使用。

# %%
TRAIN_DIGITS, EPOCHS, GLOBAL_BATCH = 4000, 3, 64
(x_train_raw, y_train), (x_test_raw, y_test) = load_mnist()
x_train_raw, y_train = x_train_raw[:TRAIN_DIGITS], y_train[:TRAIN_DIGITS]
x_train, x_test = normalize_images(x_train_raw), normalize_images(x_test_raw)
print(f"{len(x_train):,} training digits, {len(x_test):,} test digits")

# %% [markdown]
# ## The reference: the single-process loop · 基准：单进程循环
#
# First the course's loop from chapter 4, in this one process, on the same digits, batches and
# initial weights. Every distributed run is compared with its test accuracy.
#
# 先在本进程中运行第 4 章的课程循环，使用同样的图片、批次和初始权重。之后的每次分布式训练都与
# 它的测试准确率比较。

# %%
keras.utils.set_random_seed(0)
single_model = build_model(seed=0)
single_data = make_dataset(x_train, y_train, batch_size=GLOBAL_BATCH, seed=0)
single_history = train(single_model, single_data, epochs=EPOCHS, progress=False)
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
# One step is still one (global) batch. With two replicas, each one sees a *per-replica batch*
# of 64 / 2 = 32 digits. `distribute_dataset` (a thin wrapper of
# `strategy.experimental_distribute_dataset`) does the cutting:
#
# 一步仍然是一个（全局）批次。有两个副本时，每个副本看到的是 64 / 2 = 32 张图片的
# *每副本批次*（per-replica batch）。切分由 `distribute_dataset`（对
# `strategy.experimental_distribute_dataset` 的简单封装）完成：

# %%
mirrored = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
first_batch = next(iter(distribute_dataset(mirrored, single_data)))
images, labels = first_batch
per_replica = [tuple(part.shape) for part in mirrored.experimental_local_results(images)]
print(f"{mirrored.num_replicas_in_sync} replicas, per-replica image batches: {per_replica}")

# %%
assert per_replica == [(32, 784), (32, 784)]

# %% [markdown]
# ## Why the loss is divided by the global batch · 为什么损失要除以全局批大小
#
# On one device the loss of a step is the *mean* over the batch of 64. Each replica sees only
# 32 digits; if it took the mean of its own 32, adding the two replicas' gradients would give
# *twice* the gradient of the batch mean, as if the learning rate were doubled. So each
# replica sums its per-example losses and divides by the **global** batch size, 64:
# `tf.nn.compute_average_loss(per_example_loss, global_batch_size=64)`. The sum over replicas
# is then exactly the mean over the whole batch. Checked on the first batch:
#
# 在单个设备上，一步的损失是 64 个样本的*平均值*。每个副本只看到 32 张图片；如果每个副本取
# 自己 32 张的平均，两个副本的梯度相加就会是整批平均损失梯度的*两倍*，相当于学习率翻倍。
# 所以每个副本把逐样本损失相加，再除以**全局**批大小 64：
# `tf.nn.compute_average_loss(per_example_loss, global_batch_size=64)`。各副本之和就正好等于
# 整个批次上的平均值。在第一个批次上验证：

# %%
check_model = build_model(seed=0)
per_example_loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True, reduction=None)


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
# ## Two replicas in one process: `MirroredStrategy` · 一个进程中的两个副本：`MirroredStrategy`
#
# The model, its optimizer and its metric must be created inside `strategy.scope()`: their
# variables then exist once per replica and stay in step. `train_distributed` runs the
# chapter 4 step through `strategy.run` on every replica, with the loss divided by the global
# batch; Adam's `apply_gradients` all-reduces the gradients before it updates the weights.
#
# 模型、优化器和指标必须在 `strategy.scope()` 中创建：这样它们的变量在每个副本上各有一份，
# 并保持同步。`train_distributed` 通过 `strategy.run` 在每个副本上运行第 4 章的训练步，
# 损失除以全局批大小；Adam 的 `apply_gradients` 先对梯度做 all-reduce，再更新权重。

# %%
keras.utils.set_random_seed(0)
with mirrored.scope():
    mirrored_model = build_model(seed=0)
mirrored_history = train_distributed(
    mirrored, mirrored_model, single_data, global_batch_size=GLOBAL_BATCH, epochs=EPOCHS
)
mirrored_accuracy = evaluate(mirrored_model, x_test, y_test).accuracy
print(f"MirroredStrategy, 2 replicas: test accuracy {mirrored_accuracy:.1%}")
print(f"single process:               test accuracy {single_accuracy:.1%}")

# %%
assert abs(mirrored_accuracy - single_accuracy) <= 0.01
# Same steps, summed in another order: float32 rounding grows a little with every epoch.
assert np.allclose(mirrored_history["loss"], single_history["loss"], rtol=0.1), (
    mirrored_history["loss"],
    single_history["loss"],
)

# %% [markdown]
# The two replicas compute the same steps as one device: the loss per epoch agrees with the
# single-process loop to within a few percent (the same sums in another order round
# differently, and the differences grow with every epoch), and the test accuracy to within a
# point.
#
# 两个副本计算的是与单个设备相同的训练步：每个 epoch 的损失与单进程循环只差几个百分点（同样的
# 求和换了顺序，舍入误差不同，而且每个 epoch 都会略微放大），测试准确率相差不到 1 个百分点。
#
# ## Many processes: `TF_CONFIG` · 多个进程：`TF_CONFIG`
#
# With several machines, each runs one *worker* process, and each worker learns the cluster
# from its `TF_CONFIG` environment variable: every worker's address, and which one it is.
# Worker 0 of two workers on this machine would read:
#
# 有多台机器时，每台运行一个 *worker* 进程，每个 worker 从环境变量 `TF_CONFIG` 得知集群的情况：
# 所有 worker 的地址，以及自己是哪一个。在本机上两个 worker 中的 0 号会读到：

# %%
print(tf_config(["127.0.0.1:12345", "127.0.0.1:12346"], 0))

# %%
assert json.loads(tf_config(["127.0.0.1:12345", "127.0.0.1:12346"], 0))["task"]["index"] == 0

# %% [markdown]
# `python -m mnist_helpers --workers 2` starts two such workers on 127.0.0.1 (free ports chosen
# now), waits for them, and writes one report. Each worker builds the same batches from the
# same seed and keeps its half of each (sharding by data: the digits are in memory, not in
# files). We give it the same 4,000 digits as an `.npz` file:
#
# `python -m mnist_helpers --workers 2` 在 127.0.0.1 上启动两个这样的 worker（端口在运行时选取
# 空闲端口），等待它们结束，并写出一份报告。每个 worker 用同一个随机种子构造同样的批次，
# 只保留每个批次中属于自己的那一半（按数据分片：图片在内存中，而不是在文件里）。
# 我们把同样的 4,000 张图片存成 `.npz` 文件交给它：

# %%
workdir = Path(tempfile.mkdtemp(prefix="chapter9-"))
digits = workdir / "digits.npz"
np.savez(digits, x_train=x_train_raw, y_train=y_train, x_test=x_test_raw, y_test=y_test)
job = [sys.executable, "-m", "mnist_helpers", "--workers", "2", "--source", str(digits)]
job += ["--epochs", str(EPOCHS), "--output", str(workdir / "two_workers"), "--no-progress"]
finished = subprocess.run(job, capture_output=True, text=True, timeout=600)
report = json.loads((workdir / "two_workers" / "metrics.json").read_text())
print(f"{report['workers']} workers, {report['replicas']} replicas")
print(f"identical weights on every worker: {report['identical_weights']}")
print(f"test accuracy {report['test_accuracy']:.1%} (single process {single_accuracy:.1%})")

# %%
assert finished.returncode == 0, finished.stderr[-2000:]
digests = [
    json.loads((workdir / "two_workers" / f"worker-{index}.json").read_text())["weights_digest"]
    for index in (0, 1)
]
assert report["identical_weights"] and digests[0] == digests[1]
assert abs(report["test_accuracy"] - single_accuracy) <= 0.01

# %% [markdown]
# Both workers hold bit-for-bit the same weights (the SHA-256 of all their bytes is equal),
# and their test accuracy is within a point of the single-process loop.
#
# 两个 worker 的权重逐位相同（全部字节的 SHA-256 相等），测试准确率与单进程循环相差不到
# 1 个百分点。
#
# ## What the all-reduce costs · all-reduce 的代价
#
# Every step, each worker contributes all its gradients to the all-reduce: one float32 per
# parameter. Then we time an epoch of the same loop on one replica in this process, against the
# two workers (epochs after the first, which traces the graph):
#
# 每一步，每个 worker 都要把它的全部梯度送入 all-reduce：每个参数一个 float32。然后我们在本进程
# 中用一个副本运行同样的循环并计时，与两个 worker 比较（不计第一个 epoch，它要追踪计算图）：

# %%
step_bytes = gradient_bytes(single_model)
print(f"gradients per step: {step_bytes:,} bytes ({step_bytes / 1e6:.1f} MB)")

# %%
assert step_bytes == 4 * single_model.count_params() == 3_275_880

# %% tags=["nbval-ignore-output"]
one_replica = tf.distribute.OneDeviceStrategy("/cpu:0")
with one_replica.scope():
    one_replica_model = build_model(seed=0)
one_history = train_distributed(
    one_replica, one_replica_model, single_data, global_batch_size=GLOBAL_BATCH, epochs=EPOCHS
)
one_epoch = statistics.median(one_history["epoch_seconds"][1:])
two_epoch = statistics.median(report["history"]["epoch_seconds"][1:])
steps = len(single_data)
print(f"1 replica, this process: {one_epoch:.2f} s per epoch")
print(f"2 worker processes:      {two_epoch:.2f} s per epoch ({two_epoch / one_epoch:.1f}x)")
print(f"exchanged per epoch: {steps} steps x {step_bytes / 1e6:.1f} MB per worker")

# %%
assert two_epoch > one_epoch  # On one 2-core machine, two workers are slower.

# %% [markdown]
# On this 2-core machine two workers are slower than one replica, by a factor that depends on
# the load (the cell above prints it). They add no arithmetic power, since both processes share the
# same two cores, and each of the 63 steps must wait for the other worker and move 3.3 MB
# between them. Data parallelism pays off when each worker brings its own compute (another
# machine, a GPU) and a step's computation takes longer than exchanging its gradients: with a
# 10 Gb/s network, 3.3 MB takes about 3 ms, so a larger model or a larger per-worker batch
# (more computation per byte exchanged) is where two workers approach twice the speed.
#
# 在这台双核机器上，两个 worker 比一个副本慢，慢多少取决于机器负载（上面的单元格打印了倍数）。它们没有
# 增加算力，因为两个进程共用同样的两个核；而且 63 步中的每一步都要等待另一个 worker，并在两者
# 之间传输 3.3 MB。数据并行只有在每个 worker 都带来自己的算力（另一台机器、一块 GPU），并且
# 一步的计算时间长于交换梯度的时间时才划算：在 10 Gb/s 的网络上，3.3 MB 约需 3 毫秒；
# 模型越大、每个 worker 的批次越大（每交换一个字节对应的计算越多），两个 worker 就越接近两倍速度。

# %%
assert round(step_bytes * 8 / 10e9 * 1000) == 3  # Milliseconds for 3.3 MB at 10 Gb/s.

# %% [markdown]
# ## `model.fit` with two workers fails on Keras 3 · Keras 3 中 `model.fit` 在两个 worker 上失败
#
# Keras 2 trained under `MultiWorkerMirroredStrategy` with `model.fit`. Keras 3 (here 3.15)
# still runs `fit` under `MirroredStrategy` in one process, but with two worker processes it
# fails before the first step. To see it, two workers run this short script:
#
# Keras 2 可以在 `MultiWorkerMirroredStrategy` 下直接用 `model.fit` 训练。Keras 3（这里是
# 3.15）在单进程的 `MirroredStrategy` 下仍能运行 `fit`，但在两个 worker 进程上，第一步之前就会
# 失败。为了亲眼看到，我们让两个 worker 运行下面这段短脚本：

# %%
fit_script = workdir / "fit_two_workers.py"
fit_script.write_text(
    """
import mnist_helpers
import keras
import numpy as np
import tensorflow as tf

strategy = tf.distribute.MultiWorkerMirroredStrategy()
with strategy.scope():
    model = mnist_helpers.build_model(seed=0)
    model.compile("adam", keras.losses.SparseCategoricalCrossentropy(from_logits=True))
digits = tf.data.Dataset.from_tensor_slices((np.zeros((256, 784), "float32"), np.zeros(256)))
try:
    model.fit(digits.batch(64), epochs=1, verbose=0)
    print("fit: trained")
except ValueError as error:
    print("fit:", type(error).__name__, str(error).splitlines()[0][:60])
"""
)
with LocalCluster([sys.executable, str(fit_script)], 2, workdir / "fit_logs") as fit_cluster:
    fit_cluster.wait(timeout=300)
fit_lines = [
    next(line for line in fit_cluster.log(index).splitlines() if line.startswith("fit:"))
    for index in range(2)
]
print("\n".join(fit_lines))

# %%
assert all("ValueError Attempt to convert a value (PerReplica" in line for line in fit_lines)

# %% [markdown]
# Keras 3's `fit` hands the per-replica batches (a `PerReplica` value) to an operation that
# expects one tensor. With this strategy on Keras 3, the custom loop is the way: it is the
# chapter 4 loop, with `strategy.run`, the global-batch loss and a distributed dataset, which
# is what `train_distributed` and the main job's workers use. (The same limitation reaches
# `model.predict`, so the workers compute their test logits by calling the model directly.)
#
# Keras 3 的 `fit` 把每副本批次（一个 `PerReplica` 值）交给了一个只接受单个张量的运算。
# 在 Keras 3 中使用这个策略时，应该用自定义循环：也就是第 4 章的循环，加上 `strategy.run`、
# 按全局批大小计算的损失和分布式数据集，这正是 `train_distributed` 和主任务的 worker 所用的。
# （同样的限制也影响 `model.predict`，所以 worker 直接调用模型来计算测试集的 logits。）
#
# ## When a worker dies, and checkpoints · 当一个 worker 死掉时，以及检查点
#
# If one worker dies, the others cannot finish their next all-reduce. They do not hang:
# `MultiWorkerMirroredStrategy` starts TensorFlow's coordination service, whose heartbeats
# notice a silent worker within seconds and abort the collective operations of the others with
# an `UnavailableError` that names the lost task (`/job:worker/replica:0/task:1`), and the
# workers' `CommunicationOptions(timeout_seconds=...)` bounds any all-reduce that waits too
# long. The main job then stops with `Lost worker 1 (127.0.0.1:port): it was killed by
# SIGKILL. Worker 0 stopped ... s later ...`; `tests/test_distributed.py` kills a worker
# during epoch 2 and checks exactly this.
#
# 如果一个 worker 死掉，其他 worker 就无法完成下一次 all-reduce。但它们不会一直卡住：
# `MultiWorkerMirroredStrategy` 会启动 TensorFlow 的协调服务（coordination service），它的心跳
# 在几秒内发现沉默的 worker，并以一个指明丢失任务（`/job:worker/replica:0/task:1`）的
# `UnavailableError` 中止其他 worker 的集合通信操作；worker 设置的
# `CommunicationOptions(timeout_seconds=...)` 则为等待过久的 all-reduce 设定了上限。随后主任务以
# `Lost worker 1 (127.0.0.1:port): it was killed by SIGKILL. Worker 0 stopped ... s later ...`
# 结束；`tests/test_distributed.py` 会在第 2 个 epoch 中杀死一个 worker，并检查的正是这一点。
#
# What was trained is not lost if the job saves a checkpoint every epoch
# (`tf.train.CheckpointManager`: the model's weights, Adam's moments and the epoch number). A
# restarted job with the same checkpoint folder (`--checkpoints DIR`) resumes after the last
# saved epoch instead of at epoch 1. Here a job stops after epoch 1 and is started again:
#
# 如果任务每个 epoch 都保存检查点（`tf.train.CheckpointManager`：模型权重、Adam 的动量和
# epoch 编号），已经训练的部分就不会丢失。用同一个检查点目录（`--checkpoints DIR`）重新启动的
# 任务，会从最后保存的 epoch 之后继续，而不是从第 1 个 epoch 开始。下面的任务在第 1 个 epoch
# 后停止，然后重新启动：

# %%
checkpoints = workdir / "checkpoints"
keras.utils.set_random_seed(0)
with mirrored.scope():
    stopped_model = build_model(seed=0)
train_distributed(mirrored, stopped_model, single_data, GLOBAL_BATCH, 1, checkpoint_dir=checkpoints)
with mirrored.scope():
    restarted_model = build_model(seed=0)
resumed = train_distributed(
    mirrored, restarted_model, single_data, GLOBAL_BATCH, EPOCHS, checkpoint_dir=checkpoints
)
resumed_accuracy = evaluate(restarted_model, x_test, y_test).accuracy
print(f"the restarted job trained epochs {resumed['epochs']}")
print(f"test accuracy {resumed_accuracy:.1%} (uninterrupted {mirrored_accuracy:.1%})")

# %%
assert resumed["epochs"] == [2, 3]
assert abs(resumed_accuracy - mirrored_accuracy) <= 0.01
assert weights_digest(restarted_model) != weights_digest(mirrored_model)

# %% [markdown]
# The restarted job trained epochs 2 and 3 only, and ended within a point of the uninterrupted
# run (not bit-for-bit equal: the batches of epochs 2 and 3 are shuffled anew after a restart).
#
# 重新启动的任务只训练了第 2 和第 3 个 epoch，最终与不中断的训练相差不到 1 个百分点（但不是
# 逐位相同：重启后第 2、3 个 epoch 的批次会重新打乱）。
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
# 有多个副本时，**一步仍然是一个全局批次**：`batch(64)` 规定每一步一共 64 张图片，所以无论有
# 多少个副本，4,000 张图片的一个 epoch 仍然是 63 步；每个副本处理其中 64 / 副本数 张，每一步以
# 一次 all-reduce 结束。shuffle 缓冲区的含义不变，但每个 worker 都必须使用同一个打乱种子，
# 这样各个 worker 切分的才是同样的全局批次。

# %%
assert len(single_data) == 63 == len(list(distribute_dataset(mirrored, single_data)))

# %% [markdown]
# ## Summary · 小结
#
# - Data parallelism: each replica takes a slice of the global batch; gradients are summed by
#   an all-reduce; the copies stay identical. 数据并行：每个副本处理全局批次的一片，梯度经
#   all-reduce 相加，各份模型保持一致。
# - Divide each replica's summed loss by the global batch (`tf.nn.compute_average_loss`), or the
#   update grows with the number of replicas. 每个副本的损失之和要除以全局批大小。
# - `MirroredStrategy` for devices of one process, `MultiWorkerMirroredStrategy` plus
#   `TF_CONFIG` for processes and machines; the loop is the same. 单进程多设备用
#   `MirroredStrategy`，多进程多机器用 `MultiWorkerMirroredStrategy` 加 `TF_CONFIG`。
# - On Keras 3, `model.fit` fails with two workers: use the custom loop. Keras 3 中 `fit`
#   在两个 worker 上失败，请用自定义循环。
# - A worker's death ends the job within seconds, naming the worker; checkpoints let it resume.
#   worker 死掉时任务在几秒内结束并指明是哪个 worker；检查点让任务可以续训。
# - More workers on one small machine are slower; they pay off with their own compute and
#   enough computation per byte exchanged. 一台小机器上 worker 越多越慢。
#
# ## Exercises · 练习
#
# 1. How many bytes would each step exchange if the model were trained in float16? And with
#    the hidden layers doubled to 1,568 and 512 units?
#    如果用 float16 训练，每一步交换多少字节？如果隐藏层加倍到 1,568 和 512 个单元呢？

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["solution", "hide-cell"]
# Solution 1: one value per parameter, so bytes = parameters x bytes per value. float16 halves
# it; doubling the hidden layers multiplies the big first matrix by 2 and the second by 4.
# 解答 1：每个参数一个值，所以字节数 = 参数个数 × 每个值的字节数。float16 减半；隐藏层加倍后，
# 第一个大矩阵变为 2 倍，第二个变为 4 倍。
float16_bytes = 2 * single_model.count_params()
wider = 784 * 1568 + 1568 + 1568 * 512 + 512 + 512 * 10 + 10
print(f"float16: {float16_bytes:,} bytes; wider model: {4 * wider:,} bytes")
assert float16_bytes == step_bytes // 2 and 4 * wider > 2 * step_bytes

# %% [markdown]
# 2. Divide each replica's loss by its own batch (32) instead of the global batch. What happens
#    to the update, and which learning rate would undo it?
#    如果每个副本除以自己的批大小（32）而不是全局批大小，更新会怎样？什么学习率能抵消它？

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["solution", "hide-cell"]
# Solution 2: the summed gradient doubles (checked above: local_sum is 2x whole). For plain
# gradient descent, halving the learning rate undoes it exactly; Adam divides by the gradient's
# running scale, so it is nearly insensitive to the factor, but other optimizers are not.
# 解答 2：相加后的梯度翻倍（上面已验证 local_sum 是 whole 的 2 倍）。对普通梯度下降，学习率
# 减半即可完全抵消；Adam 会除以梯度的滑动尺度，所以几乎不受这个因子影响，但其他优化器会受影响。
ratios = [np.linalg.norm(a) / np.linalg.norm(b) for a, b in zip(local_sum, whole, strict=True)]
print([round(float(r), 3) for r in ratios])
assert all(abs(r - 2) < 1e-3 for r in ratios)

# %% [markdown]
# 3. With a global batch of 64 and 2 workers, how many digits does each worker see per epoch
#    of the 4,000, and how many steps does it run? What changes with a global batch of 128?
#    全局批大小为 64、2 个 worker 时，每个 worker 每个 epoch 看到多少张图片、运行多少步？
#    全局批大小改为 128 呢？

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["solution", "hide-cell"]
# Solution 3: every worker runs every step (63 for batch 64, 32 for batch 128) and sees half
# of each global batch, so half the digits: 2,000 per epoch either way.
# 解答 3：每个 worker 都运行每一步（批大小 64 时 63 步，128 时 32 步），看到每个全局批次的
# 一半，所以每个 epoch 都是 2,000 张。
halves = [
    sum(int(part.shape[0]) for part in mirrored.experimental_local_results(x)[:1])
    for x, _ in distribute_dataset(mirrored, single_data)
]
print(f"replica 0: {sum(halves):,} digits in {len(halves)} steps")
assert sum(halves) == 2000 and len(halves) == 63
assert len(make_dataset(x_train, y_train, batch_size=128, seed=0)) == 32
