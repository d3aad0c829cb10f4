"""A PEP 517 build backend for the expgraph client, in the tree and standard library only.

pip builds a project in an isolated environment holding the backend's requirements, which it
downloads from PyPI; this one has none, so `pip install ./tools/python` works on a machine
that cannot reach PyPI. It builds one thing: a pure-Python wheel (py3-none-any) of the
expgraph/ package with the metadata of pyproject.toml's [project] table, and, for
`pip install -e`, an editable wheel that puts this folder on sys.path.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import zipfile
from pathlib import Path
from typing import Dict, List, Optional, Tuple

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "expgraph"


def _project() -> dict:
    """pyproject.toml's [project] table (tomllib from Python 3.11; a small reader before)."""
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    try:
        import tomllib
        return tomllib.loads(text)["project"]
    except ImportError:
        pass
    # Enough TOML for this file: `key = "string"` and `key = ["a", "b"]` under [project]
    # and [project.optional-dependencies].
    project: dict = {"optional-dependencies": {}}
    table = None
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        header = re.fullmatch(r"\[([^\]]+)\]", line)
        if header:
            table = header.group(1)
            continue
        entry = re.fullmatch(r'([A-Za-z0-9_-]+)\s*=\s*(.+)', line)
        if not entry or table not in ("project", "project.optional-dependencies"):
            continue
        name, value = entry.groups()
        parsed = re.findall(r'"([^"]*)"', value) if value.startswith("[") else value.strip('"')
        if table == "project":
            project[name] = parsed
        else:
            project["optional-dependencies"][name] = parsed
    return project


def _names() -> Tuple[str, str]:
    project = _project()
    return project["name"], project["version"]


def _metadata() -> str:
    project = _project()
    lines = ["Metadata-Version: 2.1", f"Name: {project['name']}",
             f"Version: {project['version']}", f"Summary: {project.get('description', '')}"]
    if project.get("requires-python"):
        lines.append(f"Requires-Python: {project['requires-python']}")
    for extra, requirements in project.get("optional-dependencies", {}).items():
        lines.append(f"Provides-Extra: {extra}")
        lines += [f'Requires-Dist: {requirement}; extra == "{extra}"'
                  for requirement in requirements]
    readme = ROOT / project.get("readme", "README.md")
    if readme.is_file():
        lines.append("Description-Content-Type: text/markdown")
        return "\n".join(lines) + "\n\n" + readme.read_text(encoding="utf-8")
    return "\n".join(lines) + "\n"


def _dist_info_files(name: str, version: str) -> Dict[str, bytes]:
    wheel = ("Wheel-Version: 1.0\nGenerator: expgraph_wheel\nRoot-Is-Purelib: true\n"
             "Tag: py3-none-any\n")
    return {"METADATA": _metadata().encode("utf-8"), "WHEEL": wheel.encode("utf-8"),
            "top_level.txt": f"{PACKAGE}\n".encode("utf-8")}


def _record_line(path: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{path},sha256={digest},{len(data)}"


def _write_wheel(directory: str, files: List[Tuple[str, bytes]]) -> str:
    name, version = _names()
    dist_info = f"{name}-{version}.dist-info"
    files = files + [(f"{dist_info}/{file}", data)
                     for file, data in _dist_info_files(name, version).items()]
    record = [_record_line(path, data) for path, data in files] + [f"{dist_info}/RECORD,,"]
    files.append((f"{dist_info}/RECORD", ("\n".join(record) + "\n").encode("utf-8")))
    wheel_name = f"{name}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(os.path.join(directory, wheel_name), "w", zipfile.ZIP_DEFLATED) as wheel:
        for path, data in files:
            # A fixed date: the same sources give the same wheel.
            info = zipfile.ZipInfo(path, date_time=(2024, 1, 1, 0, 0, 0))
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            wheel.writestr(info, data)
    return wheel_name


def _package_files() -> List[Tuple[str, bytes]]:
    files = []
    for path in sorted((ROOT / PACKAGE).rglob("*.py")):
        files.append((path.relative_to(ROOT).as_posix(), path.read_bytes()))
    return files


# --- PEP 517 hooks ----------------------------------------------------------------------

def get_requires_for_build_wheel(config_settings: Optional[dict] = None) -> List[str]:
    return []


def get_requires_for_build_editable(config_settings: Optional[dict] = None) -> List[str]:
    return []


def prepare_metadata_for_build_wheel(metadata_directory: str,
                                     config_settings: Optional[dict] = None) -> str:
    name, version = _names()
    dist_info = Path(metadata_directory) / f"{name}-{version}.dist-info"
    dist_info.mkdir(parents=True, exist_ok=True)
    for file, data in _dist_info_files(name, version).items():
        (dist_info / file).write_bytes(data)
    return dist_info.name


prepare_metadata_for_build_editable = prepare_metadata_for_build_wheel


def build_wheel(wheel_directory: str, config_settings: Optional[dict] = None,
                metadata_directory: Optional[str] = None) -> str:
    return _write_wheel(wheel_directory, _package_files())


def build_editable(wheel_directory: str, config_settings: Optional[dict] = None,
                   metadata_directory: Optional[str] = None) -> str:
    # A .pth file naming this folder: the installed package is the source being edited.
    return _write_wheel(wheel_directory, [(f"_{PACKAGE}_editable.pth",
                                           (str(ROOT) + "\n").encode("utf-8"))])


def build_sdist(sdist_directory: str, config_settings: Optional[dict] = None) -> str:
    import io
    import tarfile
    name, version = _names()
    base = f"{name}-{version}"
    members = [("PKG-INFO", _metadata().encode("utf-8"))]
    for path in ["pyproject.toml", "README.md", *sorted(
            p.relative_to(ROOT).as_posix() for folder in (PACKAGE, "build_backend")
            for p in (ROOT / folder).rglob("*.py"))]:
        if (ROOT / path).is_file():
            members.append((path, (ROOT / path).read_bytes()))
    archive = f"{base}.tar.gz"
    with tarfile.open(os.path.join(sdist_directory, archive), "w:gz") as sdist:
        for path, data in members:
            info = tarfile.TarInfo(f"{base}/{path}")
            info.size, info.mode, info.mtime = len(data), 0o644, 1704067200
            sdist.addfile(info, io.BytesIO(data))
    return archive
