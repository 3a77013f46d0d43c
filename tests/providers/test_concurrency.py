"""One provider process serves the engine's concurrent calls (up to 4 gRPC workers)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

from harness import PROJECT_ROOT
from harness.emulator import EmulatorProcess, objects, set_review
from harness.provider_host import ProviderHost
from harness.sequences import Deployment, State, stack_config
from harness.wire import secret
from providers.resources import ReviewsProvider, SignatureProvider
from tests.providers.support import signature_inputs

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
