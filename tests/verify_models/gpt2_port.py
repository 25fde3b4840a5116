"""The hand port of GPT-2 written against jaxscope (experiments/gpt2/model.py), at gpt2_release.py's size:
the two-file mode's other side."""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                                "experiments"))  # fmt: skip
import gpt2  # noqa: E402

HPARAMS = gpt2.HParams(n_vocab=10, n_ctx=8, n_embd=8, n_head=2, n_layer=1)


def build(tokens):
    return gpt2.model(HPARAMS, tokens)
