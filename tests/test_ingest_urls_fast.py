"""normalize_url's shortcut for plain addresses gives what urlsplit/urlunsplit give: compared on
random addresses built from plain and awkward pieces (case, www., ports, users, queries with
tracking parameters, fragments, brackets, percent signs, non-ASCII, the Kelvin sign, empty hosts)."""

import numpy as np
import pytest

from amplify.ingest import urls as U

SCHEMES = ["http://", "https://", "HTTP://", "HtTpS://", "ftp://", "", "www.", "WWW.", "http:/", "https:///"]
HOSTS = ["example.com", "WWW.Example.COM", "www.", "a", "x-y.z.", "127.0.0.1", "[::1]", "user@host.org",
         "host.org:80", "host.org:443", "host.org:8080", "host.org:x", "\u212aelvin.org", "\u017ftrange.org",
         "пример.рф", "xn--e1afmkfd.xn--p1ai", "", ".", "-"]
PATHS = ["", "/", "//", "/a/b/", "/a//b", "//x", "/Story/", "/%7Euser", "/a;b=c", "/a:b@c", "/it's", "/é",
         "/a b", "/a\tb", "/(x)", "/~!$&*+,=", "/a/", "/.."]
TAILS = ["", "?", "?id=7", "?utm_source=x&id=1", "?fbclid=1", "#top", "?a=1#f", "/", "?A=%20"]


def _random_urls(n, seed):
    rng = np.random.default_rng(seed)
    pick = lambda xs: xs[int(rng.integers(0, len(xs)))]   # noqa: E731
    out = []
    for _ in range(n):
        out.append(pick(SCHEMES) + pick(HOSTS) + pick(PATHS) + pick(TAILS) + ("  " if rng.random() < .1 else ""))
    return out


@pytest.mark.parametrize("seed", range(4))
def test_shortcut_equals_urlsplit_rules(seed):
    urls = _random_urls(4000, seed)
    fast = [U._normalize_uncached(u) for u in urls]
    slow = [U._normalize_uncached(u, fast=False) for u in urls]
    assert fast == slow
    taken = sum(U._SIMPLE.fullmatch(u.strip()) is not None for u in urls)
    assert taken > 100   # the shortcut is really exercised


def test_shortcut_examples():
    for u in ["https://www.Example.com/news/Story/", "http://www./x", "http://www.//x", "HTTP://A.COM",
              "https://a.com//b//", "http://\u212aelvin.org/a", "https://t.co/abc"]:
        assert U._normalize_uncached(u) == U._normalize_uncached(u, fast=False), u
    assert U.normalize_url("https://www.Example.com/news/Story/") == "https://example.com/news/Story"
