"""The smallest net found that shows resnet_v1_50's gradient step (docs/VERIFY.md): tf_slim's
resnet_v1 with block1 (64, 3 units) and block2 (128, 3 units, stride 2), inference mode, at
2x64x64. Outputs and end points agree to 1e-6; the gradients of block2/unit_3's conv1 weights and
beta, and of every variable before them, differ by ~1e-2 of their scale, because one activation
at ~0 leaves that layer's ReLU as 0 on one side only (rounding). The verifier names the flip and
passes. Run:
python -m jaxscope.verify tests/verify_models/resnet_gap.py:build --input 2x64x64x3 \
    --replace '{"inputs.get_shape()": "inputs.shape"}'
"""

import tf_slim as slim
from tf_slim.nets import resnet_v1


def build(images, is_training=False):
    blocks = [
        resnet_v1.resnet_v1_block("block1", base_depth=64, num_units=3, stride=2),
        resnet_v1.resnet_v1_block("block2", base_depth=128, num_units=3, stride=2),
    ]
    with slim.arg_scope(resnet_v1.resnet_arg_scope()):
        return resnet_v1.resnet_v1(
            images, blocks, num_classes=5, is_training=is_training, scope="gap"
        )
