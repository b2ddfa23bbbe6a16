"""Frames of the patterns of real text (data only): headlines, templates, events, titles, attributions.

Everything here is text with slots, filled by :mod:`amplify.synth.real_patterns`:

* ``{SLOT}`` takes a value that is fixed for the item (a person, a place, a
  number: what two posts of one item must agree on, or differ in);
* ``[a|b|c]`` is a free choice of words, drawn each time a text is written
  (synonyms; an empty alternative drops the words).

Every list is split in two by position: entries at positions 2, 5, 8 ...
(``i % 3 == 2``) are **held out**. The ``realistic`` profile draws only from
the other entries and the ``heldout`` profile only from these, so that work
tuned on the first never sees the frames of the second (see
:func:`split_frames`).
"""

from __future__ import annotations

__all__ = [
    "split_frames",
    "HELD_OUT_EVERY",
    "COUNTRIES_EN",
    "CITIES_EN",
    "REGIONS_EN",
    "CN_CITIES_EN",
    "SEAS_EN",
    "PORTS_EN",
    "COMMODITIES_EN",
    "REWORD_EN",
    "REWORD_RU",
    "REWORD_ZH",
    "COUNTRIES_RU",
    "CITIES_RU",
    "COMMODITIES_RU",
    "COUNTRIES_ZH",
    "CITIES_ZH",
    "COMMODITIES_ZH",
    "TEMPLATES_EN",
    "ENTITY_SWAP_EN",
    "NUMBER_SWAP_EN",
    "TOPIC_PHRASES_EN",
    "TOPIC_FRAMES_EN",
    "TOPIC_EXTRAS_EN",
    "EVENTS_EN",
    "NAME_TITLES_EN",
    "NAME_TITLE_FORMS_EN",
    "QUOTE_BACK_EN",
    "QUOTE_BACK_RU",
    "QUOTE_BACK_ZH",
    "QUESTION_ENDINGS_EN",
    "PASSAGE_LEADINS_EN",
    "INSERT_ADVERBS_EN",
]

#: Every third entry of a list (positions 2, 5, 8 ...) is held out.
HELD_OUT_EVERY = 3


def split_frames(entries, held_out: bool) -> list:
    """The entries a profile may draw: the held-out ones (positions 2, 5, 8 ...) or the others.

    >>> split_frames(list("abcdefg"), False), split_frames(list("abcdefg"), True)
    (['a', 'b', 'd', 'e', 'g'], ['c', 'f'])
    """
    return [e for i, e in enumerate(entries) if (i % HELD_OUT_EVERY == HELD_OUT_EVERY - 1) == held_out]


# --------------------------------------------------------------------------- English names

# (country, adjective); the country may be the subject of a headline.
COUNTRIES_EN = [
    ("Russia", "Russian"), ("China", "Chinese"), ("Iran", "Iranian"), ("India", "Indian"), ("Turkey", "Turkish"),
    ("Brazil", "Brazilian"), ("Egypt", "Egyptian"), ("Serbia", "Serbian"), ("Hungary", "Hungarian"),
    ("Vietnam", "Vietnamese"), ("Indonesia", "Indonesian"), ("Pakistan", "Pakistani"), ("Kazakhstan", "Kazakh"),
    ("Uzbekistan", "Uzbek"), ("Belarus", "Belarusian"), ("Armenia", "Armenian"), ("Germany", "German"),
    ("France", "French"), ("Poland", "Polish"), ("Finland", "Finnish"), ("Sweden", "Swedish"), ("Norway", "Norwegian"),
    ("Japan", "Japanese"), ("South Korea", "South Korean"), ("Mexico", "Mexican"), ("Argentina", "Argentine"),
    ("South Africa", "South African"), ("Nigeria", "Nigerian"), ("Algeria", "Algerian"), ("Cuba", "Cuban"),
    ("Venezuela", "Venezuelan"), ("Mongolia", "Mongolian"), ("Singapore", "Singaporean"), ("Malaysia", "Malaysian"),
    ("Greece", "Greek"), ("Italy", "Italian"), ("Spain", "Spanish"), ("Canada", "Canadian"),
    ("Australia", "Australian"), ("Ukraine", "Ukrainian"), ("Georgia", "Georgian"), ("Azerbaijan", "Azerbaijani"),
    ("Chile", "Chilean"), ("Peru", "Peruvian"), ("Ethiopia", "Ethiopian"), ("Kenya", "Kenyan"),
]
CITIES_EN = [
    "Geneva", "Vienna", "Istanbul", "Dubai", "Doha", "Minsk", "Sochi", "Shanghai", "Tianjin", "Kazan",
    "St Petersburg", "Isfahan", "Mashhad", "Almaty", "Samarkand", "Baku", "Yerevan", "Belgrade", "Budapest", "Hanoi",
    "Jakarta", "Cairo", "Algiers", "Havana", "Caracas", "Ulaanbaatar", "Kuala Lumpur", "Athens", "Rome", "Madrid",
    "Helsinki", "Warsaw", "Kharkiv", "Odesa", "Donetsk", "Belgorod", "Kherson", "Tbilisi", "Nairobi", "Lima",
]
REGIONS_EN = ["Belgorod", "Kursk", "Bryansk", "Kherson", "Zaporizhzhia", "Donetsk", "Luhansk", "Kharkiv", "Crimea",
              "Voronezh", "Rostov", "Odesa", "Mykolaiv", "Sumy"]
