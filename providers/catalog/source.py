"""A catalog file read as YAML, keeping the line of every path so that every problem is shown
as ``file:line: path: message``; duplicate keys and YAML's own errors are problems too."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .results import CatalogProblem

__all__ = ["Path_", "Source", "render"]

Path_ = tuple[str | int, ...]
_MERGE_TAG = "tag:yaml.org,2002:merge"
_STR_TAG = "tag:yaml.org,2002:str"


class _Loader(yaml.SafeLoader):
    """A SafeLoader whose node tree the catalog walks itself, to keep every line number and
    to refuse duplicate keys (PyYAML silently keeps the last one)."""


#: The same on libyaml, when PyYAML has it: an order of magnitude faster on large catalogs.
#: Its error messages are libyaml's, so a catalog it cannot read is read again by
#: :class:`_Loader` for the messages the catalog's problems are written in.
_FastLoader: Any = getattr(yaml, "CSafeLoader", None)


class Source:
    """One catalog file being loaded: its data, the line of every path, and its problems."""

    def __init__(self, path: Path, display: str):
        self.path = path
        self.display = display
        self.lines: dict[Path_, int] = {}
        # the text of each plain scalar that YAML did not read as text (`yes`, `2024`), so a
        # message can say what was written rather than what YAML made of it
        self.scalars: dict[Path_, str] = {}
        self.problems: list[CatalogProblem] = []
        self.warnings: list[CatalogProblem] = []

    # -- reporting

    def line(self, path: Path_) -> int:
        for end in range(len(path), -1, -1):
            if path[:end] in self.lines:
                return self.lines[path[:end]]
        return 1

    def error(self, path: Path_, message: str) -> None:
        self.problems.append(CatalogProblem(self.display, self.line(path), render(path), message))

    def warn(self, path: Path_, message: str) -> None:
        self.warnings.append(
            CatalogProblem(self.display, self.line(path), render(path), message, "warning")
        )

    # -- parsing

    def parse(self, text: str) -> Any:
        if _FastLoader is not None:
            fast = _FastLoader(text)
            try:
                node = fast.get_single_node()
                return None if node is None else self._build(fast, node, (), set())
            except yaml.YAMLError:
                # read it again below, for the messages (and lines) of the pure loader
                self.lines.clear()
                self.scalars.clear()
                del self.problems[:]
            finally:
                fast.dispose()
        try:
            loader = _Loader(text)
        except yaml.reader.ReaderError as exc:
            line = text[: exc.position].count("\n") + 1
            message = f"character {exc.character:#x} is not allowed in YAML"
            self.problems.append(CatalogProblem(self.display, line, "yaml", message))
            return None
        try:
            node = loader.get_single_node()
            return None if node is None else self._build(loader, node, (), set())
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line = mark.line + 1 if mark else 1
            where = f"column {mark.column + 1}: " if mark else ""
            if "'\\t'" in (exc.problem or ""):
                message = (
                    f"{where}a tab character; YAML indents with spaces only: replace the tab "
                    "with spaces"
                )
            else:
                message = where + "; ".join(p for p in (exc.context, exc.problem) if p)
            self.problems.append(CatalogProblem(self.display, line, "yaml", message))
        except yaml.YAMLError as exc:
            self.problems.append(CatalogProblem(self.display, 1, "yaml", str(exc)))
        finally:
            loader.dispose()
        return None

    def _build(self, loader: Any, node: yaml.Node, path: Path_, stack: set[int]) -> Any:
        self.lines.setdefault(path, node.start_mark.line + 1)
        if id(node) in stack:
            # report where the alias is used, not where its anchor is
            self.problems.append(
                CatalogProblem(
                    self.display, self.line(path), "yaml", "an alias refers to its own parent"
                )
            )
            return None
        if isinstance(node, yaml.MappingNode):
            return self._mapping(loader, node, path, stack | {id(node)})
        if isinstance(node, yaml.SequenceNode):
            return [
                self._build(loader, item, (*path, i), stack | {id(node)})
                for i, item in enumerate(node.value)
            ]
        if node.tag == _STR_TAG and isinstance(node, yaml.ScalarNode):
            return node.value  # what the constructor would make of it, without its bookkeeping
        value = loader.construct_object(node, deep=True)
        if not isinstance(value, str) and isinstance(node, yaml.ScalarNode) and not node.style:
            self.scalars[path] = node.value
        return value

    def _mapping(
        self, loader: Any, node: yaml.MappingNode, path: Path_, stack: set[int]
    ) -> dict[Any, Any]:
        first_line: dict[Any, int] = {}
        for key_node, _ in node.value:
            if key_node.tag == _MERGE_TAG:
                continue
            key = self._key(loader, key_node)
            line = key_node.start_mark.line + 1
            if key in first_line:
                self.problems.append(
                    CatalogProblem(
                        self.display,
                        line,
                        render((*path, key)),
                        f"duplicate key {key!r} (first defined at line {first_line[key]}); "
                        "keep one",
                    )
                )
            else:
                first_line[key] = line
        loader.flatten_mapping(node)  # resolves `<<: *anchor` merges; explicit keys come last
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = self._key(loader, key_node)
            self.lines[(*path, key)] = key_node.start_mark.line + 1
            result[key] = self._build(loader, value_node, (*path, key), stack)
        return result

    @staticmethod
    def _key(loader: Any, node: yaml.Node) -> Any:
        if not isinstance(node, yaml.ScalarNode):
            raise yaml.constructor.ConstructorError(
                None, None, "a key must be a plain value, not a list or mapping", node.start_mark
            )
        return node.value if node.tag == _STR_TAG else loader.construct_object(node)


def render(path: Path_) -> str:
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text or "catalog"
