"""Who and what is in the demo account: the people who text in, the shapes of their numbers, the
named roles in its story (long threads, opt-outs, a comeback), and its templates and campaigns.

Data only; `demo_data.py` builds the account from it. The people and the order they come in are
part of the demo's determinism: the same seed gives the same ids only while these stay as they are.
"""

from __future__ import annotations

from .records import Actor

# The team answering in the Sakari Hub, in the `created.by` shape of their texts. Alex wrote most
# of the history (and the account's templates and contacts); Jordan takes some conversations.
AGENT: Actor = {
    "id": "usr-demo-agent",
    "firstName": "Alex",
    "lastName": "Rivera",
    "name": "Alex Rivera",
    "email": "alex.rivera@example.com",
    "source": "hub",
}
JORDAN: Actor = {
    "id": "usr-demo-jordan",
    "firstName": "Jordan",
    "lastName": "Lee",
    "name": "Jordan Lee",
    "email": "jordan.lee@example.com",
    "source": "hub",
}
#: By the names the admin endpoint takes (`"colleague": "alex"`).
COLLEAGUES: dict[str, Actor] = {"alex": AGENT, "jordan": JORDAN}

# (first name, last name, country, language); None names are numbers that just texted in.
PERSONAS: tuple[tuple[str | None, str | None, str, str], ...] = (
    ("Emily", "Johnson", "US", "en"),
    ("Marcus", "Williams", "US", "en"),
    ("Sofía", "Martínez", "US", "es"),
    ("Tyler", "Brooks", "US", "en"),
    ("Aaliyah", "Washington", "US", "en"),
    ("Jake", "Thompson", "US", "en"),
    ("Priya", "Patel", "US", "en"),
    ("Kevin", "Nguyen", "US", "en"),
    ("Rachel", "Goldberg", "US", "en"),
    ("Daniel", "Kim", "US", "en"),
    ("Hannah", "Miller", "US", "en"),
    ("Jamal", "Carter", "US", "en"),
    ("Olivia", "Davis", "US", "en"),
    ("Ethan", "Moore", "US", "en"),
    ("Mei", "Chen", "US", "en"),
    ("Chloé", "Tremblay", "CA", "fr"),
    ("Liam", "O'Connor", "CA", "en"),
    ("Oliver", "Bennett", "GB", "en"),
    ("Amelia", "Clarke", "GB", "en"),
    ("Harry", "Shah", "GB", "en"),
    ("Siobhán", "Murphy", "GB", "en"),
    ("George", "Hughes", "GB", "en"),
    ("Imogen", "Wright", "GB", "en"),
    ("Lukas", "Müller", "DE", "de"),
    ("Anna", "Schmidt", "DE", "de"),
    ("Jonas", "Becker", "DE", "de"),
    ("Lea", "Fischer", "DE", "de"),
    ("Felix", "Wagner", "DE", "de"),
    ("Camille", "Dubois", "FR", "fr"),
    ("Hugo", "Lefèvre", "FR", "fr"),
    ("Manon", "Girard", "FR", "fr"),
    ("Théo", "Laurent", "FR", "fr"),
    ("João", "Silva", "BR", "pt"),
    ("Ana", "Oliveira", "BR", "pt"),
    ("Lucas", "Santos", "BR", "pt"),
    ("Beatriz", "Costa", "BR", "pt"),
    ("Lucía", "García", "ES", "es"),
    ("Javier", "Fernández", "ES", "es"),
    ("Diego", "Hernández", "MX", "es"),
    ("Valentina", "López", "MX", "es"),
    ("花子", "山田", "JP", "ja"),
    ("健", "佐藤", "JP", "ja"),
    ("愛", "鈴木", "JP", "ja"),
    ("Yuki", "Tanaka", "JP", "en"),
    ("Aarav", "Sharma", "IN", "hi"),
    ("Ananya", "Iyer", "IN", "en"),
    ("Rohan", "Gupta", "IN", "en"),
    ("Priya", "Nair", "IN", "hi"),
    ("Mia", "Wilson", "AU", "en"),
    ("Jack", "Taylor", "AU", "en"),
    ("Charlotte", "Nguyen", "AU", "en"),
    ("נועה", "לוי", "IL", "he"),
    ("Yossi", "Cohen", "IL", "en"),
    ("אורי", "מזרחי", "IL", "he"),
    ("محمد", "العلي", "AE", "ar"),
    ("فاطمة", "حسن", "EG", "ar"),
    ("Omar", "Haddad", "AE", "en"),
    ("ليلى", "الزهراني", "SA", "ar"),
    ("Дмитрий", "Иванов", "RU", "ru"),
    ("Анна", "Смирнова", "RU", "ru"),
    ("Sergei", "Petrov", "RU", "en"),
    ("Γιώργος", "Παπαδόπουλος", "GR", "el"),
    ("Ελένη", "Γεωργίου", "GR", "el"),
    ("Sipho", "Dlamini", "ZA", "en"),
    ("Chidi", "Okafor", "NG", "en"),
    ("Wanjiru", "Kamau", "KE", "en"),
    ("Ji-woo", "Park", "KR", "en"),
    ("Lars", "Andersson", "SE", "en"),
    ("Zofia", "Nowak", "PL", "en"),
    ("Aoife", "Byrne", "IE", "en"),
    (None, None, "US", "en"),
    (None, None, "GB", "en"),
    (None, None, "DE", "de"),
)

