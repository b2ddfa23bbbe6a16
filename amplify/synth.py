"""Seeded ground-truth corpus generator: a small world of outlets that echo each other.

Every quality claim amplify makes (precision and recall of the detector, the
synergy and bridging analyses, surge detection, safe rendering) is measured
against a corpus whose truth is known. This module builds that corpus,
deterministically from a seed, at any size from a few hundred posts to
millions.

The world
---------
**Outlets** in four camps: ``RU``, ``CN``, ``IR`` and ``WEST``. The first three
hold foreign ministries (``ministry``), embassies and officials (``diplomat``)
and ``state_media``; ``WEST`` holds mostly ``independent`` media plus a few
ministries, embassies and public broadcasters. A core of recognisable handles
(``mfa_china`` "Chinese Foreign Ministry", ``tass_agency`` "TASS",
``globaltimes``, ``presstv``, ``reuters_world`` ...) is extended with generated
ones (``sputnik_kz``, ``chinaemb_de``, ``vesti_kazan``, ``oslo_herald`` ...),
about ``n_posts / 200`` outlets in all (at least 40, at most 3,000). Each
outlet writes in one language: English, Russian (Cyrillic) or Chinese (CJK,
no spaces between words); each has a display ``name`` and ``aliases`` it is
cited by ("Chinese Foreign Ministry|MFA China|China's Foreign Ministry"). No
alias occurs, as whole words, inside another outlet's alias, and generic
subjects in texts ("The Foreign Ministry", "Beijing") never spell an alias, so
attribution can be measured.

**Original posts** are news- and statement-like texts of about 30-60 words,
built from sentence skeletons filled from a vocabulary of a few thousand words
(in synonym groups, so paraphrases can swap words), people, places, numbers
and each camp's stock phrases ("win-win cooperation", "the collective West").
Optional slots vary sentences built from one skeleton. Unrelated posts share
few long runs of words, while stock phrases, sign-offs and reporting clauses
("The Turkish army said that") give the realistic short shared runs a detector
must learn to ignore. Measured at 20,000 posts with stock phrases and sign-offs
cut out: about 8 % of English originals share two or more rare 5-word runs
with one same unrelated original, about 1 % three or more. Publication times
follow a daily rhythm (peak around 13:00 UTC) over ``days`` days; each camp has
a fixed share of the original posts (RU 27 %, CN 24 %, IR 14 %, WEST 35 %).

**Echoes** are later posts by *other* outlets that copy an earlier post, with
a heavy-tailed lag (minutes to days; mostly under two days, never more than
seven):

``repost``
    A platform repost: ``reposted_id`` is set; the text is the source text,
    sometimes behind ``RT @handle:``.
``verbatim``
    The same text with at most a tiny change (a hashtag, a link, a
    ``BREAKING:`` prefix, a changed letter case, the echoer's sign-off).
``quote``
    A 12-40 word span of the source inside new text, with or without
    attribution ("the Chinese Foreign Ministry said: ..."); a fifth of them are
    platform quote posts (``quoted_id`` set).
``paraphrase``
    Synonym substitutions, deletions, insertions and reordered sentences,
    keeping 70-85 % of the source's words; a quarter name their source.
``truncation``
    A prefix of at least 60 % of the source, often ending in "..." or a
    "Read more" link.

Echoes keep the script of their source (a Chinese post is echoed in Chinese by
a Chinese-language outlet, e.g. ``sputnik_china``). Echoes of echoes make
chains (A -> B -> C, the parent of C is B), and a few *viral families* have one
statement echoed by dozens of outlets within hours.
Only quote and paraphrase echoes are echoed again: their text differs from
their own source, so the planted parent is recoverable from the text (a copy
of a repost or a verbatim copy is textually a copy of the root).

What is planted
---------------
``truth_links``
    One row per echo: ``source_id`` (the direct parent), ``target_id``,
    ``kind``, ``root_id`` (the original at the top of the chain),
    ``attributed`` (the target names its source by name, alias or @handle) and
    ``lag_s``. The source is always strictly earlier.
Camp structure
    RU and CN amplify each other far more than their volume predicts (about
    twice, both ways); IR mostly echoes itself and RU; WEST never echoes
    another camp (only its own posts, whose roots are WEST too). The planted
    camp-to-camp echo probabilities, the observed counts and their lift over
    a volume null are in ``truth``.
Bridges
    ``rusemb_beijing`` (an RU-camp embassy) echoes CN posts and is in turn
    echoed by RU outlets: it *carries CN content into RU*, more than any other
    RU outlet. ``chinaemb_moscow`` carries RU content into CN.
Surge
    ``surge_term`` is mentioned in a few posts in every week and in about a
    fifth of English originals during one planted week.
Hard negatives (``negatives``, written to ``truth_negatives.csv``)
    Pairs of *unrelated* originals that must **not** be linked:
    ``boilerplate`` (the same sign-off or hashtags, e.g. "Follow us on
    Telegram", "#StandWithRussia"), ``same_topic`` (same place and subject,
    different words), ``shared_entity`` (the same person and nothing else) and
    ``near_miss`` (one shared 4-6 word phrase).
Hostile text
    With ``hostile_fraction > 0`` that share of posts and outlets carry
    markup and control characters (``<script>``, ``onerror=``, ``javascript:``
    URLs, quotes that break attributes, HTML entities), for render tests.

Files
-----
:func:`write_corpus` writes ``posts.csv``, ``outlets.csv``,
``truth_links.csv``, ``truth_negatives.csv`` and ``truth.json`` (UTF-8, each
atomically); :func:`read_corpus` reads them back.

Speed and determinism
---------------------
Token ids are drawn as numpy arrays per category and joined into texts by
Arrow; only echo edits run per post in Python. One million posts take about
18 s to generate and 2 s to write on two cores (2 GB of memory); 20,000 take
about 0.4 s. Everything derives from ``numpy.random.default_rng(seed)``
(per-echo edits use a ``random.Random`` seeded from it, which is faster for
many small draws): the same seed gives the same files, byte for byte.

Examples
--------
>>> from amplify.synth import generate
>>> corpus = generate(n_posts=2000, seed=1)
>>> len(corpus.posts)
2000
>>> sorted(corpus.truth_links["kind"].unique())
['paraphrase', 'quote', 'repost', 'truncation', 'verbatim']
"""

from __future__ import annotations

import json
import math
import os
import random
import re
import tempfile
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from amplify import schema

__all__ = [
    "Corpus",
    "generate",
    "write_corpus",
    "read_corpus",
    "CAMPS",
    "ECHO_KINDS",
    "NEGATIVE_KINDS",
    "CORPUS_FILES",
]

#: Camps of the generated world, in a fixed order (index = camp code).
CAMPS = ("RU", "CN", "IR", "WEST")
#: Echo kinds planted, as they appear in ``truth_links.kind``.
ECHO_KINDS = ("repost", "verbatim", "quote", "paraphrase", "truncation")
#: Kinds of hard-negative pairs (posts that must not be linked).
NEGATIVE_KINDS = ("boilerplate", "same_topic", "shared_entity", "near_miss")
#: Files written by :func:`write_corpus`.
CORPUS_FILES = ("posts.csv", "outlets.csv", "truth_links.csv", "truth_negatives.csv", "truth.json")

FORMAT_VERSION = 1

RU, CN, IR, WEST = 0, 1, 2, 3
EN, RUS, ZH = 0, 1, 2  # language codes
LANGS = ("en", "ru", "zh")
# Pseudo-camp columns of the echo matrix: "the posts of a bridge outlet".
BR_CN2RU, BR_RU2CN = 4, 5
BRIDGE_CN2RU = "rusemb_beijing"
BRIDGE_RU2CN = "chinaemb_moscow"

SEP = "\x1f"  # token separator inside generated bodies; never reaches the output
DAY_S = 86400
MAX_LAG_S = 7 * DAY_S - 1
MIN_LAG_S = 45  # never zero: a source and its echo never share a timestamp

# ---------------------------------------------------------------------------
# Vocabulary. Groups are synonyms ('|'), separated by ';'. Order roughly by
# frequency: earlier entries are drawn more often (a mild Zipf law).
# Nouns marked '*' are uncountable (no plural form).
# ---------------------------------------------------------------------------

_EN_NOUNS = """
sanction|restriction|penalty; agreement|deal|accord|pact; talk|negotiation|consultation; country|nation;
government|administration|leadership; official|representative|envoy; leader|chief; minister|secretary;
ministry|department; army|force; soldier|serviceman|trooper; missile|rocket; drone; attack|strike|assault;
crisis|emergency; conflict|war|confrontation; *peace; *security|*safety; *stability; *cooperation|*collaboration|partnership;
relationship|tie|relation; economy|market; *trade|*commerce; investment|funding; pipeline; *oil|*crude; *gas;
*energy; *grain|*wheat; price|cost; *inflation; currency; bank|lender; loan|credit; debt|liability; budget;
export|shipment; import; supply|delivery; port|harbour; border|frontier; territory|region|area; province|district;
city|town; village|settlement; election|vote|poll; referendum|plebiscite; protest|demonstration|rally;
riot|disturbance; *police; court|tribunal; law|statute; rule|regulation; decision|ruling|verdict;
investigation|probe|inquiry; report|account; statement|declaration|communique; speech|address|remark; interview;
briefing; meeting|summit|gathering; visit|trip|tour; delegation|mission; embassy|consulate; alliance|bloc|coalition;
partner|ally; neighbour; enemy|adversary|foe; threat|danger|menace; provocation|escalation;
*propaganda|*disinformation|*misinformation; *media|*press; journalist|reporter|correspondent; newspaper|publication;
video|footage|clip; photo|image|picture; document|paper|file; *evidence|*proof; claim|allegation|accusation;
lie|falsehood|fabrication; *truth|fact|reality; interest|concern; right|freedom|liberty; *sovereignty|*independence;
*integrity; *dignity|*respect; principle|norm|standard; value; culture|heritage|tradition; *history; future|prospect|outlook;
plan|scheme|programme|initiative; project|venture; strategy|approach|policy; goal|aim|objective|target; step|measure|move;
action|activity|operation; effort|attempt|bid; response|reaction|reply; warning|caution; demand|request|call;
proposal|offer|suggestion; *support|backing|*assistance|*aid; resource|asset; *infrastructure; facility|installation|site;
plant|factory; reactor; technology; chip|semiconductor; satellite; network|grid; system|mechanism|framework;
platform|forum; organisation|body|agency; committee|council|commission; parliament|legislature|assembly; president;
spokesperson|spokesman|spokeswoman; diplomat; expert|analyst|specialist; observer|monitor; citizen|resident|civilian;
refugee|migrant; worker|employee|labourer; farmer|grower; student; community|society|public; family|household; child|minor;
victim|casualty; hospital|clinic; school|university; vaccine; pandemic|outbreak|epidemic; virus|pathogen;
*climate|*environment; flood|deluge; drought; earthquake|quake|tremor; disaster|catastrophe; fire|blaze|wildfire;
storm|typhoon|cyclone; harvest|crop; *food; *water; road|highway|route; railway|railroad; bridge|crossing;
airport|airfield; flight|aircraft|plane; ship|vessel|boat; tanker; fleet|navy; base|outpost; exercise|drill|manoeuvre;
deployment|buildup; arsenal|stockpile; cyberattack|hack; *espionage|*spying; spy|agent; *sabotage; militant|extremist;
*terrorism|*extremism; *corruption|*graft|*bribery; scandal|controversy; fraud|scam; crime|offence; prisoner|detainee;
hearing|session; majority; opposition|dissent; activist|campaigner; *hegemony|*dominance|*supremacy;
*imperialism|*colonialism; *multipolarity; *globalisation; development|growth|progress; *modernisation;
reform|overhaul|change; revival|recovery|rebound; decline|downturn|slump; collapse|breakdown; victory|triumph|success;
defeat|setback|failure; loss|damage; gain|benefit|advantage; risk|hazard; challenge|difficulty|problem; issue|matter|question;
solution|remedy; *consensus; dialogue|exchange; *friendship; *solidarity|*unity; *neutrality; *mediation|*arbitration;
ceasefire|truce; corridor|passage; convoy|column; *shelling|*bombardment; offensive|advance|push; counteroffensive;
frontline|front; stronghold|fortress; airstrike|bombing|raid; mine|explosive; blockade|embargo; tariff|duty|levy;
subsidy|grant; contract|order; tender|auction; sector|industry; company|firm|corporation; bond|security;
reserve|fund; harbour|dock; warship|frigate|destroyer; submarine; tank|armoured vehicle; artillery|howitzer;
ammunition|shell; battalion|brigade|unit; commander|general|officer; mercenary; volunteer; pilgrim|traveller;
ceremony|celebration; anniversary|jubilee; exhibition|fair|expo; festival; tournament|championship; athlete;
broadcast|programme; channel|station; website|portal; account|profile; post|message; rumour|hoax; narrative|story;
version|interpretation; motive|reason; consequence|outcome|result; scenario|option; timeline|schedule; deadline;
quota|limit; reserve|surplus; deficit|shortfall; surplus|excess; output|production; capacity; demand|appetite;
shortage|scarcity; queue|backlog; guideline|directive; amendment|revision; charter|constitution; mandate|authority;
jurisdiction; immunity; asylum; visa|permit; passport; citizen; diaspora; minority; tribe|clan; militia|paramilitary
"""

_EN_ADJS = """
new|fresh|recent; major|significant|important|key|crucial; strategic; economic|financial; political; military|defence;
diplomatic; bilateral; multilateral; international|global|worldwide; regional|local; national|domestic|internal;
foreign|external|overseas; western; illegal|unlawful|illegitimate; unilateral; aggressive|hostile|belligerent;
peaceful|non-violent; dangerous|risky|reckless; irresponsible|careless; serious|grave|severe; strong|firm|robust;
weak|fragile|feeble; stable|steady; unstable|volatile; long-term|lasting|durable; short-term|temporary;
comprehensive|broad|extensive; practical|pragmatic; constructive|positive|productive; negative|harmful|damaging;
fair|just|equitable; unfair|unjust|biased; open|transparent; secret|covert|clandestine; false|fake|fabricated|baseless;
genuine|real|authentic; independent|sovereign; democratic; authoritarian|autocratic; nuclear|atomic; humanitarian;
civilian; digital|online; technological; industrial; agricultural; commercial; urgent|pressing; historic|landmark;
unprecedented|extraordinary; ongoing|continuing; upcoming|forthcoming; previous|former|earlier; current|present|existing;
joint|common|shared; friendly|cordial|warm; tense|strained; close|tight; direct|immediate; indirect; official|formal;
unofficial|informal; high-level|senior|top; deep|profound; rapid|swift|fast|quick; slow|gradual; massive|huge|vast|enormous;
small|minor|limited; widespread|pervasive; rising|growing|increasing; falling|declining|shrinking; provocative|inflammatory;
hypocritical|cynical; destructive|devastating; effective|efficient; reliable|trustworthy; legal|lawful|legitimate;
criminal; ethnic; religious; cultural; social|societal; public; private; state-owned|state-run; maritime|naval;
coastal; northern; southern; eastern; western-backed; so-called|alleged; unnamed|anonymous; classified|confidential;
fierce|intense|heavy; modest|moderate; sharp|steep; record|all-time; annual|yearly; monthly; weekly; daily;
bold|daring; cautious|careful; vague|unclear; detailed|thorough; crude|primitive; advanced|sophisticated;
outdated|obsolete; modern|contemporary; ambitious; realistic; reckless; balanced|even-handed; selective; systematic;
deliberate|intentional; arbitrary; legitimate; sweeping|radical; symbolic; tangible|concrete; hollow|empty
"""

