"""Review-domain phrase lexicons per language, written by hand by us (repute team).

Source: our own knowledge of how people write product and service reviews in Polish, Russian,
Ukrainian and English; not taken from any data set, word list or package, and not from the
evaluation files. Licence: the repository's own.

Groups (one dict per group and language, so each list can be measured on its own):
- DEFECTS: the product broke, does not work, arrived damaged, is badly made;
- SERVICE: delivery and service failures (cannot get through, cancelled, wrong item, rude);
- RETURNS: money-back and return intent;
- REGRET: disappointment and regret ("шкода грошей", "waste of money");
- HEDGES: lukewarm verdicts, a middling three stars ("так себе", "średnio", "meh"); the strong ones
  ("оставляет желать лучшего") are complaints;
- AVOID: recommendation negatives ("не советую", "odradzam", "avoid");
- REQUESTS: the customer asks the business to act ("прошу разобраться", "please respond"): an open
  problem, however politely put;
- PRAISE: positive domain phrases ("вартує своїх грошей", "worth every penny") and the
  resolution of a problem ("швидко замінили", "решили проблему").

Phrases are matched like `phrases.py` (lemmas, at most one extra word between two phrase words;
English has no lemmatizer, so English forms are listed one by one). A complaint preceded by a
negator is dropped; praise preceded by a negator flips ("не стоит своих денег").
"""

from __future__ import annotations

STRONG = -1.5  # on its own enough to call a review a complaint
COMPLAINT = -0.75
MILD = -0.5
PRAISE = 1.0
MILD_PRAISE = 0.5
# a middling verdict ("так себе", "meh"): the writer's three stars, neither complaint nor praise;
# it is evidence (the text is scored, neu) and weighs nothing either way
LUKEWARM = 0.0

