"""Summarise a mutmut run (called by tests/mutation/run.sh): counts per module and status,
the survivors not listed as equivalent in tests/mutation/equivalent*.txt, and the kill rate of
the mutants that were run (those outside the run's globs are "not checked" and not counted).

    summary.py WORK [SECONDS]                  one run's directory
    summary.py --merge WORK1 WORK2 ...         several runs: for each function, the run started
                                               last (newest code and tests) that checked it decides
                                               its mutants, and the mutants that run skipped keep
                                               their status from the runs before it
"""
import collections
import pathlib
import re
import sys

if sys.argv[1] == "--merge":
    # run.sh writes setup.cfg into its directory when the run starts
    works = sorted((pathlib.Path(a) for a in sys.argv[2:]), key=lambda w: (w / "setup.cfg").stat().st_mtime)
    seconds = None
else:
    works, seconds = [pathlib.Path(sys.argv[1])], int(sys.argv[2]) if len(sys.argv) > 2 else None
here = pathlib.Path(__file__).resolve().parent
equivalent = set()
for eq_file in sorted(here.glob("equivalent*.txt")):  # equivalent.txt (core) and one file per Part V group
    for line in eq_file.read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            equivalent.add(line.split()[0])

counts = collections.Counter()
per_module = collections.defaultdict(collections.Counter)
survivors = []
results = {}  # function → {mutant: status}, the newest run that checked the function wins
for work in works:
    run = collections.defaultdict(dict)
    for line in (work / "results.txt").read_text().splitlines():
        m = re.match(r"\s*(\S+): (.+)$", line)
        if m:
            run[m.group(1).rsplit("__mutmut_", 1)[0]][m.group(1)] = m.group(2)
    for function, mutants in run.items():
        if function not in results or set(mutants.values()) != {"not checked"}:
            results[function] = {name: status if status != "not checked" else
                                 results.get(function, {}).get(name, status)
                                 for name, status in mutants.items()}

for name, status in sorted((n, s) for mutants in results.values() for n, s in mutants.items()):
    if status == "survived" and name in equivalent:
        status = "equivalent"
    counts[status] += 1
    per_module[re.split(r"\.x[_ǁ]", name)[0]][status] += 1  # functions .x_f, methods .xǁClassǁm
    if status not in ("killed", "equivalent", "not checked"):  # not checked: outside the globs
        survivors.append((name, status))

for module, c in sorted(per_module.items()):
    print(f"{module:28s} " + "  ".join(f"{k} {v}" for k, v in sorted(c.items())))
for name, status in survivors:
    print(f"  {status:10s} {name}")
total = sum(counts.values())
decided = total - counts["equivalent"] - counts["not checked"]
rate = 100.0 * counts["killed"] / decided if decided else float("nan")
print(f"mutants {total}: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
      + f"; killed {rate:.1f} % of the non-equivalent ones"
      + (f"; run time {seconds // 60} min {seconds % 60} s" if seconds is not None else ""))