CN_CITIES_EN = ["Wuhan", "Shanghai", "Beijing", "Guangzhou", "Shenzhen", "Tianjin", "Chengdu", "Xi'an", "Harbin",
                "Jilin", "Changchun", "Nanjing", "Hangzhou", "Zhengzhou"]
PORTS_EN = ["Odesa", "Novorossiysk", "Constanta", "Istanbul", "Qingdao", "Rotterdam", "Alexandria", "Bandar Abbas",
            "Santos", "Durban", "Vladivostok", "Chornomorsk", "Tianjin", "Piraeus"]
SEAS_EN = ["the Black Sea", "the South China Sea", "the Sea of Japan", "the Arabian Sea", "the Baltic Sea",
           "the Mediterranean", "the Gulf of Oman", "the East China Sea", "the Bering Sea"]
COMMODITIES_EN = ["gas", "oil", "grain", "fertiliser", "coal", "wheat", "uranium", "electricity"]

# --------------------------------------------------------------------------- headline rewordings

# Each frame: realizations of one statement. Slots: {P} a person's full name,
# {PS} the surname, {A} {B} countries, {AN} {BN} their adjectives, {C} a city,
# {H} a port, {S} a sea, {X} a commodity, {N} a number. Every realization of a frame uses
# the same slots (a test checks it).
REWORD_EN = [
    ["{P} says {A} [ready|prepared] for talks with {B}",
     "{A} [open to|willing to hold] [negotiations|dialogue] with {B}, {PS} [says|insists]",
     "{PS}: {A} [willing|ready] to [sit down|negotiate] with {B} [without preconditions|]"],
    ["{A} [imposes|slaps] sanctions on {N} {BN} [officials|individuals]",
     "{N} {BN} [officials|individuals] [hit with|targeted by] new {AN} sanctions",
     "New {AN} [restrictions|penalties] target {N} people from {B}"],
    ["{P} arrives in {C} for [official|state] visit",
     "{P} [lands|touches down] in {C} [at the start of|on] [an official|a state] visit",
     "[Official|State] visit: {PS} [in|reaches] {C}"],
    ["{N} killed in {C} [shelling|strike], {P} says",
     "[Shelling|Strike] in {C} [leaves {N} dead|kills {N}] - {PS}",
     "{PS}: {N} [people|civilians] [die|dead] after attack on {C}"],
    ["{A} and {B} [agree|sign deal] on {X} supplies",
     "{X} [deal|accord] [sealed|signed] between {A} and {B}",
     "{B} to [receive|get] {X} from {A} under new [deal|agreement]"],
    ["{A} expels {N} {BN} diplomats",
     "{N} {BN} diplomats [ordered|told] to leave {A}",
     "{A} [orders|tells] {N} diplomats from {B} to [go|leave the country]"],
    ["{A}-{B} trade [grows|rises|jumps] {N} percent",
     "Trade between {A} and {B} [up|increases] {N}%",
     "{N}% [rise|growth|increase] in {AN}-{BN} trade [reported|recorded]"],
    ["{P} [condemns|slams] {AN} strikes on {C}",
     "{AN} [attack|strikes] on {C} [condemned|denounced] by {P}",
     "{PS} [denounces|criticises] {A} over [attack|strikes] on {C}"],
    ["{P} wins {A} presidential election with {N}%",
     "{PS} [elected|declared] {AN} president [after winning|with] {N} percent [of the vote|]",
     "{A} election: {PS} [takes|secures] {N}% and [wins|claims victory]"],
    ["{A} and {B} [launch|begin|start] joint naval [drills|exercises] in {S}",
     "Joint {AN}-{BN} naval [drills|exercises] [kick off|get under way] in {S}",
     "{S}: {AN}, {BN} warships [hold|stage] [manoeuvres|drills]"],
    ["{N} [residents|people] evacuated from {C} as floods spread",
     "Floods force evacuation of {N} people in {C}",
     "{C} floods: {N} [residents|people] [moved to safety|evacuated]"],
    ["{C} police [detain|arrest] {N} [protesters|people] at [rally|protest]",
     "{N} [detained|arrested] at {C} [protest|rally], police say",
     "Police in {C} [hold|arrest] {N} after [protest|rally]"],
    ["{A} summons {BN} ambassador over {X} [dispute|row]",
     "{BN} envoy summoned [by|in] {A} over {X} [row|dispute]",
     "{X} [row|dispute]: {A} [calls in|summons] ambassador of {B}"],
    ["{N} ships with {X} leave {H} port",
     "{X} ships: {N} [depart|sail from] {H}",
     "{H} port sees {N} {X} [vessels|ships] [depart|leave]"],
    ["{P} [resigns|steps down] as {AN} defence minister",
     "{AN} defence minister {PS} [quits|resigns]",
     "{A}: {PS} [leaves|quits] post of defence minister"],
]

