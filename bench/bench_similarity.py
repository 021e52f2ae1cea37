"""Benchmark the similarity report on synthetic classes of 50, 150 and 300 students.

Run: python bench/bench_similarity.py [--sizes 50,150,300] [--write bench/RESULTS.md]
Each synthetic student answers every question with the function of one of six hand-written
solutions (tests/similarity_corpus and the reference), picked at random per question, renamed
at random, its definitions shuffled and random statements inserted in every body; one student in
ten is a disguised copy of another (renamed, reordered). The report is built as `grade bulk`
builds it (grader.bulk.similarity), first with an empty profile cache, then again from the
cache (a re-run), and the planted copies' ranks are checked.
"""

from __future__ import annotations

import argparse
import ast
import csv
import platform
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from similarity_class import CORPUS, REFERENCE, cells_of  # noqa: E402

from grader.assignment import load_assignment  # noqa: E402
from grader.bulk.inputs import Student, Submission  # noqa: E402
from grader.bulk.similarity import write_class_similarity  # noqa: E402
from grader.similarity.model import Settings  # noqa: E402

SEED = 20261203
COPY_SHARE = 0.1
NOISE_PER_BODY = (1, 4)


def bases() -> list[str]:
    """The hand-written solutions whose functions synthetic students reuse."""
    texts = [(CORPUS / name).read_text(encoding="utf-8")
             for name in ("anna.py", "bruno.py", "clara.py", "eve_q1_q7.py")]
    texts.append("\n\n".join(cells_of((CORPUS / "dora_notebook.py").read_text(encoding="utf-8"))))
    texts.append(REFERENCE.read_text(encoding="utf-8"))
    return texts


def definitions(text: str) -> dict[str, ast.stmt]:
    """Map each top-level function or class of a module to its node."""
    return {node.name: node for node in ast.parse(text).body
            if isinstance(node, ast.FunctionDef | ast.ClassDef)}


class Renamer(ast.NodeTransformer):
    """Rename every local name and argument at random (not the contract's functions)."""

    def __init__(self, rng: random.Random, keep: set[str]) -> None:
        self.rng, self.keep, self.names = rng, keep, {}

    def new(self, name: str) -> str:
        """Return the random name of a name (the same each time)."""
        if name in self.keep:
            return name
        return self.names.setdefault(name, f"{name[:2]}_{self.rng.randrange(10**6)}")

    def visit_Name(self, node: ast.Name) -> ast.Name:
        """Rename a name that is not a module or a builtin."""
        if node.id not in {"keras", "np", "plt", "dataset_utils", "layers", "len", "range",
                           "super", "dict", "int", "tuple", "max", "min", "round", "set",
                           "float", "list", "zip", "abs", "str"}:
            node.id = self.new(node.id)
        return node

    def visit_arg(self, node: ast.arg) -> ast.arg:
        """Rename an argument."""
        node.arg = self.new(node.arg)
        return node


def noise(rng: random.Random) -> ast.stmt:
    """Return a random statement of the student's own."""
    name = f"tmp_{rng.randrange(10**6)}"
    terms = " + ".join(f"{rng.choice(['len', 'abs', 'int'])}({rng.randrange(100)})"
                       for _ in range(rng.randrange(1, 4)))
    operator = rng.choice(["*", "-", "//", "%"])
    return ast.parse(f"{name} = ({terms}) {operator} {rng.randrange(2, 9)}").body[0]


def student(rng: random.Random, pool: list[dict[str, ast.stmt]], functions: list[str]) -> str:
    """Write a synthetic student: each question's function from a random base, disguised."""
    chunks: list[ast.stmt] = []
    for function in functions:
        base = rng.choice([b for b in pool if function in b])
        node = ast.parse(ast.unparse(base[function])).body[0]
        for child in ast.walk(node):
            if isinstance(child, ast.FunctionDef) and child.body:
                for _ in range(rng.randint(*NOISE_PER_BODY)):
                    child.body.insert(rng.randrange(len(child.body) + 1), noise(rng))
        chunks.append(node)
    rng.shuffle(chunks)
    module = ast.Module(body=chunks, type_ignores=[])
    return ast.unparse(Renamer(rng, set(functions)).visit(module)) + "\n"


