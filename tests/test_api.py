"""The public surface: a pinned __all__ and runnable docstring examples."""

import doctest

import pytest

import jaxscope as js
from jaxscope._src.checkpoint import trees as checkpoint_impl
from jaxscope._src.core import (
    assign,
    info,
    random,
    scope,
    template,
    transform,
    tree_names,
    variables,
)
from jaxscope._src.sharding import partitioned

EXPECTED_ALL = sorted(
    [
        "AUTO_REUSE",
        "RawRnnMaximumIterationsError",
        "PartitionedVariable",
        "PartitionerError",
        "PartitionMismatchError",
        "fixed_size_partitioner",
        "min_max_variable_partitioner",
        "variable_axis_size_partitioner",
        "RngInTransformError",
        "MutableArgumentError",
        "InvalidVariableValueError",
        "InitializerDtypeError",
        "InvalidDtypeError",
        "ShapeTypeError",
        "ShardingRuleError",
        "InvalidShapeError",
        "AssignDtypeError",
        "AssignShapeError",
        "AssignThroughGetterError",
        "CheckpointMismatchError",
        "CheckpointNameError",
        "CheckpointNotFoundError",
        "CheckpointTreeError",
        "ChecksumMismatchError",
        "CorruptCheckpointError",
        "CustomGetterError",
        "Template",
        "TemplateVariableError",
        "TracedFlagError",
        "make_template",
        "DtypeMismatchError",
        "DuplicateNameError",
        "GlobalStepError",
        "MissingSlotError",
        "MovingAverageDtypeError",
        "TrainArgumentError",
        "train",
        "clip_by_global_norm",
        "clip_by_norm",
        "global_norm",
        "GraphKeys",
        "HandleAbstractionError",
        "HandleStructureError",
        "ImmutableVariableError",
        "InitializerError",
        "InvalidNameError",
        "JaxscopeError",
        "MissingInitialStateError",
        "CellInputDtypeError",
        "LoopConditionAssignError",
        "PartitionStrategyError",
        "MissingRngError",
        "MissingVariableError",
        "MovingAverageUpdateError",
        "OutsideTransformError",
        "RenameCollisionError",
        "ScatterIndexError",
        "ScopeArgumentError",
        "ScopeNestingError",
        "ScopeValueError",
        "ShapeMismatchError",
        "StaleVariableError",
        "TracedHandleError",
        "Transformed",
        "TreeConflictError",
        "UnknownVariableError",
        "UnsupportedCheckpointError",
        "UnusedVariablesError",
        "ValueMismatchError",
        "Variable",
        "VariableExistsError",
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
        "checkpoint",
        "constant_initializer",
        "contrib",
        "enable_compilation_cache",
        "get_collection",
        "get_regularization_loss",
        "get_regularization_losses",
        "get_variable",
        "get_variable_scope",
        "get_variable_value",
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
        "flax",
        "lecun_normal",
        "lecun_uniform",
        "name_scope",
        "next_rng_key",
        "nn",
        "case",
        "cond",
        "map_fn",
        "scan",
        "while_loop",
        "no_regularizer",
        "ones_initializer",
        "orthogonal_initializer",
        "random_normal_initializer",
        "random_uniform_initializer",
        "reinitialize",
        "remat",
        "scatter_add",
        "scatter_update",
        "slim",
        "trainable_variables",
        "transform",
        "truncated_normal_initializer",
        "variable_scope",
        "variance_scaling_initializer",
        "vmap",
        "zeros_initializer",
        "LoopTensorError",
        "CellStateError",
        "CellStateTypeError",
        "GradientShapeError",
        "GradientDtypeError",
        "GradientTreeError",
        "SlotMismatchError",
        "TrainArgumentTypeError",
        "IdOutOfRangeError",
        "LayerArgumentError",
        "LayerArgumentTypeError",
        "LayerInputError",
        "LayerInputDtypeError",
        "DropoutDtypeError",
        "LayerDtypeMismatchError",
        "VariableIndexError",
        "TensorArrayIndexError",
        "SequenceLengthError",
    ]
)


def test_all_is_pinned_and_sorted():
    assert js.__all__ == EXPECTED_ALL
    for name in js.__all__:
        assert hasattr(js, name)
    for name in js.initializers.__all__:
        assert getattr(js.initializers, name) is getattr(js, name, getattr(js.initializers, name))
    assert "random_normal_initializer" in js.initializers.__doc__


def test_errors_subclass_tf1_builtins():
    for cls in (
        js.VariableExistsError,
        js.VariableNotFoundError,
        js.ShapeMismatchError,
        js.DtypeMismatchError,
        js.InvalidNameError,
        js.InitializerError,
        js.TreeConflictError,
        js.UnusedVariablesError,
        js.ValueMismatchError,
    ):
        assert issubclass(cls, ValueError) and issubclass(cls, js.JaxscopeError)
    assert issubclass(js.MissingVariableError, LookupError)
    assert issubclass(js.OutsideTransformError, RuntimeError)
    assert issubclass(js.ScopeArgumentError, TypeError)
    assert issubclass(js.AssignShapeError, ValueError) and issubclass(
        js.AssignDtypeError, TypeError
    )
    assert issubclass(js.ScatterIndexError, IndexError)
    assert issubclass(js.ImmutableVariableError, RuntimeError)
    assert issubclass(js.CheckpointNotFoundError, FileNotFoundError)
    assert issubclass(js.ChecksumMismatchError, js.CorruptCheckpointError)
    assert issubclass(js.CheckpointMismatchError, ValueError)


@pytest.mark.parametrize(
    "module",
    [scope, variables, transform, assign, info, random, template, partitioned],
    ids=lambda m: m.__name__,
)
def test_docstring_examples_run(module):
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0 and result.attempted > 0


def test_checkpoint_all_is_pinned_and_sorted():
    from jaxscope import checkpoint

    assert checkpoint.__all__ == [
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
    for name in checkpoint.__all__:
        assert hasattr(checkpoint, name)
    assert issubclass(checkpoint.CheckpointNameError, ValueError)
    assert issubclass(checkpoint.CheckpointTreeError, TypeError)
    for module in (tree_names, checkpoint_impl):
        result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
        assert result.failed == 0 and result.attempted > 0


def test_verify_all_is_pinned_and_sorted():
    from jaxscope import verify

    assert verify.__all__ == [
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
    for name in verify.__all__:
        assert hasattr(verify, name)
    assert issubclass(verify.BuildSpecError, ValueError)
    assert issubclass(verify.InputSpecError, ValueError)
    assert issubclass(verify.RefusedOpError, NotImplementedError)
    assert issubclass(verify.BuildFailedError, RuntimeError)
    assert issubclass(verify.DataDependentShapeError, ValueError)
    assert issubclass(verify.TensorFlowMissingError, ImportError)


def test_verify_imports_tensorflow_only_when_it_runs():
    import subprocess
    import sys

    code = "import sys, jaxscope.verify; print('tensorflow' in sys.modules)"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "False"
