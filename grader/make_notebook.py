"""Generate each assignment's starter notebook (`td_keras.ipynb`…) from its starter module.

    grade make-notebook                    # rewrite every registered assignment's notebook
    grade make-notebook --check            # exit 1 when a committed notebook is out of date
    grade make-notebook --assignment td_convnets --out .   # write it here instead

The notebook is never edited by hand: a first cell that loads the grader (`%load_ext grader`), a
Markdown cell per question (title from `assignment.toml`, text from the function's docstring), a
code cell per function followed by its check cell (`%grade q3`, like otter's check cells), one
for the imports and one for the free-text `ANSWERS`. The output is deterministic (fixed cell ids, no
execution counts, no outputs), so a test can compare it with the committed file.
"""

from __future__ import annotations

import argparse
import ast
import inspect
import sys
from pathlib import Path

import nbformat

from grader.assignment import Assignment, load_assignment
from grader.registry import registered

INTRO_NOTE = """\
**Vérifier / Check.** FR : exécutez la cellule `%load_ext grader` ci-dessous une fois, puis la \
cellule `%grade qN` qui suit chaque question : elle corrige ce que ce noyau a exécuté (vos \
dernières définitions, sans relancer vos apprentissages) et affiche le rapport ici. Sans \
commandes magiques : `from grader.jupyter import grade; grade("q3")`.

EN: run the `%load_ext grader` cell below once, then the `%grade qN` cell after each question: it \
grades what this kernel has run (your latest definitions, without re-running your training) and \
shows the report here. Without magics: `from grader.jupyter import grade; grade("q3")`.

**Notebook / Carnet.** FR : `grade` (dans le dossier de ce carnet) ne lit que les imports, les \
définitions de fonctions et de classes et les constantes de ce carnet ; les autres cellules \
(apprentissages sur tout MNIST, graphiques, `print`, `%magics`, `!commandes`) sont ignorées. \
Gardez vos expériences dans des cellules à part et n'utilisez dans vos fonctions aucune variable \
calculée par ces cellules. Les erreurs sont signalées par numéro de cellule (comptée depuis le \
haut, cellules Markdown comprises) et de ligne.

EN: `grade` (in this notebook's folder) reads only the imports, function and class definitions \
and constants of this notebook; other cells (training on the whole of MNIST, plots, `print`, \
`%magics`, `!commands`) are skipped. Keep your experiments in cells of their own, and do not use \
in your functions a variable computed by such cells. Errors point to a cell number (counted from \
the top, Markdown cells included) and a line."""


def _lines(source: str, first: int, last: int) -> str:
    """Return source lines first..last (1-based, inclusive)."""
    return "".join(source.splitlines(keepends=True)[first - 1:last])


def _function_code(source: str, node: ast.FunctionDef) -> str:
    """Return the function with its docstring cut to the first line (the rest is in Markdown)."""
    docstring = node.body[0]
    header = _lines(source, node.lineno, docstring.lineno - 1)
    summary = inspect.cleandoc(ast.get_docstring(node) or "").splitlines()[0]
    body = _lines(source, docstring.end_lineno + 1, node.end_lineno)
    return (header + f'    """{summary}"""\n' + body).rstrip("\n")


def _question_text(node: ast.FunctionDef, assignment: Assignment) -> str:
    """Return the Markdown of a question: its titles, then the docstring's paragraphs."""
    question = next(q for q in assignment.questions if q.function == node.name)
    paragraphs = inspect.cleandoc(ast.get_docstring(node) or "").split("\n\n")[1:]
    number = question.id.upper()
    title = f"## {number} — {question.title_fr} / {question.title_en}"
    return "\n\n".join([title, f"`{node.name}()` · {question.points:g} pt", *paragraphs])


def build_notebook(starter: Path, assignment: Assignment) -> nbformat.NotebookNode:
    """Build the notebook from the starter module and the question table."""
    source = starter.read_text(encoding="utf-8")
    tree = ast.parse(source)
    new_code, new_markdown = nbformat.v4.new_code_cell, nbformat.v4.new_markdown_cell
    intro = (ast.get_docstring(tree) or "").split("\n\n")[1:]  # the first line is the title
    cells = [new_markdown("\n\n".join([f"# {assignment_title(assignment)}", *intro, INTRO_NOTE]),
                          id="intro"),
             new_code("%load_ext grader", id="load-grader")]
    statements = [node for node in tree.body[1:] if not isinstance(node, ast.FunctionDef)]
    answers = next(n for n in statements if isinstance(n, ast.AnnAssign | ast.Assign))
    setup = [n for n in statements if n.end_lineno < answers.lineno]
    cells.append(new_code(_lines(source, setup[0].lineno, setup[-1].end_lineno).rstrip("\n"),
                          id="imports"))
    comment_start = setup[-1].end_lineno + 1
    cells.append(new_markdown("## Réponses rédigées / Written answers", id="answers-title"))
    cells.append(new_code(_lines(source, comment_start, answers.end_lineno).strip("\n"),
                          id="answers"))
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            question = next(q for q in assignment.questions if q.function == node.name)
            cells.append(new_markdown(_question_text(node, assignment), id=f"{question.id}-text"))
            cells.append(new_code(_function_code(source, node), id=f"{question.id}-code"))
            cells.append(new_code(f"%grade {question.id}", id=f"{question.id}-grade"))
    book = nbformat.v4.new_notebook(cells=cells)
    book.metadata = {"kernelspec": {"display_name": "Python 3", "language": "python",
                                    "name": "python3"},
                     "language_info": {"name": "python"}}
    nbformat.validate(book)
    return book


def assignment_title(assignment: Assignment) -> str:
    """Return the bilingual title of the lab."""
    import tomllib

    data = tomllib.loads((assignment.directory / "assignment.toml").read_text(encoding="utf-8"))
    return f"{data['title_fr']} / {data['title_en']}"


def render_notebook(assignment: Assignment) -> str:
    """Return the notebook's text exactly as committed."""
    starter = assignment.directory / f"{assignment.module}.py"
    return nbformat.writes(build_notebook(starter, assignment)) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Write the notebooks, or with --check say whether the committed ones are up to date."""
    parser = argparse.ArgumentParser(prog="grade make-notebook",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only compare, write nothing")
    parser.add_argument("--assignment", metavar="NAME", help="only this assignment")
    parser.add_argument("--out", type=Path, metavar="DIR",
                        help="write the notebooks in DIR (default: each lab's public folder)")
    args = parser.parse_args(argv)
    names = [args.assignment] if args.assignment else sorted(registered())
    stale = 0
    for name in names:
        assignment = load_assignment(name)
        target = (args.out or assignment.directory) / f"{assignment.module}.ipynb"
        text = render_notebook(assignment)
        if args.check:
            current = target.read_text(encoding="utf-8") if target.exists() else ""
            if current != text:
                print(f"{target} is out of date: run grade make-notebook",
                      file=sys.stderr)
                stale += 1
            continue
        target.write_text(text, encoding="utf-8")
        print(f"wrote {target}")
    return 1 if stale else 0


if __name__ == "__main__":
    raise SystemExit(main())
