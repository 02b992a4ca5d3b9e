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
# # 7. A convolutional network · 卷积神经网络
#
# [Open in Colab](https://colab.research.google.com/github/mnist-tutorials/mnist-tutorials/blob/main/notebooks/07_convnet.ipynb) · [View source on GitHub](https://github.com/mnist-tutorials/mnist-tutorials/blob/main/notebooks/07_convnet.ipynb) · [Download notebook](https://raw.githubusercontent.com/mnist-tutorials/mnist-tutorials/main/notebooks/07_convnet.ipynb)
#
# **You see what a convolution and max pooling do to a real digit, count a convnet's 225,034
# parameters by hand, train it past 97% on the test digits, and find that it reads digits moved
# by a few pixels better than the classroom notebook's network does.**
#
# ## Overview · 概述
#
# The classroom notebook's network flattens every image into 784 numbers, so for its first layer
# a pixel has no neighbours: a stroke is just a set of pixel positions. A **convolutional
# network** (convnet) looks at the image through small windows instead. A `Conv2D` layer slides
# a few 3 x 3 **kernels** over the image and writes, at every position, how strongly the window
# there matches each kernel: one **feature map** per kernel. A `MaxPooling2D` layer then keeps
# the strongest response of every 2 x 2 block, halving the map. We apply both to a real digit
# and look at the pictures, count the parameters of a small convnet by hand (225,034, against
# the MLP's 818,970), train both networks on the same digits for the same number of steps, and
# test them on digits moved a few pixels sideways: the MLP's accuracy falls further.
#
# **中文：** 原笔记本的网络把每张图片展平成 784 个数，所以对它的第一层来说，
# 像素之间没有“邻居”关系：一笔笔画只是一组像素位置。**卷积神经网络**（convnet）
# 则是透过小窗口来看图片。`Conv2D` 层把若干个 3 x 3 的**卷积核**在图片上滑动，
# 在每个位置记下该处的窗口与每个卷积核有多匹配：每个卷积核得到一张**特征图**。
# 随后 `MaxPooling2D` 层在每个 2 x 2 的小块里只保留最强的响应，把特征图缩小一半。
# 我们把这两种层用在一张真实的手写数字上并画出结果，手工计算一个小型卷积网络的参数个数
# （225,034 个，而 MLP 有 818,970 个），用相同的图片、相同的步数训练两个网络，
# 再在平移了几个像素的数字上测试它们：MLP 的准确率下降得更多。

# %% [markdown]
# ## Setup · 准备
#
# `build_convnet` and `shift_images` are this chapter's helpers; chapters 2 to 6 explained the
# others. Both networks train for the same budget of 32,000 digits shown, 500 steps of 64,
# which fits in a minute on a laptop's CPU: 8 epochs of the sample's 4,000 training digits, or
# one epoch of the first 32,000 digits of the full MNIST.
#
# **中文：** `build_convnet` 和 `shift_images` 是本章新增的辅助函数，其他的在第 2 到第 6 章
# 讲过。两个网络的训练量相同：一共看 32,000 张图片，即 500 步、每步 64 张，
# 在笔记本电脑的 CPU 上一分钟内能完成：对样本的 4,000 张训练图片训练 8 个 epoch，
# 或者对完整 MNIST 的前 32,000 张训练 1 个 epoch。

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
import matplotlib.pyplot as plt
import numpy as np

from mnist_helpers import (
    build_convnet,
    build_model,
    evaluate,
    load_mnist,
    make_dataset,
    make_loss,
    normalize_images,
    shift_images,
    train,
)

keras.utils.set_random_seed(0)  # The same initial weights and batches on every run.
DIGITS_SHOWN = 32_000

# %%
(x_train, y_train), (x_test, y_test) = load_mnist()
x_train, y_train = normalize_images(x_train[:DIGITS_SHOWN]), y_train[:DIGITS_SHOWN]
x_test = normalize_images(x_test)
epochs = round(DIGITS_SHOWN / len(x_train))
print(f"training digits: {len(x_train):,}, epochs: {epochs}, test digits: {len(x_test):,}")

