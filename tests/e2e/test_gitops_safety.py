"""Safety in a pipeline: protect, retain_on_delete, renames through aliases, and the empty
catalog, on the example catalog against a real emulator (offline engine).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.emulator import EmulatorProcess
from harness.engine import Engine, PassFailed
from tests.e2e.gitops import GitopsStack

pytestmark = pytest.mark.slow


@pytest.fixture
def gitops(tmp_path: Path, emulator: EmulatorProcess) -> GitopsStack:
    stack = GitopsStack.create(Engine, tmp_path, emulator)
    stack.set_review("auto", delay=0.0)
    return stack


def test_a_protected_entry_removed_from_the_catalog_fails_the_run_and_stays(
    gitops: GitopsStack,
) -> None:
    with gitops.catalog.edit() as catalog:
        catalog["templates"]["spring_sale"]["protect"] = True
    gitops.up()
    sale = gitops.resource_id("spring_sale")
    with gitops.catalog.edit() as catalog:
        del catalog["templates"]["spring_sale"]

    with pytest.raises(PassFailed) as failed:
        gitops.up()

    errors = "\n".join(failed.value.summary.errors)
    assert "spring_sale" in errors and "protected" in errors
    assert sale in gitops.ids("templates")
    assert gitops.stack.checkpoint().find("spring_sale").id == sale


def test_protect_in_defaults_refuses_a_replacement(gitops: GitopsStack) -> None:
    with gitops.catalog.edit() as catalog:
        catalog["defaults"]["protect"] = True
    gitops.up()
    old = gitops.resource_id("order_shipped")
    with gitops.catalog.edit() as catalog:  # approved: a new content replaces it
        catalog["templates"]["order_shipped"]["content"] = (
            "您的订单${1}已于${2}发出，单号${3}，电话${4}。"
        )

    with pytest.raises(PassFailed) as failed:
        gitops.up()

    assert "currently marked for protection" in "\n".join(failed.value.summary.errors)
    assert old in gitops.ids("templates")


def test_a_retained_entry_is_forgotten_and_stays_and_a_re_add_takes_it_back(
    gitops: GitopsStack,
) -> None:
    with gitops.catalog.edit() as catalog:
        catalog["templates"]["spring_sale"]["retain_on_delete"] = True
    gitops.up()
    sale = gitops.resource_id("spring_sale")
    with gitops.catalog.edit() as catalog:
        entry = catalog["templates"].pop("spring_sale")

    summary = gitops.up()

    assert gitops.steps(summary)["spring_sale"] == ["delete"]
    assert sale in gitops.ids("templates")  # left in place
    assert gitops.stack.checkpoint().find_all("spring_sale") == []

    with gitops.catalog.edit() as catalog:
        catalog["templates"]["spring_sale"] = entry
    again = gitops.up()

    assert gitops.steps(again)["spring_sale"] == ["create"]
    assert gitops.resource_id("spring_sale") == sale  # the identical template, taken back
    assert len(gitops.named("templates", "spring-sale")) == 1


def test_a_key_renamed_with_its_old_key_as_alias_changes_nothing_remotely(
    gitops: GitopsStack,
) -> None:
    gitops.up()
    shop, order = gitops.resource_id("shop"), gitops.resource_id("order_shipped")
    with gitops.catalog.edit() as catalog:
        catalog["apps"]["store"] = {**catalog["apps"].pop("shop"), "aliases": ["shop"]}
        for section in ("signatures", "templates"):
            for entry in catalog[section].values():
                if entry.get("app") == "shop":
                    entry["app"] = "store"
        catalog["templates"]["shipped"] = {
            **catalog["templates"].pop("order_shipped"),
            "aliases": ["order_shipped"],
        }
    mark = gitops.emulator.last_seq()

    summary = gitops.up()

    assert summary.api_requests == 0, gitops.emulator.requests(since=mark)
    steps = gitops.steps(summary)
    assert steps["store"] == ["same"] and steps["shipped"] == ["same"]
    assert "shop" not in steps and "order_shipped" not in steps  # nothing deleted
    assert (gitops.resource_id("store"), gitops.resource_id("shipped")) == (shop, order)
    assert set(summary.output("templates")) >= {"shipped"}


def test_an_empty_catalog_is_refused_before_any_api_call(gitops: GitopsStack) -> None:
    gitops.up()
    before = {section: gitops.ids(section) for section in ("signatures", "templates")}
    gitops.catalog.path.write_text("# every entry commented out by mistake\n", encoding="utf-8")
    mark = gitops.emulator.last_seq()

    with pytest.raises(PassFailed) as failed:
        gitops.up()

    assert "allow_empty: true" in "\n".join(failed.value.summary.errors)
    assert gitops.emulator.requests(since=mark) == []
    assert {section: gitops.ids(section) for section in before} == before