DEFECTS: dict[str, dict[str, float]] = {
    "pl": {
        "szmelc": STRONG,
        "śmiech na sali": COMPLAINT,
        "nie nasz problem": STRONG,
        "nie mój problem": STRONG,
        "szrot": STRONG,
        "złom": STRONG,
        "no super": COMPLAINT,
        "postoję": COMPLAINT,
        "jakiś żart": STRONG,
        "zamiast obiecanych": COMPLAINT,
        "no dzięki": COMPLAINT,
        "za mały o": COMPLAINT,
        "za duży o": COMPLAINT,
        "inny kolor": COMPLAINT,
        "inny rozmiar": COMPLAINT,
        "inny model": COMPLAINT,
        "niż na zdjęciu": COMPLAINT,
        "mniejszy niż": MILD,
        "nie włącza się": STRONG,
        "nie ładuje": STRONG,
        "nie trzyma baterii": STRONG,
        "rozpadł się": STRONG,
        "rozleciał się": STRONG,
        "odkleił się": STRONG,
        "odpadł": COMPLAINT,
        "pękł": STRONG,
        "pęknięty": COMPLAINT,
        "porysowany": COMPLAINT,
        "przecieka": STRONG,
        "cieknie": COMPLAINT,
        "zawiesza się": COMPLAINT,
        "wiesza się": COMPLAINT,
        "bubel": STRONG,
        "badziewie": STRONG,
        "chłam": STRONG,
        "tandeta": STRONG,
        "tandetny": STRONG,
        "felerny": STRONG,
        "wada fabryczna": STRONG,
        "kiepska jakość": STRONG,
        "słaba jakość": STRONG,
        "niska jakość": STRONG,
        "marna jakość": STRONG,
        "kiepsko wykonany": STRONG,
        "niekompletny": COMPLAINT,
        "brakowało": COMPLAINT,
        "uszkodzona paczka": COMPLAINT,
        "nie ten rozmiar": COMPLAINT,
        "nie ten kolor": COMPLAINT,
        "śmierdzi chemią": COMPLAINT,
        "farbuje": COMPLAINT,
        "mechaci się": COMPLAINT,
        "spruł się": COMPLAINT,
        "przeterminowany": STRONG,
        "zepsuty": STRONG,
        "spleśniały": STRONG,
        "pleśń": STRONG,
        "połamany": COMPLAINT,
        "zamiast": MILD,
        "zawiesił się": COMPLAINT,
        "działał tylko": STRONG,
        "po tygodniu": MILD,
        "po miesiącu": MILD,
        "po kilku dniach": MILD,
        "psuje się": STRONG,
        "pęka": COMPLAINT,
        "odkleja się": COMPLAINT,
        "rozkleja się": COMPLAINT,
        "odpada": COMPLAINT,
        "rdzewieje": COMPLAINT,
        "łuszczy się": COMPLAINT,
        "uczulenie": COMPLAINT,
        "podrażnienie": COMPLAINT,
        "wysypka": COMPLAINT,
        "stęchlizną": COMPLAINT,
        "wilgocią": COMPLAINT,
        "z robakami": STRONG,
        "nie potrafili pomóc": COMPLAINT,
        "nie mogli pomóc": COMPLAINT,
        "więcej niż ustalono": COMPLAINT,
        "brakuje": COMPLAINT,
        "różni się od opisu": COMPLAINT,
        "różni się od zdjęcia": COMPLAINT,
        "nie ma nic wspólnego z": COMPLAINT,
        "utlenia się": COMPLAINT,
        "graniczy z cudem": STRONG,
        "swędzenie": COMPLAINT,
        "bez smaku": COMPLAINT,
        "mdły": COMPLAINT,
    },
    "ru": {
        "не его проблема": STRONG,
        "не наша проблема": STRONG,
        "не моя проблема": STRONG,
        "не их проблема": STRONG,
        "цирк": COMPLAINT,
        "мала на размер": COMPLAINT,
        "велика на размер": COMPLAINT,
        "вместо обещанных": COMPLAINT,
        "ну спасибо": COMPLAINT,
        "спасибо хоть": COMPLAINT,
        "другой цвет": COMPLAINT,
        "другого цвета": COMPLAINT,
        "другой размер": COMPLAINT,
        "другого размера": COMPLAINT,
        "другая модель": COMPLAINT,
        "меньше заявленного": COMPLAINT,
        "больше заявленного": COMPLAINT,
        "по факту другое": COMPLAINT,
        "перестала работать": STRONG,
        "не включается": STRONG,
        "не заряжается": STRONG,
        "не держит заряд": STRONG,
        "развалился": STRONG,
        "отклеилась": STRONG,
        "отвалился": STRONG,
        "треснул": STRONG,
        "лопнул": STRONG,
        "протекает": STRONG,
        "глючит": COMPLAINT,
        "виснет": COMPLAINT,
        "тормозит": MILD,
        "дефект": COMPLAINT,
        "неисправный": STRONG,
        "нерабочий": STRONG,
        "повреждён": COMPLAINT,
        "повреждённый": COMPLAINT,
        "помятый": COMPLAINT,
        "некомплект": STRONG,
        "недовложение": STRONG,
        "бывший в употреблении": STRONG,
        "облезла": COMPLAINT,
        "облезает": COMPLAINT,
        "линяет": COMPLAINT,
        "полиняла": COMPLAINT,
        "катышки": COMPLAINT,
        "торчат нитки": COMPLAINT,
        "нитки торчат": COMPLAINT,
        "кривые швы": COMPLAINT,
        "кривой шов": COMPLAINT,
        "запах химии": COMPLAINT,
        "химический запах": COMPLAINT,
        "просвечивает": MILD,
        "натирает": COMPLAINT,
        "не налезает": COMPLAINT,
        "хлипкий": COMPLAINT,
        "дешёвый пластик": COMPLAINT,
        "пришло не то": STRONG,
        "прислали не тот": STRONG,
        "прислали не то": STRONG,
        "не тот размер": COMPLAINT,
        "не тот цвет": COMPLAINT,
        "качество ужасное": STRONG,
        "качество плохое": STRONG,
        "качество не очень": COMPLAINT,
        "треснутый": STRONG,
        "битый": COMPLAINT,
        "мятый": COMPLAINT,
        "порванный": STRONG,
        "испорченный": STRONG,
        "просроченный": STRONG,
        "просрочка": STRONG,
        "протухший": STRONG,
        "тухлый": STRONG,
        "плесень": STRONG,
        "скисший": STRONG,
        "комки": COMPLAINT,
        "крошится": COMPLAINT,
        "сыплется": COMPLAINT,
        "расслаивается": COMPLAINT,
        "вместо": MILD,
        "заместо": MILD,
        "за место": MILD,
        "не понимаю восторгов": STRONG,
        "завис": COMPLAINT,
        "перезагружается": COMPLAINT,
        "вылетает": COMPLAINT,
        "проработал всего": STRONG,
        "проработал только": STRONG,
        "проработал неделю": STRONG,
        "проработал месяц": STRONG,
        "проработал пару": STRONG,
        "через неделю": MILD,
        "через месяц": MILD,
        "через пару дней": MILD,
        "кошмар": STRONG,
        "дешёвый": MILD,
        "ломается": STRONG,
        "рвётся": COMPLAINT,
        "отклеивается": COMPLAINT,
        "отваливается": COMPLAINT,
        "трескается": COMPLAINT,
        "расходится по шву": COMPLAINT,
        "ржавеет": COMPLAINT,
        "окисляется": COMPLAINT,
        "аллергия": COMPLAINT,
        "раздражение": COMPLAINT,
        "сыпь": COMPLAINT,
        "истёкшим сроком": STRONG,
        "срок истёк": STRONG,
        "вздутая": COMPLAINT,
        "вздулась": COMPLAINT,
        "пришла открытая": COMPLAINT,
        "в чёрный список": COMPLAINT,
        "не смогли помочь": COMPLAINT,
        "ничем не помогли": COMPLAINT,
        "упаковка открыта": COMPLAINT,
        "открытая упаковка": COMPLAINT,
        "коробка открыта": COMPLAINT,
        "сыростью": COMPLAINT,
        "с жучками": STRONG,
        "больше согласованного": COMPLAINT,
        "низкое качество": COMPLAINT,
        "качество низкое": COMPLAINT,
        "высыпания": COMPLAINT,
        "отличается от описания": COMPLAINT,
        "отличается от фото": COMPLAINT,
        "не имеет ничего общего с": COMPLAINT,
        "покраснение": COMPLAINT,
        "зуд": COMPLAINT,
        "жжение": COMPLAINT,
        "пресный": COMPLAINT,
        "горчит": COMPLAINT,
        "прогорклый": STRONG,
        "пахнет химией": COMPLAINT,
        "воняет химией": COMPLAINT,
        "запах ацетона": COMPLAINT,
        "без инструкции": MILD,
    },
    "uk": {
        "не наша проблема": STRONG,
        "не моя проблема": STRONG,
        "не його проблема": STRONG,
        "якийсь жарт": STRONG,
        "цирк": COMPLAINT,
        "мала на розмір": COMPLAINT,  # pymorphy3 leaves "мала" / "малі" unlemmatised
        "малі на розмір": COMPLAINT,
        "малий на розмір": COMPLAINT,
        "велика на розмір": COMPLAINT,
        "маломірить": MILD,
        "великомірить": MILD,
        "замість обіцяних": COMPLAINT,
        "ну дякую": COMPLAINT,
        "дякую що хоч": COMPLAINT,
        "зовсім не той": COMPLAINT,
        "інший колір": COMPLAINT,
        "іншого кольору": COMPLAINT,
        "інший розмір": COMPLAINT,
        "іншого розміру": COMPLAINT,
        "інша модель": COMPLAINT,
        "менше заявленого": COMPLAINT,
        "перестала працювати": STRONG,
        "не вмикається": STRONG,
        "не заряджається": STRONG,
        "не тримає заряд": STRONG,
        "розвалився": STRONG,
        "відклеїлась": STRONG,
        "відвалився": STRONG,
        "тріснув": STRONG,
        "протікає": STRONG,
        "глючить": COMPLAINT,
        "зависає": COMPLAINT,
        "гальмує": MILD,
        "дефект": COMPLAINT,
        "несправний": STRONG,
        "неробочий": STRONG,
        "пошкоджений": COMPLAINT,
        "пом'ятий": COMPLAINT,
        "некомплект": STRONG,
        "неповний комплект": STRONG,
        "вживаний": COMPLAINT,
        "надіслали не той": STRONG,
        "привезли не той": STRONG,
        "не та модель": STRONG,
        "не той розмір": COMPLAINT,
        "не той колір": COMPLAINT,
        "линяє": COMPLAINT,
        "запах хімії": COMPLAINT,
        "хлипкий": COMPLAINT,
        "дешевий пластик": COMPLAINT,
        "якість жахлива": STRONG,
        "якість погана": STRONG,
        "тріснутий": STRONG,
        "битий": COMPLAINT,
        "порваний": STRONG,
        "зіпсований": STRONG,
        "прострочений": STRONG,
        "пліснява": STRONG,
        "не розумію захоплення": STRONG,
        "завис": COMPLAINT,
        "перезавантажується": COMPLAINT,
        "вилітає": COMPLAINT,
        "пропрацював лише": STRONG,
        "пропрацював тільки": STRONG,
        "пропрацював тиждень": STRONG,
        "пропрацював місяць": STRONG,
        "через тиждень": MILD,
        "через місяць": MILD,
        "ламається": STRONG,
        "рветься": COMPLAINT,
        "відклеюється": COMPLAINT,
        "відвалюється": COMPLAINT,
        "тріскається": COMPLAINT,
        "іржавіє": COMPLAINT,
        "алергія": COMPLAINT,
        "подразнення": COMPLAINT,
        "висип": COMPLAINT,
        "термін минув": STRONG,
        "здута": COMPLAINT,
        "вогкістю": COMPLAINT,
        "з жучками": STRONG,
        "не змогли допомогти": COMPLAINT,
        "нічим не допомогли": COMPLAINT,
        "більше погодженого": COMPLAINT,
        "низька якість": COMPLAINT,
        "якість низька": COMPLAINT,
        "висипання": COMPLAINT,
        "бракує": COMPLAINT,
        "відрізняється від опису": COMPLAINT,
        "відрізняється від фото": COMPLAINT,
        "не має нічого спільного з": COMPLAINT,
        "прийшла відкрита": COMPLAINT,
        "свербіж": COMPLAINT,
        "гірчить": COMPLAINT,
        "пахне хімією": COMPLAINT,
        "смердить хімією": COMPLAINT,
        "нитки стирчать": COMPLAINT,
        "без інструкції": MILD,
    },
    "en": {
        "safety issue": STRONG,
        # what fails in a film, a book or a machine, in the words reviewers use for it
        "falls flat": COMPLAINT,
        "lost interest": COMPLAINT,
        "is a joke": COMPLAINT,
        "was a joke": COMPLAINT,
        "nobody to complain to": COMPLAINT,
        "draw your own conclusions": STRONG,
        "what a waste": COMPLAINT,
        "what a waste of a good": STRONG,
        "waste of a good": COMPLAINT,
        "burning plastic": COMPLAINT,
        "i've had better": COMPLAINT,
        "have had better": COMPLAINT,
        "wanted to like": COMPLAINT,
        "couldn't get past": COMPLAINT,
        "could not get past": COMPLAINT,
        "fall flat": COMPLAINT,
        "fell flat": COMPLAINT,
        "plot holes": COMPLAINT,
        "plot hole": COMPLAINT,
        "out of sync": COMPLAINT,
        "jet engine": COMPLAINT,
        "only works if": COMPLAINT,
        "only works when": COMPLAINT,
        "cut corners": COMPLAINT,
        "cutting corners": COMPLAINT,
        "safety hazard": STRONG,
        "fire hazard": STRONG,
        "not our problem": STRONG,
        "not my problem": STRONG,
        "not their problem": STRONG,
        "nowhere near": COMPLAINT,
        "cuts out": COMPLAINT,
        "love that for me": COMPLAINT,
        "oh great": COMPLAINT,
        "instead of the promised": COMPLAINT,
        "thanks for nothing": STRONG,
        "different model": COMPLAINT,
        "different color": COMPLAINT,
        "different colour": COMPLAINT,
        "different item": STRONG,
        "than pictured": COMPLAINT,
        "not as pictured": STRONG,
        "runs small": COMPLAINT,
        "runs large": COMPLAINT,
        "sizes small": COMPLAINT,
        "sizes too small": COMPLAINT,
        "seams split": STRONG,
        "chemical smell": COMPLAINT,
        "quit working": STRONG,
        "stops working": STRONG,
        "stopped charging": STRONG,
        "won't turn on": STRONG,
        "wouldn't turn on": STRONG,
        "doesn't turn on": STRONG,
        "does not turn on": STRONG,
        "won't charge": STRONG,
        "doesn't charge": STRONG,
        "won't hold a charge": STRONG,
        "doesn't hold a charge": STRONG,
        "broke after": STRONG,
        "broke within": STRONG,
        "broke the first": STRONG,
        "died after": STRONG,
        "died within": STRONG,
        "came apart": STRONG,
        "falls apart": STRONG,
        "falling apart": STRONG,
        "fell off": COMPLAINT,
        "falls off": COMPLAINT,
        "cracked": COMPLAINT,
        "leaks": COMPLAINT,
        "leaked": COMPLAINT,
        "leaking": COMPLAINT,
        "only lasts": COMPLAINT,
        "only lasted": STRONG,
        "lasted only": STRONG,
        "lasted about": COMPLAINT,
        "battery died": COMPLAINT,
        "battery dies": COMPLAINT,
        "after a week": COMPLAINT,
        "after two weeks": COMPLAINT,
        "after a month": COMPLAINT,
        "after a few days": COMPLAINT,
        "after a few weeks": COMPLAINT,
        "after a few uses": COMPLAINT,
        "after one use": COMPLAINT,
        "within a week": COMPLAINT,
        "within a month": COMPLAINT,
        "within days": COMPLAINT,
        "dead on arrival": STRONG,
        "arrived damaged": STRONG,
        "arrived broken": STRONG,
        "missing parts": STRONG,
        "missing pieces": STRONG,
        "wrong item": STRONG,
        "wrong size": COMPLAINT,
        "poorly made": STRONG,
        "low quality": STRONG,
        "cheap plastic": COMPLAINT,
        "feels cheap": COMPLAINT,
        "flimsy": COMPLAINT,
        "piece of crap": STRONG,
        "piece of garbage": STRONG,
        "no longer works": STRONG,
        "no longer": COMPLAINT,
        "expired": COMPLAINT,
        "moldy": STRONG,
        "overrated": COMPLAINT,
        "overhyped": COMPLAINT,
        "froze": STRONG,
        "freezes": COMPLAINT,
        "keeps freezing": STRONG,
        "keeps crashing": STRONG,
        "crashes": COMPLAINT,
        "crashed": COMPLAINT,
        "hangs up": COMPLAINT,
        "skipping": COMPLAINT,
        "skips": COMPLAINT,
        "reboots": COMPLAINT,
        "glitch": COMPLAINT,
        "glitches": COMPLAINT,
        "glitchy": COMPLAINT,
        "buggy": COMPLAINT,
        "drawback": MILD,
        "drawbacks": MILD,
        "nonresponsive": COMPLAINT,
        "unresponsive": COMPLAINT,
        "worked fine for a": STRONG,
        "worked fine for the first": STRONG,
        "working fine for the first": STRONG,
        "worked great for a": STRONG,
        "worked great for the first": STRONG,
        "worked fine until": STRONG,
        "worked well until": STRONG,
        "worked great until": STRONG,
        "take your chances": COMPLAINT,
        "better luck": COMPLAINT,
        "keeps breaking": STRONG,
        "rusted": COMPLAINT,
        "rusts": COMPLAINT,
        "peeling": COMPLAINT,
        "rash": COMPLAINT,
        "musty": COMPLAINT,
        "weevils": STRONG,
        "more than quoted": COMPLAINT,
        "more than the quote": COMPLAINT,
        "different from the picture": COMPLAINT,
        "different from the description": COMPLAINT,
        "nothing like the picture": COMPLAINT,
        "nothing like the photo": COMPLAINT,
        "allergic reaction": STRONG,
        "irritation": COMPLAINT,
        "broke me out": STRONG,
        "tasteless": COMPLAINT,
        "bland": COMPLAINT,
        "stale": COMPLAINT,
        "rancid": STRONG,
        "smells of chemicals": COMPLAINT,
        "smells like chemicals": COMPLAINT,
        "threads stick out": COMPLAINT,
        "loose threads": COMPLAINT,
        "see through": MILD,
        "runs a size small": MILD,
        "without a manual": MILD,
        "no instructions": MILD,
        "washed out": COMPLAINT,
        "keeps rebooting": COMPLAINT,
        "scratches easily": COMPLAINT,
        "ate my": COMPLAINT,
        "drains the battery": COMPLAINT,
        "battery drain": COMPLAINT,
        "one dimensional": MILD,
        "a nightmare": STRONG,
    },
}

