"""The send side of the admin API (main port, loopback only): see docs/contracts.md §2."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, ConfigDict, Field

from ..core.regions import REGIONS
from ..smsapi.numbers import parse_recipient
from ..smsapi.reports import DeliveryOutcomes
from ..smsapi.settings import SendingSettings
from ..smsapi.uplink import Uplink, UplinkRefused
from ..smsapi.usage import MONTH_PATTERN, UsageSeed
from ..state import StateDep
from .changes import updated
from .errors import AdminError

__all__ = ["router"]

router = APIRouter(prefix="/_emulator", tags=["admin"])


@router.get("/sending", response_model=SendingSettings)
def get_sending(state: StateDep) -> SendingSettings:
    return state.smsapi.settings


@router.put("/sending", response_model=SendingSettings)
def put_sending(state: StateDep, changes: SendingSettings) -> SendingSettings:
    """Report delay, callback retries, a fixed Beijing time for the promotion window, billing.
    Change the fields given; the others keep their values."""
    settings = updated(state.smsapi.settings, changes)
    state.smsapi.configure(settings)
    return settings


@router.get("/outcomes", response_model=DeliveryOutcomes)
def get_outcomes(state: StateDep) -> DeliveryOutcomes:
    return state.smsapi.outcomes()


@router.put("/outcomes", response_model=DeliveryOutcomes)
def put_outcomes(state: StateDep, changes: DeliveryOutcomes) -> DeliveryOutcomes:
    """The status the reports of each number carry (default DELIVRD), from now on. Change the
    fields given (``numbers`` is replaced as a whole); the others keep their values."""
    state.smsapi.set_outcomes(updated(state.smsapi.outcomes(), changes))
    return state.smsapi.outcomes()


@router.delete("/outcomes", response_model=DeliveryOutcomes)
def delete_outcomes(state: StateDep) -> DeliveryOutcomes:
    state.smsapi.set_outcomes(DeliveryOutcomes())
    return state.smsapi.outcomes()


@router.post("/apps/{id}/uplink")
def inject_uplink(state: StateDep, id: str, uplink: Uplink) -> dict[str, Any]:
    """A mobile user's message to one of the app's channels, delivered to its up_link_addr."""
    try:
        return state.smsapi.uplink.inject(id, uplink)
    except UplinkRefused as refused:
        raise AdminError(str(refused), status_code=404 if refused.missing else 400) from None


@router.get("/usage")
def get_usage(
    state: StateDep,
    month: Annotated[str | None, Query(pattern=MONTH_PATTERN)] = None,
) -> dict[str, Any]:
    """Billed segments per template type and category, and the cost with the marginal tiers."""
    return state.smsapi.usage(month)


@router.post("/usage")
def seed_usage(state: StateDep, seed: UsageSeed) -> dict[str, Any]:
    """Record usage without sending (e.g. a month at a tier boundary); answers the month."""
    state.smsapi.ledger.seed(seed)
    return state.smsapi.usage(seed.month)


@router.get("/messages")
def list_messages(
    state: StateDep,
    region: Annotated[Literal[REGIONS] | None, Query()] = None,  # type: ignore[valid-type]
) -> list[dict[str, Any]]:
    """Every send result, accepted or not, with the reason of a refusal (``status_detail``)."""
    return state.smsapi.messages(region)


@router.get("/callbacks")
def list_callbacks(
    state: StateDep,
    kind: Annotated[Literal["status", "uplink"] | None, Query()] = None,
) -> list[dict[str, Any]]:
    """Status reports and uplink messages: fields, state, attempts and the last error."""
    return state.smsapi.outbox.listing(kind)


class OptOut(BaseModel):
    """A number on a signature's opt-out list (``POST``/``DELETE /_emulator/opt-outs``)."""

    model_config = ConfigDict(extra="forbid")

    signature_id: Annotated[str, Field(min_length=1, max_length=64)]
    number: Annotated[str, Field(min_length=1, max_length=21)]


def _number(given: str) -> str:
    number = parse_recipient(given).number
    if number is None:
        raise AdminError(f"number: {given!r} is not a number like +8613800000000")
    return number


@router.get("/opt-outs")
def list_opt_outs(
    state: StateDep,
    app_id: Annotated[str | None, Query(min_length=1, max_length=64)] = None,
) -> list[dict[str, Any]]:
    """Numbers that opted out of signatures' promotions (an R reply, or added here)."""
    return state.smsapi.opt_outs(app_id)


@router.post("/opt-outs")
def add_opt_out(state: StateDep, entry: OptOut) -> dict[str, Any]:
    """Put a number on a signature's opt-out list, as its R reply would."""
    try:
        return state.smsapi.opt_out(entry.signature_id, _number(entry.number))
    except LookupError:
        raise AdminError(f"no signature {entry.signature_id}", status_code=404) from None


@router.delete("/opt-outs", status_code=204)
def remove_opt_out(
    state: StateDep,
    signature_id: Annotated[str, Query(min_length=1, max_length=64)],
    number: Annotated[str, Query(min_length=1, max_length=21)],
) -> Response:
    """Take a number off a signature's opt-out list (the console's blocklist removal)."""
    if not state.smsapi.opt_in(signature_id, _number(number)):
        raise AdminError(f"{number} is not on the opt-out list of {signature_id}", status_code=404)
    return Response(status_code=204)
