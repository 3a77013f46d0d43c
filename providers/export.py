"""``msgsms export``: a catalog of the MSGSMS objects that exist, every entry adopted.

:func:`export_catalog` reads the apps, signatures and templates of some regions (and the
variables of each template, and what the API shows of the files the signatures use) with
read-only calls, and writes them as a catalog whose entries all say ``adopt: true``: the first
``pulumi up`` of a stack with it takes the objects over and changes nothing remotely, and the
defaults make it wait for no review.

What the API cannot give back is said in comments: an app's secret, a signature file's content.
A catalog entry cannot refer to a file it does not have, so a signature's licence and power of
attorney are left out (they only matter while a signature is rejected and resubmitted). What
could not be adopted unchanged is written commented out, with the reason, so the catalog
validates as written: a rejected signature that has files (adopting it would resubmit it
without them), one that involves a third party (the catalog needs its power of attorney), an
entry that breaks the catalog's rules (the API accepts more than the console and the review
do), a second object with the same natural key, and whatever depends on a left-out entry.

Keys are derived from names: letters and digits kept, lower-cased, anything else made ``_``;
a signature's key ends with its type (``shopcloud_notify``). Names without a letter or digit
to keep (e.g. Chinese ones) get the kind and a short hash of the name (``sig_notify_3fa2``), so
the same estate always exports to the same keys; a key taken already gets a short hash of the
object's id.
"""

from __future__ import annotations

import hashlib
import json
import re
import tempfile
import textwrap
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

import yaml

from providers.catalog import KEY_PATTERN, check_catalog
from providers.client import NotFoundError, SmsClient, models, paginate

__all__ = ["ExportError", "Exported", "LeftOut", "export_catalog"]

Kind = Literal["app", "signature", "template"]
_SECTIONS: Mapping[Kind, str] = {"app": "apps", "signature": "signatures", "template": "templates"}
_KIND_OF_SECTION = {section: kind for kind, section in _SECTIONS.items()}
_PREFIX: Mapping[Kind, str] = {"app": "app", "signature": "sig", "template": "tpl"}
_TYPE_WORD = {"VERIFY_CODE_TYPE": "code", "NOTIFY_TYPE": "notify", "PROMOTION_TYPE": "promo"}
_KEY = re.compile(KEY_PATTERN)
_KEY_MAX = 64
_SIGNATURE_REJECTED = "REVIEW_NOT_PASS"
# The project every app is in unless put elsewhere: not worth a line per app.
_DEFAULT_ENTERPRISE_PROJECT = "0"
_WIDTH = 96
# Rounds of leaving out what the catalog's checks refuse; each round leaves out at least one
# entry, and what depends on it, so the count of entries bounds it as well.
_MAX_ROUNDS = 20


class ExportError(Exception):
    """Nothing was exported; the message says why and what to do."""


@dataclass(frozen=True)
class LeftOut:
    """An entry written commented out, and why."""

    kind: Kind
    key: str
    name: str
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Exported:
    """The catalog text, what it declares per kind, and what it leaves out."""

    text: str
    counts: Mapping[Kind, int]
    left_out: tuple[LeftOut, ...]

    def summary(self) -> str:
        parts = []
        for kind, section in _SECTIONS.items():
            count = self.counts.get(kind, 0)
            parts.append(f"{count} {kind if count == 1 else section}")
        text = ", ".join(parts)
        if self.left_out:
            text += f"; {len(self.left_out)} left out as comments, each with the reason"
        return text


# --------------------------------------------------------------------------------------------
# Reading


@dataclass
class _Region:
    """What one region holds for the exported apps (reads only)."""

    name: str
    apps: list[models.App]
    signatures: list[models.Signature]
    templates: list[models.Template]
    variables: dict[str, list[models.TemplateVariable]]
    files: dict[str, models.SignatureFile | None]


def _read_region(client: SmsClient, region: str, app_names: frozenset[str]) -> _Region:
    apps = [
        app
        for app in paginate(client.list_app_details, models.AppQuery(), region=region)
        if not app_names or app.app_name in app_names
    ]
    app_keys = {app.app_key for app in apps}
    signatures = [
        signature
        for signature in paginate(
            client.list_signature_details, models.SignatureQuery(), region=region
        )
        if signature.app_key in app_keys
    ]
    templates = [
        template
        for template in paginate(
            client.list_template_details, models.TemplateQuery(), region=region
        )
        if template.app_key in app_keys
    ]
    variables = {
        template.id: sorted(
            client.list_template_varilable_details(template.id, region=region).results,
            key=lambda v: v.variable_index or 0,
        )
        for template in templates
        if template.has_variable != "No"
    }
    files: dict[str, models.SignatureFile | None] = {}
    for signature in signatures:
        for file_id in (signature.file_id, signature.power_attorney_file_id):
            if file_id and file_id not in files:
                try:
                    files[file_id] = client.show_signature_file(file_id, region=region)
                except NotFoundError:
                    files[file_id] = None
    return _Region(region, apps, signatures, templates, variables, files)


