"""One provider process serves the engine's concurrent calls (up to ``msgsms:hostThreads``)."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from harness import PROJECT_ROOT
from harness.emulator import EmulatorProcess, objects, set_review
from harness.provider_host import ProviderHost
from harness.sequences import Deployment, State, stack_config
from harness.wire import secret
from providers.client import ConfigurationError, Settings
from providers.resources import ReviewsProvider, SignatureProvider
from tests.providers.support import intercepted, signature_inputs
from tests.support.waiting import wait_until

NAMES = ["云商城", "云物流", "云支付", "云会员", "云售后", "云仓储", "云客服", "云营销"]


def signature(app: State, name: str) -> dict[str, Any]:
    return signature_inputs(app, name)


def test_concurrent_creates_then_one_wait_for_all_their_reviews(
    deployment: Deployment, emulator: EmulatorProcess
) -> None:
    set_review(emulator, "auto", 1.0)
    app = deployment.app()
    with ThreadPoolExecutor(len(NAMES)) as pool:
        states = list(
            pool.map(
                lambda name: deployment.create(SignatureProvider, name, signature(app, name)),
                NAMES,
            )
        )
    assert sorted(s["signature_name"] for s in states) == sorted(NAMES)
    assert {s.id for s in states} == {s["id"] for s in objects(emulator, "signatures")}
    waited = [
        {
            "key": f"signatures/{s.name}",
            "kind": "signature",
            "region": "cn-north-4",
            "app_id": app.id,
            "id": s.id,
            "name": s["signature_name"],
            "submitted_at": s["submitted_at"],
            "timeout": 60,
        }
        for s in states
    ]
    reviews = deployment.create(ReviewsProvider, "reviews", {"objects": waited})
    statuses = {d["status"] for d in reviews["decisions"].values()}
    assert len(reviews["decisions"]) == len(NAMES) and statuses == {"REVIEW_PROCESSING_COMPLETED"}


def test_concurrent_calls_share_one_iam_token(
    deployment: Deployment, emulator: EmulatorProcess
) -> None:
    """With IAM password credentials every call needs a token: the first calls of a fresh
    process arrive together, and one token serves them all."""
    app = deployment.app()
    config = stack_config(emulator)
    for key in ("msgsms:accessKey", "msgsms:secretKey", "msgsms:projectIds"):
        del config[key]
    config.update(
        {
            "msgsms:iamUser": emulator.info["user_name"],
            "msgsms:iamPassword": secret(emulator.info["password"]),
            "msgsms:iamDomain": emulator.info["domain_name"],
        }
    )
    since = emulator.last_seq()
    with ProviderHost(PROJECT_ROOT, project="msgsms") as host:
        host.configure(config)
        with_password = Deployment(host, emulator)
        news = [signature(app, name) for name in NAMES]
        with ThreadPoolExecutor(len(NAMES)) as pool:
            states = list(
                pool.map(
                    lambda n: with_password.create(SignatureProvider, n["signature_name"], n), news
                )
            )
    assert len({s.id for s in states}) == len(NAMES)
    tokens = [r for r in emulator.requests(since=since, api="iam") if r["method"] == "POST"]
    assert len(tokens) == 1


@pytest.mark.parametrize(("settings", "at_once"), [({}, 8), ({"hostThreads": "4"}, 4)])
def test_the_host_serves_more_than_four_calls_at_once(
    emulator: EmulatorProcess, settings: dict[str, str], at_once: int
) -> None:
    """Pulumi's host serves a dynamic provider's calls with four threads; the providers let it
    serve ``msgsms:hostThreads`` (16 by default): eight creates held at the API are all under
    way together, so a slow API is not waited on four requests at a time. With
    ``hostThreads: 4`` the fifth create waits for a thread, as under the unchanged host."""
    with intercepted(emulator, **settings) as (deployment, proxy):
        app = deployment.app()
        deployment.create(SignatureProvider, "first", signature(app, "云首页"))
        held = proxy.on("POST", r"/msgsms/signatures$", "hold", times=len(NAMES))
        with ThreadPoolExecutor(len(NAMES)) as pool:
            creates = [
                pool.submit(deployment.create, SignatureProvider, name, signature(app, name))
                for name in NAMES
            ]
            wait_until(lambda: len(held.hits) == at_once, f"{at_once} creates at the API")
            time.sleep(1.0)  # time enough for more, were more threads free
            assert len(held.hits) == at_once
            held.release()
            states = [create.result() for create in creates]
    assert sorted(s["signature_name"] for s in states) == sorted(NAMES)
    assert len(proxy.requests("POST", r"/msgsms/signatures$")) == len(NAMES) + 1


def test_a_wrong_host_threads_setting_is_named() -> None:
    with pytest.raises(
        ConfigurationError, match=r"msgsms:hostThreads: .*greater than or equal to 4"
    ):
        Settings.host_threads_of({"msgsms:hostThreads": "2"}, environ={})
    with pytest.raises(ConfigurationError, match=r"MSGSMS_HOST_THREADS: .*valid integer"):
        Settings.host_threads_of({}, environ={"MSGSMS_HOST_THREADS": "many"})
    assert Settings.host_threads_of({}, environ={}) == 16
    assert Settings.host_threads_of({"msgsms:hostThreads": "32"}, environ={}) == 32
