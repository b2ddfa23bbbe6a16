"""The outlets of the generated world: names, camps, languages, posting weights, sign-offs.

A core of recognisable handles (``mfa_china``, ``tass_agency``, ``presstv``,
``reuters_world`` ...) is extended with generated ones built from templates
(``sputnik_kz``, ``chinaemb_de``, ``vesti_kazan``, ``oslo_herald`` ...) until
each camp has its share of the outlets. No alias occurs, as whole words,
inside a core outlet's alias (nor the other way round), so that an attribution
("Sputnik said") names one outlet. Handles are unique: a repeated one gets
``_2``, ``_3`` ...

:func:`make_outlets` returns the outlet table with the generator's private
columns: camp and language codes, weights for posting originals and echoes,
the sign-off each outlet appends, and the hostile marks for render tests.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from amplify.synth.codes import BRIDGE_CN2RU, BRIDGE_RU2CN, CAMPS, CN, EN, IR, RU, RUS, WEST, ZH
from amplify.synth.lexicon import spec_pairs, split_spec

__all__ = ["make_outlets", "domain", "HOSTILE_NAMES", "HOSTILE_HANDLES"]

# (handle, camp, kind, name, country, lang, aliases)
_CORE_OUTLETS = [
    ("mfa_russia", RU, "ministry", "Russian Foreign Ministry", "RU", EN, "Russian Foreign Ministry|MFA Russia|Russia's Foreign Ministry"),
    ("tass_agency", RU, "state_media", "TASS", "RU", EN, "TASS|TASS News Agency"),
    ("rt_com", RU, "state_media", "Russia Today", "RU", EN, "Russia Today|RT News"),
    ("sputnik_int", RU, "state_media", "Sputnik International", "RU", EN, "Sputnik International|Sputnik News"),
    ("mzakharova", RU, "diplomat", "Maria Zakharova", "RU", EN, "Maria Zakharova|Zakharova"),
    ("rusembusa", RU, "diplomat", "Russian Embassy in the USA", "RU", EN, "Russian Embassy in the USA|Russian Embassy in Washington"),
    (BRIDGE_CN2RU, RU, "diplomat", "Russian Embassy in China", "RU", EN, "Russian Embassy in China|Russian Embassy in Beijing"),
    ("ria_novosti", RU, "state_media", "РИА Новости", "RU", RUS, "РИА Новости|RIA Novosti"),
    ("mid_rf", RU, "ministry", "МИД России", "RU", RUS, "МИД России|МИД РФ"),
    ("sputnik_china", RU, "state_media", "俄罗斯卫星通讯社", "RU", ZH, "俄罗斯卫星通讯社|Sputnik China"),
    ("mfa_china", CN, "ministry", "Chinese Foreign Ministry", "CN", EN, "Chinese Foreign Ministry|MFA China|China's Foreign Ministry"),
    ("globaltimes", CN, "state_media", "Global Times", "CN", EN, "Global Times|GT"),
    ("xhnews", CN, "state_media", "Xinhua News Agency", "CN", EN, "Xinhua News Agency|Xinhua News"),
    ("cgtn_official", CN, "state_media", "CGTN", "CN", EN, "CGTN|China Global Television Network"),
    ("chinadaily", CN, "state_media", "China Daily", "CN", EN, "China Daily"),
    ("spox_chunying", CN, "diplomat", "Hua Chunying", "CN", EN, "Hua Chunying|Spokesperson Hua Chunying"),
    ("chinaemb_us", CN, "diplomat", "Chinese Embassy in the US", "CN", EN, "Chinese Embassy in the US|Chinese Embassy in Washington"),
    (BRIDGE_RU2CN, CN, "diplomat", "Chinese Embassy in Russia", "CN", EN, "Chinese Embassy in Russia|Chinese Embassy in Moscow"),
    ("mfa_china_zh", CN, "ministry", "中国外交部", "CN", ZH, "中国外交部|中华人民共和国外交部"),
    ("peoplesdaily_cn", CN, "state_media", "人民日报", "CN", ZH, "人民日报|People's Daily"),
    ("cgtn_ru", CN, "state_media", "Си-Джи-Ти-Эн", "CN", RUS, "Си-Джи-Ти-Эн|Китайское телевидение"),
    ("mfa_iran", IR, "ministry", "Iranian Foreign Ministry", "IR", EN, "Iranian Foreign Ministry|MFA Iran|Iran's Foreign Ministry"),
    ("presstv", IR, "state_media", "Press TV", "IR", EN, "Press TV|PressTV"),
    ("irna_en", IR, "state_media", "IRNA", "IR", EN, "IRNA|Islamic Republic News Agency"),
    ("tasnimnews_en", IR, "state_media", "Tasnim News Agency", "IR", EN, "Tasnim News Agency|Tasnim"),
    ("iran_un", IR, "diplomat", "Iran Mission to the UN", "IR", EN, "Iran Mission to the UN|Iran's UN Mission"),
    ("iranemb_uk", IR, "diplomat", "Iranian Embassy in the UK", "IR", EN, "Iranian Embassy in the UK|Iranian Embassy in London"),
    ("statedept", WEST, "ministry", "US State Department", "US", EN, "US State Department|State Department"),
    ("fcdo_uk", WEST, "ministry", "UK Foreign Office", "GB", EN, "UK Foreign Office|Foreign Office|FCDO"),
    ("usemb_kyiv", WEST, "diplomat", "US Embassy Kyiv", "US", EN, "US Embassy Kyiv|US Embassy in Ukraine"),
    ("voa_news", WEST, "state_media", "Voice of America", "US", EN, "Voice of America|VOA"),
    ("rferl", WEST, "state_media", "Radio Free Europe/Radio Liberty", "CZ", EN, "Radio Free Europe/Radio Liberty|RFE/RL"),
    ("reuters_world", WEST, "independent", "Reuters", "GB", EN, "Reuters"),
    ("ap_news", WEST, "independent", "Associated Press", "US", EN, "Associated Press|AP"),
    ("afp_news", WEST, "independent", "AFP", "FR", EN, "AFP|Agence France-Presse"),
    ("dwnews", WEST, "independent", "DW News", "DE", EN, "DW News|Deutsche Welle"),
    ("kyivindependent", WEST, "independent", "The Kyiv Independent", "UA", EN, "The Kyiv Independent|Kyiv Independent"),
]

_COUNTRIES = """
kz:Kazakhstan; uz:Uzbekistan; kg:Kyrgyzstan; tj:Tajikistan; am:Armenia; az:Azerbaijan; ge:Georgia; by:Belarus;
rs:Serbia; hu:Hungary; tr:Turkey; in:India; pk:Pakistan; af:Afghanistan; ir:Iran; iq:Iraq; sy:Syria; lb:Lebanon;
eg:Egypt; sa:Saudi Arabia; ae:the UAE; qa:Qatar; il:Israel; jo:Jordan; dz:Algeria; ly:Libya; ml:Mali;
sd:Sudan; et:Ethiopia; ng:Nigeria; za:South Africa; ke:Kenya; tz:Tanzania; ao:Angola; mz:Mozambique; zw:Zimbabwe;
br:Brazil; ar:Argentina; ve:Venezuela; cu:Cuba; ni:Nicaragua; mx:Mexico; bo:Bolivia; cl:Chile; pe:Peru;
co:Colombia; vn:Vietnam; la:Laos; kh:Cambodia; mm:Myanmar; th:Thailand; my:Malaysia; id:Indonesia; ph:the Philippines;
sg:Singapore; kr:South Korea; kp:North Korea; jp:Japan; mn:Mongolia; lk:Sri Lanka; bd:Bangladesh; np:Nepal;
de:Germany; fr:France; it:Italy; es:Spain; pt:Portugal; gr:Greece; bg:Bulgaria; ro:Romania; pl:Poland; cz:Czechia;
sk:Slovakia; at:Austria; ch:Switzerland; be:Belgium; nl:the Netherlands; dk:Denmark; se:Sweden; no:Norway;
fi:Finland; ee:Estonia; lv:Latvia; lt:Lithuania; ie:Ireland; gb:the UK; ca:Canada; au:Australia; nz:New Zealand;
us:the USA; ua:Ukraine; md:Moldova; cy:Cyprus; mt:Malta; is:Iceland; om:Oman; kw:Kuwait; bh:Bahrain; ye:Yemen
"""
_WEST_CITIES = """
Oslo; Bergen; Stockholm; Gothenburg; Helsinki; Tampere; Tallinn; Riga; Vilnius; Warsaw; Krakow; Gdansk; Prague;
Brno; Vienna; Graz; Berlin; Hamburg; Munich; Cologne; Frankfurt; Leipzig; Dresden; Zurich; Geneva; Basel; Lyon;
Marseille; Bordeaux; Lille; Paris; Brussels; Antwerp; Ghent; Amsterdam; Rotterdam; Utrecht; Copenhagen; Aarhus;
Dublin; Cork; London; Manchester; Leeds; Bristol; Glasgow; Edinburgh; Cardiff; Belfast; Madrid; Barcelona;
Valencia; Seville; Lisbon; Porto; Rome; Milan; Turin; Naples; Bologna; Athens; Thessaloniki; Bucharest; Cluj;
Sofia; Zagreb; Ljubljana; Bratislava; Budapest; Boston; Chicago; Denver; Seattle; Portland; Austin; Atlanta;
Toronto; Montreal; Vancouver; Ottawa; Sydney; Melbourne; Auckland
"""
_WEST_PAPERS = "Herald; Observer; Tribune; Chronicle; Gazette; Post; Times; Monitor; Courier; Ledger; Sentinel; Dispatch; Review; Standard; Journal; Examiner; Record; Bulletin"
_RU_CITIES = """
moskva:Москва; spb:Санкт-Петербург; novosibirsk:Новосибирск; ekb:Екатеринбург; kazan:Казань; samara:Самара;
omsk:Омск; rostov:Ростов; ufa:Уфа; krasnoyarsk:Красноярск; perm:Пермь; voronezh:Воронеж; volgograd:Волгоград;
krasnodar:Краснодар; saratov:Саратов; tyumen:Тюмень; irkutsk:Иркутск; khabarovsk:Хабаровск; vladivostok:Владивосток;
yaroslavl:Ярославль; tomsk:Томск; kemerovo:Кемерово; orenburg:Оренбург; ryazan:Рязань; penza:Пенза; astrakhan:Астрахань;
kaliningrad:Калининград; murmansk:Мурманск; sochi:Сочи; sevastopol:Севастополь
"""
_RU_OUTLET_TPL = [("vesti_{c}", "Вести {C}"), ("ria_{c}", "РИА {C}"), ("{c}_info", "{C} Инфо"), ("{c}_online", "{C} онлайн"),
                  ("{c}_tv", "{C} ТВ"), ("novosti_{c}", "Новости {C}")]
# Bylines of independent journalists: deliberately not among the people named in texts.
_BYLINE_FIRST = "Hannah Olivia Noah Liam Ethan Chloe Maya Oscar Felix Ingrid Astrid Henrik Sven Marta Tomas Elise Rafael"
_BYLINE_LAST = ("Lindqvist Haugen Berg Novak Dvorak Keller Brandt Vogel Richter Lambert Girard Costa Ferreira Moretti "
                "Romano Quinn Doyle Byrne Walsh Kelly")
_ZH_CITIES = """
beijing:北京; shanghai:上海; guangzhou:广州; shenzhen:深圳; tianjin:天津; chongqing:重庆; wuhan:武汉; chengdu:成都;
nanjing:南京; hangzhou:杭州; xian:西安; harbin:哈尔滨; shenyang:沈阳; dalian:大连; qingdao:青岛; xiamen:厦门;
kunming:昆明; urumqi:乌鲁木齐; lhasa:拉萨; changsha:长沙; zhengzhou:郑州; jinan:济南; fuzhou:福州; nanning:南宁
"""
_ZH_OUTLET_TPL = [("{c}_ribao", "{C}日报"), ("{c}_dianshitai", "{C}电视台"), ("{c}_wanbao", "{C}晚报"), ("{c}_xinwen", "{C}新闻网")]

# Shared sign-offs (boilerplate). Many outlets append the *same* one to unrelated
# posts: realistic, and the hardest kind of negative for a text matcher.
_SIGNOFFS = {
    (RU, EN): ["Follow us on Telegram", "Subscribe for more", "#StandWithRussia", "#StandWithRussia #Multipolarity",
               "Join us on Telegram for uncensored news", "Share this post to break the information blockade"],
    (CN, EN): ["Subscribe for more", "Follow us on Telegram", "#China #Diplomacy", "Read more on our website",
               "Stay tuned for more updates"],
    (IR, EN): ["Follow us on Telegram", "Subscribe for more", "#Iran #Resistance", "Share this post to break the information blockade"],
    (WEST, EN): ["Subscribe for more", "Sign up for our newsletter", "Read the full story at the link in bio"],
    (RU, RUS): ["Подписывайтесь на наш Telegram-канал", "#СвоихНеБросаем", "Больше новостей на нашем сайте"],
    (CN, RUS): ["Подписывайтесь на наш Telegram-канал", "Больше новостей на нашем сайте"],
    (RU, ZH): ["关注我们，获取更多资讯", "欢迎转发"],
    (CN, ZH): ["关注我们，获取更多资讯", "欢迎转发", "#中国外交#"],
}

# Hostile names and handles (for render tests): markup, quotes that break attributes, entities, control characters.
HOSTILE_NAMES = [
    "<script>window.__pwned=1</script> News",
    "Evil \"Outlet\" <img src=x onerror=alert(1)>",
    "O'Brien & Sons </b><i>",
    "&lt;Agency&gt; \x07\x1b[0m",
    "javascript:alert(1)",
]
HOSTILE_HANDLES = ["x<script>alert(1)</script>", "q\"'><b>h", "amp&lt;x&gt;", "ctl\x07\x1b"]

# English templates of generated outlets per camp, one per country:
# (handle, kind, name, aliases) with {c} the country code and {n} its name.
_EN_TEMPLATES = {
    RU: [("sputnik_{c}", "state_media", "Sputnik {n}", "Sputnik {n}"),
         ("rusemb_{c}", "diplomat", "Russian Embassy in {n}", "Russian Embassy in {n}|Russia in {n}"),
         ("rusconsul_{c}", "diplomat", "Russian Consulate General in {n}", "Russian Consulate General in {n}"),
         ("rushouse_{c}", "diplomat", "Russian House in {n}", "Russian House in {n}"),
         ("rustrade_{c}", "diplomat", "Russian Trade Mission in {n}", "Russian Trade Mission in {n}")],
    CN: [("chinaemb_{c}", "diplomat", "Chinese Embassy in {n}", "Chinese Embassy in {n}|China in {n}"),
         ("xinhua_{c}", "state_media", "Xinhua {n}", "Xinhua {n}"),
         ("cri_{c}", "state_media", "China Radio International {n}", "China Radio International {n}|CRI {n}"),
         ("ecns_{c}", "state_media", "China News Service {n}", "China News Service {n}"),
         ("chinaconsul_{c}", "diplomat", "Chinese Consulate General in {n}", "Chinese Consulate General in {n}"),
         ("chinatrade_{c}", "diplomat", "Chinese Commercial Office in {n}", "Chinese Commercial Office in {n}")],
    IR: [("iranemb_{c}", "diplomat", "Iranian Embassy in {n}", "Iranian Embassy in {n}|Iran in {n}"),
         ("irib_{c}", "state_media", "IRIB {n}", "IRIB {n}"),
         ("mehrnews_{c}", "state_media", "Mehr News {n}", "Mehr News {n}"),
         ("parstoday_{c}", "state_media", "Pars Today {n}", "Pars Today {n}"),
         ("iranconsul_{c}", "diplomat", "Iranian Consulate in {n}", "Iranian Consulate in {n}")],
    WEST: [("usemb_{c}", "diplomat", "US Embassy in {n}", "US Embassy in {n}"),
           ("ukemb_{c}", "diplomat", "British Embassy in {n}", "British Embassy in {n}")],
}
_CAMP_COUNTRY = {RU: "RU", CN: "CN", IR: "IR", WEST: ""}

# Share of the outlets in each camp (the core outlets count towards it).
_CAMP_OUTLET_SHARE = {RU: 0.28, CN: 0.24, IR: 0.14, WEST: 0.34}
# Share of the generated outlets that write in Russian (RU) or Chinese (CN).
_OTHER_LANG_SHARE = {RU: 0.25, CN: 0.12}
# Each camp's share of the original posts: fixed, so that camp-level structure
# does not hinge on a few heavy outlets.
_CAMP_ORIGINALS_SHARE = {RU: 0.27, CN: 0.24, IR: 0.14, WEST: 0.35}
# Relative weights for posting originals and echoes, by outlet kind; each
# outlet's weight is multiplied by a log-normal factor (sigma below), and core
# outlets by the boosts.
_ORIG_WEIGHT_BY_KIND = {"ministry": 3.0, "diplomat": 0.5, "state_media": 2.0, "independent": 1.6}
_ECHO_WEIGHT_BY_KIND = {"ministry": 0.25, "diplomat": 2.2, "state_media": 1.4, "independent": 0.5}
_WEIGHT_SIGMA = 0.8
_CORE_ORIG_BOOST, _CORE_ECHO_BOOST = 4.0, 2.0
_WEST_ECHO_FACTOR = 0.6  # WEST posts plenty but echoes little (and only its own camp)
_BRIDGE_ECHO_SHARE = 0.04  # of all echo weight, each: bridges are among the busiest echoers
_BRIDGE_ORIG_WEIGHT = 0.002  # few originals of their own
# Sign-offs: the share of outlets that have one, and how often they append it.
_SIGNOFF_OUTLET_P = 0.55
_SIGNOFF_POST_P = (0.5, 0.95)

_PAPERS = split_spec(_WEST_PAPERS)
_RU_CITY_PAIRS = spec_pairs(_RU_CITIES)
_ZH_CITY_PAIRS = spec_pairs(_ZH_CITIES)


def make_outlets(rng: np.random.Generator, n_out: int, surge_term: str, hostile_fraction: float) -> pd.DataFrame:
    """The outlet table with the generator's private columns.

    Parameters
    ----------
    rng : numpy.random.Generator
        The run's generator.
    n_out : int
        Wanted number of outlets (a camp may stay a little smaller at the
        largest sizes rather than repeat a name).
    surge_term : str
        No generated outlet is named after a country or city containing it.
    hostile_fraction : float
        Share of the non-core outlets given hostile names (and every other one
        a hostile handle).

    Returns
    -------
    DataFrame
        ``outlet, camp, kind, name, country, lang, aliases, core, w_orig,
        w_echo, signoff, signoff_p, signoff_sep, hostile, group``; ``camp`` and
        ``lang`` are codes, ``group`` the camp's name.
    """
    df = pd.DataFrame(_outlet_rows(rng, n_out, surge_term))
    _set_weights(rng, df)
    _deal_signoffs(rng, df)
    _make_hostile(rng, df, hostile_fraction)
    df["group"] = [CAMPS[c] for c in df["camp"]]
    return df.reset_index(drop=True)


def domain(handle: str) -> str:
    """The outlet's made-up web domain (``tass_agency`` -> ``tassagency.example``)."""
    slug = "".join(ch for ch in handle.lower() if ch.isalnum()) or "outlet"
    return f"{slug}.example"