# %% [markdown]
# ## A kernel and its feature map · 卷积核与特征图
#
# A 3 x 3 kernel is nine weights. At every position of the image, the convolution multiplies
# the 3 x 3 window of pixels there by the kernel, weight by weight, and adds the nine products.
# The kernel below has -1 in its left column and +1 in its right column: the sum is large where
# the window is blank on the left and inked on the right, the left edge of a vertical stroke, and
# negative on the right edge. A 3 x 3 window fits 26 x 26 times into 28 x 28 pixels, so the
# feature map is 26 x 26. Here is one `Conv2D` layer given that kernel, applied to a test digit:
#
# **中文：** 一个 3 x 3 的卷积核就是九个权重。在图片的每个位置，卷积把那里 3 x 3
# 窗口中的像素与卷积核逐个相乘，再把九个乘积相加。下面这个卷积核左列是 -1、右列是 +1：
# 窗口左边是白纸、右边有笔迹时（也就是竖直笔画的左边缘）和很大，在右边缘处则为负。
# 3 x 3 的窗口在 28 x 28 的图片里能放 26 x 26 个位置，所以特征图是 26 x 26 的。
# 下面用一个 `Conv2D` 层、给它这个卷积核，作用在一张测试图片上：

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
# ## Max pooling · 最大池化
#
# A convnet follows each convolution with a ReLU, which keeps the positive responses and sets
# the rest to 0, and then with `MaxPooling2D(2)`: it cuts the map into 2 x 2 blocks and keeps
# the largest value of each. The map shrinks from 26 x 26 to 13 x 13, the next layer sees a
# wider part of the digit through the same 3 x 3 window, and a stroke that moves by a pixel
# often stays in the same block and gives the same pooled value.
#
# **中文：** 卷积网络在每个卷积之后先接 ReLU（保留正的响应，其余置 0），
# 再接 `MaxPooling2D(2)`：把特征图切成 2 x 2 的小块，每块只保留最大值。
# 特征图从 26 x 26 缩小到 13 x 13，下一层用同样 3 x 3 的窗口就能看到数字更大的一部分；
# 一笔笔画移动一个像素时，往往仍落在同一个小块里，池化后的值也不变。

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
# ## The convnet and its parameters, by hand · 卷积网络及其参数（手工计算）
#
# `build_convnet` stacks two such stages and a small MLP on top: 32 kernels of 3 x 3, pooling,
# 64 kernels of 3 x 3 over the 32 maps, pooling, then the 5 x 5 x 64 = 1,600 values flattened
# into a Dense layer of 128 units, dropout (chapter 6's overfitting, fought by switching off a
# random half of those units at each training step), and 10 logits. It takes the same flat
# 784-value digits as the MLP: its first layer, `Reshape`, turns them back into 28 x 28 images.
#
# **中文：** `build_convnet` 把两级这样的“卷积 + 池化”叠在一起，上面再接一个小 MLP：
# 32 个 3 x 3 卷积核、池化，再用 64 个 3 x 3 卷积核作用在这 32 张特征图上、池化，
# 然后把 5 x 5 x 64 = 1,600 个值展平，送进 128 个单元的 Dense 层，接着是 dropout
# （对付第 6 章讲的过拟合：每个训练步随机关掉这些单元中的一半），最后输出 10 个 logits。
# 它和 MLP 接受同样的 784 维展平图片：它的第一层 `Reshape` 把它们还原成 28 x 28 的图片。

# %%
convnet = build_convnet(seed=0)
for layer in convnet.layers:
    print(
        f"{layer.name:9} {layer.__class__.__name__:13} output {str(layer.output.shape):19} "
        f"{layer.count_params():>8,} parameters"
    )
print(f"{'total':>52} {convnet.count_params():>8,}")

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
# ## Training both networks · 训练两个网络
#
# The convnet trains with `compile` and `fit` (chapter 6) on the batches `make_dataset` makes;
# the MLP with the course loop, `train`, on the same batches. `fit` prints nothing
# (`verbose=0`); its history gives one line per epoch.
#
# **中文：** 卷积网络用 `compile` 和 `fit`（第 6 章）在 `make_dataset` 生成的批次上训练；
# MLP 用课程的训练循环 `train`，在同样的批次上训练。`fit` 不打印任何东西（`verbose=0`），
# 我们从它的 history 中每个 epoch 打印一行。

# %% tags=["nbval-ignore-output"]
convnet.compile(
    optimizer=keras.optimizers.Adam(1e-3),
    loss=make_loss(),
    metrics=["accuracy"],
    steps_per_execution=50,
)
history = convnet.fit(
    make_dataset(x_train, y_train, seed=0), epochs=epochs, shuffle=False, verbose=0
).history
for epoch, (loss, accuracy) in enumerate(
    zip(history["loss"], history["accuracy"], strict=True), start=1
):
    print(f"convnet epoch {epoch}: loss {loss:.4f}, running accuracy {accuracy:.4f}")

