#!/usr/bin/env bash
# One short GPU check: a non-TF test subset (fused threefry keys included) on the device's (newer)
# jax, then a quick bench_core.
# Usage on a machine with an accelerator: bash benchmarks/device_check.sh OUTDIR
set -u
out=${1:-results}
mkdir -p "$out"
export PYTHONPATH=$PWD
python -c "import jax, flax, sys; print('jax', jax.__version__, 'flax', flax.__version__, jax.devices())" 2>&1 | tee "$out/env.txt"
timeout 240 python -m pytest -q -p no:cacheprovider tests/test_fused_random.py tests/test_performance.py \
  tests/test_transform.py tests/test_variables.py tests/test_errors.py tests/test_api.py \
  tests/test_collections.py 2>&1 | tail -15 | tee "$out/tests.txt"
timeout 300 python benchmarks/bench_core.py --quick --frameworks jaxscope,plain 2>&1 \
  | grep -v Warning | tee "$out/bench_core.txt"
