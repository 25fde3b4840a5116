"""Verify a port: build a TF1 model file under the real TensorFlow 1 and under jaxscope, and show
where they differ (``python -m jaxscope.verify model.py:build --input 2x28x28x1``).

Needs TensorFlow when it runs: ``pip install 'jaxscope[verify]'``.
"""

from jaxscope._src.verify.errors import BuildFailedError as BuildFailedError
from jaxscope._src.verify.errors import BuildSpecError as BuildSpecError
from jaxscope._src.verify.errors import DataDependentShapeError as DataDependentShapeError
from jaxscope._src.verify.errors import InputSpecError as InputSpecError
from jaxscope._src.verify.errors import RefusedOpError as RefusedOpError
from jaxscope._src.verify.errors import TensorFlowMissingError as TensorFlowMissingError
from jaxscope._src.verify.report import Check as Check
from jaxscope._src.verify.report import Report as Report
from jaxscope._src.verify.run import verify as verify

__all__ = [
    "BuildFailedError",
    "BuildSpecError",
    "Check",
    "DataDependentShapeError",
    "InputSpecError",
    "RefusedOpError",
    "Report",
    "TensorFlowMissingError",
    "verify",
]
