"""``jaxscope.compat.porting.load_tf1_module``: a TF1 file runs as written, its TF1 imports
resolved to jaxscope, without touching ``sys.modules`` (the real TensorFlow stays usable)."""

import sys
import textwrap
import types

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import jaxscope as js
import jaxscope.compat.v1 as jtf
from jaxscope.compat.porting import PortingImportError, default_aliases, load_tf1_module

MODEL = """
from __future__ import absolute_import

import collections

import tensorflow as tf
import tensorflow.compat.v1 as tf1
import tensorflow.contrib.slim as slim
from tensorflow.python.ops import variable_scope
from tf_slim import layers
from tf_slim.layers import utils
from tf_slim.ops.arg_scope import arg_scope

import helper

Pair = collections.namedtuple("Pair", ["a", "b"])


def model(x):
    assert tf is tf1
    with variable_scope.variable_scope("net") as sc:
        c = sc.original_name_scope + "_end_points"
        with arg_scope([layers.fully_connected], outputs_collections=c):
            y = layers.fully_connected(x, 3, activation_fn=None, scope="fc")
        y = helper.double(y)
        return y, utils.convert_collection_to_dict(c), slim


def later():
    from tf_slim import softmax  # an import inside a function resolves the same way
    return softmax
"""


@pytest.fixture
def model_file(tmp_path):
    (tmp_path / "helper.py").write_text("import tensorflow as tf\ndouble = lambda x: x * 2\n")
    path = tmp_path / "model.py"
    path.write_text(MODEL)
    return path


def test_a_tf1_file_runs_with_its_imports_resolved(model_file):
    before = set(sys.modules)
    mod = load_tf1_module(model_file)
    assert not {m for m in set(sys.modules) - before if m.split(".")[0] in ("model", "helper")}
    assert mod.later() is js.slim.softmax
    assert mod.__tf1_edits__ == []
    seen = {}

    def fn(x):
        y, points, seen["slim"] = mod.model(x)
        return y, points

    f = js.transform(fn)
    v = f.init(jax.random.key(0), jnp.ones([2, 4]))
    y, points = f.apply(v, jnp.ones([2, 4]))
    assert seen["slim"] is js.slim and list(points) == ["net/fc"]
    np.testing.assert_allclose(y, 2 * points["net/fc"])
    assert mod.Pair(1, 2).b == 2


def test_nothing_lands_in_sys_modules_and_real_tensorflow_is_untouched(tf1):
    before = dict(sys.modules)
    vgg = load_tf1_module("tf_slim.nets.vgg")
    added = {
        m for m in set(sys.modules) - set(before) if m.split(".")[0] in ("tf_slim", "tensorflow")
    }
    assert not added
    assert all(sys.modules[m] is before[m] for m in before if m.startswith("tensorflow"))
    assert vgg.layers is js.contrib.layers and vgg.array_ops is jtf
    assert vgg.__name__ == "tf_slim.nets.vgg" and vgg.__file__.endswith("vgg.py")
    with tf1.Graph().as_default():  # TF1 still builds its own graph with its own ops
        assert tf1.reshape(tf1.zeros([2, 3]), [-1]).shape.as_list() == [6]


def test_nets_importing_nets_load_them_from_source_once():
    resnet = load_tf1_module(
        "tf_slim.nets.resnet_v1", replace={"inputs.get_shape()": "inputs.shape"}
    )
    assert isinstance(resnet.resnet_utils, types.ModuleType)
    assert resnet.resnet_utils.__name__ == "tf_slim.nets.resnet_utils"
    assert resnet.__tf1_edits__ == [
        (110, "    depth_in = utils.last_dimension(inputs.get_shape(), min_rank=4)",
         "    depth_in = utils.last_dimension(inputs.shape, min_rank=4)"),
    ]  # fmt: skip


