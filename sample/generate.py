"""Write the bundled sample events: three businesses from the seeds' world, four languages.

    python sample/generate.py [--seed 7] [--filler 400] [--out sample/events.jsonl]

The story cases (a blogger, a lawyer, a local public group, a firm refusal, three strikes, a
budget that runs out, an overdue promise, a spike) are written out by hand below; ordinary
reviews and complaints around them are drawn from small phrase banks with a fixed seed.
A larger --filler makes benchmark input.
"""

from __future__ import annotations

import argparse
import json
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

START = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)
SCHOOL, BOOKSHOP, MATTRESS = "masaz-akademia", "knyzhkova-lavka", "dobry-sen"
CURRENCY = {SCHOOL: "PLN", BOOKSHOP: "UAH", MATTRESS: "PLN"}
LANGS = {
    SCHOOL: ["pl", "pl", "pl", "uk", "en"],
    BOOKSHOP: ["uk", "uk", "ru", "ru", "en"],
    MATTRESS: ["pl", "pl", "en", "ru", "uk"],
}
LOCATIONS = {
    SCHOOL: ["warszawa", "krakow"],
    BOOKSHOP: ["kyiv", "lviv"],
    MATTRESS: ["poznan", "online"],
}

POSITIVE = {
    "pl": [
        "Świetny kurs, instruktorka cierpliwa i kompetentna. Polecam!",
        "Wszystko dotarło na czas, obsługa bardzo miła.",
        "Jestem zachwycona, materac wygodny, śpię jak dziecko.",
        "Super kontakt, szybka odpowiedź i profesjonalne podejście.",
        "Bardzo dobra jakość za rozsądną cenę, na pewno wrócę.",
        "Zajęcia prowadzone z pasją, dużo praktyki. Dziękuję!",
    ],
    "ru": [
        "Отличный магазин, книги пришли быстро и в хорошей упаковке.",
        "Очень доволен, всё как в описании, рекомендую.",
        "Спасибо за вежливое обслуживание и быструю доставку!",
        "Прекрасное качество, буду заказывать ещё.",
        "Всё понравилось, менеджер помог с выбором.",
    ],
    "uk": [
        "Чудова книгарня, замовлення прийшло швидко, дякую!",
        "Дуже задоволена, все акуратно запаковано. Рекомендую.",
        "Приємний сервіс і ввічливі консультанти.",
        "Якість відмінна, ціна адекватна, буду замовляти ще.",
        "Курс сподобався, викладач пояснює зрозуміло.",
    ],
    "en": [
        "Great service, arrived on time and well packed. Recommend!",
        "Lovely people, the course was worth every penny.",
        "Very comfortable mattress, excellent quality.",
        "Quick answers and friendly staff, thank you.",
    ],
}
NEGATIVE = {
    "pl": [
        "Zamówienie nr {order} nie dotarło po {days} dniach, nikt nie odpowiada na maile.",
        "Fatalna obsługa, kurier był niemiły, a paczka uszkodzona. Nie polecam.",
        "Materac po {days} dniach się zapadł, reklamacja odrzucona. Strata {money} zł.",
        "Zajęcia odwołane bez uprzedzenia, zwrot pieniędzy dopiero po awanturze.",
        "Kompletny brak kontaktu, czekam na zwrot od {days} dni. Nigdy więcej.",
    ],
    "ru": [
        "Заказ {order} так и не пришёл, деньги не вернули уже {days} дней.",
        "Ужасное обслуживание, менеджер хамил. Не рекомендую.",
        "Книга пришла с порванной обложкой, на жалобу никто не ответил.",
        "Верните деньги! Ждал {days} дней, а прислали не тот товар.",
    ],
    "uk": [
        "Замовлення {order} досі не отримала, жодної відповіді вже {days} днів.",
        "Жахлива якість, книга з браком, повернення грошей не дочекалась.",
        "Кур'єр запізнився на {days} дні, а оператор був грубий. Не рекомендую.",
        "Дуже розчарована, гроші {money} грн так і не повернули.",
    ],
    "en": [
        "Order {order} never arrived, {days} days and no reply to my emails. Never again.",
        "Terrible service, the courier was rude and the box was damaged.",
        "The mattress sagged after {days} days and they refused the return.",
        "Still waiting for my refund of {money}, nobody answers the phone.",
    ],
}
NEUTRAL = {
    "pl": ["Kurs w porządku, nic szczególnego.", "Paczka przyszła, jeszcze nie testowałam."],
    "ru": ["Нормально, обычный магазин.", "Получил заказ, пока не читал."],
    "uk": ["Звичайна книгарня, нічого особливого.", "Замовлення отримала, ще не читала."],
    "en": ["It's okay, nothing special.", "Arrived, have not tried it yet."],
}
GOOD_CLOSURE = {
    "pl": "Bardzo przepraszamy za tę sytuację. Rozumiemy, jak bardzo to frustrujące. "
    "Sprawą zajmuje się osobiście Anna Nowak i do piątku otrzyma Pan wiążącą odpowiedź.",
    "ru": "Приносим извинения за эту ситуацию. Понимаем ваше разочарование. Вашим вопросом "
    "лично занимается Ольга Петрова, обязательный ответ вы получите в течение 7 дней.",
    "uk": "Щиро перепрошуємо за цю ситуацію. Розуміємо, як це неприємно. Вашим зверненням "
    "особисто займається Марія Коваль, остаточну відповідь надамо протягом 3 днів.",
    "en": "We are sorry for what happened. We understand how frustrating this is. "
    "I, Tom Baker, will handle this personally and you will have a binding answer by Friday.",
}
BAD_CLOSURE = {
    "pl": "To nie nasza wina, trzeba było czytać regulamin. Nie będziemy dyskutować.",
    "ru": "Вы сами виноваты, надо было читать условия. Не морочьте нам голову.",
    "uk": "Це ваша провина, треба було уважно читати умови. Більше не пишіть нам.",
    "en": "That's not our problem, you should have read the terms. Stop wasting our time.",
}
CUSTOMER_NAMES = ["ola", "piotr", "ivan", "oksana", "kate", "marek", "dmytro", "lena", "john"]


