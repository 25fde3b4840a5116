"""The site's plots, drawn from the figures its pages print (so a plot never disagrees with its
table): ``python docs/plots.py OUT_DIR``; ``conf.py`` runs it into ``docs/_generated/`` at build."""

from __future__ import annotations

import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def table(page: Path, header_start: str) -> list[list[str]]:
    """The rows (cells stripped) of the markdown table whose header row starts with
    ``header_start``, header first."""
    lines = page.read_text().splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"| {header_start}"))
    rows = []
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        if not set(line) <= set("|-: "):
            rows.append([cell.strip() for cell in line.strip("|").split("|")])
    return rows


def _label(text: str) -> str:
    return re.sub(r" \(.*\)$", "", text.replace("`", ""))  # the unit, "(s)", dropped


def cold_start_ratios(out: Path) -> Path:
    """jaxscope's time over the fastest other framework's, per measurement of the cold-start
    table of the benchmarks page (below 1: jaxscope is faster)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = table(HERE / "guides" / "benchmarks.md", "toy, 301 variables")
    labels = [_label(r[0]) for r in rows[1:]]
    ratios = [float(r[-1]) for r in rows[1:]]
    assert len(set(labels)) == len(labels), labels  # one bar per measurement
    fig, ax = plt.subplots(figsize=(8, 3.4))
    colors = ["#2a9d8f" if r <= 1.0 else "#e76f51" for r in ratios]
    ax.barh(labels[::-1], ratios[::-1], color=colors[::-1])
    ax.axvline(1.0, color="black", linewidth=0.8)
    ax.set_xlabel("jaxscope / fastest of dm-haiku, flax linen, flax nnx, plain JAX")
    ax.set_title(
        "Cold start, 301-variable model, 2-core CPU (below 1: jaxscope faster)", fontsize=10
    )
    fig.tight_layout()
    path = out / "cold_start_ratios.png"
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def first_step_over_tf1(out: Path) -> Path:
    """Time to the first training step over TF1's (CPU seconds), per framework and run, for both
    programs of the benchmarks page's time-to-first-step tables."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    page = HERE / "guides" / "benchmarks.md"
    fig, axes = plt.subplots(1, 2, figsize=(9, 3.2), sharex=True)
    for ax, (start, title) in zip(
        axes,
        [("tf-slim `resnet_v1_50`", "tf-slim resnet_v1_50"), ("PTB tutorial LSTM", "PTB LSTM")],
        strict=True,
    ):
        rows = table(page, start)[1:]
        labels = [re.sub(r" \(.*?\)", "", r[0]) for r in rows]
        ratios = [float(r[-1].strip("*")) for r in rows]
        colors = ["#2a9d8f" if r <= 1.0 else "#e76f51" for r in ratios]
        ax.barh(labels[::-1], ratios[::-1], color=colors[::-1])
        ax.axvline(1.0, color="black", linewidth=0.8)
        ax.set_title(title, fontsize=10)
        ax.set_xlabel("to first step / TF1's (CPU s)")
    fig.suptitle(
        "Time to the first training step, 2-core CPU (below 1: faster than TF1)", fontsize=10
    )
    fig.tight_layout()
    path = out / "first_step_over_tf1.png"
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def main(out: str | Path = HERE / "_generated") -> list[Path]:
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    return [cold_start_ratios(out), first_step_over_tf1(out)]


if __name__ == "__main__":
    print(*main(*sys.argv[1:]), sep="\n")
