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
# # 7. A convolutional network · 卷积网络
#
# [Open in Colab](https://colab.research.google.com/github/mnist-tutorials/mnist-tutorials/blob/main/notebooks/07_convnet.ipynb) · [View source on GitHub](https://github.com/mnist-tutorials/mnist-tutorials/blob/main/notebooks/07_convnet.ipynb) · [Download notebook](https://raw.githubusercontent.com/mnist-tutorials/mnist-tutorials/main/notebooks/07_convnet.ipynb)
#
# **You see what a convolution and max pooling do to a real digit, count a convnet's 225,034
# parameters by hand, find which input pixels it can see at all, train it past 96% on the
# sample's test digits, and test it and the classroom notebook's network on digits moved by a
# few pixels, then train the convnet on randomly moved digits.**
#
# **你将看到卷积和最大池化对一张真实手写数字做了什么，手工数出一个卷积网络的 225,034 个参数，
# 找出它到底能看到哪些输入像素，把它训练到在样本测试图片上超过 96%，在平移了几个像素的数字上
# 测试它和原笔记本的网络，再用随机平移的数字训练卷积网络。**
#
# ## Overview · 概述
#
# The classroom notebook's network flattens every image into 784 numbers, so for its first layer
# a pixel has no neighbours: a stroke is just a set of pixel positions. A **convolutional
# network** (convnet) looks at the image through small windows instead. A `Conv2D` layer slides
# a few 3 x 3 **kernels** over the image, one pixel at a time (its **stride** is 1), and writes,
# at every position, how strongly the window there matches each kernel: one **feature map** per
# kernel. A `MaxPooling2D` layer then keeps the strongest response of every 2 x 2 block (stride
# 2), halving the map. We apply both to a real digit, count the parameters of a small convnet by
# hand (225,034, against the MLP's 818,970), find the **receptive field** of its units (the input
# pixels each one depends on) and a border it never sees, train both networks on the same
# digits for the same number of steps, and test them on digits moved a few pixels: the MLP's
# accuracy falls further, and the convnet's falls less when it trains on randomly moved digits
# (**data augmentation**).
#
# **中文：** 原笔记本的网络把每张图片展平成 784 个数，所以对它的第一层来说，
# 像素之间没有“邻居”关系：一笔笔画只是一组像素位置。**卷积网络**（convnet）
# 则是透过小窗口来看图片。`Conv2D` 层把若干个 3 x 3 的**卷积核**在图片上每次移动一个像素地滑动
# （它的**步幅**是 1），在每个位置记下该处的窗口与每个卷积核有多匹配：每个卷积核得到一张**特征图**。
# 随后 `MaxPooling2D` 层在每个 2 x 2 的小块里只保留最强的响应（步幅为 2），把特征图缩小一半。
# 我们把这两种层用在一张真实的手写数字上，手工计算一个小型卷积网络的参数个数
# （225,034 个，而 MLP 有 818,970 个），找出它的单元的**感受野**（每个单元依赖的输入像素）
# 以及它从来看不到的一条边，用相同的图片、相同的步数训练两个网络，再在平移了几个像素的数字上
# 测试它们：MLP 的准确率下降得更多；而卷积网络在随机平移过的数字上训练后（**数据增强**），
# 准确率下降得更少。

# %% [markdown]
# ## Setup · 准备
#
# `build_convnet` and `shift_images` are this chapter's helpers; chapters 2 to 6 explained the
# others. Every network here trains on the same budget of about 16,000 digits shown, in batches
# of 64, which fits in a minute on a laptop's CPU: 4 epochs of the sample's 4,000 training
# digits, or one epoch of the first 16,000 digits of the full MNIST. The next cell counts the
# steps.
#
# **中文：** `build_convnet` 和 `shift_images` 是本章新增的辅助函数，其他的在第 2 到第 6 章
# 讲过。这里的每个网络训练量都相同：一共看大约 16,000 张图片，每批 64 张，
# 在笔记本电脑的 CPU 上一分钟内能完成：对样本的 4,000 张训练图片训练 4 个 epoch，
# 或者对完整 MNIST 的前 16,000 张训练 1 个 epoch。下一个单元格会数出步数。

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
import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf

from mnist_helpers import (
    build_convnet,
    build_model,
    evaluate,
    load_mnist,
    make_dataset,
    normalize_images,
    shift_images,
    train,
)

keras.utils.set_random_seed(0)  # The same initial weights and batches on every run.
DIGITS_SHOWN = 16_000
BATCH_SIZE = 64  # make_dataset's batch size.

# %%
(x_train, y_train), (x_test, y_test) = load_mnist()
x_train, y_train = normalize_images(x_train[:DIGITS_SHOWN]), y_train[:DIGITS_SHOWN]
x_test = normalize_images(x_test)
epochs = round(DIGITS_SHOWN / len(x_train))
steps = epochs * math.ceil(len(x_train) / BATCH_SIZE)  # The last batch of an epoch may be short.
print(f"training digits: {len(x_train):,}, epochs: {epochs}, test digits: {len(x_test):,}")
print(f"steps: {epochs} x {math.ceil(len(x_train) / BATCH_SIZE)} = {steps}")

# %%
assert len(make_dataset(x_train, y_train, seed=0)) == math.ceil(len(x_train) / BATCH_SIZE)
assert 245 <= steps <= 255

# %% [markdown]
# ## A kernel and its feature map · 卷积核与特征图
#
# A 3 x 3 kernel is nine weights. At every position of the image, the convolution multiplies
# the 3 x 3 window of pixels there by the kernel, weight by weight, and adds the nine products.
# The kernel below has -1 in its left column and +1 in its right column: the sum is large where
# the window is blank on the left and inked on the right, the left edge of a vertical stroke, and
# negative on the right edge. The window moves one pixel at a time (stride 1) and stays inside
# the image (`padding="valid"`), so it fits 26 x 26 times into 28 x 28 pixels: the feature map
# is 26 x 26. Here is one `Conv2D` layer given that kernel, applied to a test digit:
#
# **中文：** 一个 3 x 3 的卷积核就是九个权重。在图片的每个位置，卷积把那里 3 x 3
# 窗口中的像素与卷积核逐个相乘，再把九个乘积相加。下面这个卷积核左列是 -1、右列是 +1：
# 窗口左边是白纸、右边有笔迹时（即竖直笔画的左边缘），这个和很大；在右边缘处则为负。
# 窗口每次移动一个像素（步幅为 1），并且不超出图片（`padding="valid"`），所以在 28 x 28
# 的图片里能放 26 x 26 个位置：特征图是 26 x 26 的。下面用一个 `Conv2D` 层、给它这个卷积核，
# 作用在一张测试图片上：

# %%
digit = x_test[0].reshape(1, 28, 28, 1)  # A batch of one image with one channel (grey).
vertical = np.array([[-1, 0, 1], [-1, 0, 1], [-1, 0, 1]], np.float32)
edge_layer = keras.layers.Conv2D(filters=2, kernel_size=3, use_bias=False)
edge_layer.build(digit.shape)
edge_layer.set_weights([np.stack([vertical, vertical.T], axis=-1)[:, :, None, :]])
edge_maps = edge_layer(digit).numpy()[0]
print(f"digit {digit.shape} -> feature maps {edge_maps.shape}")