mlp = build_model(seed=0)
mlp_history = train(mlp, make_dataset(x_train, y_train, seed=0), epochs=epochs, progress=False)
print(f"MLP after {epochs} epochs: loss {mlp_history['loss'][-1]:.4f}")

# %% tags=["nbval-ignore-output"]
convnet_accuracy = evaluate(convnet, x_test, y_test).accuracy
mlp_accuracy = evaluate(mlp, x_test, y_test).accuracy
print(f"test accuracy: convnet {convnet_accuracy:.3f}, MLP {mlp_accuracy:.3f}")
print(
    f"mistakes on {len(y_test):,} test digits: convnet "
    f"{round((1 - convnet_accuracy) * len(y_test))}, MLP {round((1 - mlp_accuracy) * len(y_test))}"
)

# %%
assert convnet_accuracy >= 0.97, convnet_accuracy
assert convnet_accuracy > mlp_accuracy

# %% [markdown]
# With a quarter of the parameters, the convnet makes fewer mistakes than the MLP on the same
# test digits after seeing the same training digits.
#
# **中文：** 卷积网络的参数只有 MLP 的约四分之一，看过同样的训练图片之后，
# 在同样的测试图片上犯的错误比 MLP 少。
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

# %%
assert kernels.shape == (3, 3, 1, 32)
assert maps.shape == (26, 26, 32)
assert maps.min() >= 0  # ReLU: no negative responses survive.
# How much the weights of each kernel cancel out: near 1 one sign only, near 0 edge-like.
one_sign = np.abs(kernels.sum(axis=(0, 1, 2))) / np.abs(kernels).sum(axis=(0, 1, 2))
print(
    f"kernels of mostly one sign (> 0.7): {np.sum(one_sign > 0.7)}, "
    f"mixed like an edge detector (< 0.3): {np.sum(one_sign < 0.3)}"
)
assert np.sum(one_sign > 0.7) >= 3 and np.sum(one_sign < 0.3) >= 3

# %% [markdown]
# ## Digits moved by a few pixels · 平移几个像素的数字
#
# MNIST centres every digit in its frame, and both networks trained only on centred digits. A
# real writer does not aim that well. `shift_images` moves every test digit a few pixels to
# the right (what falls off the edge is lost, the uncovered pixels are background):
#
# **中文：** MNIST 把每个数字都放在图框的中央，两个网络也都只在居中的数字上训练过。
# 真实的书写者可不会对得那么准。`shift_images` 把每张测试图片向右移动几个像素
# （移出边缘的部分丢掉，空出来的像素填背景色）：

# %%
shifts = range(5)
examples = np.concatenate([shift_images(x_test[:1], right=pixels) for pixels in shifts])
fig, axes = plt.subplots(1, len(shifts), figsize=(7, 1.8))
for ax, image, pixels in zip(axes, examples, shifts, strict=True):
    ax.imshow(image.reshape(28, 28), cmap="gray_r")
    ax.set_title(f"{pixels} px right", fontsize=9)
    ax.axis("off")
fig.tight_layout()

# %% tags=["nbval-ignore-output"]
shifted_accuracy = {"convnet": [], "MLP": []}
for pixels in shifts:
    moved = shift_images(x_test, right=pixels)
    shifted_accuracy["convnet"].append(evaluate(convnet, moved, y_test).accuracy)
    shifted_accuracy["MLP"].append(evaluate(mlp, moved, y_test).accuracy)
for name, accuracies in shifted_accuracy.items():
    print(f"{name:8} accuracy, digits moved 0-4 px right: {np.round(accuracies, 3)}")

fig, ax = plt.subplots(figsize=(5, 3))
for name, accuracies in shifted_accuracy.items():
    ax.plot(shifts, accuracies, marker="o", label=name)
ax.set(xlabel="pixels moved right", ylabel="test accuracy", xticks=list(shifts), ylim=(0, 1))
ax.legend()
fig.tight_layout()

# %%
drop = {name: accuracies[0] - np.array(accuracies) for name, accuracies in shifted_accuracy.items()}
# The MLP loses more accuracy than the convnet at every shift, and ends further behind.
assert all(drop["MLP"][pixels] > drop["convnet"][pixels] for pixels in shifts[1:]), drop
assert shifted_accuracy["convnet"][4] - shifted_accuracy["MLP"][4] > convnet_accuracy - mlp_accuracy

