"""``js.train.Runner``: TF1's ``session.run(fetches, feed_dict)`` on one program (issue 25, item
3). It runs what is fetched (a train op that is not fetched does not run), compiles each fetch set
once (the program is traced once per fetch set and input shapes, then steps reuse it, with the
variables donated) and leaves its variables as they were after a failed run. Compared with TF1 on
the PTB-like training program of tests/test_train_in_model.py."""

import jax
import numpy as np
import pytest
from test_train_in_model import X, Y, adam_in_scope, ptb_like, tf1_run

import jaxscope as js
import jaxscope.compat.v1 as jtf

pytestmark = pytest.mark.filterwarnings("ignore:.*is deprecated and will be removed:UserWarning")
FETCHES = ["lr:1.0", "train", "train", "cost", "lr:0.25", "train", "cost", "train"]


def test_runner_steps_match_tf1_and_trace_once_per_fetch_set(tf1):
    names, trainable, init, want_losses, want = tf1_run(tf1, ptb_like, FETCHES)
    traces = []

    def program(x, y):
        traces.append(1)
        return ptb_like(jtf, x, y)

    runner = js.train.Runner(program, js.checkpoint.unflatten(init, trainable))
    losses, seen = [], set()
    for i, fetch in enumerate(FETCHES):
        kind, _, value = fetch.partition(":")
        if kind == "lr":  # TF1: session.run(lr_update, {new_lr: value})
            runner.assign("Model/lr:0", float(value))
            losses.append(None)
            continue
        before = len(traces)
        out = runner.run({"loss": "cost", "op": "train"} if kind == "train" else "cost",
                         X[i % 6], Y[i % 6])  # fmt: skip
        # traced when a fetch set is new (three runs of the program: it asks for gradients),
        # never again after: no retrace per step
        assert len(traces) == before + (3 if kind not in seen else 0), (i, fetch)
        seen.add(kind)
        losses.append(out["loss"] if kind == "train" else out)
        if kind == "train":
            assert out["op"][1] is None  # a train op's value is None, as TF1's
    for i, (a, b) in enumerate(zip(losses, want_losses, strict=True)):
        if b is not None:
            np.testing.assert_allclose(a, b, rtol=2e-6, atol=1e-6, err_msg=f"step {i}")
    got = js.checkpoint.flatten(runner.variables)
    for n in names:
        np.testing.assert_allclose(got[n], want[n], rtol=2e-6, atol=1e-6, err_msg=n)
    assert int(got["Model/global_step"]) == FETCHES.count("train")


def test_a_fetch_without_the_train_op_changes_nothing_and_a_failed_run_neither():
    runner = js.train.Runner(lambda x, y: ptb_like(jtf, x, y))
    runner.init(jax.random.key(0), X[0], Y[0])
    runner.assign("Model/lr", 0.5)
    before = jax.tree.map(np.array, runner.variables)
    runner.run("cost", X[0], Y[0])
    jax.tree.map(np.testing.assert_array_equal, runner.variables, before)
    with pytest.raises(ValueError, match="names nothing in the program's output"):
        runner.run(["cost", "train_op"], X[0], Y[0])  # TF1 has no such fetch either
    with pytest.raises(ValueError, match="Model/h/kernel"):
        runner.run("train", X[0][:, :2], Y[0])  # a feed of the wrong shape
    jax.tree.map(np.testing.assert_array_equal, runner.variables, before)
    runner.run("train", X[0], Y[0])
    assert not np.allclose(js.checkpoint.flatten(runner.variables)["Model/h/kernel"],
                           js.checkpoint.flatten(before)["Model/h/kernel"])  # fmt: skip


def test_runner_without_variables_and_bad_assigns_say_what_to_do():
    runner = js.train.Runner(lambda x, y: ptb_like(jtf, x, y))
    with pytest.raises(ValueError, match=r"runner.init\(jax.random.key\(0\)"):
        runner.run("cost", X[0], Y[0])
    runner.init(jax.random.key(0), X[0], Y[0])
    with pytest.raises(ValueError, match="'Model/nope' is not a variable"):
        runner.assign("Model/nope", 1.0)
    with pytest.raises(ValueError, match=r"has shape \(\), the value \(2,\)"):
        runner.assign("Model/lr", [1.0, 2.0])


def test_init_of_a_program_with_its_train_op_runs_it_once_abstractly():
    """An Adam train op in the model: ``init`` learns every initial value (slots, beta powers,
    global_step) from one abstract run. (It used to run the whole program a second time, eagerly,
    train op included, to learn the beta powers: 3.4 s of a 6.7 s first step.)"""
    runs = []

    def program(x, y):
        runs.append(1)
        return adam_in_scope(jtf, x, y)

    variables = js.transform(program).init(jax.random.key(0), X[0], Y[0])
    assert len(runs) == 1
    flat = js.checkpoint.flatten(variables)
    slots = [n for n in flat if n.endswith(("/Adam", "/Adam_1", "/Momentum"))]
    assert slots and all(not np.any(flat[n]) for n in slots)


def test_bench_runner_smoke(tf1):
    """benchmarks/bench_runner.py: its three first steps run, and the steady rounds check the
    runner and the hand-written step compute the same weights."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    import bench_runner

    bench_runner.hand_first_step()
    bench_runner.tf1_first_step()
    a, b, ratio, lo, hi = bench_runner.steady(2 * bench_runner.BLOCK)
    assert a > 0 and b > 0 and lo <= ratio <= hi


def test_runner_draws_from_its_key_folded_with_the_run_and_takes_a_raw_key():
    def program(x):
        return {"noise": jtf.random_uniform([3]) + x}

    draws = []
    for key in (jax.random.key(3), jax.random.PRNGKey(3)):
        runner = js.train.Runner(program, {"params": {}, "state": {}}, rng=key)
        draws.append([np.asarray(runner.run("noise", np.float32(0))) for _ in range(2)])
    np.testing.assert_array_equal(draws[0], draws[1])  # a raw key is the same key
    assert not np.array_equal(draws[0][0], draws[0][1])  # each run draws afresh
