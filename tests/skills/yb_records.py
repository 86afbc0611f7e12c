"""Records in the shape of Arbetsförmedlingen's published `yrkesbarometer.json`.

The shape (field names, value wordings, nulls, several SSYK codes in one string, the
paradox list) is the published one (data.arbetsformedlingen.se/prognoser/yrkesbarometer.json,
CC0). The values here are illustrative, not Arbetsförmedlingen's assessments.
"""

from __future__ import annotations

# The 21 county codes and "00" for Sweden, as in the published file.
LAN = [
    "00",
    "01",
    "03",
    "04",
    "05",
    "06",
    "07",
    "08",
    "09",
    "10",
    "12",
    "13",
    "14",
    "17",
    "18",
    "19",
    "20",
    "21",
    "22",
    "23",
    "24",
    "25",
]
NO_BASIS = "På grund av begränsat underlag görs ingen bedömning."


def record(**overrides) -> dict:
    base = {
        "yrkesomrade": "Installation, drift, underhåll",
        "yb_yrke": "Motorfordonsmekaniker och fordonsreparatörer",
        "yb_concept_id": "Xmpl_Mek_7231",
        "lan": "18",
        "antal_ssyk": 1,
        "del_av_ssyk": 0,
        "ssyk": "7231",
        "ssyk_text": "Motorfordonsmekaniker och fordonsreparatörer",
        "yb_beskrivning": None,
        "jobbmojligheter": "stora",
        "rekryteringssituation": "brist",
        "paradox": [],
        "prognos": "öka",
        "text_jobbmojligheter": "Möjligheterna till arbete bedöms vara stora (illustrativ text).",
        "text_rekryteringssituation": "Arbetsgivarna bedöms ha svårt att rekrytera (illustrativ text).",
        "hogsta_bedomningsniva": "nationellt",
        "delvis_helt": "delvis",
        "omgang": "2025-2",
        "taxonomi_version": 27,
    }
    return {**base, **overrides}


def not_assessed(**overrides) -> dict:
    return record(
        jobbmojligheter=None,
        rekryteringssituation=None,
        prognos=None,
        text_jobbmojligheter=NO_BASIS,
        text_rekryteringssituation=NO_BASIS,
        hogsta_bedomningsniva=None,
        delvis_helt=None,
        **overrides,
    )


def published_file(occupations: int = 219) -> list[dict]:
    """A file as large as the published one: `occupations` × 22 lan (4,818 records for 219),
    about a quarter of them without an assessment, some with several SSYK codes, some paradox."""
    situations = ["brist", "balans", "överskott", "paradox"]
    outlooks = ["öka", "vara oförändrad", "minska"]
    chances = ["små", "medelstora", "stora"]
    records = []
    for n in range(occupations):
        codes = [f"{2000 + 7 * n + k:04d}" for k in range(1 + (n % 7 == 0) * 5)]
        for m, lan in enumerate(LAN):
            common = {
                "yb_yrke": f"Yrke {n}",
                "yb_concept_id": f"Xmpl_{n:04d}",
                "yrkesomrade": f"Yrkesområde {n % 20}",
                "ssyk": ", ".join(codes),
                "antal_ssyk": len(codes),
                "ssyk_text": f"SSYK-grupp {codes[0]}",
                "yb_beskrivning": f"Beskrivning av yrke {n}." if n % 3 else None,
                "lan": lan,
            }
            if (n + m) % 4 == 3:
                records.append(not_assessed(**common))
                continue
            situation = situations[(n + 2 * m) % 4]
            records.append(
                record(
                    **common,
                    rekryteringssituation=situation,
                    paradox=["Många sökande saknar efterfrågad erfarenhet."]
                    if situation == "paradox"
                    else [],
                    prognos=outlooks[(n + m) % 3],
                    jobbmojligheter=chances[(n * m) % 3],
                    hogsta_bedomningsniva=["län", "regionalt", "nationellt"][m % 3],
                    delvis_helt=["delvis", "helt"][n % 2],
                )
            )
    return records