# %% [markdown]
# Both networks lose accuracy as the digits move, and the MLP loses more at every shift, so the
# gap between them widens. Why? Each of the MLP's first-layer weights
# belongs to one pixel position; a stroke moved three pixels meets weights that never saw it
# there. The convnet's kernels slide over every position, so its feature maps move with the
# digit, exactly (checked below), and max pooling absorbs part of the move. It is not immune
# either: its Dense layer still reads the pooled maps position by position.
#
# **中文：** 数字移动后，两个网络的准确率都会下降，而 MLP 在每一种平移距离下都下降得更多，
# 所以两者的差距越拉越大。为什么？MLP 第一层的每个权重都属于某一个像素位置；
# 一笔笔画移动三个像素后，遇到的是从没在那里见过它的权重。卷积网络的卷积核滑过每个位置，
# 所以它的特征图会随着数字一起移动，而且分毫不差（见下面的检查），
# 最大池化又吸收了一部分移动。它也不是完全不受影响：它的 Dense 层仍然是逐个位置地读取池化后的特征图。

# %%
moved_maps = first_layer(shift_images(x_test[:1], right=3)).numpy()[0]
np.testing.assert_allclose(moved_maps[:, 3:], maps[:, :-3], atol=1e-5)
print("feature maps of the digit moved 3 px right = its feature maps moved 3 columns right")

# %% [markdown]
# ## The classroom notebook's question, seen from here · 从这里回看原笔记本
#
# > **Q:** The classroom notebook reshapes every image to 784 numbers
# > (`x_train.reshape(60000, 784)`) before its first `Dense` layer. What does that lose?
# >
# > **问：** 原笔记本在第一个 `Dense` 层之前把每张图片变成 784 个数
# > （`x_train.reshape(60000, 784)`）。这样做丢掉了什么？
#
# **Which pixels are neighbours.** To the MLP, the 784 inputs are an unordered list: shuffle
# the pixels of every image the same way, train again, and it reads the shuffled digits about
# as well as the real ones, though no person could read them. The convnet's kernels read 3 x 3
# neighbourhoods, so the same shuffle takes away what it relies on:
#
# **中文：** **丢掉了哪些像素彼此相邻。** 对 MLP 来说，784 个输入只是一张无序的列表：
# 把每张图片的像素都按同一种方式打乱，重新训练，它认打乱后的数字几乎和认真实数字一样好，
# 尽管没有人能认出它们。卷积网络的卷积核读取的是 3 x 3 的邻域，
# 所以同样的打乱会拿走它所依赖的东西：

# %% tags=["nbval-ignore-output"]
order = np.random.default_rng(0).permutation(784)  # One shuffle of the 784 pixel positions.
shuffled_mlp = build_model(seed=0)
train(shuffled_mlp, make_dataset(x_train[:, order], y_train, seed=0), epochs=epochs, progress=False)
shuffled_convnet = build_convnet(seed=0)
shuffled_convnet.compile(optimizer="adam", loss=make_loss(), steps_per_execution=50)
shuffled_convnet.fit(
    make_dataset(x_train[:, order], y_train, seed=0), epochs=epochs, shuffle=False, verbose=0
)
shuffled_accuracy = {
    "MLP": evaluate(shuffled_mlp, x_test[:, order], y_test).accuracy,
    "convnet": evaluate(shuffled_convnet, x_test[:, order], y_test).accuracy,
}
unshuffled = {"MLP": mlp_accuracy, "convnet": convnet_accuracy}
for name in shuffled_accuracy:
    print(
        f"{name:8}: real digits {unshuffled[name]:.3f}, pixels shuffled "
        f"{shuffled_accuracy[name]:.3f}"
    )

# %%
assert abs(shuffled_accuracy["MLP"] - mlp_accuracy) < 0.02
assert convnet_accuracy - shuffled_accuracy["convnet"] > 0.02
assert shuffled_accuracy["convnet"] < convnet_accuracy