SERVICE: dict[str, dict[str, float]] = {
    "pl": {
        "siedzi w telefonie": COMPLAINT,
        "siedziała w telefonie": COMPLAINT,
        "rozmawiała przez telefon": COMPLAINT,
        "kolejka": MILD,
        "zamknięte w godzinach pracy": COMPLAINT,
        "jedyny plus": COMPLAINT,
        "jedynym plusem": COMPLAINT,
        "jedyna zaleta": COMPLAINT,
        "bez wyjaśnień": COMPLAINT,
        "bez wyjaśnienia": COMPLAINT,
        "pytanie do sprzedawcy": COMPLAINT,
        "nie da się dodzwonić": STRONG,
        "nie można się dodzwonić": STRONG,
        "nie odbierają": STRONG,
        "olewają": STRONG,
        "olewka": STRONG,
        "olali": STRONG,
        "zbywają": COMPLAINT,
        "spławili": COMPLAINT,
        "z kwitkiem": STRONG,
        "obiecali oddzwonić": COMPLAINT,
        "anulowali zamówienie": STRONG,
        "arogancki": STRONG,
        "bezczelny": STRONG,
        "lekceważący": COMPLAINT,
        "łaskę robią": COMPLAINT,
        "z łaską": COMPLAINT,
        "odrzucili reklamację": STRONG,
        "nie uznali reklamacji": STRONG,
        "odmówili": COMPLAINT,
        "długi czas oczekiwania": COMPLAINT,
        "czekałem miesiąc": COMPLAINT,
        "czekałam miesiąc": COMPLAINT,
        "wciąż czekam": COMPLAINT,
        "nadal czekam": COMPLAINT,
        # what a guest finds: pests, a hair in the food
        "karaluchy": STRONG,
        "karaluch": STRONG,
        "pluskwy": STRONG,
        "włos w zupie": COMPLAINT,
        "włos w jedzeniu": COMPLAINT,
        "włosy w jedzeniu": COMPLAINT,
        "ceny z kosmosu": COMPLAINT,
        "potraktować z góry": COMPLAINT,
        "traktować z góry": COMPLAINT,
        "czyta z kartki": COMPLAINT,
        "bez empatii": COMPLAINT,
    },
    "ru": {
        "сидит в телефоне": COMPLAINT,
        "сидела в телефоне": COMPLAINT,
        "говорила по телефону": COMPLAINT,
        "сколько можно": COMPLAINT,
        "очередь": MILD,
        "закрыт в рабочее время": COMPLAINT,
        "единственный плюс": COMPLAINT,
        "из плюсов только": COMPLAINT,
        "без объяснений": COMPLAINT,
        "без объяснения причин": COMPLAINT,
        "вопрос к продавцу": COMPLAINT,
        "вопрос к магазину": COMPLAINT,
        "деньги списали": COMPLAINT,
        "ерунда": COMPLAINT,
        "не дозвониться": STRONG,
        "не берут трубку": STRONG,
        "трубку не берут": STRONG,
        "обещали перезвонить": COMPLAINT,
        "до сих пор жду": COMPLAINT,
        "отменили заказ": STRONG,
        "потеряли заказ": STRONG,
        "футболят": STRONG,
        "отписки": COMPLAINT,
        "кинули на деньги": STRONG,
        "лохотрон": STRONG,
        "хамка": STRONG,
        "хамят": STRONG,
        "грубо": COMPLAINT,
        "отказались менять": STRONG,
        "отказали в гарантии": STRONG,
        "отказали": COMPLAINT,
        "не вернули": STRONG,
        "не вернули деньги": STRONG,
        "долгая доставка": COMPLAINT,
        "доставка долгая": COMPLAINT,
        "курьер опоздал": COMPLAINT,
        # what a guest finds: pests, a hair in the food, the wrong slot
        "тараканы": STRONG,
        "таракан": STRONG,
        "клопы": STRONG,
        "волос в супе": COMPLAINT,
        "волос в еде": COMPLAINT,
        "волос в тарелке": COMPLAINT,
        "не на то время": COMPLAINT,
        "счёт завышен": COMPLAINT,
        "счет завышен": COMPLAINT,
        "бросил трубку": COMPLAINT,
        "бросила трубку": COMPLAINT,
        "бросают трубку": COMPLAINT,
    },
    "uk": {
        "сидить в телефоні": COMPLAINT,
        "сиділа в телефоні": COMPLAINT,
        "говорила по телефону": COMPLAINT,
        "скільки можна": COMPLAINT,
        "черга": MILD,
        "зачинено в робочий час": COMPLAINT,
        "єдиний плюс": COMPLAINT,
        "з плюсів тільки": COMPLAINT,
        "без пояснень": COMPLAINT,
        "без пояснення причин": COMPLAINT,
        "питання до продавця": COMPLAINT,
        "питання до магазину": COMPLAINT,
        "гроші списали": COMPLAINT,
        "дурниця": COMPLAINT,
        "не додзвонитися": STRONG,
        "не беруть трубку": STRONG,
        "не беруть слухавку": STRONG,
        "слухавку не беруть": STRONG,
        "обіцяли передзвонити": COMPLAINT,
        "досі чекаю": COMPLAINT,
        "скасували замовлення": STRONG,
        "загубили замовлення": STRONG,
        "футболять": STRONG,
        "відписки": COMPLAINT,
        "кинули на гроші": STRONG,
        "лохотрон": STRONG,
        "нахабство": STRONG,
        "хамське ставлення": STRONG,
        "хамка": STRONG,
        "грубо": COMPLAINT,
        "відмовились міняти": STRONG,
        "відмовили в гарантії": STRONG,
        "відмовили": COMPLAINT,
        "не повернули": STRONG,
        "не повернули гроші": STRONG,
        "довга доставка": COMPLAINT,
        # what a guest finds: pests, a hair in the food, the wrong slot
        "таргани": STRONG,
        "тарган": STRONG,
        "клопи": STRONG,
        "волосина в супі": COMPLAINT,
        "волосина в їжі": COMPLAINT,
        "волосся в їжі": COMPLAINT,
        "не на той час": COMPLAINT,
        "рахунок завищений": COMPLAINT,
        "ціни кусаються": COMPLAINT,
        "поклав слухавку": COMPLAINT,
        "поклала слухавку": COMPLAINT,
        "кинув слухавку": COMPLAINT,
        "кинула слухавку": COMPLAINT,
        "кидають слухавку": COMPLAINT,
    },
    "en": {
        "on her phone": COMPLAINT,
        "on his phone": COMPLAINT,
        "on their phones": COMPLAINT,
        "is a lie": COMPLAINT,
        "queue": MILD,
        "closed during business hours": COMPLAINT,
        "only good thing": COMPLAINT,
        "only plus": COMPLAINT,
        "not even a sorry": COMPLAINT,
        "not even an apology": COMPLAINT,
        "no apology": COMPLAINT,
        "without explanation": COMPLAINT,
        "no explanation": COMPLAINT,
        "question for the seller": MILD,
        "never heard back": STRONG,
        "hours on hold": COMPLAINT,
        "used to be good": COMPLAINT,
        "used to be better": COMPLAINT,
        "in their phones": COMPLAINT,
        "minutes on hold": COMPLAINT,
        "no reply": COMPLAINT,
        "never responded": STRONG,
        "cancelled my order": STRONG,
        "canceled my order": STRONG,
        "hung up": COMPLAINT,
        "on hold for": COMPLAINT,
        "took forever": COMPLAINT,
        "still haven't received": STRONG,
        "never showed up": STRONG,
        "didn't show up": STRONG,
        "sent the wrong": STRONG,
        "refused to": COMPLAINT,
        "refuses to": COMPLAINT,
        "unable to": COMPLAINT,
        "unprofessional": COMPLAINT,
        "non existent": COMPLAINT,
        "nonexistent": COMPLAINT,
        "had to call": COMPLAINT,
        # what a guest finds: pests, a hair in the food
        "roaches": STRONG,
        "cockroaches": STRONG,
        "bed bugs": STRONG,
        "bedbugs": STRONG,
        "hair in my": COMPLAINT,
        "hair in the food": COMPLAINT,
        "gone cold": COMPLAINT,
        "brushed me off": COMPLAINT,
        "brushed off": COMPLAINT,
        "canned reply": COMPLAINT,
        "canned response": COMPLAINT,
        "radio silence": COMPLAINT,
        "then silence": COMPLAINT,
        "pushed back": MILD,
        "higher than listed": COMPLAINT,
        "higher than advertised": COMPLAINT,
    },
}

