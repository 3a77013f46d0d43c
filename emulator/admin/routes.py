"""The admin API under ``/_emulator/`` (main port, loopback only): see docs/contracts.md §2."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, ConfigDict, Field

from ..core.regions import REGIONS
from ..gateway.faults import FaultConfig
from ..iam import credentials
from ..msgsms import allowlist
from ..msgsms.base import Quotas
from ..msgsms.review import SIGNATURE_REJECTED, SIGNATURE_STATUSES, ReviewPolicy
from ..state import StateDep
from .changes import updated
from .errors import AdminError

__all__ = ["ClockSetting", "ReviewDecision", "router"]

router = APIRouter(prefix="/_emulator", tags=["admin"])


class ReviewDecision(BaseModel):
    model_config = ConfigDict(extra="forbid")

    decision: Literal["approve", "reject"]
    review_desc: Annotated[str, Field(max_length=300)] | None = None
    #: Signatures only: the approved-side status to land on (default
    #: REVIEW_PROCESSING_COMPLETED), e.g. TO_BE_ACTIVATED to exercise activation.
    status: Literal[SIGNATURE_STATUSES] | None = None  # type: ignore[valid-type]


class ClockSetting(BaseModel):
    model_config = ConfigDict(extra="forbid")

    offset_seconds: Annotated[float, Field(ge=-10 * 365 * 86400, le=10 * 365 * 86400)]


class AppStatusChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: Literal["CREATED", "SUSPENDED", "LAUNCHED", "PROCESSING"]


class TemporaryCredentialRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    #: How long the key and its token are valid (IAM's range and default).
    duration_seconds: Annotated[
        int, Field(ge=credentials.DURATION_RANGE[0], le=credentials.DURATION_RANGE[1])
    ] = credentials.DEFAULT_DURATION_SECONDS


class IpWhiteList(BaseModel):
    """An app's IP allow-list: comma-separated addresses or networks; empty allows all."""

    model_config = ConfigDict(extra="forbid")

    ip_white_list: Annotated[str, Field(max_length=allowlist.MAX_LENGTH)]


@router.post("/reset")
def reset(state: StateDep) -> dict[str, bool]:
    """Wipe objects, log, faults; policy, quotas and clock back to the defaults."""
    state.reset()
    return {"reset": True}


@router.get("/requests")
def list_requests(
    state: StateDep,
    since: Annotated[int, Query(ge=0, le=2**62)] = 0,
    api: Annotated[Literal["iam", "msgsms", "smsapi"] | None, Query()] = None,
) -> dict[str, Any]:
    """API requests after ``since`` (exclusive), oldest first, and the last sequence number."""
    return {"requests": state.requests.entries(since, api), "last_seq": state.requests.last_seq()}


@router.delete("/requests", status_code=204)
def clear_requests(state: StateDep) -> Response:
    state.requests.clear()
    return Response(status_code=204)


@router.get("/review-policy", response_model=ReviewPolicy)
def get_review_policy(state: StateDep) -> ReviewPolicy:
    return state.review.policy


@router.put("/review-policy", response_model=ReviewPolicy)
def put_review_policy(state: StateDep, changes: ReviewPolicy) -> ReviewPolicy:
    """Change the fields given; the others keep their values (at first the ``serve`` flags)."""
    policy = updated(state.review.policy, changes)
    with state.store.transaction() as conn:
        state.review.set_policy(conn, policy)
    return policy


def _decide(state: StateDep, kind: str, object_id: str, body: ReviewDecision) -> dict[str, Any]:
    if body.status is not None and (kind != "signatures" or body.decision != "approve"):
        raise AdminError("status applies to approving a signature only")
    if body.status == SIGNATURE_REJECTED:
        raise AdminError("use decision reject to reject a signature")
    with state.store.transaction() as conn:
        table = {"signatures": "signatures", "templates": "templates"}[kind]
        row = conn.execute(f"SELECT * FROM {table} WHERE id = ?", (object_id,)).fetchone()
        if row is None:
            raise AdminError(f"no {kind[:-1]} {object_id}", status_code=404)
        approve = body.decision == "approve"
        if kind == "signatures":
            state.review.decide_signature(
                conn, row, approve=approve, review_desc=body.review_desc, status=body.status
            )
        else:
            state.review.decide_template(conn, row, approve=approve, review_desc=body.review_desc)
        return state.msgsms.view(conn, kind, object_id)


@router.post("/signatures/{id}/review")
def review_signature(state: StateDep, id: str, body: ReviewDecision) -> dict[str, Any]:
    """Approve or reject a signature now; answers the signature as the API shows it."""
    return _decide(state, "signatures", id, body)


