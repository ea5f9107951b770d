"""A region's inkoopmodel (purchasing model) as data, and the one interpreter of its rules.

The model file (`seed/regio/<naam>/inkoopmodel.yaml`, format in docs/regio.md) names the percelen
with their law and products, the variants each product allows, modules in groups with what they
need, kenmerken that belong to percelen, rules across one aanbieder's contracts, and the Dutch
message for each way a contract can break them. The checks below read only those declarations:
no region's terms are written in this code.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from keuzehulp.domain.errors import RuleViolation

# The messages every model file gives (and `zonder_variant` when a product has no variants).
MESSAGES = (
    "perceel_onbekend",
    "zonder_product",
    "product_onbekend",
    "product_niet_in_perceel",
    "variant_past_niet",
)


class ModelError(ValueError):
    """A model file that is incomplete or contradicts itself; raised when it is loaded."""


def or_list(items) -> str:
    """A Dutch enumeration: '1, 2, 3 of 4'."""
    items = [str(item) for item in items]
    if len(items) < 2:
        return "".join(items)
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} of {items[-1]}"


def match_code(raw: str, known: tuple[str, ...], prefixes: tuple[str, ...] = ()) -> str | None:
    """The known code a typed value means: as typed, in other capitals, or after a prefix ('OB2')."""
    wanted = {raw.strip().lower()}
    wanted |= {w.removeprefix(p).strip() for w in wanted for p in prefixes if w.startswith(p)}
    return next((code for code in known if code.lower() in wanted), None)


@dataclass(frozen=True)
class Perceel:
    code: str
    wet: str
    producten: tuple[str, ...]
    in_tekst: str  # how a sentence names it: 'Wmo', 'dyslexie (EED)'


@dataclass(frozen=True)
class Module:
    code: str
    groep: str
    percelen: tuple[str, ...]
    vraagt_product: bool  # only with a product contract of one of `percelen`, same gemeente and days
    beschermd: bool  # where it is delivered is never shown with an address


@dataclass(frozen=True)
class ModuleGroep:
    code: str
    soort: str  # verblijf, maatregel, advies, diagnostiek
    modules: tuple[str, ...]
    onbekend: str
    vraagt_product: str


@dataclass(frozen=True)
class Kenmerk:
    code: str
    percelen: tuple[str, ...]
    vraagt: str | None
    zonder_perceel: str
    zonder_vraagt: str


@dataclass(frozen=True)
class Uitsluiting:
    """Variant `variant` excludes the variants `met` anywhere in one aanbieder's contracts."""

    variant: str
    met: frozenset[str]
    tekst: str