# %% [markdown]
# **The flattening loses which pixels are neighbours.** Trained on the same digits with their
# pixels shuffled, the MLP reads them as well as before, within two points: to it the order of the
# 784 inputs never mattered. The convnet, whose kernels read neighbourhoods of 3 x 3 pixels,
# loses several points. Neighbourhoods are also why it copes better with moved digits: a stroke
# looks the same to a kernel wherever it is.
#
# **中文：** **展平丢掉的是“哪些像素彼此相邻”。** 在像素被打乱的同样图片上训练后，
# MLP 认得和之前一样好，相差不到两个百分点：对它来说，784 个输入的顺序从来都无关紧要。
# 卷积网络的卷积核读取的是 3 x 3 的像素邻域，它就损失了好几个百分点。
# 邻域也正是它更能应付平移数字的原因：不管笔画在哪里，在卷积核看来都是一样的。
#
# ## Summary · 小结
#
# - A `Conv2D` layer slides small kernels over the image; each gives a feature map of how
#   strongly every 3 x 3 window matches it. Its parameters do not depend on the image size.
#   `Conv2D` 层让小卷积核滑过图片，每个卷积核给出一张特征图，表示每个 3 x 3 窗口与它有多匹配；
#   它的参数个数与图片大小无关。
# - `MaxPooling2D(2)` keeps the largest value of each 2 x 2 block: half the size, and small moves
#   partly absorbed. `MaxPooling2D(2)` 保留每个 2 x 2 小块的最大值：尺寸减半，并吸收一部分小的平移。
# - The convnet (225,034 parameters, 18,816 of them in its convolutions) beats the MLP
#   (818,970) on the same digits and steps, and loses less accuracy on digits moved by one to four
#   pixels. 卷积网络（225,034 个参数，其中卷积层只有 18,816 个）在同样的图片和步数下
#   胜过 MLP（818,970 个），在平移一到四个像素的数字上损失的准确率也更少。
# - Its feature maps move with the digit; the MLP does not even know which pixels are
#   neighbours. 卷积网络的特征图随数字一起移动；MLP 甚至不知道哪些像素是相邻的。
#
# ## Exercises · 练习
#
# 1. Move the test digits 3 pixels left, up and down instead of right. Does the convnet keep its
#    lead in every direction?
#
#    **中文：** 把测试图片向左、向上、向下（而不是向右）移动 3 个像素。
#    卷积网络在每个方向上都保持领先吗？

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["solution", "hide-cell"]
# Solution 1: yes. Nothing in either network prefers a direction: the MLP's weights are tied to
# positions whichever way the digit moves, and the convnet's kernels slide both ways.
# 解答 1：是的。两个网络都没有偏向哪个方向：不管数字往哪边移动，MLP 的权重都绑定在位置上，
# 而卷积网络的卷积核在两个方向上都会滑动。
for direction, (right, down) in {"left": (-3, 0), "up": (0, -3), "down": (0, 3)}.items():
    moved = shift_images(x_test, right=right, down=down)
    convnet_moved = evaluate(convnet, moved, y_test).accuracy
    mlp_moved = evaluate(mlp, moved, y_test).accuracy
    print(f"3 px {direction:5}: convnet {convnet_moved:.3f}, MLP {mlp_moved:.3f}")
    assert convnet_moved > mlp_moved

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
# 7 x 7 x 64 = 3,136 values instead of 1,600, and almost doubles.
# 解答 2：卷积层的权重不变（卷积核大小与图片无关），但特征图更大：
# 28 -> 28 -> 池化 14 -> 14 -> 池化 7，所以 Dense 层读取 7 x 7 x 64 = 3,136 个值，
# 而不是 1,600 个，参数几乎翻倍。
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
print(f"by hand: {same_by_hand:,}; Keras: {same_padding.count_params():,}")
assert same_padding.count_params() == same_by_hand == 421_642

# %% [markdown]
# 3. In the last epoch the convnet's running training accuracy was lower than its accuracy on
#    the test digits. Why? Measure its accuracy on the training digits after training.
#
#    **中文：** 在最后一个 epoch，卷积网络训练时的运行中准确率比它在测试图片上的准确率还低。
#    为什么？训练结束后，测一测它在训练图片上的准确率。

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["solution", "hide-cell"]
# Solution 3: two reasons. Dropout switches off half of the hidden units at every training step,
# and only then: the running accuracy scores a weakened network, `evaluate` the whole one. And
# the running accuracy averages over the epoch, early batches included (chapter 4). Measured
# after training, without dropout, the training digits score higher than the test digits.
# 解答 3：有两个原因。Dropout 在每个训练步都关掉一半的隐藏单元，而且只在训练时这样做：
# 运行中准确率评的是被削弱的网络，`evaluate` 评的是完整的网络。
# 此外，运行中准确率是整个 epoch 的平均，包括前面的批次（第 4 章）。
# 训练结束后、不用 dropout 测量时，训练图片的准确率高于测试图片。
train_accuracy = evaluate(convnet, x_train, y_train).accuracy
print(f"running accuracy, last epoch: {history['accuracy'][-1]:.3f}")
print(f"after training: training digits {train_accuracy:.3f}, test digits {convnet_accuracy:.3f}")
assert history["accuracy"][-1] < convnet_accuracy < train_accuracy
