"""The loader reports problems for any mangled catalog; it never raises."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from providers.catalog import check_catalog

ROOT = Path(__file__).parents[2]
DEV = (ROOT / "stacks" / "dev.sms.yaml").read_text(encoding="utf-8").splitlines()

VALUES = st.sampled_from(
    [
        "",
        "null",
        "[]",
        "{}",
        "[1, 2]",
        "0",
        "-1",
        "yes",
        "'${1}${2}'",
        "&a x",
        "*a",
        "【x】",
        "cn-north-4",
        "intl",
        "TEXT",
        "shop",
        "licence",
        "world",
        "shop_code",
        "NOTIFY_TYPE",
    ]
) | st.text(max_size=12)


@st.composite
def mangled(draw: st.DrawFn) -> str:
    lines = list(DEV)
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["delete", "duplicate", "value", "indent"]))
        if action == "delete":
            del lines[i]
        elif action == "duplicate":
            lines.insert(i, lines[i])
        elif action == "indent":
            lines[i] = "  " + lines[i]
        elif ":" in lines[i]:
            key = lines[i].split(":", 1)[0]
            lines[i] = f"{key}: {draw(VALUES)}"
    return "\n".join(lines) + "\n"


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(mangled())
def test_mangled_catalogs_give_problems_not_exceptions(tmp_path: Path, text: str) -> None:
    stacks = tmp_path / "stacks"
    (stacks / "files").mkdir(parents=True, exist_ok=True)
    (stacks / "files" / "licence.png").write_bytes((ROOT / "stacks/files/licence.png").read_bytes())
    path = stacks / "dev.sms.yaml"
    path.write_text(text, encoding="utf-8")
    catalog, problems, warnings = check_catalog(path, root=tmp_path)
    assert (catalog is None) == bool(problems)
    for problem in [*problems, *warnings]:
        assert problem.line >= 1 and problem.path and problem.message
