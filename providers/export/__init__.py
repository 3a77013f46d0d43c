"""``msgsms export``: a catalog of the MSGSMS objects that exist, every entry adopted.

:func:`export_catalog` reads the apps, signatures and templates of some regions (and the
variables of each template, and what the API shows of the files the signatures use) with
read-only calls, and writes them as a catalog whose entries all say ``adopt: true``: the first
``pulumi up`` of a stack with it takes the objects over and changes nothing remotely, and the
defaults make it wait for no review.

What the API cannot give back is said in comments: an app's secret, a signature file's content.
A catalog entry cannot refer to a file it does not have, so a signature's licence and power of
attorney are left out (they only matter while a signature is rejected and resubmitted). What
could not be adopted unchanged is written commented out, with the reason, so the catalog
validates as written: a rejected signature that has files (adopting it would resubmit it
without them), one that involves a third party (the catalog needs its power of attorney), an
entry that breaks the catalog's rules (the API accepts more than the console and the review
do), a second object with the same natural key, and whatever depends on a left-out entry.

Keys are derived from names, so the same estate always exports to the same keys (see
:mod:`.keys`).

The modules, one job each: :mod:`.read` (what a region holds, with read calls only),
:mod:`.entry` (an entry being made), :mod:`.build` (the live objects as entries, and what is
left out), :mod:`.keys` (the entries' keys), :mod:`.render` (the YAML text with its comments)
and :mod:`.export` (:func:`export_catalog`, which runs them and checks the result).
"""

from . import entry, keys, render
from .entry import Kind
from .export import Exported, ExportError, LeftOut, export_catalog

__all__ = ["ExportError", "Exported", "Kind", "LeftOut", "export_catalog"]

# The names the tests reach for, as they were when the export was one module.
_Entry = entry.Entry
_assign_keys = keys.assign_keys
_key_base = keys.key_base
_short_hash = keys.short_hash
_comment = render.comment
_scalar = render.scalar
