"""kasvu's own reader of PX (PC-Axis) files, as published by Statistics Finland.

A PX file is a header of ``KEYWORD[lang]("subkey")=value;`` statements and a
``DATA=`` block. The text encoding is declared by ``CODEPAGE`` (default
iso-8859-1): the header is first read as latin-1 to find it, then the whole
file is decoded with it.

:func:`read_px` returns a :class:`~kasvu.importers.cube.Cube` (dimensions in
STUB then HEADING order, so the last HEADING variable varies fastest, like the
DATA block); ``cube.to_frame()`` is the long table; :func:`px_to_batch` turns
it into a :class:`ParsedBatch` with a user mapping.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from kasvu.importers.base import ImportFailed, ParsedBatch
from kasvu.importers.cube import Cube, Dimension, check_size, cube_to_batch

#: Symbols PX uses in DATA for missing values ("-" is "magnitude nil", i.e. zero).
MISSING_SYMBOLS = frozenset({".", "..", "...", "....", ".....", "......", "-"})

CODEPAGE_ALIASES = {"ansi": "cp1252", "windows-1252": "cp1252", "iso_8859-15": "iso-8859-15"}

_KEY = re.compile(r"^\s*([A-Za-z0-9_-]+)\s*(?:\[([^\]]*)\])?\s*(?:\((.*)\))?\s*$", re.S)

#: keyword, language (None = default), subkeys → values
Keywords = dict[tuple[str, str | None, tuple[str, ...]], list[str]]


def _split_statements(text: str) -> list[str]:
    """Split at ``;`` outside double quotes."""
    out, start, quoted = [], 0, False
    for i, ch in enumerate(text):
        if ch == '"':
            quoted = not quoted
        elif ch == ";" and not quoted:
            out.append(text[start:i])
            start = i + 1
    if text[start:].strip():
        out.append(text[start:])
    return out


def _values(rhs: str) -> list[str]:
    """``"a","b"`` → ``["a", "b"]``; adjacent quoted strings (line continuations) are joined."""
    out: list[str] = []
    i, n, joinable = 0, len(rhs), False
    while i < n:
        ch = rhs[i]
        if ch == '"':
            end = rhs.find('"', i + 1)
            end = n if end < 0 else end
            piece = rhs[i + 1 : end]
            if joinable and out:
                out[-1] += piece
            else:
                out.append(piece)
            joinable, i = True, end + 1
        elif ch == ",":
            joinable, i = False, i + 1
        elif ch.isspace():
            i += 1
        else:
            depth, j = 0, i
            while j < n and (depth or rhs[j] not in ","):
                depth += {"(": 1, ")": -1}.get(rhs[j], 0)
                j += 1
            out.append(rhs[i:j].strip())
            joinable, i = False, j
    return out


def parse_header(text: str, *, file: str) -> Keywords:
    """The keyword statements of a PX header (without the DATA block)."""
    keywords: Keywords = {}
    for statement in _split_statements(text):
        if not statement.strip():
            continue
        lhs, eq, rhs = statement.partition("=")
        match = _KEY.match(lhs) if eq else None
        if not match:
            line = text[: text.find(statement)].count("\n") + 1
            raise ImportFailed(
                f"cannot read header statement {statement.strip()[:60]!r}. Expected KEYWORD=value;",
                file=file,
                row=line,
            )
        name, lang, sub = match.groups()
        subkeys = tuple(_values(sub)) if sub else ()
        keywords[(name.upper(), lang or None, subkeys)] = _values(rhs)
    return keywords


def _utf16(raw: bytes) -> str | None:
    """The codec of a UTF-16 file (saved as "Unicode" by Windows tools), or None.

    Such a file has a byte-order mark or a NUL byte beside every ASCII letter;
    read as the declared CODEPAGE it shows no keywords at all.
    """
    if raw[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        return "utf-16"
    sample = raw[:4000]
    if len(sample) >= 16:
        if sample[1::2].count(0) > len(sample) // 4:
            return "utf-16-le"
        if sample[0::2].count(0) > len(sample) // 4:
            return "utf-16-be"
    return None


def _decode(raw: bytes, *, file: str) -> tuple[str, str]:
    """Decode with the declared CODEPAGE; return (text, codepage).

    A UTF-16 file is decoded as UTF-16 whatever it declares: the bytes leave no
    doubt, and PX readers from Statistics Sweden and Norway write it.
    """
    wide = _utf16(raw)
    if wide:
        try:
            return raw.decode(wide).lstrip("\ufeff"), wide
        except UnicodeDecodeError as exc:
            raise ImportFailed(
                f"the file looks like UTF-16 text but byte {exc.start} is not valid UTF-16: it is damaged or "
                'partly re-saved. Download it again, or save it as UTF-8 and set CODEPAGE="utf-8".',
                file=file,
                field="CODEPAGE",
            ) from None
    head = raw[: raw.find(b"DATA=")] if b"DATA=" in raw else raw
    match = re.search(r'CODEPAGE\s*=\s*"([^"]+)"', head.decode("latin-1"))
    declared = match.group(1).strip() if match else "iso-8859-1"
    codepage = CODEPAGE_ALIASES.get(declared.lower(), declared)
    try:
        codecs.lookup(codepage)
    except LookupError:
        raise ImportFailed(
            f"unknown CODEPAGE {declared!r}. Use iso-8859-15, windows-1252 or utf-8.",
            file=file,
            field="CODEPAGE",
        ) from None
    try:
        text = raw.decode(codepage)
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ImportFailed(
            f"the bytes at line {line} are not valid {codepage} (tried the declared CODEPAGE {declared!r}). "
            "The file was probably re-saved in another encoding: download it again, or fix CODEPAGE to the "
            "encoding the file really uses.",
            file=file,
            row=line,
            field="CODEPAGE",
        ) from None
    if codecs.lookup(codepage).name != "utf-8" and any(b > 127 for b in raw):
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            raise ImportFailed(
                f"the file declares CODEPAGE {declared!r} but its text is UTF-8 (letters like ä would read as "
                "'Ã¤'). Change CODEPAGE to \"utf-8\" or save the file as iso-8859-15.",
                file=file,
                field="CODEPAGE",
            )
    return text.lstrip("\ufeff"), codepage


def _parse_data(block: str, *, file: str, first_line: int) -> tuple[list[float | None], list[str | None]]:
    end = block.find(";")
    if end < 0:
        raise ImportFailed(
            "the DATA block does not end with ';': the file is truncated. Download it again.",
            file=file,
            field="DATA",
        )
    values: list[float | None] = []
    symbols: list[str | None] = []
    for number, match in enumerate(re.finditer(r'"[^"]*"|[^\s,"]+', block[:end]), start=1):
        token = match.group(0).strip('"').strip()
        if token in MISSING_SYMBOLS:
            values.append(None)
            symbols.append(token)
            continue
        try:
            values.append(float(token))
        except ValueError:
            line = first_line + block[: match.start()].count("\n")
            raise ImportFailed(
                f"data value {number} is {token!r}, not a number or a missing-value symbol (.. ... -).",
                file=file,
                row=line,
                field="DATA",
            ) from None
        symbols.append(None)
    return values, symbols


def _get(kw: Keywords, name: str, lang: str | None = None, sub: tuple[str, ...] = ()) -> list[str] | None:
    return kw.get((name, lang, sub))


def read_px(source: str | Path | bytes, *, file: str | None = None) -> Cube:
    """Parse a PX file (path or bytes) into a :class:`Cube`."""
    if isinstance(source, bytes):
        raw, file = source, file or "PX file"
    else:
        raw, file = Path(source).read_bytes(), file or str(source)
    text, _ = _decode(raw, file=file)
    match = re.search(r"(^|[;\s])DATA\s*=", text)
    if not match:
        raise ImportFailed(
            "no DATA block: the file is not a complete PX file. Download it again.", file=file, field="DATA"
        )
    header, block = text[: match.start() + len(match.group(1))], text[match.end() :]
    kw = parse_header(header, file=file)

    default = (_get(kw, "LANGUAGE") or ["fi"])[0]
    languages = _get(kw, "LANGUAGES") or [default]

    def by_lang(
        name: str, sub: tuple[str, ...] = (), subs: Mapping[str, tuple[str, ...]] | None = None
    ) -> dict[str, str]:
        out = {}
        for lang in languages:
            key_sub = subs[lang] if subs else sub
            got = _get(kw, name, None if lang == default else lang, key_sub)
            if got and "".join(got).strip():
                out[lang] = " ".join(got)
        return out

    stub = _get(kw, "STUB") or []
    heading = _get(kw, "HEADING") or []
    if not stub and not heading:
        raise ImportFailed(
            "neither STUB nor HEADING is given, so the dimensions are unknown. The file is damaged; "
            "download it again.",
            file=file,
            field="STUB",
        )
    dims = []
    for position, name in enumerate(stub + heading):
        names = {default: name}
        for lang in languages:
            if lang != default:
                other = list(_get(kw, "STUB", lang) or []) + list(_get(kw, "HEADING", lang) or [])
                if len(other) == len(stub) + len(heading):
                    names[lang] = other[position]
        labels = {}
        for lang, lname in names.items():
            got = _get(kw, "VALUES", None if lang == default else lang, (lname,))
            if got is not None:
                labels[lang] = got
        if default not in labels:
            raise ImportFailed(f"no VALUES for variable {name!r}.", file=file, field=f'VALUES("{name}")')
        codes = _get(kw, "CODES", None, (name,)) or labels[default]
        if len(codes) != len(labels[default]):
            raise ImportFailed(
                f"CODES has {len(codes)} entries but VALUES has {len(labels[default])}.",
                file=file,
                field=f'CODES("{name}")',
            )
        labels = {lang: v for lang, v in labels.items() if len(v) == len(codes)}
        elim = _get(kw, "ELIMINATION", None, (name,))
        elimination = None
        if elim and elim[0] not in ("YES", "NO"):
            elimination = codes[labels[default].index(elim[0])] if elim[0] in labels[default] else None
        role = "time" if _get(kw, "TIMEVAL", None, (name,)) is not None else None
        if role is None and name in (_get(kw, "CONTVARIABLE") or []):
            role = "metric"
        dims.append(Dimension(name, names, list(codes), labels, elimination, role))

    first_line = text[: match.end()].count("\n") + 1
    values, symbols = _parse_data(block, file=file, first_line=first_line)
    check_size(file, dims, len(values))

    content_units: dict[str, dict[str, str]] = {}
    content_decimals: dict[str, int] = {}
    metric = next((d for d in dims if d.role == "metric"), None)
    if metric is not None:
        for position, code in enumerate(metric.codes):
            units = {}
            for lang in languages:
                label_lang = lang if lang in metric.labels else default
                label = metric.labels[label_lang][position]
                got = _get(kw, "UNITS", None if lang == default else lang, (label,))
                if got and "".join(got).strip():
                    units[lang] = " ".join(got)
            if units:
                content_units[code] = units
            precision = _get(kw, "PRECISION", None, (metric.id, metric.labels[default][position]))
            if precision and precision[0].isdigit():
                content_decimals[code] = int(precision[0])
    notes = by_lang("NOTE")
    decimals = _get(kw, "DECIMALS")
    updated = next((v for (k, lang, _), v in kw.items() if k == "LAST-UPDATED" and lang is None), None)
    return Cube(
        file=file,
        dimensions=dims,
        values=values,
        symbols=symbols,
        languages=list(languages),
        title=by_lang("TITLE") or by_lang("DESCRIPTION"),
        source=by_lang("SOURCE"),
        units=by_lang("UNITS"),
        notes={lang: _plain(text) for lang, text in notes.items()},
        decimals=int(decimals[0]) if decimals and decimals[0].isdigit() else None,
        last_updated=_px_date(updated[0]) if updated else None,
        table_id=(_get(kw, "TABLEID") or _get(kw, "MATRIX") or [""])[0],
        content_units=content_units,
        content_decimals=content_decimals,
    )


def _plain(text: str) -> str:
    text = re.sub(r"<[^>]+>", "", text).replace("#", "\n")
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


def _px_date(text: str) -> datetime | None:
    """LAST-UPDATED is local Finnish time (``20240426 08:00``)."""
    for fmt in ("%Y%m%d %H:%M", "%Y%m%d"):
        try:
            return datetime.strptime(text.strip(), fmt).replace(tzinfo=ZoneInfo("Europe/Helsinki"))
        except ValueError:
            continue
    return None


def px_to_batch(px: Cube, mapping: Mapping[str, Any]) -> ParsedBatch:
    """A parsed PX file → :class:`ParsedBatch`, as the mapping says (see :mod:`kasvu.importers.cube`)."""
    return cube_to_batch(px, mapping, source="px")