_EN_VERBS = """
condemn:condemned|denounce:denounced|criticise:criticised|slam:slammed; reject:rejected|dismiss:dismissed|refuse:refused;
support:supported|back:backed|endorse:endorsed; strengthen:strengthened|reinforce:reinforced|bolster:bolstered;
expand:expanded|extend:extended|broaden:broadened; reduce:reduced|cut:cut|lower:lowered;
increase:increased|raise:raised|boost:boosted; launch:launched|start:started|initiate:initiated;
halt:halted|stop:stopped|suspend:suspended; sign:signed|conclude:concluded; violate:violated|breach:breached;
threaten:threatened|endanger:endangered; undermine:undermined|weaken:weakened|erode:eroded;
protect:protected|defend:defended|safeguard:safeguarded; build:built|construct:constructed;
destroy:destroyed|demolish:demolished; discuss:discussed|review:reviewed|examine:examined; propose:proposed|suggest:suggested;
announce:announced|unveil:unveiled|reveal:revealed; accuse:accused|blame:blamed; deny:denied|refute:refuted;
confirm:confirmed|verify:verified; impose:imposed|introduce:introduced; lift:lifted|remove:removed|scrap:scrapped;
deploy:deployed|send:sent|dispatch:dispatched; withdraw:withdrew:withdrawn|pull:pulled; attack:attacked|strike:struck|hit:hit;
target:targeted; capture:captured|seize:seized; release:released|free:freed; arrest:arrested|detain:detained;
investigate:investigated|probe:probed; finance:financed|fund:funded|sponsor:sponsored; promote:promoted|foster:fostered;
develop:developed|advance:advanced; export:exported|ship:shipped; purchase:purchased|buy:bought|acquire:acquired;
host:hosted|organise:organised; attend:attended|join:joined; meet:met|receive:received; welcome:welcomed|hail:hailed|praise:praised;
urge:urged|press:pressed; warn:warned|caution:cautioned; demand:demanded|require:required; ignore:ignored|disregard:disregarded|neglect:neglected;
provoke:provoked|incite:incited|fuel:fuelled; escalate:escalated|intensify:intensified; resolve:resolved|settle:settled;
negotiate:negotiated; mediate:mediated|broker:brokered; restore:restored|revive:revived; exploit:exploited|abuse:abused|misuse:misused;
spread:spread|disseminate:disseminated; fabricate:fabricated|invent:invented; distort:distorted|twist:twisted|misrepresent:misrepresented;
pressure:pressured|coerce:coerced; penalise:penalised|punish:punished; block:blocked|obstruct:obstructed|hinder:hindered;
approve:approved|adopt:adopted|pass:passed; implement:implemented|enforce:enforced; monitor:monitored|track:tracked;
produce:produced|manufacture:manufactured; secure:secured|obtain:obtained|win:won; lose:lost|forfeit:forfeited;
shape:shaped|define:defined; sabotage:sabotaged|disrupt:disrupted; evacuate:evacuated|relocate:relocated;
intercept:intercepted|repel:repelled; shell:shelled|bomb:bombed; occupy:occupied|annex:annexed; liberate:liberated;
train:trained|equip:equipped; arm:armed|supply:supplied; expel:expelled|deport:deported; summon:summoned;
sanction:sanctioned|blacklist:blacklisted; freeze:froze:frozen|confiscate:confiscated; ban:banned|prohibit:prohibited;
censor:censored|silence:silenced; mislead:misled|deceive:deceived; spy:spied; hack:hacked; leak:leaked;
celebrate:celebrated|mark:marked; commemorate:commemorated; honour:honoured; inaugurate:inaugurated|open:opened;
complete:completed|finish:finished; postpone:postponed|delay:delayed; cancel:cancelled|call off:called off;
resume:resumed|renew:renewed; deepen:deepened|enhance:enhanced; coordinate:coordinated|align:aligned;
question:questioned|challenge:challenged; mock:mocked|ridicule:ridiculed; exaggerate:exaggerated|inflate:inflated;
downplay:downplayed|minimise:minimised; ensure:ensured|guarantee:guaranteed; stabilise:stabilised|calm:calmed
"""

_EN_SAY = ("said|stated|noted|stressed|emphasised|underlined|declared|asserted|maintained|insisted|argued|explained|remarked|"
           "affirmed|told reporters|told journalists|pointed out|made clear|reiterated|warned|added|claimed|observed|"
           "acknowledged|conceded|announced|alleged|contended|recalled|suggested")
_EN_ADVS = """
firmly|strongly|resolutely; repeatedly|again; openly|publicly; deliberately|intentionally; recently|lately;
clearly|plainly|obviously; fully|completely|entirely; actively|vigorously; jointly; seriously|gravely;
quickly|swiftly|rapidly; gradually|steadily; reportedly|allegedly; officially|formally; sharply|bitterly
"""

_EN_PLACES = """
Ukraine; Russia; China; Iran; the United States; Syria; Iraq; Turkey; India; Germany; France; Britain; Poland;
Belarus; Kazakhstan; Uzbekistan; Kyrgyzstan; Tajikistan; Turkmenistan; Armenia; Azerbaijan; Georgia; Moldova; Serbia;
Hungary; Israel; Egypt; Saudi Arabia; the UAE; Qatar; Japan; South Korea; North Korea; Vietnam;
the Philippines; Indonesia; Malaysia; Pakistan; Afghanistan; Brazil; Argentina; Venezuela; Cuba; Nicaragua; Mexico;
South Africa; Ethiopia; Nigeria; Mali; Niger; Sudan; Libya; Algeria; Lebanon; Yemen; Jordan; Finland; Sweden;
Norway; Estonia; Latvia; Lithuania; Romania; Bulgaria; Greece; Italy; Spain; Canada; Australia; Mongolia; Myanmar;
Cambodia; Laos; Sri Lanka; Bangladesh; Nepal; Kenya; Tanzania; Angola; Mozambique; Zimbabwe; Bolivia; Chile; Peru;
Colombia; Ecuador; Moscow; Beijing; Tehran; Washington; Brussels; Kyiv; Minsk; Astana; Tashkent; Ankara; Berlin;
Paris; London; Warsaw; Damascus; Baghdad; Riyadh; Tokyo; Seoul; Pyongyang; Hanoi; Manila; New Delhi; Islamabad;
Kabul; Cairo; Beirut; Jerusalem; Geneva; Vienna; Shanghai; Hong Kong; Taiwan; Xinjiang; Tibet; Crimea; Donbass;
Donetsk; Luhansk; Kharkiv; Odesa; Kherson; Zaporizhzhia; Mariupol; Belgorod; Kursk; Kaliningrad; Transnistria;
Abkhazia; Nagorno-Karabakh; Kosovo; Bosnia; the Middle East; Central Asia; the Balkans; Eastern Europe; the Baltics;
the South Caucasus; the Sahel; the Horn of Africa; the Arctic; the Black Sea; the Baltic Sea; the Red Sea;
the Persian Gulf; the Strait of Hormuz; the South China Sea; the Taiwan Strait; the Korean Peninsula;
the Asia-Pacific; Latin America; Africa; Europe; the Indo-Pacific; Gaza; the West Bank; the Golan Heights;
Idlib; Aleppo; Mosul; Basra; Herat; Kandahar
"""

_EN_SUBJ = """
The Foreign Ministry; The spokesperson; Beijing; Moscow; Tehran; Washington; Brussels; The government; Officials;
The Kremlin; The ministry; The embassy; The delegation; Lawmakers; Experts; Analysts; The military; The Defence Ministry;
Local authorities; The State Council; The Security Council; The White House; The European Union; NATO; The United Nations;
Military sources; Diplomatic sources; Observers; The presidential office; The parliament; Regional officials;
The central bank; The prosecutor's office; Investigators; The committee; Security services; The army command;
Government sources; The opposition; Residents
"""
_EN_ACTOR = """
officials; the authorities; Beijing; Moscow; Tehran; Washington; Brussels; the ministry; the West; the United States;
NATO; the European Union; the Kremlin; experts; the government; the sides; the two countries; partners;
Western countries; the G7; BRICS members; SCO members; the international community; regional powers; Kyiv; London;
Berlin; Paris; Ankara; New Delhi; Tokyo; the White House; the Pentagon; the US administration; the military;
security services; investigators; lawmakers; neighbouring states; the United Nations; the IAEA; the WHO; the IMF;
the World Bank; the OSCE; the African Union; ASEAN; the Arab League; the Gulf states
"""
_EN_TITLES = """
Foreign Minister; Deputy Foreign Minister; Ambassador; spokesperson; Defence Minister; presidential aide; senior diplomat;
Vice Premier; lawmaker; analyst; military expert; political scientist; professor; commander; envoy; press secretary;
deputy chairman; security adviser; economist; trade representative; governor; mayor; senator; member of parliament
"""
_EN_NAT = """
Russian; Chinese; Iranian; American; European; Ukrainian; Western; Asian; African; Arab; Turkish; Indian; German;
French; British; Israeli; Syrian; Belarusian; Polish; Japanese; Korean; Kazakh; Serbian; Hungarian; Pakistani; Afghan
"""
_WEEKDAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()
_MONTHS = "January February March April May June July August September October November December".split()
# Time expressions: many distinct ones, so that they do not glue unrelated posts together.
_EN_DAYS = "; ".join(
    [f"{p.format(d)}" for d in _WEEKDAYS for p in ("on {}", "late on {}", "early on {}", "on {} evening", "on {} morning")]
    + [f"on {d} {m}" for m in _MONTHS for d in range(1, 29)]
    + ["earlier this week", "last week", "overnight", "this morning", "at the weekend", "earlier in the day"])
_EN_MONTHS = "; ".join([f"{p}{m}" for m in _MONTHS for p in ("", "early ", "mid-", "late ")])

# First and last names by culture; people are drawn as first x last of one culture.
_EN_PEOPLE = (
    ("Sergei Dmitry Alexei Mikhail Nikolai Vladimir Igor Oleg Pavel Andrei Maria Elena Anna Olga Natalia Irina",
     "Ivanov Petrov Smirnov Kuznetsov Popov Sokolov Lebedev Kozlov Novikov Morozov Volkov Alekseev Stepanov Nikitin "
     "Orlov Zakharov Belov Tarasov Belyaev Gromov Frolov Korolev Medvedko Yakovlev"),
    ("Wang Li Zhang Liu Chen Yang Zhao Huang Zhou Wu Xu Sun Ma Zhu Hu Guo He Gao Lin Luo",
     "Wei Fang Qiang Min Jing Lei Yang Yong Jun Jie Tao Ming Chao Hua Ping Gang Hui Peng Yu Bin Jianguo Zhiqiang "
     "Haitao Xiaoming Wenbo Guodong Lixin Chunhua Deming Yonggang"),
    ("Ali Mohammad Hossein Reza Mehdi Hassan Abbas Javad Saeed Majid Fatemeh Zahra Maryam Narges",
     "Ahmadi Hosseini Karimi Rezaei Moradi Rahimi Jafari Ghasemi Heidari Sadeghi Mousavi Hashemi Kazemi Amini "
     "Bagheri Nazari Salehi Tehrani Shirazi Esfahani"),
    ("John Michael David James Robert Thomas Daniel Mark Sarah Emma Laura Julia Claire Anne Peter Lukas Jan",
     "Smith Johnson Brown Miller Wilson Taylor Anderson Clark Walker Wright Schmidt Weber Martin Bernard Kowalski "
     "Nowak Jensen Larsen Rossi Bianchi Moreau Fischer Hughes Evans"),
)

# Camp stock phrases: noun phrases (STOCK) and clause openers (SCL). They are
# shared by many unrelated posts on purpose: realistic boilerplate that a
# detector must treat as common, not as evidence of copying.
_EN_STOCK = {
    RU: """the collective West; the Kiev regime; the special military operation; illegitimate unilateral sanctions;
        the so-called rules-based order; NATO's eastward expansion; Russophobic hysteria; the multipolar world order;
        the Anglo-Saxon elites; neo-Nazi formations; the legitimate security interests of Russia; double standards""",
    CN: """a community with a shared future for mankind; win-win cooperation; a Cold War mentality; a zero-sum game;
        interference in China's internal affairs; the one-China principle; a responsible major country;
        hegemonic bullying; the legitimate rights and interests; true multilateralism; long-arm jurisdiction;
        double standards""",
    IR: """the Zionist regime; the maximum pressure campaign; global arrogance; the axis of resistance;
        illegal US sanctions; the Islamic Republic; economic terrorism; the oppressed people of Palestine;
        the hegemonic system; double standards""",
    WEST: """an unprovoked war of aggression; a rules-based international order; widespread human rights abuses;
        a campaign of disinformation; free and fair elections; independent media; the territorial integrity of Ukraine;
        democratic values""",
}
_EN_SCL = {
    RU: "at a regular press briefing; in response to a question; in accordance with international law; in a television interview; on the sidelines of the forum",
    CN: "at a regular press briefing; in response to a question; in accordance with international law; at a press conference in Beijing; in a written statement",
    IR: "at a weekly press conference; in response to a question; in accordance with international law; in a statement on Saturday; in a message to the UN",
    WEST: "according to people familiar with the matter; in a statement on its website; according to a senior official; citing two sources; in a report published on Monday",
}

_EN_LEADS = """
{SUBJ} {SAY} {SCL?} that? the {A?} {TN} in {TPLACE} {VD} the {A?} {NS} of {ACTOR} .
{SUBJ} {ADV?} {VD} the {A?} {TN} in {TPLACE} {DAY?} , calling it {STOCK} .
{PER} , {TITLE} , {SAY} {DAY?} that? the {TN} in {TPLACE} would {V} {A?} {NS} .
In {TPLACE} , {NUM} {A?} {NS} were {VN} after the {A?} {TN} , {PER} {SAY} .
The {A?} {TN} in {TPLACE} has {VN} {A?} {NS} and {A} {NS} , {ACTOR} {SAY} .
{SUBJ} {SAY} that? the {A?} {TNS} around {TPLACE} reflect {STOCK} .
{NAT} {NS} {VD} the {A?} {TN} in {TPLACE} {DAY?} , according to {A?} {NS} .
{DAY} , {ACTOR} {ADV?} {VD} {A?} {NS} over the {A?} {TN} in {TPLACE} .
"""
# Leads that name the post's person (used for shared-entity negatives).
_EN_PER_LEADS = (2, 3)

_EN_BODIES = """
{SUBJ} {SAY} that? {ACTOR} had {VN} {A?} {NS} in {PLACE} .
The {A?} {N} {VD} {NUM} {A?} {NS} , according to {PER} .
{PER} {SAY} the {A?} {N} was {VN} by {ACTOR} in {MON} .
It {ADV?} {VD} the {A?} {N} of {PLACE} and {VD} {A?} {NS} .
{SUBJ} {ADV?} {VD} the {A?} {N} , calling it {A} and {A} .
We {ADV?} {V} {STOCK} and {V} the {A?} {NS} of {ACTOR} .
{SUBJ} will {V} {A?} {NS} with {PLACE} by {MON} .
The {N} of {NUM} {NS} {VD} the {A?} {N} in {PLACE} .
This is {STOCK} , {PER} {SAY} .
Since {MON} , {ACTOR} has {VN} {NUM} {A?} {NS} .
{SUBJ} {VD} {ACTOR} to {V} the {A?} {N} {ADV?} .
According to {PER} , {A?} {NS} {VD} the {A?} {N} across {PLACE} .
The {TN} {VD} {A?} {NS} , {ACTOR} {SAY} {SCL?} .
Both sides {VD} {A?} {NS} and {A?} {N} in {PLACE} {DAY?} .
{SUBJ} {SAY} {ACTOR} must {V} its {A?} {NS} and {V} {STOCK} .
{NAT} {NS} {VD} {A?} {NS} near {PLACE} {DAY?} .
The {A?} {N} {VD} {A?} {N} , and {ACTOR} {VD} the {A?} {NS} .
{PER} , {TITLE} , {SAY} {NUM} {A?} {NS} had been {VN} .
{SUBJ} {SAY} the {A?} {N} between {PLACE} and {PLACE} {VD} {A?} {NS} .
Any {A?} {N} by {ACTOR} will {V} the {A?} {N} of {PLACE} , {ACTOR} {SAY} .
{SUBJ} {SAY} {SCL?} that? {A?} {NS} {VD} {STOCK} .
Earlier , {NAT} {NS} {VD} {NUM} {NS} and {ADV?} {VD} the {A?} {N} .
{SUBJ} called on {ACTOR} to {V} {A?} {NS} and {V} the {A?} {N} .
The {N} comes as {ACTOR} {VD} {A?} {NS} with {PLACE} .
{NAT} {NS} {ADV?} {VD} {A?} {NS} {DAY} .
{PER} {VD} {A?} {NS} in {PLACE} and {VD} {ACTOR} .
{A} {NS} from {PLACE} {VD} {NUM} {A?} {NS} {DAY?} .
{ACTOR} {VD} {A?} {N} , {A?} {N} and {A?} {NS} .
Asked about {A?} {NS} , {PER} {SAY} {ACTOR} {VD} {STOCK} .
{NUM} {A?} {NS} {VD} {A?} {N} {DAY?} , {SUBJ} {SAY} .
{SUBJ} {VD} {NUM} {NS} to {PLACE} , where {A?} {NS} {VD} {A?} {N} .
{PER} {SAY} {A?} {NS} {VD} {ACTOR} {ADV?} .
Without {A?} {NS} , {ACTOR} will {V} {A?} {NS} , {PER} {SAY} .
{TITLE} {PER} {VD} {A?} {NS} during {A?} {N} with {ACTOR} .
{A} {N} in {PLACE} {VD} {NUM} {NS} {DAY?} .
{SUBJ} {ADV?} {VD} {A?} {NS} by {ACTOR} .
{ACTOR} {SAY} {A?} {NS} {VD} {A?} {N} {ADV?} .
Critics {SAY} {ACTOR} {VD} {A?} {NS} over {A?} {N} .
{NUM} {NS} , {A?} {NS} and {A?} {N} {VD} {PLACE} {DAY?} .
"""

