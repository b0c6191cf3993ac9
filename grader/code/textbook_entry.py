"""Grade a file that names the exercise's block as the textbook does.

d2l prints VGG's block as a function ``vgg_block(num_convs, in_channels, out_channels)`` and its
LeNet as a module-level ``net = nn.Sequential(...)``, while the statements ask for ``VGGBlock`` and
``LeNet()``. A file that defines none of the exercise's ``entry`` but one of its ``textbook_names``
gets a few lines appended that define ``entry`` through it: a function or class under the other
name (its signature kept, so d2l's lazy ``vgg_block(num_convs, out_channels)`` binds as before); a
module object (``net``) returned as built. The student's lines keep their numbers, so tracebacks
still point at them.
"""

from __future__ import annotations

import ast

from cnngrade.exercises.code.core import CodeExercise

__all__ = ["top_level_names", "with_textbook_entry"]


def top_level_names(source: str) -> set[str] | None:
    """Names a module binds at its top level; ``None`` when the source does not parse.

    >>> sorted(top_level_names("import torch\\nnet = 1\\ndef vgg_block(): pass\\nclass A: pass"))
    ['A', 'net', 'torch', 'vgg_block']
    """
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None  # the run reports it
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names.update(t.id for t in targets if isinstance(t, ast.Name))
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((a.asname or a.name).split(".")[0] for a in node.names)
    return names


def with_textbook_entry(source: str, exercise: CodeExercise) -> tuple[str, str | None]:
    """``(source, the textbook name used)``: ``source`` with ``entry`` defined through the
    textbook's name when the file defines that name and not ``entry``; else unchanged and ``None``.

    >>> from cnngrade.exercises.code import get
    >>> code, name = with_textbook_entry("def vgg_block(a, b, c):\\n    return (a, b, c)\\n", get("vgg_block"))
    >>> name, "VGGBlock = vgg_block" in code
    ('vgg_block', True)
    """
    if not exercise.textbook_names:
        return source, None
    names = top_level_names(source)
    if names is None or exercise.entry in names:
        return source, None
    name = next((n for n in exercise.textbook_names if n in names), None)
    if name is None:
        return source, None
    entry = exercise.entry
    adapter = (
        f"\n\nif isinstance({name}, type) or not hasattr({name}, 'forward'):  # the textbook's name\n"
        f"    {entry} = {name}\n"
        f"else:  # a block built at module level, d2l's `net = nn.Sequential(...)`\n"
        f"    def {entry}():\n"
        f"        return {name}\n"
    )
    return source.rstrip("\n") + "\n" + adapter, name
