"""Render Aduan's CloudFormation templates from the province data files.

python -m infra.render            # write infra/generated/*.json
python -m infra.render --check    # exit 1 when the committed files differ from a fresh render
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from infra.cfn import MAX_TEMPLATE_BYTES_INLINE, Template, check_limits, dumps
from infra.provinces import DEFAULT_DATA_DIR, load_provinces
from infra.templates.province import province_template
from infra.templates.shared import shared_template

DEFAULT_OUT_DIR = Path(__file__).resolve().parent / "generated"
SHARED_FILE = "shared.json"
PROVINCE_GLOB = "province-*.json"


def render(data_dir: Path = DEFAULT_DATA_DIR) -> dict[str, Template]:
    """File name -> template for the shared stack and one stack per province; checks quotas."""
    templates: dict[str, Template] = {SHARED_FILE: shared_template()}
    for province in load_provinces(data_dir):
        templates[f"province-{province.code}.json"] = province_template(province)
    for name, template in templates.items():
        check_limits(name, template)
    return templates


def rendered_text(data_dir: Path = DEFAULT_DATA_DIR) -> dict[str, str]:
    """File name -> exact file content of a fresh render."""
    return {name: dumps(template) for name, template in render(data_dir).items()}


def write(out_dir: Path = DEFAULT_OUT_DIR, data_dir: Path = DEFAULT_DATA_DIR) -> list[Path]:
    """Render into ``out_dir``, removing province templates of provinces that no longer exist."""
    texts = rendered_text(data_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    for stale in out_dir.glob(PROVINCE_GLOB):
        if stale.name not in texts:
            stale.unlink()
    written = []
    for name, text in sorted(texts.items()):
        path = out_dir / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def differences(out_dir: Path = DEFAULT_OUT_DIR, data_dir: Path = DEFAULT_DATA_DIR) -> list[str]:
    """Names of files in ``out_dir`` that are missing, stale or extra compared with a fresh render."""
    texts = rendered_text(data_dir)
    present = {p.name for p in out_dir.glob("*.json")}
    diffs = sorted(name for name in present - set(texts))
    for name, text in sorted(texts.items()):
        path = out_dir / name
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            diffs.append(name)
    return diffs


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR)
    parser.add_argument("--out-dir", type=Path, default=DEFAULT_OUT_DIR)
    parser.add_argument("--check", action="store_true", help="compare instead of writing")
    args = parser.parse_args(argv)
    if args.check:
        diffs = differences(args.out_dir, args.data_dir)
        for name in diffs:
            print(f"out of date: {args.out_dir / name} (run: python -m infra.render)", file=sys.stderr)
        return 1 if diffs else 0
    for path in write(args.out_dir, args.data_dir):
        size = path.stat().st_size
        inline = size <= MAX_TEMPLATE_BYTES_INLINE
        note = "" if inline else " (over the inline TemplateBody limit: deploy through S3)"
        print(f"{path} {size} bytes{note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
