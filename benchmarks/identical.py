"""Byte-identity check of a performance change: every output of this tree against a reference tree.

    git archive main | (mkdir -p /tmp/jixiao-ref && tar -x -C /tmp/jixiao-ref)
    python benchmarks/identical.py --ref /tmp/jixiao-ref [--this DIR] [--cases 1000] [--skip-score]

Runs the same commands with the reference tree's code (PYTHONPATH and working folder there) and
with this tree's, each with its own empty pack cache, and compares every file they write byte for
byte:

* `jixiao batch` of the first --cases generated benchmark cases (benchmarks/.data, made by
  benchmarks/generate.py as `run.py` makes them) with `--rules rules/national-2020`, once per
  matcher (durable, python): results/*.json, summary.csv, findings.csv, summary.xlsx;
* `jixiao batch` of the corpus (tests/corpus/*/case.yaml) and the examples (cases/examples/*),
  each pack chosen as `jixiao score` chooses it, once per matcher;
* `jixiao score` of every corpus case and example in each output format of `score` but pdf
  (table piped, json, markdown, html, docx, with a fixed --date), with the default matcher, and
  json with the Python matcher; each command's exit code and standard error are compared too.

Paths given to the commands are relative and the same in both trees (the reference tree gets a
symbolic link to this tree's benchmarks/.data), so a result naming its file names it alike.
Prints each difference (first differing byte) and exits 1 if there is one. A measurement of
nothing: it says whether a change kept the output, not how fast it is.
"""

from __future__ import annotations

import argparse
import filecmp
import glob
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.run import DATA, case_set  # noqa: E402

FORMATS = ("table", "json", "markdown", "html", "docx")
DATE = "2026-12-01"


def _env(tree: Path, cache: Path) -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(tree)
    env["JIXIAO_CACHE_DIR"] = str(cache)
    env["COLUMNS"] = "120"
    return env


def _run(tree: Path, cache: Path, args: list[str], stdout=None, status: Path | None = None) -> int:
    """Run one command; its exit code and standard error go to `status` (compared too), or, when
    it has none and the command fails, to the screen."""
    argv = [sys.executable, "-m", "engine.cli", *args]
    done = subprocess.run(argv, cwd=tree, env=_env(tree, cache), stdout=stdout or subprocess.DEVNULL,
                          stderr=subprocess.PIPE, check=False)
    if status is not None:
        status.write_bytes(f"exit {done.returncode}\n".encode() + done.stderr)
    elif done.returncode not in (0, 1):
        shown = " ".join(args)
        shown = shown if len(shown) < 300 else shown[:150] + " ... " + shown[-150:]
        print(f"  {tree}: {shown}: exit {done.returncode}\n{done.stderr.decode(errors='replace')[-1500:]}")
    return done.returncode


def _corpus(tree: Path) -> list[str]:
    found = sorted(glob.glob("tests/corpus/*/case.yaml", root_dir=tree))
    found += sorted(p for p in glob.glob("cases/examples/*", root_dir=tree) if os.path.isfile(tree / p))
    return found