class _Roster:
    """Outlet rows with unique handles: a repeated handle gets ``_2``, ``_3`` ..."""

    def __init__(self):
        self.rows: list[dict] = []
        self._seen: set[str] = set()

    def add(self, handle, camp, kind, name, country, lang, aliases, core=False) -> None:
        base, k = handle, 2
        while handle in self._seen:
            handle, k = f"{base}_{k}", k + 1
        self._seen.add(handle)
        self.rows.append(dict(outlet=handle, camp=camp, kind=kind, name=name, country=country, lang=lang,
                              aliases=aliases, core=core))


def _outlet_rows(rng, n_out: int, surge_term: str) -> list[dict]:
    """The core outlets, then each camp's generated ones up to its quota."""
    term = surge_term.casefold()
    countries = [(c, n) for c, n in spec_pairs(_COUNTRIES) if not term or term not in n.casefold()]
    cities = [c for c in split_spec(_WEST_CITIES) if not term or term not in c.casefold()]
    roster = _Roster()
    for h, camp, kind, name, country, lang, aliases in _CORE_OUTLETS:
        roster.add(h, camp, kind, name, country, lang, aliases, core=True)
    core_aliases = [a.casefold() for o in _CORE_OUTLETS for a in o[6].split("|")]
    core_n = {c: sum(1 for o in _CORE_OUTLETS if o[1] == c) for c in _CAMP_OUTLET_SHARE}
    quota = {c: max(core_n[c] + 1, int(round(share * n_out))) for c, share in _CAMP_OUTLET_SHARE.items()}
    for camp in (RU, CN, IR, WEST):
        need = quota[camp] - core_n[camp]
        cands = _candidates(rng, camp, countries, cities, core_aliases)
        if camp in _OTHER_LANG_SHARE:
            # Keep a realistic share of Russian- and Chinese-language outlets.
            other = [c for c in cands if c[5] != EN]
            eng = [c for c in cands if c[5] == EN]
            n_other = int(round(need * _OTHER_LANG_SHARE[camp]))
            cands = other[:n_other] + eng
        # At the largest sizes a camp may run out of plausible names: it then
        # stays a little smaller rather than repeat one.
        for h, cp, kind, name, country, lang, aliases in cands[:max(0, need)]:
            roster.add(h, cp, kind, name, country, lang, aliases)
    return roster.rows


