"""The settings' documentation: the docstring under each field of a settings model, read from the
source when the reference is asked for (the README's table, `config_reference()`).

Pydantic can collect these itself (`use_attribute_docstrings`), but it reads every model's source
as the class is created: on every start, before the first frame, for text only the README needs.
"""

from __future__ import annotations

import ast
import functools
import inspect
import textwrap


@functools.cache
def attribute_docs(model: type) -> dict[str, str]:
    """Field name -> the string literal right after its annotated assignment in `model`'s class
    body (cleaned like a docstring); a field without one is left out. Our base classes are read
    too, the model's own text winning; pydantic's own are not (their attributes are no fields)."""
    docs: dict[str, str] = {}
    for cls in reversed(model.__mro__[:-1]):
        if cls.__module__.split(".")[0] == "pydantic":
            continue
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
    fields = getattr(model, "model_fields", None)
    return docs if fields is None else {name: text for name, text in docs.items() if name in fields}
