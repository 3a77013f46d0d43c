"""``msgsms:Existing``: an app, signature or file the stack uses but does not manage.

A catalog refers to one by name (``app: {existing: other-team-app}``) instead of by key. The
lookup is read at ``up`` (and by every refresh), like ``Resource.get``, and is read-only: it
never changes the object, and deleting it (removing the reference, a destroy) leaves the
object alone. Dynamic providers cannot serve ``Resource.get`` itself (the engine's read of an
object it does not manage needs its id, and a catalog knows the name), so the lookup is a
resource whose create finds the object by name and fails, saying what to check, when there
is none.

Inputs: ``kind`` (``app``, ``signature`` or ``file``), ``region``, ``object_name`` (an app's or
signature's name; a file's ``file_id``: uploads have no name the API can find) and, for a
signature, ``signature_type`` (needed when the name exists with several types). Outputs: the
object's ``id`` and what a reference to it takes: an app's ``app_key`` and ``scope``, a
signature's ``signature_type``, a file's ``file_id``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import pulumi
from pulumi.dynamic import CheckFailure, CheckResult, CreateResult, DiffResult, ReadResult
from pulumi.dynamic import Resource as DynamicResource

from providers.client import NotFoundError, models, paginate
from providers.spec import LOOKUP_OUTPUTS
from providers.spec.vocabulary import REGIONS, SIGNATURE_TYPES

from .base import ProviderError
from .connection import ConfiguredProvider
from .resource import pickler_restored

if TYPE_CHECKING:  # the client is imported when a call first needs it
    from providers.client import SmsClient

__all__ = ["Existing", "ExistingProvider"]

_INPUTS = ("kind", "region", "object_name", "signature_type")


class ExistingProvider(ConfiguredProvider):
    """Finds an object by name, and reads it again on refresh; writes nothing."""

    title = "Existing"

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        inputs = {k: news[k] for k in _INPUTS if news.get(k) not in (None, "")}
        failures = []
        if inputs.get("kind") not in LOOKUP_OUTPUTS:
            failures.append(CheckFailure("kind", f"must be one of {', '.join(LOOKUP_OUTPUTS)}"))
        if inputs.get("region") not in REGIONS:
            failures.append(CheckFailure("region", f"must be one of {', '.join(REGIONS)}"))
        if not isinstance(inputs.get("object_name"), str):
            failures.append(CheckFailure("object_name", "is required: the name to look up"))
        if inputs.get("signature_type") not in (None, *SIGNATURE_TYPES):
            failures.append(
                CheckFailure("signature_type", f"must be one of {', '.join(SIGNATURE_TYPES)}")
            )
        return CheckResult(inputs, failures)

    def diff(self, _id: str, _olds: dict[str, Any], _news: dict[str, Any]) -> DiffResult:
        changed = [k for k in _INPUTS if _olds.get(k) != _news.get(k)]
        # another object altogether: look it up anew (the old lookup deletes nothing)
        return DiffResult(changes=bool(changed), replaces=changed)

    def create(self, props: dict[str, Any]) -> CreateResult:
        found = self._find(self._client(), props)
        return CreateResult(found["id"], {**{k: props.get(k) for k in _INPUTS}, **found})

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        inputs = {k: props[k] for k in _INPUTS if props.get(k) is not None}
        try:
            found = self._show(self._client(), props, id_)
        except NotFoundError:
            return ReadResult("", {})
        return ReadResult(id_, {**inputs, **found}, inputs)

    def delete(self, _id: str, _props: dict[str, Any]) -> None:
        """Read-only: the object belongs to someone else and stays."""

    # -- the lookups

    def _find(self, client: SmsClient, props: Mapping[str, Any]) -> dict[str, Any]:
        kind, region, name = props["kind"], props["region"], props["object_name"]
        where = f"in {region}"
        if kind == "file":
            try:
                return self._show(client, props, name)
            except NotFoundError:
                raise ProviderError(
                    f"no signature file with file_id {name!r} {where}: check the file_id "
                    "(uploads are found by id only; the console shows it)"
                ) from None
        if kind == "app":
            apps = [
                a
                for a in paginate(
                    client.list_app_details, models.AppQuery(app_name=name), region=region
                )
                if a.app_name == name
            ]
            return self._one(apps, f"app named {name!r} {where}", self._app)
        wanted = props.get("signature_type")
        query = models.SignatureQuery(signature_name=name, signature_type=wanted)
        signatures = [
            s
            for s in paginate(client.list_signature_details, query, region=region)
            if s.signature_name == name and (wanted is None or s.signature_type == wanted)
        ]
        described = f"signature named {name!r}" + (f" of type {wanted}" if wanted else "")
        return self._one(signatures, f"{described} {where}", self._signature)

    @staticmethod
    def _one(found: list[Any], what: str, outputs: Any) -> dict[str, Any]:
        if not found:
            raise ProviderError(
                f"there is no {what}: check the name in the catalog, or declare the object in "
                "the catalog instead of referring to an existing one"
            )
        if len(found) > 1:
            listed = ", ".join(str(o.id) for o in found)
            raise ProviderError(
                f"{len(found)} objects match: {what} ({listed}); a lookup needs exactly one"
                + (" (give its type)" if "signature" in what else "")
            )
        result: dict[str, Any] = outputs(found[0])
        return result

    def _show(self, client: SmsClient, props: Mapping[str, Any], object_id: str) -> dict[str, Any]:
        kind, region = props["kind"], props["region"]
        if kind == "app":
            return self._app(client.show_app(object_id, region=region))
        if kind == "signature":
            return self._signature(client.show_signature(object_id, region=region))
        file = client.show_signature_file(object_id, region=region)
        return {"id": file.file_id, "file_id": file.file_id}

    @staticmethod
    def _app(app: models.App) -> dict[str, Any]:
        return {"id": app.id, "app_key": app.app_key, "scope": app.region}

    @staticmethod
    def _signature(signature: models.Signature) -> dict[str, Any]:
        return {
            "id": signature.id,
            "signature_type": signature.signature_type,
            "app_key": signature.app_key,
        }


class Existing(DynamicResource, module="msgsms", name="Existing"):
    """A read-only lookup of an app, signature or file the stack does not manage (type
    ``pulumi-python:dynamic/msgsms:Existing``)."""

    kind: pulumi.Output[str]
    region: pulumi.Output[str]
    object_name: pulumi.Output[str]
    signature_type: pulumi.Output[str | None]
    app_key: pulumi.Output[str | None]
    scope: pulumi.Output[str | None]
    file_id: pulumi.Output[str | None]

    def __init__(
        self,
        resource_name: str,
        inputs: Mapping[str, Any],
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        props: dict[str, Any] = dict.fromkeys((*_INPUTS, "app_key", "scope", "file_id"))
        props.update({k: v for k, v in inputs.items() if v is not None})
        with pickler_restored():
            super().__init__(ExistingProvider(), resource_name, props, opts)