# --------------------------------------------------------------------------- Russian and Chinese names

# Russian countries with their cases: nominative, genitive, accusative, prepositional, instrumental.
COUNTRIES_RU = [
    ("Россия", "России", "Россию", "России", "Россией"), ("Китай", "Китая", "Китай", "Китае", "Китаем"),
    ("Иран", "Ирана", "Иран", "Иране", "Ираном"), ("Индия", "Индии", "Индию", "Индии", "Индией"),
    ("Турция", "Турции", "Турцию", "Турции", "Турцией"), ("Сербия", "Сербии", "Сербию", "Сербии", "Сербией"),
    ("Бразилия", "Бразилии", "Бразилию", "Бразилии", "Бразилией"), ("Египет", "Египта", "Египет", "Египте", "Египтом"),
    ("Вьетнам", "Вьетнама", "Вьетнам", "Вьетнаме", "Вьетнамом"),
    ("Монголия", "Монголии", "Монголию", "Монголии", "Монголией"),
    ("Армения", "Армении", "Армению", "Армении", "Арменией"),
    ("Белоруссия", "Белоруссии", "Белоруссию", "Белоруссии", "Белоруссией"),
    ("Куба", "Кубы", "Кубу", "Кубе", "Кубой"), ("Венесуэла", "Венесуэлы", "Венесуэлу", "Венесуэле", "Венесуэлой"),
    ("Алжир", "Алжира", "Алжир", "Алжире", "Алжиром"),
    ("Индонезия", "Индонезии", "Индонезию", "Индонезии", "Индонезией"),
]
CITIES_RU = [
    ("Донецк", "Донецка", "Донецк", "Донецке"), ("Белгород", "Белгорода", "Белгород", "Белгороде"),
    ("Херсон", "Херсона", "Херсон", "Херсоне"), ("Курск", "Курска", "Курск", "Курске"),
    ("Минск", "Минска", "Минск", "Минске"), ("Пекин", "Пекина", "Пекин", "Пекине"),
    ("Тегеран", "Тегерана", "Тегеран", "Тегеране"), ("Ташкент", "Ташкента", "Ташкент", "Ташкенте"),
    ("Казань", "Казани", "Казань", "Казани"), ("Сочи", "Сочи", "Сочи", "Сочи"),
    ("Анкара", "Анкары", "Анкару", "Анкаре"), ("Ереван", "Еревана", "Ереван", "Ереване"),
]
# (genitive, accusative)
COMMODITIES_RU = [("газа", "газ"), ("нефти", "нефть"), ("зерна", "зерно"), ("удобрений", "удобрения"),
                  ("угля", "уголь"), ("пшеницы", "пшеницу")]
COUNTRIES_ZH = ["中国", "俄罗斯", "伊朗", "印度", "土耳其", "越南", "巴西", "埃及", "古巴", "老挝", "蒙古", "缅甸",
                "日本", "韩国", "法国", "德国", "英国", "塞尔维亚", "匈牙利", "白俄罗斯"]
