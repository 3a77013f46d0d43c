"""The MSGSMS rules: what the API and the platform's review accept, as pure functions.

The catalog's ``validate`` and the resources' ``check`` both call :func:`check`, so a problem
reads the same in ``python -m providers validate`` and in ``pulumi preview``.

:func:`check` takes the resource inputs of a kind (the API's snake_case names; ``scope`` for
the API's cn/intl ``region``) and returns a list of :class:`Problem` ``(property, message)``.
A property is an input name, optionally with an item index and a field:
``variable_attributes[0].variable_type``, ``send_country[3]``.

Unknown values are tolerated: an input whose value is :data:`UNKNOWN` (or Pulumi's own
``pulumi.output.Unknown``, seen in a preview) counts as present, but every check that needs
its value is skipped. An input that is absent or ``None`` is simply not set.

The modules: :mod:`.values` (problems, unknowns), :mod:`.fields` (the field rules every
descriptor of :mod:`providers.spec` states), :mod:`.kinds` (each kind's own rules),
:mod:`.files`, :mod:`.variables` and :mod:`.templates`, and :mod:`.segments` (how long a
message gets and what it costs).
"""

from providers.spec.vocabulary import (
    APP_NAME_MAX,
    BRACKETS,
    CODE_WORDS,
    MAX_VARIABLES,
    OPT_OUT_TEXT,
    QUOTAS,
    REGIONS,
    SCOPES,
    SIGNATURE_FILE_MAX_BYTES,
    SIGNATURE_SOURCES,
    SIGNATURE_TYPES,
    TEMPLATE_MAX_CHARS,
    TEMPLATE_TYPES,
    VARIABLE_MAX_LENGTH,
    VARIABLE_TYPES,
    WAIT_FOR,
)

from .files import FileFacts, check_file_use, check_signature_file, inspect_file
from .kinds import check, check_app, check_signature
from .segments import (
    PRICE_TIERS,
    PriceTier,
    SegmentCount,
    count_segments,
    estimate_template_segments,
    monthly_cost,
    price_category,
    tier_costs,
    usage_cost,
)
from .templates import check_template
from .values import UNKNOWN, Problem, is_unknown
from .variables import TemplateVariable, template_variables

__all__ = [
    "APP_NAME_MAX",
    "BRACKETS",
    "CODE_WORDS",
    "MAX_VARIABLES",
    "OPT_OUT_TEXT",
    "PRICE_TIERS",
    "QUOTAS",
    "REGIONS",
    "SCOPES",
    "SIGNATURE_FILE_MAX_BYTES",
    "SIGNATURE_SOURCES",
    "SIGNATURE_TYPES",
    "TEMPLATE_MAX_CHARS",
    "TEMPLATE_TYPES",
    "UNKNOWN",
    "VARIABLE_MAX_LENGTH",
    "VARIABLE_TYPES",
    "WAIT_FOR",
    "FileFacts",
    "PriceTier",
    "Problem",
    "SegmentCount",
    "TemplateVariable",
    "check",
    "check_app",
    "check_file_use",
    "check_signature",
    "check_signature_file",
    "check_template",
    "count_segments",
    "estimate_template_segments",
    "inspect_file",
    "is_unknown",
    "monthly_cost",
    "price_category",
    "template_variables",
    "tier_costs",
    "usage_cost",
]