RETURNS: dict[str, dict[str, float]] = {
    "pl": {
        "odsyłam": COMPLAINT,
        "zwróciłem towar": COMPLAINT,
        "zwróciłam towar": COMPLAINT,
        "odesłałem": COMPLAINT,
        "odesłałam": COMPLAINT,
        "oddałem do sklepu": COMPLAINT,
        "oddałam do sklepu": COMPLAINT,
        "odstąpienie od umowy": COMPLAINT,
        "zażądałem zwrotu": STRONG,
        "zażądałam zwrotu": STRONG,
    },
    "ru": {
        "возвращаю": COMPLAINT,
        "отправляю обратно": COMPLAINT,
        "оформила возврат": COMPLAINT,
        "оформил возврат": COMPLAINT,
        "сдала обратно": COMPLAINT,
        "сдал обратно": COMPLAINT,
        "отправила обратно": COMPLAINT,
        "отказалась от товара": COMPLAINT,
        "отказался от товара": COMPLAINT,
        "вернуть товар": COMPLAINT,
    },
    "uk": {
        "повертаю": COMPLAINT,
        "відправляю назад": COMPLAINT,
        "оформила повернення": COMPLAINT,
        "оформив повернення": COMPLAINT,
        "здала назад": COMPLAINT,
        "відправила назад": COMPLAINT,
        "відмовилась від товару": COMPLAINT,
        "повернути товар": COMPLAINT,
    },
    "en": {
        "returning it": COMPLAINT,
        "it's going back": COMPLAINT,
        "it is going back": COMPLAINT,
        "returned this": COMPLAINT,
        "return this": COMPLAINT,
        "returned the": COMPLAINT,
        "had to return": STRONG,
        "will be returning": STRONG,
        "sending it back": COMPLAINT,
        "sent back": COMPLAINT,
        "get my money back": STRONG,
        "asked for a refund": STRONG,
    },
}

REGRET: dict[str, dict[str, float]] = {
    "pl": {
        "żałuję zakupu": STRONG,
        "żałuję": COMPLAINT,
        "spodziewałem się więcej": COMPLAINT,
        "spodziewałam się więcej": COMPLAINT,
        "spodziewałem się czegoś więcej": COMPLAINT,
        "spodziewałam się czegoś więcej": COMPLAINT,
        "oczekiwałem więcej": COMPLAINT,
        "oczekiwałam więcej": COMPLAINT,
        "nie spełnia oczekiwań": STRONG,
        "nie spełnił oczekiwań": STRONG,
        "nie opłaca się": STRONG,
        "pieniądze w błoto": STRONG,
        "wyrzucone w błoto": STRONG,
    },
    "ru": {
        "пожалела": STRONG,
        "пожалел о покупке": STRONG,
        "зря купила": STRONG,
        "зря купил": STRONG,
        "зря": COMPLAINT,
        "жаль денег": STRONG,
        "жалко денег": STRONG,
        "ожидала большего": COMPLAINT,
        "ожидал большего": COMPLAINT,
        "не оправдал ожиданий": STRONG,
        "ожидания не оправдались": STRONG,
        "ожидание и реальность": COMPLAINT,
    },
    "uk": {
        "шкода грошей": STRONG,
        "шкода часу": STRONG,
        "жаль грошей": STRONG,
        "пошкодувала": STRONG,
        "пошкодував": STRONG,
        "марна трата": STRONG,
        "даремно": COMPLAINT,
        "дарма купила": STRONG,
        "очікувала більшого": COMPLAINT,
        "очікував більшого": COMPLAINT,
        "не виправдав очікувань": STRONG,
    },
    "en": {
        "regret buying": STRONG,
        "regret this purchase": STRONG,
        "wish i hadn't": STRONG,
        "should have bought": COMPLAINT,
        "expected more": COMPLAINT,
        "expected better": COMPLAINT,
        "not worth": STRONG,
        "save your money": STRONG,
        "don't waste": STRONG,
        "throwing money away": STRONG,
        # common misspellings of the words of disappointment
        "dissapointed": STRONG,
        "dissapointing": STRONG,
        "dissapointment": STRONG,
        "disapointed": STRONG,
    },
}

HEDGES: dict[str, dict[str, float]] = {
    "pl": {
        "bez rewelacji": LUKEWARM,
        "średnio": LUKEWARM,
        "takie sobie": LUKEWARM,
        "tak sobie": LUKEWARM,
        "szału nie ma": LUKEWARM,
        "bez szału": LUKEWARM,
        "nic specjalnego": LUKEWARM,
        "bez większego entuzjazmu": LUKEWARM,
        "nic nadzwyczajnego": LUKEWARM,
        "przeciętny": LUKEWARM,
        "przeciętnie": LUKEWARM,
        "mogło być lepiej": LUKEWARM,
        "pozostawia wiele do życzenia": STRONG,
        "na trójkę": LUKEWARM,
    },
    "ru": {
        "без восторга": LUKEWARM,
        "не более того": LUKEWARM,
        "не более": LUKEWARM,
        "так себе": LUKEWARM,
        "на троечку": LUKEWARM,
        "на тройку": LUKEWARM,
        "средненько": LUKEWARM,
        "ну такое": LUKEWARM,
        "оставляет желать лучшего": STRONG,
        "могло быть и лучше": LUKEWARM,
        "ничего особенного": LUKEWARM,
        "без особого энтузиазма": LUKEWARM,
        "без особого восторга": LUKEWARM,
    },
    "uk": {
        "без захвату": LUKEWARM,
        "не більше того": LUKEWARM,
        "не більше": LUKEWARM,
        "так собі": LUKEWARM,
        "на трійку": LUKEWARM,
        "середненько": LUKEWARM,
        "середньо": LUKEWARM,
        "посередній": LUKEWARM,
        "ну таке": LUKEWARM,
        "залишає бажати кращого": STRONG,
        "нічого особливого": LUKEWARM,
        "без особливого ентузіазму": LUKEWARM,
    },
    "en": {
        "nothing to write home about": LUKEWARM,
        "not the end of the world": LUKEWARM,
        "didn't expect much": LUKEWARM,
        "did not expect much": LUKEWARM,
        "without much enthusiasm": LUKEWARM,
        "kind of": LUKEWARM,
        "sort of": LUKEWARM,
        "meh": LUKEWARM,
        "so so": LUKEWARM,
        "just okay": LUKEWARM,
        "just ok": LUKEWARM,
        "could be better": LUKEWARM,
        "could have been better": LUKEWARM,
        "leaves a lot to be desired": STRONG,
        "nothing special": LUKEWARM,
        "average": LUKEWARM,
        "mediocre": LUKEWARM,
    },
}

AVOID: dict[str, dict[str, float]] = {
    "pl": {
        "bądźcie ostrożni": STRONG,
        "nie kupujcie": STRONG,
        "nie zamawiajcie": STRONG,
        "nie korzystajcie": STRONG,
        "unikajcie": STRONG,
        "omijajcie": STRONG,
        "nie dajcie się nabrać": STRONG,
        # advice to buy something else, or to pay more for better
        "lepiej kupić inny": STRONG,
        "lepiej wybrać inny": STRONG,
        "polecam kupić inny": STRONG,
        "szukajcie innego": STRONG,
        "lepiej dopłacić": COMPLAINT,
    },
    "ru": {
        "будьте осторожны": STRONG,
        "обходите стороной": STRONG,
        "не ведитесь": STRONG,
        "не тратьте деньги": STRONG,
        "не тратьте время": STRONG,
        "не стоит брать": STRONG,
        "не стоит покупать": STRONG,
        "не стоит заказывать": STRONG,
        "не связывайтесь": STRONG,
        # never setting foot there again
        "ни ногой": STRONG,
        "делайте выводы": STRONG,
        "раньше было лучше": COMPLAINT,
        # advice to buy something else, or to pay more for better
        "советую купить другой": STRONG,
        "советую взять другой": STRONG,
        "лучше купить другой": STRONG,
        "лучше взять другой": STRONG,
        "ищите другой": STRONG,
        "поищите другой": STRONG,
        "лучше переплатить": COMPLAINT,
        "лучше доплатить": COMPLAINT,
    },
    "uk": {
        "будьте обережні": STRONG,
        "оминайте стороною": STRONG,
        "обходьте стороною": STRONG,
        "не ведіться": STRONG,
        "не витрачайте": STRONG,
        "не варто купувати": STRONG,
        "не варто брати": STRONG,
        "не варто замовляти": STRONG,
        "не зв'язуйтеся": STRONG,
        "ні ногою": STRONG,
        "робіть висновки": STRONG,
        "раніше було краще": COMPLAINT,
        "раджу купити інший": STRONG,
        "краще купити інший": STRONG,
        "краще взяти інший": STRONG,
        "шукайте інший": STRONG,
        "пошукайте інший": STRONG,
        "краще переплатити": COMPLAINT,
        "краще доплатити": COMPLAINT,
    },
    "en": {
        "beware": STRONG,
        "won't set foot": STRONG,
        "will never set foot": STRONG,
        "never setting foot": STRONG,
        "avoid this": STRONG,
        "avoid it": STRONG,
        "avoid them": STRONG,
        "buyer beware": STRONG,
        "nope": COMPLAINT,
        "look elsewhere": STRONG,
        "steer clear": STRONG,
        "don't bother": STRONG,
        "buy a different": STRONG,
        "buy something else": STRONG,
        "better off buying": STRONG,
        "get a different brand": STRONG,
    },
}