# --------------------------------------------------------------------------------------------
# Entries


@dataclass
class _Entry:
    """One catalog entry being made: its fields in catalog order and its comments."""

    kind: Kind
    name: str
    #: what its key is derived from, and what makes it unique (for a second choice)
    base: str
    identity: str
    fields: dict[str, Any]
    #: comment lines above the entry
    notes: list[str] = field(default_factory=list)
    #: comment lines at its end: fields the API cannot give back
    missing: list[str] = field(default_factory=list)
    #: the entries it refers to
    needs: list[_Entry] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    key: str = ""

    @property
    def left_out(self) -> bool:
        return bool(self.reasons)

    @classmethod
    def of(
        cls,
        kind: Kind,
        region: str,
        object_id: str,
        name: str,
        fields: dict[str, Any],
        type_word: str | None = None,
        **details: Any,
    ) -> _Entry:
        """The entry of one live object, its key to be derived from ``name``."""
        base = _key_base(kind, name, type_word)
        return cls(kind, name, base, f"{kind}\0{region}\0{object_id}", fields, **details)


def _short_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:4]


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


def _key_base(kind: Kind, name: str, type_word: str | None = None) -> str:
    slug = _slug(name)
    if not slug:
        parts = [_PREFIX[kind], *([type_word] if type_word else []), _short_hash(name)]
        return "_".join(parts)
    if not slug[0].isalpha():
        slug = f"{_PREFIX[kind]}_{slug}"
    return f"{slug}_{type_word}" if type_word else slug


def _assign_keys(entries: Sequence[_Entry]) -> None:
    """Give each entry a valid key, unique across the catalog, in the entries' order."""
    taken: set[str] = set()
    suffix_room = 5  # "_" and 4 hex digits
    for entry in entries:
        base = entry.base[:_KEY_MAX]
        candidates = [base, f"{base[: _KEY_MAX - suffix_room]}_{_short_hash(entry.identity)}"]
        key = next((c for c in candidates if c not in taken), None)
        number = 2
        while key is None:
            numbered = f"{candidates[1][: _KEY_MAX - len(str(number)) - 1]}_{number}"
            key = numbered if numbered not in taken else None
            number += 1
        assert _KEY.match(key), key
        entry.key = key
        taken.add(key)


def _present(value: Any) -> bool:
    return value is not None and value != ""


def _file_note(
    field_name: str, what: str, file_id: str, shown: models.SignatureFile | None
) -> list[str]:
    if shown is None:
        known = f"file id {file_id}, which the API no longer shows"
    else:
        details = ", ".join(
            str(part)
            for part in (
                shown.file_name,
                f"{shown.file_size} bytes" if shown.file_size is not None else None,
                shown.file_desc,
            )
            if part
        )
        known = f"file id {file_id}" + (f": {details}" if details else "")
    return [
        f"{field_name}: not exported. The API shows only the uploaded {what} ({known}), "
        "never its content. It matters only if this signature is rejected and resubmitted: "
        f"then put the {what} in a file, declare it under files and set {field_name}."
    ]


def _apps(region: _Region) -> dict[str, _Entry]:
    """The region's apps by app_key; of apps with one name, the newest (what adopt takes)."""
    entries: dict[str, _Entry] = {}
    newest: dict[str, _Entry] = {}
    # newest first, ties in the API's order: as adopt picks among them
    ordered = sorted(region.apps, key=lambda a: a.create_time or "", reverse=True)
    for app in ordered:
        name = app.app_name or ""
        fields: dict[str, Any] = {"name": name, "scope": app.region, "region": region.name}
        # written whatever the scope: what the catalog refuses is left out, never dropped
        # (adopting without it would clear it)
        if _present(app.up_link_addr):
            fields["uplink_url"] = app.up_link_addr
        if _present(app.enterprise_project_id) and (
            app.enterprise_project_id != _DEFAULT_ENTERPRISE_PROJECT
        ):
            fields["enterprise_project_id"] = app.enterprise_project_id
            if _present(app.enterprise_project_name):
                fields["enterprise_project_name"] = app.enterprise_project_name
        fields["adopt"] = True
        entry = _Entry.of(
            "app",
            region.name,
            app.id,
            name,
            fields,
            notes=[
                "app secret: not exported; the API shows it only when it creates the app, so "
                "the adopted app's app_secret output stays empty (reset the secret in the "
                "console if you need it)"
            ],
        )
        if name in newest:
            entry.reasons.append(
                f"another app in {region.name} named {name!r} was created later; a catalog "
                "names an app once per region, and adopt takes the newest"
            )
        else:
            newest[name] = entry
        if app.app_key:
            entries[app.app_key] = entry
    return entries


