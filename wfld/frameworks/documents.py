"""A framework version as a plain document: parsed from YAML/JSON/CSV, checked, exported.

Pure functions: no database. Every problem is reported with the line of the file it is on,
so a WFLD admin can fix an import file without guessing.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from wfld.core.csvfile import csv_text, csv_unsafe
from wfld.frameworks.models import ItemKind, VersionStatus

CODE_PATTERN = re.compile(r"^[A-Z0-9][A-Z0-9-]{0,39}$")
ITEM_CODE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.\-]{0,19}$")
CSV_HEADER = [
    "framework_code",
    "framework_title",
    "custodian",
    "source_url",
    "framework_description",
    "version_label",
    "status",
    "effective_from",
    "effective_to",
    "note",
    "row_type",
    "code",
    "parent_code",
    "kind",
    "title",
    "description",
]
# Which kind of item may sit under which (None: at the top of the version).
ALLOWED_PARENTS: dict[ItemKind, set[ItemKind | None]] = {
    ItemKind.DOMAIN: {None},
    ItemKind.STATEMENT: {None, ItemKind.DOMAIN},
    ItemKind.SUB_STATEMENT: {ItemKind.STATEMENT},
}


@dataclass
class ItemDoc:
    code: str
    title: str
    kind: ItemKind
    description: str | None = None
    children: list[ItemDoc] = field(default_factory=list)
    line: int = 0


@dataclass
class LevelDoc:
    code: str
    title: str
    line: int = 0


@dataclass
class FrameworkDoc:
    code: str
    title: str
    custodian: str
    label: str
    status: VersionStatus
    source_url: str | None = None
    description: str | None = None
    effective_from: dt.date | None = None
    effective_to: dt.date | None = None
    note: str | None = None
    levels: list[LevelDoc] = field(default_factory=list)
    items: list[ItemDoc] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """The canonical form: what JSON export writes and the content hash is taken of."""

        def item(i: ItemDoc) -> dict[str, Any]:
            out: dict[str, Any] = {"code": i.code, "kind": i.kind.value, "title": i.title}
            if i.description:
                out["description"] = i.description
            if i.children:
                out["children"] = [item(c) for c in i.children]
            return out

        version: dict[str, Any] = {"label": self.label, "status": self.status.value}
        for name in ("effective_from", "effective_to"):
            value = getattr(self, name)
            if value is not None:
                version[name] = value.isoformat()
        if self.note:
            version["note"] = self.note
        if self.levels:
            version["levels"] = [{"code": lv.code, "title": lv.title} for lv in self.levels]
        version["items"] = [item(i) for i in self.items]
        out: dict[str, Any] = {"code": self.code, "title": self.title, "custodian": self.custodian}
        if self.source_url:
            out["source_url"] = self.source_url
        if self.description:
            out["description"] = self.description
        out["version"] = version
        return out

    def content_hash(self) -> str:
        """The same content hashes the same whether it came from YAML, JSON or CSV.

        Status is left out: publishing a draft does not make it different content.
        """
        canonical = self.as_dict()
        canonical["version"] = {k: v for k, v in canonical["version"].items() if k != "status"}
        text = json.dumps(canonical, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


class DocumentError(Exception):
    """The file cannot be imported. ``problems`` are "line N: message" strings."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