def _candidates(rng, camp: int, countries, cities, core_aliases) -> list[tuple]:
    """Every plausible generated outlet of ``camp``, in a random order.

    Rows are ``(handle, camp, kind, name, country, lang, aliases)``: English
    templates over the countries (in a random order), then the camp's
    Russian or Chinese city outlets, or WEST's city papers and journalists.
    """
    order = rng.permutation(len(countries))
    out = []
    country = _CAMP_COUNTRY[camp]
    for cc, cn in [countries[i] for i in order]:
        for h, kind, nm, al in _EN_TEMPLATES[camp]:
            c2 = "US" if h.startswith("usemb") else "GB" if h.startswith("ukemb") else country
            out.append((h.format(c=cc), camp, kind, nm.format(n=cn), c2, EN, al.format(n=cn)))
    if camp == RU:
        for c, cname in _RU_CITY_PAIRS:
            for h, nm in _RU_OUTLET_TPL:
                out.append((h.format(c=c), RU, "state_media", nm.format(C=cname), "RU", RUS, nm.format(C=cname)))
    elif camp == CN:
        for c, cname in _ZH_CITY_PAIRS:
            for h, nm in _ZH_OUTLET_TPL:
                out.append((h.format(c=c), CN, "state_media", nm.format(C=cname), "CN", ZH, nm.format(C=cname)))
    elif camp == WEST:
        for city in cities:
            for p in _PAPERS:
                slug = city.lower().replace(" ", "")
                out.append((f"{slug}_{p.lower()}", WEST, "independent", f"{city} {p}", "", EN,
                            f"{city} {p}|The {city} {p}"))
        for f in _BYLINE_FIRST.split():
            for last in _BYLINE_LAST.split():
                out.append((f"{f.lower()}{last.lower()}_news", WEST, "independent", f"{f} {last}", "", EN,
                            f"{f} {last}|journalist {f} {last}"))
    # An alias must never contain, or be contained in, a core outlet's alias:
    # attribution ("Sputnik said") would become ambiguous.
    out = [o for o in out if not any((a in c and _contains_words(a, c)) or (c in a and _contains_words(c, a))
                                     for a in o[6].casefold().split("|") for c in core_aliases)]
    order = rng.permutation(len(out))
    return [out[i] for i in order]