@dataclass(frozen=True, eq=False)
class Inkoopmodel:
    code: str
    naam: str
    percelen: dict[str, Perceel]
    producten: dict[str, tuple[str, ...]]  # product -> the variants it allows
    varianten: tuple[str, ...]
    groepen: dict[str, ModuleGroep]
    modules: dict[str, Module]
    kenmerken: dict[str, Kenmerk]
    uitsluitingen: tuple[Uitsluiting, ...]
    berichten: dict[str, str]
    terms: dict  # the whole file: names and descriptions for pages

    def group(self, soort: str) -> ModuleGroep:
        """The module group of this kind (the model has at most one of each); RuleViolation when
        the model buys none of this kind."""
        found = next((g for g in self.groepen.values() if g.soort == soort), None)
        if found is None:
            raise RuleViolation(f"Het {self.naam} kent geen modules van de soort {soort}.")
        return found

    def has(self, soort: str) -> bool:
        """Whether the model has a module group of this kind."""
        return any(g.soort == soort for g in self.groepen.values())

    def check_contract(self, perceel: str, product: str | None, variant: str | None) -> None:
        """Raise RuleViolation when one contract line breaks the model's rules."""
        said = self.berichten
        if perceel not in self.percelen:
            raise RuleViolation(
                said["perceel_onbekend"].format(waarde=perceel, keuzes=or_list(self.percelen))
            )
        allowed = self.percelen[perceel].producten
        if not allowed:
            if product is not None or variant is not None:
                raise RuleViolation(said["zonder_product"].format(perceel=self.percelen[perceel].in_tekst))
            return
        if product not in self.producten:
            raise RuleViolation(
                said["product_onbekend"].format(waarde=product, keuzes=or_list(self.producten))
            )
        if product not in allowed:
            having = [p.in_tekst for p in self.percelen.values() if product in p.producten]
            raise RuleViolation(
                said["product_niet_in_perceel"].format(
                    product=product, percelen=or_list(having), perceel=self.percelen[perceel].in_tekst
                )
            )
        if not self.producten[product]:
            if variant is not None:
                raise RuleViolation(said["zonder_variant"].format(product=product))
            return
        if variant not in self.producten[product]:
            keuzes = ", ".join(self.producten[product])
            raise RuleViolation(
                said["variant_past_niet"].format(waarde=variant, product=product, keuzes=keuzes)
            )

    def check_contract_set(self, variants: set[str | None]) -> None:
        """Rules across all of one aanbieder's contract lines (`variants`: the variants they use)."""
        for rule in self.uitsluitingen:
            if rule.variant in variants and variants & rule.met:
                raise RuleViolation(rule.tekst)

    def modules_for(self, soort: str, perceel: str | None) -> tuple[str, ...]:
        """The modules of a group that belong to a perceel (all of them without one)."""
        if not self.has(soort):
            return ()
        group = self.group(soort)
        return tuple(m for m in group.modules if perceel is None or perceel in self.modules[m].percelen)

    def check_module(self, soort: str, code: str, product_percelen: set[str]) -> None:
        """A module of this group must exist, and one that needs a product needs a product contract
        of one of its percelen in the same gemeente for the same days (`product_percelen`)."""
        group = self.group(soort)
        if code not in group.modules:
            raise RuleViolation(group.onbekend.format(waarde=code, keuzes=or_list(group.modules)))
        module = self.modules[code]
        if module.vraagt_product and not product_percelen & set(module.percelen):
            percelen = or_list(self.percelen[p].in_tekst for p in module.percelen)
            raise RuleViolation(group.vraagt_product.format(module=code, percelen=percelen))

    def kenmerk_for(self, code: str, perceel: str | None) -> bool:
        """Whether a kenmerk belongs to a perceel (or to a search without one); never when the model
        does not have it."""
        return code in self.kenmerken and (perceel is None or perceel in self.kenmerken[code].percelen)

    def check_kenmerk(self, code: str, percelen: set[str], has_what_it_needs: bool) -> None:
        """An aanbieder with this kenmerk has a contract of one of its percelen and what it needs."""
        if code not in self.kenmerken:
            raise RuleViolation(f"Het {self.naam} kent {code.replace('_', ' ')} niet.")
        kenmerk = self.kenmerken[code]
        if not percelen & set(kenmerk.percelen):
            raise RuleViolation(kenmerk.zonder_perceel)
        if kenmerk.vraagt and not has_what_it_needs:
            raise RuleViolation(kenmerk.zonder_vraagt)


