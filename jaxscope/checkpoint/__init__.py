"""Checkpoints: read TF1 checkpoints without TensorFlow, write them, and save jaxscope trees.

TF1 checkpoints (``model.ckpt.index`` + ``model.ckpt.data-*``) map onto jaxscope variables trees
by TF1 name: ``two_layers/h1/weights`` <-> ``variables["params"]["two_layers"]["h1"]["weights"]``;
:func:`flatten` and :func:`unflatten` convert between a tree and a flat ``{name: array}`` mapping.
"""

from jaxscope._src.checkpoint.errors import AdamStateError as AdamStateError
from jaxscope._src.checkpoint.optimizer_slots import restore_tf1_adam as restore_tf1_adam
from jaxscope._src.checkpoint.orbax_checkpoint import restore as restore
from jaxscope._src.checkpoint.orbax_checkpoint import save as save
from jaxscope._src.checkpoint.saver import SaverError as SaverError
from jaxscope._src.checkpoint.saver import (
    VariableNotFoundInCheckpointError as VariableNotFoundInCheckpointError,
)
from jaxscope._src.checkpoint.saving import save_tf1 as save_tf1
from jaxscope._src.checkpoint.tf1_checkpoint import CheckpointReader as CheckpointReader
from jaxscope._src.checkpoint.tf1_checkpoint import TensorInfo as TensorInfo
from jaxscope._src.checkpoint.tf1_checkpoint import latest_checkpoint as latest_checkpoint
from jaxscope._src.checkpoint.tf1_checkpoint import list_variables as list_variables
from jaxscope._src.checkpoint.tf1_checkpoint import load_variables as load_variables
from jaxscope._src.checkpoint.trees import Mismatch as Mismatch
from jaxscope._src.checkpoint.trees import RestoreReport as RestoreReport
from jaxscope._src.checkpoint.trees import restore_tf1 as restore_tf1
from jaxscope._src.core.errors import CheckpointNameError as CheckpointNameError
from jaxscope._src.core.errors import CheckpointTreeError as CheckpointTreeError
from jaxscope._src.core.tree_names import flatten as flatten
from jaxscope._src.core.tree_names import unflatten as unflatten

__all__ = [
    "AdamStateError",
    "CheckpointNameError",
    "CheckpointReader",
    "CheckpointTreeError",
    "Mismatch",
    "RestoreReport",
    "SaverError",
    "TensorInfo",
    "VariableNotFoundInCheckpointError",
    "flatten",
    "latest_checkpoint",
    "list_variables",
    "load_variables",
    "restore",
    "restore_tf1",
    "restore_tf1_adam",
    "save",
    "save_tf1",
    "unflatten",
]