_RU_NOUNS = """
санкции|ограничения; соглашение|договорённость; договор; страна|государство; правительство|власти; представитель;
посол; лидер|руководитель; министр; министерство|ведомство; армия|войска; солдат|военнослужащий; ракета;
беспилотник|дрон; удар|атака; кризис; конфликт|противостояние; мир; безопасность; стабильность;
сотрудничество|взаимодействие|партнёрство; отношения|связи; экономика; торговля|товарооборот; инвестиции|вложения;
трубопровод; нефть; газ; энергетика; зерно|пшеница; цена|стоимость; инфляция; валюта; банк; кредит|заём;
долг|задолженность; бюджет; экспорт; импорт; поставки; порт; граница; территория|регион; город; село|посёлок;
выборы|голосование; референдум; протест|митинг; беспорядки; полиция; суд; закон; решение|постановление;
расследование|проверка; доклад|отчёт; заявление; выступление|речь; интервью; брифинг; встреча|переговоры;
визит|поездка; делегация; посольство; альянс|блок; партнёр|союзник; угроза|опасность; провокация;
пропаганда|дезинформация; СМИ|пресса; журналист|корреспондент; видео|запись; документ; доказательства; обвинения;
ложь|фейк; правда; интересы; права; суверенитет|независимость; принцип|норма; история; будущее|перспективы;
план|программа|инициатива; проект; стратегия|политика|курс; цель|задача; шаг|мера; операция; усилия;
ответ|реакция; предупреждение; требование|призыв; предложение; поддержка|помощь; инфраструктура; объект;
завод|предприятие; технологии; спутник; система|механизм; форум|площадка; организация; комитет|совет|комиссия;
парламент|дума; президент; эксперт|аналитик; наблюдатель; граждане|жители; беженцы; рабочие; молодёжь; общество;
семья; дети; жертвы|пострадавшие; больница; школа; вакцина; пандемия|эпидемия; наводнение; засуха; землетрясение;
катастрофа|бедствие; пожар; урожай; продовольствие; дорога|трасса; мост; аэропорт; самолёт; судно|корабль; флот;
база; учения; арсенал; шпионаж; боевики|террористы; терроризм|экстремизм; коррупция; скандал; мошенничество;
преступление; заключённые; оппозиция; активисты; гегемония|доминирование; многополярность; развитие|рост;
реформа|преобразования; восстановление; спад|упадок; победа|успех; поражение|неудача; ущерб|потери;
выгода|преимущество; риск; проблема|вызов; вопрос; диалог; дружба; солидарность|единство; перемирие;
коридор; колонна; обстрел; наступление; фронт; позиции; эскалация; блокада; пошлины|тарифы; контракт; отрасль;
компания|корпорация; резервы; флотилия; танки|бронетехника; артиллерия; боеприпасы; батальон|бригада; командир;
наёмники; добровольцы; церемония; годовщина; выставка; канал; сайт|портал; сообщение|публикация; слухи;
версия; последствия|итоги; сценарий; сроки; дефицит; производство; спрос; нехватка; директива; поправки;
конституция; мандат; юрисдикция; иммунитет; виза; паспорт; диаспора; меньшинство; ополчение
"""
_RU_ADJS = """
новый|свежий; важный|значимый|ключевой; стратегический; экономический; политический; военный; дипломатический;
двусторонний; международный|глобальный; региональный; национальный|внутренний; иностранный|зарубежный; западный;
незаконный|нелегитимный; односторонний; агрессивный|враждебный; мирный; опасный; безответственный; серьёзный;
прочный|надёжный; стабильный; долгосрочный; всеобъемлющий; практический; конструктивный; справедливый; открытый;
тайный|секретный; ложный|фальшивый; подлинный; суверенный|независимый; ядерный; гуманитарный; цифровой;
промышленный; срочный; исторический; беспрецедентный; совместный|общий; дружественный; напряжённый; тесный;
официальный; масштабный|массовый; провокационный; эффективный; законный; российский; китайский; иранский;
американский; европейский; украинский; циничный|лицемерный; разрушительный; быстрый|стремительный; постепенный;
растущий; военно-политический; энергетический; морской; северный; южный; восточный; так называемый
"""
_RU_VERBS = """
осудил|раскритиковал; отверг|отклонил; поддержал; укрепил; расширил; сократил; увеличил|нарастил; начал|запустил;
прекратил|приостановил; подписал; нарушил; пригрозил; подорвал|ослабил; защитил; построил; уничтожил;
обсудил|рассмотрел; предложил; объявил; обвинил; опроверг; подтвердил; ввёл; отменил|снял; направил|развернул;
вывел; атаковал; задержал|арестовал; расследовал; финансировал|спонсировал; продвигал; экспортировал; закупил;
провёл|организовал; посетил; принял; приветствовал; призвал; предупредил; потребовал; проигнорировал;
спровоцировал; обострил; урегулировал; восстановил; распространил; сфабриковал; исказил; заблокировал;
одобрил|утвердил; обеспечил|гарантировал; перехватил|сбил; освободил; выслал; заморозил; запретил; углубил
"""
_RU_SAY = "заявил|отметил|подчеркнул|сообщил|указал|добавил|констатировал|напомнил"
_RU_ADVS = "решительно|категорически; неоднократно|вновь; открыто|публично; намеренно|сознательно; недавно; явно|очевидно; полностью; активно; совместно; серьёзно"
_RU_PLACES = """
Россия; Китай; США; Украина; Иран; Сирия; Ирак; Турция; Индия; Германия; Франция; Великобритания; Польша;
Белоруссия; Казахстан; Узбекистан; Киргизия; Армения; Азербайджан; Грузия; Молдавия; Сербия; Венгрия; Израиль;
Египет; Саудовская Аравия; Япония; Южная Корея; КНДР; Вьетнам; Бразилия; Африка; Европа; Донбасс; Крым; Москва;
Пекин; Тегеран; Вашингтон; Брюссель; Киев; Минск; Астана; Ташкент; Анкара; Ближний Восток; Центральная Азия;
Арктика; Чёрное море; Балтика; Приднестровье; Абхазия; Курская область; Белгород; Херсон; Запорожье; Донецк; Луганск
"""
_RU_SUBJ = """
Российская сторона; Кремль; Москва; Пекин; Тегеран; Вашингтон; Правительство; Министерство; Официальный представитель;
Посольство; Делегация; Эксперты; Аналитики; Минобороны; Совбез ООН; Евросоюз; НАТО; Белый дом; Депутаты; Источники;
Госдума; Совет Федерации; Следственный комитет; Губернатор
"""
_RU_ACTOR = """
Запад; США; НАТО; Евросоюз; власти; официальные лица; партнёры; стороны; Москва; Пекин; Вашингтон; Киев;
западные страны; страны БРИКС; члены ШОС; международное сообщество; Лондон; Берлин; Анкара; Пентагон; Госдеп; ООН; МАГАТЭ
"""
_RU_TITLES = "министр иностранных дел; замминистра; посол; официальный представитель; депутат Госдумы; политолог; военный эксперт; сенатор; глава комитета; губернатор; экономист"
_RU_DAYS = "в понедельник; во вторник; в среду; в четверг; в пятницу; в субботу; в воскресенье"
_RU_MONTHS = "января; февраля; марта; апреля; мая; июня; июля; августа; сентября; октября; ноября; декабря"
_RU_PEOPLE = (
    ("Сергей Алексей Дмитрий Андрей Михаил Николай Владимир Игорь Олег Павел Артём Константин",
     "Иванов Петров Смирнов Кузнецов Попов Соколов Лебедев Козлов Новиков Морозов Волков Алексеев Степанов "
     "Никитин Орлов Захаров Белов Тарасов Беляев Громов"),
)
_RU_STOCK = {
    c: """коллективный Запад; киевский режим; специальная военная операция; так называемый порядок, основанный на правилах;
        нелегитимные односторонние санкции; расширение НАТО на восток; многополярный мир; двойные стандарты;
        русофобская истерия; неоколониальная политика; вмешательство во внутренние дела"""
    for c in (RU, CN, IR, WEST)
}
_RU_SCL = {c: "на брифинге; в ответ на вопрос журналистов; в соответствии с нормами международного права; в интервью телеканалу"
           for c in (RU, CN, IR, WEST)}

_RU_LEADS = """
{SUBJ} {SAY} {DAY} , что {A} {TN} в {TPLACE} {VD} {A} {N} .
{PER} , {TITLE} , {SAY} , что {TN} в {TPLACE} {VD} {N} {ACTOR} .
{SUBJ} {ADV} {VD} {A} {TN} в {TPLACE} , назвав это {STOCK} .
В {TPLACE} {NUM} {N} {VD} после {A} {TN} , {SAY} {PER} .
{A} {TN} в {TPLACE} {VD} {A} {N} и {A} {N} , {SAY} {ACTOR} .
"""
_RU_PER_LEADS = (1, 3)
_RU_BODIES = """
По словам {PER} , {A} {N} {VD} {A} {N} в {PLACE} .
{SUBJ} {ADV} {VD} {A} {N} и {A} {N} .
Это {STOCK} , {SAY} {PER} .
{NUM} {N} {VD} в {PLACE} после {A} {N} .
{SUBJ} {VD} {ACTOR} {A} {N} .
Ранее {ACTOR} {VD} {A} {N} в {PLACE} .
{SUBJ} {SAY} {SCL} , что {ACTOR} {VD} {A} {N} .
С {MON} {ACTOR} {VD} {NUM} {A} {N} .
{A} {N} {VD} {A} {N} , а {ACTOR} {VD} {A} {N} .
{SUBJ} призвал {ACTOR} {VD} {A} {N} и {STOCK} .
{TN} {VD} {A} {N} , {SAY} {ACTOR} .
Обе стороны {VD} {A} {N} в {PLACE} .
"""

_ZH_NOUNS = """
制裁|限制; 协议|协定; 条约; 国家; 政府|当局; 官员|代表; 特使; 领导人; 部长; 军队|部队; 士兵; 导弹;
无人机; 袭击|打击; 危机; 冲突|对抗; 和平; 安全; 稳定; 合作|协作; 关系; 经济; 贸易|经贸; 投资; 管道;
石油|原油; 天然气; 能源; 粮食; 价格; 通胀; 货币; 银行; 贷款; 债务; 预算; 出口; 进口; 供应; 港口;
边境|边界; 领土|地区; 城市; 选举; 公投; 抗议|示威; 骚乱|动乱; 警方; 法院; 法律; 决定; 调查; 报告; 声明;
讲话; 采访; 记者会|发布会; 会议|会谈; 访问; 代表团; 大使馆; 联盟; 伙伴; 威胁; 挑衅; 宣传; 虚假信息|假新闻;
媒体; 记者; 视频; 文件; 证据; 指控; 谎言|谣言; 事实|真相; 利益; 权利; 主权; 原则|准则; 历史; 未来|前景;
计划|倡议; 项目; 战略|政策; 目标; 措施|举措; 行动; 努力; 回应|反应; 警告; 要求|呼吁; 建议|提议; 支持|援助;
基础设施; 设施; 工厂|企业; 技术|科技; 芯片|半导体; 卫星; 体系|机制; 平台|论坛; 组织|机构; 委员会; 议会; 总统;
专家|分析人士; 民众|公民; 难民; 工人; 农民; 青年; 社会; 家庭; 儿童; 受害者; 医院; 学校; 疫苗; 疫情;
气候|环境; 洪水; 干旱; 地震; 灾难|灾害; 火灾; 公路; 铁路; 大桥; 机场; 航班; 船只|舰船; 舰队|海军; 基地;
演习|军演; 部署; 间谍; 恐怖分子; 恐怖主义|极端主义; 腐败; 丑闻; 欺诈; 犯罪; 反对派; 霸权; 多极化; 全球化;
发展|增长; 现代化; 改革; 复苏; 衰退; 胜利|成功; 失败; 损失; 风险; 挑战|难题; 议题; 对话|交流; 友谊; 团结;
停火; 走廊; 车队; 炮击; 攻势; 前线; 封锁; 关税; 补贴; 合同; 产业|行业; 公司; 储备; 航母; 坦克; 火炮; 弹药;
指挥官; 雇佣兵; 志愿者; 仪式; 周年; 博览会; 频道; 网站; 帖子; 版本; 后果|结果; 方案; 时间表; 产量; 需求;
短缺; 指令; 修正案; 宪法; 签证; 护照; 侨民; 少数民族; 民兵; 产业链|供应链; 新能源; 一带一路; 数字经济; 人工智能
"""
_ZH_ADJS = """
重要|关键|重大; 战略; 经济; 政治; 军事; 双边; 国际|全球; 地区|区域; 国内; 外国; 西方; 非法; 单边;
挑衅性; 和平; 危险; 严重; 稳定; 长期; 全面; 务实; 建设性|积极; 公平|公正; 开放|透明; 虚假; 真实; 核;
人道主义; 数字; 工业; 紧迫; 历史性; 前所未有; 共同; 友好; 紧张; 密切; 正式; 大规模; 有效; 合法; 高水平|高质量;
新型; 传统; 深层次; 可持续; 互惠; 多边; 全方位; 实质性; 根本性; 恶意
"""
_ZH_VERBS = """
谴责|批评; 拒绝|驳斥; 支持; 加强|强化; 扩大; 减少|削减; 增加|提高; 启动|发起; 停止|暂停; 签署; 违反; 威胁;
破坏|损害; 保护|维护; 建设; 摧毁; 讨论|探讨; 提出; 宣布; 指责|抹黑; 否认; 证实|确认; 实施|推行; 取消|解除;
部署; 撤出; 攻击; 逮捕|拘留; 调查; 资助; 推动|促进; 购买; 举办|主办; 出席|参加; 会见; 欢迎; 敦促; 警告;
要求; 无视|忽视; 挑起|煽动; 升级; 解决; 恢复; 散布|传播; 捏造|编造; 歪曲; 施压; 阻挠|阻碍; 通过|批准; 监测;
生产; 获得; 深化; 干涉; 拓展; 落实; 巩固; 引发; 遏制; 打压
"""
_ZH_SAY = "表示|指出|强调|称|说|介绍|透露|重申"
_ZH_ADVS = "坚决; 一再|多次; 公开; 故意|蓄意; 近日|日前; 明显; 积极; 共同; 严重; 进一步"
_ZH_PLACES = """
中国; 俄罗斯; 美国; 乌克兰; 伊朗; 叙利亚; 伊拉克; 土耳其; 印度; 德国; 法国; 英国; 波兰; 白俄罗斯; 哈萨克斯坦;
乌兹别克斯坦; 吉尔吉斯斯坦; 塞尔维亚; 匈牙利; 以色列; 埃及; 沙特阿拉伯; 日本; 韩国; 朝鲜; 越南; 菲律宾; 巴西;
南非; 非洲; 欧洲; 中东; 中亚; 南海; 台湾; 新疆; 西藏; 香港; 北京; 莫斯科; 德黑兰; 华盛顿; 布鲁塞尔; 基辅;
上海; 亚太地区; 北极; 黑海; 巴基斯坦; 阿富汗; 蒙古; 缅甸; 柬埔寨; 老挝; 印度尼西亚; 马来西亚; 新加坡; 澳大利亚
"""
_ZH_SUBJ = "外交部发言人; 中方; 俄方; 北京; 莫斯科; 德黑兰; 美方; 国务院; 有关部门; 大使馆; 代表团; 专家; 分析人士; 国防部; 联合国安理会; 欧盟; 北约; 白宫; 商务部; 海关总署"
_ZH_ACTOR = "西方; 美国; 北约; 欧盟; 有关方面; 各方; 双方; 少数国家; 西方国家; 金砖国家; 上合组织成员国; 美方; 中方; 俄方; 国际社会; 联合国"
_ZH_TITLES = "外交部长; 副外长; 大使; 发言人; 国防部长; 全国人大代表; 专家; 教授; 学者; 研究员"
_ZH_DAYS = "周一; 周二; 周三; 周四; 周五; 周六; 周日"
_ZH_MONTHS = "1月; 2月; 3月; 4月; 5月; 6月; 7月; 8月; 9月; 10月; 11月; 12月"
_ZH_PEOPLE = (
    ("王 李 张 刘 陈 杨 赵 黄 周 吴 徐 孙 马 朱 胡 郭 何 高 林 罗",
     "建国 志强 海涛 晓明 文博 国栋 立新 春华 德明 永刚 伟 芳 强 敏 静 磊 洋 勇 军 杰"),
)
_ZH_STOCK = {
    c: """构建人类命运共同体; 互利共赢; 冷战思维; 零和博弈; 双重标准; 干涉中国内政; 一个中国原则; 负责任大国;
        霸凌行径; 真正的多边主义; 单边制裁; 合法权益; 和平共处五项原则; 长臂管辖"""
    for c in (RU, CN, IR, WEST)
}
_ZH_SCL = {c: "在例行记者会上; 在回答记者提问时; 根据国际法; 在接受采访时" for c in (RU, CN, IR, WEST)}
_ZH_LEADS = """
{SUBJ} {SCL} {SAY} ， {TPLACE} 的 {A} {TN} {VD} 了 {A} {N} 。
{PER} {SAY} ， {TPLACE} {TN} 问题 {VD} 了 {ACTOR} 的 {N} 。
{SUBJ} {ADV} {VD} {TPLACE} {A} {TN} ， 称 这是 {STOCK} 。
据 {PER} 介绍 ， {TPLACE} 已 有 {NUM} 个 {N} 因 {A} {TN} 受到 影响 。
{TPLACE} {A} {TN} {VD} {A} {N} 和 {A} {N} ， {ACTOR} {SAY} 。
"""
_ZH_PER_LEADS = (1, 3)
_ZH_BODIES = """
{SUBJ} {ADV} {VD} {A} {N} ， {VD} {N} 和 {N} 。
据 {ACTOR} 介绍 ， {PLACE} {A} {N} 已经 {VD} {NUM} 个 {N} 。
这是 {STOCK} ， {PER} {SAY} 。
{ACTOR} 应当 {VD} {A} {N} ， {VD} {PLACE} 的 {N} 。
{SUBJ} 将 {VD} {ACTOR} {A} {N} 。
{MON} 以来 ， {ACTOR} {VD} 了 {A} {N} 。
{PER} {SAY} ， {A} {N} {VD} 了 {PLACE} 的 {A} {N} 。
{SUBJ} {SCL} {SAY} ， {ACTOR} {VD} {STOCK} 。
{DAY} ， {ACTOR} 在 {PLACE} {VD} 了 {NUM} 个 {A} {N} 。
双方 {VD} {A} {N} ， {VD} {A} {N} 。
"""

