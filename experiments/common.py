"""What the experiments share: their bundled data, their command line and their results files.

* Data that needs no download: scikit-learn's 8x8 digits (``load_digits``) and the committed
  CPython documentation corpus (``load_words``, ``python_docs_words``, ``build_vocab``).
* The command line: ``parser`` (the question as the description, ``--steps``, ``--batch``) and
  ``parse_args`` (``--seed`` and ``--out`` last, then parse; it turns on jax's persistent
  compilation cache, ``js.enable_compilation_cache``).
* The results: ``figure`` (matplotlib without a display), ``smoothed`` (a moving mean of the
  losses) and ``write_results`` (``OUT/NAME.json`` and ``OUT/NAME.png``).

The scripts run as ``python experiments/X.py``, which puts this folder first on ``sys.path``, so
they import these as ``from common import ...``; the tests and benchmarks put it there too.
"""

from __future__ import annotations

import argparse
import ast
import collections
import gzip
import json
import os
import pathlib
import re
import sysconfig

import numpy as np

CORPUS = pathlib.Path(__file__).parent / "data" / "python_docs.txt.gz"


# --- data ----------------------------------------------------------------------------------------
def load_digits(seed, images=False):
    """scikit-learn's bundled 8x8 digits scaled to [0, 1], shuffled by ``seed``, split 80/20.

    Returns ``((x_train, y_train), (x_test, y_test))``: ``x`` is ``[n, 64]``, or ``[n, 8, 8, 1]``
    (NHWC) with ``images``; ``y`` the int32 digit.
    """
    from sklearn.datasets import load_digits as sk_load

    data = sk_load()
    x = (data.images[..., None] if images else data.data) / 16.0
    x, y = x.astype(np.float32), data.target.astype(np.int32)
    order = np.random.default_rng(seed).permutation(len(x))
    split = int(0.8 * len(x))
    return (x[order[:split]], y[order[:split]]), (x[order[split:]], y[order[split:]])


def load_words(path=None):
    """The words of the embedded corpus, or the lower-case words of ``path`` (text8 or any text).

    The embedded corpus (``experiments/data/python_docs.txt.gz``, 319,473 words, Python Software
    Foundation License) is CPython 3.11.7's own English documentation -- ``pydoc_data.topics`` and
    the standard library's docstrings -- as ``python_docs_words()`` extracts it; it is committed so
    results do not depend on the installed Python.
    """
    if path is None:
        with gzip.open(CORPUS, "rt", encoding="utf-8") as f:
            return f.read().split()
    text = pathlib.Path(path).read_text(encoding="utf-8", errors="replace")
    return re.findall(r"[a-z]+", text.lower())


def python_docs_words():
    """The words of the running CPython's bundled documentation (how the corpus was made)."""
    import pydoc_data.topics

    docs = list(pydoc_data.topics.topics.values())
    root = pathlib.Path(sysconfig.get_paths()["stdlib"])
    skip = {"test", "tests", "site-packages", "idlelib", "lib2to3", "pydoc_data"}
    for p in sorted(root.rglob("*.py")):
        if skip & set(p.relative_to(root).parts):
            continue
        try:
            tree = ast.parse(p.read_text(encoding="utf-8"))
        except (SyntaxError, UnicodeDecodeError, ValueError):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
                doc = ast.get_docstring(node)
                if doc:
                    docs.append(doc)
    return re.findall(r"[a-z]+", "\n".join(docs).lower())


def build_vocab(words, size, unk="<unk>", unk_first=True):
    """The ``size - 1`` most frequent words plus ``unk``; returns ``(vocab, word -> id)``.

    ``unk`` is id 0, as the TF1 tutorial's reader has it, or (``unk_first=False``, as the CS20
    word2vec has it) takes the rank of its count, the rare words it stands for, so that the ids
    stay sorted by frequency.
    """
    kept = collections.Counter(words).most_common(size - 1)
    if unk_first:
        vocab = [unk] + [w for w, _ in kept]
    else:
        unk_count = len(words) - sum(c for _, c in kept)
        vocab = [w for w, _ in sorted([*kept, (unk, unk_count)], key=lambda wc: -wc[1])]
    return vocab, {w: i for i, w in enumerate(vocab)}


# --- command line --------------------------------------------------------------------------------
def parser(doc, steps=None, batch=None):
    """An ``ArgumentParser`` described by ``doc``'s first paragraph (the experiment's question),
    with ``--steps`` and ``--batch`` where they have defaults; add the script's own arguments to
    it, then call ``parse_args``."""
    p = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    if steps is not None:
        p.add_argument("--steps", type=int, default=steps)
    if batch is not None:
        p.add_argument("--batch", type=int, default=batch)
    return p


def parse_args(p, argv):
    """Adds ``--seed`` (0) and ``--out`` (``results``) as the last arguments; parses ``argv``."""
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", default="results")
    a = p.parse_args(argv)
    # A second run loads its compiled programs (init's draws, the step) instead of compiling
    # them again: ~/.cache/jaxscope/xla, or $JAXSCOPE_COMPILATION_CACHE (off: "0").
    import jaxscope

    jaxscope.enable_compilation_cache()
    return a


# --- results -------------------------------------------------------------------------------------
def figure(*args, **kwargs):
    """``plt.subplots(*args, **kwargs)`` on matplotlib's Agg backend: files only, no display."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt.subplots(*args, **kwargs)


def smoothed(losses, window):
    """The mean of each ``window`` consecutive losses (``len(losses) - window + 1`` values)."""
    return np.convolve(losses, np.ones(window) / window, mode="valid")


def write_results(out, name, summary, fig, indent=2, dpi=100, say=True):
    """Writes ``summary`` to ``out/name.json`` and ``fig`` to ``out/name.png``; with ``say``,
    prints where."""
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, f"{name}.json"), "w") as fh:
        json.dump(summary, fh, indent=indent)
    fig.tight_layout()
    fig.savefig(os.path.join(out, f"{name}.png"), dpi=dpi)
    if say:
        print(f"wrote {out}/{name}.png and {out}/{name}.json")