CITIES_ZH = ["北京", "上海", "莫斯科", "德黑兰", "明斯克", "河内", "开罗", "喀山", "索契", "顿涅茨克", "别尔哥罗德",
             "武汉", "天津", "大连", "青岛"]
COMMODITIES_ZH = ["天然气", "石油", "粮食", "化肥", "煤炭", "小麦"]

# Slots as in REWORD_EN; Russian ones carry the case: {A.nom} {A.gen} {A.acc} {A.prep} {A.ins},
# cities {C.nom} {C.gen} {C.acc} {C.prep}, commodities {X.gen} {X.acc}. People are named in the nominative.
REWORD_RU = [
    ["{P}: переговоры с {B.ins} возможны без предварительных условий",
     "{P} [допустил|не исключил] [диалог|переговоры] с {B.ins} без предусловий",
     "Диалог с {B.ins} [возможен|допустим] и без условий, [считает|заявил] {P}"],
    ["{A.nom} и {B.nom} [подписали|заключили] соглашение о поставках {X.gen}",
     "Поставки {X.gen}: {B.nom} и {A.nom} [договорились|достигли договорённости]",
     "{B.nom} будет [получать|закупать] {X.acc} у {A.gen} по новому [соглашению|договору]"],
    ["В {C.prep} при обстреле погибли {N} человек",
     "{N} [мирных жителей|человек] [погибли|стали жертвами] обстрела {C.gen}",
     "Обстрел {C.gen} унёс жизни {N} человек"],
    ["{A.nom} высылает {N} дипломатов {B.gen}",
     "{N} [сотрудников посольства|дипломатов] {B.gen} [должны покинуть|обязали покинуть] {A.acc}",
     "{A.nom} объявляет персонами нон грата {N} [представителей|дипломатов] {B.gen}"],
    ["{P} [прибыл|приехал] в {C.acc} с [официальным|рабочим] визитом",
     "В {C.prep} [начался|стартовал] визит, который [совершает|проводит] {P}",
     "{P} начал [поездку|визит] в {C.acc}"],
    ["Товарооборот {A.gen} и {B.gen} [вырос|увеличился] на {N} процентов",
     "Торговля между {A.ins} и {B.ins} [выросла|прибавила] {N}%",
     "{N}% [прироста|роста] показала торговля {B.gen} с {A.ins}"],
]
# Slots as in REWORD_EN: {P} {A} {B} {C} {X} {N}.
REWORD_ZH = [
    ["{P}：{A}愿同{B}举行谈判", "{P}表示，{A}准备与{B}展开[对话|磋商]", "{A}[愿意|同意]无条件与{B}谈判，{P}称"],
    ["{A}与{B}签署{X}供应协议", "{B}将根据新协议从{A}进口{X}", "{X}合作：{B}和{A}[达成|敲定]新[协定|合同]"],
    ["{C}遭炮击致{N}人死亡", "炮击造成{C}{N}名平民[遇难|丧生]", "{N}人在{C}[炮击|袭击]中丧生"],
    ["{A}驱逐{N}名{B}外交官", "{B}驻{A}使馆{N}人被[要求|勒令]离境", "{A}宣布{B}使馆{N}人为不受欢迎的人"],
    ["{P}抵达{C}进行[正式|国事]访问", "{P}开始对{C}的[访问|出访]行程", "{C}迎来{P}一行[到访|来访]"],
    ["{A}和{B}贸易额增长{N}%", "{A}{B}双边贸易同比[上升|提高]{N}个百分点", "{B}与{A}的[贸易|经贸往来]增长了百分之{N}"],
]

# --------------------------------------------------------------------------- templates (hard negatives)

