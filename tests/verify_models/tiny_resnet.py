"""A two-block resnet_v1 from tf_slim's own nets (tf_slim/nets/resnet_v1.py, the installed file):
batch norm, arg_scope, end points, at a small size."""

import tf_slim as slim
from tf_slim.nets import resnet_v1


def build(images, is_training=False):
    blocks = [
        resnet_v1.resnet_v1_block("block1", base_depth=4, num_units=2, stride=2),
        resnet_v1.resnet_v1_block("block2", base_depth=8, num_units=1, stride=1),
    ]
    with slim.arg_scope(resnet_v1.resnet_arg_scope()):
        return resnet_v1.resnet_v1(
            images, blocks, num_classes=5, is_training=is_training, scope="tiny"
        )
