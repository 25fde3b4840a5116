"""GPT-2 as the original release wrote it (tests/gpt2_tf1.py: scopes, names, initializers,
creation order), at a tiny size, for tests/test_verify.py. Compared with itself under
jaxscope.compat.v1, or with the hand port experiments/gpt2 (gpt2_port.py):
python -m jaxscope.verify tests/verify_models/gpt2_release.py:build --input 2x6:int32 \
    --port tests/verify_models/gpt2_port.py:build
"""

import importlib.util
import os

import tensorflow.compat.v1 as tf

HPARAMS = dict(n_vocab=10, n_ctx=8, n_embd=8, n_head=2, n_layer=1)

_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "gpt2_tf1.py")
_spec = importlib.util.spec_from_file_location("_verify_gpt2_tf1", _PATH)
gpt2_tf1 = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(gpt2_tf1)


def build(tokens):
    return gpt2_tf1.build(tf, HPARAMS, tokens)