def _contains_words(needle: str, hay: str) -> bool:
    """``needle`` occurs in ``hay`` as whole words."""
    return re.search(r"(?<!\w)" + re.escape(needle) + r"(?!\w)", hay) is not None


def _set_weights(rng, df: pd.DataFrame) -> None:
    """Columns ``w_orig`` and ``w_echo``: how much each outlet posts originals and echoes."""
    n = len(df)
    lognorm_o = rng.lognormal(0.0, _WEIGHT_SIGMA, n)
    lognorm_e = rng.lognormal(0.0, _WEIGHT_SIGMA, n)
    core = df["core"].to_numpy()
    df["w_orig"] = df["kind"].map(_ORIG_WEIGHT_BY_KIND).to_numpy() * lognorm_o * np.where(core, _CORE_ORIG_BOOST, 1.0)
    df["w_echo"] = df["kind"].map(_ECHO_WEIGHT_BY_KIND).to_numpy() * lognorm_e * np.where(core, _CORE_ECHO_BOOST, 1.0)
    for c, share in _CAMP_ORIGINALS_SHARE.items():
        m = (df["camp"] == c).to_numpy()
        df.loc[m, "w_orig"] *= share / df.loc[m, "w_orig"].sum()
    df.loc[df["camp"] == WEST, "w_echo"] *= _WEST_ECHO_FACTOR
    tot = df["w_echo"].sum()
    for b in (BRIDGE_CN2RU, BRIDGE_RU2CN):
        df.loc[df["outlet"] == b, "w_echo"] = _BRIDGE_ECHO_SHARE * tot
        df.loc[df["outlet"] == b, "w_orig"] = _BRIDGE_ORIG_WEIGHT