# Per-language fillers inserted by paraphrases.
# Per-language fillers inserted by paraphrases: at a sentence start, or before its full stop.
_FILLERS_START = {
    EN: ["Meanwhile ,", "Notably ,", "In fact ,", "At the same time ,", "Moreover ,", "However ,", "Officially ,"],
    RUS: ["Кроме того ,", "При этом ,", "Напомним ,", "Вместе с тем ,", "Официально ,"],
    ZH: ["此外 ，", "同时 ，", "据悉 ，", "另外 ，", "目前 ，"],
}
_FILLERS_END = {
    EN: ["this week", "once again", "reportedly", "as well", "for now", "in the coming days"],
    RUS: ["на этой неделе", "в очередной раз", "в ближайшие дни"],
    ZH: [],
}
_VERBATIM_TAGS = {
    EN: ["#breaking", "#news", "#BREAKING", "#World", "#Geopolitics", "#Multipolar", "#Diplomacy"],
    RUS: ["#новости", "#срочно", "#политика", "#мир"],
    ZH: ["#新闻#", "#外交#", "#快讯#", "#国际#"],
}
_VERBATIM_PREFIX = {EN: "BREAKING: ", RUS: "Срочно: ", ZH: "【快讯】"}
_TRUNC_TAIL = {EN: "...", RUS: "...", ZH: "……"}
_READ_MORE = {EN: "Read more: ", RUS: "Подробнее: ", ZH: "详情："}

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

_HOSTILE_TEXT = [
    "<script>window.__pwned=1</script>",
    "<img src=x onerror=alert(1)>",
    "javascript:alert(document.cookie)",
    "\"'><svg onload=alert(1)>",
    "&lt;b&gt;not bold&lt;/b&gt; &amp; &quot;quoted&quot; &#39;",
    "\x07\x1b[31mred\x1b[0m\x0b\x0c",
    "</textarea></title><script>window.__pwned=1</script>",
    "{{7*7}} ${7*7} <%= 7*7 %>",
    "\u202egnp.exe\u202c",
    "line\r\nbreak\ttab",
    "<a href=\"javascript:alert(1)\" title='x\" onmouseover=\"alert(1)'>click</a>",
]
_HOSTILE_NAMES = [
    "<script>window.__pwned=1</script> News",
    "Evil \"Outlet\" <img src=x onerror=alert(1)>",
    "O'Brien & Sons </b><i>",
    "&lt;Agency&gt; \x07\x1b[0m",
    "javascript:alert(1)",
]
_HOSTILE_HANDLES = ["x<script>alert(1)</script>", "q\"'><b>h", "amp&lt;x&gt;", "ctl\x07\x1b"]

_PUNCT = frozenset([",", ".", ":", ";", "!", "?", "—", "«", "»", "“", "”", "，", "。", "：", "、", "...", "……", "…"])
_TERMINAL = frozenset([".", "。", "!", "?", "...", "……"])

# ---------------------------------------------------------------------------
# Outlets
# ---------------------------------------------------------------------------

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


def _split(spec: str, sep: str = ";") -> list[str]:
    if sep != "\n":
        spec = spec.replace("\n", " ")
    return [" ".join(s.split()) for s in spec.split(sep) if s.strip()]


def _groups(spec: str) -> list[list[str]]:
    return [[w.strip() for w in g.split("|") if w.strip()] for g in _split(spec)]


_IRREGULAR_PLURAL = {"crisis": "crises", "child": "children", "serviceman": "servicemen", "spokesman": "spokesmen",
                     "spokeswoman": "spokeswomen", "embargo": "embargoes", "analysis": "analyses",
                     "chief": "chiefs", "minor": "minors", "armoured vehicle": "armoured vehicles"}


def _plural(w: str) -> str:
    if w in _IRREGULAR_PLURAL:
        return _IRREGULAR_PLURAL[w]
    if w.endswith(("s", "x", "ch", "sh", "z")):
        return w + "es"
    if w.endswith("y") and len(w) > 1 and w[-2] not in "aeiou":
        return w[:-1] + "ies"
    return w + "s"


def _people(spec) -> list[str]:
    out = []
    for firsts, lasts in spec:
        for f in firsts.split():
            for last in lasts.split():
                out.append(f"{f} {last}")
    return out


def _zh_people(spec) -> list[str]:
    out = []
    for sur, given in spec:
        for s in sur.split():
            for g in given.split():
                out.append(s + g)
    return out


def _numbers() -> list[str]:
    # A fixed pool (not seeded by the user seed: the vocabulary is part of the code).
    r = np.random.default_rng(20240101)
    out = [str(i) for i in range(2, 400)]
    out += [f"{int(v):,}" for v in r.integers(1000, 250000, size=1200)]
    out += [f"{v:.1f} billion" for v in r.uniform(1, 90, size=300)]
    out += [f"{int(v)} percent" for v in r.integers(2, 95, size=93)]
    out += [f"{int(v)} million" for v in r.integers(2, 900, size=300)]
    return list(dict.fromkeys(out))


class _Lexicon:
    """One language's vocabulary, synonyms and sentence skeletons, as token ids."""

    def __init__(self, lang, cats, syn, leads, per_leads, bodies, camp_counts):
        self.lang = lang
        self.cats = cats  # name -> list[str] (entries may hold several words)
        self.syn = syn  # word -> tuple of synonyms
        self.lead_specs = leads  # lead sentences: they name the post's topic place and noun
        self.per_leads = np.array(per_leads, dtype=np.int64)  # leads that also name the post's person
        self.body_specs = bodies
        self.camp_counts = camp_counts  # STOCK/SCL: number of phrases per camp, in camp order


def _en_lexicon() -> _Lexicon:
    syn: dict[str, tuple[str, ...]] = {}

    def add_syn(group):
        for w in group:
            others = tuple(o for o in group if o != w)
            if others and " " not in w:
                syn.setdefault(w, others)

    nouns, plurals = [], []
    for g in _groups(_EN_NOUNS):
        sg = [w.lstrip("*") for w in g]
        pl = [w.lstrip("*") if w.startswith("*") else _plural(w) for w in g]
        nouns += sg
        plurals += pl
        add_syn(sg)
        add_syn([p for p, w in zip(pl, g) if not w.startswith("*")])
    adjs = [w for g in _groups(_EN_ADJS) for w in g]
    for g in _groups(_EN_ADJS):
        add_syn(g)
    bases, pasts, parts = [], [], []
    for g in _groups(_EN_VERBS):
        forms = [(p.split(":") + [p.split(":")[1]])[:3] for p in g]  # base:past[:participle]
        bs, ps, pp = [f[0] for f in forms], [f[1] for f in forms], [f[2] for f in forms]
        bases += bs
        pasts += ps
        parts += pp
        add_syn(bs)
        add_syn(ps)
        add_syn(pp)
    say = _split(_EN_SAY, "|")
    add_syn(say)
    advs = [w for g in _groups(_EN_ADVS) for w in g]
    for g in _groups(_EN_ADVS):
        add_syn(g)
    # Subjects, actors and titles combine a nationality with an institution, so
    # that sentence openings vary as much as they do in real news. "Foreign
    # Ministry" and "Embassy" are left out: those are outlet names, and a
    # generic subject must never look like an attribution.
    nats = _split(_EN_NAT)
    countries = [n for n in nats if n not in ("Western", "Asian", "African", "Arab", "European")]
    orgs = ["government", "delegation", "president", "parliament", "army", "navy", "military", "cabinet",
            "opposition", "regulator", "judiciary", "police", "Defence Ministry"]
    groups = ["officials", "lawmakers", "diplomats", "experts", "negotiators", "analysts", "generals",
              "investigators", "authorities", "media", "firms", "troops", "prosecutors", "envoys", "activists"]
    subj = _split(_EN_SUBJ) + [f"The {n} {o}" for n in countries for o in orgs]
    actor = _split(_EN_ACTOR) + [f"{n} {g}" for n in nats for g in groups]
    titles = _split(_EN_TITLES)
    titles = titles + [f"{n} {t}" for n in countries for t in titles[:12]]
    cats = {
        "N": nouns, "NS": plurals, "A": adjs, "V": bases, "VD": pasts, "VN": parts, "SAY": say, "ADV": advs,
        "PLACE": _split(_EN_PLACES), "SUBJ": subj, "ACTOR": actor,
        "TITLE": titles, "NAT": nats, "DAY": _split(_EN_DAYS), "MON": _split(_EN_MONTHS),
        "NUM": _numbers(), "PER": _people(_EN_PEOPLE),
    }
    cats["STOCK"] = [s for c in range(4) for s in _split(_EN_STOCK[c])]
    cats["SCL"] = [s for c in range(4) for s in _split(_EN_SCL[c])]
    counts = {"STOCK": [len(_split(_EN_STOCK[c])) for c in range(4)],
              "SCL": [len(_split(_EN_SCL[c])) for c in range(4)]}
    return _Lexicon(EN, cats, syn, _split(_EN_LEADS, "\n"), _EN_PER_LEADS, _split(_EN_BODIES, "\n"), counts)


def _simple_lexicon(lang, nouns, adjs, verbs, say, advs, places, subj, actor, titles, days, months, people,
                    stock, scl, leads, per_leads, bodies) -> _Lexicon:
    """Russian and Chinese: no inflection is modelled (verbs have one form)."""
    syn: dict[str, tuple[str, ...]] = {}
    flat = {}
    for name, spec in (("N", nouns), ("A", adjs), ("VD", verbs), ("ADV", advs)):
        gs = _groups(spec)
        flat[name] = [w for g in gs for w in g]
        for g in gs:
            for w in g:
                others = tuple(o for o in g if o != w)
                if others and " " not in w:
                    syn.setdefault(w, others)
    says = _split(say, "|")
    for w in says:
        syn.setdefault(w, tuple(o for o in says if o != w))
    cats = {
        "N": flat["N"], "NS": flat["N"], "A": flat["A"], "V": flat["VD"], "VD": flat["VD"], "VN": flat["VD"],
        "SAY": says,
        "ADV": flat["ADV"], "PLACE": _split(places), "SUBJ": _split(subj), "ACTOR": _split(actor),
        "TITLE": _split(titles), "NAT": _split(places), "DAY": _split(days), "MON": _split(months),
        "NUM": _numbers()[:600] if lang == ZH else _numbers(), "PER": people,
        "STOCK": [s for c in range(4) for s in _split(stock[c])],
        "SCL": [s for c in range(4) for s in _split(scl[c])],
    }
    counts = {"STOCK": [len(_split(stock[c])) for c in range(4)], "SCL": [len(_split(scl[c])) for c in range(4)]}
    return _Lexicon(lang, cats, syn, _split(leads, "\n"), per_leads, _split(bodies, "\n"), counts)


# Category codes. Per-post categories (T*) take the post's own attribute.
_CATS = ["N", "NS", "A", "V", "VD", "VN", "SAY", "ADV", "PLACE", "SUBJ", "ACTOR", "TITLE", "NAT", "DAY", "MON", "NUM",
         "PER", "STOCK", "SCL", "TPLACE", "TN", "TNS"]
_CAT_CODE = {c: -(i + 1) for i, c in enumerate(_CATS)}
_RANDOM_CATS = ["N", "NS", "A", "V", "VD", "VN", "SAY", "ADV", "PLACE", "SUBJ", "ACTOR", "TITLE", "NAT", "DAY",
                "MON", "NUM"]


class _Tables:
    """All languages compiled into one token table and integer skeletons (built once)."""

    def __init__(self):
        self.lex = [
            _en_lexicon(),
            _simple_lexicon(RUS, _RU_NOUNS, _RU_ADJS, _RU_VERBS, _RU_SAY, _RU_ADVS, _RU_PLACES, _RU_SUBJ, _RU_ACTOR,
                            _RU_TITLES, _RU_DAYS, _RU_MONTHS, _people(_RU_PEOPLE), _RU_STOCK, _RU_SCL,
                            _RU_LEADS, _RU_PER_LEADS, _RU_BODIES),
            _simple_lexicon(ZH, _ZH_NOUNS, _ZH_ADJS, _ZH_VERBS, _ZH_SAY, _ZH_ADVS, _ZH_PLACES, _ZH_SUBJ, _ZH_ACTOR,
                            _ZH_TITLES, _ZH_DAYS, _ZH_MONTHS, _zh_people(_ZH_PEOPLE), _ZH_STOCK, _ZH_SCL,
                            _ZH_LEADS, _ZH_PER_LEADS, _ZH_BODIES),
        ]
        tokens: list[str] = []
        index: dict[str, int] = {}

        def tok(s: str) -> int:
            s = s.replace(" ", SEP)
            if s not in index:
                index[s] = len(tokens)
                tokens.append(s)
            return index[s]

        self.cat_off = {}  # (lang, cat) -> (offset array of token ids)
        self.cat_words = {}  # (lang, cat) -> avg words per entry
        for lex in self.lex:
            for c in _CATS:
                if c in ("TPLACE",):
                    src = lex.cats["PLACE"]
                elif c in ("TN",):
                    src = lex.cats["N"]
                elif c in ("TNS",):
                    src = lex.cats["NS"]
                else:
                    src = lex.cats[c]
                ids = np.array([tok(s) for s in src], dtype=np.int64)
                self.cat_off[(lex.lang, c)] = ids
                self.cat_words[(lex.lang, c)] = float(np.mean([len(s.split()) for s in src])) if lex.lang != ZH else 1.0
            # Skeletons: fixed tokens >= 0, categories < 0.
            specs = lex.lead_specs + lex.body_specs
            # A trailing '?' marks an optional slot, dropped half of the time:
            # it varies the surface of sentences built from one skeleton.
            codes, opts, starts, lens, nwords = [], [], [], [], []
            for spec in specs:
                parts = spec.split()
                row, opt = [], []
                w = 0.0
                for j, p in enumerate(parts):
                    optional = j > 0 and len(p) > 1 and (p.endswith("?") or p.endswith("?}"))
                    if optional:
                        p = p[:-2] + "}" if p.endswith("?}") else p[:-1]
                    if p.startswith("{") and p.endswith("}"):
                        row.append(_CAT_CODE[p[1:-1]])
                        ww = self.cat_words[(lex.lang, p[1:-1])]
                    else:
                        row.append(tok(p))
                        ww = 0.0 if p in _PUNCT else 1.0
                    w += ww * (0.5 if optional else 1.0)
                    opt.append(optional)
                starts.append(len(codes))
                lens.append(len(row))
                nwords.append(w)
                codes.extend(row)
                opts.extend(opt)
            lex.sk_codes = np.array(codes, dtype=np.int64)
            lex.sk_opt = np.array(opts, dtype=bool)
            lex.sk_starts = np.array(starts, dtype=np.int64)
            lex.sk_lens = np.array(lens, dtype=np.int64)
            lex.sk_words = np.array(nwords, dtype=np.float64)
            lex.lead_ids = np.arange(len(lex.lead_specs), dtype=np.int64)
            lex.body_ids = np.arange(len(lex.lead_specs), len(specs), dtype=np.int64)
        # Capitalised twin of every token, for sentence starts.
        base = list(tokens)
        cap = [tok(t[:1].upper() + t[1:]) for t in base]
        self.cap = np.array(cap + list(range(len(base), len(tokens))), dtype=np.int64)
        self.tokens = tokens
        self.n_static = len(tokens)
        # Lower-case words of the vocabulary: a capitalised sentence opener whose
        # lower-case form is one of them may be lowered when text is put before it.
        self.lower_words = frozenset(t for t in tokens if SEP not in t and t[:1].islower())
        # Deletable words for paraphrases: adjectives and adverbs drop without breaking the sentence.
        self.deletable = [frozenset(lex.cats["A"]) | frozenset(lex.cats["ADV"]) for lex in self.lex]


