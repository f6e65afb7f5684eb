"""YAML aliases bounded: a "billion laughs" document (anchors that alias anchors, nine times over) is a few
hundred bytes that expands to hundreds of millions of values once validated, printed or serialised.

PyYAML builds aliases as shared references, so loading alone is cheap; everything after it is not. Before a
document is constructed, its node graph is measured as if every alias were copied out, and refused beyond
:data:`MAX_EXPANDED_NODES`. A recursive alias (a node containing itself) is refused too.
"""

from __future__ import annotations

import yaml

__all__ = ["MAX_EXPANDED_NODES", "check_expansion"]

#: far above any real dataaudit.yaml (the sample's is ~100 nodes), far below what hurts
MAX_EXPANDED_NODES = 100_000


def check_expansion(root: yaml.Node) -> None:
    """Raise ``yaml.constructor.ConstructorError`` if ``root`` expands beyond the limit or is recursive.
    Iterative (a deeply nested document must not exhaust the Python stack); linear in the graph's size."""
    size: dict[int, int] = {}
    on_path: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        if children_done:
            on_path.discard(key)
            size[key] = 1 + sum(size[id(child)] for child in _children(node))
            if size[key] > MAX_EXPANDED_NODES:
                raise _refuse(node, f"aliases expand to more than {MAX_EXPANDED_NODES:,} values")
            continue
        if key in size:
            continue
        if key in on_path:
            raise _refuse(node, "a recursive alias (a node that contains itself)")
        on_path.add(key)
        stack.append((node, True))
        stack.extend((child, False) for child in _children(node) if id(child) not in size)


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    return []


def _refuse(node: yaml.Node, problem: str) -> yaml.constructor.ConstructorError:
    return yaml.constructor.ConstructorError(None, None, f"{problem}; refusing", node.start_mark)