# A customer asking the business to act ("прошу разобраться", "please respond"): a problem is
# still open, whatever the politeness around it.
REQUESTS: dict[str, dict[str, float]] = {
    "pl": {
        "proszę o zwrot": COMPLAINT,
        "proszę o odpowiedź": MILD,
        "czekam na odpowiedź": COMPLAINT,
        "czekam na zwrot": COMPLAINT,
        "proszę o wymianę": COMPLAINT,
    },
    "ru": {
        "прошу разобраться": COMPLAINT,
        "разберитесь": COMPLAINT,
        "примите меры": COMPLAINT,
        "прошу вернуть": COMPLAINT,
        "прошу заменить": COMPLAINT,
        "жду ответа": MILD,
        "жду возврата": COMPLAINT,
    },
    "uk": {
        "прошу розібратися": COMPLAINT,
        "розберіться": COMPLAINT,
        "вжийте заходів": COMPLAINT,
        "прошу повернути": COMPLAINT,
        "прошу замінити": COMPLAINT,
        "чекаю на відповідь": MILD,
        "чекаю повернення": COMPLAINT,
    },
    "en": {
        "would appreciate a reply": COMPLAINT,
        # what the business should have done and did not ("I should have been asked")
        "would have been nice": COMPLAINT,
        "would've been nice": COMPLAINT,
        "should have been asked": COMPLAINT,
        "should have been told": COMPLAINT,
        "should have been warned": COMPLAINT,
        "should have been informed": COMPLAINT,
        "would appreciate a response": COMPLAINT,
        "please respond": COMPLAINT,
        "please refund": COMPLAINT,
        "please fix": MILD,
        "still waiting for": COMPLAINT,
    },
}