def _deal_signoffs(rng, df: pd.DataFrame) -> None:
    """Columns ``signoff``, ``signoff_p`` and ``signoff_sep``.

    About half of the outlets append a shared sign-off to most posts. Options
    are dealt round-robin within each (camp, language), so the most common ones
    ("Follow us on Telegram", "Subscribe for more") always span several
    outlets and camps, however few outlets there are.
    """
    so_text, so_prob, so_sep = [], [], []
    dealt: dict = {}
    for camp, lang in zip(df["camp"], df["lang"]):
        opts = _SIGNOFFS.get((camp, lang))
        if opts and rng.random() < _SIGNOFF_OUTLET_P:
            k = dealt.get((camp, lang), 0)
            dealt[(camp, lang)] = k + 1
            so_text.append(opts[k % len(opts)])
            so_prob.append(float(rng.uniform(*_SIGNOFF_POST_P)))
            so_sep.append("" if lang == ZH else (" " if rng.random() < 0.5 else "\n\n"))
        else:
            so_text.append("")
            so_prob.append(0.0)
            so_sep.append(" ")
    df["signoff"] = so_text
    df["signoff_p"] = so_prob
    df["signoff_sep"] = so_sep


def _make_hostile(rng, df: pd.DataFrame, hostile_fraction: float) -> None:
    """Column ``hostile``; hostile names (and every other one a hostile handle), never on core outlets."""
    df["hostile"] = False
    if hostile_fraction <= 0:
        return
    cand = np.flatnonzero(~df["core"].to_numpy())
    k = min(len(cand), max(1, int(round(hostile_fraction * len(df)))))
    pick = np.sort(rng.choice(cand, size=k, replace=False))
    for j, i in enumerate(pick.tolist()):
        df.at[i, "name"] = HOSTILE_NAMES[j % len(HOSTILE_NAMES)] + f" {j}"
        df.at[i, "aliases"] = df.at[i, "name"] + "|" + HOSTILE_NAMES[(j + 1) % len(HOSTILE_NAMES)] + f" {j}"
        if j % 2 == 0:
            df.at[i, "outlet"] = HOSTILE_HANDLES[(j // 2) % len(HOSTILE_HANDLES)] + f"_{j}"
        df.at[i, "hostile"] = True
