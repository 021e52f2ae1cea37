"""Which top-level statements of a notebook cell are definitions (kept) and which are not.

"Definitions only" keeps imports, function and class definitions, and assignments of constants:
literals and simple expressions of literals, of names already kept and of a few pure builtins
(`N = 28 * 28`, `ANSWERS = {...}`, `SHAPE = (N,)`, `ANSWERS["q4"] = "..."`). Everything else —
training runs, plots, prints, magics (already turned into `get_ipython()` calls) — is dropped.
An `if`/`try` block is kept only when every statement inside it would be kept.
"""

from __future__ import annotations

import ast
import builtins

PURE_BUILTINS = frozenset({
    "abs", "bool", "bytes", "complex", "dict", "enumerate", "float", "frozenset", "int", "len",
    "list", "max", "min", "range", "reversed", "round", "set", "sorted", "str", "sum", "tuple",
    "zip",
})
COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)


def is_builtin(name: str, names: set[str]) -> bool:
    """Whether a name means a Python builtin (the notebook did not rebind it)."""
    return name not in names and hasattr(builtins, name)


def is_constant(node: ast.AST | None, names: set[str]) -> bool:
    """Whether evaluating the expression only reads constants and names already kept."""
    if node is None or isinstance(node, ast.Constant):
        return True
    if isinstance(node, ast.Name):
        return node.id in names or is_builtin(node.id, names)
    if isinstance(node, ast.Call):
        return (isinstance(node.func, ast.Name) and node.func.id in PURE_BUILTINS
                and is_builtin(node.func.id, names)
                and all(is_constant(a, names) for a in node.args)
                and all(is_constant(k.value, names) for k in node.keywords))
    if isinstance(node, ast.Lambda):  # its body runs only when called
        return all(is_constant(d, names) for d in node.args.defaults + node.args.kw_defaults)
    if isinstance(node, COMPREHENSIONS):
        return _is_constant_comprehension(node, names)
    if isinstance(node, ast.expr_context | ast.operator | ast.unaryop | ast.boolop | ast.cmpop):
        return True
    allowed = (ast.Attribute, ast.Tuple, ast.List, ast.Set, ast.Dict, ast.BinOp, ast.UnaryOp,
               ast.BoolOp, ast.Compare, ast.IfExp, ast.Subscript, ast.Slice, ast.JoinedStr,
               ast.FormattedValue, ast.Starred)
    return isinstance(node, allowed) and all(is_constant(child, names)
                                             for child in ast.iter_child_nodes(node))


def _is_constant_comprehension(node: ast.AST, names: set[str]) -> bool:
    """Whether a comprehension only iterates over constants and computes from them."""
    local = set(names)
    for generator in node.generators:  # type: ignore[attr-defined]
        if generator.is_async or not is_constant(generator.iter, local):
            return False
        local |= bound_names(generator.target)
        if not all(is_constant(condition, local) for condition in generator.ifs):
            return False
    parts = [node.key, node.value] if isinstance(node, ast.DictComp) else [node.elt]  # type: ignore[attr-defined]
    return all(is_constant(part, local) for part in parts)


def bound_names(target: ast.AST) -> set[str]:
    """Return the plain names an assignment target binds."""
    if isinstance(target, ast.Name):
        return {target.id}
    if isinstance(target, ast.Tuple | ast.List):
        return set().union(*(bound_names(t) for t in target.elts))
    if isinstance(target, ast.Starred):
        return bound_names(target.value)
    return set()


def is_assignable(target: ast.AST, names: set[str]) -> bool:
    """Whether a target is a name, or an item/attribute of a name already kept."""
    if isinstance(target, ast.Name):
        return True
    if isinstance(target, ast.Tuple | ast.List):
        return all(is_assignable(t, names) for t in target.elts)
    if isinstance(target, ast.Starred):
        return is_assignable(target.value, names)
    if isinstance(target, ast.Subscript):
        return is_constant(target.slice, names) and _rooted_in(target.value, names)
    if isinstance(target, ast.Attribute):
        return _rooted_in(target.value, names)
    return False


def _rooted_in(node: ast.AST, names: set[str]) -> bool:
    """Whether `a.b[c].d` starts from a kept name, with constant subscripts."""
    while isinstance(node, ast.Attribute | ast.Subscript):
        if isinstance(node, ast.Subscript) and not is_constant(node.slice, names):
            return False
        node = node.value
    return isinstance(node, ast.Name) and node.id in names


def is_harmless(stmt: ast.stmt) -> bool:
    """Whether a statement does nothing (pass, a docstring, `...`): never reported as skipped."""
    return isinstance(stmt, ast.Pass) or (isinstance(stmt, ast.Expr)
                                          and isinstance(stmt.value, ast.Constant))


def keep_statement(stmt: ast.stmt, names: set[str]) -> bool:
    """Whether to keep a top-level statement; on success, add the names it binds to `names`."""
    trial = set(names)
    if not _keeps(stmt, trial):
        return False
    names |= trial
    return True


def _keeps(stmt: ast.stmt, names: set[str]) -> bool:
    """Decide on one statement, binding its names into `names` as it goes."""
    if isinstance(stmt, ast.Import | ast.ImportFrom):
        names |= {(a.asname or a.name).split(".")[0] for a in stmt.names if a.name != "*"}
        return True
    if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        names.add(stmt.name)
        return True
    if is_harmless(stmt):
        return True
    if isinstance(stmt, ast.Assign):
        ok = is_constant(stmt.value, names) and all(is_assignable(t, names) for t in stmt.targets)
        targets = stmt.targets
    elif isinstance(stmt, ast.AnnAssign):
        ok = (is_constant(stmt.value, names) and is_constant(stmt.annotation, names)
              and is_assignable(stmt.target, names))
        targets = [stmt.target]
    elif isinstance(stmt, ast.AugAssign):
        ok = (is_constant(stmt.value, names) and is_assignable(stmt.target, names)
              and all(n in names for n in bound_names(stmt.target)))
        targets = [stmt.target]
    else:
        return _keeps_block(stmt, names)
    if ok:
        names.update(*(bound_names(t) for t in targets))
    return ok


def _keeps_block(stmt: ast.stmt, names: set[str]) -> bool:
    """Keep `if CONSTANT:` and `try:` blocks made only of kept statements."""
    if isinstance(stmt, ast.If):
        return is_constant(stmt.test, names) and all(_keeps(s, names)
                                                     for s in stmt.body + stmt.orelse)
    if isinstance(stmt, ast.Try):
        for handler in stmt.handlers:
            if not is_constant(handler.type, names):
                return False
            names |= {handler.name} if handler.name else set()
        blocks = stmt.body + stmt.orelse + stmt.finalbody
        blocks += [s for handler in stmt.handlers for s in handler.body]
        return all(_keeps(s, names) for s in blocks)
    return False