PRAISE_PHRASES: dict[str, dict[str, float]] = {
    "pl": {
        "nie musiałam czekać": PRAISE,
        "nie musiałem czekać": PRAISE,
        "nie musiałam odsyłać": MILD_PRAISE,
        "nie musiałem odsyłać": MILD_PRAISE,
        "bez dopłaty": MILD_PRAISE,
        "nie policzył": MILD_PRAISE,
        "nie policzyli": MILD_PRAISE,
        "długo trzyma": MILD_PRAISE,
        "trzyma długo": MILD_PRAISE,
        "długo wytrzymuje": MILD_PRAISE,
        "długo służy": MILD_PRAISE,
        "wart swojej ceny": PRAISE,
        "warty swojej ceny": PRAISE,
        "warte swojej ceny": PRAISE,
        "wart każdej złotówki": PRAISE,
        "nie żałuję": PRAISE,
        "bez zarzutu": PRAISE,
        "bez zastrzeżeń": PRAISE,
        "bez problemu": MILD_PRAISE,
        "bez problemów": MILD_PRAISE,
        "zgodny z opisem": MILD_PRAISE,
        "szybka wysyłka": PRAISE,
        "szybka dostawa": PRAISE,
        "pełen profesjonalizm": PRAISE,
        "chętnie wrócę": PRAISE,
        "zdałam za pierwszym razem": PRAISE,
        "nigdzie indziej nie pójdę": PRAISE,
        "nigdzie indziej": MILD_PRAISE,
        "dziś rzadkość": PRAISE,
        "rzadkość w dzisiejszych czasach": PRAISE,
        "zgodna z wyceną": MILD_PRAISE,
        "zero bólu": PRAISE,
        "napewno wrócę": PRAISE,
        "na pewno skorzystamy": PRAISE,
        "napewno skorzystamy": PRAISE,
        "z czystym sumieniem": PRAISE,
        "szybko wymienili": PRAISE,
        "problem rozwiązany": PRAISE,
        "rozwiązali problem": PRAISE,
        "poszli na rękę": PRAISE,
        # "no problems" idioms: a negation that praises
        "nie mam zastrzeżeń": PRAISE,
        "żadnych zastrzeżeń": PRAISE,
        "nie mam zarzutów": PRAISE,
        "żadnych problemów": PRAISE,
        "nie było problemów": PRAISE,
        "problemów nie było": PRAISE,
        "zastrzeżeń brak": PRAISE,
        "problemów brak": PRAISE,
        "nie mogę nie polecić": PRAISE,
        "złoty człowiek": PRAISE,
        "złote ręce": PRAISE,
        "złota rączka": PRAISE,
        "bez lania wody": MILD_PRAISE,
        "nie bać się": MILD_PRAISE,
        "cena niższa": MILD_PRAISE,
        "nic złego nie mogę powiedzieć": MILD_PRAISE,
        "nie mogę powiedzieć nic złego": MILD_PRAISE,
        "nie mam się do czego przyczepić": PRAISE,
        "nie zawiódł": PRAISE,
        "nie zawiodłem się": PRAISE,
        "nie zawiodłam się": PRAISE,
        "z powołaniem": PRAISE,
    },
    "ru": {
        "не пришлось": MILD_PRAISE,
        "денег не взяли": MILD_PRAISE,
        "не взяли денег": MILD_PRAISE,
        "без доплаты": MILD_PRAISE,
        "долго держит": MILD_PRAISE,
        "держит долго": MILD_PRAISE,
        "долго держится": MILD_PRAISE,
        "держится долго": MILD_PRAISE,
        "служит долго": MILD_PRAISE,
        "долго служит": MILD_PRAISE,
        "стоит своих денег": PRAISE,
        "за свои деньги": MILD_PRAISE,
        "за такую цену": MILD_PRAISE,
        "соответствует описанию": MILD_PRAISE,
        "размер в размер": MILD_PRAISE,
        "как на фото": MILD_PRAISE,
        "без брака": MILD_PRAISE,
        "без дефектов": MILD_PRAISE,
        "без проблем": MILD_PRAISE,
        "быстрая доставка": PRAISE,
        "быстро доставили": PRAISE,
        "пришло быстро": MILD_PRAISE,
        "буду брать ещё": PRAISE,
        "возьму ещё": PRAISE,
        "закажу ещё": PRAISE,
        "куплю ещё": PRAISE,
        "качество на высоте": PRAISE,
        "спасибо продавцу": PRAISE,
        "пошли навстречу": PRAISE,
        "решили проблему": PRAISE,
        "проблему решили": PRAISE,
        "быстро заменили": PRAISE,
        "без вопросов": MILD_PRAISE,
        "плохого сказать не могу": MILD_PRAISE,
        "не попросили вернуть": MILD_PRAISE,
        "по душе": MILD_PRAISE,
        "пришлось по душе": PRAISE,
        "от души": MILD_PRAISE,
        "соответствует цене": MILD_PRAISE,
        "обязательно вернёмся": PRAISE,
        "сдала с первого раза": PRAISE,
        "никуда больше не пойду": PRAISE,
        "больше никуда не пойду": PRAISE,
        "больше никуда не обращаюсь": PRAISE,
        "сейчас редкость": PRAISE,
        "редкость в наше время": PRAISE,
        "обязательно придём": PRAISE,
        "того стоит": PRAISE,
        "стоит того": PRAISE,
        "не бояться": MILD_PRAISE,
        "цена ниже": MILD_PRAISE,
        "на высоте": PRAISE,
        # "no problems" idioms: a negation that praises
        "претензий нет": PRAISE,
        "нет претензий": PRAISE,
        "без нареканий": PRAISE,
        "нареканий нет": PRAISE,
        "нет нареканий": PRAISE,
        "проблем не возникло": PRAISE,
        "проблем не возникает": PRAISE,
        "вопросов не возникло": PRAISE,
        "никаких проблем": PRAISE,
        "проблем не было": PRAISE,
        "подошло по размеру": MILD_PRAISE,
        "размер подошёл": MILD_PRAISE,
        "в самый раз": MILD_PRAISE,
        "не могу не рекомендовать": PRAISE,
        "не могу не порекомендовать": PRAISE,
        "никаких претензий": PRAISE,
        "претензий не имею": PRAISE,
        "нареканий не было": PRAISE,
        "не подвёл": PRAISE,
        "ни разу не подвёл": PRAISE,
        "золотые руки": PRAISE,
        "на уровне": MILD_PRAISE,
    },
    "uk": {
        "не довелося": MILD_PRAISE,
        "грошей не взяли": MILD_PRAISE,
        "не взяли грошей": MILD_PRAISE,
        "без доплати": MILD_PRAISE,
        "довго тримає": MILD_PRAISE,
        "тримає довго": MILD_PRAISE,
        "довго тримається": MILD_PRAISE,
        "тримається довго": MILD_PRAISE,
        "служить довго": MILD_PRAISE,
        "довго служить": MILD_PRAISE,
        "вартує своїх грошей": PRAISE,
        "варте своїх грошей": PRAISE,
        "вартий своїх грошей": PRAISE,
        "за свої гроші": MILD_PRAISE,
        "не даремно": PRAISE,
        "відповідає опису": MILD_PRAISE,
        "без проблем": MILD_PRAISE,
        "без питань": MILD_PRAISE,
        "швидка доставка": PRAISE,
        "швидко доставили": PRAISE,
        "буду замовляти ще": PRAISE,
        "замовлятиму ще": PRAISE,
        "буду звертатися": PRAISE,
        "звертатимусь ще": PRAISE,
        "постійний клієнт": PRAISE,
        "пішли назустріч": PRAISE,
        "вирішили проблему": PRAISE,
        "проблему вирішили": PRAISE,
        "швидко замінили": PRAISE,
        "оперативно": MILD_PRAISE,
        "ввічливий": MILD_PRAISE,
        "привітний": MILD_PRAISE,
        "чітко": MILD_PRAISE,
        "на висоті": PRAISE,
        "висока якість": PRAISE,
        "обов'язково повернемося": PRAISE,
        "здала з першого разу": PRAISE,
        "більше нікуди не піду": PRAISE,
        "нікуди більше не піду": PRAISE,
        "зараз рідкість": PRAISE,
        "рідкість у наш час": PRAISE,
        "склав з першого разу": PRAISE,
        "обов'язково прийдемо": PRAISE,
        "того варто": PRAISE,
        "воно того варте": PRAISE,
        # "no problems" idioms: a negation that praises
        "претензій немає": PRAISE,
        "немає претензій": PRAISE,
        "без нарікань": PRAISE,
        "нарікань немає": PRAISE,
        "жодних нарікань": PRAISE,
        "жодних проблем": PRAISE,
        "претензій нема": PRAISE,
        "претензій не маю": PRAISE,
        "жодних претензій": PRAISE,
        "нарікань нема": PRAISE,
        "проблем не було": PRAISE,
        "підійшов за розміром": MILD_PRAISE,
        "розмір підійшов": MILD_PRAISE,
        "не можу не рекомендувати": PRAISE,
        "не можу не порекомендувати": PRAISE,
        "поганого сказати не можу": MILD_PRAISE,
        "не боятися": MILD_PRAISE,
        "ціна нижча": MILD_PRAISE,
        "нижча ціна": MILD_PRAISE,
        "відповідає ціні": MILD_PRAISE,
        "проблем не виникло": PRAISE,
        "проблем не виникає": PRAISE,
        "питань не виникло": PRAISE,
        "питань не виникає": PRAISE,
        "не підвів": PRAISE,
        "жодного разу не підвів": PRAISE,
        "золоті руки": PRAISE,
        "на рівні": MILD_PRAISE,
        "майстер своєї справи": PRAISE,
        "врятували": PRAISE,
        "розмір в розмір": MILD_PRAISE,
    },
    "en": {
        "high quality": PRAISE,  # "quality" alone is a topic word
        "top quality": PRAISE,
        "quality product": MILD_PRAISE,
        "didn't make me return": PRAISE,
        "didn't even make me return": PRAISE,
        "mistakes happen": MILD_PRAISE,
        "passed first time": PRAISE,
        # loyalty, not "never again": the negation is of going elsewhere
        "wouldn't go anywhere else": PRAISE,
        "won't go anywhere else": PRAISE,
        "would not go anywhere else": PRAISE,
        "never go anywhere else": PRAISE,
        "can't thank enough": PRAISE,
        "cannot thank enough": PRAISE,
        "rare these days": PRAISE,
        "tidied up after": PRAISE,
        "cleaned up after": PRAISE,
        "charged what he quoted": PRAISE,
        "charged what they quoted": PRAISE,
        "didn't feel a thing": PRAISE,
        "passed the first time": PRAISE,
        "passed on my first try": PRAISE,
        # the customer is coming back: the verdict of a service kept ("we'll definitely be back")
        "we'll be back": PRAISE,
        "will be back": PRAISE,
        "will come back": PRAISE,
        "will be coming back": PRAISE,
        "will definitely return": PRAISE,
        "found my new": PRAISE,
        "my new go-to": PRAISE,
        # a book or toy nobody can leave alone
        "couldn't put it down": PRAISE,
        "can't put it down": PRAISE,
        "could not put it down": PRAISE,
        "couldn't put this down": PRAISE,
        "can't put this down": PRAISE,
        "hasn't put this down": PRAISE,
        "hasn't put it down": PRAISE,
        "hard to put down": PRAISE,
        "not put this down": PRAISE,
        "not put it down": PRAISE,
        "can't recommend this enough": PRAISE,
        "can't recommend it enough": PRAISE,
        "can't recommend them enough": PRAISE,
        "cannot recommend this enough": PRAISE,
        "more than makes up for": PRAISE,
        # "dead" as an intensifier, not a death
        "dead accurate": PRAISE,
        "dead on": PRAISE,
        "dead simple": PRAISE,
        "dead quiet": PRAISE,
        "no hassle": PRAISE,
        "hassle free": PRAISE,
        "without any hassle": PRAISE,
        "didn't charge": MILD_PRAISE,
        "did not charge": MILD_PRAISE,
        "free of charge": MILD_PRAISE,
        "didn't have to": MILD_PRAISE,
        "lasts a long time": MILD_PRAISE,
        "holds up well": MILD_PRAISE,
        "lasts forever": MILD_PRAISE,
        "no questions asked": PRAISE,
        "like new": MILD_PRAISE,
        "above and beyond": PRAISE,
        "what more could you want": PRAISE,
        "what more could you ask": PRAISE,
        "obsessed with": PRAISE,
        "worth every penny": PRAISE,
        "worth the money": PRAISE,
        "worth the price": PRAISE,
        "worth it": PRAISE,
        "well made": PRAISE,
        "works well": PRAISE,
        "works fine": MILD_PRAISE,
        "works like a charm": PRAISE,
        "does the job": MILD_PRAISE,
        "does what it": MILD_PRAISE,
        "as described": MILD_PRAISE,
        "as advertised": MILD_PRAISE,
        "fast shipping": PRAISE,
        "arrived quickly": PRAISE,
        "arrived on time": MILD_PRAISE,
        "would recommend": PRAISE,
        "buy again": PRAISE,
        "order again": PRAISE,
        "replaced it": MILD_PRAISE,
        # "no problems" idioms: a negation that praises
        "no complaints": PRAISE,
        "no issues": PRAISE,
        "never had a problem": PRAISE,
        "never had any problems": PRAISE,
        "can't complain": PRAISE,
        "cannot complain": PRAISE,
        "couldn't be happier": PRAISE,
        "can't go wrong": PRAISE,
        "can't beat": PRAISE,
        "couldn't ask for": PRAISE,
        "could not ask for": PRAISE,
        "couldn't have asked for": PRAISE,
        "could not have asked for": PRAISE,
        "don't hesitate": PRAISE,
        "can't say enough": PRAISE,
        "can't recommend enough": PRAISE,
        "cannot recommend enough": PRAISE,
        "never fails": PRAISE,
        "never let me down": PRAISE,
        "spot on": PRAISE,
        "explained everything": MILD_PRAISE,
        "took the time to explain": PRAISE,
        "razor sharp": PRAISE,
        "colors pop": PRAISE,
        "colours pop": PRAISE,
        "lasts for days": PRAISE,
        "built like a tank": PRAISE,
        "a breeze": PRAISE,
        "page turner": PRAISE,
        "a steal": PRAISE,
        "use it every day": MILD_PRAISE,
        "bought a second": PRAISE,
        "can't live without": PRAISE,
        "big fan": PRAISE,
        "huge fan": PRAISE,
        "a fan of": MILD_PRAISE,
        "a must have": PRAISE,
    },
}

# A verdict in stars said in words: "one star off" leaves four, a school mark "на четвёрку" is
# four; worth as much as a stated "4/5" (see ratings.py).
FOUR_STARS = PRAISE
STATED_VERDICTS: dict[str, dict[str, float]] = {
    "pl": {
        "odejmuję gwiazdkę": FOUR_STARS,
        "odjąć gwiazdkę": FOUR_STARS,
        "minus gwiazdka": FOUR_STARS,
        "minus jedna gwiazdka": FOUR_STARS,
        "zero gwiazdek": STRONG,
        "kiedyś było lepiej": COMPLAINT,
        "dałabym zero": STRONG,
        "dałbym zero": STRONG,
    },
    "ru": {
        "снять звезду": FOUR_STARS,
        "снимать звезду": FOUR_STARS,
        "минус звезда": FOUR_STARS,
        "минус одна звезда": FOUR_STARS,
        "на четвёрку": FOUR_STARS,
        "на пятёрку": PRAISE,
        "на двойку": STRONG,
        "на единицу": STRONG,
        "ноль звёзд": STRONG,
        "ноль поставить нельзя": STRONG,
        "поставил бы ноль": STRONG,
        "поставила бы ноль": STRONG,
    },
    "uk": {
        "зняти зірку": FOUR_STARS,
        "знімати зірку": FOUR_STARS,
        "мінус зірка": FOUR_STARS,
        "мінус одна зірка": FOUR_STARS,
        "на четвірку": FOUR_STARS,
        "на п'ятірку": PRAISE,
        "на двійку": STRONG,
        "на одиницю": STRONG,
        "нуль зірок": STRONG,
        "нуль поставити не можна": STRONG,
        "поставив би нуль": STRONG,
        "поставила б нуль": STRONG,
    },
    "en": {
        "zero stars": STRONG,
        "would give zero": STRONG,
        "would give it zero": STRONG,
        "no stars": STRONG,
        "minus one star": FOUR_STARS,
        "minus a star": FOUR_STARS,
        "one star off": FOUR_STARS,
        "took off a star": FOUR_STARS,
        "take off a star": FOUR_STARS,
        "taking off a star": FOUR_STARS,
        "knocked off a star": FOUR_STARS,
        "knock off a star": FOUR_STARS,
        "docked a star": FOUR_STARS,
        "took off one star": FOUR_STARS,
        "knocked off one star": FOUR_STARS,
    },
}