# Mobile number shapes: fixed prefix + random digits. US/CA/GB/FR/AU use ranges reserved for fiction.
NUMBER_SHAPES: dict[str, tuple[tuple[str, ...], int]] = {
    "US": (("+1212555", "+1415555", "+1312555", "+1617555", "+1206555", "+1512555"), 4),
    "CA": (("+1416555", "+1604555"), 4),
    "GB": (("+447700900",), 3),
    "DE": (("+49151", "+49160", "+49176"), 8),
    "FR": (("+3363998",), 4),
    "BR": (("+55119", "+55219"), 8),
    "ES": (("+346",), 8),
    "MX": (("+5255",), 8),
    "JP": (("+8190", "+8180"), 8),
    "IN": (("+9198", "+9190"), 8),
    "AU": (("+61491570",), 3),
    "IL": (("+97250", "+97254"), 7),
    "AE": (("+97150",), 7),
    "SA": (("+96650",), 7),
    "EG": (("+2010",), 8),
    "RU": (("+7916", "+7903"), 7),
    "GR": (("+3069",), 8),
    "ZA": (("+2782",), 7),
    "NG": (("+23480",), 8),
    "KE": (("+2547",), 8),
    "KR": (("+8210",), 8),
    "SE": (("+4670",), 7),
    "PL": (("+4850",), 7),
    "IE": (("+35385",), 7),
}
EUROPE = frozenset({"GB", "IE", "DE", "FR", "ES", "SE", "PL", "GR"})

# Named roles in the story, by (first name, last name).
LONG_THREADS = {("Emily", "Johnson"): 140, ("Lukas", "Müller"): 112, ("花子", "山田"): 104}
OPTED_OUT = {
    ("Tyler", "Brooks"): "STOP",
    ("Jonas", "Becker"): "Stop",
    ("Дмитрий", "Иванов"): "stop ",
    ("Beatriz", "Costa"): "UNSUBSCRIBE",
}
CAME_BACK = ("Hugo", "Lefèvre")
CLOSED_THEN_NEW = {("Marcus", "Williams"), ("Anna", "Schmidt"), ("Omar", "Haddad")}
BOTH_NUMBERS = {("Harry", "Shah"), ("Rachel", "Goldberg"), ("Camille", "Dubois")}

TEMPLATES: tuple[tuple[str, str, str], ...] = (
    ("Welcome", "Hi {{ firstName }}, welcome to Northwind Outfitters! Reply STOP to opt out.", "SMS"),
    (
        "Order shipped",
        "Hi {{ firstName }}, your order #{{ orderNumber }} has shipped 📦 "
        "Track it at https://example.com/t/{{ orderNumber }}",
        "SMS",
    ),
    (
        "Appointment reminder",
        "Hi {{{firstName}}}, a reminder of your bike service tomorrow at 10am. Reply C to confirm or R to reschedule.",
        "SMS",
    ),
    ("Follow-up", "Hi {{contact.firstName}}, just checking in: did that sort out the problem?", "SMS"),
    ("Thanks", "Thanks {{ firstName }}! Happy to help 😊", "SMS"),
    ("Closing", "We're closing this conversation now. Text us any time, {{contact.firstName}}.", "SMS"),
    ("Out of office", "Thanks for your message! Our team is offline until 9am and will reply first thing.", "SMS"),
    ("Review request", "{{{firstName}}} {{lastName}}, how did we do? Leave a review: https://example.com/r", "Web"),
)

CAMPAIGNS: tuple[tuple[str, str, list[str]], ...] = (
    ("Spring sale", "Hi {{{contact.firstName}}}, our spring sale starts today 🌸", ["newsletter"]),
    ("VIP early access", "Hi {{ firstName }}, VIP early access opens tonight at 8pm.", ["vip"]),
)
