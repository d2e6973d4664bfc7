#!/usr/bin/env python3
"""Copy the front-end assets that templates use from node_modules/ into the static dir.

Run by `make install` after `npm ci`; needs only the standard library (no Django).
The destination, src/guanxi/static/vendor/, is gitignored: third-party code is never
committed, it comes from the npm registry pinned by package.json / package-lock.json.

Stable paths for templates ({% static "<path>" %}):

    vendor/tabler/tabler.min.css
    vendor/tabler/tabler.min.js
    vendor/tabler-icons/tabler-icons.min.css      (+ vendor/tabler-icons/fonts/tabler-icons.*)
    vendor/htmx/htmx.min.js
    vendor/echarts/echarts.min.js
    vendor/sortable/Sortable.min.js
    vendor/tom-select/tom-select.complete.min.js
    vendor/tom-select/tom-select.bootstrap5.min.css
    vendor/flatpickr/flatpickr.min.js
    vendor/flatpickr/flatpickr.min.css
    vendor/flatpickr/l10n/zh.js

Each package's licence is copied next to its files as LICENSE (when the package has one).
A source map that sits beside a copied file is copied too, so a `sourceMappingURL`
comment never points at a missing file (which would break a manifest static storage).
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / "node_modules"
VENDOR = ROOT / "src" / "guanxi" / "static" / "vendor"

# (npm package, destination folder under vendor/, [(source inside package, destination name)])
ASSETS: list[tuple[str, str, list[tuple[str, str]]]] = [
    (
        "@tabler/core",
        "tabler",
        [
            ("dist/css/tabler.min.css", "tabler.min.css"),
            ("dist/js/tabler.min.js", "tabler.min.js"),
        ],
    ),
    (
        "@tabler/icons-webfont",
        "tabler-icons",
        [
            ("dist/tabler-icons.min.css", "tabler-icons.min.css"),
            # Only the regular weight that tabler-icons.min.css references.
            ("dist/fonts/tabler-icons.woff2", "fonts/tabler-icons.woff2"),
            ("dist/fonts/tabler-icons.woff", "fonts/tabler-icons.woff"),
            ("dist/fonts/tabler-icons.ttf", "fonts/tabler-icons.ttf"),
        ],
    ),
    ("htmx.org", "htmx", [("dist/htmx.min.js", "htmx.min.js")]),
    ("echarts", "echarts", [("dist/echarts.min.js", "echarts.min.js")]),
    ("sortablejs", "sortable", [("Sortable.min.js", "Sortable.min.js")]),
    (
        "tom-select",
        "tom-select",
        [
            ("dist/js/tom-select.complete.min.js", "tom-select.complete.min.js"),
            ("dist/css/tom-select.bootstrap5.min.css", "tom-select.bootstrap5.min.css"),
        ],
    ),
    (
        "flatpickr",
        "flatpickr",
        [
            ("dist/flatpickr.min.js", "flatpickr.min.js"),
            ("dist/flatpickr.min.css", "flatpickr.min.css"),
            ("dist/l10n/zh.js", "l10n/zh.js"),
        ],
    ),
]

LICENSE_NAMES = ("LICENSE", "LICENSE.md", "LICENSE.txt", "license", "License.md")


def _copy_file(src: Path, dest: Path) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, dest)
    src_map = src.with_name(src.name + ".map")
    if src_map.is_file():
        shutil.copyfile(src_map, dest.with_name(dest.name + ".map"))


def main() -> int:
    if not NODE_MODULES.is_dir():
        print(f"copy_assets: {NODE_MODULES} does not exist; run `npm ci` first.", file=sys.stderr)
        return 1

    missing: list[Path] = []
    for package, _folder, files in ASSETS:
        for src_rel, _dest in files:
            src = NODE_MODULES / package / src_rel
            if not src.is_file():
                missing.append(src)
    if missing:
        print("copy_assets: these files are missing from node_modules/:", file=sys.stderr)
        for path in missing:
            print(f"  {path.relative_to(ROOT)}", file=sys.stderr)
        print("Run `npm ci` (or check the versions pinned in package.json).", file=sys.stderr)
        return 1

    if VENDOR.exists():
        shutil.rmtree(VENDOR)
    count = 0
    for package, folder, files in ASSETS:
        pkg_dir = NODE_MODULES / package
        dest_dir = VENDOR / folder
        for src_rel, dest_rel in files:
            src = pkg_dir / src_rel
            dest = dest_dir / dest_rel
            _copy_file(src, dest)
            count += 1
        for name in LICENSE_NAMES:
            if (pkg_dir / name).is_file():
                shutil.copyfile(pkg_dir / name, dest_dir / "LICENSE")
                break
    print(f"copy_assets: {count} files copied into {VENDOR.relative_to(ROOT)}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
