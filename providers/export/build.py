"""The entries of what the regions hold: what each live object is written as, and why an entry
is left out.

Each app, signature and template becomes an entry that says ``adopt: true``, with what the API
cannot give back as comments (an app's secret, a signature file's content). An entry is left
out, with the reason, when it could not be adopted unchanged: a rejected signature that has
files (adopting it would resubmit it without them), one that involves a third party (the
catalog needs its power of attorney), a second object with the same natural key, and whatever
depends on a left-out entry. What the catalog's own checks refuse is left out later, by
``export_catalog``, which checks the catalog it writes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from providers.client import models

from .entry import SECTIONS, Entry, Kind
from .keys import assign_keys, key_base
from .read import Region

__all__ = ["cascade", "catalog_entries"]

_TYPE_WORD = {"VERIFY_CODE_TYPE": "code", "NOTIFY_TYPE": "notify", "PROMOTION_TYPE": "promo"}
_SIGNATURE_REJECTED = "REVIEW_NOT_PASS"
# The project every app is in unless put elsewhere: not worth a line per app.
_DEFAULT_ENTERPRISE_PROJECT = "0"


def _entry_of(
    kind: Kind,
    region: str,
    object_id: str,
    name: str,
    fields: dict[str, Any],
    type_word: str | None = None,
    **details: Any,
) -> Entry:
    """The entry of one live object, its key to be derived from ``name``."""
    base = key_base(kind, name, type_word)
    return Entry(kind, name, base, f"{kind}\0{region}\0{object_id}", fields, **details)


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


def _apps(region: Region) -> dict[str, Entry]:
    """The region's apps by app_key; of apps with one name, the newest (what adopt takes)."""
    entries: dict[str, Entry] = {}
    newest: dict[str, Entry] = {}
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
        entry = _entry_of(
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


def _signatures(region: Region, apps: Mapping[str, Entry]) -> dict[str, Entry]:
    """The region's signatures (of the exported apps) by id."""
    entries: dict[str, Entry] = {}
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
        entry = _entry_of(
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
    region: Region, apps: Mapping[str, Entry], signatures: Mapping[str, Entry]
) -> list[Entry]:
    entries: list[Entry] = []
    newest: dict[tuple[str, str], Entry] = {}
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
        entry = _entry_of(
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


def catalog_entries(regions: Sequence[Region]) -> list[Entry]:
    """Every entry, in catalog order: apps, signatures, templates; by region (in the order
    given), app and name."""
    apps: list[Entry] = []
    signatures: list[Entry] = []
    templates: list[Entry] = []
    for region in regions:
        region_apps = _apps(region)
        region_signatures = _signatures(region, region_apps)
        apps += region_apps.values()
        signatures += region_signatures.values()
        templates += _templates(region, region_apps, region_signatures)

    order = {region.name: i for i, region in enumerate(regions)}

    def app_of(entry: Entry) -> tuple[int, str]:
        app: Entry = entry.fields["app"]
        return (order[app.fields["region"]], app.name)

    apps.sort(key=lambda e: (order[e.fields["region"]], e.name, e.identity))
    signatures.sort(key=lambda e: (*app_of(e), e.fields["type"] or "", e.name, e.identity))
    templates.sort(key=lambda e: (*app_of(e), e.name, e.identity))
    ordered = apps + signatures + templates
    # what is exported gets the plain keys; what is left out already, the second choices
    assign_keys(sorted(ordered, key=lambda e: e.left_out))
    return ordered


def cascade(entries: Sequence[Entry]) -> None:
    """Leave out every entry that refers to a left-out one."""
    changed = True
    while changed:
        changed = False
        for entry in entries:
            gone = [n for n in entry.needs if n.left_out]
            if not entry.left_out and gone:
                names = ", ".join(f"{SECTIONS[n.kind][:-1]} {n.key}" for n in gone)
                entry.reasons.append(f"it refers to {names}, which is left out")
                changed = True