# A template is published day after day; slots in "vary" change from post to post,
# the others are fixed for the series. {N} {M} {K}: whole numbers drawn from the
# frame's (low, high); {X} a rate drawn from its (low, high, decimals); {C} a Chinese
# city, {R} {R2} regions, {A} a country.
TEMPLATES_EN = [
    {"text": "{N} COVID-19 patients discharged from hospitals in {C}", "vary": ("N",), "N": (100, 600)},
    {"text": "{C} reports {N} new COVID-19 cases in past 24 hours", "vary": ("N",), "N": (20, 900)},
    {"text": "Air defences shoot down {N} drones over {R} region overnight", "vary": ("N", "R"), "N": (3, 60)},
    {"text": "{N} ships carrying {M} tonnes of grain leave Black Sea ports", "vary": ("N", "M"), "N": (2, 12),
     "M": (50_000, 400_000)},
    {"text": "Yuan central parity rate strengthens {N} pips to {X} against US dollar", "vary": ("N", "X"),
     "N": (5, 300), "X": (6.30, 6.90, 4)},
    {"text": "{N} people evacuated from flooded areas of {R} in past day", "vary": ("N", "R"), "N": (50, 3000)},
    {"text": "Over the past 24 hours, air defence systems shot down {N} unmanned aerial vehicles over {R} and "
             "{R2}. In total, {M} aircraft and {K} helicopters have been destroyed since the start of the operation.",
     "vary": ("N", "M", "K", "R", "R2"), "N": (5, 80), "M": (250, 400), "K": (150, 300)},
    {"text": "{N} migrants crossed the border from {A} in the past week, border officials say", "vary": ("N",),
     "N": (200, 5000)},
    {"text": "Daily update: {N} artillery strikes on {R} recorded in the past 24 hours", "vary": ("N", "R"),
     "N": (10, 150)},
    {"text": "As of midnight, {N} new confirmed cases were reported in {C}, of which {M} were imported. A total of "
             "{K} patients remain in hospital, the municipal health commission said.", "vary": ("N", "M", "K"),
     "N": (10, 400), "M": (2, 40), "K": (100, 2000)},
    {"text": "Ruble weakens to {X} against the dollar on Moscow Exchange", "vary": ("X",), "X": (55.0, 95.0, 2)},
    {"text": "{N} Ukrainian servicemen surrendered in {R} over the past week, the Defence Ministry said",
     "vary": ("N", "R"), "N": (5, 300)},
]

# --------------------------------------------------------------------------- topic-word short pairs

# entity_swap: the two posts differ only in {E} (a country, or a person for "{EP}").
ENTITY_SWAP_EN = [
    "{E} applies to join NATO",
    "{E} to impose sanctions on Russia over Ukraine",
    "{E} joins China's Belt and Road Initiative",
    "{E} bans imports of {X} from {F}",
    "{E} recalls its ambassador from {F} for consultations",
    "{EP} appointed new defence minister",
    "{E} votes against UN resolution on {F}",
    "{E} suspends gas supplies to {F}",
    "{E} closes airspace to {F} airlines",
    "{EP} resigns as prime minister amid protests",
    "{E} recognises independence of breakaway regions",
    "{E} to buy {X} from {F} in national currencies",
]
# number_swap: the two posts differ only in {N}, drawn from (low, high, decimals);
# {F} a country, {C} a city.
NUMBER_SWAP_EN = [
    ("{N}-magnitude quake hits {C}", 4.5, 6.5, 1),
    ("Inflation in {F} accelerates to {N} percent", 3.0, 15.0, 1),
    ("{F} central bank raises key rate to {N} percent", 4.0, 20.0, 2),
    ("Death toll from floods in {C} rises to {N}", 8, 120, 0),
    ("{F} economy grows {N} percent in first quarter", 0.5, 7.5, 1),
    ("Oil prices climb to {N} dollars per barrel", 70, 130, 0),
    ("{N} killed as bus plunges into ravine in {F}", 5, 40, 0),
    ("{F} unemployment falls to {N} percent", 2.5, 12.0, 1),
    ("{N} injured in {C} metro collision", 6, 90, 0),
]
# topic_words: two different frames around one topic phrase.
TOPIC_PHRASES_EN = [
    "impose sanctions on Russia", "join NATO", "boost grain exports", "resume nuclear talks",
    "ban Chinese telecom equipment", "recognise the Taliban government", "supply weapons to Ukraine",
    "cut oil production", "expel Russian diplomats", "raise interest rates", "build a new gas pipeline",
    "leave the grain deal",
]
TOPIC_FRAMES_EN = [
    "Time has come to {T} - {PS}",
    "{F} to {T}, including {EXTRA}",
    "{F} will not {T}, says {PS}",
    "Why {F} refuses to {T}",
    "Poll: most voters want to {T}",
    "{PS} urges EU to {T}",
    "{F} lawmakers vote to {T}",
    "Is it too late to {T}? Experts weigh in",
    "{F} under pressure to {T} after summit",
    "Opposition in {F} demands government {T}",
]
TOPIC_EXTRAS_EN = ["bank transactions", "energy imports", "luxury goods", "tech exports", "state-owned firms",
                   "shipping companies", "defence contracts", "air travel"]