# %%
fig, axes = plt.subplots(1, 5, figsize=(12, 2.8))
panels = [
    (digit[0, :, :, 0], "test digit", "gray_r"),
    (vertical, "kernel: vertical edges", "RdBu"),
    (edge_maps[:, :, 0], "its feature map", "RdBu"),
    (vertical.T, "kernel: horizontal edges", "RdBu"),
    (edge_maps[:, :, 1], "its feature map", "RdBu"),
]
for ax, (image, title, cmap) in zip(axes, panels, strict=True):
    limit = np.abs(image).max()
    ax.imshow(image, cmap=cmap, vmin=-limit if cmap == "RdBu" else 0, vmax=limit)
    ax.set_title(title, fontsize=9)
    ax.axis("off")
for (row, col), weight in np.ndenumerate(vertical):
    axes[1].text(col, row, f"{weight:g}", ha="center", va="center")
    axes[3].text(row, col, f"{weight:g}", ha="center", va="center")
fig.tight_layout()

# %% [markdown]
# Blue is positive, red negative. The vertical-edge kernel lights up along the left side of
# every upright stroke and turns red along its right side; the horizontal one does the same for
# the top and bottom of flat strokes. Where the strongest response is, the nine products add up
# by hand to the value the layer computed:
#
# **中文：** 蓝色为正，红色为负。竖直边缘卷积核在每一笔竖直笔画的左侧发亮，右侧变红；
# 水平边缘卷积核对水平笔画的上下边缘也是如此。在响应最强的位置，
# 手工把九个乘积相加，得到的正是该层计算出的值：

# %%
row, col = np.unravel_index(np.argmax(edge_maps[:, :, 0]), edge_maps.shape[:2])
window = digit[0, row : row + 3, col : col + 3, 0]
by_hand = float(np.sum(window * vertical))
print(f"window at ({row}, {col}):\n{np.round(window, 2)}")
print(f"sum of window x kernel = {by_hand:.4f}; feature map there = {edge_maps[row, col, 0]:.4f}")

# %%
assert edge_maps.shape == (26, 26, 2)
assert abs(by_hand - edge_maps[row, col, 0]) < 1e-5
# Every position, by hand: the layer is that sum, slid over the image (no kernel flip).
windows = np.lib.stride_tricks.sliding_window_view(digit[0, :, :, 0], (3, 3))
np.testing.assert_allclose(
    np.einsum("ijkl,kl->ij", windows, vertical), edge_maps[:, :, 0], atol=1e-5
)

# %% [markdown]
# Because the same kernel is applied at every position, moving the digit moves its feature map
# by the same amount and changes nothing else (away from the border): a convolution is
# **translation equivariant**. Move the digit 3 pixels right, and the feature map moves 3
# columns right:
#
# **中文：** 因为同一个卷积核作用在每一个位置上，数字移动多少，它的特征图就移动多少，
# 其他什么都不变（边界附近除外）：卷积具有**平移等变性**。把数字向右移 3 个像素，
# 特征图也向右移 3 列：

# %%
moved_edges = edge_layer(shift_images(digit.reshape(1, 784), right=3).reshape(1, 28, 28, 1))
moved_edges = moved_edges.numpy()[0]
print(
    "feature map of the moved digit = feature map moved 3 columns right: "
    f"{np.allclose(moved_edges[:, 3:], edge_maps[:, :-3], atol=1e-5)}"
)

# %%
np.testing.assert_allclose(moved_edges[:, 3:], edge_maps[:, :-3], atol=1e-5)

# %% [markdown]
# ## Max pooling · 最大池化
#
# A convnet follows each convolution with a ReLU, which keeps the positive responses and sets
# the rest to 0, and then with `MaxPooling2D(2)`: it cuts the map into 2 x 2 blocks and keeps
# the largest value of each. Its window moves 2 pixels at a time (its stride is 2, the pool size
# by default), so the map shrinks from 26 x 26 to 13 x 13, and the next layer sees a wider part
# of the digit through the same 3 x 3 window.
#
# **中文：** 卷积网络在每个卷积之后先接 ReLU（保留正的响应，其余置 0），
# 再接 `MaxPooling2D(2)`：把特征图切成 2 x 2 的小块，每块只保留最大值。
# 它的窗口每次移动 2 个像素（步幅为 2，默认等于池化窗口的大小），所以特征图从 26 x 26
# 缩小到 13 x 13，下一层用同样 3 x 3 的窗口就能看到数字更大的一部分。

# %%
relu_map = np.maximum(edge_maps[:, :, :1], 0)
pooled = keras.layers.MaxPooling2D(pool_size=2)(relu_map[None]).numpy()[0]
fig, axes = plt.subplots(1, 2, figsize=(5, 2.6))
for ax, (image, title) in zip(
    axes, [(relu_map, "ReLU of the map"), (pooled, "max-pooled")], strict=True
):
    ax.imshow(image[:, :, 0], cmap="Blues")
    ax.set_title(f"{title} {image.shape[0]} x {image.shape[1]}", fontsize=9)
    ax.axis("off")
fig.tight_layout()

# %%
assert pooled.shape == (13, 13, 1)
# The largest value of each 2 x 2 block, by hand.
blocks = relu_map[:, :, 0].reshape(13, 2, 13, 2)
np.testing.assert_array_equal(pooled[:, :, 0], blocks.max(axis=(1, 3)))

# %% [markdown]
# Pooling keeps translation equivariance only for moves that are a multiple of its stride: a
# digit moved 2 pixels moves the pooled map by exactly one cell, while a move of 1 pixel changes
# which values win in each block, so the pooled map changes:
#
# **中文：** 池化只对步幅整数倍的移动保持平移等变性：数字移动 2 个像素，池化后的特征图正好移动
# 一格；而移动 1 个像素会改变每个小块里哪个值胜出，所以池化后的特征图会变：


# %%
def pooled_edges(image: np.ndarray) -> np.ndarray:
    """The ReLU'd vertical-edge map of one flat image, max-pooled: 13 x 13."""
    edges = edge_layer(image.reshape(1, 28, 28, 1)).numpy()[:, :, :, :1]
    return keras.layers.MaxPooling2D(pool_size=2)(np.maximum(edges, 0)).numpy()[0, :, :, 0]


flat_digit = digit.reshape(1, 784)
by_two, by_one = (pooled_edges(shift_images(flat_digit, right=px)) for px in (2, 1))
print(f"moved 2 px: pooled map moved 1 cell: {np.allclose(by_two[:, 1:], pooled[:, :-1, 0])}")
print(f"moved 1 px: pooled map unchanged: {np.allclose(by_one, pooled[:, :, 0])}")