def _signatures(region: _Region, apps: Mapping[str, _Entry]) -> dict[str, _Entry]:
    """The region's signatures (of the exported apps) by id."""
    entries: dict[str, _Entry] = {}
    for signature in region.signatures:
        app = apps[signature.app_key or ""]
        name = signature.signature_name or ""
        kind_word = _TYPE_WORD.get(signature.signature_type or "", "sig")
        fields: dict[str, Any] = {
            "app": app,  # a reference: becomes the app's key when rendered
            "name": name,
            "type": signature.signature_type,
            "source": signature.signature_source,
        }
        third_party = (signature.is_involved_third or "").lower() == "yes"
        if third_party:
            fields["third_party"] = True
        for name_of, value in (
            ("apply_desc", signature.apply_desc),
            ("qualification_id", signature.qualification_id),
            ("source_title_content", signature.source_title_content),
        ):
            if _present(value):
                fields[name_of] = value
        fields["adopt"] = True
        entry = _Entry.of(
            "signature",
            region.name,
            signature.id,
            name,
            fields,
            kind_word,
            notes=[_status_note(signature.status, signature.review_desc)],
            needs=[app],
        )
        with_files = [
            ("licence_file", "business licence", signature.file_id),
            ("power_of_attorney_file", "power of attorney", signature.power_attorney_file_id),
        ]
        for field_name, what, file_id in with_files:
            if file_id:
                entry.missing += _file_note(field_name, what, file_id, region.files[file_id])
        if third_party:
            entry.reasons.append(
                "it involves a third party, and the catalog then needs its power of attorney "
                "as a file entry, whose content the API does not give back: put the file "
                "beside the catalog, declare it under files, set power_of_attorney_file and "
                "uncomment this entry"
            )
        elif signature.status == _SIGNATURE_REJECTED and (
            signature.file_id or signature.power_attorney_file_id
        ):
            entry.reasons.append(
                "it is rejected and has uploaded files, which a catalog entry cannot refer to "
                "without their content: adopting it would resubmit it without them. Declare "
                "the files under files, set licence_file (and power_of_attorney_file) and "
                "uncomment this entry to resubmit it with them"
            )
        entries[signature.id] = entry
    return entries


def _status_note(status: str | None, review_desc: str | None) -> str:
    note = f"status: {status or 'unknown'}"
    return note + (f"; reviewer: {review_desc}" if review_desc else "")


def _templates(
    region: _Region, apps: Mapping[str, _Entry], signatures: Mapping[str, _Entry]
) -> list[_Entry]:
    entries: list[_Entry] = []
    newest: dict[tuple[str, str], _Entry] = {}
    ordered = sorted(region.templates, key=lambda t: t.create_time or "", reverse=True)
    for template in ordered:
        app = apps[template.app_key or ""]
        name = template.template_name or ""
        scope = template.region or app.fields["scope"]
        universal = template.universal_template == 1
        fields: dict[str, Any] = {"app": app}
        needs = [app]
        reasons: list[str] = []
        signature = signatures.get(template.sign_id or "")
        if template.sign_id and not universal:
            if signature is None:
                reasons.append(
                    f"its signature (id {template.sign_id}) is not among the exported "
                    "signatures of its app"
                )
            else:
                fields["signature"] = signature
                needs.append(signature)
        fields["name"] = name
        signature_type = signature.fields.get("type") if signature is not None else None
        default_type = "NOTIFY_TYPE" if scope == "intl" else signature_type
        if universal or (template.template_type and template.template_type != default_type):
            fields["type"] = template.template_type
        if universal:
            fields["universal"] = True
        if _present(template.brackets) and template.brackets != "CN":
            fields["brackets"] = template.brackets
        fields["content"] = template.template_content
        variables = [
            {
                "index": v.variable_index,
                "type": v.variable_type,
                **({"desc": v.variable_desc} if _present(v.variable_desc) else {}),
            }
            for v in region.variables.get(template.id, [])
        ]
        if variables:
            fields["variables"] = variables
        countries = sorted(
            c for c in (template.send_country1, template.send_country2, template.send_country3) if c
        )
        if countries:
            fields["send_countries"] = countries
        if _present(template.template_desc):
            fields["description"] = template.template_desc
        fields["adopt"] = True
        entry = _Entry.of(
            "template",
            region.name,
            template.id,
            name,
            fields,
            notes=[_status_note(template.flow_status, template.review_desc)],
            needs=needs,
            reasons=reasons,
        )
        owner = (template.app_key or "", name)
        if owner in newest:
            entry.reasons.append(
                f"its app has another template named {name!r}, created later; a catalog "
                "names a template once per app, and adopt takes the newest"
            )
        else:
            newest[owner] = entry
        entries.append(entry)
    return entries