class Builder:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.events: list[dict[str, Any]] = []
        self.counter = 0

    def add(self, business: str, event_type: str, at: datetime, **fields: Any) -> dict[str, Any]:
        self.counter += 1
        event = {
            "event_id": f"{business[:4]}-{self.counter:05d}",
            "type": event_type,
            "schema_version": 1,
            "business_id": business,
            "occurred_at": at.isoformat(),
            **fields,
        }
        self.events.append(event)
        return event

    def fill_text(self, template: str) -> str:
        return template.format(
            order=f"#{self.rng.randint(10000, 99999)}",
            days=self.rng.randint(3, 30),
            money=self.rng.choice(["149", "320", "89,90", "1200"]),
        )


def story(b: Builder) -> None:
    """The hand-written cases the demo's feed and alerts must show."""
    day = timedelta(days=1)
    # A fitness blogger with 120k followers: angry public post, complaint closed badly.
    t = START + 3 * day
    b.add(
        SCHOOL,
        "review",
        t,
        location_id="warszawa",
        channel="social_media",
        public=True,
        rating=1,
        author={
            "customer_id": "c-blogerka",
            "handle": "fit_kasia",
            "audience_size": 120_000,
            "kind": "blogger",
        },
        text="Zapłaciłam 1450 zł za kurs masażu 12 listopada, instruktor nie przyszedł dwa razy,"
        " nikt nie odpowiada na maile. Oszustwo, omijajcie tę szkołę!",
    )
    b.add(
        SCHOOL,
        "complaint.opened",
        t + timedelta(hours=2),
        location_id="warszawa",
        complaint_id="cmp-blog",
        customer_id="c-blogerka",
        channel="social_media",
        public=True,
        text="Chcę zwrotu pieniędzy za odwołane zajęcia.",
        order_value="1450.00",
        currency="PLN",
    )
    b.add(
        SCHOOL,
        "complaint.closed",
        t + 2 * day,
        location_id="warszawa",
        complaint_id="cmp-blog",
        customer_id="c-blogerka",
        handler="recepcja-marek",
        resolution="declined",
        customer_behaviour="irate",
        satisfaction=1,
        public=True,
        reply_text="Pani chyba nie rozumie regulaminu. To nie nasza wina, że nie umie Pani "
        "czytać. Nie będziemy dyskutować.",
        customer_last_message="Tak mnie jeszcze nikt nie potraktował. Opiszę to u siebie.",
    )
    # A lawyer writes privately to the bookshop, threatening; closed well with a refund.
    t = START + 5 * day
    b.add(
        BOOKSHOP,
        "complaint.opened",
        t,
        location_id="kyiv",
        complaint_id="cmp-lawyer",
        customer_id="c-yurist",
        channel="email",
        public=False,
        text="Я юрист. Заказ 55812 оплачен 3 ноября, до сих пор не доставлен. Требую вернуть"
        " деньги, иначе обращусь в суд.",
        order_value="1800.00",
        currency="UAH",
    )
    b.add(
        BOOKSHOP,
        "review",
        t + timedelta(hours=1),
        location_id="kyiv",
        channel="maps",
        public=True,
        rating=1,
        author={
            "customer_id": "c-yurist",
            "handle": "adv_sokolov",
            "audience_size": 2500,
            "kind": "lawyer",
        },
        text="Заказ 55812 не доставлен уже 10 дней, на звонки не отвечают. Готовлю претензию.",
    )
    b.add(
        BOOKSHOP,
        "complaint.closed",
        t + day,
        location_id="kyiv",
        complaint_id="cmp-lawyer",
        customer_id="c-yurist",
        handler="olga",
        resolution="refund",
        customer_behaviour="threatening",
        satisfaction=4,
        deadline_met=True,
        reply_text=GOOD_CLOSURE["ru"],
        customer_last_message="Спасибо, деньги получил, вопрос закрыт.",
    )
    b.add(
        BOOKSHOP,
        "concession.granted",
        t + day,
        location_id="kyiv",
        kind="refund_full",
        customer_id="c-yurist",
        amount="1800.00",
        currency="UAH",
        complaint_id="cmp-lawyer",
        granted_by="olga",
        days_since_purchase=11,
    )
    # A post in a local public group (Lviv): famous across town. Closed well afterwards.
    t = START + 8 * day
    b.add(
        BOOKSHOP,
        "review",
        t,
        location_id="lviv",
        channel="social_group",
        public=True,
        author={"customer_id": "c-mama", "handle": "oksana_lviv", "audience_size": 0},
        text="Люди, не замовляйте в цій книгарні! Подарунок дитині на 15 листопада не прийшов,"
        " жодної відповіді від магазину вже тиждень.",
    )
    b.add(
        BOOKSHOP,
        "complaint.opened",
        t + timedelta(hours=3),
        location_id="lviv",
        complaint_id="cmp-group",
        customer_id="c-mama",
        channel="social_group",
        public=True,
        text="Подарунок не прийшов, жодної відповіді.",
    )
    b.add(
        BOOKSHOP,
        "complaint.closed",
        t + day,
        location_id="lviv",
        complaint_id="cmp-group",
        customer_id="c-mama",
        handler="maria",
        resolution="compensation",
        customer_behaviour="irate",
        satisfaction=5,
        deadline_met=True,
        public=True,
        reply_text=GOOD_CLOSURE["uk"],
        customer_last_message="Дякую, все отримали, дуже вдячна!",
    )
    b.add(
        BOOKSHOP,
        "concession.granted",
        t + day,
        location_id="lviv",
        kind="compensation",
        customer_id="c-mama",
        amount="300.00",
        currency="UAH",
        complaint_id="cmp-group",
        granted_by="maria",
    )
    # An abusive customer demands a discount: a firm, polite refusal is a good closure.
    t = START + 10 * day
    b.add(
        SCHOOL,
        "complaint.opened",
        t,
        location_id="krakow",
        complaint_id="cmp-abuse",
        customer_id="c-krzykacz",
        channel="email",
        text="Dajcie mi 50% rabatu albo zniszczę wam opinię, jesteście bandą idiotów.",
    )
    b.add(
        SCHOOL,
        "complaint.closed",
        t + timedelta(hours=5),
        location_id="krakow",
        complaint_id="cmp-abuse",
        customer_id="c-krzykacz",
        handler="dyrektor-ewa",
        resolution="declined",
        customer_behaviour="abusive",
        reply_text="Dziękujemy za wiadomość i za to, że był Pan z nami na kursie. Niestety nie "
        "możemy przyznać rabatu 50%, ponieważ cena kursu jest jednakowa dla wszystkich"
        " uczestników. Chętnie zaprosimy Pana na bezpłatne zajęcia powtórkowe.",
    )
    # Three strikes: a mattress re-shipped at our cost four times.
    for strike in range(4):
        b.add(
            MATTRESS,
            "concession.granted",
            START + (4 + 3 * strike) * day,
            location_id="online",
            kind="reship_free",
            customer_id="c-pechowiec",
            amount="120.00",
            currency="PLN",
            granted_by="magazyn-jan",
            note=f"re-shipment {strike + 1}",
        )
    # The mattress maker's refund budget (3000 PLN) runs out before the month ends.
    for i, amount in enumerate(["450.00", "380.00", "520.00", "610.00", "300.00"]):
        b.add(
            MATTRESS,
            "concession.granted",
            START + (2 + 2 * i) * day,
            location_id="poznan",
            kind="refund_partial",
            customer_id=f"c-zwrot-{i}",
            amount=amount,
            currency="PLN",
            granted_by="szef-tomasz",
            days_since_purchase=5 + i,
        )
    b.add(
        MATTRESS,
        "concession.granted",
        START + 6 * day,
        location_id="online",
        kind="compensation",
        customer_id="c-berlin",
        amount="90.00",
        currency="EUR",
        granted_by="szef-tomasz",
        status="committed",
    )
    # A promise with a deadline that is not kept while the complaint stays open.
    t = START + 12 * day
    b.add(
        MATTRESS,
        "complaint.opened",
        t,
        location_id="poznan",
        complaint_id="cmp-late",
        customer_id="c-czeka",
        channel="maps",
        public=True,
        text="Materac przyjechał z plamą, czekam na wymianę.",
    )
    b.add(
        MATTRESS,
        "complaint.reply",
        t + timedelta(hours=4),
        location_id="poznan",
        complaint_id="cmp-late",
        customer_id="c-czeka",
        handler="obsluga-ania",
        text="Przepraszamy, wymienimy materac do 16 listopada.",
        promised_deadline=(START + 15 * day).isoformat(),
    )
    # A journalist, in English, on the mattress maker.
    b.add(
        MATTRESS,
        "review",
        START + 14 * day,
        location_id="online",
        channel="social_media",
        public=True,
        rating=2,
        author={"handle": "anna_writes", "audience_size": 45_000, "kind": "journalist"},
        text="Ordered a 'premium' mattress on Nov 2, it arrived damaged and support has ignored"
        " three emails since. Writing this up for Friday's consumer column.",
    )
    # A spike: five angry reviews about the Krakow school in one hour.
    t = START + 18 * day + timedelta(hours=10)
    for i, text in enumerate(NEGATIVE["pl"]):
        b.add(
            SCHOOL,
            "review",
            t + timedelta(minutes=9 * i),
            location_id="krakow",
            channel="maps",
            public=True,
            rating=1,
            author={"customer_id": f"c-spike-{i}"},
            text=b.fill_text(text),
        )