# %%
np.testing.assert_allclose(by_two[:, 1:], pooled[:, :-1, 0], atol=1e-5)
assert not np.allclose(by_one, pooled[:, :, 0], atol=1e-3)

# %% [markdown]
# ## The convnet and its parameters, by hand · 卷积网络及其参数（手工计算）
#
# `build_convnet` stacks two such stages and a small MLP on top: 32 kernels of 3 x 3, pooling,
# 64 kernels of 3 x 3 over the 32 maps, pooling, then the 5 x 5 x 64 = 1,600 values flattened
# into a Dense layer of 128 units, a Dropout layer of rate 0.5 (chapter 6: in training it sets a
# random half of those 128 values to 0 and doubles the rest; `evaluate` uses them all), and 10
# logits. It takes the same flat 784-value digits as the MLP: its first layer, `Reshape`, turns
# them back into 28 x 28 images.
#
# **中文：** `build_convnet` 把两级这样的“卷积 + 池化”叠在一起，上面再接一个小 MLP：
# 32 个 3 x 3 卷积核、池化，再用 64 个 3 x 3 卷积核作用在这 32 张特征图上、池化，
# 然后把 5 x 5 x 64 = 1,600 个值展平，送进 128 个单元的 Dense 层，接着是 rate 为 0.5 的
# Dropout 层（第 6 章：训练时它随机把这 128 个值中的一半置为 0，其余的乘以 2；`evaluate`
# 时全部使用），最后输出 10 个 logits。它和 MLP 接受同样的 784 维展平图片：
# 它的第一层 `Reshape` 把它们还原成 28 x 28 的图片。

# %%
convnet = build_convnet(seed=0)
for layer in convnet.layers:
    print(
        f"{layer.name:9} {layer.__class__.__name__:13} output {str(layer.output.shape):19} "
        f"{layer.count_params():>8,} parameters"
    )
print(f"{'total':>52} {convnet.count_params():>8,}")

# %% [markdown]
# The sizes: 28 - 2 = 26 after the first convolution, 26 / 2 = 13 after pooling, 13 - 2 = 11
# after the second convolution, and then 5, not 5.5: `MaxPooling2D` (with its default
# `padding="valid"`) makes only whole 2 x 2 blocks, floor(11 / 2) = 5 of them, and the 11th row
# and column of the second convolution's maps are in none. Nothing after them depends on those
# values:
#
# **中文：** 尺寸是这样来的：第一次卷积后 28 - 2 = 26，池化后 26 / 2 = 13，第二次卷积后
# 13 - 2 = 11，然后是 5 而不是 5.5：`MaxPooling2D`（默认 `padding="valid"`）只取完整的
# 2 x 2 小块，共 floor(11 / 2) = 5 个，第二次卷积的特征图的第 11 行和第 11 列不属于任何小块。
# 后面没有任何东西依赖这些值：

# %%
conv_2_maps = np.random.default_rng(0).random((1, 11, 11, 64)).astype(np.float32)
changed = conv_2_maps.copy()
changed[:, 10, :, :] = changed[:, :, 10, :] = 100.0  # The last row and column, made huge.
pool_2 = convnet.get_layer("pool_2")
print(f"11 x 11 -> {tuple(pool_2(conv_2_maps).shape[1:3])}")
print(f"pooled maps unchanged: {np.array_equal(pool_2(conv_2_maps), pool_2(changed))}")