def _entries(regions: Sequence[_Region]) -> list[_Entry]:
    """Every entry, in catalog order: apps, signatures, templates; by region (in the order
    given), app and name."""
    apps: list[_Entry] = []
    signatures: list[_Entry] = []
    templates: list[_Entry] = []
    for region in regions:
        region_apps = _apps(region)
        region_signatures = _signatures(region, region_apps)
        apps += region_apps.values()
        signatures += region_signatures.values()
        templates += _templates(region, region_apps, region_signatures)

    order = {region.name: i for i, region in enumerate(regions)}

    def app_of(entry: _Entry) -> tuple[int, str]:
        app: _Entry = entry.fields["app"]
        return (order[app.fields["region"]], app.name)

    apps.sort(key=lambda e: (order[e.fields["region"]], e.name, e.identity))
    signatures.sort(key=lambda e: (*app_of(e), e.fields["type"] or "", e.name, e.identity))
    templates.sort(key=lambda e: (*app_of(e), e.name, e.identity))
    ordered = apps + signatures + templates
    # what is exported gets the plain keys; what is left out already, the second choices
    _assign_keys(sorted(ordered, key=lambda e: e.left_out))
    return ordered


def _cascade(entries: Sequence[_Entry]) -> None:
    """Leave out every entry that refers to a left-out one."""
    changed = True
    while changed:
        changed = False
        for entry in entries:
            gone = [n for n in entry.needs if n.left_out]
            if not entry.left_out and gone:
                names = ", ".join(f"{_SECTIONS[n.kind][:-1]} {n.key}" for n in gone)
                entry.reasons.append(f"it refers to {names}, which is left out")
                changed = True


# --------------------------------------------------------------------------------------------
# Writing


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


def _scalar(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, _Entry):
        return value.key
    if isinstance(value, list):
        return "[" + ", ".join(_scalar(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_scalar(v)}" for k, v in value.items()) + "}"
    text = str(value)
    if _plain(text):
        return text
    # JSON's double-quoted strings are YAML's, once what YAML does not take raw is escaped
    quoted = json.dumps(text, ensure_ascii=False)
    return _NOT_RAW.sub(lambda m: f"\\u{ord(m[0]):04x}", quoted)


def _comment(lines: Iterable[str], indent: str) -> list[str]:
    out = []
    for raw in lines:
        # text from the API (a reviewer's reason, a file name) must not end the comment
        line = _NOT_RAW.sub(lambda m: f"\\u{ord(m[0]):04x}", raw)
        # a list item's next lines line up with its text
        hang = "  " if line.startswith("- ") else ""
        wrapped = textwrap.wrap(line, _WIDTH - len(indent) - 2, subsequent_indent=hang)
        out += [f"{indent}# {part}" for part in wrapped] or [f"{indent}#"]
    return out


def _entry_lines(entry: _Entry) -> list[str]:
    lines = [f"  {entry.key}:"]
    for name, value in entry.fields.items():
        if name == "variables":
            lines.append("    variables:")
            lines += [f"      - {_scalar(v)}" for v in value]
        else:
            lines.append(f"    {name}: {_scalar(value)}")
    return lines + _comment(entry.missing, "    ")


def _document(entries: Sequence[_Entry]) -> dict[str, Any]:
    """What the text must load as: the check that the writing above is right."""

    def plain(value: Any) -> Any:
        if isinstance(value, _Entry):
            return value.key
        if isinstance(value, list):
            return [plain(v) for v in value]
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        return value

    document: dict[str, Any] = {"defaults": {"wait_for": "none"}}
    for kind, section in _SECTIONS.items():
        kept = {
            e.key: {k: plain(v) for k, v in e.fields.items()}
            for e in entries
            if e.kind == kind and not e.left_out
        }
        left = any(e.kind == kind and e.left_out for e in entries)
        document[section] = kept or (None if left else {})
    return document