def filler(b: Builder, count: int) -> None:
    """Ordinary customers: mostly happy reviews, some unhappy, complaints closed well or badly."""
    businesses = [SCHOOL, BOOKSHOP, MATTRESS]
    for i in range(count):
        business = b.rng.choice(businesses)
        lang = b.rng.choice(LANGS[business])
        at = START + timedelta(minutes=b.rng.randint(0, 27 * 24 * 60))
        mood = b.rng.choices(["pos", "neg", "neu"], weights=[6, 3, 1])[0]
        bank = {"pos": POSITIVE, "neg": NEGATIVE, "neu": NEUTRAL}[mood]
        rating = {"pos": b.rng.choice([4, 5]), "neg": b.rng.choice([1, 2]), "neu": 3}[mood]
        customer = f"c-{b.rng.choice(CUSTOMER_NAMES)}-{i}"
        location = b.rng.choice(LOCATIONS[business])
        b.add(
            business,
            "review",
            at,
            location_id=location,
            channel=b.rng.choice(["marketplace", "maps", "own_site"]),
            public=True,
            rating=rating if b.rng.random() < 0.8 else None,
            author={"customer_id": customer},
            text=b.fill_text(b.rng.choice(bank[lang])),
        )
        if mood == "neg" and b.rng.random() < 0.35:
            complaint_id = f"cmp-{i}"
            opened = at + timedelta(hours=1)
            b.add(
                business,
                "complaint.opened",
                opened,
                location_id=location,
                complaint_id=complaint_id,
                customer_id=customer,
                channel="email",
                text=b.fill_text(b.rng.choice(NEGATIVE[lang])),
            )
            well = b.rng.random() < 0.7
            closed = opened + timedelta(hours=b.rng.randint(3, 60))
            b.add(
                business,
                "complaint.closed",
                closed,
                location_id=location,
                complaint_id=complaint_id,
                customer_id=customer,
                handler=b.rng.choice(["anna", "marek", "olga", "taras"]),
                resolution=b.rng.choice(["refund", "replacement", "explanation"])
                if well
                else "explanation",
                reply_text=GOOD_CLOSURE[lang] if well else BAD_CLOSURE[lang],
                satisfaction=b.rng.choice([4, 5]) if well else b.rng.choice([1, 2]),
                deadline_met=True if well else None,
            )
            if well and b.rng.random() < 0.5:
                b.add(
                    business,
                    "concession.granted",
                    closed,
                    location_id=location,
                    kind=b.rng.choice(["refund_partial", "discount", "gift"]),
                    customer_id=customer,
                    amount=f"{b.rng.randint(20, 150)}.00",
                    currency=CURRENCY[business],
                    complaint_id=complaint_id,
                    granted_by="anna",
                    discount_pct="10" if business != BOOKSHOP else None,
                )


