"""The country ids that `validate` accepts are the ones the emulator serves."""

from __future__ import annotations

from emulator.msgsms.countries import COUNTRIES as SERVED
from providers.countries import COUNTRIES, COUNTRY_NAMES


def test_the_providers_know_exactly_the_countries_the_emulator_serves() -> None:
    # otherwise a catalog could pass validate and fail against the dev stack's emulator
    assert COUNTRIES == SERVED


def test_country_ids_are_unique_positive_calling_codes() -> None:
    ids = [country_id for country_id, _, _ in COUNTRIES]
    assert len(set(ids)) == len(ids) == len(COUNTRY_NAMES)
    assert all(1 <= country_id <= 999 for country_id in ids)
