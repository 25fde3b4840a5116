"""GPT-2's byte-level BPE (``encoder.json`` + ``vocab.bpe``), written from its description.

Text is split into pieces by GPT-2's pattern, each piece's UTF-8 bytes are mapped to printable
characters (so no byte is whitespace or a control character), and the piece is merged pairwise by
the ranks of ``vocab.bpe``. The pattern uses Unicode classes (``\\p{L}``, ``\\p{N}``), which need
the ``regex`` module; without it a close ``re`` approximation is used (letters as ``[^\\W\\d_]``,
numbers as ``\\d``: numerals outside Nd, such as "½" or "²", then split differently).
"""

from __future__ import annotations

import functools
import json
import os

try:
    import regex as _regex

    PATTERN = _regex.compile(
        r"""'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"""
    )
    EXACT_PATTERN = True
except ImportError:  # pragma: no cover - depends on the environment
    PATTERN = None
    EXACT_PATTERN = False

import re as _re

APPROX_PATTERN = _re.compile(
    r"""'s|'t|'re|'ve|'m|'ll|'d| ?[^\W\d_]+| ?\d+| ?(?:[^\s\w]|_)+|\s+(?!\S)|\s+"""
)
if PATTERN is None:
    PATTERN = APPROX_PATTERN


@functools.lru_cache(maxsize=1)
def byte_to_char() -> dict[int, str]:
    """Each byte as a visible character: printable Latin-1 bytes as themselves, others from 256 up."""
    keep = [*range(ord("!"), ord("~") + 1), *range(ord("¡"), ord("¬") + 1)]
    keep += range(ord("®"), ord("ÿ") + 1)
    table = {b: chr(b) for b in keep}
    extra = 0
    for b in range(256):
        if b not in table:
            table[b] = chr(256 + extra)
            extra += 1
    return table


class Encoder:
    """``encode(text) -> list[int]`` and ``decode(ids) -> str`` for a GPT-2 vocabulary."""

    def __init__(self, encoder: dict[str, int], merges: list[tuple[str, str]], pattern=None):
        self.encoder = encoder
        self.decoder = {i: s for s, i in encoder.items()}
        self.ranks = {pair: r for r, pair in enumerate(merges)}
        self.to_char = byte_to_char()
        self.to_byte = {c: b for b, c in self.to_char.items()}
        self.pattern = PATTERN if pattern is None else pattern
        self._cache: dict[str, list[str]] = {}

    def bpe(self, piece: str) -> list[str]:
        """Merges the lowest-ranked adjacent pair until no known pair is left."""
        if piece in self._cache:
            return self._cache[piece]
        parts = list(piece)
        while len(parts) > 1:
            ranked = [
                (self.ranks.get((a, b), float("inf")), i)
                for i, (a, b) in enumerate(zip(parts, parts[1:], strict=False))
            ]
            best, _ = min(ranked)
            if best == float("inf"):
                break
            first, second = next(
                (parts[i], parts[i + 1]) for r, i in ranked if r == best
            )  # the pair itself; merge every occurrence, left to right
            merged, i = [], 0
            while i < len(parts):
                if i + 1 < len(parts) and parts[i] == first and parts[i + 1] == second:
                    merged.append(first + second)
                    i += 2
                else:
                    merged.append(parts[i])
                    i += 1
            parts = merged
        self._cache[piece] = parts
        return parts

    def encode(self, text: str) -> list[int]:
        ids = []
        for piece in self.pattern.findall(text):
            chars = "".join(self.to_char[b] for b in piece.encode("utf-8"))
            ids.extend(self.encoder[p] for p in self.bpe(chars))
        return ids

    def decode(self, ids) -> str:
        chars = "".join(self.decoder[int(i)] for i in ids)
        return bytes(self.to_byte[c] for c in chars).decode("utf-8", errors="replace")


def get_encoder(model_dir: str) -> Encoder | None:
    """The encoder of ``model_dir`` (``encoder.json`` + ``vocab.bpe``), or None if absent."""
    enc_path = os.path.join(model_dir, "encoder.json")
    bpe_path = os.path.join(model_dir, "vocab.bpe")
    if not (os.path.exists(enc_path) and os.path.exists(bpe_path)):
        return None
    with open(enc_path, encoding="utf-8") as fh:
        encoder = json.load(fh)
    with open(bpe_path, encoding="utf-8") as fh:
        lines = fh.read().split("\n")
    # The first line is a version comment; blank lines carry no merge.
    merges = [tuple(line.split()) for line in lines[1:] if line.strip()]
    return Encoder(encoder, merges)
