#!/usr/bin/env bash
# Mutation testing of bplib's core and Part V modules with mutmut (issue 13).  One command, from the repository root:
#
#     tests/mutation/run.sh                          # every mutant of the modules in setup.cfg
#     tests/mutation/run.sh 'bplib.losses.*'         # only the mutants matching these globs
#     MUTATION_JOBS=2 tests/mutation/run.sh          # two worker processes
#
# It copies the checkout (bplib/, tests/, pyproject.toml) to
# ${MUTATION_DIR:-/tmp/bplib-mutation}, writes tests/mutation/setup.cfg there (its only_mutate cut
# down to the modules the globs name), rewrites the copy's @implements decorators as plain calls
# (tests/mutation/undecorate.py: mutmut 3.8 skips decorated functions, and every equation is
# decorated), installs mutmut==3.8.1 into .venv if it is missing (it is not in requirements.txt),
# runs every mutant against the fast unit tests that cover the mutated function (nice'd), and
# prints the survivors and a one-line summary.  Nothing in the checkout is modified.  Runs in
# different MUTATION_DIRs can go side by side.
#
# Cost (measured 2026-12-01 on the shared 2-core machine, nice 19): about 13 800 mutants in 21
# modules.  The full study ran as three runs side by side (core 79 min, Part V's equation modules
# 56 min, Part V's tools and experiments 46 min; 100 min of wall time); a re-check of 55 functions
# (3 400 mutants, MUTATION_JOBS=2) took 6.5 min.  A glob run over a few functions takes minutes,
# most of it generating the mutants and the test-coverage pass.  Too slow for CI.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
PY="$ROOT/.venv/bin/python"
WORK="${MUTATION_DIR:-/tmp/bplib-mutation}"
JOBS="${MUTATION_JOBS:-1}"

"$PY" -c "import mutmut" 2>/dev/null || "$ROOT/.venv/bin/pip" install -q "mutmut==3.8.1"

mkdir -p "$WORK"
for d in bplib tests; do
  rm -rf "${WORK:?}/$d"
  cp -a "$ROOT/$d" "$WORK/$d"
done
find "$WORK" -name __pycache__ -prune -exec rm -rf {} +
cp "$ROOT/pyproject.toml" "$WORK/"
cp "$ROOT/tests/mutation/setup.cfg" "$WORK/setup.cfg"
"$PY" - "$WORK/setup.cfg" "$@" <<'PYEOF'
import fnmatch, re, sys
cfg, globs = sys.argv[1], sys.argv[2:]
modules = [".".join(g.split(".")[:2]) for g in globs]
if globs and not any("*" in m or "?" in m for m in modules):
    text = open(cfg).read()
    keep = lambda path: any(fnmatch.fnmatch(path[:-3].replace("/", "."), m) for m in modules)
    text = re.sub(r"(?m)^    (bplib/\S+\.py)\n", lambda x: x.group(0) if keep(x.group(1)) else "", text)
    open(cfg, "w").write(text)
PYEOF
"$PY" "$ROOT/tests/mutation/undecorate.py" "$WORK"/bplib/*.py
cd "$WORK"
rm -rf mutants
export OPENBLAS_NUM_THREADS=1 PYTHONHASHSEED=0
start=$(date +%s)
nice -n 19 "$ROOT/.venv/bin/mutmut" run --max-children "$JOBS" "$@" || true
end=$(date +%s)
"$ROOT/.venv/bin/mutmut" results --all true > results.txt 2>&1 || true
"$PY" "$ROOT/tests/mutation/summary.py" "$WORK" "$((end - start))"
