"""The broken-catalog corpus: loading each file must report exactly the problems it
declares (line, path and message) and produce no declaration at all."""

from __future__ import annotations

from pathlib import Path

import pytest

from providers.catalog import CatalogError, check_catalog, load_catalog
from tests.program.corpus import CORPUS, expectations

ROOT = Path(__file__).parents[2]


def test_the_corpus_has_at_least_30_catalogs_each_with_expectations() -> None:
    assert len(CORPUS) >= 30
    for path in CORPUS:
        assert expectations(path), f"{path.name} declares no expected problem"


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.name.removesuffix(".sms.yaml"))
def test_broken_catalog_reports_exactly_its_problems(path: Path) -> None:
    catalog, problems, _warnings = check_catalog(path, root=ROOT)
    assert catalog is None
    reported = [(p.line, p.path, p.message) for p in problems]
    assert reported == expectations(path)
    assert all(p.file == str(path) for p in problems)


@pytest.mark.parametrize("path", CORPUS[:3], ids=lambda p: p.name.removesuffix(".sms.yaml"))
def test_load_catalog_raises_with_every_problem(path: Path) -> None:
    with pytest.raises(CatalogError) as raised:
        load_catalog(path, root=ROOT)
    lines = str(raised.value).splitlines()
    assert lines == [f"{path}:{line}: {where}: {msg}" for line, where, msg in expectations(path)]
