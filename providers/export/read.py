"""Reading the estate: what one region holds for the exported apps, with read calls only.

The apps (all, or those named), their signatures and templates, the variables of each template
that has any, and what the API shows of the files the signatures use.
"""

from __future__ import annotations

from dataclasses import dataclass

from providers.client import NotFoundError, SmsClient, models, paginate

__all__ = ["Region", "read_region"]


@dataclass
class Region:
    """What one region holds for the exported apps (reads only)."""

    name: str
    apps: list[models.App]
    signatures: list[models.Signature]
    templates: list[models.Template]
    variables: dict[str, list[models.TemplateVariable]]
    files: dict[str, models.SignatureFile | None]


def read_region(client: SmsClient, region: str, app_names: frozenset[str]) -> Region:
    """What ``region`` holds for the apps named ``app_names`` (every app when it is empty)."""
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
    return Region(region, apps, signatures, templates, variables, files)