def produce(tree: Path, out: Path, cases: list[str], skip_score: bool) -> None:
    """Every output of `tree` for these inputs, under `out`."""
    cache = out / ".cache"
    for matcher in ("durable", "python"):
        list_args = cases
        _run(tree, cache, ["batch", *list_args, "--rules", "rules/national-2020", "--out",
                           str(out / f"batch-{matcher}"), "--jobs", "2", "--matcher", matcher])
        _run(tree, cache, ["batch", *_corpus(tree), "--out", str(out / f"corpus-{matcher}"), "--jobs", "2",
                           "--matcher", matcher])
    if skip_score:
        return
    commands = []  # (args, stdout file or None, status file)
    for case in _corpus(tree):
        if not case.endswith((".yaml", ".yml")):
            continue
        name = case.replace("/", "__")
        for fmt in FORMATS:
            target = out / "score" / f"{name}.{fmt}"
            status = target.with_name(target.name + ".status")
            extra = ["--date", DATE] if fmt in ("markdown", "html", "docx") else []
            if fmt == "docx":
                commands.append((["score", case, "--format", fmt, *extra, "-o", str(target)], None, status))
            else:
                commands.append((["score", case, *([] if fmt == "table" else ["--format", fmt]), *extra], target, status))
        target = out / "score" / f"{name}.python.json"
        commands.append((["score", case, "--format", "json", "--matcher", "python"], target,
                         target.with_name(target.name + ".status")))
    (out / "score").mkdir(parents=True, exist_ok=True)

    def one(command) -> None:
        args, target, status = command
        if target is None:
            _run(tree, cache, args, status=status)
        else:
            with open(target, "wb") as f:
                _run(tree, cache, args, stdout=f, status=status)

    _run(tree, cache, commands[0][0], status=out / ".warm")  # the pack cache, before the parallel runs
    with ThreadPoolExecutor(max_workers=3) as pool:
        list(pool.map(one, commands))


def _same_docx(a: Path, b: Path) -> bool:
    """docx packages compared part by part (a zip's entries carry the time they were written)."""
    with zipfile.ZipFile(a) as za, zipfile.ZipFile(b) as zb:
        if za.namelist() != zb.namelist():
            return False
        return all(za.read(n) == zb.read(n) for n in za.namelist())


def _first_difference(a: bytes, b: bytes) -> str:
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            return f"byte {i}: {a[max(0, i - 60):i + 60]!r} vs {b[max(0, i - 60):i + 60]!r}"
    return f"lengths {len(a)} vs {len(b)}"


def compare(ref: Path, mine: Path) -> tuple[int, list[str]]:
    def listed(root: Path) -> set[Path]:
        return {p.relative_to(root) for p in root.rglob("*")
                if p.is_file() and ".cache" not in p.parts and p.name != ".warm"}

    files_ref, files_mine = listed(ref), listed(mine)
    problems = [f"only in the reference: {p}" for p in sorted(files_ref - files_mine)]
    problems += [f"only in this tree: {p}" for p in sorted(files_mine - files_ref)]
    for rel in sorted(files_ref & files_mine):
        a, b = ref / rel, mine / rel
        if filecmp.cmp(a, b, shallow=False):
            continue
        if rel.suffix in (".docx", ".xlsx") and _same_docx(a, b):
            continue
        problems.append(f"differs: {rel}: {_first_difference(a.read_bytes(), b.read_bytes())}")
    return len(files_ref & files_mine), problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ref", required=True, type=Path, help="a tree of the reference code (e.g. main, by git archive)")
    parser.add_argument("--this", type=Path, default=ROOT,
                        help="the tree compared with --ref (default: this one; a snapshot lets editing go on meanwhile)")
    parser.add_argument("--cases", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--work", type=Path, default=None, help="where to write both trees' outputs (kept)")
    parser.add_argument("--skip-score", action="store_true", help="only the batch runs")
    args = parser.parse_args(argv)
    ref = args.ref.resolve()
    paths, _ = case_set(args.cases, args.seed, Path(DATA))
    cases = [os.path.relpath(p, ROOT) for p in paths[: args.cases]]
    this = args.this.resolve()
    for tree in (ref, this):
        link = tree / os.path.relpath(DATA, ROOT)
        if not link.exists():
            link.parent.mkdir(parents=True, exist_ok=True)
            link.symlink_to(Path(DATA).resolve())
    work = args.work or Path(tempfile.mkdtemp(prefix="jixiao-identical-"))
    for label, tree in (("reference", ref), ("this tree", this)):
        target = work / label.replace(" ", "-")
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir(parents=True)
        print(f"{label}: {tree} -> {target}", flush=True)
        produce(tree, target, cases, args.skip_score)
    count, problems = compare(work / "reference", work / "this-tree")
    for line in problems:
        print(line)
    print(f"{count} files compared, {len(problems)} differences ({work})")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