GROUPS: dict[str, dict[str, dict[str, float]]] = {
    "defects": DEFECTS,
    "service": SERVICE,
    "returns": RETURNS,
    "regret": REGRET,
    "hedges": HEDGES,
    "avoid": AVOID,
    "requests": REQUESTS,
    "praise": PRAISE_PHRASES,
    "verdicts": STATED_VERDICTS,
}


def domain_phrases(lang: str, groups: tuple[str, ...] | None = None) -> dict[str, float]:
    """Phrase -> valence of the review-domain lists of `lang` (all groups unless named)."""
    merged: dict[str, float] = {}
    for name, by_lang in GROUPS.items():
        if groups is None or name in groups:
            merged.update(by_lang.get(lang, {}))
    return merged


# Single words whose value we set ourselves; they replace the packaged lexicons' values (matched
# on lemma, then surface form; negation, intensifiers and prefixes apply as to any word).
#
# NEUTRAL (value 0): the topic words of product and service reviews and words of quantity or
# degree. The translated and stemmed lexicons give some of them a value ("подарок" +1.4, "цена"
# +1.0, "новый" +1.0, "more" +0.5, "support" +0.8), which then outweighs the real sentiment of a
# short review ("Птичка отбита ... покупала на подарок").
NEUTRAL_WORDS: dict[str, str] = {
    # an apology: the resolution rule counts it as praise, "nawet nie przeprosiła" as a complaint
    "pl": (
        "przeprosić przepraszać bać obawiać "
        # honorifics, the currency and "a time" / "a visit": polvader gives them small values
        # that decide short reviews of services ("Pan Marek przyjechał", "60 zł za dobę")
        "pan pani zł złoty raz wizyta"
    ),
    "ru": (
        "подарок праздник цена стоимость вопрос нужно нужный надо товар размер качество "
        "запах цвет доставка заказ упаковка продавец магазин курьер покупка покупатель день "
        "неделя месяц время ребёнок муж жена дочь сын мама подруга состав эффект вкус пакет "
        "коробка фото фотография описание отзыв деньги рубль работа штука материал ткань кожа "
        "волосы лицо раз новый больше большой меньше много мало совершенно реально вообще "
        "полностью сильно самый абсолютно настолько модель вещь сайт номер срок гарантия "
        "пункт выдача продукт средство спать вино "
        # everyday words the Snowball-stem lexicon scores through another word of the same stem
        # ("губ" of "губить", "лож" of "ложь", "ест" of "есть"); checked against a list of
        # common review words of ours, not against the evaluation rows
        "губа рыба сыр попугай спина ложиться писать скинуть видно есть лишь пусть класть "
        "положить почти долго долгий "
        # the same collisions found systematically: every word form of pymorphy3's dictionary
        # whose Snowball stem is an nlpjs key, ranked by general frequency (wordfreq, used once
        # offline) and by our team-written reviews; these are not evaluative in a review
        # ("место" read as "месть", "мочь" as "могила", "почта", "душа" as "душить", "первый",
        # colours), or are the topic words of the news the lexicon came from ("социальный")
        "место мочь страна мир миро должный серия мать море парк марка тур остров доля ранее "
        "душ душа кость сан судно порт повесть гора существо мерить стоять готовить уход "
        "почта звонок выдать дойти располагаться видный открытый открыть первый главный "
        "главное любой иной какой тот он чёрный серый тёмный светлый горячий дорогой носка "
        "шерсть витамин стойка трава защитный чистить выходной мобильный "
        "развитие деятельность положение август действие закон собрание обучение научный "
        "социальный народный общественный олимпийский верховный культурный художественный "
        "демократический правовой природный денежный домашний знакомый ведущий звание учение "
        "заключение охрана известный единый железный животный семейный лесной солнечный "
        "головной гостиный свадебный марсианский какао левый ранний кора баня шар миля фри "
        "лена страх "
        "выживание привет "
        "авторский персональный деловой экологический весенний новогодний рождественский "
        "литературный театральный творческий христианский православный духовный священный "
        # the translated AFINN-ru list's misreadings, from the same frequency check: "трусы"
        # (underwear, read as "cowards"), "детский" ("childish"), "дорого" as praise
        "трусы детский низкий надеть рост получить хотеть предложение выходить "
        "установка отдельный эксплуатация фактически состояние увеличение подобрать принять "
        "общий "
        # adverbs of degree and certainty: they strengthen what follows, they are no verdict
        # ("точно не острый", "постоянно ломается", "ровно девять дней")
        "точно действительно особенно постоянно вечно ровно явно прямо прилично буквально "
        "исключительно безусловно чрезвычайно довольно хорошенько естественно серьёзно "
        # an apology: the resolution rule counts it as praise, "не извинился" as a complaint
        "извиниться извиняться "
        # the customer's own fear ("очень боюсь стоматологов, но ..."): the setup of a story
        "бояться"
    ),
    "uk": (
        # adverbs pymorphy3 reads as a noun of another meaning: "відразу" (at once) as
        # "відраза" (disgust), "зараз" (now) as "зараза" (infection); adverbs of degree
        "відраза зараза явно досить "
        "хотіти "
        # the translated AFINN-uk list's "childish" and "dear" ("дитячий одяг", "дорогий"),
        # and "якість" (quality), a topic word as "качество" is
        "дитячий дорогий якість"
    ),
    "en": (
        "more far new old big small high low full real much many number support main other "
        "play played center gift holiday want significantly huge large extra "
        # topic words the packaged lists value, from a scan of frequent English words ("bass",
        # "toilet", "black", "amazon", "chicken" are things sold or parts of them)
        "game games black party parties general united hand single round green base credit "
        "subject gun wide cancer block primary rose adult firm fly flat chicken pink grey gray "
        "amazon bass toilet sec sentence hot urgent nearly thick cancelling canceling "
        "quality sound troubleshooting giving solution random generally typically roughly "
        # fillers and hedges of spoken English: "in like 3 hours", "pretty sure", "the whole"
        "sure whole concrete stupidly insanely ridiculously crazy little "
        # laughter in a complaint is at the business ("lol the 'waterproof' boots are not")
        "lol lmao "
        # a part of a device ("the fan is loud"); "big fan" is a phrase of praise
        "fan fans "
        # the customer's own fear ("I'm terrified of dentists and they were so patient")
        "terrified scared afraid nervous anxious skeptical sceptical hesitant doubtful "
        # a haircut, a film's cut, a sharp picture or dialogue, a comedy's jokes
        "cut sharp jokes "
        # sincerity, not praise ("and honestly so did i")
        "honestly"
    ),
}

# Our own values for the everyday evaluative words of Ukrainian reviews, where the only packaged
# list is an AFINN translation (scale: the lexicons' max |v| = 1). The same list for Russian (the
# nlpjs stems + AFINN-ru) did not help on dev (-0.01 F1) and is not kept; a neutral list of
# Ukrainian topic words did not help either (it cost the Ukrainian word values 0.015 F1).
_GOOD, _OK, _BAD, _MEH = 1.0, 0.5, -1.0, -0.5


def _valued(words: str, value: float) -> dict[str, float]:
    return dict.fromkeys(words.split(), value)


