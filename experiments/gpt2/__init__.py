"""Question: does GPT-2, written as the original TF1 release writes it (``variable_scope`` /
``get_variable``), carry exactly the original checkpoint's variables, and can it generate under
``jax.jit`` with one compilation rather than one per token?

``model.py`` follows the original ``src/model.py`` scope by scope: the 124M configuration has the
checkpoint's 148 variables (``model/wpe``, ``model/wte``, ``model/h0/ln_1/g``, ...,
``model/ln_f/b``) in its creation order, 124,439,808 parameters. ``sample.py`` samples as the
original (top-k, temperature, greedy) two ways: the original's ``past = concat([past,
present])`` (a new shape, so a new compilation, every token) and a fixed-size cache written with
``lax.dynamic_update_slice`` (two compilations: the prompt, then every later token).
``--model-dir`` restores a GPT-2 TF1 checkpoint directory (``hparams.json``, ``model.ckpt.*``,
optionally ``encoder.json`` + ``vocab.bpe`` for text) through ``jaxscope.checkpoint``; without it
the weights are freshly initialized.

Command:   python experiments/gpt2 [--model-dir models/124M --prompt "Hello"]
           (124M, fresh weights: about 40 s on 2 CPU cores)
Output:    148 variables, 124,439,808 parameters; the sampled tokens (text with an encoder);
           8 greedy tokens, identical both ways: 2 compilations and ~20-30 ms/token (cached) vs
           8 compilations and ~2.4 s/token (concat past) on 2 CPU cores; and
           results/gpt2.{png,json} (time per token, both ways).
"""

from .experiment import load_model_dir as load_model_dir
from .experiment import main as main
from .model import GPT2_124M as GPT2_124M
from .model import HParams as HParams
from .model import creation_order as creation_order
from .model import model as model
from .sample import language_model as language_model
from .sample import sample_sequence as sample_sequence
from .sample import sample_sequence_concat as sample_sequence_concat