# Parsing --------------------------------------------------------------------------------
class _LineLoader(yaml.SafeLoader):
    """Remembers the line each mapping starts on, under the key "__line__"."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        mapping = super().construct_mapping(node, deep=deep)
        mapping["__line__"] = node.start_mark.line + 1
        return mapping

    def construct_yaml_timestamp(self, node: yaml.ScalarNode) -> object:
        """An impossible date (2027-02-30) is left as text, for from_dict to report."""
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError:
            return self.construct_scalar(node)


_LineLoader.add_constructor("tag:yaml.org,2002:timestamp", _LineLoader.construct_yaml_timestamp)
# Codes and titles are text: YAML would otherwise read 4.10 as 4.1, 010 as 8 and No as False.
for _tag in ("bool", "int", "float"):
    _LineLoader.add_constructor(f"tag:yaml.org,2002:{_tag}", _LineLoader.construct_scalar)


def parse_text(text: str, *, filename: str = "") -> FrameworkDoc:
    """Parse YAML or JSON (JSON is read as YAML, which keeps line numbers) or CSV."""
    if filename.lower().endswith(".csv"):
        return parse_csv(text)
    if _is_json(text):
        # Tabs are only whitespace between JSON tokens (never inside strings), but YAML
        # refuses them: spaces keep every line where it is.
        text = text.replace("\t", " ")
    try:
        data = yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as problem:
        mark = getattr(problem, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark else ""
        raise DocumentError([f"{where}the file is not valid JSON or YAML"]) from None
    if not isinstance(data, dict):
        raise DocumentError(
            ["line 1: the file must describe one framework (an object with a code)"]
        )
    return from_dict(_join_surrogates(data))


def _is_json(text: str) -> bool:
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


def _join_surrogates(value: Any) -> Any:
    """JSON writes characters beyond U+FFFF as two escapes (\\ud83d\\ude00), which YAML reads as
    two halves: join them into the one character."""
    if isinstance(value, str):
        return value.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    if isinstance(value, dict):
        return {k: _join_surrogates(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_join_surrogates(v) for v in value]
    return value


def from_dict(data: dict[str, Any]) -> FrameworkDoc:
    problems: list[str] = []
    line = data.get("__line__", 1)

    def text(obj: dict, key: str, where: int, *, required: bool, limit: int) -> str | None:
        value = obj.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                problems.append(f"line {where}: enter {key.replace('_', ' ')}")
            return None
        if not isinstance(value, str | int | float):
            problems.append(f"line {where}: {key.replace('_', ' ')} must be text")
            return None
        value = str(value).strip()
        if len(value) > limit:
            problems.append(
                f"line {where}: {key.replace('_', ' ')} must be {limit} characters or fewer"
            )
        return value

    def date(obj: dict, key: str, where: int) -> dt.date | None:
        value = obj.get(key)
        if value in (None, ""):
            return None
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            problems.append(f"line {where}: {key.replace('_', ' ')} must be a date like 2027-04-01")
            return None

    code = text(data, "code", line, required=True, limit=40)
    if code and not CODE_PATTERN.match(code):
        problems.append(
            f"line {line}: code must be capital letters, numbers and hyphens, like KSS-CF"
        )
    doc_title = text(data, "title", line, required=True, limit=200)
    custodian = text(data, "custodian", line, required=True, limit=200)
    source_url = text(data, "source_url", line, required=False, limit=500)
    if source_url and not source_url.startswith(("https://", "http://")):
        problems.append(f"line {line}: source url must start with https://")
    description = text(data, "description", line, required=False, limit=5000)

    version = data.get("version")
    if not isinstance(version, dict):
        problems.append(f"line {line}: add a version with a label, a status and items")
        raise DocumentError(problems)
    vline = version.get("__line__", line)
    label = text(version, "label", vline, required=True, limit=40)
    status_text = text(version, "status", vline, required=True, limit=20)
    status = None
    if status_text:
        try:
            status = VersionStatus(status_text)
        except ValueError:
            problems.append(f"line {vline}: status must be draft or published")
    effective_from = date(version, "effective_from", vline)
    effective_to = date(version, "effective_to", vline)
    if effective_from and effective_to and effective_to < effective_from:
        problems.append(f"line {vline}: effective to must be on or after effective from")
    note = text(version, "note", vline, required=False, limit=5000)

    levels: list[LevelDoc] = []
    seen_levels: set[str] = set()
    for raw in _list(version.get("levels"), "levels", vline, problems):
        lline = raw.get("__line__", vline)
        lcode = text(raw, "code", lline, required=True, limit=40)
        ltitle = text(raw, "title", lline, required=True, limit=200)
        if lcode and lcode in seen_levels:
            problems.append(f"line {lline}: level code {lcode} is used twice")
        if lcode:
            seen_levels.add(lcode)
        levels.append(LevelDoc(lcode or "", ltitle or "", lline))

    seen_codes: set[str] = set()

    def items(raw_list: Any, parent_kind: ItemKind | None, where: int) -> list[ItemDoc]:
        out = []
        for raw in _list(raw_list, "items", where, problems):
            iline = raw.get("__line__", where)
            icode = text(raw, "code", iline, required=True, limit=20)
            ititle = text(raw, "title", iline, required=True, limit=300)
            idesc = text(raw, "description", iline, required=False, limit=5000)
            kind = None
            kind_text = text(raw, "kind", iline, required=True, limit=20)
            if kind_text:
                try:
                    kind = ItemKind(kind_text)
                except ValueError:
                    problems.append(
                        f"line {iline}: kind must be domain, statement or sub_statement"
                    )
            if icode:
                if not ITEM_CODE_PATTERN.match(icode):
                    problems.append(
                        f"line {iline}: item code {icode} may use only letters, numbers, "
                        "dots and hyphens"
                    )
                if icode in seen_codes:
                    problems.append(f"line {iline}: item code {icode} is used twice")
                seen_codes.add(icode)
            if kind and parent_kind not in ALLOWED_PARENTS[kind]:
                where_text = f"under a {parent_kind.value}" if parent_kind else "at the top level"
                problems.append(f"line {iline}: a {kind.value} cannot sit {where_text}")
            children = items(raw.get("children"), kind, iline)
            out.append(
                ItemDoc(
                    icode or "", ititle or "", kind or ItemKind.STATEMENT, idesc, children, iline
                )
            )
        return out

    doc_items = items(version.get("items"), None, vline)
    if not doc_items and not problems:
        problems.append(f"line {vline}: a version needs at least one item")
    if problems:
        raise DocumentError(problems)
    return FrameworkDoc(
        code=code,
        title=doc_title,
        custodian=custodian,
        label=label,
        status=status,
        source_url=source_url,
        description=description,
        effective_from=effective_from,
        effective_to=effective_to,
        note=note,
        levels=levels,
        items=doc_items,
    )


def _list(value: Any, name: str, where: int, problems: list[str]) -> list[dict]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        problems.append(f"line {where}: {name} must be a list of objects")
        return []
    return value


def parse_csv(text: str) -> FrameworkDoc:
    """One row per level or item; framework and version columns repeat on every row."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    if reader.fieldnames is None or [h.strip() for h in reader.fieldnames] != CSV_HEADER:
        raise DocumentError([f"line 1: the columns must be exactly: {', '.join(CSV_HEADER)}"])
    rows = [(_start_line(reader.line_num, row), _unprefixed(row)) for row in reader]
    if not rows:
        raise DocumentError(["line 2: the file has no levels or items"])
    problems: list[str] = []
    first_line, first = rows[0]
    for number, row in rows:
        if None in row or any(v is None for v in row.values()):
            problems.append(f"line {number}: the row has the wrong number of columns")
            continue
        for column in CSV_HEADER[:10]:
            if row[column] != first[column]:
                problems.append(
                    f"line {number}: {column} differs from line {first_line} "
                    "(it must be the same on every row)"
                )
    if problems:
        raise DocumentError(problems)

    version: dict[str, Any] = {"__line__": first_line, "levels": [], "items": []}
    for key, column in (
        ("label", "version_label"),
        ("status", "status"),
        ("effective_from", "effective_from"),
        ("effective_to", "effective_to"),
        ("note", "note"),
    ):
        version[key] = first[column] or None
    data: dict[str, Any] = {
        "__line__": first_line,
        "code": first["framework_code"],
        "title": first["framework_title"],
        "custodian": first["custodian"],
        "source_url": first["source_url"] or None,
        "description": first["framework_description"] or None,
        "version": version,
    }
    by_code: dict[str, dict[str, Any]] = {}
    for number, row in rows:
        if row["row_type"] == "level":
            version["levels"].append(
                {"__line__": number, "code": row["code"], "title": row["title"]}
            )
            continue
        if row["row_type"] != "item":
            problems.append(f"line {number}: row type must be level or item")
            continue
        item = {
            "__line__": number,
            "code": row["code"],
            "kind": row["kind"],
            "title": row["title"],
            "description": row["description"] or None,
            "children": [],
        }
        parent_code = row["parent_code"].strip()
        if parent_code:
            parent = by_code.get(parent_code)
            if parent is None:
                problems.append(
                    f"line {number}: parent code {parent_code} must be an item on an earlier line"
                )
                continue
            parent["children"].append(item)
        else:
            version["items"].append(item)
        if row["code"]:
            by_code.setdefault(row["code"], item)
    if problems:
        raise DocumentError(problems)
    return from_dict(data)


