"""``js.enable_compilation_cache``: a second process running the same ``init`` and jitted
``apply`` loads every program from the cache and compiles none (issue 27, item 1)."""

import os
import subprocess
import sys

import jaxscope as js

CHILD = r"""
import collections, sys, jax
import jaxscope as js
print("DIR", js.enable_compilation_cache(sys.argv[1]))
events = collections.Counter()
jax.monitoring.register_event_listener(lambda e, **k: events.update([e]))
def model(x):
    h = js.layers.dense(x, 7, activation=jax.nn.relu, name="a")
    init = js.truncated_normal_initializer(stddev=0.1)
    h = js.layers.dense(h, 5, name="b", kernel_initializer=init)
    return js.layers.dense(h, 3, name="c")
f = js.transform(model)
v = f.init(jax.random.key(0), jax.numpy.ones((2, 4)))
out = jax.jit(f.apply)(v, jax.numpy.ones((2, 4)))
print("OUT", repr(out.tolist()))
print("MISSES", events["/jax/compilation_cache/cache_misses"])
print("HITS", events["/jax/compilation_cache/cache_hits"])
"""


def _run(cache, env_value=None):
    env = {k: v for k, v in os.environ.items() if k != "JAXSCOPE_COMPILATION_CACHE"}
    if env_value is not None:
        env["JAXSCOPE_COMPILATION_CACHE"] = env_value
    proc = subprocess.run([sys.executable, "-c", CHILD, str(cache)], env=env,
                          capture_output=True, text=True, check=True)  # fmt: skip
    return dict(line.split(" ", 1) for line in proc.stdout.splitlines() if " " in line)


def test_a_second_process_compiles_nothing_for_init_and_apply(tmp_path):
    first, second = _run(tmp_path / "xla"), _run(tmp_path / "xla")
    assert first["DIR"] == second["DIR"] == str(tmp_path / "xla")
    assert int(first["MISSES"]) > 0 and int(first["HITS"]) == 0
    # the draws of init, the key's derivation, the jitted apply: all loaded, none compiled
    assert int(second["MISSES"]) == 0 and int(second["HITS"]) == int(first["MISSES"])
    assert second["OUT"] == first["OUT"]


def test_the_environment_turns_it_off(tmp_path, monkeypatch):
    monkeypatch.setenv("JAXSCOPE_COMPILATION_CACHE", "off")
    assert js.enable_compilation_cache(tmp_path / "never") is None
    assert not (tmp_path / "never").exists()
