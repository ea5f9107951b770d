"""The directory as Open Referral HSDS 3.0 objects (open data).

Granularity (a product choice): an aanbieder is an organization; a vestiging a location; a
service is one kind of support an aanbieder is contracted for: perceel x product ("Jeugd: OB2
...", "Jeugdhulp: GGZ"), dyslexiezorg, one dakje, or one kind of maatregelhulp. Its service areas
are the gemeenten of the contract. Each loaded region's inkoopmodel is a taxonomy named after it
(its `code`, `naam`, `versie`, `beschrijving`); a service's attributes link it to the terms of the
model of its gemeente (perceel, product, variant, dakje, module) and organizations to
specialisaties. Term codes: `perceel:jeugd`, a product by the model's letter code (`OB1`) or as
`product:jeugd-ggz`, `niveau:A`, `dakje:0-A`, `module:maatregelhulp`. IDs are uuid5 of our own
keys, so they stay the same between exports. Only actieve aanbieders; no personal data; never the address or
position of a protected woonlocatie. Wachttijd and outcome figures have no HSDS field: they are
carried as extra properties prefixed `x_keuzehulp_` (documented on /open-data/).
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import date

from sqlmodel import Session, select

from keuzehulp.domain.beschikbaarheid import ALL, availability, dakje_key, hulp_key
from keuzehulp.domain.inkoopmodel import Inkoopmodel
from keuzehulp.domain.regio import model_for
from keuzehulp.domain.resultaten import MIN_N
from keuzehulp.domain.taxonomy import Taxonomy
from keuzehulp.domain.validation import published_link
from keuzehulp.models import Aanbieder
from keuzehulp.models.periods import public
from keuzehulp.queries.profiles import load_profile

NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://keuzehulp.nl/hsds")
TAXONOMY_SPECIALISATIES = "specialisaties"


def hsds_id(*parts) -> str:
    """A stable UUID for one of our objects."""
    return str(uuid.uuid5(NAMESPACE, ":".join(str(p) for p in parts)))


def taxonomies(taxonomy: Taxonomy) -> list[dict]:
    """One taxonomy per loaded region's inkoopmodel, named after it (its code is the taxonomy's
    key), and the specialisaties."""
    models = [
        {
            "id": hsds_id("taxonomy", model.code),
            "name": model.naam,
            "description": model.terms["model"].get("beschrijving", model.naam),
        }
        | ({"version": str(model.terms["model"]["versie"])} if "versie" in model.terms["model"] else {})
        for model in taxonomy.models
    ]
    return models + [
        {
            "id": hsds_id("taxonomy", TAXONOMY_SPECIALISATIES),
            "name": "Specialisaties",
            "description": "Waar een aanbieder in gespecialiseerd is, met de woorden die inwoners gebruiken.",
        }
    ]


def product_term(model: Inkoopmodel, product: str) -> str:
    """A product's term code: its letter code where the model has one ('OB1'), else
    'product:jeugd-ggz'."""
    afkorting = model.terms["model"]["product"].get("afkorting")
    return f"{afkorting}{product}" if afkorting else f"product:{product}"


def variant_term(model: Inkoopmodel, variant: str) -> str:
    """A variant's term code, by the model's word for it: 'niveau:A'."""
    return f"{model.terms['model']['variant']['enkelvoud']}:{variant}"


def _term(code: str, name: str, description: str, taxonomy: str, parent: str | None = None) -> dict:
    term = {
        "id": hsds_id("term", taxonomy, code),
        "code": code,
        "name": name,
        "description": description,
        "taxonomy_id": hsds_id("taxonomy", taxonomy),
        "language": "nl",
    }
    if parent:
        term["parent_id"] = hsds_id("term", taxonomy, parent)
    return term


def model_terms(model: Inkoopmodel) -> list[dict]:
    """The terms of one model's taxonomy: percelen, products (under their perceel when they belong
    to one only), variants, the verblijf modules (dakjes) and the module groups."""
    words, key = model.terms, model.code
    terms = [_term(f"perceel:{p}", item["naam"], item["b1"], key) for p, item in words["percelen"].items()]
    for product in model.producten:
        item, code = words["producten"][product], product_term(model, product)
        name = item["naam"] if code.startswith("product:") else f"{code}: {item['naam']}"
        percelen = [p.code for p in model.percelen.values() if product in p.producten]
        parent = f"perceel:{percelen[0]}" if len(percelen) == 1 else None
        terms.append(_term(code, name, item["professioneel"], key, parent))
    for variant in model.varianten:
        code, item = variant_term(model, variant), words["varianten"][variant]
        terms.append(_term(code, f"{code.split(':')[0].capitalize()} {variant}", item["professioneel"], key))
    modules = words["modules"]
    for dakje in model.modules_for("verblijf", None):
        part = modules[model.group("verblijf").code]["onderdelen"][dakje]
        terms.append(_term(f"dakje:{dakje}", part["naam"], part["professioneel"], key))
    terms += [_term(f"module:{m}", item["naam"], item["professioneel"], key) for m, item in modules.items()]
    return terms


def taxonomy_terms(taxonomy: Taxonomy) -> list[dict]:
    """Every term of every taxonomy: each loaded model's and the specialisaties."""
    terms = [term for model in taxonomy.models for term in model_terms(model)]
    terms += [
        _term(s.slug, s.naam, f"{s.label_b1}. Ook: {', '.join(s.synoniemen)}.", TAXONOMY_SPECIALISATIES)
        for s in taxonomy.specialisaties
    ]
    return terms


