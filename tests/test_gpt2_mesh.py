"""experiments/gpt2/mesh.py: GPT-2 trained data x tensor parallel on 8 virtual CPU devices, in
one process and in 2 processes x 4 devices (jax.distributed over gloo), equals one device.

Each run is a subprocess (XLA_FLAGS must be set before jax starts), bounded by a timeout.
"""

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "experiments" / "gpt2" / "mesh.py"
STEPS = 20


def _env(devices):
    flags = f"{os.environ.get('XLA_FLAGS', '')} --xla_force_host_platform_device_count={devices}"
    env = dict(os.environ, XLA_FLAGS=flags.strip())
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    return env


def _free_port():
    with socket.socket() as s:
        s.bind(("localhost", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def one_process(tmp_path_factory):
    out = tmp_path_factory.mktemp("mesh")
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), "--mesh", "4x2", "--compare", "--steps", str(STEPS),
         "--out", str(out)],
        capture_output=True, text=True, timeout=300, env=_env(8),
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads((out / "gpt2_mesh.json").read_text())


def test_mesh_4x2_equals_one_device(one_process):
    assert one_process["devices"] == 8 and one_process["processes"] == 1
    losses, single = one_process["losses"], one_process["single_device_losses"]
    assert len(losses) == STEPS
    for x, y in zip(losses, single, strict=True):
        assert abs(x - y) <= 1e-5 * abs(y)
    assert one_process["max_relative_difference"] <= 1e-5
    assert single[-1] < single[0] - 0.1  # it trains


def test_two_processes_of_four_devices_equal_one_device(one_process, tmp_path):
    port = _free_port()
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                str(SCRIPT),
                "--mesh",
                "4x2",
                "--steps",
                str(STEPS),
                "--num-processes",
                "2",
                "--process-id",
                str(i),
                "--coordinator",
                f"localhost:{port}",
                "--out",
                str(tmp_path),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=_env(4),
        )  # fmt: skip
        for i in range(2)
    ]
    try:
        results = [p.communicate(timeout=300) for p in procs]
    finally:
        for p in procs:  # bounded in time: never leave a process behind
            if p.poll() is None:
                p.kill()
                p.communicate()
    for p, (_, err) in zip(procs, results, strict=True):
        assert p.returncode == 0, err[-3000:]
    summary = json.loads((tmp_path / "gpt2_mesh_multiprocess.json").read_text())
    assert summary["processes"] == 2 and summary["devices"] == 8
    assert summary["local_devices"] == 4
    for x, y in zip(summary["losses"], one_process["single_device_losses"], strict=True):
        assert abs(x - y) <= 1e-5 * abs(y)
