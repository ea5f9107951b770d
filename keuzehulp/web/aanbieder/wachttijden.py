"""The aanbieder's wachttijden and plekken per kind of help, 'alles klopt nog', and instroomstops.

One form holds every figure: a row per kind of help the aanbieder is contracted for (for all its
gemeenten), a row per gemeente where it differs, and an empty row to add such a gemeente. Saving
replaces all figures (a row left empty is unknown again) and uses optimistic locking.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Session
from starlette.requests import Request
from starlette.routing import Route

from keuzehulp import clock
from keuzehulp.domain.beschikbaarheid import ALL, MAX_PLEKKEN, MAX_WEKEN, settings_for
from keuzehulp.domain.errors import RuleViolation
from keuzehulp.domain.validation import whole_number
from keuzehulp.models import Aanbieder, Gebruiker
from keuzehulp.queries.beschikbaarheid import Line, cbs_codes, lines, state, stops_of
from keuzehulp.services import beschikbaarheid
from keuzehulp.services.audit import Actor
from keuzehulp.services.profiel import Conflict
from keuzehulp.web.kit.beschikbaarheid import hulp_label
from keuzehulp.web.kit.forms import typed_values
from keuzehulp.web.kit.guard import page, signed_in
from keuzehulp.web.kit.templating import datum
from keuzehulp.web.kit.visitor import see_other

VALUES = ("contact", "start", "plekken")
MAX_ROWS = 2000
NUMBER_ERRORS = {
    "contact": f"Vul de weken tot het eerste contact in als een heel aantal, van 0 tot {MAX_WEKEN}.",
    "start": f"Vul de weken tot de start in als een heel aantal, van 0 tot {MAX_WEKEN}.",
    "plekken": f"Vul het aantal vrije plekken in als een heel aantal, van 0 tot {MAX_PLEKKEN}.",
}
STOP_FIELDS = ("hulp", "gemeente", "reden", "tot")


def _text(value) -> str:
    return "" if value is None else str(value)


def _rows_of(db: Session, aanbieder_id: int, known: list[Line]) -> list[dict]:
    """The form's rows as stored: the general figure of every line, then the per-gemeente ones."""
    figures = state(db, aanbieder_id).figures
    by_key = {(f.hulp, f.gemeente): f for f in figures}
    rows = []
    for line in known:
        for gemeente in [None, *sorted(g for h, g in by_key if h == line.hulp and g in line.gemeenten)]:
            f = by_key.get((line.hulp, gemeente))
            rows.append(
                {
                    "hulp": line.hulp,
                    "gemeente": gemeente or "",
                    "contact": _text(f and f.weken_contact),
                    "start": _text(f and f.weken_start),
                    "plekken": _text(f and f.plekken),
                }
            )
    return rows


def _form_context(db: Session, aanbieder: Aanbieder, request: Request, today: date) -> dict:
    known = lines(db, aanbieder.id, today)
    figures = state(db, aanbieder.id).figures
    namen = request.app.state.site.taxonomy.gemeente_namen
    cbs = cbs_codes(db)
    return {
        "aanbieder": aanbieder,
        "lines": {line.hulp: line for line in known},
        "hulp_labels": {line.hulp: hulp_label(line.hulp) for line in known},
        "gemeente_namen": namen,
        "confirmed": {(f.hulp, f.gemeente or ""): f for f in figures},
        "fresh": {
            (f.hulp, f.gemeente or ""): settings_for(f.gemeente).fresh(f.bevestigd_op, today) for f in figures
        },
        "stale_on": {
            (f.hulp, f.gemeente or ""): settings_for(f.gemeente).stale_on(f.bevestigd_op) for f in figures
        },
        "stops": [
            {
                "id": stop.id,
                "label": "Alle hulp" if stop.hulp == ALL else hulp_label(stop.hulp),
                "gemeente": namen.get(cbs[stop.gemeente_id]) if stop.gemeente_id else None,
                "vanaf": stop.vanaf,
                "tot": stop.tot,
                "reden": stop.reden,
            }
            for stop in stops_of(db, aanbieder.id, today)
        ],
        "stop_hulp": [(ALL, "Alle hulp"), *[(line.hulp, hulp_label(line.hulp)) for line in known]],
        "gemeenten": sorted(
            ((g, namen.get(g, g)) for g in {g for line in known for g in line.gemeenten}), key=lambda g: g[1]
        ),
        "dakjes": any(line.dakje for line in known),
    }


