"""Render Aduan's CloudFormation templates and stage files from the province data files.

python -m infra.render            # write infra/generated/*.json, infra/generated/app/<stage>.json
                                  # and .chalice/policy-<stage>.json
python -m infra.render --check    # exit 1 when the committed files differ from a fresh render

A province's stage is named by its slug. ``infra/generated/app/<stage>.json`` is the
``--merge-template`` of ``chalice package``; ``.chalice/policy-<stage>.json`` the stage's
IAM policy (``iam_policy_file``).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from chalicelib.texts import ERROR, both
from infra import files
from infra.cfn import MAX_TEMPLATE_BYTES_INLINE, Template, check_limits, dumps
from infra.provinces import DEFAULT_DATA_DIR, load_provinces
from infra.templates.package_merge import merge_template
from infra.templates.policy import MAX_INLINE_POLICY_CHARS, stage_policy
from infra.templates.province import province_template
from infra.templates.shared import shared_template

DEFAULT_OUT_DIR = Path(__file__).resolve().parent / "generated"
DEFAULT_MERGE_DIR = DEFAULT_OUT_DIR / "app"
DEFAULT_POLICY_DIR = Path(__file__).resolve().parent.parent / ".chalice"
POLICY_GLOB = "policy-*.json"
SHARED_FILE = "shared.json"
PROVINCE_GLOB = "province-*.json"


def render(data_dir: Path = DEFAULT_DATA_DIR) -> dict[str, Template]:
    """File name -> template for the shared stack and one stack per province; checks quotas."""
    templates: dict[str, Template] = {SHARED_FILE: shared_template()}
    provinces = load_provinces(data_dir)
    for province in provinces:
        templates[f"province-{province.code}.json"] = province_template(province, provinces)
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
        files.write_text(path, text)
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


def policy_file(stage: str) -> str:
    """The ``iam_policy_file`` name of a stage."""
    return f"policy-{stage}.json"


def stage_files(data_dir: Path = DEFAULT_DATA_DIR) -> dict[str, dict[str, str]]:
    """``{"policy": {file: text}, "merge": {file: text}}`` for every province's stage."""
    provinces = load_provinces(data_dir)
    policies: dict[str, str] = {}
    merges: dict[str, str] = {}
    for province in provinces:
        policy = stage_policy(province, provinces)
        size = len(json.dumps(policy, separators=(",", ":")))
        if size > MAX_INLINE_POLICY_CHARS:
            limit = MAX_INLINE_POLICY_CHARS
            raise ValueError(
                both(
                    f"kebijakan {province.slug}: {size} karakter melebihi batas IAM sebesar {limit}",
                    f"policy of {province.slug}: {size} characters exceeds IAM's {limit}",
                )
            )
        policies[policy_file(province.slug)] = dumps(policy)
        merges[f"{province.slug}.json"] = dumps(merge_template(province))
    return {"policy": policies, "merge": merges}


def _sync(directory: Path, texts: dict[str, str], pattern: str, *, check: bool) -> list[str]:
    """Compare (``check``) or write ``texts`` into ``directory``; stale ``pattern`` files count too."""
    stale = (
        sorted(p.name for p in directory.glob(pattern) if p.name not in texts) if directory.is_dir() else []
    )
    changed = [
        n
        for n, t in sorted(texts.items())
        if not (directory / n).is_file() or (directory / n).read_text(encoding="utf-8") != t
    ]
    if not check:
        directory.mkdir(parents=True, exist_ok=True)
        for name in stale:
            (directory / name).unlink()
        for name in changed:
            files.write_text(directory / name, texts[name])
    return [str(directory / n) for n in stale + changed]


def sync_stage_files(
    policy_dir: Path = DEFAULT_POLICY_DIR,
    merge_dir: Path = DEFAULT_MERGE_DIR,
    data_dir: Path = DEFAULT_DATA_DIR,
    *,
    check: bool = False,
) -> list[str]:
    """Write (or compare) the stage policies and merge templates; returns the paths that differed."""
    files = stage_files(data_dir)
    return _sync(policy_dir, files["policy"], POLICY_GLOB, check=check) + _sync(
        merge_dir, files["merge"], "*.json", check=check
    )


def out_of_date(path: str) -> str:
    """What ``--check`` says of a file that differs from a fresh render."""
    return both(
        f"tidak mutakhir: {path} (jalankan: python -m infra.render)",
        f"out of date: {path} (run: python -m infra.render)",
    )


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR)
    parser.add_argument("--out-dir", type=Path, default=DEFAULT_OUT_DIR)
    parser.add_argument("--policy-dir", type=Path, default=DEFAULT_POLICY_DIR)
    parser.add_argument("--merge-dir", type=Path, default=DEFAULT_MERGE_DIR)
    parser.add_argument("--check", action="store_true", help="compare instead of writing")
    args = parser.parse_args(argv)
    # the operator's mistakes: no province data files, a misnamed or duplicate one, a CloudFormation quota
    # or IAM limit broken (TemplateLimitError is a ValueError)
    try:
        return _check(args) if args.check else _write(args)
    except (ValueError, FileNotFoundError) as error:
        print(f"{ERROR}{error}", file=sys.stderr)
        return 1


def _check(args: argparse.Namespace) -> int:
    diffs = [str(args.out_dir / name) for name in differences(args.out_dir, args.data_dir)]
    diffs += sync_stage_files(args.policy_dir, args.merge_dir, args.data_dir, check=True)
    for stale in diffs:
        print(out_of_date(stale), file=sys.stderr)
    return 1 if diffs else 0


def _write(args: argparse.Namespace) -> int:
    for updated in sync_stage_files(args.policy_dir, args.merge_dir, args.data_dir):
        print(f"{updated} updated")
    for path in write(args.out_dir, args.data_dir):
        size = path.stat().st_size
        inline = size <= MAX_TEMPLATE_BYTES_INLINE
        note = "" if inline else " (over the inline TemplateBody limit: deploy through S3)"
        print(f"{path} {size} bytes{note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