# --------------------------------------------------------------------------- same-event reports

# An event: facts, each with realizations. Slots are the facts both reports name:
# {P1} {P2} full names, {P1T} {P2T} title and name, {P1S} {P2S} surnames, {A} {B}
# countries, {AN} {BN} adjectives, {C} a city, {D} the date ("8 May"), {N} {K}
# numbers ({N} from the event's "N" range if it has one), {M} a later month, and per event its own ({W} weapon, {Y} site, {X} subject ...).
# Titles: "t1" and "t2" (the first word is capitalised in titles). Every
# realization of a fact names all of that fact's slots.
EVENTS_EN = [
    {"name": "talks", "t1": ["Foreign Minister", "Defence Minister", "Prime Minister", "Trade Minister"],
     "t2": ["Foreign Minister", "Energy Minister", "Deputy Prime Minister", "Finance Minister"],
     "X": ["energy cooperation", "regional security", "grain exports", "visa-free travel", "nuclear energy",
           "the situation in the Middle East", "transport corridors", "payments in national currencies"],
     "facts": [
         ["{P1T} met {P2T} in {C} on {D}.",
          "{P2T} held talks with {P1T} in {C} on {D}.",
          "On {D}, {P1T} and {P2T} [sat down for talks|met for talks] in {C}.",
          "Talks between {P2T} and {P1T} took place in {C} on {D}."],
         ["They discussed {X1} and {X2}.",
          "The talks focused on {X2} as well as {X1}.",
          "{X1} was on the agenda, along with {X2}.",
          "The two sides exchanged views on {X2} and on {X1}."],
         ["{P2S} said {N} agreements were signed.",
          "The sides signed {N} [documents|agreements], according to {P2S}.",
          "According to {P2S}, {N} documents were concluded during the visit.",
          "{N} agreements were [concluded|signed] at the meeting, {P2S} said."],
         ["The next round is planned for {M}, {P1S} said.",
          "{P1S} said the two would meet again in {M}.",
          "Another meeting is expected in {M}, {P1S} told reporters.",
          "The sides agreed to continue contacts in {M}, according to {P1S}."],
     ]},
    {"name": "strike", "t1": ["Governor", "Mayor", "regional head"], "t2": ["Emergencies Minister", "health official"],
     "W": ["missile", "drone"], "Y": ["school", "hospital", "market", "power station", "residential block",
                                     "railway depot"],
     "facts": [
         ["{N} people were killed in a {W} strike on {C} on {D}.",
          "A {W} strike on {C} killed {N} people on {D}.",
          "On {D}, {N} civilians died when a {W} hit {C}.",
          "{C} came under a {W} attack on {D} that left {N} people dead."],
         ["{P1T} said {K} more were wounded.",
          "Another {K} people were injured, according to {P1T}.",
          "At least {K} were hurt, {P1T} told reporters.",
          "{P1T} put the number of injured at {K}."],
         ["The strike hit a {Y} and nearby homes.",
          "A {Y} was among the buildings damaged.",
          "Among the damaged sites was a {Y}, officials said.",
          "The {Y} took a direct hit."],
         ["{P2T} said rescue work would continue through the night.",
          "Rescuers were still at the scene late into the night, {P2T} said.",
          "According to {P2T}, search operations continued overnight.",
          "{P2T} said rescue teams remained on site."],
     ]},
    {"name": "agreement", "t1": ["Foreign Minister", "Energy Minister", "Trade Minister"],
     "t2": ["Foreign Minister", "Economy Minister", "Deputy Prime Minister"],
     "X": ["trade", "energy", "visa-free travel", "grain supply", "military-technical", "investment protection"],
     "V": ["$3.4 billion", "$1.2 billion", "$850 million", "$2.7 billion", "$640 million", "$5.1 billion"],
     "facts": [
         ["{A} and {B} signed a {X} agreement in {C} on {D}.",
          "On {D}, {AN} and {BN} officials concluded a {X} deal in {C}.",
          "A {X} accord between {B} and {A} was signed in {C} on {D}.",
          "{C} hosted the signing of a {X} agreement between {A} and {B} on {D}."],
         ["The document was signed by {P1T} for {A} and {P2T} for {B}.",
          "{P2T} and {P1T} put their signatures to the text on behalf of {B} and {A}.",
          "{P2T} signed for {B}, {P1T} for {A}.",
          "Signing for {A} was {P1T}; {P2T} signed for {B}."],
         ["The deal is worth {V}, {P2S} said.",
          "According to {P2S}, the agreement is valued at {V}.",
          "{P2S} put the value of the deal at {V}.",
          "It is a {V} package, {P2S} told reporters."],
         ["It will take effect in {M}.",
          "The agreement enters into force in {M}, officials said.",
          "Implementation is due to start in {M}.",
          "The accord should be in force by {M}."],
     ]},
    {"name": "protest", "t1": ["police spokesperson", "city police chief"],
     "t2": ["opposition leader", "trade union leader", "activist"],
     "X": ["rising fuel prices", "the new pension law", "the government's energy policy",
           "the arrest of opposition leaders", "military conscription", "food price increases"],
     "facts": [
         ["{N} people rallied in {C} on {D} against {X}.",
          "On {D}, some {N} protesters marched through {C} in protest at {X}.",
          "A crowd of {N} gathered in central {C} on {D} to oppose {X}.",
          "Protests against {X} drew {N} people to the streets of {C} on {D}."],
         ["Police detained {K} people, {P1T} said.",
          "{K} demonstrators were arrested, according to {P1T}.",
          "According to {P1T}, police made {K} arrests.",
          "{P1T} said {K} participants had been detained."],
         ["The rally was organised by {P2T}.",
          "{P2T} had called the protest.",
          "The protest had been called by {P2T}, who addressed the crowd.",
          "Organiser {P2T} spoke to the marchers."],
         ["Supporters of {P2S} said another rally was planned for {M}.",
          "More protests are expected in {M}, {P2S} said.",
          "{P2S} promised further demonstrations in {M}.",
          "A new march has been announced for {M}, according to {P2S}."],
     ]},
    {"name": "quake", "t1": ["Emergencies Minister", "civil defence chief"], "t2": ["seismologist", "rescue chief"],
     "Q": ["5.8", "6.1", "6.4", "5.6", "7.0", "6.7"],
     "facts": [
         ["A {Q}-magnitude earthquake struck {A} on {D}, with its epicentre near {C}.",
          "An earthquake of magnitude {Q} hit {C} in {A} on {D}.",
          "On {D}, a magnitude {Q} quake shook {A}, centred near {C}.",
          "{C} in {A} was hit by a {Q}-magnitude earthquake on {D}."],
         ["At least {N} people were killed, {P1T} said.",
          "{P1T} put the death toll at {N}.",
          "The quake killed {N} people, according to {P1T}.",
          "{N} deaths have been confirmed, {P1T} told reporters."],
         ["Rescue teams from {B} were sent to help.",
          "{BN} rescuers joined the search.",
          "{B} dispatched rescue teams to the area.",
          "Help arrived from {B}, officials said."],
         ["{P2T} warned that aftershocks could continue for days.",
          "Further aftershocks are likely, according to {P2T}.",
          "{P2T} said more tremors were expected.",
          "Aftershocks may follow, {P2T} cautioned."],
     ]},
    {"name": "verdict", "t1": ["journalist", "businessman", "former minister", "activist"], "t2": ["defence lawyer"],
     "N": (2, 20),
     "X": ["espionage", "treason", "fraud", "inciting unrest", "bribery"],
     "facts": [
         ["A court in {C} sentenced {P1T} to {N} years in prison on {D}.",
          "On {D}, {P1T} was jailed for {N} years by the {C} city court.",
          "{P1T} received a {N}-year prison sentence from a court in {C} on {D}.",
          "The {C} city court on {D} handed {P1T} a {N}-year sentence."],
         ["{P1S} was found guilty of {X}.",
          "The charges against {P1S} included {X}.",
          "Prosecutors had accused {P1S} of {X}.",
          "{P1S} was convicted of {X}, the court said."],
         ["{P2T} said the verdict would be appealed.",
          "The defence will appeal, {P2T} said.",
          "{P2T} told reporters an appeal would be filed.",
          "An appeal is planned, according to {P2T}."],
         ["The ruling drew criticism from {B}.",
          "{B} criticised the verdict.",
          "Officials in {B} condemned the sentence.",
          "The sentence was denounced by {B}."],
     ]},
]

