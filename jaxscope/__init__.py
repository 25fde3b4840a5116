"""jaxscope: TensorFlow 1's variable model (variable_scope, get_variable, reuse) as pure JAX."""

from jaxscope import checkpoint as checkpoint
from jaxscope import contrib as contrib
from jaxscope import initializers as initializers
from jaxscope import layers as layers
from jaxscope import nn as nn
from jaxscope import slim as slim
from jaxscope._src.checkpoint.errors import CheckpointMismatchError as CheckpointMismatchError
from jaxscope._src.checkpoint.errors import CheckpointNotFoundError as CheckpointNotFoundError
from jaxscope._src.checkpoint.errors import ChecksumMismatchError as ChecksumMismatchError
from jaxscope._src.checkpoint.errors import CorruptCheckpointError as CorruptCheckpointError
from jaxscope._src.checkpoint.errors import RenameCollisionError as RenameCollisionError
from jaxscope._src.checkpoint.errors import UnsupportedCheckpointError as UnsupportedCheckpointError
from jaxscope._src.checkpoint.errors import (
    VariableNotInCheckpointError as VariableNotInCheckpointError,
)
from jaxscope._src.core.assign import assign as assign
from jaxscope._src.core.assign import assign_add as assign_add
from jaxscope._src.core.assign import assign_sub as assign_sub
from jaxscope._src.core.assign import scatter_add as scatter_add
from jaxscope._src.core.assign import scatter_update as scatter_update
from jaxscope._src.core.call_errors import AssignDtypeError as AssignDtypeError
from jaxscope._src.core.call_errors import AssignShapeError as AssignShapeError
from jaxscope._src.core.call_errors import HandleAbstractionError as HandleAbstractionError
from jaxscope._src.core.call_errors import HandleStructureError as HandleStructureError
from jaxscope._src.core.call_errors import ImmutableVariableError as ImmutableVariableError
from jaxscope._src.core.call_errors import InvalidVariableValueError as InvalidVariableValueError
from jaxscope._src.core.call_errors import LoopConditionAssignError as LoopConditionAssignError
from jaxscope._src.core.call_errors import LoopTensorError as LoopTensorError
from jaxscope._src.core.call_errors import MissingRngError as MissingRngError
from jaxscope._src.core.call_errors import MissingVariableError as MissingVariableError
from jaxscope._src.core.call_errors import MutableArgumentError as MutableArgumentError
from jaxscope._src.core.call_errors import OutsideTransformError as OutsideTransformError
from jaxscope._src.core.call_errors import RngInTransformError as RngInTransformError
from jaxscope._src.core.call_errors import ScatterIndexError as ScatterIndexError
from jaxscope._src.core.call_errors import StaleVariableError as StaleVariableError
from jaxscope._src.core.call_errors import TracedFlagError as TracedFlagError
from jaxscope._src.core.call_errors import TracedHandleError as TracedHandleError
from jaxscope._src.core.call_errors import UnknownVariableError as UnknownVariableError
from jaxscope._src.core.call_errors import UnusedVariablesError as UnusedVariablesError
from jaxscope._src.core.call_errors import ValueMismatchError as ValueMismatchError
from jaxscope._src.core.call_errors import VariableIndexError as VariableIndexError
from jaxscope._src.core.call_errors import VariableLookupError as VariableLookupError
from jaxscope._src.core.call_errors import VmapAssignError as VmapAssignError
from jaxscope._src.core.collections import GraphKeys as GraphKeys
from jaxscope._src.core.collections import add_to_collection as add_to_collection
from jaxscope._src.core.collections import get_collection as get_collection
from jaxscope._src.core.collections import global_variables as global_variables
from jaxscope._src.core.collections import trainable_variables as trainable_variables
from jaxscope._src.core.compilation_cache import (
    enable_compilation_cache as enable_compilation_cache,
)
from jaxscope._src.core.control_flow import case as case
from jaxscope._src.core.control_flow import cond as cond
from jaxscope._src.core.control_flow import map_fn as map_fn
from jaxscope._src.core.control_flow import scan as scan
from jaxscope._src.core.control_flow import while_loop as while_loop
from jaxscope._src.core.errors import CheckpointNameError as CheckpointNameError
from jaxscope._src.core.errors import CheckpointTreeError as CheckpointTreeError
from jaxscope._src.core.errors import CustomGetterError as CustomGetterError
from jaxscope._src.core.errors import DtypeMismatchError as DtypeMismatchError
from jaxscope._src.core.errors import DuplicateNameError as DuplicateNameError
from jaxscope._src.core.errors import InitializerDtypeError as InitializerDtypeError
from jaxscope._src.core.errors import InvalidNameError as InvalidNameError
from jaxscope._src.core.errors import PartitionMismatchError as PartitionMismatchError
from jaxscope._src.core.errors import ScopeArgumentError as ScopeArgumentError
from jaxscope._src.core.errors import ScopeNestingError as ScopeNestingError
from jaxscope._src.core.errors import ScopeValueError as ScopeValueError
from jaxscope._src.core.errors import ShapeMismatchError as ShapeMismatchError
from jaxscope._src.core.errors import TemplateVariableError as TemplateVariableError
from jaxscope._src.core.errors import TreeConflictError as TreeConflictError
from jaxscope._src.core.errors import VariableExistsError as VariableExistsError
from jaxscope._src.core.errors import VariableNotFoundError as VariableNotFoundError
from jaxscope._src.core.info import VariableInfo as VariableInfo
from jaxscope._src.core.info import VariablesInfo as VariablesInfo
from jaxscope._src.core.info import get_variable_value as get_variable_value
from jaxscope._src.core.info import inspect as inspect
from jaxscope._src.core.lifted import remat as remat
from jaxscope._src.core.lifted import vmap as vmap
from jaxscope._src.core.random import next_rng_key as next_rng_key
from jaxscope._src.core.regularizers import get_regularization_loss as get_regularization_loss
from jaxscope._src.core.regularizers import get_regularization_losses as get_regularization_losses
from jaxscope._src.core.regularizers import l1_l2_regularizer as l1_l2_regularizer
from jaxscope._src.core.regularizers import l1_regularizer as l1_regularizer
from jaxscope._src.core.regularizers import l2_regularizer as l2_regularizer
from jaxscope._src.core.regularizers import no_regularizer as no_regularizer
from jaxscope._src.core.scope import AUTO_REUSE as AUTO_REUSE
from jaxscope._src.core.scope import VariableScope as VariableScope
from jaxscope._src.core.scope import get_variable_scope as get_variable_scope
from jaxscope._src.core.scope import name_scope as name_scope
from jaxscope._src.core.scope import variable_scope as variable_scope
from jaxscope._src.core.template import Template as Template
from jaxscope._src.core.template import make_template as make_template
from jaxscope._src.core.transform import Transformed as Transformed
from jaxscope._src.core.transform import initialize_missing as initialize_missing
from jaxscope._src.core.transform import reinitialize as reinitialize
from jaxscope._src.core.transform import transform as transform
from jaxscope._src.core.variable_store import get_variable as get_variable
from jaxscope._src.core.variables import PartitionedVariable as PartitionedVariable
from jaxscope._src.core.variables import Variable as Variable
from jaxscope._src.errors import JaxscopeError as JaxscopeError
from jaxscope._src.initializers.catalogue import constant_initializer as constant_initializer
from jaxscope._src.initializers.catalogue import (
    glorot_normal_initializer as glorot_normal_initializer,
)
from jaxscope._src.initializers.catalogue import (
    glorot_uniform_initializer as glorot_uniform_initializer,
)
from jaxscope._src.initializers.catalogue import he_normal as he_normal
from jaxscope._src.initializers.catalogue import he_uniform as he_uniform
from jaxscope._src.initializers.catalogue import identity_initializer as identity_initializer
from jaxscope._src.initializers.catalogue import lecun_normal as lecun_normal
from jaxscope._src.initializers.catalogue import lecun_uniform as lecun_uniform
from jaxscope._src.initializers.catalogue import ones_initializer as ones_initializer
from jaxscope._src.initializers.catalogue import orthogonal_initializer as orthogonal_initializer
from jaxscope._src.initializers.catalogue import (
    random_normal_initializer as random_normal_initializer,
)
from jaxscope._src.initializers.catalogue import (
    random_uniform_initializer as random_uniform_initializer,
)
from jaxscope._src.initializers.catalogue import (
    truncated_normal_initializer as truncated_normal_initializer,
)
from jaxscope._src.initializers.catalogue import (
    uniform_unit_scaling_initializer as uniform_unit_scaling_initializer,
)
from jaxscope._src.initializers.catalogue import (
    variance_scaling_initializer as variance_scaling_initializer,
)
from jaxscope._src.initializers.catalogue import zeros_initializer as zeros_initializer
from jaxscope._src.initializers.errors import InitializerError as InitializerError
from jaxscope._src.initializers.errors import InvalidDtypeError as InvalidDtypeError
from jaxscope._src.initializers.errors import InvalidShapeError as InvalidShapeError
from jaxscope._src.initializers.errors import ShapeTypeError as ShapeTypeError
from jaxscope._src.layers.errors import AssignThroughGetterError as AssignThroughGetterError
from jaxscope._src.layers.errors import DropoutDtypeError as DropoutDtypeError
from jaxscope._src.layers.errors import LayerArgumentError as LayerArgumentError
from jaxscope._src.layers.errors import LayerArgumentTypeError as LayerArgumentTypeError
from jaxscope._src.layers.errors import LayerDtypeMismatchError as LayerDtypeMismatchError
from jaxscope._src.layers.errors import LayerInputDtypeError as LayerInputDtypeError
from jaxscope._src.layers.errors import LayerInputError as LayerInputError
from jaxscope._src.layers.errors import MovingAverageUpdateError as MovingAverageUpdateError
from jaxscope._src.nn.errors import CellInputDtypeError as CellInputDtypeError
from jaxscope._src.nn.errors import CellStateError as CellStateError
from jaxscope._src.nn.errors import CellStateTypeError as CellStateTypeError
from jaxscope._src.nn.errors import IdOutOfRangeError as IdOutOfRangeError
from jaxscope._src.nn.errors import MissingInitialStateError as MissingInitialStateError
from jaxscope._src.nn.errors import PartitionStrategyError as PartitionStrategyError
from jaxscope._src.nn.errors import RawRnnMaximumIterationsError as RawRnnMaximumIterationsError
from jaxscope._src.nn.errors import SequenceLengthError as SequenceLengthError
from jaxscope._src.nn.errors import TensorArrayIndexError as TensorArrayIndexError
from jaxscope._src.sharding.errors import PartitionerError as PartitionerError
from jaxscope._src.sharding.errors import ShardingRuleError as ShardingRuleError
from jaxscope._src.sharding.partitioned import fixed_size_partitioner as fixed_size_partitioner
from jaxscope._src.sharding.partitioned import (
    min_max_variable_partitioner as min_max_variable_partitioner,
)
from jaxscope._src.sharding.partitioned import (
    variable_axis_size_partitioner as variable_axis_size_partitioner,
)
from jaxscope._src.train.clip import clip_by_global_norm as clip_by_global_norm
from jaxscope._src.train.clip import clip_by_norm as clip_by_norm
from jaxscope._src.train.clip import global_norm as global_norm
from jaxscope._src.train.errors import GlobalStepError as GlobalStepError
from jaxscope._src.train.errors import GradientDtypeError as GradientDtypeError
from jaxscope._src.train.errors import GradientShapeError as GradientShapeError
from jaxscope._src.train.errors import GradientTreeError as GradientTreeError
from jaxscope._src.train.errors import MissingSlotError as MissingSlotError
from jaxscope._src.train.errors import MovingAverageDtypeError as MovingAverageDtypeError
from jaxscope._src.train.errors import SlotMismatchError as SlotMismatchError
from jaxscope._src.train.errors import TrainArgumentError as TrainArgumentError
from jaxscope._src.train.errors import TrainArgumentTypeError as TrainArgumentTypeError