@cache
def load_model(path: Path) -> Inkoopmodel:
    """Read and check a model file; ModelError names what is wrong in it."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        return _model(data)
    except (KeyError, TypeError, AttributeError) as problem:
        raise ModelError(f"{path}: onvolledig of verkeerd van vorm ({problem!r})") from problem
    except ModelError as problem:
        raise ModelError(f"{path}: {problem}") from problem


def _model(data: dict) -> Inkoopmodel:
    data = _codes_as_text(data)
    producten = {
        str(code): tuple(str(v) for v in item["varianten"]) for code, item in data["producten"].items()
    }
    varianten = tuple(str(code) for code in data["varianten"])
    percelen = {
        code: Perceel(code, item["wet"], tuple(str(p) for p in item["producten"]), item["in_tekst"])
        for code, item in data["percelen"].items()
    }
    groepen, modules = {}, {}
    for code, item in data["modules"].items():
        parts = {str(m): part for m, part in (item.get("onderdelen") or {}).items()}
        groepen[code] = ModuleGroep(
            code, item["soort"], tuple(parts), item.get("onbekend", ""), item.get("vraagt_product", "")
        )
        for m, part in parts.items():
            if m in modules:
                raise ModelError(f"module {m} staat in twee groepen")
            modules[m] = Module(
                m,
                code,
                tuple(part.get("percelen", percelen)),
                bool(part.get("vraagt_product")),
                bool(part.get("beschermd")),
            )
    kenmerken = {
        code: Kenmerk(
            code,
            tuple(item["percelen"]),
            item.get("vraagt"),
            item["zonder_perceel"],
            item.get("zonder_vraagt", ""),
        )
        for code, item in (data.get("kenmerken") or {}).items()
    }
    uitsluitingen = tuple(
        Uitsluiting(
            str(rule["sluit_uit"]["variant"]), frozenset(map(str, rule["sluit_uit"]["met"])), rule["tekst"]
        )
        for rule in data.get("regels") or ()
    )
    berichten = data["berichten"]
    _check_references(percelen, producten, varianten, modules, kenmerken, uitsluitingen, groepen)
    needed = MESSAGES + (("zonder_variant",) if not all(producten.values()) else ())
    missing = [name for name in needed if name not in berichten]
    if missing:
        raise ModelError(f"berichten ontbreken: {', '.join(missing)}")
    return Inkoopmodel(
        code=data["model"]["code"],
        naam=data["model"]["naam"],
        percelen=percelen,
        producten=producten,
        varianten=varianten,
        groepen=groepen,
        modules=modules,
        kenmerken=kenmerken,
        uitsluitingen=uitsluitingen,
        berichten=berichten,
        terms=data,
    )


def _codes_as_text(data: dict) -> dict:
    """The file with every code as text (YAML reads product 1 as a number); a code may not hold
    ':', which separates the parts of a search token."""
    data = dict(data)
    for section in ("producten", "varianten"):
        data[section] = {str(code): item for code, item in data[section].items()}
    data["modules"] = {
        code: dict(group, onderdelen={str(m): part for m, part in (group.get("onderdelen") or {}).items()})
        for code, group in data["modules"].items()
    }
    codes = [*data["percelen"], *data["producten"], *data["varianten"]]
    codes += [m for group in data["modules"].values() for m in group["onderdelen"]]
    if bad := [code for code in codes if ":" in code or not code.strip()]:
        raise ModelError(f"een code mag niet leeg zijn of ':' bevatten: {bad[0]!r}")
    return data


def _check_references(percelen, producten, varianten, modules, kenmerken, uitsluitingen, groepen) -> None:
    for perceel in percelen.values():
        for product in perceel.producten:
            if product not in producten:
                raise ModelError(f"perceel {perceel.code} noemt product {product}, dat niet bestaat")
    for product, allowed in producten.items():
        for variant in allowed:
            if variant not in varianten:
                raise ModelError(f"product {product} noemt variant {variant}, die niet bestaat")
    for item in (*modules.values(), *kenmerken.values()):
        for perceel in item.percelen:
            if perceel not in percelen:
                raise ModelError(f"{item.code} noemt perceel {perceel}, dat niet bestaat")
    for rule in uitsluitingen:
        for variant in (rule.variant, *rule.met):
            if variant not in varianten:
                raise ModelError(f"een regel noemt variant {variant}, die niet bestaat")
    soorten = [group.soort for group in groepen.values()]
    if len(soorten) != len(set(soorten)):
        raise ModelError("twee modulegroepen van dezelfde soort")