def copy_of(rng: random.Random, text: str, functions: list[str]) -> str:
    """Disguise a copy: renamed, definitions reordered."""
    tree = ast.parse(text)
    rng.shuffle(tree.body)
    return ast.unparse(Renamer(rng, set(functions)).visit(tree)) + "\n"


def make_class(folder: Path, size: int, functions: list[str]) -> set[frozenset[str]]:
    """Write a class of `size` students; return the planted copy pairs."""
    rng = random.Random(SEED + size)
    pool = [definitions(text) for text in bases()]
    texts: dict[str, str] = {}
    planted = set()
    for index in range(size):
        key = f"s{index:03d}"
        if index and rng.random() < COPY_SHARE:
            original = rng.choice(sorted(texts))
            texts[key] = copy_of(rng, texts[original], functions)
            planted.add(frozenset((original, key)))
        else:
            texts[key] = student(rng, pool, functions)
    for key, text in texts.items():
        (folder / key).mkdir(parents=True)
        (folder / key / "td_keras.py").write_text(text, encoding="utf-8")
    return planted


def measure(size: int) -> dict[str, float]:
    """Build a class, then its report twice (empty cache, warm cache); return the timings."""
    assignment = load_assignment("td_keras_mlp")
    functions = [q.function for q in assignment.questions]
    with tempfile.TemporaryDirectory() as temporary:
        base = Path(temporary)
        planted = make_class(base / "class", size, functions)
        submissions = [Submission(Student(p.name, p.name), p / "td_keras.py")
                       for p in sorted((base / "class").iterdir())]
        reference_dir = REFERENCE.parent
        timings = {}
        for run in ("first", "rerun"):
            started = time.perf_counter()
            write_class_similarity(base / "out", assignment, submissions, [], Settings(), (),
                                   reference_dir, base / "cache")
            timings[run] = time.perf_counter() - started
        with (base / "out" / "similarity.csv").open(encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        flagged = {frozenset((r["student_a"], r["student_b"])) for r in rows if r["flagged"] == "yes"}
        timings["pairs"] = len(rows)
        timings["flagged"] = len(flagged)
        timings["planted"] = len(planted)
        timings["found"] = len(planted & flagged)
        timings["html_kb"] = (base / "out" / "similarity.html").stat().st_size / 1024
        timings["csv_kb"] = (base / "out" / "similarity.csv").stat().st_size / 1024
    return timings


def table(results: dict[int, dict[str, float]]) -> str:
    """Write the results as a Markdown table."""
    lines = ["| students | pairs | first run (s) | re-run from cache (s) | planted copies found | "
             "flagged pairs | similarity.html | similarity.csv |",
             "|---|---|---|---|---|---|---|---|"]
    for size, r in results.items():
        lines.append(f"| {size} | {int(r['pairs'])} | {r['first']:.1f} | {r['rerun']:.1f} | "
                     f"{int(r['found'])}/{int(r['planted'])} | {int(r['flagged'])} | "
                     f"{r['html_kb']:.0f} kB | {r['csv_kb']:.0f} kB |")
    return "\n".join(lines)


def main() -> int:
    """Measure every size and print (or append) the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="50,150,300")
    parser.add_argument("--write", type=Path, help="append the table to this Markdown file")
    args = parser.parse_args()
    results = {}
    for size in (int(s) for s in args.sizes.split(",")):
        results[size] = measure(size)
        print(f"{size} students: {results[size]}", file=sys.stderr)
    text = table(results)
    print(text)
    if args.write:
        with args.write.open("a", encoding="utf-8") as out:
            out.write(f"\n<!-- bench_similarity.py on {platform.node()} -->\n{text}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