# %%
assert pool_2(conv_2_maps).shape[1:3] == (11 // 2, 11 // 2)
assert np.array_equal(pool_2(conv_2_maps), pool_2(changed))

# %% [markdown]
# A `Conv2D` layer has one weight per kernel cell and input map, plus one bias per kernel,
# whatever the size of the image: the same kernel slides over every position. A `Dense` layer
# has one weight per input and unit, plus one bias per unit (chapter 3).
#
# **中文：** `Conv2D` 层的参数是：每个卷积核的每一格、对每张输入特征图各一个权重，
# 再加上每个卷积核一个偏置，与图片大小无关，因为同一个卷积核滑过所有位置。
# `Dense` 层的参数是：每个输入对每个单元一个权重，再加上每个单元一个偏置（第 3 章）。
#
# | layer | by hand | parameters |
# | --- | --- | ---: |
# | conv_1 | 3 x 3 x 1 x 32 + 32 | 320 |
# | conv_2 | 3 x 3 x 32 x 64 + 64 | 18,496 |
# | hidden | 1,600 x 128 + 128 | 204,928 |
# | logits | 128 x 10 + 10 | 1,290 |
# | **convnet** | | **225,034** |
# | the MLP (chapter 3) | 784 x 784 + 784 + 784 x 256 + 256 + 256 x 10 + 10 | 818,970 |

# %%
conv_by_hand = (3 * 3 * 1 * 32 + 32) + (3 * 3 * 32 * 64 + 64)
dense_by_hand = (5 * 5 * 64 * 128 + 128) + (128 * 10 + 10)
mlp_by_hand = (784 * 784 + 784) + (784 * 256 + 256) + (256 * 10 + 10)
print(f"convnet: {conv_by_hand + dense_by_hand:,} (its two convolutions: {conv_by_hand:,})")
print(f"MLP: {mlp_by_hand:,}, {mlp_by_hand / (conv_by_hand + dense_by_hand):.1f} times as many")

# %%
assert convnet.count_params() == conv_by_hand + dense_by_hand == 225_034
assert build_model(seed=0).count_params() == mlp_by_hand == 818_970
assert convnet.get_layer("features").output.shape[1:] == (5 * 5 * 64,)

# %% [markdown]
# The two convolutions hold fewer than 19,000 weights between them; most of the convnet's
# parameters sit in the Dense layer that reads the 1,600 pooled values. The MLP spends 614,656
# weights on its first layer alone, one for every pair of pixel and unit.
#
# **中文：** 两个卷积层加起来还不到 19,000 个权重；卷积网络的大部分参数都在读取
# 1,600 个池化值的 Dense 层里。MLP 光是第一层就用了 614,656 个权重，
# 每一对“像素、单元”各一个。
#
# ## What the convnet can see: receptive fields · 卷积网络能看到什么：感受野
#
# The **receptive field** of a unit is the set of input pixels its value depends on. A unit of
# the first convolution sees 3 x 3 pixels; a unit of the first pooling, 2 x 2 of those, so 4 x 4
# pixels; a unit of the second pooling, 10 x 10 pixels, and its neighbour's field starts 4
# pixels further on (the two strides of 2 multiply). The gradient of a unit with respect to the
# input (chapter 4's `tf.GradientTape`) is zero outside its receptive field. Following the sizes
# above backwards, the 5 pooled rows cover input rows 0 to 25: the dropped 11th row was the only
# path from rows 26 and 27. So the convnet never sees the last two rows and columns of the
# image. The picture shows one unit's receptive field, and the gradient of all the logits
# summed, over 500 test digits:
#
# **中文：** 一个单元的**感受野**是它的值所依赖的输入像素。第一个卷积层的单元看到 3 x 3 个像素；
# 第一个池化层的单元看到 2 x 2 个这样的单元，也就是 4 x 4 个像素；第二个池化层的单元看到
# 10 x 10 个像素，而相邻单元的感受野要往后错开 4 个像素（两个步幅 2 相乘）。一个单元对输入的梯度
# （第 4 章的 `tf.GradientTape`）在它的感受野之外为零。把上面的尺寸倒推回去，5 行池化值覆盖的是
# 输入的第 0 到第 25 行：被丢掉的第 11 行是第 26、27 行通往后面的唯一路径。所以卷积网络从来看不到
# 图片的最后两行和最后两列。下图画出一个单元的感受野，以及 500 张测试图片上所有 logits
# 之和的梯度：


# %%
def input_gradient(images: np.ndarray, output) -> np.ndarray:
    """|d output / d pixel|, summed over the images, as a 28 x 28 picture."""
    images = tf.constant(images)
    with tf.GradientTape() as tape:
        tape.watch(images)
        value = tf.reduce_sum(output(images))
    return np.abs(tape.gradient(value, images).numpy()).sum(axis=0).reshape(28, 28)


pool_2_units = keras.Model(convnet.inputs[0], convnet.get_layer("pool_2").output)
one_unit = input_gradient(x_test[:500], lambda x: pool_2_units(x)[:, 2, 2, :])
all_logits = input_gradient(x_test[:500], lambda x: convnet(x, training=False))
fig, axes = plt.subplots(1, 2, figsize=(6, 3))
for ax, (image, title) in zip(
    axes, [(one_unit, "pooled unit (2, 2)"), (all_logits, "all logits")], strict=True
):
    ax.imshow(image > 0, cmap="Blues")
    ax.set_title(f"input pixels with gradient > 0:\n{title}", fontsize=9)
    ax.set_xticks([0, 8, 17, 25]), ax.set_yticks([0, 8, 17, 25])
fig.tight_layout()

# %%
field = np.zeros((28, 28), bool)
field[8:18, 8:18] = True  # Rows and columns 4 x 2 to 4 x 2 + 9, by hand.
assert one_unit[~field].max() == 0 and one_unit[field].max() > 0
assert all_logits[26:, :].max() == 0 and all_logits[:, 26:].max() == 0  # Never seen.
assert all_logits[25, :].max() > 0 and all_logits[:, 25].max() > 0  # Row and column 25 are.
print(
    f"pixels the convnet sees: {np.count_nonzero(all_logits)} of 784; "
    f"rows and columns 26-27 hold {784 - 26 * 26} pixels"
)

# %% [markdown]
# The convnet is blind to 108 of the 784 pixels, along the bottom and right edges: a
# consequence of `padding="valid"` and of pooling an odd size. MNIST's digits sit in the middle
# of the frame, so on centred digits this costs little: a minority of the test digits have any
# ink there, and it is a tiny share of their ink:
#
# **中文：** 卷积网络看不到 784 个像素中的 108 个，位于下边和右边：这是 `padding="valid"`
# 和对奇数尺寸做池化的结果。MNIST 的数字都在图框中间，所以对居中的数字这个代价很小：
# 只有少数测试图片在那里有笔迹，而且只占它们笔迹的极小一部分：

# %%
square_test = x_test.reshape(-1, 28, 28)
border_ink = square_test[:, 26:, :].sum(axis=(1, 2)) + square_test[:, :26, 26:].sum(axis=(1, 2))
print(
    f"centred test digits with ink in the blind border: {np.mean(border_ink > 0):.1%}; "
    f"share of all their ink there: {border_ink.sum() / square_test.sum():.2%}"
)

# %%
assert border_ink.sum() < 0.02 * square_test.sum()  # A tiny share of the ink...
assert np.mean(border_ink > 0) < 0.5  # ...on a minority of the digits.

# %% [markdown]
# It matters more when the digits move, below.
#
# **中文：** 数字移动时它的影响就更大了，见下文。
#
# ## Training both networks · 训练两个网络
#
# Both networks train through the same loop, the course's `train` (chapter 4's step: it works
# for any Keras model), on the same batches for the same number of steps. The convnet differs
# from the MLP in more than its convolutions: it also has Dropout, which the MLP has not. So we
# also train the MLP with the same Dropout (rate 0.5 after each hidden layer, as in chapter 6),
# to see how much of the difference Dropout alone makes.
#
# **中文：** 两个网络用同一个训练循环，也就是课程的 `train`（第 4 章的训练步，适用于任何
# Keras 模型），在同样的批次上训练同样的步数。卷积网络和 MLP 的不同不只是卷积：它还有
# Dropout，而 MLP 没有。所以我们再训练一个加了同样 Dropout 的 MLP（像第 6 章那样，在每个
# 隐藏层后面加 rate 为 0.5 的 Dropout），看看单是 Dropout 能带来多少差别。

# %% tags=["nbval-ignore-output"]
history = train(convnet, make_dataset(x_train, y_train, seed=0), epochs=epochs, progress=False)
for epoch, (loss, accuracy) in enumerate(
    zip(history["loss"], history["accuracy"], strict=True), start=1
):
    print(f"convnet epoch {epoch}: loss {loss:.4f}, running accuracy {accuracy:.4f}")

mlp = build_model(seed=0)
mlp_history = train(mlp, make_dataset(x_train, y_train, seed=0), epochs=epochs, progress=False)
print(f"MLP after {epochs} epochs: loss {mlp_history['loss'][-1]:.4f}")

plain = build_model(seed=0)  # Its layers, with their initial weights, go into the new model.
mlp_dropout = keras.Sequential(
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
train(mlp_dropout, make_dataset(x_train, y_train, seed=0), epochs=epochs, progress=False)

# %% tags=["nbval-ignore-output"]
test_accuracy = {
    "convnet": evaluate(convnet, x_test, y_test).accuracy,
    "MLP": evaluate(mlp, x_test, y_test).accuracy,
    "MLP with Dropout": evaluate(mlp_dropout, x_test, y_test).accuracy,
}
for name, accuracy in test_accuracy.items():
    mistakes = round((1 - accuracy) * len(y_test))
    print(f"{name:16}: test accuracy {accuracy:.3f}, {mistakes} mistakes on {len(y_test):,} digits")
convnet_accuracy, mlp_accuracy = test_accuracy["convnet"], test_accuracy["MLP"]

# %%
if len(y_test) == 1_000:  # The embedded sample's test digits, where these outputs come from.
    assert convnet_accuracy >= 0.96, convnet_accuracy
assert convnet_accuracy > max(mlp_accuracy, test_accuracy["MLP with Dropout"])

# %% [markdown]
# With about a quarter of the MLP's parameters, the convnet makes fewer mistakes than the MLP
# on the same test digits after the same training steps, with or without Dropout in the MLP.
# This is one run on one set of digits, and the convnet's sizes (32 and 64 kernels, 128 units,
# Dropout 0.5) are the course's, picked with knowledge of MNIST, not chosen on validation digits
# here (chapter 6): take it as what this pair of networks does, not as a law.
#
# **中文：** 卷积网络的参数只有 MLP 的约四分之一，在同样的训练步数之后，在同样的测试图片上
# 犯的错误比 MLP 少，不论 MLP 加没加 Dropout。这只是在一组图片上的一次训练，而且卷积网络的
# 尺寸（32 和 64 个卷积核、128 个单元、Dropout 0.5）是课程根据对 MNIST 的了解选定的，
# 并不是在这里用验证图片（第 6 章）挑出来的：把它看作这一对网络的表现，而不是一条定律。
#
# ## What the convnet learned · 卷积网络学到了什么
#
# The 32 kernels of the first layer after training, and their 32 feature maps of the same test
# digit (after ReLU, so 0 is white). Nobody told the network what to look for. Some kernels
# have weights of mostly one sign: they respond to ink wherever it is, and their maps look like
# the digit, slightly blurred. Others mix strong positive and negative weights, like our edge
# kernels, and light up along one side of the strokes.
#
# **中文：** 训练后第一层的 32 个卷积核，以及它们对同一张测试图片的 32 张特征图
# （经过 ReLU，所以 0 是白色）。没有人告诉网络该找什么。有些卷积核的权重几乎都是同一个符号：
# 它们对任何位置的笔迹都有响应，特征图看起来就像稍微模糊了的数字。
# 另一些则同时有很强的正权重和负权重，就像我们手写的边缘卷积核，只在笔画的某一侧发亮。

# %%
kernels = convnet.get_layer("conv_1").get_weights()[0]  # (3, 3, 1, 32)
first_layer = keras.Model(convnet.inputs[0], convnet.get_layer("conv_1").output)
maps = first_layer(x_test[:1]).numpy()[0]  # (26, 26, 32)
fig, axes = plt.subplots(4, 16, figsize=(12, 3.6))
for index in range(32):
    kernel_ax, map_ax = axes[index // 16 * 2, index % 16], axes[index // 16 * 2 + 1, index % 16]
    limit = np.abs(kernels[:, :, 0, index]).max()
    kernel_ax.imshow(kernels[:, :, 0, index], cmap="RdBu", vmin=-limit, vmax=limit)
    map_ax.imshow(maps[:, :, index], cmap="Blues")
for ax in axes.flat:
    ax.axis("off")
fig.suptitle("rows 1 and 3: the 32 trained kernels; rows 2 and 4: their feature maps", fontsize=9)
fig.tight_layout()

# %% tags=["nbval-ignore-output"]
# How much the weights of each kernel cancel out: near 1 one sign only, near 0 edge-like.
one_sign = np.abs(kernels.sum(axis=(0, 1, 2))) / np.abs(kernels).sum(axis=(0, 1, 2))
print(
    f"kernels of mostly one sign (> 0.7): {np.sum(one_sign > 0.7)}, "
    f"mixed like an edge detector (< 0.3): {np.sum(one_sign < 0.3)}"
)

# %%
assert kernels.shape == (3, 3, 1, 32)
assert maps.shape == (26, 26, 32)
assert maps.min() >= 0  # ReLU: no negative responses survive.
assert np.sum(one_sign > 0.7) >= 3 and np.sum(one_sign < 0.3) >= 3

# %% [markdown]
# ## Digits moved by a few pixels · 平移几个像素的数字
#
# MNIST centres every digit in its frame, and the networks trained only on centred digits. A
# real writer does not aim that well. `shift_images` moves every test digit a few pixels to
# the right (what falls off the edge is lost, the uncovered pixels are background). To keep the
# runs short, the tables of moved digits below use the first 2,000 test digits (all of the
# sample's 1,000):
#
# **中文：** MNIST 把每个数字都放在图框的中央，这些网络也都只在居中的数字上训练过。
# 真实的书写者可不会对得那么准。`shift_images` 把每张测试图片向右移动几个像素
# （移出边缘的部分丢掉，空出来的像素填背景色）。为了让运行时间短一些，下面关于平移数字的表格
# 只用前 2,000 张测试图片（自带样本的 1,000 张全部用上）：

# %%
shifts = range(5)
x_probe, y_probe = x_test[:2_000], y_test[:2_000]  # The digits the tables below move.
examples = np.concatenate([shift_images(x_test[:1], right=pixels) for pixels in shifts])
fig, axes = plt.subplots(1, len(shifts), figsize=(7, 1.8))
for ax, image, pixels in zip(axes, examples, shifts, strict=True):
    ax.imshow(image.reshape(28, 28), cmap="gray_r")
    ax.set_title(f"{pixels} px right", fontsize=9)
    ax.axis("off")
fig.tight_layout()

# %% tags=["nbval-ignore-output"]
networks = {"convnet": convnet, "MLP": mlp}
shifted_accuracy = {name: [] for name in networks}
for pixels in shifts:
    moved = shift_images(x_probe, right=pixels)
    for name, network in networks.items():
        shifted_accuracy[name].append(evaluate(network, moved, y_probe).accuracy)
for name, accuracies in shifted_accuracy.items():
    print(f"{name:8} accuracy, digits moved 0-4 px right: {np.round(accuracies, 3)}")
gap = np.subtract(shifted_accuracy["convnet"], shifted_accuracy["MLP"])
print(f"convnet - MLP: {np.round(gap, 3)}")

# %%
drop = {name: accuracies[0] - np.array(accuracies) for name, accuracies in shifted_accuracy.items()}
# From 2 pixels on, the MLP loses more accuracy than the convnet, so the convnet's lead on those
# moved digits is larger than on the centred ones.
assert all(drop["MLP"][pixels] > drop["convnet"][pixels] for pixels in shifts[2:]), drop
assert all(gap[pixels] > gap[0] for pixels in shifts[2:]), gap

# %% [markdown]
# Both networks lose accuracy as the digits move, and from 2 pixels on the MLP loses more, so
# the convnet's lead there is larger than on the centred digits (at 1 pixel the two can be close:
# on training digits that were themselves moved a little, both learn such small moves). How the
# lead changes from one shift to the next is in the last line above; it need not grow at every
# step. Why does the MLP lose more? Each of its first-layer weights
# belongs to one pixel position; a stroke moved three pixels meets weights that never saw it
# there. The convnet's convolutions are translation equivariant, so its feature maps move with
# the digit (checked below on the trained network); that is consistent with it losing less,
# though this chapter does not measure how much each part of the network contributes. It is
# not immune either: its Dense layer reads the pooled maps position by position, and a move
# that is not a multiple of the strides changes the pooled values.
#
# **中文：** 数字移动后，两个网络的准确率都会下降，而从 2 个像素起 MLP 下降得更多，
# 所以在这些平移后的图片上，卷积网络的领先幅度比在居中图片上大（平移 1 个像素时两者可能很接近：
# 如果训练图片本身就有小的平移，两个网络都能学会这样的小移动）。领先幅度从一个平移距离到下一个
# 怎样变化，见上面输出的最后一行；它不一定每一步都增大。为什么 MLP 下降得更多？MLP 第一层的每个权重都属于某一个像素位置；
# 一笔笔画移动三个像素后，遇到的是从没在那里见过它的权重。卷积网络的卷积具有平移等变性，
# 所以它的特征图会随着数字一起移动（下面在训练好的网络上检查）；这与它损失得更少相符，
# 不过本章没有测量网络的每一部分各起了多大作用。
# 它也不是完全不受影响：它的 Dense 层仍然是逐个位置地读取池化后的特征图，
# 而不是步幅整数倍的移动会改变池化后的值。

# %%
moved_maps = first_layer(shift_images(x_test[:1], right=3)).numpy()[0]
np.testing.assert_allclose(moved_maps[:, 3:], maps[:, :-3], atol=1e-5)
print("feature maps of the digit moved 3 px right = its feature maps moved 3 columns right")

# %% [markdown]
# ### Not the same in every direction · 各个方向并不相同
#
# Move the digits 3 pixels in each of the four directions. Nothing forces a network to treat
# the directions alike: the convnet has the blind border found above on the right and at the
# bottom, so a move right or down pushes strokes out of its sight sooner; and the digits
# themselves are not symmetric (MNIST centres them by their centre of mass, and tails, loops
# and serifs sit on different sides).
#
# **中文：** 把数字分别向四个方向移动 3 个像素。没有什么能让网络对各个方向一视同仁：
# 卷积网络在右边和下边有上面找到的盲区，所以向右或向下移动会更早地把笔画推出它的视野；
# 而数字本身也不对称（MNIST 按质心把它们放在中间，而尾巴、圈和笔锋分布在不同的一侧）。

# %% tags=["nbval-ignore-output"]
directions = {"left": (-3, 0), "right": (3, 0), "up": (0, -3), "down": (0, 3)}
direction_accuracy = {name: {} for name in networks}
blind_ink = {}
for direction, (right, down) in directions.items():
    moved = shift_images(x_probe, right=right, down=down)
    for name, network in networks.items():
        direction_accuracy[name][direction] = evaluate(network, moved, y_probe).accuracy
    square = moved.reshape(-1, 28, 28)
    blind_ink[direction] = (square[:, 26:, :].sum() + square[:, :26, 26:].sum()) / square.sum()
for direction in directions:
    print(
        f"3 px {direction:5}: convnet {direction_accuracy['convnet'][direction]:.3f}, "
        f"MLP {direction_accuracy['MLP'][direction]:.3f}, "
        f"ink in the convnet's blind border {blind_ink[direction]:.2%}"
    )

# %%
# Right and down push ink into the blind border; left and up pull it away.
assert blind_ink["right"] > blind_ink["left"] and blind_ink["down"] > blind_ink["up"]
spread = {name: np.ptp(list(accuracy.values())) for name, accuracy in direction_accuracy.items()}
assert min(spread.values()) > 0.02, spread  # Several points between directions, for both.

# %% [markdown]
# The accuracies differ by direction by several points, for both networks. For the convnet,
# moves right and down put ink where it cannot see (the last column above), while moves
# left and up take it away from there; but that ink is a small share, and it does not decide
# the order (in the output above, right and down are not the convnet's worst moves), and the
# directions differ for the MLP too, which sees every pixel: the shapes of the digits weigh more
# than the blind border. Which direction hurts most is a fact about this data and these two
# trained networks, not a rule.
#
# **中文：** 两个网络在不同方向上的准确率都相差好几个百分点。对卷积网络来说，向右和向下移动
# 会把笔迹放到它看不到的地方（上面最后一列），向左和向上则把笔迹移开；但这部分笔迹占比很小，
# 也决定不了顺序（在上面的输出中，向右和向下并不是卷积网络最差的方向），而且看得到每个像素的
# MLP 在各个方向上也不一样：数字的形状比盲区影响更大。
# 哪个方向影响最大，是这份数据和这两个训练好的网络的事实，而不是一条规律。
#
# ### Training on moved digits: data augmentation · 在移动过的数字上训练：数据增强
#
# If moved digits are the problem, show the network moved digits. **Data augmentation** makes
# new training examples from the old ones by changes that keep the label. Keras has it as
# layers: `keras.layers.RandomTranslation(0.1, 0.1, fill_mode="constant")` moves every image of
# every training batch by its own random amount, up to 10% of the height and of the width
# (2.8 pixels), filling the uncovered pixels with 0. The amounts are not whole pixels: the layer
# interpolates between pixels bilinearly (its default `interpolation="bilinear"`), so a moved
# digit is also slightly blurred. Like Dropout, it acts only in training, so the test digits
# pass through unchanged. We put it in front of a fresh convnet and train it the same way, for
# the same steps:
#
# **中文：** 如果问题出在数字被移动，那就让网络看移动过的数字。**数据增强**通过保持标签不变的
# 改动，从已有的训练样本造出新的样本。Keras 把它做成了层：
# `keras.layers.RandomTranslation(0.1, 0.1, fill_mode="constant")` 把每个训练批次里的每张图片
# 各自随机移动，最多移动高度和宽度的 10%（2.8 个像素），空出来的像素填 0。移动的距离不是整数个
# 像素：该层在像素之间做双线性插值（默认的 `interpolation="bilinear"`），所以移动后的数字还会
# 稍微模糊一些。和 Dropout 一样，
# 它只在训练时起作用，所以测试图片原样通过。我们把它放在一个新的卷积网络前面，
# 用同样的方式训练同样的步数：

# %% tags=["nbval-ignore-output"]
augmented = keras.Sequential(
    [
        keras.Input(shape=(784,)),
        keras.layers.Reshape((28, 28, 1)),
        keras.layers.RandomTranslation(0.1, 0.1, fill_mode="constant", seed=0),
        keras.layers.Flatten(),
        build_convnet(seed=0),
    ],
    name="augmented_convnet",
)
train(augmented, make_dataset(x_train, y_train, seed=0), epochs=epochs, progress=False)
shifted_accuracy["augmented convnet"] = [
    evaluate(augmented, shift_images(x_probe, right=pixels), y_probe).accuracy for pixels in shifts
]
for name, accuracies in shifted_accuracy.items():
    print(f"{name:17} accuracy, digits moved 0-4 px right: {np.round(accuracies, 3)}")

fig, ax = plt.subplots(figsize=(5, 3))
for name, accuracies in shifted_accuracy.items():
    ax.plot(shifts, accuracies, marker="o", label=name)
ax.set(xlabel="pixels moved right", ylabel="test accuracy", xticks=list(shifts), ylim=(0, 1))
ax.legend()
fig.tight_layout()

# %%
# At inference the translation passes the digits through: the output is the inner convnet's.
inner_convnet = augmented.layers[-1]
np.testing.assert_array_equal(
    augmented(x_test[:8], training=False), inner_convnet(x_test[:8], training=False)
)
gain = np.subtract(shifted_accuracy["augmented convnet"], shifted_accuracy["convnet"])
assert all(gain[pixels] > 0.02 for pixels in (3, 4)), gain  # Beyond what it was trained on.

# %% [markdown]
# Trained on moved digits, the convnet reads digits moved by 3 and 4 pixels much better, on the
# same shifted test digits as before (how the first columns change is in the output above: on
# centred digits it can lose a point or two after these 252 steps). The augmentation did not
# make the network translation invariant; it showed it the variation it meets at test time.
# Where the shifts of the real data are unknown, the augmentation's range is one more setting
# to choose on validation digits.
#
# **中文：** 在移动过的数字上训练后，卷积网络在和前面相同的平移测试图片上，认移动了 3 和 4
# 个像素的数字要好得多（前几列怎样变化，见上面的输出：在没有移动的数字上，训练这 252 步之后
# 它可能低一两个百分点）。数据增强并没有让网络变得具有平移不变性，它只是让网络见到了测试时
# 会遇到的变化。真实数据的平移范围未知时，增强的幅度也是一个要在
# 验证图片上选择的设置。
#
# ## The classroom notebook's question, seen from here · 从这里回看原笔记本
#
# > **Q:** The classroom notebook reshapes every image to 784 numbers
# > (`x_train.reshape(60000, 784)`) before its first `Dense` layer. What does that lose?
# >
# > **问：** 原笔记本在第一个 `Dense` 层之前把每张图片变成 784 个数
# > （`x_train.reshape(60000, 784)`）。这样做丢掉了什么？
#
# **Which pixels are neighbours.** To the MLP, the 784 inputs are an unordered list. Shuffle the
# pixels of every image the same way (`order`), and give the MLP's first kernel the same
# shuffle of its rows: row j then meets pixel `order[j]`, the pixel the original row
# `order[j]` met, so the network computes exactly what it computed before. A Dense layer is
# equivariant to any fixed permutation of its inputs, and so is its training: one step from
# the permuted start on a shuffled batch lands on the permuted weights of one step from the
# original start on the real batch. So an MLP trained on shuffled digits can read them exactly
# as well as the real ones, though no person could. The convnet's kernels read 3 x 3
# neighbourhoods, and the same shuffle takes away what they rely on: it is trained again on
# the shuffled digits, for the same steps.
#
# **中文：** **丢掉了哪些像素彼此相邻。** 对 MLP 来说，784 个输入只是一张无序的列表。
# 把每张图片的像素都按同一种方式（`order`）打乱，再把 MLP 第一层权重矩阵的行也同样打乱：
# 第 j 行遇到的是像素 `order[j]`，也就是原来第 `order[j]` 行遇到的那个像素，
# 所以网络算出的结果和之前完全一样。Dense 层对输入的任何固定排列都是等变的，它的训练也是：
# 从打乱后的起点、在打乱的批次上训练一步，得到的正是从原起点、在真实批次上训练一步后的权重
# （行同样打乱）。所以在打乱的数字上训练的 MLP，认它们可以和认真实数字完全一样好，
# 尽管没有人能认出它们。卷积网络的卷积核读取的是 3 x 3 的邻域，同样的打乱会拿走它所依赖的东西：
# 我们在打乱的数字上用同样的步数重新训练它。

# %% tags=["nbval-ignore-output"]
order = np.random.default_rng(0).permutation(784)  # One shuffle of the 784 pixel positions.


def rows_permuted(mlp_model: keras.Model) -> keras.Model:
    """A copy of an MLP whose first kernel's row j is the original's row order[j]."""
    copy = build_model(seed=0)
    weights = mlp_model.get_weights()
    copy.set_weights([weights[0][order], *weights[1:]])
    return copy


# One training step from each start, on the same batch, real and shuffled.
one_step, one_step_shuffled = build_model(seed=0), rows_permuted(build_model(seed=0))
train(one_step, make_dataset(x_train, y_train, seed=0).take(1), progress=False)
shuffled_batch = make_dataset(x_train[:, order], y_train, seed=0).take(1)
train(one_step_shuffled, shuffled_batch, progress=False)
pairs = zip(rows_permuted(one_step).get_weights(), one_step_shuffled.get_weights(), strict=True)
step_difference = max(float(np.abs(a - b).max()) for a, b in pairs)

shuffled_mlp = rows_permuted(mlp)
same_answers = np.mean(
    np.argmax(mlp(x_test, training=False), axis=1)
    == np.argmax(shuffled_mlp(x_test[:, order], training=False), axis=1)
)
shuffled_accuracy = {"MLP": evaluate(shuffled_mlp, x_test[:, order], y_test).accuracy}
shuffled_convnet = build_convnet(seed=0)
shuffled_data = make_dataset(x_train[:, order], y_train, seed=0)
train(shuffled_convnet, shuffled_data, epochs=epochs, progress=False)
shuffled_accuracy["convnet"] = evaluate(shuffled_convnet, x_test[:, order], y_test).accuracy
print(f"after one step, the permuted weights: {step_difference < 1e-5}")
print(f"MLP, rows permuted, on shuffled digits: the same answer on {same_answers:.2%} of them")
for name in shuffled_accuracy:
    print(
        f"{name:8}: real digits {test_accuracy[name]:.3f}, pixels shuffled "
        f"{shuffled_accuracy[name]:.3f}"
    )

# %%
assert step_difference < 1e-5, step_difference  # Training keeps the permutation.
assert same_answers > 0.999 and abs(shuffled_accuracy["MLP"] - mlp_accuracy) <= 1e-3
assert convnet_accuracy - shuffled_accuracy["convnet"] > 0.02

# %% [markdown]
# **The flattening loses which pixels are neighbours.** With its first kernel's rows shuffled
# like the pixels, the MLP reads the shuffled digits exactly as it read the real ones, and
# training keeps that relation step by step: to it the order of the 784 inputs never mattered.
# The convnet, whose kernels read neighbourhoods of 3 x 3 pixels, trained on the shuffled
# digits for the same steps, loses several points. Its kernels read a stroke the same wherever
# it is (the equivariance checked above); that is consistent with it losing less on moved
# digits, though this chapter does not separate it from the network's other differences.
# These comparisons on the test digits illustrate; a choice between the networks would be made
# on validation digits (chapter 6).
#
# **中文：** **展平丢掉的是“哪些像素彼此相邻”。** 把第一层权重矩阵的行按像素同样的方式打乱后，
# MLP 认打乱的数字和它认真实数字完全一样，而且训练一步一步地保持这种关系：对它来说，
# 784 个输入的顺序从来都无关紧要。卷积网络的卷积核读取的是 3 x 3 的像素邻域，在打乱的图片上
# 用同样的步数训练后，它损失了好几个百分点。不管笔画在哪里，它的卷积核读到的都一样
# （上面检查过的等变性）；这与它在平移数字上损失得更少相符，不过本章没有把这一点和网络的
# 其他差别分开。这些在测试图片上的比较只是为了说明问题；要在几个网络之间做选择，
# 应该用验证图片（第 6 章）。
#
# ## Summary · 小结
#
# - A `Conv2D` layer slides small kernels over the image with a stride (here 1); each gives a
#   feature map of how strongly every 3 x 3 window matches it. It is translation equivariant,
#   and its parameters do not depend on the image size. `Conv2D` 层以一定的步幅（这里是 1）
#   让小卷积核滑过图片，每个卷积核给出一张特征图，表示每个 3 x 3 窗口与它有多匹配；
#   它具有平移等变性，参数个数与图片大小无关。
# - `MaxPooling2D(2)` keeps the largest value of each 2 x 2 block (stride 2): half the size,
#   rounded down, so 11 becomes 5. `MaxPooling2D(2)` 保留每个 2 x 2 小块的最大值（步幅 2）：
#   尺寸减半并向下取整，所以 11 变成 5。
# - A unit's receptive field is the input pixels it depends on; this convnet never sees the
#   last two rows and columns (their gradient is exactly 0). 一个单元的感受野是它依赖的输入像素；
#   这个卷积网络从来看不到最后两行和两列（它们的梯度恰好为 0）。
# - The convnet (225,034 parameters, 18,816 of them in its convolutions) beats the MLP (818,970),
#   with or without Dropout, on the same digits and steps, and loses less accuracy on digits
#   moved by two to four pixels; the losses differ by direction. 卷积网络（225,034 个参数，其中
#   卷积层只有 18,816 个）在同样的图片和步数下胜过 MLP（818,970 个），不论 MLP 有没有
#   Dropout；在平移二到四个像素的数字上损失的准确率也更少，而且不同方向的损失不一样。
# - Data augmentation (`RandomTranslation`, active only in training) makes the convnet read
#   digits moved by 3 and 4 pixels much better. 数据增强（`RandomTranslation`，只在训练时起作用）
#   让卷积网络认平移 3 和 4 个像素的数字的能力大大提高。
#
# ## Exercises · 练习
#
# 1. Which input pixels does one unit of `pool_1` depend on, and one unit of `conv_2`? Work
#    out their receptive fields by hand from the sizes and strides, then check with the
#    gradient, as above.
#
#    **中文：** `pool_1` 的一个单元依赖哪些输入像素？`conv_2` 的一个单元呢？根据尺寸和步幅
#    手工算出它们的感受野，再像上面那样用梯度检查。

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["solution", "hide-cell"]
# Solution 1: a pool_1 unit (i, j) takes the max over conv_1 units 2i..2i+1, 2j..2j+1, each of
# which reads a 3 x 3 window: input rows 2i..2i+3, a 4 x 4 field. A conv_2 unit (i, j) reads
# pool_1 units i..i+2, so input rows 2i..2i+7: 8 x 8. The gradient is zero outside.
# 解答 1：`pool_1` 的单元 (i, j) 取 `conv_1` 单元 2i..2i+1、2j..2j+1 中的最大值，
# 每个 `conv_1` 单元读一个 3 x 3 窗口：输入的第 2i 到 2i+3 行，感受野是 4 x 4。
# `conv_2` 的单元 (i, j) 读 `pool_1` 的单元 i..i+2，也就是输入的第 2i 到 2i+7 行：8 x 8。
# 在感受野之外梯度为零。
for layer_name, size in (("pool_1", 4), ("conv_2", 8)):
    units = keras.Model(convnet.inputs[0], convnet.get_layer(layer_name).output)
    unit_gradient = input_gradient(x_test[:100], lambda x, units=units: units(x)[:, 3, 3, :])
    receptive = np.zeros((28, 28), bool)
    receptive[6 : 6 + size, 6 : 6 + size] = True  # Starts at 2 x 3 = 6 for unit (3, 3).
    assert unit_gradient[~receptive].max() == 0 and unit_gradient[receptive].max() > 0

# %% [markdown]
# 2. With `padding="same"`, a convolution pads the image with a border of zeros so that its
#    feature map keeps the image's size. How many parameters would the convnet have with
#    `padding="same"` in both convolutions? Count by hand, then check with Keras.
#
#    **中文：** 使用 `padding="same"` 时，卷积会在图片四周补一圈 0，使特征图与图片大小相同。
#    如果两个卷积层都用 `padding="same"`，卷积网络会有多少个参数？先手工计算，再用 Keras 验证。

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["solution", "hide-cell"]
# Solution 2: the convolutions keep their weights (a kernel's size does not depend on the
# image), but the maps stay larger: 28 -> 28 -> pool 14 -> 14 -> pool 7, so the Dense layer reads
# 7 x 7 x 64 = 3,136 values instead of 1,600, and almost doubles. No row or column is dropped
# on the way, so this network sees every pixel.
# 解答 2：卷积层的权重不变（卷积核大小与图片无关），但特征图更大：
# 28 -> 28 -> 池化 14 -> 14 -> 池化 7，所以 Dense 层读取 7 x 7 x 64 = 3,136 个值，
# 而不是 1,600 个，参数几乎翻倍。途中没有丢掉任何行或列，所以这个网络能看到每一个像素。
same_by_hand = conv_by_hand + (7 * 7 * 64 * 128 + 128) + (128 * 10 + 10)
same_padding = keras.Sequential(
    [
        keras.Input(shape=(28, 28, 1)),
        keras.layers.Conv2D(32, 3, padding="same", activation="relu"),
        keras.layers.MaxPooling2D(2),
        keras.layers.Conv2D(64, 3, padding="same", activation="relu"),
        keras.layers.MaxPooling2D(2),
        keras.layers.Flatten(),
        keras.layers.Dense(128, activation="relu"),
        keras.layers.Dense(10),
    ]
)
assert same_padding.count_params() == same_by_hand == 421_642

# %% [markdown]
# 3. In the last epoch the convnet's running training accuracy was lower than its accuracy on
#    the test digits. Why? Measure its accuracy on the training digits after training.
#
#    **中文：** 在最后一个 epoch，卷积网络训练时的累计准确率比它在测试图片上的准确率还低。
#    为什么？训练结束后，测一测它在训练图片上的准确率。

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["solution", "hide-cell"]
# Solution 3: two reasons. Dropout switches off half of the hidden units at every training step,
# and only then: the running accuracy scores a weakened network, `evaluate` the whole one. And
# the running accuracy averages over the epoch, early batches included (chapter 4). Measured
# after training, without Dropout, the training digits score higher than the test digits.
# 解答 3：有两个原因。Dropout 在每个训练步都关掉一半的隐藏单元，而且只在训练时这样做：
# 累计准确率评的是被削弱的网络，`evaluate` 评的是完整的网络。
# 此外，累计准确率是整个 epoch 的平均，包括前面的批次（第 4 章）。
# 训练结束后、不用 Dropout 测量时，训练图片的准确率高于测试图片。
batches = np.array_split(np.arange(len(x_train)), 16)  # Called directly: no predict retracing.
train_logits = np.concatenate([convnet(x_train[part], training=False) for part in batches])
train_accuracy = np.mean(np.argmax(train_logits, axis=1) == y_train)
assert history["accuracy"][-1] < convnet_accuracy < train_accuracy