_TABLES: _Tables | None = None


def _tables() -> _Tables:
    global _TABLES
    if _TABLES is None:
        _TABLES = _Tables()
    return _TABLES


# ---------------------------------------------------------------------------
# Per-run context: token table with the surge term, sampling distributions
# ---------------------------------------------------------------------------


class _Ctx:
    def __init__(self, rng: np.random.Generator, surge_term: str):
        T = _tables()
        self.T = T
        self.rng = rng
        self.surge_term = surge_term
        term = surge_term.casefold()
        self.tok = np.array(T.tokens + [surge_term.replace(" ", SEP)], dtype=object)
        self.surge_tok = T.n_static
        self.cap = np.append(T.cap, T.n_static)
        self.tok_pa = pa.array(self.tok.tolist(), pa.string())
        # Sampling CDFs per (lang, category): mild Zipf over the written order;
        # entries containing the surge term get weight 0 so that its baseline
        # rate is controlled by the generator alone.
        self.cdf = {}
        for (lang, c), ids in T.cat_off.items():
            m = len(ids)
            w = 1.0 / (np.arange(m) + 4.0) ** 0.6
            if c not in ("N", "NS", "TN", "TNS", "A", "V", "VD", "VN", "ADV", "PLACE", "TPLACE"):
                w = np.ones(m)  # small closed classes: uniform, they must not glue posts together
            if term:
                bad = np.array([term in T.tokens[i].replace(SEP, " ").casefold() for i in ids])
                if bad.all():
                    bad[:] = False
                w = np.where(bad, 0.0, w)
            cdf = np.cumsum(w)
            self.cdf[(lang, c)] = cdf / cdf[-1]

    def draw(self, lang: int, cat: str, n: int) -> np.ndarray:
        """Token ids for ``n`` draws from one category."""
        cdf = self.cdf[(lang, cat)]
        k = np.searchsorted(cdf, self.rng.random(n), side="right")
        k = np.minimum(k, len(cdf) - 1)
        return self.T.cat_off[(lang, cat)][k]

    def draw_index(self, lang: int, cat: str, n: int) -> np.ndarray:
        cdf = self.cdf[(lang, cat)]
        return np.minimum(np.searchsorted(cdf, self.rng.random(n), side="right"), len(cdf) - 1)

    def compose(self, lang, camp, tplace, tnoun, person, target_words, lead=True, lead_choice=None):
        """Vectorised text bodies for one language.

        Parameters
        ----------
        camp, tplace, tnoun, person : int arrays, one per post
            Camp (for stock phrases), topic place token id, topic noun index,
            person token id.
        target_words : int array
            Sentences are added until the post has at least this many words.
        lead : bool
            Start with a lead sentence naming the topic (originals) or not
            (wrapper text around quotes).

        Returns
        -------
        pyarrow.StringArray
            Bodies with tokens separated by :data:`SEP`.
        """
        rng = self.rng
        lex = self.T.lex[lang]
        n = len(camp)
        if n == 0:
            return pa.array([], pa.string())
        K = 12
        bodies = lex.body_ids[rng.integers(len(lex.body_ids), size=(n, K))]
        if lead:
            first = lex.lead_ids[rng.integers(len(lex.lead_ids), size=n)]
            if lead_choice is not None:
                first = np.where(lead_choice >= 0, lead_choice, first)
            seq = np.column_stack([first, bodies])
        else:
            seq = bodies
        cum = np.cumsum(lex.sk_words[seq], axis=1)
        nsent = np.minimum((cum < target_words[:, None]).sum(axis=1) + 1, seq.shape[1])
        mask = np.arange(seq.shape[1])[None, :] < nsent[:, None]
        sel = seq[mask]
        post_of_sent = np.repeat(np.arange(n), nsent)
        lens = lex.sk_lens[sel]
        total = int(lens.sum())
        sent_start = np.repeat(np.cumsum(lens) - lens, lens)
        pos = np.repeat(lex.sk_starts[sel], lens) + (np.arange(total) - sent_start)
        toks = lex.sk_codes[pos].copy()
        post_of_tok = np.repeat(post_of_sent, lens)
        keep = ~(lex.sk_opt[pos] & (rng.random(total) < 0.5))
        for c in _RANDOM_CATS:
            m = toks == _CAT_CODE[c]
            k = int(m.sum())
            if k:
                toks[m] = self.draw(lang, c, k)
        m = toks == _CAT_CODE["PER"]
        if m.any():
            toks[m] = person[post_of_tok[m]]
        m = toks == _CAT_CODE["TPLACE"]
        if m.any():
            toks[m] = tplace[post_of_tok[m]]
        for c in ("TN", "TNS"):
            m = toks == _CAT_CODE[c]
            if m.any():
                toks[m] = self.T.cat_off[(lang, c)][tnoun[post_of_tok[m]]]
        for c in ("STOCK", "SCL"):
            m = toks == _CAT_CODE[c]
            k = int(m.sum())
            if k:
                counts = np.array(lex.camp_counts[c])
                offs = np.concatenate([[0], np.cumsum(counts)[:-1]])
                pcamp = camp[post_of_tok[m]]
                # Each camp draws from its own phrases (80 %) or any camp's (20 %).
                own = rng.random(k) < 0.8
                idx = np.where(own, offs[pcamp] + (rng.random(k) * counts[pcamp]).astype(np.int64),
                               (rng.random(k) * counts.sum()).astype(np.int64))
                toks[m] = self.T.cat_off[(lang, c)][idx]
        if lang != ZH:
            first = np.cumsum(lens) - lens
            toks[first] = self.cap[toks[first]]
        # Join in Arrow (C++): token ids -> strings -> one list per post -> joined.
        ntok = np.bincount(post_of_tok[keep], minlength=n)
        offsets = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(ntok, out=offsets[1:])
        values = self.tok_pa.take(pa.array(toks[keep]))
        lists = pa.LargeListArray.from_arrays(pa.array(offsets), values)
        return pc.binary_join(lists, SEP)


_SEP_COMMA, _SEP_STOP, _SEP_COLON = SEP + ",", SEP + ".", SEP + ":"


def _render_arrow(bodies, lang: int):
    """:func:`_render` for a whole Arrow array of bodies (composed text has only ',' and '.')."""
    if lang == ZH:
        return pc.replace_substring(bodies, SEP, "")
    s = pc.replace_substring(bodies, _SEP_COMMA, ",")
    s = pc.replace_substring(s, _SEP_STOP, ".")
    return pc.replace_substring(s, SEP, " ")


def _render(body: str, lang: int) -> str:
    """Internal body (SEP-separated tokens) to the published text."""
    if lang == ZH:
        return body.replace(SEP, "")
    s = body.replace(_SEP_COMMA, ",").replace(_SEP_STOP, ".")
    if ":" in s:
        s = s.replace(_SEP_COLON, ":")
    if "“" in s:
        s = s.replace("“" + SEP, "“").replace(SEP + "”", "”")
    if "«" in s:
        s = s.replace("«" + SEP, "«").replace(SEP + "»", "»")
    return s.replace(SEP, " ")


# ---------------------------------------------------------------------------
# Outlets
# ---------------------------------------------------------------------------


_WORD_RE = re.compile(r"\w+")


def _word_grams(text: str, n: int) -> set:
    w = _WORD_RE.findall(text.lower())
    return {tuple(w[i:i + n]) for i in range(len(w) - n + 1)}


def _contains_words(needle: str, hay: str) -> bool:
    """``needle`` occurs in ``hay`` as whole words."""
    return re.search(r"(?<!\w)" + re.escape(needle) + r"(?!\w)", hay) is not None


def _pairs(spec: str) -> list[tuple[str, str]]:
    return [tuple(p.split(":", 1)) for p in _split(spec)]