OWN_WORDS: dict[str, dict[str, float]] = {
    # slang praise ("это бомба", "телевізор — вогонь"); "топ" is praise too, but also a thing
    # sold (a nail top coat, a crop top), so it is neutral, not the stem lexicon's "топить"
    # "дорого" (expensive) is a mild complaint, not the translated lists' "dear"
    # "помочь": the stem list reads the infinitive as "помочиться" and the past as praise
    # "drogo" (expensive), which polvader scores as praise
    # everyday verdict words of Polish reviews that polvader values near zero ("koszmar" -0.03,
    # "profesjonalny" +0.07, "chamski" -0.01)
    "pl": {
        "drogo": _MEH,
        "szacun": _GOOD,
        **_valued(
            "rewelacja rewelacyjny rewelacyjnie sztos cudo bezbłędny bezbłędnie perfekcyjny "
            "perfekcyjnie genialny genialnie profesjonalny profesjonalnie fachowy fachowo "
            "rzetelny rzetelnie",
            _GOOD,
        ),
        **_valued(
            "solidny solidnie punktualny punktualnie terminowy terminowo spoko sprawnie uprzejmie",
            _OK,
        ),
        # care in a service, which polvader values near zero ("starannie" 0.01, "uważny" 0.00)
        **_valued(
            "porządnie porządny starannie staranny sumiennie sumienny uważny troskliwy obfity "
            "cierpliwy cierpliwie poprawnie smacznie smaczny niedrogo",
            _OK,
        ),
        **_valued(
            "koszmar dramat masakra żenada beznadzieja kiepski kiepsko badziew badziewie bubel "
            "szajs syf chłam chamski chamsko chamstwo nieprofesjonalny nieprofesjonalnie "
            "naciągacz naciągacze badziewny zawodny przesolony przypalony nieświeży",
            _BAD,
        ),
        # faults of things and food the packaged lists do not value
        **_valued(
            "niepraktyczny ciasny pognieciony zakurzony czerstwy słabiutki drogawy wystygły "
            "przetarty",
            _MEH,
        ),
    },
    # "сладкий" is a taste, praise of fruit at most, not the translated lists' "lovely" (+1.6)
    "ru": {
        **_valued("огонь бомба пушка", _GOOD),
        "топ": 0.0,
        "дорого": _MEH,
        "помочь": _OK,
        "вовремя": _OK,
        **_valued("сладкий сладко", _OK),
        # faults of things and food the packaged lists do not value; "-ват" is "a bit too"
        **_valued("хлам барахло дешманский пересоленный пересолить", _BAD),
        **_valued("остывший", _MEH),
        "свысока": _BAD,
        **_valued("колючий линючий жидковатый слабоватый великоватый туговатый хиленький", _MEH),
    },
    "uk": {
        **_valued("вогонь бомба респект", _GOOD),
        "топ": 0.0,
        "вибачитися": 0.0,
        "боятися": 0.0,
        "вибачатися": 0.0,
        # "довго" waits ("довго чекали") as often as it lasts ("тримає довго"): the verb decides
        "довго": 0.0,
        **_valued(
            "відмінний відмінно чудовий чудово прекрасний прекрасно чудесний шикарний "
            "неперевершений ідеальний ідеально захват супер клас класний крутий "
            "найкращий сподобатися подобатися рекомендувати задоволений якісний якісно "
            "зручний зручно приємний приємно гарний гарно красивий акуратний акуратно "
            "ввічливий смачний надійний міцний швидко швидкий оперативно оперативний дякувати "
            "дякую спасибі радувати порадувати улюблений стильний професійний компетентний "
            "уважний привітний грамотний толковий порядний чесний відповідальний пунктуальний "
            "доброзичливий охайний бездоганний бездоганно вигідний адекватний",
            _GOOD,
        ),
        # care in a service, which the translated list lacks
        **_valued(
            "смачно ввічливо грамотно професійно сумлінно дбайливо затишний затишно чисто "
            "пунктуально толково вчасно",
            _OK,
        ),
        **_valued(
            "добрий добре непоганий непогано нормальний нормально норм пристойний теплий щільний",
            _OK,
        ),
        **_valued(
            "поганий погано жахливий жахливо огидний огидно жах кошмар неякісний мерзенний "
            "кривий бракований зламаний рваний брудний липкий розчарувати засмутити зіпсувати "
            "незадоволений відстій убогий марний непридатний обурливий неподобство ганьба "
            "обман обманути підроблений неприємний незручний хамський грубий "
            "некомпетентний неадекватний безвідповідальний нечесний непрофесійний неввічливий",
            _BAD,
        ),
        **_valued(
            "шкода жаль прикро повільно повільний тонкий дешевий слабкий жорсткий дорого "
            "приторний нудотний непрактичний тугий колючий м'ятий запилений ламкий "
            "дорогувато",
            _MEH,
        ),
        **_valued(
            "мотлох пересолений пригорілий пригоріти прогірклий криво крива криві зверхньо", _BAD
        ),
        **_valued("вистиглий катишки облізлий", _MEH),
        "детально": _OK,
        # "визнати" is the translated list's "admit" (-0.2); a warranty "не визнали" is refused
        "визнати": 0.0,
    },
    "en": {
        # a product doing its job ("Works as described."); not "працює" / "работает", which
        # also count the open counters of a post office ("працює одне віконце")
        "works": _OK,
        "cheap": _MEH,
        "cheaply": _MEH,
        "cozy": _OK,
        "cosy": _OK,
        "wooden": _MEH,
        "grainy": _MEH,
        # care in a service: the lexicons value "polite", not "politely"
        **_valued("politely punctually thoroughly diligently patiently courteously", _OK),
        **_valued("substandard subpar unusable", _BAD),
        **_valued("snippy steep crooked pixelated spotty slog", _MEH),
        **_valued("cringeworthy cringey cringy", _BAD),
        "snappy": _OK,
        **_valued(
            "skimpy skimped underwhelming finicky laggy clunky rickety scratchy soggy greasy "
            "burnt overcooked leaky tinny muffled",
            _MEH,
        ),
    },
}


# Verbs of a thing failing ("скатывается", "przecieka", "rusted"): a fault when said, praise when
# negated ("не линяет", "nie przecieka", "never leaked"), where the packaged lexicons know
# neither. Lemmas (English: the forms themselves).
FAULT_VERBS: dict[str, str] = {
    "ru": (
        "скатываться линять полинять мяться течь протекать подтекать отваливаться отклеиваться "
        "облезать облазить трескаться треснуть ржаветь заржаветь гнуться погнуться скрипеть "
        "шататься болтаться выцветать выгорать колоться чесаться натирать вонять пригорать "
        "тормозить глючить виснуть зависать перегреваться отключаться разряжаться осыпаться "
        "растекаться пачкаться пачкать рваться порваться расползаться рассыпаться разваливаться "
        "развалиться расклеиться отклеиться облупиться потеть жалеть пожалеть подводить подвести "
        "сыпаться ломаться разойтись расходиться скататься желтеть пожелтеть окисляться "
        "растягиваться гудеть дребезжать "
        "растянуться выпадать выпасть натереть расстёгиваться расстегиваться вываливаться "
        "мигать замигать погаснуть гаснуть "
        "перекручиваться перегибаться потеряться лопнуть лопаться заедать промокать "
        # what staff should not do: a fault when done, praise when not ("не торопил")
        "торопить навязывать давить осуждать пугать кричать грубить хамить отменить отменять "
        "побить разбить сдохнуть "
        # what staff did to the customer or the order
        "обсчитать обвесить недовесить недолить проигнорировать перепутать поцарапать "
        "пережарить недожарить остыть отмахнуться"
    ),
    "uk": (
        "скочуватися линяти полиняти м'ятися текти протікати підтікати відвалюватися "
        "відклеюватися облазити тріскатися тріснути іржавіти заіржавіти гнутися скрипіти "
        "хитатися розхитатися бовтатися вицвітати вигоряти колотися свербіти натирати смердіти "
        "пригорати гальмувати глючити висіти зависати перегріватися відключатися розряджатися "
        "осипатися розтікатися рватися порватися розлазитися розсипатися розвалюватися "
        "розвалитися розклеїтися відклеїтися облупитися потіти шкодувати пошкодувати жалкувати "
        "пожалкувати підводити підвести сипатися ламатися зламатися розійтися розходитися "
        "жовтіти пожовтіти окислюватися розтягуватися розтягнутися випадати випасти натерти "
        "розклеюватися розстібатися вивалюватися перекручуватися загубитися лопнути лопатися "
        "заїдати промокати блимати заблимати згаснути гаснути "
        "квапити поспішати нав'язувати тиснути засуджувати лякати кричати грубити хамити "
        "скасувати скасовувати скататися побити розбити здохнути "
        "обрахувати обважити недолити нагрубити набрехати проігнорувати переплутати "
        "загубити подряпати пересолити пересмажити вистигнути охолонути відмахнутися "
        "просвічуватися облізти зірвати"
    ),
    "pl": (
        "mechacić przecieka przeciekać cieknąć odklejać odkleić łuszczyć pękać pęknąć rdzewieć "
        "zardzewieć wyginać wygiąć skrzypieć chwiać chybotać blaknąć wyblaknąć gryźć swędzieć "
        "obcierać śmierdzieć przypalać przywierać zawieszać zacinać przegrzewać rozłączać "
        "rozładowywać kruszyć sypać rozpadać rozpaść rozklejać rozkleić pocić żałować pożałować "
        "zawieść zawodzić psuć zepsuć farbować pruć rozpruć ciec zaginąć zgubić "
        "poganiać popędzać naciskać wciskać oceniać straszyć krzyczeć przemakać anulować "
        "mrugać migać zgasnąć gasnąć nagrubić nakłamać zignorować wystygnąć rozłączyć "
        "zbyć przesunąć spóźniać "
        # forms simplemma leaves as they are, or turns into no verb
        "skrzypi skrzypie swędzić swędzi śmierdzić śmierdzi psuje kruszy chwieje gryzie"
    ),
    "en": (
        "leak leaks leaked leaking rust rusts rusted crack cracks cracked snap snapped peel peels "
        "peeled peeling fade fades faded shrink shrinks shrank shrunk wobble wobbles wobbly squeak "
        "squeaks squeaky overheat overheats overheated disconnects disconnected freezes froze "
        "lags lagged pills pilled frays frayed itch itches itchy chafe chafes regret regretted "
        "malfunction malfunctioned malfunctions scratched scratches dented stained torn ripped "
        "chipped smashed shattered scratch rush rushed rushing pushy upsold upsell pressured "
        "judged yelled gouge gouged overcharge overcharged flake flakes flaked flaking "
        "chipping flickers flickering flickered shortchanged misled scammed stiffed "
        "reek reeks reeked reboots rebooted"
    ),
}
FAULT = -0.75


def own_words(lang: str) -> dict[str, float]:
    """Word -> our valence for `lang`: the neutral topic words (0.0), our own values, and the
    verbs of a thing failing."""
    words = dict.fromkeys(NEUTRAL_WORDS.get(lang, "").split(), 0.0)
    words.update(dict.fromkeys(FAULT_VERBS.get(lang, "").split(), FAULT))
    words.update(OWN_WORDS.get(lang, {}))
    return words