def test_a_tensorflow_module_without_counterpart_is_refused_naming_the_fix(tmp_path):
    path = tmp_path / "uses_gen_ops.py"
    path.write_text("from tensorflow.python.ops import gen_nn_ops\n")
    with pytest.raises(PortingImportError, match=r"aliases=\{'tensorflow.python.ops.gen_nn_ops'"):
        load_tf1_module(path)
    assert issubclass(PortingImportError, ImportError)


def test_aliases_map_more_modules_and_override(tmp_path):
    path = tmp_path / "uses_gen_ops.py"
    path.write_text("from tensorflow.python.ops import gen_nn_ops\nfrom tensorflow import nn\n")
    mine = types.SimpleNamespace(relu=jax.nn.relu)
    mod = load_tf1_module(
        path,
        aliases={
            "tensorflow.python.ops.gen_nn_ops": mine,
            "tensorflow": types.SimpleNamespace(nn=mine),
        },
    )
    assert mod.gen_nn_ops is mine and mod.nn is mine
    assert "tensorflow.python.ops.array_ops" in default_aliases()


def test_replace_must_match_and_missing_sources_are_named(tmp_path):
    with pytest.raises(ValueError, match="found in none of the loaded files"):
        load_tf1_module("tf_slim.nets.alexnet", replace={"no such text": ""})
    with pytest.raises(FileNotFoundError, match="no Python source for module 'tf_slim.nets.nope'"):
        load_tf1_module("tf_slim.nets.nope")
    with pytest.raises(FileNotFoundError, match="no file"):
        load_tf1_module(tmp_path / "missing.py")


def test_every_import_form_resolves(tmp_path):
    (tmp_path / "helper2.py").write_text("x2 = 5\n")
    path = tmp_path / "forms.py"
    path.write_text(
        textwrap.dedent("""
        import tensorflow.python.ops.array_ops
        import tensorflow.compat.v1 as tf
        import tensorflow.contrib.slim as slim
        import tf_slim.layers.utils as u
        import tf_slim.layers.utils
        from tensorflow.contrib import framework
        from tensorflow.python.framework import ops, dtypes
        from .helper2 import x2
        from . import helper2
        """)
    )
    m = load_tf1_module(path)
    assert m.tensorflow.python.ops.array_ops.concat is jtf.concat and m.tf is jtf
    assert m.slim is js.slim and m.u is js.slim.utils and m.framework is jtf.contrib.framework
    assert m.tf_slim.layers.utils is js.slim.utils and m.tf_slim.conv2d is js.slim.conv2d
    assert m.ops.GraphKeys is jtf.GraphKeys and m.dtypes.float32 is jtf.float32
    assert m.x2 == 5 and m.helper2.x2 == 5
    path.write_text("from .nothing_here import y\n")
    with pytest.raises(ImportError, match=r"no nothing_here.py beside it"):
        load_tf1_module(path)


def test_a_module_loaded_by_name_ports_its_own_package(tmp_path, monkeypatch):
    pkg = tmp_path / "tf1pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("raise RuntimeError('the package itself is never run')\n")
    (pkg / "ops_a.py").write_text("import tensorflow as tf\nreshape = tf.reshape\n")
    (pkg / "ops_b.py").write_text("from tensorflow.python.ops import array_ops\n")
    (pkg / "model.py").write_text(
        "from tf1pkg import ops_a\nfrom . import ops_b\n\ndef f(x):\n    return x\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    mod = load_tf1_module("tf1pkg.model", replace={"    return x\n": "    y = x\n    return y\n"})
    assert mod.ops_a.reshape is jtf.reshape and mod.ops_b.array_ops is jtf
    assert "tf1pkg" not in sys.modules
    assert mod.__tf1_edits__ == [(5, "    return x", "    y = x\n    return y")]


def test_docstring_examples_run():
    import doctest
    import importlib.util

    from jaxscope._src.compat import porting

    if importlib.util.find_spec("tf_slim") is None:
        pytest.skip("tf-slim is not installed (the example loads tf_slim/nets/vgg.py)")
    result = doctest.testmod(porting, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0 and result.attempted > 0