def _unprefixed(row: dict) -> dict:
    """Our exports put an apostrophe before a cell that a spreadsheet would run as a formula
    (=, +, -, @): take it off again, so an exported file imports as it was."""
    return {k: csv_unsafe(v) if isinstance(v, str) else v for k, v in row.items()}


def _start_line(end_line: int, row: dict) -> int:
    """The line a row starts on: the reader is at its last line, and a quoted value may hold
    line breaks."""
    values = [v for v in row.values() if isinstance(v, str)]
    values += [v for v in row.get(None) or [] if isinstance(v, str)]
    return end_line - sum(v.count("\n") for v in values)


# Export ---------------------------------------------------------------------------------
def to_json(doc: FrameworkDoc) -> str:
    return json.dumps(doc.as_dict(), indent=2, ensure_ascii=False) + "\n"


def to_csv(doc: FrameworkDoc) -> str:
    return csv_text(CSV_HEADER, csv_rows(doc))


def csv_rows(doc: FrameworkDoc) -> list[list[str]]:
    """One row per level, then per item (depth first); written by the one formula-safe
    CSV writer, whose apostrophes parse_csv takes off again."""
    common = [
        doc.code,
        doc.title,
        doc.custodian,
        doc.source_url or "",
        doc.description or "",
        doc.label,
        doc.status.value,
        doc.effective_from.isoformat() if doc.effective_from else "",
        doc.effective_to.isoformat() if doc.effective_to else "",
        doc.note or "",
    ]
    rows = [[*common, "level", level.code, "", "", level.title, ""] for level in doc.levels]

    def walk(items: list[ItemDoc], parent: str) -> None:
        for item in items:
            rows.append(
                [
                    *common,
                    "item",
                    item.code,
                    parent,
                    item.kind.value,
                    item.title,
                    item.description or "",
                ]
            )
            walk(item.children, item.code)

    walk(doc.items, "")
    return rows
