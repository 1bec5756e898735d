"""Inline XBRL (a 10-Q/10-K primary document as EDGAR serves it) -> numeric facts (pure).

Every `ix:nonFraction` is read with its context (period, explicit and typed members), unit,
scale, sign, decimals and format. The same fact often appears twice (a statement and a note):
facts are deduplicated on (concept, context, unit), keeping the most precise, and two values of
one fact that disagree beyond their precision are refused. A fact marked `xsi:nil` has no value
and is left out. `ix:continuation` only continues text facts (`ix:nonNumeric`), so numbers never
need it. Built on lxml (see docs/sources.md for why not edgartools, py-xbrl or arelle).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from lxml import etree

from ingest.normalise.sec import PayloadError

IX = "http://www.xbrl.org/2013/inlineXBRL"
XBRLI = "http://www.xbrl.org/2003/instance"
XBRLDI = "http://xbrl.org/2006/xbrldi"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
NS = {"ix": IX, "xbrli": XBRLI, "xbrldi": XBRLDI}

# Unit measures shown without their namespace prefix (iso4217:USD -> USD).
MEASURE_PREFIXES = ("iso4217:", "xbrli:")
WORDS = {
    "no": 0, "none": 0, "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
    "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}


class XbrlError(PayloadError):
    """A document that is not inline XBRL this parser can read; the message says why."""


@dataclass(frozen=True)
class XbrlContext:
    """An xbrli:context: its period (start/end, or an instant as end) and its members."""

    id: str
    start: date | None
    end: date
    dimensions: tuple[tuple[str, str], ...]  # (axis, member), sorted by axis

    @property
    def days(self) -> int | None:
        """Length of a duration in days (None for an instant)."""
        return None if self.start is None else (self.end - self.start).days + 1


@dataclass(frozen=True)
class XbrlFact:
    """One numeric fact, its value in units (USD, shares, a ratio as filed)."""

    concept: str
    context: XbrlContext
    unit: str
    value: float
    decimals: int | None  # None: INF (exact)


@dataclass
class InlineDocument:
    """What a document holds: its contexts, units and deduplicated numeric facts."""

    contexts: dict[str, XbrlContext]
    units: dict[str, str]
    facts: list[XbrlFact]
    numeric_tags: int = 0  # ix:nonFraction elements read, duplicates and nils included
    nil: int = 0
    duplicates: int = 0
    dei: dict[str, str] = field(default_factory=dict)  # dei:* text facts (period focus, ...)


def _date(text: str | None, where: str) -> date:
    try:
        return date.fromisoformat((text or "").strip()[:10])
    except ValueError:
        raise XbrlError(f"bad date {text!r} in {where}") from None


def _contexts(root) -> dict[str, XbrlContext]:
    contexts = {}
    for ctx in root.iterfind(".//xbrli:context", NS):
        cid = ctx.get("id")
        period = ctx.find("xbrli:period", NS)
        if cid is None or period is None:
            raise XbrlError(f"context {cid!r} without an id or a period")
        instant = period.findtext("xbrli:instant", namespaces=NS)
        if instant is not None:
            start, end = None, _date(instant, f"context {cid}")
        else:
            start = _date(period.findtext("xbrli:startDate", namespaces=NS), f"context {cid}")
            end = _date(period.findtext("xbrli:endDate", namespaces=NS), f"context {cid}")
        dims = []
        for member in ctx.iterfind(".//xbrldi:explicitMember", NS):
            dims.append((member.get("dimension"), (member.text or "").strip()))
        for member in ctx.iterfind(".//xbrldi:typedMember", NS):
            dims.append((member.get("dimension"), "".join(member.itertext()).strip()))
        contexts[cid] = XbrlContext(cid, start, end, tuple(sorted(dims)))
    return contexts


def _measure(el) -> str:
    text = (el.text or "").strip()
    for prefix in MEASURE_PREFIXES:
        if text.startswith(prefix):
            return text[len(prefix) :]
    return text


def _units(root) -> dict[str, str]:
    units = {}
    for unit in root.iterfind(".//xbrli:unit", NS):
        divide = unit.find("xbrli:divide", NS)
        if divide is not None:
            num = "*".join(_measure(m) for m in divide.iterfind("xbrli:unitNumerator/*", NS))
            den = "*".join(_measure(m) for m in divide.iterfind("xbrli:unitDenominator/*", NS))
            units[unit.get("id")] = f"{num}/{den}"
        else:
            units[unit.get("id")] = "*".join(
                _measure(m) for m in unit.iterfind("xbrli:measure", NS)
            )
    return units


def _words(text: str) -> Decimal:
    """ixt-sec:numwordsen: 'two', 'twenty-five', 'one hundred', 'no'."""
    total, current = 0, 0
    tokens = re.split(r"[\s\-]+", text.lower().replace(" and ", " ").strip())
    if not tokens or tokens == [""]:
        raise ValueError(text)
    for token in tokens:
        if token in WORDS:
            current += WORDS[token]
        elif token == "hundred":
            current = max(current, 1) * 100
        elif token in SCALES:
            total += max(current, 1) * SCALES[token]
            current = 0
        else:
            raise ValueError(text)
    return Decimal(total + current)


def _number(text: str, fmt: str | None) -> Decimal:
    """The displayed text as a number, by its ixt transformation."""
    name = (fmt or "").split(":")[-1]
    if name in ("fixed-zero", "fixedzero", "zerodash"):
        return Decimal(0)
    if name == "numwordsen":
        return _words(text)
    cleaned = text.strip()
    if name in ("num-dot-decimal", "numdotdecimal", "numcommadot", ""):
        cleaned = re.sub(r"[\s,\u00a0]", "", cleaned)
    elif name in ("num-comma-decimal", "numcommadecimal", "numdotcomma"):
        cleaned = re.sub(r"[\s.\u00a0]", "", cleaned).replace(",", ".")
    else:
        raise ValueError(f"format {fmt} is not supported")
    if cleaned in ("", "-", "\u2014", "\u2013"):
        return Decimal(0) if name else Decimal("NaN")
    return Decimal(cleaned)


def _decimals(text: str | None) -> int | None:
    if text is None or text.strip().upper() == "INF":
        return None
    return int(text)


def _rounded(value: float, decimals: int | None) -> float:
    return value if decimals is None else round(value, decimals)


def parse_inline_xbrl(data: bytes, where: str = "document") -> InlineDocument:
    """Every numeric fact of an inline XBRL document; XbrlError naming the problem."""
    parser = etree.XMLParser(huge_tree=True, resolve_entities=False, no_network=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise XbrlError(f"{where} does not parse as XHTML ({exc})") from None
    if root.find(f".//{{{IX}}}header") is None:
        raise XbrlError(f"{where} is not inline XBRL (no ix:header)")
    contexts, units = _contexts(root), _units(root)
    doc = InlineDocument(contexts, units, [])
    for el in root.iter(f"{{{IX}}}nonNumeric"):
        name = el.get("name") or ""
        if name.startswith("dei:"):
            doc.dei.setdefault(name, "".join(el.itertext()).strip())
    kept: dict[tuple[str, str, str], XbrlFact] = {}
    for el in root.iter(f"{{{IX}}}nonFraction"):
        doc.numeric_tags += 1
        concept, cref, uref = el.get("name"), el.get("contextRef"), el.get("unitRef")
        label = f"{concept} ({el.get('id') or 'no id'})"
        if el.get(f"{{{XSI}}}nil") in ("true", "1"):
            doc.nil += 1
            continue
        if cref not in contexts:
            raise XbrlError(f"{label} refers to context {cref!r}, which the document lacks")
        if uref not in units:
            raise XbrlError(f"{label} refers to unit {uref!r}, which the document lacks")
        text = "".join(el.itertext())
        try:
            number = _number(text, el.get("format"))
            number = number.scaleb(int(el.get("scale") or 0))
            decimals = _decimals(el.get("decimals"))
        except (ValueError, InvalidOperation) as exc:
            raise XbrlError(f"{label}: cannot read {text.strip()!r} as a number ({exc})") from None
        if not number.is_finite():
            raise XbrlError(f"{label}: cannot read {text.strip()!r} as a number")
        if el.get("sign") == "-":
            number = -number
        fact = XbrlFact(concept, contexts[cref], units[uref], float(number), decimals)
        key = (concept, cref, uref)
        old = kept.get(key)
        if old is None:
            kept[key] = fact
            continue
        doc.duplicates += 1
        coarse = min((d for d in (old.decimals, fact.decimals) if d is not None), default=None)
        if _rounded(old.value, coarse) != _rounded(fact.value, coarse):
            raise XbrlError(
                f"{concept} in context {cref} ({units[uref]}) is filed twice with different "
                f"values ({old.value:g} and {fact.value:g})"
            )
        if old.decimals is not None and (fact.decimals is None or fact.decimals > old.decimals):
            kept[key] = fact
    doc.facts = list(kept.values())
    return doc