def _attribute(link_id: str, link_type: str, taxonomy: str, code: str, value: str | None = None) -> dict:
    attribute = {
        "id": hsds_id("attribute", link_id, taxonomy, code),
        "link_id": link_id,
        "link_type": link_type,
        "link_entity": link_type,
        "taxonomy_term_id": hsds_id("term", taxonomy, code),
    }
    if value is not None:
        attribute["value"] = value
    return attribute


def _phone(owner_field: str, owner_id: str, number: str) -> dict:
    return {"id": hsds_id("phone", owner_id), owner_field: owner_id, "number": number, "type": "voice"}


def _general_contact(aanbieder: Aanbieder, organization_id: str) -> dict:
    """The organisation's general contact point (never a named person)."""
    contact_id = hsds_id("contact", aanbieder.id)
    contact = {"id": contact_id, "organization_id": organization_id, "name": "Algemeen contact"}
    if aanbieder.email:
        contact["email"] = aanbieder.email
    if aanbieder.telefoon:
        contact["phones"] = [_phone("contact_id", contact_id, aanbieder.telefoon)]
    return contact


def _location(aanbieder: Aanbieder, organization_id: str, index: int, vestiging: dict) -> dict:
    location_id = hsds_id("location", aanbieder.id, index)
    location = {
        "id": location_id,
        "organization_id": organization_id,
        "location_type": "physical",
        "name": vestiging["naam"] or f"{aanbieder.naam}, {vestiging['plaats']}",
        "x_keuzehulp_gemeente": vestiging["gemeente"],
        "x_keuzehulp_rolstoeltoegankelijk": vestiging["rolstoeltoegankelijk"],
    }
    if vestiging["beschermde_woonlocatie"]:
        location["name"] = f"Woonlocatie in {vestiging['plaats']}"
        location["description"] = "Beschermde woonlocatie: het adres is niet openbaar, alleen de plaats."
        location["x_keuzehulp_plaats"] = vestiging["plaats"]
        return location
    location["latitude"] = vestiging["lat"]
    location["longitude"] = vestiging["lon"]
    location["addresses"] = [
        {
            "id": hsds_id("address", aanbieder.id, index),
            "location_id": location_id,
            "address_1": vestiging["adres"],
            "city": vestiging["plaats"],
            "state_province": "Overijssel",
            "postal_code": vestiging["postcode"],
            "country": "NL",
            "address_type": "physical",
        }
    ]
    return location