__version__ = "0.1.0"


def __getattr__(name: str):
    # jaxscope.train imports optax (~0.15 s); `import jaxscope` alone should not pay for it.
    if name == "train":
        import jaxscope.train as train

        return train
    if name == "flax":  # flax is an extra (jaxscope[flax]), imported on first use
        try:
            import jaxscope.flax as flax
        except ModuleNotFoundError as e:
            if e.name != "flax" and not (e.name or "").startswith("flax."):
                raise
            raise ModuleNotFoundError(
                "jaxscope.flax needs flax, which is not installed: pip install 'jaxscope[flax]'",
                name="flax",
            ) from e
        return flax
    raise AttributeError(f"module 'jaxscope' has no attribute {name!r}")


__all__ = [
    "AUTO_REUSE",
    "AssignDtypeError",
    "AssignShapeError",
    "AssignThroughGetterError",
    "CellInputDtypeError",
    "CellStateError",
    "CellStateTypeError",
    "CheckpointMismatchError",
    "CheckpointNameError",
    "CheckpointNotFoundError",
    "CheckpointTreeError",
    "ChecksumMismatchError",
    "CorruptCheckpointError",
    "CustomGetterError",
    "DropoutDtypeError",
    "DtypeMismatchError",
    "DuplicateNameError",
    "GlobalStepError",
    "GradientDtypeError",
    "GradientShapeError",
    "GradientTreeError",
    "GraphKeys",
    "HandleAbstractionError",
    "HandleStructureError",
    "IdOutOfRangeError",
    "ImmutableVariableError",
    "InitializerDtypeError",
    "InitializerError",
    "InvalidDtypeError",
    "InvalidNameError",
    "InvalidShapeError",
    "InvalidVariableValueError",
    "JaxscopeError",
    "LayerArgumentError",
    "LayerArgumentTypeError",
    "LayerDtypeMismatchError",
    "LayerInputDtypeError",
    "LayerInputError",
    "LoopConditionAssignError",
    "LoopTensorError",
    "MissingInitialStateError",
    "MissingRngError",
    "MissingSlotError",
    "MissingVariableError",
    "MovingAverageDtypeError",
    "MovingAverageUpdateError",
    "MutableArgumentError",
    "OutsideTransformError",
    "PartitionMismatchError",
    "PartitionStrategyError",
    "PartitionedVariable",
    "PartitionerError",
    "RawRnnMaximumIterationsError",
    "RenameCollisionError",
    "RngInTransformError",
    "ScatterIndexError",
    "ScopeArgumentError",
    "ScopeNestingError",
    "ScopeValueError",
    "SequenceLengthError",
    "ShapeMismatchError",
    "ShapeTypeError",
    "ShardingRuleError",
    "SlotMismatchError",
    "StaleVariableError",
    "Template",
    "TemplateVariableError",
    "TensorArrayIndexError",
    "TracedFlagError",
    "TracedHandleError",
    "TrainArgumentError",
    "TrainArgumentTypeError",
    "Transformed",
    "TreeConflictError",
    "UnknownVariableError",
    "UnsupportedCheckpointError",
    "UnusedVariablesError",
    "ValueMismatchError",
    "Variable",
    "VariableExistsError",
    "VariableIndexError",
    "VariableInfo",
    "VariableLookupError",
    "VariableNotFoundError",
    "VariableNotInCheckpointError",
    "VariableScope",
    "VariablesInfo",
    "VmapAssignError",
    "add_to_collection",
    "assign",
    "assign_add",
    "assign_sub",
    "case",
    "checkpoint",
    "clip_by_global_norm",
    "clip_by_norm",
    "cond",
    "constant_initializer",
    "contrib",
    "enable_compilation_cache",
    "fixed_size_partitioner",
    "flax",
    "get_collection",
    "get_regularization_loss",
    "get_regularization_losses",
    "get_variable",
    "get_variable_scope",
    "get_variable_value",
    "global_norm",
    "global_variables",
    "glorot_normal_initializer",
    "glorot_uniform_initializer",
    "he_normal",
    "he_uniform",
    "identity_initializer",
    "initialize_missing",
    "initializers",
    "inspect",
    "l1_l2_regularizer",
    "l1_regularizer",
    "l2_regularizer",
    "layers",
    "lecun_normal",
    "lecun_uniform",
    "make_template",
    "map_fn",
    "min_max_variable_partitioner",
    "name_scope",
    "next_rng_key",
    "nn",
    "no_regularizer",
    "ones_initializer",
    "orthogonal_initializer",
    "random_normal_initializer",
    "random_uniform_initializer",
    "reinitialize",
    "remat",
    "scan",
    "scatter_add",
    "scatter_update",
    "slim",
    "train",
    "trainable_variables",
    "transform",
    "truncated_normal_initializer",
    "variable_axis_size_partitioner",
    "variable_scope",
    "variance_scaling_initializer",
    "vmap",
    "while_loop",
    "zeros_initializer",
]
