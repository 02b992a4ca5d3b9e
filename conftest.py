"""Pin the data every test run uses, whoever runs it and wherever.

The notebooks' stored outputs were produced on the embedded sample, and nbval compares against
them, so `pytest --nbval notebooks` must load the sample too, online or not. Set here, before
nbval starts any kernel: the kernels inherit this environment.
"""

import os

os.environ["MNIST_SOURCE"] = "sample"