def _service_groups(profile) -> dict[tuple, dict]:
    """The aanbieder's services: (model, kind, code, product) -> gemeenten, variants and contract
    lines, each in the model of the gemeente of its contract, dakje or maatregelhulp."""
    groups: dict[tuple, dict] = defaultdict(lambda: {"gemeenten": set(), "niveaus": set(), "regels": []})
    for contract, gemeente in profile.contracten:
        key = (model_for(gemeente.cbs_code), "contract", contract.perceel, contract.product)
        groups[key]["gemeenten"].add((gemeente.cbs_code, gemeente.naam))
        if contract.variant:
            groups[key]["niveaus"].add(contract.variant)
            groups[key]["regels"].append({"gemeente": gemeente.cbs_code, "niveau": contract.variant})
    for dakje, gemeente in profile.dakjes:
        key = (model_for(gemeente.cbs_code), "dakje", dakje.dakje, None)
        groups[key]["gemeenten"].add((gemeente.cbs_code, gemeente.naam))
    for maatregel, gemeente in profile.maatregelhulp:
        key = (model_for(gemeente.cbs_code), "maatregelhulp", maatregel.soort, None)
        groups[key]["gemeenten"].add((gemeente.cbs_code, gemeente.naam))
    return groups


def _name_and_attributes(model: Inkoopmodel, service_id: str, kind: str, code: str, product, group):
    """A service's name ('Jeugd: OB2 ...', 'Jeugdhulp: GGZ') and its attributes in its model's taxonomy."""
    words, key = model.terms, model.code

    def attribute(term: str, value: str | None = None) -> dict:
        return _attribute(service_id, "service", key, term, value)

    if kind == "contract":
        perceel = words["percelen"][code]["naam"]
        if product is None:
            return perceel, [attribute(f"perceel:{code}")]
        naam, term = words["producten"][product]["naam"], product_term(model, product)
        name = f"{perceel}: {naam}" if term.startswith("product:") else f"{perceel}: {term} {naam.lower()}"
        variants = [attribute(variant_term(model, v)) for v in sorted(group["niveaus"])]
        return name, [attribute(f"perceel:{code}"), attribute(term), *variants]
    soort = "verblijf" if kind == "dakje" else "maatregel"
    module = model.group(soort).code
    part = words["modules"][module]
    if kind == "dakje":
        return f"{part['naam']}: {part['onderdelen'][code]['naam']}", [
            attribute(f"module:{module}"),
            attribute(f"dakje:{code}"),
        ]
    return f"{part['naam']}: {part['onderdelen'][code]['naam']}", [attribute(f"module:{module}", code)]


def _hulp(kind: str, code: str, product: str | None) -> str | None:
    """The kind of help of a service as figures name it (none for maatregelhulp)."""
    if kind == "contract":
        return hulp_key(code, product)
    return dakje_key(code) if kind == "dakje" else None


def _beschikbaarheid(profile, hulp: str | None, today: date) -> dict:
    """A service's figures per gemeente (null: all), its running instroomstops, and HSDS `wait_time`
    from the figure for all gemeenten."""
    if hulp is None:
        return {}
    figures, stops = profile.beschikbaarheid.figures, profile.beschikbaarheid.stops
    own = [f for f in figures if f.hulp == hulp]
    shown = {
        "x_keuzehulp_beschikbaarheid": [
            {
                "gemeente": f.gemeente,
                "weken_contact": f.weken_contact,
                "weken_start": f.weken_start,
                "plekken": f.plekken,
                "bevestigd_op": f.bevestigd_op.isoformat(),
                "verouderd": availability(figures, stops, hulp, f.gemeente, today).verouderd,
            }
            for f in own
        ],
        "x_keuzehulp_instroomstops": [
            {"gemeente": x.gemeente, "reden": x.reden, "tot": x.tot.isoformat() if x.tot else None}
            for x in stops
            if x.active(today) and x.hulp in (ALL, hulp)
        ],
    }
    general = next((f for f in own if f.gemeente is None), None)
    if general is not None and general.start is not None:
        shown["wait_time"] = f"{general.start} weken"
    return shown


