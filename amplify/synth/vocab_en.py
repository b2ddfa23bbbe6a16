"""English vocabulary and sentence skeletons of the generated posts.

Groups of synonyms are separated by ``;``, the synonyms inside a group by ``|``.
Entries are in rough order of frequency: earlier ones are drawn more often (a
mild Zipf law). Nouns marked ``*`` are uncountable (no plural form); verbs are
``base:past[:participle]``. Sentence skeletons (``LEADS``, ``BODIES``) hold one
sentence a line: fixed words, ``{CATEGORY}`` slots filled from the lists above
(``T...`` slots take the post's own topic), and a trailing ``?`` that marks a
slot dropped half of the time. This is data only: :mod:`amplify.synth.lexicon`
compiles it.
"""

from __future__ import annotations

from amplify.synth.codes import CN, IR, RU, WEST

NOUNS = """
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

ADJS = """
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

VERBS = """
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

SAY = ("said|stated|noted|stressed|emphasised|underlined|declared|asserted|maintained|insisted|argued|explained|remarked|"
           "affirmed|told reporters|told journalists|pointed out|made clear|reiterated|warned|added|claimed|observed|"
           "acknowledged|conceded|announced|alleged|contended|recalled|suggested")
ADVS = """
firmly|strongly|resolutely; repeatedly|again; openly|publicly; deliberately|intentionally; recently|lately;
clearly|plainly|obviously; fully|completely|entirely; actively|vigorously; jointly; seriously|gravely;
quickly|swiftly|rapidly; gradually|steadily; reportedly|allegedly; officially|formally; sharply|bitterly
"""

PLACES = """
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

SUBJ = """
The Foreign Ministry; The spokesperson; Beijing; Moscow; Tehran; Washington; Brussels; The government; Officials;
The Kremlin; The ministry; The embassy; The delegation; Lawmakers; Experts; Analysts; The military; The Defence Ministry;
Local authorities; The State Council; The Security Council; The White House; The European Union; NATO; The United Nations;
Military sources; Diplomatic sources; Observers; The presidential office; The parliament; Regional officials;
The central bank; The prosecutor's office; Investigators; The committee; Security services; The army command;
Government sources; The opposition; Residents
"""
ACTOR = """
officials; the authorities; Beijing; Moscow; Tehran; Washington; Brussels; the ministry; the West; the United States;
NATO; the European Union; the Kremlin; experts; the government; the sides; the two countries; partners;
Western countries; the G7; BRICS members; SCO members; the international community; regional powers; Kyiv; London;
Berlin; Paris; Ankara; New Delhi; Tokyo; the White House; the Pentagon; the US administration; the military;
security services; investigators; lawmakers; neighbouring states; the United Nations; the IAEA; the WHO; the IMF;
the World Bank; the OSCE; the African Union; ASEAN; the Arab League; the Gulf states
"""
TITLES = """
Foreign Minister; Deputy Foreign Minister; Ambassador; spokesperson; Defence Minister; presidential aide; senior diplomat;
Vice Premier; lawmaker; analyst; military expert; political scientist; professor; commander; envoy; press secretary;
deputy chairman; security adviser; economist; trade representative; governor; mayor; senator; member of parliament
"""
NAT = """
Russian; Chinese; Iranian; American; European; Ukrainian; Western; Asian; African; Arab; Turkish; Indian; German;
French; British; Israeli; Syrian; Belarusian; Polish; Japanese; Korean; Kazakh; Serbian; Hungarian; Pakistani; Afghan
"""
_WEEKDAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()
_MONTHS = "January February March April May June July August September October November December".split()
# Time expressions: many distinct ones, so that they do not glue unrelated posts together.
DAYS = "; ".join(
    [f"{p.format(d)}" for d in _WEEKDAYS for p in ("on {}", "late on {}", "early on {}", "on {} evening", "on {} morning")]
    + [f"on {d} {m}" for m in _MONTHS for d in range(1, 29)]
    + ["earlier this week", "last week", "overnight", "this morning", "at the weekend", "earlier in the day"])
MONTHS = "; ".join([f"{p}{m}" for m in _MONTHS for p in ("", "early ", "mid-", "late ")])

# First and last names by culture; people are drawn as first x last of one culture.
PEOPLE = (
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
STOCK = {
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
SCL = {
    RU: "at a regular press briefing; in response to a question; in accordance with international law; in a television interview; on the sidelines of the forum",
    CN: "at a regular press briefing; in response to a question; in accordance with international law; at a press conference in Beijing; in a written statement",
    IR: "at a weekly press conference; in response to a question; in accordance with international law; in a statement on Saturday; in a message to the UN",
    WEST: "according to people familiar with the matter; in a statement on its website; according to a senior official; citing two sources; in a report published on Monday",
}

LEADS = """
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
PER_LEADS = (2, 3)

BODIES = """
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