def _make_outlets(rng: np.random.Generator, n_out: int, surge_term: str, hostile_fraction: float) -> pd.DataFrame:
    """The outlet table with the generator's private columns (camp code, lang, weights)."""
    term = surge_term.casefold()
    countries = [(c, n) for c, n in _pairs(_COUNTRIES) if not term or term not in n.casefold()]
    cities = [c for c in _split(_WEST_CITIES) if not term or term not in c.casefold()]
    papers = _split(_WEST_PAPERS)
    ru_cities = _pairs(_RU_CITIES)
    zh_cities = _pairs(_ZH_CITIES)
    rows = []
    seen: set[str] = set()

    def add(handle, camp, kind, name, country, lang, aliases, core=False):
        base, k = handle, 2
        while handle in seen:
            handle, k = f"{base}_{k}", k + 1
        seen.add(handle)
        rows.append(dict(outlet=handle, camp=camp, kind=kind, name=name, country=country, lang=lang,
                         aliases=aliases, core=core))

    for h, camp, kind, name, country, lang, aliases in _CORE_OUTLETS:
        add(h, camp, kind, name, country, lang, aliases, core=True)
    core_aliases = [a.casefold() for o in _CORE_OUTLETS for a in o[6].split("|")]

    shares = {RU: 0.28, CN: 0.24, IR: 0.14, WEST: 0.34}
    core_n = {c: sum(1 for o in _CORE_OUTLETS if o[1] == c) for c in shares}
    quota = {c: max(core_n[c] + 1, int(round(shares[c] * n_out))) for c in shares}

    # Generators of extra outlets per camp: (weight, factory) where factory(i) -> row args.
    def gen_candidates(camp):
        cs = list(countries)
        order = rng.permutation(len(cs))
        cs = [cs[i] for i in order]
        out = []
        en_tpl = {
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
        }[camp]
        country = {RU: "RU", CN: "CN", IR: "IR", WEST: ""}[camp]
        for cc, cn in cs:
            for h, kind, nm, al in en_tpl:
                c2 = "US" if h.startswith("usemb") else "GB" if h.startswith("ukemb") else country
                out.append((h.format(c=cc), camp, kind, nm.format(n=cn), c2, EN, al.format(n=cn)))
        if camp == RU:
            for c, cname in ru_cities:
                for h, nm in _RU_OUTLET_TPL:
                    out.append((h.format(c=c), RU, "state_media", nm.format(C=cname), "RU", RUS, nm.format(C=cname)))
        elif camp == CN:
            for c, cname in zh_cities:
                for h, nm in _ZH_OUTLET_TPL:
                    out.append((h.format(c=c), CN, "state_media", nm.format(C=cname), "CN", ZH, nm.format(C=cname)))
        elif camp == WEST:
            for city in cities:
                for p in papers:
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

    for camp in (RU, CN, IR, WEST):
        need = quota[camp] - core_n[camp]
        cands = gen_candidates(camp)
        if camp in (RU, CN):
            # Keep a realistic share of Russian- and Chinese-language outlets.
            other = [c for c in cands if c[5] != EN]
            eng = [c for c in cands if c[5] == EN]
            n_other = int(round(need * (0.25 if camp == RU else 0.12)))
            cands = other[:n_other] + eng
        # At the largest sizes a camp may run out of plausible names: it then
        # stays a little smaller rather than repeat one.
        for h, cp, kind, name, country, lang, aliases in cands[:max(0, need)]:
            add(h, cp, kind, name, country, lang, aliases)

    df = pd.DataFrame(rows)
    n = len(df)
    kind_orig = {"ministry": 3.0, "diplomat": 0.5, "state_media": 2.0, "independent": 1.6}
    kind_echo = {"ministry": 0.25, "diplomat": 2.2, "state_media": 1.4, "independent": 0.5}
    lognorm_o = rng.lognormal(0.0, 0.8, n)
    lognorm_e = rng.lognormal(0.0, 0.8, n)
    core = df["core"].to_numpy()
    df["w_orig"] = df["kind"].map(kind_orig).to_numpy() * lognorm_o * np.where(core, 4.0, 1.0)
    df["w_echo"] = df["kind"].map(kind_echo).to_numpy() * lognorm_e * np.where(core, 2.0, 1.0)
    # Each camp's share of original posts is fixed (RU 27 %, CN 24 %, IR 14 %,
    # WEST 35 %), so that camp-level structure does not hinge on a few heavy outlets.
    for c, share in ((RU, 0.27), (CN, 0.24), (IR, 0.14), (WEST, 0.35)):
        m = (df["camp"] == c).to_numpy()
        df.loc[m, "w_orig"] *= share / df.loc[m, "w_orig"].sum()
    # WEST posts plenty but echoes little, and only its own camp.
    df.loc[df["camp"] == WEST, "w_echo"] *= 0.6
    # Bridges are among the busiest echoers.
    tot = df["w_echo"].sum()
    for b in (BRIDGE_CN2RU, BRIDGE_RU2CN):
        df.loc[df["outlet"] == b, "w_echo"] = 0.04 * tot
        df.loc[df["outlet"] == b, "w_orig"] = 0.002  # few originals of their own
    # Sign-offs: about half of the outlets append a shared one to most posts.
    # Options are dealt round-robin within each (camp, language), so the most
    # common ones ("Follow us on Telegram", "Subscribe for more") always span
    # several outlets and camps, however few outlets there are.
    so_text, so_prob, so_sep = [], [], []
    dealt: dict = {}
    for camp, lang in zip(df["camp"], df["lang"]):
        opts = _SIGNOFFS.get((camp, lang))
        if opts and rng.random() < 0.55:
            k = dealt.get((camp, lang), 0)
            dealt[(camp, lang)] = k + 1
            so_text.append(opts[k % len(opts)])
            so_prob.append(float(rng.uniform(0.5, 0.95)))
            so_sep.append("" if lang == ZH else (" " if rng.random() < 0.5 else "\n\n"))
        else:
            so_text.append("")
            so_prob.append(0.0)
            so_sep.append(" ")
    df["signoff"] = so_text
    df["signoff_p"] = so_prob
    df["signoff_sep"] = so_sep
    # Hostile names (and some handles) for render tests; never the bridges or the core.
    df["hostile"] = False
    if hostile_fraction > 0:
        cand = np.flatnonzero(~core)
        k = min(len(cand), max(1, int(round(hostile_fraction * n))))
        pick = np.sort(rng.choice(cand, size=k, replace=False))
        for j, i in enumerate(pick.tolist()):
            df.at[i, "name"] = _HOSTILE_NAMES[j % len(_HOSTILE_NAMES)] + f" {j}"
            df.at[i, "aliases"] = df.at[i, "name"] + "|" + _HOSTILE_NAMES[(j + 1) % len(_HOSTILE_NAMES)] + f" {j}"
            if j % 2 == 0:
                df.at[i, "outlet"] = _HOSTILE_HANDLES[(j // 2) % len(_HOSTILE_HANDLES)] + f"_{j}"
            df.at[i, "hostile"] = True
    df["group"] = [CAMPS[c] for c in df["camp"]]
    return df.reset_index(drop=True)


# ---------------------------------------------------------------------------
# Echo structure (who echoes what, when) -- all metadata before any text
# ---------------------------------------------------------------------------

# Rows: echoer camp (RU, CN, IR, WEST, then the two bridges); columns: source
# camp (RU, CN, IR, WEST) then the two bridge pools. WEST's row has mass only
# on WEST: it never echoes another camp.
_MATRIX_GEN1 = np.array([
    # RU    CN    IR    WEST  BRcn2ru BRru2cn
    [0.26, 0.60, 0.07, 0.04, 0.03, 0.00],  # RU
    [0.58, 0.32, 0.05, 0.02, 0.00, 0.03],  # CN
    [0.17, 0.10, 0.68, 0.05, 0.00, 0.00],  # IR
    [0.00, 0.00, 0.00, 1.00, 0.00, 0.00],  # WEST
    [0.08, 0.90, 0.02, 0.00, 0.00, 0.00],  # bridge rusemb_beijing: CN -> RU
    [0.90, 0.08, 0.02, 0.00, 0.00, 0.00],  # bridge chinaemb_moscow: RU -> CN
])
# Echoes of echoes: RU outlets pick up the CN content their bridge carries.
_MATRIX_LATER = np.array([
    [0.20, 0.42, 0.04, 0.02, 0.32, 0.00],
    [0.38, 0.27, 0.04, 0.01, 0.00, 0.30],
    [0.20, 0.12, 0.63, 0.05, 0.00, 0.00],
    [0.00, 0.00, 0.00, 1.00, 0.00, 0.00],
    [0.08, 0.90, 0.02, 0.00, 0.00, 0.00],
    [0.90, 0.08, 0.02, 0.00, 0.00, 0.00],
])
_COLS = ("RU", "CN", "IR", "WEST", "via " + BRIDGE_CN2RU, "via " + BRIDGE_RU2CN)

_KIND_P = {  # repost, verbatim, quote, paraphrase, truncation
    "default": [0.18, 0.15, 0.27, 0.26, 0.14],
    "diplomat": [0.40, 0.14, 0.18, 0.16, 0.12],
    "bridge": [0.06, 0.06, 0.48, 0.36, 0.04],
}
# Median lag per kind (seconds) of a log-normal; reposts are fast, paraphrases slow.
_LAG_MEDIAN = np.array([25 * 60, 90 * 60, 3 * 3600, 5 * 3600, 2 * 3600], dtype=np.float64)
_LAG_SIGMA = 1.5
K_REPOST, K_VERBATIM, K_QUOTE, K_PARA, K_TRUNC = range(5)


def _lags(rng, kinds: np.ndarray, scale: float = 1.0) -> np.ndarray:
    z = rng.standard_normal(len(kinds))
    lag = np.exp(np.log(_LAG_MEDIAN[kinds] * scale) + _LAG_SIGMA * z)
    return np.clip(np.round(lag), MIN_LAG_S, MAX_LAG_S).astype(np.int64)


def _draw_kinds(rng, echoer_kind_class: np.ndarray) -> np.ndarray:
    """Echo kind per echo from its outlet's class (0 default, 1 diplomat, 2 bridge)."""
    out = np.empty(len(echoer_kind_class), dtype=np.int64)
    for cls, key in enumerate(("default", "diplomat", "bridge")):
        m = echoer_kind_class == cls
        k = int(m.sum())
        if k:
            out[m] = rng.choice(5, size=k, p=_KIND_P[key])
    return out


def _select_sources(rng, echoers, lags, rows, langs, matrix, pool_idx, pool_col, pool_t, post_lang, post_outlet,
                    post_root_outlet, t_end, camp_of_outlet):
    """Pick a source post for each echo.

    The source camp comes from the echoer's row of ``matrix``; the source is
    drawn uniformly among that camp's pool posts in the echoer's language that
    are early enough for the echo (source time + lag) to fall inside the
    period. Where the camp has no posts in that language the echoer falls back
    to its own camp. An outlet never echoes itself or its own root post.

    Returns
    -------
    ndarray
        Source post index per echo, -1 where none fits.
    """
    n = len(echoers)
    cum = np.cumsum(matrix, axis=1)
    cum[:, -1] = 1.0
    col = (rng.random(n)[:, None] > cum[rows]).sum(axis=1)
    order = np.lexsort((pool_idx, pool_t))
    pidx, pcol, pt = pool_idx[order], pool_col[order], pool_t[order]
    plang = post_lang[pidx]
    key_pool = {}
    for c in range(matrix.shape[1]):
        for lg in range(3):
            m = (pcol == c) & (plang == lg)
            if m.any():
                key_pool[(c, lg)] = (pidx[m], pt[m])
    own = camp_of_outlet[echoers]
    col = np.where([(int(c), int(lg)) in key_pool for c, lg in zip(col.tolist(), langs.tolist())], col, own)
    src = np.full(n, -1, dtype=np.int64)
    for (c, lg), pool in key_pool.items():
        sel = np.flatnonzero((col == c) & (langs == lg))
        if len(sel):
            src[sel] = _pick(rng, sel, pool, lags, t_end, echoers, post_outlet, post_root_outlet)
    return src


def _pick(rng, sel, pool, lags, t_end, echoers, post_outlet, post_root_outlet):
    pidx, pt = pool
    cnt = np.searchsorted(pt, t_end - lags[sel], side="right")
    out = np.full(len(sel), -1, dtype=np.int64)
    todo = np.flatnonzero(cnt > 0)
    for _ in range(12):  # resample collisions (an outlet never echoes itself)
        if not len(todo):
            break
        j = (rng.random(len(todo)) * cnt[todo]).astype(np.int64)
        cand = pidx[j]
        e = echoers[sel[todo]]
        ok = (post_outlet[cand] != e) & (post_root_outlet[cand] != e)
        out[todo[ok]] = cand[ok]
        todo = todo[~ok]
    return out


# ---------------------------------------------------------------------------
# Echo texts
# ---------------------------------------------------------------------------


def _cite_forms(name: str, aliases: str, lang: int) -> list[str]:
    forms = [name] + [a for a in aliases.split("|") if a and a != name]
    out = []
    for f in forms:
        if lang == EN and f.split(" ")[-1] in ("Ministry", "Embassy", "Department", "Office", "Mission") \
                and not f.startswith(("The ", "the ")):
            f = "the " + f
        out.append(f)
    return out


def _word_positions(tokens):
    return [i for i, t in enumerate(tokens) if t not in _PUNCT]


def _cap(s: str) -> str:
    return s[:1].upper() + s[1:] if s else s


class _EchoWriter:
    """Per-echo text edits. Uses a ``random.Random`` seeded from the numpy
    generator: many tiny draws per echo are much cheaper there."""

    def __init__(self, pr: random.Random, tables: _Tables):
        self.pr = pr
        self.T = tables

    def _lower_opener(self, tok, lang):
        if lang == ZH:
            return tok
        low = tok[:1].lower() + tok[1:]
        return low if low != tok and low in self.T.lower_words else tok

    def repost(self, text, handle):
        """The source text, as a platform repost shows it (sometimes behind ``RT @handle:``)."""
        if self.pr.random() < 0.55:
            return f"RT @{handle}: {text}"
        return text

    def verbatim(self, text, lang):
        """The source text with at most one tiny change."""
        pr = self.pr
        u = pr.random()
        if u < 0.35:
            return text
        if u < 0.55:
            return text + (" " if lang != ZH else "") + pr.choice(_VERBATIM_TAGS[lang])
        if u < 0.70:
            alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
            return text + " https://t.co/" + "".join(pr.choice(alphabet) for _ in range(10))
        if u < 0.82:
            return _VERBATIM_PREFIX[lang] + text
        if u < 0.92 and lang != ZH:
            # Change of case: the first sentence in capitals, or the first letter lowered.
            if pr.random() < 0.5:
                cut = text.find(". ")
                cut = len(text) if cut < 0 else cut
                return text[:cut].upper() + text[cut:]
            return text[:1].lower() + text[1:]
        # A trailing line break; Chinese gets a bracketed tag instead (no whitespace inside CJK text).
        return text + "\n" if lang != ZH else "【转发】" + text

    def quote(self, tokens, lang, cite, lead, tail, attributed):
        """A 12-40 word span of ``tokens`` inside new text; returns body tokens."""
        pr = self.pr
        wpos = _word_positions(tokens)
        nw = len(wpos)
        k = min(pr.randint(12, 40), max(1, nw - 2))
        # Most quotes start at a sentence start; some pick up mid-sentence.
        starts = [j for j, i in enumerate(wpos) if (i == 0 or tokens[i - 1] in _TERMINAL) and j <= nw - k]
        if starts and pr.random() < 0.6:
            s = pr.choice(starts)
        else:
            s = pr.randint(0, max(0, nw - k))
        stop = wpos[s + k - 1] + 1
        if stop < len(tokens) and tokens[stop] in _TERMINAL:
            stop += 1
        span = tokens[wpos[s]: stop]
        if span[-1] not in _TERMINAL:
            span = span + [_TRUNC_TAIL[lang]]
        lead_t = lead.split(SEP) if lead else []
        tail_t = tail.split(SEP) if tail else []
        if lang == EN:
            qo, qc = "“", "”"
        elif lang == RUS:
            qo, qc = "«", "»"
        else:
            qo, qc = "“", "”"
        if attributed:
            form = pr.randrange(3)
            if lang == EN:
                if form == 0:
                    mid = [_cap(cite), "said", ":", qo] + span + [qc]
                elif form == 1:
                    mid = ["According", "to", cite, ","] + span
                else:
                    mid = [qo] + span[:-1] + [",", qc, cite, "said", "."]
            elif lang == RUS:
                if form == 0:
                    mid = [cite, "заявил", ":", qo] + span + [qc]
                elif form == 1:
                    mid = ["Как", "сообщает", cite, ","] + span
                else:
                    mid = ["По", "данным", cite, ","] + span
            else:
                if form == 0:
                    mid = [cite, "表示", "：", qo] + span + [qc]
                elif form == 1:
                    mid = ["据", cite, "报道", "，"] + span
                else:
                    mid = [cite, "称", "，"] + span
        else:
            mid = [qo] + span + [qc] if pr.random() < 0.5 else span
        return lead_t + mid + tail_t

    def paraphrase(self, tokens, lang, cite):
        """Synonyms, deletions, insertions and sentence reordering; keeps 70-85 % of the words."""
        pr = self.pr
        syn = self.T.lex[lang].syn
        deletable = self.T.deletable[lang]
        toks = list(tokens)
        wpos = _word_positions(toks)
        nw = len(wpos)
        keep = pr.uniform(0.70, 0.85)
        n_change = max(1, int(round((1.0 - keep) * nw)))
        subs = [i for i in wpos if toks[i] in syn]
        n_sub = min(len(subs), int(round(n_change * pr.uniform(0.5, 0.8))))
        chosen = pr.sample(subs, n_sub)
        for i in chosen:
            toks[i] = pr.choice(syn[toks[i]])
        n_del = n_change - n_sub
        dels = ()
        if n_del > 0:
            # Delete adjectives and adverbs first, never a sentence's first word.
            used = set(chosen)
            rest = [i for i in wpos if i > 0 and i not in used and tokens[i - 1] not in _TERMINAL]
            pref = [i for i in rest if tokens[i] in deletable]
            if len(pref) >= n_del:
                dels = set(pr.sample(pref, n_del))
            else:
                pset = set(pref)
                other = [i for i in rest if i not in pset]
                dels = pset | set(pr.sample(other, min(len(other), n_del - len(pref))))
        toks = [t for i, t in enumerate(toks) if i not in dels]
        sents, cur = [], []
        for t in toks:
            cur.append(t)
            if t in _TERMINAL:
                sents.append(cur)
                cur = []
        if cur:
            sents.append(cur)
        # Insertions: a connective at a sentence start or a phrase before its full stop.
        for _ in range(pr.randint(1, 3)):
            sent = sents[pr.randrange(len(sents))]
            ends = _FILLERS_END[lang]
            if ends and pr.random() < 0.4 and sent[-1] in _TERMINAL and len(sent) > 1:
                sent[-1:-1] = pr.choice(ends).split(" ")
            elif sent:
                sent[0] = self._lower_opener(sent[0], lang)
                sent[0:0] = pr.choice(_FILLERS_START[lang]).split(" ")
        # Reorder sentences: move the first to the end, or swap two.
        if len(sents) >= 2 and pr.random() < 0.65:
            if pr.random() < 0.5:
                sents = sents[1:] + sents[:1]
            else:
                i, j = pr.sample(range(len(sents)), 2)
                sents[i], sents[j] = sents[j], sents[i]
        toks = [t for s in sents for t in s]
        if cite is not None:
            toks[0] = self._lower_opener(toks[0], lang)
            if lang == EN:
                toks = ["According", "to", cite, ","] + toks
            elif lang == RUS:
                toks = ["По", "данным", cite, ","] + toks
            else:
                toks = ["据", cite, "报道", "，"] + toks
        return toks

    def truncation(self, tokens, lang):
        """The first 60-92 % of the words, often followed by an ellipsis."""
        pr = self.pr
        wpos = _word_positions(tokens)
        nw = len(wpos)
        k = max(1, min(nw, math.ceil(pr.uniform(0.6, 0.92) * nw)))
        cut = wpos[k - 1] + 1
        toks = tokens[:cut]
        if pr.random() < 0.6:
            toks = toks + [_TRUNC_TAIL[lang]]
        return toks


# ---------------------------------------------------------------------------
# The generator
# ---------------------------------------------------------------------------


@dataclass
class Corpus:
    """A generated corpus and its ground truth.

    Attributes
    ----------
    posts : DataFrame
        Canonical posts (``amplify.schema.POSTS``): ``post_id``, ``outlet``,
        ``published_at``, ``text``, ``url``, ``lang``, ``reposted_id``,
        ``quoted_id``; ordered by time, ids ``p0000001`` ... in that order.
    outlets : DataFrame
        ``outlet, group, kind, name, country, aliases``.
    truth_links : DataFrame
        ``source_id, target_id, kind, root_id, attributed, lag_s``: one row per
        planted echo, the source being its direct parent.
    truth : dict
        Everything else that was planted (camps, bridges, surge, counts,
        parameters); JSON-serialisable.
    negatives : DataFrame
        ``a_id, b_id, kind, shared``: pairs of unrelated posts that must not be
        linked (``a`` is the earlier).
    """

    posts: pd.DataFrame
    outlets: pd.DataFrame
    truth_links: pd.DataFrame
    truth: dict
    negatives: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["a_id", "b_id", "kind", "shared"]))