# --------------------------------------------------------------------------- names are not quotes

# Long name-and-title phrases; {P} a full name. Shared by two otherwise unrelated posts.
NAME_TITLES_EN = [
    "{P}, director of the National Institute of Allergy and Infectious Diseases",
    "{P}, head of the International Atomic Energy Agency",
    "{P}, chairman of the Standing Committee of the National People's Congress",
    "{P}, secretary of the Security Council of the Russian Federation",
    "{P}, the UN Special Envoy for the Great Lakes Region",
    "Foreign Ministry spokesperson {P}",
    "{P}, deputy chairman of the State Duma Committee on International Affairs",
    "{P}, Director-General of the World Health Organization",
    "{P}, president of the European Commission",
    "{P}, Secretary-General of the North Atlantic Treaty Organization",
    "{P}, commander of the Islamic Revolutionary Guard Corps Aerospace Force",
    "{P}, head of the Office of the High Commissioner for Human Rights",
    "{P}, chief economist of the Asian Infrastructure Investment Bank",
    "Ministry of Commerce spokesperson {P}",
    "{P}, chairman of the Joint Chiefs of Staff",
]
# How a post names the phrase ({NT}; {NTV} before a verb, closing an apposition with a
# comma); {s} the post's first sentence, {DAY} a weekday. The two posts of a pair use different forms.
NAME_TITLE_FORMS_EN = [
    "{NTV} said that {s}",
    "According to {NT}, {s}",
    "{NTV} warned on {DAY} that {s}",
    "In an interview, {NTV} argued that {s}",
    "{NTV} told reporters that {s}",
    "Speaking at a forum, {NTV} noted that {s}",
]