def _page(request, db, aanbieder, rows, version, errors=None, stop=None, stop_errors=None, status=200):
    """The page; `rows` as stored or as typed, the typed new-gemeente row (`nieuw`) last."""
    context = _form_context(db, aanbieder, request, clock.today()) | {
        "rows": [row for row in rows if not row.get("nieuw")],
        "extra": next(
            (row for row in rows if row.get("nieuw")), dict.fromkeys(("hulp", "gemeente", *VALUES), "")
        ),
        "version": version,
        "errors": errors or {},
        "stop": stop or dict.fromkeys(STOP_FIELDS, ""),
        "stop_errors": stop_errors or {},
    }
    return page(request, "pages/aanbieder/wachttijden.html", context, status)


def read_rows(form) -> list[dict]:
    """The typed rows (r<i>-hulp, -gemeente, -contact, -start, -plekken; -nieuw on the row that adds
    a gemeente)."""
    count = min(whole_number(form.get("rijen")) or 0, MAX_ROWS)
    names = ("hulp", "gemeente", *VALUES)
    return [
        {name: typed_values(form, (f"r{i}-{name}",))[f"r{i}-{name}"].strip() for name in names}
        | {"nieuw": bool(form.get(f"r{i}-nieuw"))}
        for i in range(count)
    ]


def check_rows(
    rows: list[dict], known: dict[str, Line]
) -> tuple[list[beschikbaarheid.Entry], dict[str, str]]:
    """The filled rows as entries, and Dutch errors keyed by field id; an empty row is left out.
    Each figure is checked by the services' one check (`entry_problem`)."""
    entries, errors = [], {}
    stated = {(row["hulp"], row["gemeente"]) for row in rows if not row["nieuw"]}
    for i, row in enumerate(rows):
        if not any(row[name] for name in VALUES):
            continue
        if row["nieuw"]:
            if not row["hulp"]:
                errors[f"r{i}-hulp"] = "Kies voor welke soort hulp dit geldt."
            if not row["gemeente"]:
                errors[f"r{i}-gemeente"] = "Kies de gemeente waar het anders is."
            elif (row["hulp"], row["gemeente"]) in stated:
                errors[f"r{i}-gemeente"] = "Voor deze gemeente staat hierboven al een rij. Vul het daar in."
        numbers = {}
        for name in VALUES:
            limit = MAX_PLEKKEN if name == "plekken" else MAX_WEKEN
            numbers[name] = whole_number(row[name], 0, limit) if row[name] else None
            if row[name] and numbers[name] is None:
                errors[f"r{i}-{name}"] = NUMBER_ERRORS[name]
        if any(key.startswith(f"r{i}-") for key in errors):
            continue
        entry = beschikbaarheid.Entry(
            row["hulp"], row["gemeente"] or None, numbers["contact"], numbers["start"], numbers["plekken"]
        )
        if problem := beschikbaarheid.entry_problem(entry, known.get(entry.hulp)):
            errors[f"r{i}-hulp" if row["nieuw"] else f"r{i}-start"] = problem
            continue
        entries.append(entry)
    return entries, errors


@signed_in("aanbieder")
def wachttijden(request: Request, db: Session, user: Gebruiker, form):
    """The form with every figure; saving checks each row and keeps what was typed on an error."""
    aanbieder = db.get(Aanbieder, user.aanbieder_id)
    today = clock.today()
    if form is None:
        rows = _rows_of(db, aanbieder.id, lines(db, aanbieder.id, today))
        return _page(request, db, aanbieder, rows, aanbieder.beschikbaarheid_versie)
    rows = read_rows(form)
    version = whole_number(form.get("version"))
    version = -1 if version is None else version
    entries, errors = check_rows(rows, {line.hulp: line for line in lines(db, aanbieder.id, today)})
    if not errors:
        try:
            beschikbaarheid.save(
                db,
                aanbieder.id,
                version,
                entries,
                Actor.of(user),
                today,
                public_url=request.app.state.site.settings.public_url,
            )
        except RuleViolation as problem:
            db.rollback()
            errors = {"cijfers": str(problem)}
        except Conflict as conflict:
            db.rollback()
            db.refresh(aanbieder)
            errors = {
                "cijfers": f"{conflict} Uw invoer staat nog in het formulier: kijk die na en sla opnieuw op."
            }
            return _page(request, db, aanbieder, rows, aanbieder.beschikbaarheid_versie, errors, status=409)
    if errors:
        return _page(request, db, aanbieder, rows, version, errors, status=400)
    db.commit()
    message = "Uw wachttijden en plekken zijn opgeslagen en bevestigd op " + datum(today) + "."
    return see_other(request.url_for("aanbieder_wachttijden").path, message)