@router.post("/templates/{id}/review")
def review_template(state: StateDep, id: str, body: ReviewDecision) -> dict[str, Any]:
    """Approve or reject a template now; answers the template as the API shows it."""
    return _decide(state, "templates", id, body)


@router.post("/apps/{id}/status")
def set_app_status(state: StateDep, id: str, body: AppStatusChange) -> dict[str, Any]:
    """Move an app to another status, e.g. SUSPENDED, as the platform's operators can."""
    with state.store.transaction() as conn:
        cursor = conn.execute(
            "UPDATE apps SET status = ?, updated_at = ? WHERE id = ?",
            (body.status, state.clock.now(), id),
        )
        if cursor.rowcount == 0:
            raise AdminError(f"no app {id}", status_code=404)
    return {"id": id, "status": body.status}


@router.post("/temporary-credentials")
def issue_temporary_credentials(
    state: StateDep, body: TemporaryCredentialRequest | None = None
) -> dict[str, dict[str, str]]:
    """A temporary access key, secret key and security token, in IAM's ``credential`` shape;
    a request signed with the key must carry the token (``X-Security-Token``) until
    ``expires_at`` on the emulator's clock. The body is optional: 900 seconds by default."""
    duration = (body or TemporaryCredentialRequest()).duration_seconds
    return {"credential": state.temporary.issue(duration)}


@router.get("/apps/{id}/ip-white-list", response_model=IpWhiteList)
def get_ip_white_list(state: StateDep, id: str) -> IpWhiteList:
    with state.store.transaction() as conn:
        row = conn.execute("SELECT ip_white_list FROM apps WHERE id = ?", (id,)).fetchone()
    if row is None:
        raise AdminError(f"no app {id}", status_code=404)
    return IpWhiteList(ip_white_list=row["ip_white_list"])


@router.put("/apps/{id}/ip-white-list", response_model=IpWhiteList)
def put_ip_white_list(state: StateDep, id: str, body: IpWhiteList) -> IpWhiteList:
    """Set the addresses the app's sends may come from, as the console does (E000620 else)."""
    try:
        normalised = allowlist.normalise(body.ip_white_list)
    except ValueError as error:
        raise AdminError(f"ip_white_list: {error}") from None
    with state.store.transaction() as conn:
        cursor = conn.execute(
            "UPDATE apps SET ip_white_list = ?, updated_at = ? WHERE id = ?",
            (normalised, state.clock.now(), id),
        )
        if cursor.rowcount == 0:
            raise AdminError(f"no app {id}", status_code=404)
    return IpWhiteList(ip_white_list=normalised)


@router.get("/faults", response_model=FaultConfig)
def get_faults(state: StateDep) -> FaultConfig:
    return state.faults.config


@router.put("/faults", response_model=FaultConfig)
def put_faults(state: StateDep, changes: FaultConfig) -> FaultConfig:
    """Change the fields given; the others keep their values (``DELETE`` clears them all)."""
    config = updated(state.faults.config, changes)
    state.faults.configure(config)
    return config


@router.delete("/faults", response_model=FaultConfig)
def delete_faults(state: StateDep) -> FaultConfig:
    state.faults.configure(FaultConfig())
    return state.faults.config


@router.get("/quotas", response_model=Quotas)
def get_quotas(state: StateDep) -> Quotas:
    return state.quotas


@router.put("/quotas", response_model=Quotas)
def put_quotas(state: StateDep, changes: Quotas) -> Quotas:
    """Change the quotas given; the others keep their values (at first the ``serve`` flags)."""
    quotas = updated(state.quotas, changes)
    state.quotas = quotas
    return quotas


@router.get("/clock", response_model=ClockSetting)
def get_clock(state: StateDep) -> ClockSetting:
    return ClockSetting(offset_seconds=state.clock.offset_seconds)


@router.put("/clock", response_model=ClockSetting)
def put_clock(state: StateDep, setting: ClockSetting) -> ClockSetting:
    """Move the emulator's clock (token expiry, signature dates, review delays) by an offset."""
    state.clock.offset_seconds = setting.offset_seconds
    return setting


@router.get("/objects")
def list_objects(
    state: StateDep,
    kind: Annotated[Literal["apps", "signatures", "templates", "files"], Query()],
    region: Annotated[Literal[REGIONS] | None, Query()] = None,  # type: ignore[valid-type]
) -> list[dict[str, Any]]:
    """Every stored object of a kind, unpaginated, for assertions."""
    return state.msgsms.objects(kind, region)
