"""Command line: ``python -m providers validate FILE…`` (or ``msgsms validate FILE…``).

``validate`` checks catalogs offline (no network, no credentials). Every problem goes to
stderr as ``file:line: path: message`` and the exit status is 1; a valid catalog gets a table
on stdout of each template's segments and estimated cost per 10,000 messages at each price
tier. ``--format json`` prints the same as one JSON document for CI tools.

``schema`` prints the catalog's JSON Schema (draft 2020-12), for editors and other tools.

``guard`` reads ``pulumi preview --json`` and fails (exit status 1) when the preview deletes or
replaces more than ``--max-deletes`` objects (0 by default), listing them (``providers.guard``).

``export`` writes a catalog of the apps, signatures and templates that exist in some regions,
every entry adopted (see :mod:`providers.export`). A command line has no stack config: the
credentials and endpoints come from the environment (``MSGSMS_*``, then Huawei's
``HUAWEICLOUD_SDK_*`` / ``HW_*`` names), as for the providers.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from providers import guard, rules
from providers.catalog import Catalog, CatalogProblem, TemplateEstimate, check_catalog
from providers.catalog.schema import catalog_schema
from providers.environment import stack_setting
from providers.spec import KINDS

__all__ = ["main"]

EXIT_OK = 0
EXIT_PROBLEMS = 1


def _prog() -> str:
    """How the user ran this: the ``msgsms`` console script or ``python -m providers``."""
    name = os.path.basename(sys.argv[0]) if sys.argv and sys.argv[0] else ""
    return name if name and name != "__main__.py" else "python -m providers"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=_prog(),
        description="Huawei Cloud MSGSMS as code: tools for the stack catalogs.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    validate = commands.add_parser(
        "validate",
        help="check catalogs offline and estimate segments and cost per template",
        description=(
            "Check catalogs without any network access. Problems go to stderr as "
            "file:line: path: message (exit status 1). For a valid catalog, stdout gets "
            "each template's segment count and its estimated cost per 10,000 messages at "
            "each monthly price tier."
        ),
    )
    validate.add_argument("files", nargs="+", type=Path, metavar="FILE", help="catalog files")
    validate.add_argument(
        "--format", choices=("text", "json"), default="text", help="stdout format (text)"
    )
    validate.add_argument(
        "--root",
        type=Path,
        default=None,
        help="project root that signature file paths are made relative to (the current directory)",
    )
    validate.add_argument(
        "--region",
        default=None,
        help="region of entries that name none and have no defaults.region "
        "(the stack's msgsms:region; default MSGSMS_REGION, else HW_REGION_NAME)",
    )
    schema = commands.add_parser(
        "schema",
        help="print the catalog's JSON Schema (draft 2020-12)",
        description=(
            "Print the JSON Schema of a catalog, generated from the catalog's models, for "
            "editors (yaml-language-server) and other tools. It checks fields, types and fixed "
            "values; validate checks everything."
        ),
    )
    schema.add_argument(
        "--output", type=Path, default=None, metavar="FILE", help="write it to FILE instead"
    )
    checker = commands.add_parser(
        "guard",
        help="fail when `pulumi preview --json` deletes or replaces more than --max-deletes",
        description=(
            "Read the JSON of `pulumi preview --json` and fail (exit status 1) when it "
            "deletes or replaces more objects than --max-deletes allows, listing them (type, "
            "name, op); a failed preview fails too. Exit status 2: the input is not such JSON."
        ),
    )
    checker.add_argument(
        "preview", nargs="?", default="-", metavar="FILE", help="the preview's JSON (stdin)"
    )
    checker.add_argument(
        "--max-deletes",
        type=_count,
        default=0,
        metavar="N",
        help="how many objects may be deleted or replaced (0)",
    )
    export = commands.add_parser(
        "export",
        help="write a catalog of the apps, signatures and templates that exist, all adopted",
        description=(
            "Read the apps, signatures and templates of the given regions (read-only calls) "
            "and write them as a catalog whose entries all say adopt: true, so that an `up` "
            "of it takes them over and writes nothing. Credentials and endpoints come from "
            "the environment: MSGSMS_ACCESS_KEY, MSGSMS_SECRET_KEY (and "
            "MSGSMS_SECURITY_TOKEN), MSGSMS_ENDPOINTS, MSGSMS_PROJECT_IDS, ..., or Huawei's "
            "HUAWEICLOUD_SDK_AK, HUAWEICLOUD_SDK_SK, HUAWEICLOUD_SDK_SECURITY_TOKEN."
        ),
    )
    export.add_argument(
        "--region",
        action="append",
        dest="regions",
        default=[],
        metavar="REGION",
        help="an endpoint region to export; repeat for more (default MSGSMS_REGION, "
        "else HW_REGION_NAME)",
    )
    export.add_argument(
        "--app",
        action="append",
        dest="apps",
        default=[],
        metavar="NAME",
        help="export only the app with this exact name (and its signatures and templates); "
        "repeat for more",
    )
    export.add_argument(
        "--output", type=Path, default=None, metavar="FILE", help="write it to FILE, not stdout"
    )
    export.add_argument(
        "--endpoints",
        default=None,
        metavar="JSON",
        help='endpoint overrides, as msgsms:endpoints: {"iam": url, "msgsms": {region: url}} '
        "(default MSGSMS_ENDPOINTS)",
    )
    export.add_argument(
        "--project-ids",
        default=None,
        metavar="JSON",
        help='project id per region, as msgsms:projectIds: {"cn-north-4": id} '
        "(default MSGSMS_PROJECT_IDS; else looked up through IAM)",
    )
    return parser


def _count(text: str) -> int:
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"expected a whole number of objects, 0 or more: {text!r}")
    return int(text)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "schema":
            status = _schema(args.output, sys.stdout)
        elif args.command == "guard":
            status = guard.run(args.preview, args.max_deletes, sys.stdin, sys.stdout, sys.stderr)
        elif args.command == "export":
            status = _export(args, sys.stdout, sys.stderr)
        else:
            region = stack_setting("region", args.region)
            status = _validate(args.files, args.format, args.root, region, sys.stdout, sys.stderr)
        sys.stdout.flush()  # a closed pipe shows here, not at exit
        return status
    except BrokenPipeError:
        # the reader went away (`| head`): nothing more to say, and no traceback about it
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK


def _schema(output: Path | None, out: TextIO) -> int:
    text = json.dumps(catalog_schema(), ensure_ascii=False, indent=2) + "\n"
    if output is None:
        out.write(text)
    else:
        output.write_text(text, encoding="utf-8")
    return EXIT_OK


def _export(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    # here, not at the top: the offline commands load no HTTP client
    from providers.client import ClientError, ConfigurationError, Settings, SmsClient
    from providers.export import ExportError, export_catalog

    prog = f"{_prog()} export"
    flags = {"endpoints": args.endpoints, "projectIds": args.project_ids}
    try:
        settings = Settings.from_config(
            {key: value for key, value in flags.items() if value is not None},
            sources={"endpoints": "--endpoints", "projectIds": "--project-ids"},
        )
        regions = list(dict.fromkeys(args.regions)) or [stack_setting("region")]
        if regions == [None]:
            print(
                f"{prog}: no region: name one or more with --region REGION (or set MSGSMS_REGION)",
                file=err,
            )
            return EXIT_PROBLEMS
        with SmsClient(settings) as client:
            for region in regions:
                try:
                    client.endpoint("msgsms", region)
                except ConfigurationError as exc:
                    raise ConfigurationError(f"--region {region}: {exc}") from None
            exported = export_catalog(client, regions, app_names=args.apps)
    except (ClientError, ExportError) as exc:
        print(f"{prog}: {exc}", file=err)
        return EXIT_PROBLEMS
    if args.output is None:
        out.write(exported.text)
        print(f"{prog}: {exported.summary()}", file=err)
        return EXIT_OK
    partial = args.output.with_name(args.output.name + ".partial")
    partial.write_text(exported.text, encoding="utf-8")
    partial.replace(args.output)
    print(
        f"{prog}: wrote {args.output}: {exported.summary()}. Read its notes, then "
        f"`{_prog()} validate {args.output}`",
        file=err,
    )
    return EXIT_OK


def _validate(
    files: Sequence[Path],
    output: str,
    root: Path | None,
    region: str | None,
    out: TextIO,
    err: TextIO,
) -> int:
    status = EXIT_OK
    reports = []
    for file in files:
        catalog, problems, warnings = check_catalog(file, root=root, default_region=region)
        for problem in [*problems, *warnings]:
            print(problem, file=err)
        if catalog is None:
            status = EXIT_PROBLEMS
        reports.append((file, catalog, problems, warnings))
    if output == "json":
        document = {"catalogs": [_json_report(*report) for report in reports]}
        json.dump(document, out, ensure_ascii=False, indent=2)
        out.write("\n")
    else:
        valid = [(file, catalog) for file, catalog, _, _ in reports if catalog is not None]
        for i, (file, catalog) in enumerate(valid):
            if i:
                print(file=out)
            _print_table(file, catalog, out)
    if status != EXIT_OK and output == "text":
        failed = sum(1 for report in reports if report[1] is None)
        print(f"{failed} of {len(reports)} catalog(s) have problems", file=err)
    return status


def _summary(catalog: Catalog) -> str:
    counts: Counter[str] = Counter(d.kind for d in catalog)
    return ", ".join(
        f"{counts[k.name]} {k.name}{'' if counts[k.name] == 1 else 's'}" for k in KINDS
    )


def _money(value: Any) -> str:
    return f"{value:,.2f}"


def _print_table(file: Path, catalog: Catalog, out: TextIO) -> None:
    print(f"{file}: valid ({_summary(catalog)})", file=out)
    estimates = catalog.estimates()
    if not estimates:
        return
    tiers = [tier.name for tier in rules.PRICE_TIERS]
    header = ["template", "region", "type", "chars", "segments", *(f"{t} /10k" for t in tiers)]
    rows = [header]
    for estimate in estimates:
        costs = estimate.cost_per_10000
        rows.append(
            [
                estimate.key,
                estimate.region,
                estimate.template_type,
                str(estimate.characters),
                str(estimate.segments),
                *(_money(costs[t]) if costs else "-" for t in tiers),
            ]
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    numeric = range(3, len(header))
    for row, described in zip(rows, [None, *estimates], strict=True):
        cells = [
            cell.rjust(width) if i in numeric else cell.ljust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=True))
        ]
        note = f"  {described.note}" if described is not None and described.note else ""
        print(("  ".join(cells) + note).rstrip(), file=out)
    print(
        "cost: CNY per 10,000 messages at each monthly volume tier; every variable at its "
        "longest value",
        file=out,
    )


def _problem_json(problem: CatalogProblem) -> dict[str, Any]:
    return {
        "file": problem.file,
        "line": problem.line,
        "path": problem.path,
        "message": problem.message,
        "severity": problem.severity,
    }


def _estimate_json(estimate: TemplateEstimate) -> dict[str, Any]:
    costs = estimate.cost_per_10000
    return {
        "key": estimate.key,
        "region": estimate.region,
        "scope": estimate.scope,
        "type": estimate.template_type,
        "characters": estimate.characters,
        "segments": estimate.segments,
        "encoding": estimate.encoding,
        "cost_per_10000": {k: str(v) for k, v in costs.items()} if costs else None,
        "note": estimate.note,
    }


def _json_report(
    file: Path,
    catalog: Catalog | None,
    problems: Sequence[CatalogProblem],
    warnings: Sequence[CatalogProblem],
) -> dict[str, Any]:
    return {
        "file": str(file),
        "valid": catalog is not None,
        "problems": [_problem_json(p) for p in problems],
        "warnings": [_problem_json(w) for w in warnings],
        "declarations": dict(Counter(d.kind for d in catalog)) if catalog else {},
        "templates": [_estimate_json(e) for e in catalog.estimates()] if catalog else [],
    }


if __name__ == "__main__":
    sys.exit(main())
