"""The type check of the public API, run by the suite (and so by CI): mypy with pyproject's
[tool.mypy] on jaxscope/ and on tests/typecheck_public_api.py."""

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_mypy_passes_on_the_package_and_its_public_api(tmp_path):
    api = pytest.importorskip("mypy.api")
    stdout, stderr, status = api.run(
        [
            "--config-file", str(ROOT / "pyproject.toml"),
            "--cache-dir", str(tmp_path / "mypy_cache"),
            str(ROOT / "jaxscope"),
            str(ROOT / "tests" / "typecheck_public_api.py"),
        ]
    )  # fmt: skip
    assert status == 0, stdout + stderr
