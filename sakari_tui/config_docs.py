"""The settings' documentation: the docstring under each key of a settings table, read from the
source when the reference is asked for (the README's table, `config_reference()`), never at a start.
"""

from __future__ import annotations

import ast
import dataclasses
import functools
import inspect
import textwrap


@functools.cache
def attribute_docs(model: type) -> dict[str, str]:
    """Field name -> the string literal right after its annotated assignment in `model`'s class
    body (cleaned like a docstring); a field without one is left out. Its base classes are read
    too, the model's own text winning; for a dataclass, only its fields are kept."""
    docs: dict[str, str] = {}
    for cls in reversed(model.__mro__[:-1]):
        try:
            source = textwrap.dedent(inspect.getsource(cls))
        except (OSError, TypeError):  # built-ins, or no source shipped
            continue
        tree = ast.parse(source)
        body = next((node.body for node in tree.body if isinstance(node, ast.ClassDef)), [])
        for before, node in zip(body, body[1:]):
            if (
                isinstance(before, ast.AnnAssign)
                and isinstance(before.target, ast.Name)
                and isinstance(node, ast.Expr)
                and isinstance(node.value, ast.Constant)
                and isinstance(node.value.value, str)
            ):
                docs[before.target.id] = inspect.cleandoc(node.value.value)
    if not dataclasses.is_dataclass(model):
        return docs
    fields = {field.name for field in dataclasses.fields(model)}
    return {name: text for name, text in docs.items() if name in fields}
