"""Writing the catalog: YAML text with comments, each value written so that it reads back as
itself.

Comments carry what the API cannot give back, each entry's review status and the reasons an
entry is left out; a left-out entry is written commented out. :func:`document_of` is what the
text must load as: the check that the writing is right.
"""

from __future__ import annotations

import json
import re
import textwrap
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

import yaml

from .entry import SECTIONS, Entry

__all__ = ["comment", "document_of", "header_lines", "render_catalog", "scalar"]

_WIDTH = 96

# Characters YAML does not read raw: outside its printable set, or line breaks (NEL, LS, PS)
# that would fold a quoted string.
_NOT_RAW = re.compile(
    "[^\x09\x0a\x0d\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
)
# Unquoted only what is plainly text everywhere (block and flow context): letters, digits,
# other scripts and a few harmless marks; anything else is quoted.
_TEXT = "A-Za-z0-9\\u00a0-\\u2027\\u202a-\\ud7ff\\ue000-\\ufffd\\U00010000-\\U0010ffff"
_PLAIN = re.compile(f"[{_TEXT}_][{_TEXT} _.@/+=~()-]*")


def _plain(text: str) -> bool:
    """Whether ``text`` reads back as itself unquoted, in block and in flow context."""
    if text != text.strip() or not _PLAIN.fullmatch(text) or _NOT_RAW.search(text):
        return False
    try:
        return bool(yaml.safe_load(text) == text)
    except yaml.YAMLError:
        return False


def scalar(value: Any) -> str:
    """``value`` as YAML on one line: plain when it reads back as itself, else quoted."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Entry):
        return value.key
    if isinstance(value, list):
        return "[" + ", ".join(scalar(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {scalar(v)}" for k, v in value.items()) + "}"
    text = str(value)
    if _plain(text):
        return text
    # JSON's double-quoted strings are YAML's, once what YAML does not take raw is escaped
    quoted = json.dumps(text, ensure_ascii=False)
    return _NOT_RAW.sub(lambda m: f"\\u{ord(m[0]):04x}", quoted)


def comment(lines: Iterable[str], indent: str) -> list[str]:
    """``lines`` as YAML comments at ``indent``, wrapped to the width of the catalog."""
    out = []
    for raw in lines:
        # text from the API (a reviewer's reason, a file name) must not end the comment
        line = _NOT_RAW.sub(lambda m: f"\\u{ord(m[0]):04x}", raw)
        # a list item's next lines line up with its text
        hang = "  " if line.startswith("- ") else ""
        wrapped = textwrap.wrap(line, _WIDTH - len(indent) - 2, subsequent_indent=hang)
        out += [f"{indent}# {part}" for part in wrapped] or [f"{indent}#"]
    return out


def _entry_lines(entry: Entry) -> list[str]:
    lines = [f"  {entry.key}:"]
    for name, value in entry.fields.items():
        if name == "variables":
            lines.append("    variables:")
            lines += [f"      - {scalar(v)}" for v in value]
        else:
            lines.append(f"    {name}: {scalar(value)}")
    return lines + comment(entry.missing, "    ")


def document_of(entries: Sequence[Entry]) -> dict[str, Any]:
    """What the text must load as: the check that the writing is right."""

    def plain(value: Any) -> Any:
        if isinstance(value, Entry):
            return value.key
        if isinstance(value, list):
            return [plain(v) for v in value]
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        return value

    document: dict[str, Any] = {"defaults": {"wait_for": "none"}}
    for kind, section in SECTIONS.items():
        kept = {
            e.key: {k: plain(v) for k, v in e.fields.items()}
            for e in entries
            if e.kind == kind and not e.left_out
        }
        left = any(e.kind == kind and e.left_out for e in entries)
        document[section] = kept or (None if left else {})
    return document


def render_catalog(entries: Sequence[Entry], header: Sequence[str]) -> str:
    """The catalog's text: ``header``, the defaults, then each section's entries, those left
    out last and commented out."""
    lines = [
        *header,
        "",
        "defaults:",
        "  wait_for: none  # what is exported is reviewed already, or under review",
        "",
    ]
    for kind, section in SECTIONS.items():
        of_kind = [e for e in entries if e.kind == kind]
        if not of_kind:
            lines += [f"{section}: {{}}", ""]
            continue
        lines.append(f"{section}:")
        for entry in of_kind:
            if entry.left_out:
                continue
            lines += comment(entry.notes, "  ")
            lines += _entry_lines(entry)
            lines.append("")
        for entry in of_kind:
            if not entry.left_out:
                continue
            lines += comment([f"Left out: {reason}." for reason in entry.reasons], "  ")
            lines += comment(entry.notes, "  ")
            lines += ["  # " + line.removeprefix("  ") for line in _entry_lines(entry)]
            lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def header_lines(regions: Sequence[str], where: Callable[[str], str], now: datetime) -> list[str]:
    """The comment at the top: when and from where (``where(region)``), what to check."""
    when = now.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    lines = [
        f"Exported by `msgsms export` on {when} from "
        + ", ".join(f"{region} ({where(region)})" for region in regions)
        + ".",
        "",
        "Every entry says adopt: true: the first `pulumi up` of a stack with this catalog takes "
        "these objects over and writes nothing remotely; its preview should show creates "
        "only, and the next `up` no change at all.",
        "",
        "Before committing:",
        "- Keys (the names of the entries) become the Pulumi resource names: rename them now "
        "if you want others (and the references to them); renaming one later replaces it.",
        "- Nothing here is secret. App secrets cannot be read back: adopted apps have no "
        "app_secret output.",
        "- Signature files cannot be downloaded: the signatures' licence and power of "
        "attorney references are left out, as the notes at each signature say.",
        "- Entries that could not be adopted unchanged are commented out, with the reason.",
        "- `msgsms validate` checks this file offline, with a cost estimate per template.",
    ]
    return comment(lines, "")