MALFORMED = [
    '{"event_id": "bad-1", "type": "review", "business_id": "dobry-sen"',  # truncated JSON
    '{"event_id": "bad-2", "type": "tweet", "business_id": "dobry-sen",'
    ' "occurred_at": "2026-11-05T10:00:00+00:00", "text": "?"}',  # unknown type
    '{"event_id": "bad-3", "type": "review", "business_id": "dobry-sen",'
    ' "occurred_at": "2026-11-05T10:00:00", "channel": "maps", "text": "Ok"}',  # naive time
    '{"event_id": "bad-4", "type": "concession.granted", "business_id": "dobry-sen",'
    ' "occurred_at": "2026-11-05T10:00:00+00:00", "kind": "refund_full", "customer_id": "c1",'
    ' "amount": "-50.00", "currency": "PLN", "granted_by": "x"}',  # negative amount
    '{"event_id": "bad-5", "type": "review", "business_id": "masaz-akademia",'
    ' "occurred_at": "2026-11-05T10:00:00+00:00", "channel": "maps", "rating": 9,'
    ' "text": "Super"}',  # rating out of range
    "[1, 2, 3]",  # not an object
]


def build(seed: int, filler_count: int) -> list[str]:
    b = Builder(seed)
    story(b)
    filler(b, filler_count)
    b.events.sort(key=lambda e: e["occurred_at"])
    lines = [json.dumps(e, ensure_ascii=False) for e in b.events]
    # Duplicates (redelivery) and malformed lines, spread through the stream.
    for _k in range(8):
        lines.insert(b.rng.randrange(len(lines)), lines[b.rng.randrange(len(lines))])
    for bad in MALFORMED:
        lines.insert(b.rng.randrange(len(lines)), bad)
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--filler", type=int, default=400)
    parser.add_argument("--out", type=Path, default=Path(__file__).with_name("events.jsonl"))
    args = parser.parse_args()
    lines = build(args.seed, args.filler)
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {len(lines)} lines to {args.out}")


if __name__ == "__main__":
    main()
