"""Parsing YAML and JSON written by strangers, in bounded time and memory, without a traceback.

Model cards, ``.eval_results`` files, mapping files, evaluation logs and API answers all come from
someone else. The standard parsers recurse once per nesting level (a RecursionError), PyYAML expands
aliases into shared objects that later walks (deepcopy, comparison, dumping) visit once per path (an
"alias bomb": 1 KB of YAML, minutes of CPU), and Python's ``int`` parser refuses more than 4,300 digits
with a bare ValueError. These loaders bound nesting and expanded size, refuse huge integers, read an
impossible date (``2025-13-45``) as plain text, and raise :class:`ParseError` with a line number instead.
"""

from __future__ import annotations

import json
import re
from typing import Any

MAX_DEPTH = 64  # no real card, result file, mapping or log nests deeper than a dozen levels
MAX_NODES = 200_000  # scalars + collections after alias expansion
MAX_INT_DIGITS = 40  # larger integers are no benchmark value, id or count


class ParseError(ValueError):
    """Input that is not valid, or too deep / too large to read safely. ``line`` is 1-based when known."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


# --------------------------------------------------------------------------- YAML


def _loader_class() -> type:
    import yaml
    from yaml.composer import ComposerError
    from yaml.constructor import ConstructorError

    class BoundedLoader(yaml.SafeLoader):
        """SafeLoader with a nesting limit, no huge integers, and impossible dates kept as text."""

        depth = 0

        def compose_node(self, parent: Any, index: Any) -> Any:
            self.depth += 1
            try:
                if self.depth > MAX_DEPTH:
                    raise ComposerError(None, None, f"nested deeper than {MAX_DEPTH} levels",
                                        self.peek_event().start_mark)
                return super().compose_node(parent, index)
            finally:
                self.depth -= 1

        def construct_yaml_int(self, node: Any) -> int:
            digits = re.sub(r"[^0-9a-fA-F]", "", str(node.value))
            if len(digits) > MAX_INT_DIGITS:
                raise ConstructorError(None, None, f"an integer of {len(digits)} digits is too large",
                                       node.start_mark)
            return super().construct_yaml_int(node)

        def construct_yaml_timestamp(self, node: Any) -> Any:
            try:
                return super().construct_yaml_timestamp(node)
            except (ValueError, OverflowError):  # 2025-13-45: not a date; validation reports the text
                return str(node.value)

    BoundedLoader.add_constructor("tag:yaml.org,2002:int", BoundedLoader.construct_yaml_int)
    BoundedLoader.add_constructor("tag:yaml.org,2002:timestamp", BoundedLoader.construct_yaml_timestamp)
    return BoundedLoader


_LOADER: type | None = None


def yaml_compose(text: str) -> tuple[Any, Any]:
    """(data, root node) of one YAML document; ParseError for invalid, too deep or too large input."""
    import yaml

    global _LOADER
    if _LOADER is None:
        _LOADER = _loader_class()
    loader = None
    try:
        loader = _LOADER(text)  # the reader already refuses control characters
        node = loader.get_single_node()
        if node is None:
            return None, None
        _check_expanded_size(node)
        return loader.construct_document(node), node
    except yaml.YAMLError as exc:
        line, what = yaml_error(exc)
        raise ParseError(what, line) from None
    except RecursionError:  # a guard of last resort: MAX_DEPTH keeps the composer far below the limit
        raise ParseError(f"nested deeper than {MAX_DEPTH} levels") from None
    finally:
        if loader is not None:
            loader.dispose()


def yaml_load(text: str) -> Any:
    """One YAML document as Python data; see :func:`yaml_compose`."""
    return yaml_compose(text)[0]


def _check_expanded_size(root: Any) -> None:
    """Refuse a node graph whose alias expansion exceeds MAX_NODES (counted once per node, not per path),
    or that contains itself (``&a [*a]``: infinite when expanded)."""
    from yaml.nodes import CollectionNode, MappingNode

    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()  # collections whose children are still being counted
    stack: list[tuple[Any, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        if not isinstance(node, CollectionNode):
            sizes[id(node)] = 1
            continue
        kids = [x for pair in node.value for x in pair] if isinstance(node, MappingNode) else list(node.value)
        if children_done:
            open_nodes.discard(id(node))
            sizes[id(node)] = 1 + sum(sizes[id(k)] for k in kids)
            if sizes[id(node)] > MAX_NODES:
                raise ParseError(f"expands to more than {MAX_NODES} values (repeated aliases)",
                                 node.start_mark.line + 1)
            continue
        if id(node) in sizes:
            continue
        if id(node) in open_nodes:
            raise ParseError("an alias refers to a collection that contains it (infinite when expanded)",
                             node.start_mark.line + 1)
        open_nodes.add(id(node))
        stack.append((node, True))
        for kid in kids:
            if id(kid) in open_nodes:
                raise ParseError("an alias refers to a collection that contains it (infinite when expanded)",
                                 kid.start_mark.line + 1)
            if id(kid) not in sizes:
                stack.append((kid, False))


def yaml_error(exc: Exception, first_line: int = 1) -> tuple[int | None, str]:
    """(line, description) of a YAML error; the line where the broken construct starts when known."""
    context, problem = getattr(exc, "context_mark", None), getattr(exc, "problem_mark", None)
    what = ": ".join(str(x) for x in (getattr(exc, "context", None), getattr(exc, "problem", None)) if x) or str(exc)
    if problem is not None and context is not None and context.line != problem.line:
        what += f" (at line {problem.line + first_line})"
    mark = context or problem
    return (mark.line + first_line if mark else None), what


# --------------------------------------------------------------------------- JSON


def _parse_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise ParseError(f"an integer of {len(text.lstrip('-'))} digits is too large")
    return int(text)


def json_load(text: str | bytes) -> Any:
    """JSON as Python data; ParseError for invalid, too deep or huge-integer input."""
    try:
        data = json.loads(text, parse_int=_parse_int)
    except ParseError:
        raise
    except json.JSONDecodeError as exc:
        raise ParseError(exc.msg, exc.lineno) from None
    except RecursionError:
        raise ParseError(f"nested deeper than {MAX_DEPTH} levels") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise ParseError(str(exc)) from None
    if _depth(data) > MAX_DEPTH:
        raise ParseError(f"nested deeper than {MAX_DEPTH} levels")
    return data


def _depth(data: Any) -> int:
    """Nesting depth, iteratively (the data may be as deep as the parser allowed)."""
    deepest = 0
    stack = [(data, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, (dict, list)):
            deepest = max(deepest, level)
            if level <= MAX_DEPTH:
                stack.extend((x, level + 1) for x in (item.values() if isinstance(item, dict) else item))
    return deepest
