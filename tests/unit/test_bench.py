"""The benchmark's traffic is what the issue asks for: a realistic mix of at least 100 URLs for
first-time and returning visitors, and at least 5,000 distinct searches for the cold mix."""

from urllib.parse import parse_qsl, urlsplit

from keuzehulp.bench import traffic_mixes


def test_verkeer_is_gevarieerd_en_de_koude_mix_is_uniek(empty_world):
    realistic, cold = traffic_mixes(empty_world.taxonomy)
    assert len({path for path, _ in realistic}) >= 100
    assert any(fragment for _, fragment in realistic)  # htmx fragments too
    assert len(cold) >= 5000 and len({path for path, _ in cold}) == len(cold)
    params = [dict(parse_qsl(urlsplit(path).query)) for path, _ in realistic + cold]
    assert any("pagina" in p for p in params) and any(p.get("sort") == "afstand" for p in params)
    assert any("q" in p for p in params) and any("gemeente" in p for p in params)
