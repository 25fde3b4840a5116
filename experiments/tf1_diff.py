"""How many structural lines a port changed: ``python experiments/tf1_diff.py ORIGINAL PORT``.

Both files are cut into logical lines (statements and headers: a statement spread over several
physical lines is one), with comments, docstrings, import lines and blank lines left out and the
layout normalized (indentation, spacing, line breaks, a trailing comma before a closing bracket),
so reformatting (2-space TF style -> ruff's 4) changes nothing. ``difflib`` then pairs them; the
count is, per differing block, the larger of its original and port line counts. Prints each
differing block (``-`` original, ``+`` port) and the count.
"""

from __future__ import annotations

import difflib
import io
import sys
import tokenize

_SKIP = {tokenize.COMMENT, tokenize.NL, tokenize.INDENT, tokenize.DEDENT, tokenize.ENCODING}


def logical_lines(source: str) -> list[tuple[int, str]]:
    """``(first line number, normalized text)`` of each structural line of ``source``."""
    out, tokens, start = [], [], None
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type in _SKIP:
            continue
        if tok.type in (tokenize.NEWLINE, tokenize.ENDMARKER):
            if tokens:
                out.append((start, tokens))
            tokens, start = [], None
            continue
        start = tok.start[0] if start is None else start
        tokens.append(tok)
    lines = []
    for start, toks in out:
        if all(t.type == tokenize.STRING for t in toks):  # a docstring
            continue
        if toks[0].string == "import" or (toks[0].string == "from" and any(
                t.string == "import" for t in toks)):  # fmt: skip
            continue
        kept = [t.string for i, t in enumerate(toks)
                if not (t.string == "," and i + 1 < len(toks) and toks[i + 1].string in ")]}")]  # fmt: skip
        lines += [(start, line) for line in _split_compound(kept)]
    return lines


def _split_compound(tokens: list[str]) -> list[str]:
    """``if x: y`` on one line as the two lines ``if x :`` and ``y`` (the formatter's layout)."""
    if tokens[0] not in _COMPOUND:
        return [" ".join(tokens)]
    depth = 0
    for i, t in enumerate(tokens):
        depth += t in "([{" and t != "" and len(t) == 1
        depth -= t in ")]}" and t != "" and len(t) == 1
        if t == ":" and depth == 0 and tokens[0] != "lambda":
            if i + 1 < len(tokens):
                return [" ".join(tokens[: i + 1]), *_split_compound(tokens[i + 1 :])]
            break
    return [" ".join(tokens)]


_COMPOUND = {"if", "elif", "else", "for", "while", "with", "try", "except", "finally"}


def changed(original: str, port: str) -> tuple[int, list[str]]:
    """The count of changed structural lines and a report of each differing block."""
    a, b = logical_lines(original), logical_lines(port)
    matcher = difflib.SequenceMatcher(a=[t for _, t in a], b=[t for _, t in b], autojunk=False)
    count, report = 0, []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        count += max(i2 - i1, j2 - j1)
        report += [f"- {a[i][0]:4d}: {a[i][1]}" for i in range(i1, i2)]
        report += [f"+ {b[j][0]:4d}: {b[j][1]}" for j in range(j1, j2)]
        report.append("")
    return count, report


def main(argv=None):
    original, port = (argv if argv is not None else sys.argv[1:])[:2]
    with open(original, encoding="utf-8") as f, open(port, encoding="utf-8") as g:
        count, report = changed(f.read(), g.read())
    print("\n".join(report))
    print(f"{count} structural lines changed")
    return count


if __name__ == "__main__":
    main()