def _services(profile, organization_id: str, location_ids: list[str], today: date) -> list[dict]:
    a = profile.aanbieder
    groups = _service_groups(profile)
    parts = [key[1:] for key in groups]
    services = []
    for (model, kind, code, product), group in sorted(groups.items(), key=lambda item: str(item[0][1:])):
        # The same code in two models' contracts (never in the models loaded now) names its model.
        shared = parts.count((kind, code, product)) > 1
        service_id = hsds_id("service", a.id, kind, code, product, *([model.code] if shared else []))
        name, attributes = _name_and_attributes(model, service_id, kind, code, product, group)
        service = {
            "id": service_id,
            "organization_id": organization_id,
            "name": name,
            "description": a.beschrijving,
            "url": published_link(a.website),
            "email": a.email,
            "status": "active",
            "service_areas": [
                {
                    "id": hsds_id("service_area", service_id, cbs),
                    "service_id": service_id,
                    "name": naam,
                    "extent_type": "gemeente",
                    "uri": f"https://www.cbs.nl/gemeente/{cbs}",
                    "x_keuzehulp_cbs_code": cbs,
                }
                for cbs, naam in sorted(group["gemeenten"])
            ],
            "service_at_locations": [
                {
                    "id": hsds_id("service_at_location", service_id, lid),
                    "service_id": service_id,
                    "location_id": lid,
                }
                for lid in location_ids
            ],
            "attributes": attributes,
            "languages": [
                {
                    "id": hsds_id("language", service_id, t.slug),
                    "service_id": service_id,
                    "name": t.naam,
                    "code": t.slug,
                }
                for t in profile.talen
            ],
            "x_keuzehulp_contractregels": sorted(group["regels"], key=lambda r: (r["gemeente"], r["niveau"])),
            **_beschikbaarheid(profile, _hulp(kind, code, product), today),
        }
        if a.telefoon:
            service["phones"] = [_phone("service_id", service_id, a.telefoon)]
        if kind == "contract" and a.ambulante_spoedhulp and model.kenmerk_for("ambulante_spoedhulp", code):
            service["x_keuzehulp_ambulante_spoedhulp"] = True
        services.append(service)
    return services


def _outcomes(profile) -> list[dict]:
    """Outcome figures as aggregates; small numbers are withheld."""
    return [
        {
            "periode": r.periode,
            "indicator": r.indicator,
            "teller": r.teller if r.noemer >= MIN_N else None,
            "noemer": r.noemer if r.noemer >= MIN_N else None,
            "onderdrukt": r.noemer < MIN_N,
        }
        for r in profile.resultaten
    ]


def export(session: Session, taxonomy: Taxonomy, today: date) -> dict[str, list[dict]]:
    """All HSDS objects: organizations (with nested locations), services, and the taxonomy."""
    organizations, services = [], []
    slugs = session.exec(select(Aanbieder.slug).where(public(today)).order_by(Aanbieder.id))
    for slug in list(slugs):
        profile = load_profile(session, slug, today)
        a = profile.aanbieder
        organization_id = hsds_id("organization", a.id)
        locations = [_location(a, organization_id, i, v) for i, v in enumerate(profile.public_vestigingen)]
        organization = {
            "id": organization_id,
            "name": a.naam,
            "description": a.beschrijving,
            "email": a.email,
            "website": published_link(a.website),
            "tax_id": a.kvk,
            "locations": locations,
            "organization_identifiers": [
                {
                    "id": hsds_id("identifier", a.id, "kvk"),
                    "organization_id": organization_id,
                    "identifier_scheme": "NL-KVK",
                    "identifier_type": "KvK-nummer",
                    "identifier": a.kvk,
                }
            ],
            "attributes": [
                _attribute(organization_id, "organization", TAXONOMY_SPECIALISATIES, s.slug)
                for s in profile.specialisaties
            ],
            "x_keuzehulp_slug": a.slug,
            "x_keuzehulp_consultatie_functieniveaus": a.consultatie_functieniveaus,
            "x_keuzehulp_resultaten": _outcomes(profile),
        }
        if a.telefoon:
            organization["phones"] = [_phone("organization_id", organization_id, a.telefoon)]
        if a.email or a.telefoon:
            organization["contacts"] = [_general_contact(a, organization_id)]
        organizations.append(organization)
        services += _services(profile, organization_id, [loc["id"] for loc in locations], today)
    return {
        "organizations": organizations,
        "services": services,
        "taxonomies": taxonomies(taxonomy),
        "taxonomy_terms": taxonomy_terms(taxonomy),
    }
