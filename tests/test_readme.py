"""The README's examples run and print what the README says they print."""

import doctest
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_examples():
    result = doctest.testfile(
        str(README),
        module_relative=False,
        optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE,
    )
    assert result.failed == 0 and result.attempted > 10


def test_readme_checkpoint_snippets_are_all_doctests():
    """Every code block of the Checkpoints section runs (no unrunnable 'gpt2/...' sketches)."""
    text = README.read_text()
    section = text[text.index("## Checkpoints") : text.index("## TF1 layers")]
    blocks = section.split("```python")[1:]
    assert len(blocks) >= 3
    for block in blocks:
        code = block.split("```")[0]
        assert code.lstrip().startswith(">>>"), code
