"""A refresh reads the templates of an app with one list request per 500 templates, and
never serves what it listed after a write, to a second read of the same template, or to
another provider process; unchanged templates' variables are not listed again.

Request counts come from the emulator's log. Each pass of the engine is a provider process of
its own, as under the Pulumi CLI (``pass_host``); the session's host stands for one process
that stays up across passes.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

import pytest

from harness import PROJECT_ROOT
from harness.emulator import EmulatorProcess, decide, set_review
from harness.provider_host import ProviderHost
from harness.sequences import Deployment, State, stack_config
from harness.wire import PROVIDER_KEY
from providers.client import MAX_PAGE_SIZE, Settings, SmsClient
from providers.client.models import TemplateRequest
from providers.resources import TemplateProvider

CONTENT = "您的订单${1}已发货，编号${2}。"
VARIABLES = [
    {"variable_index": 1, "variable_type": "CHARDIGIT"},
    {"variable_index": 2, "variable_type": "CHARDIGIT"},
]
SHOW = "GET /templates/{id}"
LIST = "GET /templates"
VARIABLES_LIST = "GET /templates/{id}/varilable"


@contextmanager
def pass_host(emulator: EmulatorProcess) -> Iterator[Deployment]:
    """A fresh provider process, as each `pulumi` command starts one."""
    with ProviderHost(PROJECT_ROOT, project="msgsms") as host:
        host.configure(stack_config(emulator))
        yield Deployment(host, emulator)


def client(emulator: EmulatorProcess) -> SmsClient:
    config = {**stack_config(emulator), "msgsms:secretKey": emulator.info["secret_key"]}
    return SmsClient(Settings.from_config(config, environ={}))


def operations(deployment: Deployment, mark: tuple[int, int]) -> list[str]:
    """The MSGSMS operations since ``mark``, ids folded to ``{id}``."""
    folded = []
    for call in deployment.api_calls(mark):
        method, path = call.split(" ", 1)
        parts = path.split("/msgsms", 1)[1].split("/")
        folded.append(f"{method} " + "/".join("{id}" if len(p) > 30 else p for p in parts))
    return folded


def template_inputs(app: State, i: int) -> dict[str, Any]:
    return {
        "region": app["region"],
        "app_id": app.id,
        "scope": "cn",
        "template_name": f"notice-{i:04d}",
        "template_content": CONTENT,
        "template_type": "NOTIFY_TYPE",
        "universal_template": 1,
        "variable_attributes": VARIABLES,
    }


def template_request(inputs: dict[str, Any]) -> TemplateRequest:
    body = {k: v for k, v in inputs.items() if k not in ("region", "scope")}
    return TemplateRequest.model_validate({**body, "region": inputs["scope"]})


def templates_of(deployment: Deployment, app: State, count: int) -> list[State]:
    """``count`` templates of ``app``, created with the client (one request each), as the
    engine stores them before their first refresh."""
    with client(deployment.emulator) as sms:
        states = []
        for i in range(count):
            inputs = template_inputs(app, i)
            created = sms.create_template(template_request(inputs), region=app["region"])
            outputs = {**inputs, PROVIDER_KEY: deployment.ref(TemplateProvider)}
            states.append(State(TemplateProvider, f"t{i}", created.id, inputs, outputs))
        return states


def approve(emulator: EmulatorProcess, states: list[State]) -> None:
    for state in states:
        decide(emulator, "templates", state.id, "approve")


def settled_template(deployment: Deployment, emulator: EmulatorProcess, app: State) -> State:
    """An approved template as a first refresh (a provider process of its own) stored it."""
    [state] = templates_of(deployment, app, 1)
    approve(emulator, [state])
    with pass_host(emulator) as first_pass:
        [state] = refresh_all(first_pass, [state])
    return state


def refresh_all(deployment: Deployment, states: list[State]) -> list[State]:
    refreshed = []
    for state in states:
        read = deployment.refresh(replace(state, outputs={**state.outputs}))
        assert read is not None, state.id
        refreshed.append(read)
    return refreshed


def without_provider(state: State) -> dict[str, Any]:
    return {k: v for k, v in state.outputs.items() if k != PROVIDER_KEY}


@pytest.fixture
def app(deployment: Deployment, emulator: EmulatorProcess) -> State:
    set_review(emulator, "manual")
    return deployment.app()


@pytest.mark.slow
def test_a_refresh_lists_an_apps_templates_500_a_page_and_reads_the_first_alone(
    deployment: Deployment, emulator: EmulatorProcess, app: State
) -> None:
    count = MAX_PAGE_SIZE + 1
    states = templates_of(deployment, app, count)
    approve(emulator, states)
    pages = math.ceil(count / MAX_PAGE_SIZE)

    with pass_host(emulator) as first_pass:
        mark = first_pass.mark()
        first = refresh_all(first_pass, states)
        first_ops = operations(first_pass, mark)
    with pass_host(emulator) as second_pass:
        mark = second_pass.mark()
        # the other way round: what was listed before is now shown alone, and vice versa
        second = refresh_all(second_pass, first[::-1])[::-1]
        second_ops = operations(second_pass, mark)

    # variables are read once per template, on the first refresh only: they are approved
    assert sorted(first_ops) == sorted([SHOW, *[LIST] * pages, *[VARIABLES_LIST] * count])
    assert sorted(second_ops) == sorted([SHOW, *[LIST] * pages])
    assert [without_provider(s) for s in second] == [without_provider(s) for s in first]
    assert {s["flow_status"] for s in first} == {"Adopted"}
    assert first[0]["variables"] == [
        {"variable_index": 1, "variable_type": "CHARDIGIT", "variable_length": 20},
        {"variable_index": 2, "variable_type": "CHARDIGIT", "variable_length": 20},
    ]


def test_a_refresh_of_one_template_takes_one_request(
    deployment: Deployment, emulator: EmulatorProcess, app: State
) -> None:
    state = settled_template(deployment, emulator, app)

    with pass_host(emulator) as second_pass:
        mark = second_pass.mark()
        [again] = refresh_all(second_pass, [state])

        assert operations(second_pass, mark) == [SHOW]
    assert without_provider(again) == without_provider(state)


def test_the_variables_of_a_template_under_review_are_read_on_every_refresh(
    deployment: Deployment, emulator: EmulatorProcess, app: State
) -> None:
    [state] = templates_of(deployment, app, 1)
    with pass_host(emulator) as first_pass:
        [state] = refresh_all(first_pass, [state])

    with pass_host(emulator) as second_pass:
        mark = second_pass.mark()
        refresh_all(second_pass, [state])

        # an update may follow a rejection within the second: only approval is settled
        assert operations(second_pass, mark) == [SHOW, VARIABLES_LIST]


def test_a_template_read_before_is_read_live_again_in_the_same_process(
    deployment: Deployment, emulator: EmulatorProcess, app: State
) -> None:
    states = refresh_all(deployment, templates_of(deployment, app, 3))
    # the snapshot listed all three while the second was read; now the first and the third
    # change outside the provider
    decide(emulator, "templates", states[0].id, "reject", "wrong wording")
    decide(emulator, "templates", states[2].id, "approve")

    mark = deployment.mark()
    again = refresh_all(deployment, [states[0], states[2]])

    assert [s["flow_status"] for s in again] == ["Reject", "Adopted"]
    assert again[0]["review_desc"] == "wrong wording"
    # read live, and their variables again: the review moved their update_time
    assert operations(deployment, mark) == [SHOW, VARIABLES_LIST, SHOW, VARIABLES_LIST]


def test_a_write_in_the_process_drops_the_snapshot(
    deployment: Deployment, emulator: EmulatorProcess, app: State
) -> None:
    states = templates_of(deployment, app, 3)
    refresh_all(deployment, states[:2])  # the second read listed all three
    decide(emulator, "templates", states[2].id, "approve")
    # any write by the provider process, here a new template of another app
    other = deployment.app("other")
    deployment.create(
        TemplateProvider,
        "other",
        {**states[0].inputs, "app_id": other.id, "template_name": "other"},
    )

    mark = deployment.mark()
    [third] = refresh_all(deployment, states[2:])

    assert third["flow_status"] == "Adopted"
    assert operations(deployment, mark) == [SHOW, VARIABLES_LIST]


def test_changed_variables_are_read_again(
    deployment: Deployment, emulator: EmulatorProcess, app: State
) -> None:
    state = settled_template(deployment, emulator, app)
    # rejected, updated and approved again outside the stack, in a later second
    emulator.admin.put("/clock", json={"offset_seconds": 2}).raise_for_status()
    decide(emulator, "templates", state.id, "reject")
    attributes = [VARIABLES[0], {**VARIABLES[1], "variable_type": "DATETIME"}]
    changed = {**template_inputs(app, 0), "variable_attributes": attributes}
    with client(emulator) as sms:
        sms.update_template(state.id, template_request(changed), region=app["region"])
    approve(emulator, [state])

    with pass_host(emulator) as second_pass:
        mark = second_pass.mark()
        [again] = refresh_all(second_pass, [state])

        assert operations(second_pass, mark) == [SHOW, VARIABLES_LIST]
    assert [v["variable_type"] for v in again["variables"]] == ["CHARDIGIT", "DATETIME"]
    assert again.inputs["variable_attributes"][1]["variable_type"] == "DATETIME"