# --------------------------------------------------------------------------- quote-back after weeks

# Attributions of a quoted sentence: {CITE} the statement's outlet as news names it
# ("the Chinese Foreign Ministry"), {CITE_CAP} the same capitalised, {SPOX} a spokesperson
# with or without the ministry's name, {P} the spokesperson's name, {WHEN} "on 8 May" or
# "last month", {MONTH} the statement's month; {Q} the sentence as quoted (full stop kept),
# {QC} the same ending in a comma, {q} the sentence as reported speech (no quotation marks).
QUOTE_BACK_EN = [
    "{CITE_CAP} said {WHEN}: “{Q}”",
    "“{QC}” {CITE} said {WHEN}.",
    "As {CITE} said {WHEN}, {q}",
    "{SPOX} said {WHEN} that {q}",
    "“{Q}” {P}, a spokesperson for {CITE}, told reporters {WHEN}.",
    "In a statement {WHEN}, {CITE} said: “{Q}”",
    "{SPOX} warned {WHEN}: “{Q}”",
    "Back in {MONTH}, {CITE} stated that {q}",
    "“{Q}” This is how {CITE} put it {WHEN}.",
]
QUOTE_BACK_RU = [
    "{CITE} {WHEN} заявил: «{Q}»",
    "«{QC}» – заявили {WHEN} в {CITE}.",
    "Как {WHEN} заявил {CITE}, {q}",
    "{SPOX} {WHEN} подчеркнул: «{Q}»",
    "Напомним, {WHEN} {CITE} заявил: «{Q}»",
    "«{Q}» Так {WHEN} высказался {CITE}.",
]
QUOTE_BACK_ZH = [
    "{CITE}{WHEN}表示：“{Q}”",
    "正如{CITE}{WHEN}所说，{Q}",
    "{SPOX}{WHEN}指出：“{Q}”",
    "{CITE}发言人{P}{WHEN}强调，{Q}",
    "据{CITE}{WHEN}发布的消息，{Q}",
    "{WHEN}，{CITE}曾表示：“{Q}”",
]

# --------------------------------------------------------------------------- long statements and articles

# Endings of a journalist's question in a press-conference transcript ("Q: ... What is your comment?").
QUESTION_ENDINGS_EN = ["What is your comment?", "How do you respond?", "Could you give us more details?",
                       "What is the ministry's position on this?", "Do you have anything to add?",
                       "How does the ministry view this?", "Can you confirm this?"]
# How an article may lead into a sentence it reuses from a statement; {CITE} as above.
PASSAGE_LEADINS_EN = ["According to {CITE},", "{CITE_CAP} said", "In its statement, {CITE} said", "{CITE_CAP} noted that"]
# Words a light edit may insert before a past-tense verb.
INSERT_ADVERBS_EN = ["also", "again", "now", "further", "reportedly", "already", "once again", "still"]