def generate(
    n_posts: int = 20000,
    seed: int = 0,
    start: str = "2022-01-01",
    days: int = 30,
    surge_term: str = "Kazakhstan",
    hostile_fraction: float = 0.0,
    *,
    echo_fraction: float = 0.3,
) -> Corpus:
    """Generate a seeded corpus with known echoes, structure and negatives.

    Parameters
    ----------
    n_posts : int
        Exact number of posts (at least 100).
    seed : int
        Seed of ``numpy.random.default_rng``; the same seed gives the same corpus.
    start : str
        First day of the period (UTC), anything ``pandas.Timestamp`` reads.
    days : int
        Length of the period in days (at least 2); posts fall inside it.
    surge_term : str
        Term planted in a surge week ("Kazakhstan"); elsewhere it is rare. It
        is used as the place English posts are about, so a place name reads
        most naturally; vocabulary entries containing it are never drawn.
    hostile_fraction : float
        Share (0-1) of posts and outlets carrying hostile markup and control
        characters, for render tests. 0 gives clean text.
    echo_fraction : float
        Share of posts that are echoes (0.05-0.8).

    Returns
    -------
    Corpus
        posts, outlets, truth_links, truth and negatives. See the module
        docstring for what is planted.

    Raises
    ------
    ValueError
        On out-of-range parameters.
    """
    n_posts = int(n_posts)
    if n_posts < 100:
        raise ValueError(f"n_posts must be at least 100 (got {n_posts})")
    if int(days) < 2:
        raise ValueError(f"days must be at least 2 (got {days})")
    if not 0.0 <= float(hostile_fraction) <= 1.0:
        raise ValueError(f"hostile_fraction must be between 0 and 1 (got {hostile_fraction})")
    if not 0.05 <= float(echo_fraction) <= 0.8:
        raise ValueError(f"echo_fraction must be between 0.05 and 0.8 (got {echo_fraction})")
    surge_term = str(surge_term).strip()
    if not surge_term:
        raise ValueError("surge_term must not be empty")
    days = int(days)
    hostile_fraction = float(hostile_fraction)
    t0 = pd.Timestamp(start)
    t0 = t0.tz_localize("UTC") if t0.tzinfo is None else t0.tz_convert("UTC")
    t0 = t0.floor("s")
    start_epoch = int(t0.value // 10**9)
    T_end = days * DAY_S

    rng = np.random.default_rng(int(seed))
    ctx = _Ctx(rng, surge_term)

    # ---- outlets ---------------------------------------------------------
    n_out = int(np.clip(round(n_posts / 200), 40, 3000))
    out = _make_outlets(rng, n_out, surge_term, hostile_fraction)
    n_o = len(out)
    o_camp = out["camp"].to_numpy(np.int64)
    o_lang = out["lang"].to_numpy(np.int64)
    o_handle = out["outlet"].tolist()
    o_row = o_camp.copy()
    o_row[out["outlet"].to_numpy() == BRIDGE_CN2RU] = 4
    o_row[out["outlet"].to_numpy() == BRIDGE_RU2CN] = 5
    bridge_idx = {BRIDGE_CN2RU: int(np.flatnonzero(out["outlet"].to_numpy() == BRIDGE_CN2RU)[0]),
                  BRIDGE_RU2CN: int(np.flatnonzero(out["outlet"].to_numpy() == BRIDGE_RU2CN)[0])}
    o_class = np.where(out["kind"].to_numpy() == "diplomat", 1, 0)
    o_class[list(bridge_idx.values())] = 2
    # A post's pool column: its outlet's camp, or the bridge column for bridge outlets.
    o_col = o_camp.copy()
    o_col[bridge_idx[BRIDGE_CN2RU]] = BR_CN2RU
    o_col[bridge_idx[BRIDGE_RU2CN]] = BR_RU2CN

    # ---- counts ------------------------------------------------------------
    n_echo = int(round(echo_fraction * n_posts))
    n_orig = n_posts - n_echo

    # ---- originals: outlet and time ---------------------------------------
    w = out["w_orig"].to_numpy()
    orig_outlet = rng.choice(n_o, size=n_orig, p=w / w.sum())
    orig_t = _times(rng, n_orig, days)

    meta = {
        "outlet": [orig_outlet], "t": [orig_t], "kind": [np.full(n_orig, -1)], "parent": [np.full(n_orig, -1)],
        "gen": [np.zeros(n_orig, dtype=np.int64)],
    }
    N = n_orig
    post_outlet = orig_outlet.copy()
    post_t = orig_t.copy()
    post_root = np.arange(n_orig)
    post_kind = np.full(n_orig, -1)

    def extend(outlets_, t_, kind_, parent_, gen_):
        nonlocal N, post_outlet, post_t, post_root, post_kind
        k = len(outlets_)
        meta["outlet"].append(outlets_)
        meta["t"].append(t_)
        meta["kind"].append(kind_)
        meta["parent"].append(parent_)
        meta["gen"].append(np.full(k, gen_, dtype=np.int64))
        post_outlet = np.concatenate([post_outlet, outlets_])
        post_t = np.concatenate([post_t, t_])
        post_root = np.concatenate([post_root, post_root[parent_]])
        post_kind = np.concatenate([post_kind, kind_])
        N += k

    # ---- viral families: one statement echoed by dozens within hours -------
    n_fam = max(2, int(round(n_posts / 4000)))
    fam_size_max = max(12, min(40, n_o // 2))
    cand_root = np.flatnonzero((np.isin(o_camp[orig_outlet], [RU, CN])) & (o_lang[orig_outlet] == EN)
                               & (orig_t < T_end - 3 * DAY_S) & (out["kind"].to_numpy()[orig_outlet] != "independent"))
    if len(cand_root) < n_fam:
        cand_root = np.flatnonzero(o_lang[orig_outlet] == EN)
    fam_roots = np.sort(rng.choice(cand_root, size=min(n_fam, len(cand_root)), replace=False))
    viral_e, viral_p = [], []
    w_echo = out["w_echo"].to_numpy()
    for r in fam_roots.tolist():
        rc = o_camp[orig_outlet[r]]
        # Who joins: echo-weight times how much each camp echoes the root's camp; never WEST.
        wt = w_echo * _MATRIX_GEN1[o_row, rc] * (o_lang == EN) * (o_camp != WEST)
        wt[orig_outlet[r]] = 0.0
        nz = int((wt > 0).sum())
        m = min(int(rng.integers(max(10, fam_size_max // 2), fam_size_max + 1)), nz)
        if m <= 0:
            continue
        es = rng.choice(n_o, size=m, replace=False, p=wt / wt.sum())
        viral_e.append(es)
        viral_p.append(np.full(m, r))
    if viral_e:
        ve = np.concatenate(viral_e)
        vp = np.concatenate(viral_p)
        vk = _draw_kinds(rng, o_class[ve])
        vl = _lags(rng, vk, scale=0.5)
        vl = np.maximum(np.minimum(vl, T_end - post_t[vp]), MIN_LAG_S)
        extend(ve, post_t[vp] + vl, vk, vp, 1)
        n_viral = len(ve)
    else:
        n_viral = 0

    # ---- echo generations ---------------------------------------------------
    n_rest = max(0, n_echo - n_viral)
    gen_sizes = [int(round(n_rest * 0.80)), int(round(n_rest * 0.16))]
    gen_sizes.append(n_rest - sum(gen_sizes))
    dropped = 0
    pool = np.arange(n_orig)
    for g, size in enumerate(gen_sizes, start=1):
        if size <= 0:
            continue
        e = rng.choice(n_o, size=size, p=w_echo / w_echo.sum())
        k = _draw_kinds(rng, o_class[e])
        lag = _lags(rng, k)
        matrix = _MATRIX_GEN1 if g == 1 else _MATRIX_LATER
        if g > 1:
            # Only quote and paraphrase echoes of the previous generation are echoed
            # again: their texts differ from their own sources, so parents stay recoverable.
            prev = np.flatnonzero((np.concatenate(meta["gen"]) == g - 1) & np.isin(post_kind, [K_QUOTE, K_PARA]))
            pool = prev
        if not len(pool):
            dropped += size
            continue
        src = _select_sources(rng, e, lag, o_row[e], o_lang[e], matrix, pool, o_col[post_outlet[pool]],
                              post_t[pool], o_lang[post_outlet], post_outlet, post_outlet[post_root], T_end, o_camp)
        ok = src >= 0
        dropped += int((~ok).sum())
        if ok.any():
            extend(e[ok], post_t[src[ok]] + lag[ok], k[ok], src[ok], g)

    # ---- extra originals replace echoes that found no source -----------------
    if dropped:
        xo = rng.choice(n_o, size=dropped, p=w / w.sum())
        xt = _times(rng, dropped, days)
        extend(xo, xt, np.full(dropped, -1), np.full(dropped, -1), 0)
        post_root[-dropped:] = np.arange(N - dropped, N)

    M = {k: np.concatenate(v) for k, v in meta.items()}
    assert len(M["outlet"]) == n_posts == N
    is_orig = M["kind"] < 0
    lang = o_lang[M["outlet"]]
    camp = o_camp[M["outlet"]]
    parent = M["parent"]
    root = post_root
    is_parent = np.zeros(N, dtype=bool)
    is_parent[parent[parent >= 0]] = True

    # ---- topics, people, surge ---------------------------------------------
    surge_start, surge_len = _surge_window(days)
    tplace = np.zeros(N, dtype=np.int64)
    tnoun = np.zeros(N, dtype=np.int64)
    person = np.zeros(N, dtype=np.int64)
    for lg in range(3):
        m = lang == lg
        k = int(m.sum())
        tplace[m] = ctx.draw(lg, "PLACE", k)
        tnoun[m] = ctx.draw_index(lg, "N", k)
        person[m] = ctx.draw(lg, "PER", k)
    in_surge = (M["t"] >= surge_start) & (M["t"] < surge_start + surge_len)
    en_orig = is_orig & (lang == EN)
    u = rng.random(N)
    surge_pick = en_orig & ((in_surge & (u < 0.22)) | (~in_surge & (u < 0.003)))
    tplace[surge_pick] = ctx.surge_tok

    # ---- hard negatives (metadata; texts adjusted below) ----------------------
    n_neg = max(10, min(5000, n_posts // 150))
    so_p = out["signoff_p"].to_numpy()[M["outlet"]]
    signoff_on = rng.random(N) < so_p
    neg_pairs, lead_choice = _plan_negatives(rng, ctx, M, is_orig, lang, signoff_on, out, fam_roots, tplace, tnoun,
                                             person, surge_pick, n_neg)

    # ---- texts of originals (vectorised) -------------------------------------
    text: list = [None] * N
    body: list = [None] * N
    target = rng.integers(30, 47, size=N)
    so_text = out["signoff"].tolist()
    so_sep = out["signoff_sep"].tolist()
    suffix = np.array([sep + so if so else "" for sep, so in zip(so_sep, so_text)], dtype=object)
    for lg in range(3):
        idx = np.flatnonzero(is_orig & (lang == lg))
        for a in range(0, len(idx), 100_000):
            ch = idx[a:a + 100_000]
            bodies = ctx.compose(lg, camp[ch], tplace[ch], tnoun[ch], person[ch], target[ch], True, lead_choice[ch])
            sfx = np.where(signoff_on[ch], suffix[M["outlet"][ch]], "")
            texts = pc.binary_join_element_wise(_render_arrow(bodies, lg), pa.array(sfx, pa.string()), "")
            for i, b, t in zip(ch.tolist(), bodies.to_pylist(), texts.to_pylist()):
                body[i] = b
                text[i] = t
    pr = random.Random(int(rng.integers(2**62)))
    post_outlet_l = M["outlet"].tolist()

    def rerender(i):
        t = _render(body[i], int(lang[i]))
        o = post_outlet_l[i]
        text[i] = t + so_sep[o] + so_text[o] if signoff_on[i] and so_text[o] else t

    # Near-miss negatives: copy one 4-6 word run of A into B.
    near_shared = {}
    for a_i, b_i, kind in neg_pairs:
        if kind != "near_miss":
            continue
        ta = body[a_i].split(SEP)
        tb = body[b_i].split(SEP)
        # A run of words inside a sentence of A, put before the full stop of a sentence of B.
        runs = [j for j in range(1, len(ta) - 6)
                if ta[j - 1] not in _TERMINAL and all(t not in _PUNCT for t in ta[j:j + 6])]
        ends = [i for i, t in enumerate(tb) if t in _TERMINAL and i > 0]
        if not runs or not ends:
            continue
        # The pair must share this one short phrase and no longer run of words
        # (a run inside a stock phrase could otherwise join a longer one).
        grams_a = _word_grams(_render(body[a_i], EN), 8)
        for _ in range(6):
            j = pr.choice(runs)
            run = ta[j:j + pr.randint(4, 6)]
            at = pr.choice(ends)
            tb2 = tb[:at] + [","] + run + tb[at:]
            if not (_word_grams(_render(SEP.join(tb2), EN), 8) & grams_a):
                break
        else:
            continue
        body[b_i] = SEP.join(tb2)
        rerender(b_i)
        near_shared[(a_i, b_i)] = " ".join(run)

    hostile = rng.random(N) < hostile_fraction if hostile_fraction > 0 else np.zeros(N, dtype=bool)
    for i in np.flatnonzero(hostile & is_orig).tolist():
        toks = body[i].split(SEP)
        toks.insert(pr.randint(0, len(toks)), pr.choice(_HOSTILE_TEXT))
        body[i] = SEP.join(toks)
        rerender(i)
    for i in np.flatnonzero(is_orig & ~is_parent).tolist():
        body[i] = None  # only echoed posts need their tokens later

    # ---- texts of echoes, generation by generation ------------------------------
    kinds = M["kind"]
    attributed = np.zeros(N, dtype=bool)
    quoted = np.zeros(N, dtype=bool)
    echo_idx = np.flatnonzero(~is_orig)
    # Wrapper sentences around quotes, in the echoer's language and camp rhetoric.
    qi = echo_idx[kinds[echo_idx] == K_QUOTE]
    wrappers = {}
    for lg in range(3):
        q = qi[lang[qi] == lg]
        if not len(q):
            continue
        nq = len(q)
        cc = np.concatenate([camp[q], camp[q]])
        tp = np.concatenate([tplace[root[q]], ctx.draw(lg, "PLACE", nq)])
        tn = np.concatenate([tnoun[root[q]], ctx.draw_index(lg, "N", nq)])
        pe = ctx.draw(lg, "PER", 2 * nq)
        ws = ctx.compose(lg, cc, tp, tn, pe, rng.integers(6, 14, size=2 * nq), lead=False).to_pylist()
        for j, i in enumerate(q.tolist()):
            wrappers[i] = (ws[j], ws[nq + j])
    cite = [_cite_forms(n, a, lg) for n, a, lg in zip(out["name"], out["aliases"], out["lang"])]
    W = _EchoWriter(pr, ctx.T)
    gens = M["gen"]
    parent_l = parent.tolist()
    order = echo_idx[np.lexsort((echo_idx, gens[echo_idx]))]
    for i in order.tolist():
        p = parent_l[i]
        k = int(kinds[i])
        lg = int(lang[i])
        o = post_outlet_l[i]
        po = post_outlet_l[p]
        if k == K_REPOST:
            t = W.repost(text[p], o_handle[po])
            attributed[i] = t.startswith("RT @")
            b = body[p]
        elif k == K_VERBATIM:
            t = W.verbatim(text[p], lg)
            if signoff_on[i] and so_text[o] and so_text[o] not in t and pr.random() < 0.5:
                t = t + so_sep[o] + so_text[o]
            b = body[p]
        else:
            src = body[p].split(SEP)
            if k == K_QUOTE:
                att = pr.random() < 0.5
                lead, tail = wrappers[i]
                toks = W.quote(src, lg, pr.choice(cite[po]) if att else None, lead,
                               tail if pr.random() < 0.5 else "", att)
                attributed[i] = att
                quoted[i] = pr.random() < 0.2
            elif k == K_PARA:
                att = pr.random() < 0.25
                toks = W.paraphrase(src, lg, pr.choice(cite[po]) if att else None)
                attributed[i] = att
            else:
                toks = W.truncation(src, lg)
            if hostile[i]:
                toks.insert(pr.randint(0, len(toks)), pr.choice(_HOSTILE_TEXT))
            b = SEP.join(toks)
            t = _render(b, lg)
            if k == K_TRUNC and pr.random() < 0.3:
                t = t + (" " if lg != ZH else "") + _READ_MORE[lg] + f"https://{_domain(o_handle[o])}/a/{i:x}"
            if signoff_on[i] and so_text[o]:
                t = t + so_sep[o] + so_text[o]
        text[i] = t
        body[i] = b if is_parent[i] else None
    del body

    # ---- assemble: order by time, ids ----------------------------------------------
    order = np.lexsort((np.arange(N), M["t"]))
    rank = np.empty(N, dtype=np.int64)
    rank[order] = np.arange(N)
    width = max(7, len(str(N)))
    ids_sorted = [f"p{j + 1:0{width}d}" for j in range(N)]
    pid = np.array(ids_sorted, dtype=object)[rank]  # id of internal post i
    ts = M["t"][order] + start_epoch
    handles = np.array(o_handle, dtype=object)
    domains = [f"https://{_domain(h)}/" for h in o_handle]
    urls = [domains[o] + p for o, p in zip(M["outlet"][order].tolist(), ids_sorted)]
    if hostile.any():
        for j in np.flatnonzero(hostile[order]).tolist():
            if j % 2 == 0:
                urls[j] = "javascript:alert(document.cookie)//" + ids_sorted[j]
    repost_col = np.where((kinds == K_REPOST), pid[np.maximum(parent, 0)], None)[order]
    quoted_col = np.where(quoted, pid[np.maximum(parent, 0)], None)[order]
    text_sorted = [text[i] for i in order.tolist()]
    del text
    posts = pd.DataFrame({
        "post_id": _strings(ids_sorted),
        "outlet": _strings(handles[M["outlet"][order]]),
        "published_at": pd.DatetimeIndex((ts * 1_000_000_000).astype("datetime64[ns]")).tz_localize("UTC"),
        "text": _strings(text_sorted, large=True),
        "url": _strings(urls),
        "lang": _strings(np.array(LANGS, dtype=object)[lang[order]]),
        "reposted_id": _strings(repost_col),
        "quoted_id": _strings(quoted_col),
    })
    del text_sorted
    posts = schema.validate_posts(posts)

    e_sorted = order[~is_orig[order]]  # echoes in time order
    truth_links = pd.DataFrame({
        "source_id": pid[parent[e_sorted]],
        "target_id": pid[e_sorted],
        "kind": np.array(ECHO_KINDS, dtype=object)[kinds[e_sorted]],
        "root_id": pid[root[e_sorted]],
        "attributed": attributed[e_sorted],
        "lag_s": (M["t"][e_sorted] - M["t"][parent[e_sorted]]).astype(np.int64),
    })
    for c in ("source_id", "target_id", "kind", "root_id"):
        truth_links[c] = truth_links[c].astype("string")

    negatives = pd.DataFrame({
        "a_id": [pid[a] for a, b, k in neg_pairs],
        "b_id": [pid[b] for a, b, k in neg_pairs],
        "kind": [k for a, b, k in neg_pairs],
        "shared": [_neg_shared(a, b, k, ctx, tplace, tnoun, person, so_text, post_outlet_l, near_shared)
                   for a, b, k in neg_pairs],
    })
    keep = negatives["shared"].notna()
    negatives = negatives[keep].reset_index(drop=True)
    for c in negatives.columns:
        negatives[c] = negatives[c].astype("string")

    outlets = schema.validate_outlets(out[["outlet", "group", "kind", "name", "country", "aliases"]].copy())

    # Which posts mention the surge term (internal order), for the truth summary.
    mention = posts["text"].str.contains(surge_term, case=False, regex=False).to_numpy(dtype=bool)[rank]
    truth = _truth(
        seed=int(seed), n_posts=n_posts, start=t0, days=days, surge_term=surge_term,
        hostile_fraction=hostile_fraction, echo_fraction=float(echo_fraction), out=out, M=M, camp=camp, lang=lang,
        parent=parent, root=root, kinds=kinds, attributed=attributed, quoted=quoted, is_orig=is_orig, pid=pid,
        fam_roots=fam_roots, surge_start=surge_start, surge_len=surge_len, tplace=tplace, ctx=ctx, mention=mention,
        negatives=negatives, bridge_idx=bridge_idx, start_epoch=start_epoch, hostile=hostile, dropped=dropped,
    )
    return Corpus(posts=posts, outlets=outlets, truth_links=truth_links, truth=truth, negatives=negatives)


def _strings(values, large: bool = False) -> pd.api.extensions.ExtensionArray:
    """A pandas ``string`` array backed by Arrow, built in one pass (None -> <NA>)."""
    return pd.arrays.ArrowStringArray(pa.array(values, pa.large_string() if large else pa.string(), from_pandas=True))


def _domain(handle: str) -> str:
    slug = "".join(ch for ch in handle.lower() if ch.isalnum()) or "outlet"
    return f"{slug}.example"


def _times(rng, n: int, days: int) -> np.ndarray:
    """Publication times (seconds from start): uniform days, a daytime peak around 13:00 UTC."""
    day = rng.integers(0, days, size=n)
    sec = np.mod(rng.normal(13.0 * 3600, 4.5 * 3600, size=n), DAY_S).astype(np.int64)
    return day * DAY_S + sec


def _surge_window(days: int) -> tuple[int, int]:
    """The planted surge: a week in the middle third (shorter if the period is short)."""
    length = 7 if days >= 21 else max(1, days // 3)
    start_day = max(0, (days - length) // 2)
    return start_day * DAY_S, length * DAY_S


def _plan_negatives(rng, ctx, M, is_orig, lang, signoff_on, out, fam_roots, tplace, tnoun, person, surge_pick, n_neg):
    """Choose pairs of unrelated English originals (different outlets, 0 < dt <= 7 days)
    and adjust B's topic or person so that they share exactly what the kind says."""
    N = len(is_orig)
    lead_choice = np.full(N, -1, dtype=np.int64)
    t = M["t"]
    o = M["outlet"]
    cand = np.flatnonzero(is_orig & (lang == EN))
    cand = cand[np.lexsort((cand, t[cand]))]
    used = np.zeros(N, dtype=bool)
    used[fam_roots] = True
    pairs = []

    def pick_pairs(cands, kind, want, gap_max=30):
        got = 0
        if len(cands) < 2:
            return
        tries = rng.integers(0, len(cands) - 1, size=want * 4)
        gaps = rng.integers(1, gap_max + 1, size=want * 4)
        for a_pos, gap in zip(tries.tolist(), gaps.tolist()):
            if got >= want:
                break
            b_pos = a_pos + gap
            if b_pos >= len(cands):
                continue
            a, b = int(cands[a_pos]), int(cands[b_pos])
            if used[a] or used[b] or o[a] == o[b]:
                continue
            dt = t[b] - t[a]
            if dt <= 0 or dt > MAX_LAG_S:
                continue
            used[a] = used[b] = True
            pairs.append((a, b, kind))
            got += 1

    # Boilerplate: the same sign-off on both, different outlets.
    so = out["signoff"].to_numpy()[o]
    has = cand[signoff_on[cand] & (so[cand] != "")]
    if len(has):
        order = np.lexsort((has, t[has], so[has].astype(str)))
        has = has[order]
        sos = so[has]
        # pairs of consecutive posts that share a sign-off
        ok = np.flatnonzero(sos[:-1] == sos[1:])
        ok = ok[rng.permutation(len(ok))]
        got = 0
        for j in ok.tolist():
            if got >= n_neg:
                break
            a, b = int(has[j]), int(has[j + 1])
            if used[a] or used[b] or o[a] == o[b] or not (0 < t[b] - t[a] <= MAX_LAG_S):
                continue
            used[a] = used[b] = True
            pairs.append((a, b, "boilerplate"))
            got += 1
    nos = cand[~signoff_on[cand]]  # the other kinds prefer posts without sign-offs
    nos = nos[~surge_pick[nos]]
    pick_pairs(nos, "same_topic", n_neg)
    pick_pairs(nos, "shared_entity", n_neg)
    pick_pairs(nos, "near_miss", n_neg)
    for a, b, kind in pairs:
        if kind == "same_topic":
            tplace[b] = tplace[a]
            tnoun[b] = tnoun[a]
            person[b] = ctx.draw(EN, "PER", 1)[0]
        elif kind == "shared_entity":
            person[b] = person[a]
            per_leads = _tables().lex[EN].per_leads
            lead_choice[a] = per_leads[int(rng.integers(len(per_leads)))]
            lead_choice[b] = per_leads[int(rng.integers(len(per_leads)))]
            while tplace[b] == tplace[a]:
                tplace[b] = ctx.draw(EN, "PLACE", 1)[0]
            while tnoun[b] == tnoun[a]:
                tnoun[b] = ctx.draw_index(EN, "N", 1)[0]
        elif kind == "near_miss":
            # different topics, so the copied run is the only overlap of note
            while tplace[b] == tplace[a]:
                tplace[b] = ctx.draw(EN, "PLACE", 1)[0]
    return pairs, lead_choice


def _neg_shared(a, b, kind, ctx, tplace, tnoun, person, so_text, post_outlet_l, near_shared):
    if kind == "boilerplate":
        return so_text[post_outlet_l[a]]
    if kind == "same_topic":
        n = ctx.T.lex[EN].cats["N"][tnoun[a]]
        return f"{ctx.tok[tplace[a]].replace(SEP, ' ')} / {n}"
    if kind == "shared_entity":
        return ctx.tok[person[a]].replace(SEP, " ")
    return near_shared.get((a, b))


def _truth(*, seed, n_posts, start, days, surge_term, hostile_fraction, echo_fraction, out, M, camp, lang, parent, root,
           kinds, attributed, quoted, is_orig, pid, fam_roots, surge_start, surge_len, tplace, ctx, mention, negatives,
           bridge_idx, start_epoch, hostile, dropped) -> dict:
    N = len(camp)
    echo = ~is_orig
    e = np.flatnonzero(echo)
    sc = camp[parent[e]]
    tc = camp[e]
    # Observed camp-to-camp echo counts and their lift over a volume null
    # (an echo of camp X picks a source camp in proportion to that camp's posts).
    counts = np.zeros((4, 4), dtype=np.int64)
    np.add.at(counts, (tc, sc), 1)
    vol = np.bincount(camp, minlength=4) / N
    by_target = counts.sum(axis=1)
    lift = {}
    for x in range(4):
        for y in range(4):
            exp = by_target[x] * vol[y]
            if x != y and exp > 0:
                lift[f"{CAMPS[y]}->{CAMPS[x]}"] = round(float(counts[x, y] / exp), 3)
    pairs = {f"{CAMPS[y]}->{CAMPS[x]}": int(counts[x, y]) for x in range(4) for y in range(4)}
    depth = np.zeros(N, dtype=np.int64)
    for g in range(1, 4):
        m = M["gen"] == g
        depth[m] = depth[parent[m]] + 1
    handles = out["outlet"].to_numpy()
    bridges = []
    for h, frm, into in ((BRIDGE_CN2RU, "CN", "RU"), (BRIDGE_RU2CN, "RU", "CN")):
        bi = bridge_idx[h]
        fc, ic = CAMPS.index(frm), CAMPS.index(into)
        mine = e[M["outlet"][e] == bi]
        echoed = e[(M["outlet"][parent[e]] == bi) & (camp[e] == ic)]
        bridges.append({
            "outlet": str(handles[bi]), "camp": into, "kind": str(out.at[bi, "kind"]),
            "role": f"carries {frm} content into {into}",
            "from_camp": frm, "into_camp": into,
            "echoes_of_from_camp": int((camp[parent[mine]] == fc).sum()),
            "echoes_total": int(len(mine)),
            f"echoed_by_{into}_outlets": int(len(echoed)),
        })
    s_lo, s_hi = surge_start, surge_start + surge_len
    t_arr = M["t"]
    in_w = (t_arr >= s_lo) & (t_arr < s_hi)
    n_weeks_other = max(1e-9, (days * DAY_S - surge_len) / (7 * DAY_S))
    kind_counts = {k: int((kinds[e] == i).sum()) for i, k in enumerate(ECHO_KINDS)}
    neg_counts = {k: int((negatives["kind"] == k).sum()) for k in NEGATIVE_KINDS}
    ts = lambda s: (pd.Timestamp(start_epoch + int(s), unit="s", tz="UTC")).strftime("%Y-%m-%dT%H:%M:%SZ")  # noqa: E731
    camps_info = {}
    for c in range(4):
        oc = out[out["camp"] == c]
        camps_info[CAMPS[c]] = {
            "outlets": int(len(oc)),
            "kinds": {k: int(v) for k, v in sorted(oc["kind"].value_counts().items())},
            "languages": {LANGS[k]: int(v) for k, v in sorted(oc["lang"].value_counts().items())},
            "posts": int((camp == c).sum()),
            "echoes": int((camp[e] == c).sum()),
        }
    return {
        "generator": "amplify.synth",
        "format_version": FORMAT_VERSION,
        "seed": seed,
        "params": {"n_posts": n_posts, "seed": seed, "start": start.strftime("%Y-%m-%dT%H:%M:%SZ"), "days": days,
                   "surge_term": surge_term, "hostile_fraction": hostile_fraction, "echo_fraction": echo_fraction},
        "period": {"start": ts(0), "end": ts(days * DAY_S)},
        "counts": {
            "posts": int(N), "outlets": int(len(out)), "originals": int(is_orig.sum()), "echoes": int(len(e)),
            "echoes_by_kind": kind_counts,
            "attributed": int(attributed[e].sum()),
            "attributed_by_kind": {k: int((attributed[e] & (kinds[e] == i)).sum()) for i, k in enumerate(ECHO_KINDS)},
            "quote_posts_with_quoted_id": int(quoted.sum()),
            "chained_echoes": int((depth[e] >= 2).sum()),
            "max_chain_depth": int(depth.max()) if N else 0,
            "posts_by_lang": {LANGS[i]: int((lang == i).sum()) for i in range(3)},
            "echoes_without_source_made_originals": int(dropped),
            "hostile_posts": int(hostile.sum()),
            "hostile_outlets": int(out["hostile"].sum()),
        },
        "camps": camps_info,
        "echo_matrix": {
            "doc": "planted probability that an echo by the row's outlets copies a post of the column's pool; "
                   "'first' for echoes of originals, 'later' for echoes of echoes",
            "rows": list(CAMPS) + [BRIDGE_CN2RU, BRIDGE_RU2CN],
            "columns": list(_COLS),
            "first": _MATRIX_GEN1.round(3).tolist(),
            "later": _MATRIX_LATER.round(3).tolist(),
        },
        "camp_links_doc": "'A->B': echoes by camp-B outlets of camp-A posts (content flows from A to B); "
                          "camp_lift divides by the count expected if B's echoes picked source camps in "
                          "proportion to their share of all posts",
        "camp_links": pairs,
        "camp_lift": lift,
        "mutual_amplification": {
            "camps": ["RU", "CN"],
            "doc": "RU echoes CN and CN echoes RU far more than their share of posts predicts (camp_lift); "
                   "both directions are planted",
            "RU echoes CN": pairs["CN->RU"], "CN echoes RU": pairs["RU->CN"],
            "lift CN->RU": lift.get("CN->RU"), "lift RU->CN": lift.get("RU->CN"),
        },
        "bridges": bridges,
        "never_echoes_other_camps": ["WEST"],
        "surge": {
            "term": surge_term,
            "start": ts(s_lo), "end": ts(s_hi), "days": int(surge_len // DAY_S),
            "posts_mentioning_in_window": int((mention & in_w).sum()),
            "posts_mentioning_outside_per_week": round(float((mention & ~in_w).sum() / n_weeks_other), 2),
            "doc": "English originals mention the term with probability 0.22 inside the window and 0.003 outside; "
                   "echoes copy it",
        },
        "viral_families": [{"root_id": str(pid[r]), "size": int((root[e] == r).sum())} for r in fam_roots.tolist()],
        "negatives": {"file": "truth_negatives.csv", "counts": neg_counts,
                      "doc": "pairs of unrelated originals that must not be linked"},
        "link_kinds_map": {"repost": "repost", "verbatim": "verbatim", "quote": "quote (quote_post when quoted_id)",
                           "paraphrase": "paraphrase", "truncation": "quote or verbatim (a prefix of the source)"},
        "files": list(CORPUS_FILES),
    }


# ---------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------


def _current_umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_UMASK = _current_umask()


def _atomic_write(path: str, write, binary: bool = False) -> None:
    """Write through ``write(fh)`` into a temporary file next to ``path``, then
    :func:`os.replace` it into place: readers see the old file or the new one."""
    d = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix="." + os.path.basename(path) + ".", suffix=".tmp", dir=d)
    try:
        with (os.fdopen(fd, "wb") if binary else os.fdopen(fd, "w", encoding="utf-8", newline="")) as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o666 & ~_UMASK)  # mkstemp makes 0600; give the usual permissions
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _write_csv(df: pd.DataFrame, fh) -> None:
    # Arrow's CSV writer is ~20x faster than DataFrame.to_csv on a million posts.
    # Strings are always quoted, missing values are empty fields, booleans are
    # true/false; line ends are "\n" (newlines inside texts stay inside quotes).
    table = pa.Table.from_pandas(df, preserve_index=False)
    pacsv.write_csv(table, fh, pacsv.WriteOptions(quoting_style="needed", include_header=True))


def write_corpus(corpus: Corpus, out_dir) -> list[str]:
    """Write a corpus as CSV and JSON files in ``out_dir`` (created if needed).

    Files: ``posts.csv``, ``outlets.csv``, ``truth_links.csv``,
    ``truth_negatives.csv`` and ``truth.json``; UTF-8, each written to a
    temporary file and moved into place with :func:`os.replace`, so a reader
    never sees half a file. Times are ISO 8601 UTC (``2022-01-01T13:05:09Z``).
    The same corpus always gives the same bytes.

    Returns
    -------
    list of str
        The paths written.
    """
    out_dir = os.fspath(out_dir)
    os.makedirs(out_dir, exist_ok=True)
    posts = corpus.posts.copy()
    ts = pa.array(posts["published_at"].to_numpy(dtype="datetime64[s]"), pa.timestamp("s"))
    posts["published_at"] = pd.arrays.ArrowStringArray(pc.strftime(ts, format="%Y-%m-%dT%H:%M:%SZ"))
    paths = []
    for name, df in (("posts.csv", posts), ("outlets.csv", corpus.outlets), ("truth_links.csv", corpus.truth_links),
                     ("truth_negatives.csv", corpus.negatives)):
        p = os.path.join(out_dir, name)
        _atomic_write(p, lambda fh, df=df: _write_csv(df, fh), binary=True)
        paths.append(p)
    p = os.path.join(out_dir, "truth.json")
    _atomic_write(p, lambda fh: fh.write(json.dumps(corpus.truth, indent=1, ensure_ascii=False) + "\n"))
    paths.append(p)
    return paths


def read_corpus(out_dir) -> Corpus:
    """Read a corpus written by :func:`write_corpus` back (canonical dtypes)."""
    out_dir = os.fspath(out_dir)

    def rd(name):
        return pd.read_csv(os.path.join(out_dir, name), dtype=str, keep_default_na=False, na_values=[""])

    posts = schema.validate_posts(rd("posts.csv"))
    outlets = schema.validate_outlets(rd("outlets.csv"))
    links = rd("truth_links.csv")
    for c in ("source_id", "target_id", "kind", "root_id"):
        links[c] = links[c].astype("string")
    links["attributed"] = links["attributed"].str.lower().map({"true": True, "false": False}).astype(bool)
    links["lag_s"] = links["lag_s"].astype(np.int64)
    neg = rd("truth_negatives.csv").astype("string")
    with open(os.path.join(out_dir, "truth.json"), encoding="utf-8") as fh:
        truth = json.load(fh)
    return Corpus(posts=posts, outlets=outlets, truth_links=links, truth=truth, negatives=neg)
