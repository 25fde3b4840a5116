"""TF1's ``tf.compat.v1.layers``: the same functions, classes, arguments and defaults.

A TF1 model file ports by substitution (``tf.layers.dense`` -> ``jaxscope.layers.dense``). Each
layer opens a variable scope named as TF1 names it (``dense``, ``dense_1``, ... per enclosing
scope) and creates its weights with ``get_variable`` in TF1's order. ``batch_normalization``
keeps its moving averages in ``variables["state"]``; ``training=True`` updates them, which needs
``apply(..., mutable=["state"])``.
"""

from jaxscope._src.layers.base import Layer as Layer
from jaxscope._src.layers.conv import Conv1D as Conv1D
from jaxscope._src.layers.conv import Conv2D as Conv2D
from jaxscope._src.layers.conv import Conv2DTranspose as Conv2DTranspose
from jaxscope._src.layers.conv import Conv3D as Conv3D
from jaxscope._src.layers.conv import Conv3DTranspose as Conv3DTranspose
from jaxscope._src.layers.conv import SeparableConv1D as SeparableConv1D
from jaxscope._src.layers.conv import SeparableConv2D as SeparableConv2D
from jaxscope._src.layers.conv import conv1d as conv1d
from jaxscope._src.layers.conv import conv2d as conv2d
from jaxscope._src.layers.conv import conv2d_transpose as conv2d_transpose
from jaxscope._src.layers.conv import conv3d as conv3d
from jaxscope._src.layers.conv import conv3d_transpose as conv3d_transpose
from jaxscope._src.layers.conv import separable_conv1d as separable_conv1d
from jaxscope._src.layers.conv import separable_conv2d as separable_conv2d
from jaxscope._src.layers.core import Dense as Dense
from jaxscope._src.layers.core import Dropout as Dropout
from jaxscope._src.layers.core import Flatten as Flatten
from jaxscope._src.layers.core import dense as dense
from jaxscope._src.layers.core import dropout as dropout
from jaxscope._src.layers.core import flatten as flatten
from jaxscope._src.layers.normalization import BatchNormalization as BatchNormalization
from jaxscope._src.layers.normalization import batch_normalization as batch_normalization
from jaxscope._src.layers.pooling import AveragePooling1D as AveragePooling1D
from jaxscope._src.layers.pooling import AveragePooling2D as AveragePooling2D
from jaxscope._src.layers.pooling import AveragePooling3D as AveragePooling3D
from jaxscope._src.layers.pooling import MaxPooling1D as MaxPooling1D
from jaxscope._src.layers.pooling import MaxPooling2D as MaxPooling2D
from jaxscope._src.layers.pooling import MaxPooling3D as MaxPooling3D
from jaxscope._src.layers.pooling import average_pooling1d as average_pooling1d
from jaxscope._src.layers.pooling import average_pooling2d as average_pooling2d
from jaxscope._src.layers.pooling import average_pooling3d as average_pooling3d
from jaxscope._src.layers.pooling import max_pooling1d as max_pooling1d
from jaxscope._src.layers.pooling import max_pooling2d as max_pooling2d
from jaxscope._src.layers.pooling import max_pooling3d as max_pooling3d

__all__ = [
    "AveragePooling1D",
    "AveragePooling2D",
    "AveragePooling3D",
    "BatchNormalization",
    "Conv1D",
    "Conv2D",
    "Conv2DTranspose",
    "Conv3D",
    "Conv3DTranspose",
    "Dense",
    "Dropout",
    "Flatten",
    "Layer",
    "MaxPooling1D",
    "MaxPooling2D",
    "MaxPooling3D",
    "SeparableConv1D",
    "SeparableConv2D",
    "average_pooling1d",
    "average_pooling2d",
    "average_pooling3d",
    "batch_normalization",
    "conv1d",
    "conv2d",
    "conv2d_transpose",
    "conv3d",
    "conv3d_transpose",
    "dense",
    "dropout",
    "flatten",
    "max_pooling1d",
    "max_pooling2d",
    "max_pooling3d",
    "separable_conv1d",
    "separable_conv2d",
]