def _render(entries: Sequence[_Entry], header: Sequence[str]) -> str:
    lines = [
        *header,
        "",
        "defaults:",
        "  wait_for: none  # what is exported is reviewed already, or under review",
        "",
    ]
    for kind, section in _SECTIONS.items():
        of_kind = [e for e in entries if e.kind == kind]
        if not of_kind:
            lines += [f"{section}: {{}}", ""]
            continue
        lines.append(f"{section}:")
        for entry in of_kind:
            if entry.left_out:
                continue
            lines += _comment(entry.notes, "  ")
            lines += _entry_lines(entry)
            lines.append("")
        for entry in of_kind:
            if not entry.left_out:
                continue
            lines += _comment([f"Left out: {reason}." for reason in entry.reasons], "  ")
            lines += _comment(entry.notes, "  ")
            lines += ["  # " + line.removeprefix("  ") for line in _entry_lines(entry)]
            lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def _header(regions: Sequence[str], where: Callable[[str], str], now: datetime) -> list[str]:
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
    return _comment(lines, "")


def _problems(text: str) -> list[tuple[str, str, str]]:
    """The catalog's problems as (section, key, message); raises for any it cannot place."""
    with tempfile.TemporaryDirectory(prefix="msgsms-export-") as directory:
        path = Path(directory) / "exported.sms.yaml"
        path.write_text(text, encoding="utf-8")
        catalog, problems, _ = check_catalog(path, root=directory)
    placed = []
    for problem in problems:
        section, _, rest = problem.path.partition(".")
        key = rest.split(".", 1)[0]
        if section not in _KIND_OF_SECTION or not key:
            raise RuntimeError(f"the exported catalog has a problem outside its entries: {problem}")
        placed.append((section, key, problem.message))
    if catalog is None and not placed:
        raise RuntimeError("the exported catalog does not load, and no entry is to blame")
    return placed


def _require_some(entries: Sequence[_Entry], regions: Sequence[str]) -> None:
    """Stop when the catalog would declare nothing: what a wrong region or account gives."""
    if not entries:
        raise ExportError(
            f"no apps in {', '.join(regions)}: nothing to export. Check the regions (--region) "
            "and that the credentials are those of the account that owns the apps"
        )
    if all(e.left_out for e in entries):
        apps = "; ".join(f"{e.name!r}: {e.reasons[0]}" for e in entries if e.kind == "app")
        raise ExportError(f"nothing can be adopted as it is: every app is left out ({apps})")


def export_catalog(
    client: SmsClient,
    regions: Sequence[str],
    *,
    app_names: Iterable[str] = (),
    now: datetime | None = None,
) -> Exported:
    """Read the apps (all, or those named ``app_names``) of ``regions`` with their signatures
    and templates, and write them as a catalog that adopts them (see the module's
    documentation). Only read operations are called.

    Raises :class:`ExportError` when an app named in ``app_names`` is in none of the regions;
    API errors (``providers.client.errors``) pass through.
    """
    names = frozenset(app_names)
    read = [_read_region(client, region, names) for region in regions]
    missing = names - {app.app_name for region in read for app in region.apps}
    if missing:
        raise ExportError(
            f"no app named {', '.join(sorted(map(repr, missing)))} in {', '.join(regions)}: "
            "check the names (--app takes an app's exact name) and the regions (--region)"
        )
    entries = _entries(read)
    _cascade(entries)
    header = _header(regions, lambda r: client.endpoint("msgsms", r), now or datetime.now(UTC))
    by_key = {(_SECTIONS[e.kind], e.key): e for e in entries}
    for _ in range(_MAX_ROUNDS):
        _require_some(entries, regions)
        text = _render(entries, header)
        loaded = yaml.safe_load(text)
        if loaded != _document(entries):
            raise RuntimeError("the exported catalog does not read back as written")
        problems = _problems(text)
        if not problems:
            break
        for section, key, message in problems:
            entry = by_key[section, key]
            reason = f"the catalog's checks refuse it: {message}"
            if reason not in entry.reasons:
                entry.reasons.append(reason)
        _cascade(entries)
    else:
        raise RuntimeError("the exported catalog still has problems after leaving entries out")
    kept = Counter(e.kind for e in entries if not e.left_out)
    left_out = tuple(
        LeftOut(e.kind, e.key, e.name, tuple(e.reasons)) for e in entries if e.left_out
    )
    return Exported(text, {kind: kept.get(kind, 0) for kind in _SECTIONS}, left_out)