@signed_in("aanbieder")
def bevestigen(request: Request, db: Session, user: Gebruiker, form):
    """One click: every figure is still right."""
    back = request.url_for("aanbieder_wachttijden").path
    try:
        count = beschikbaarheid.confirm_all(
            db,
            user.aanbieder_id,
            Actor.of(user),
            clock.today(),
            public_url=request.app.state.site.settings.public_url,
        )
    except RuleViolation as problem:
        return see_other(back, str(problem))
    db.commit()
    return see_other(back, f"Bedankt. Uw {count} cijfers zijn bevestigd op {datum(clock.today())}.")


def _stop_date(text: str) -> date | None:
    """A typed date: 2026-12-31 (what a date field sends) or 31-12-2026; None when empty."""
    for layout in ("%Y-%m-%d", "%d-%m-%Y"):
        try:
            return datetime.strptime(text, layout).date() if text else None
        except ValueError:
            continue
    raise RuleViolation("Vul een datum in, bijvoorbeeld 31-12-2026.", field="tot")


@signed_in("aanbieder")
def instroomstop(request: Request, db: Session, user: Gebruiker, form):
    """Set an instroomstop; on an error the page comes back with the stop form as typed."""
    aanbieder = db.get(Aanbieder, user.aanbieder_id)
    typed = {
        name.removeprefix("stop-"): value.strip()
        for name, value in typed_values(form, tuple(f"stop-{name}" for name in STOP_FIELDS)).items()
    }
    today = clock.today()
    try:
        beschikbaarheid.set_stop(
            db,
            aanbieder.id,
            Actor.of(user),
            typed["hulp"],
            typed["gemeente"] or None,
            typed["reden"],
            _stop_date(typed["tot"]),
            today,
            public_url=request.app.state.site.settings.public_url,
        )
    except RuleViolation as problem:
        db.rollback()
        rows = _rows_of(db, aanbieder.id, lines(db, aanbieder.id, today))
        stop_errors = {f"stop-{problem.field or 'reden'}": str(problem)}
        version = aanbieder.beschikbaarheid_versie
        return _page(request, db, aanbieder, rows, version, stop=typed, stop_errors=stop_errors, status=400)
    db.commit()
    message = "De instroomstop staat aan. Zoekers zien nu dat u geen nieuwe cliënten aanneemt."
    return see_other(request.url_for("aanbieder_wachttijden").path, message)


@signed_in("aanbieder")
def opheffen(request: Request, db: Session, user: Gebruiker, form):
    """End one of the own instroomstops today."""
    back = request.url_for("aanbieder_wachttijden").path
    stop_id = whole_number(request.path_params["stop_id"])
    try:
        beschikbaarheid.lift_stop(
            db,
            user.aanbieder_id,
            stop_id or 0,
            Actor.of(user),
            clock.today(),
            public_url=request.app.state.site.settings.public_url,
        )
    except RuleViolation as problem:
        return see_other(back, str(problem))
    db.commit()
    return see_other(back, "De instroomstop is opgeheven. Zoekers zien uw wachttijd weer.")


routes = [
    Route("/aanbieder/wachttijden", wachttijden, methods=["GET", "POST"], name="aanbieder_wachttijden"),
    Route("/aanbieder/wachttijden/bevestigen", bevestigen, methods=["POST"], name="wachttijden_bevestigen"),
    Route("/aanbieder/instroomstop", instroomstop, methods=["POST"], name="aanbieder_instroomstop"),
    Route(
        "/aanbieder/instroomstop/{stop_id}/opheffen", opheffen, methods=["POST"], name="instroomstop_opheffen"
    ),
]
