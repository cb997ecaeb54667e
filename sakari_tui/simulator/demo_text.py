"""What people say in the demo: per-language lines for customers and the support agent.

The demo account is "Northwind Outfitters", an outdoor gear shop: orders, deliveries, returns
and bike-service appointments. Lines are short, like real texts, with the occasional emoji; a few
long ones span several segments so the composer and thread show multi-part messages.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PhraseBank:
    """Lines in one language."""

    openers: tuple[str, ...]
    """A customer starting a conversation."""
    customer: tuple[str, ...]
    """A customer's follow-ups in a thread."""
    agent: tuple[str, ...]
    """The support agent's replies."""
    replies: tuple[str, ...]
    """Short answers a simulated customer sends back to a delivered text."""


PHRASES: dict[str, PhraseBank] = {
    "en": PhraseBank(
        openers=(
            "Hi, is my order on its way? It's been 5 days 📦",
            "Hello! Do you have the trail shoes in size 42?",
            "Can I change my delivery address? I'm moving on Friday.",
            "My bike service is tomorrow at 10, can I push it to 2pm?",
            "Hey, the jacket I got is the wrong colour 😕",
            "Do you ship to Canada?",
            "Is the store open on Sunday?",
            "I was charged twice for order 4471, can you check?",
            "Is the [SPRING10] code still valid? The checkout says it isn't 🤔",
        ),
        customer=(
            "Great, thanks!",
            "It says delivered but nothing is here.",
            "Ok, I'll wait until Thursday then.",
            "Can you send me the return label again?",
            "Perfect 👍",
            "Sorry, one more thing: do you have it in blue?",
            "Just got it, all good now 🙌",
            "What time do you close today?",
            "My order number is 4471.",
            "Thanks for the quick reply!",
        ),
        agent=(
            "Hi! Thanks for reaching out. Let me check that for you.",
            "Your order left our warehouse this morning and should arrive by Thursday 🚚",
            "I've updated the delivery address. You'll get a new tracking link shortly.",
            "Done! Your appointment is moved to 2pm tomorrow.",
            "So sorry about that! I've sent a prepaid return label to your email.",
            "We're open 9am-6pm Monday to Saturday, and 10am-4pm on Sunday.",
            "I can see the double charge; the refund is on its way (3-5 business days).",
            "Could you send me your order number?",
            "Yes, we have it in stock in blue, sizes M and L.",
            "You're welcome! Anything else I can help with?",
            "Quick update on your return: we received the parcel today and the refund has been "
            "approved. It goes back to the card you paid with, and depending on your bank it "
            "usually shows up within 3 to 5 business days. If you paid with a gift card, the "
            "balance is restored right away and you can use it online or in store. Thanks for "
            "your patience, and let us know if there is anything else we can do!",
        ),
        replies=(
            "Thanks!",
            "Got it 👍",
            "Ok, sounds good",
            "Great, thank you!",
            "👍",
            "Perfect, see you then",
            "Will do",
            "Thanks so much 😊",
        ),
    ),
    "de": PhraseBank(
        openers=(
            "Hallo, wann kommt meine Bestellung an?",
            "Guten Tag, haben Sie die Wanderschuhe noch in Größe 44?",
            "Kann ich meinen Termin am Freitag verschieben?",
            "Die Jacke ist leider zu klein. Wie funktioniert der Umtausch?",
        ),
        customer=(
            "Super, danke!",
            "Alles klar 👍",
            "Die Sendungsverfolgung zeigt nichts an.",
            "Passt, bis dann!",
            "Können Sie mir das Rücksendeetikett nochmal schicken?",
            "Ist angekommen, vielen Dank!",
        ),
        agent=(
            "Hallo! Danke für Ihre Nachricht, ich schaue kurz nach.",
            "Ihre Bestellung ist unterwegs und kommt voraussichtlich am Donnerstag an 🚚",
            "Ich habe Ihnen ein Rücksendeetikett per E-Mail geschickt.",
            "Ihr Termin ist jetzt am Freitag um 14 Uhr.",
            "Gern geschehen! Kann ich sonst noch helfen?",
        ),
        replies=("Danke!", "Super, danke 👍", "Alles klar", "Perfekt, vielen Dank!"),
    ),
    "fr": PhraseBank(
        openers=(
            "Bonjour, où en est ma commande ?",
            "Bonjour ! Vous avez ce sac à dos en vert ?",
            "Est-ce que je peux échanger ma veste ? Elle est trop grande.",
            "Le magasin est ouvert le dimanche ?",
        ),
        customer=(
            "Merci beaucoup !",
            "D'accord, j'attends alors.",
            "C'est parfait 👌",
            "Le colis n'est toujours pas arrivé…",
            "Super, à bientôt !",
        ),
        agent=(
            "Bonjour ! Je regarde tout de suite.",
            "Votre colis est en route, livraison prévue jeudi 🚚",
            "Je vous ai envoyé une étiquette de retour par e-mail.",
            "Nous sommes ouverts le dimanche de 10 h à 16 h.",
            "Avec plaisir ! Bonne journée 😊",
        ),
        replies=("Merci !", "Parfait, merci 🙏", "D'accord", "Super !"),
    ),
    "es": PhraseBank(
        openers=(
            "Hola, ¿mi pedido ya salió?",
            "¡Hola! ¿Tienen estas zapatillas en talla 39?",
            "¿Puedo cambiar la dirección de entrega?",
        ),
        customer=("¡Gracias!", "Vale, perfecto 👍", "Todavía no ha llegado nada.", "¡Genial, muchas gracias!"),
        agent=(
            "¡Hola! Gracias por escribirnos, lo reviso enseguida.",
            "Tu pedido está en camino y llegará el jueves 🚚",
            "Listo, ya cambié la dirección de entrega.",
            "¡Con gusto! ¿Algo más en lo que pueda ayudarte?",
        ),
        replies=("¡Gracias!", "Perfecto 👍", "Vale", "¡Genial!"),
    ),
    "pt": PhraseBank(
        openers=(
            "Oi, meu pedido já foi enviado?",
            "Olá! Vocês têm essa mochila em preto?",
            "Posso trocar o tamanho da jaqueta?",
        ),
        customer=("Obrigado!", "Beleza, valeu 👍", "Ainda não chegou nada aqui.", "Perfeito, obrigada!"),
        agent=(
            "Olá! Obrigado pela mensagem, vou verificar.",
            "Seu pedido já está a caminho, chega na quinta 🚚",
            "Pronto, a troca foi registrada. Enviamos a etiqueta por e-mail.",
            "Por nada! Posso ajudar em algo mais?",
        ),
        replies=("Obrigado!", "Valeu 👍", "Beleza", "Perfeito!"),
    ),
    "ja": PhraseBank(
        openers=(
            "こんにちは。注文した商品はいつ届きますか？",
            "すみません、このジャケットのMサイズはありますか？",
            "明日の予約を午後に変更できますか？",
        ),
        customer=(
            "ありがとうございます！",
            "了解です👍",
            "まだ届いていません。",
            "助かりました。よろしくお願いします。",
            "先週購入した登山靴ですが、一度履いただけで靴底が少し剥がれてきてしまいました。"
            "保証の対象になりますか？写真が必要でしたら送ります。交換か返金のどちらが可能か教えてください。",
        ),
        agent=(
            "こんにちは！お問い合わせありがとうございます。確認いたします。",
            "ご注文の商品は本日発送しました。木曜日にお届け予定です🚚",
            "ご予約を明日の14時に変更しました。",
            "どういたしまして！他にご不明な点はありますか？",
        ),
        replies=("ありがとうございます！", "了解です", "よろしくお願いします🙏", "わかりました！"),
    ),
    "ar": PhraseBank(
        openers=(
            "مرحبا، متى سيصل طلبي؟",
            "السلام عليكم، هل المتجر مفتوح يوم الجمعة؟",
            "هل يمكنني تغيير عنوان التوصيل؟",
        ),
        customer=("شكرا جزيلا!", "تمام 👍", "لم يصل الطلب بعد.", "ممتاز، شكرا لك"),
        agent=(
            "مرحبا! شكرا لتواصلك معنا، سأتحقق من ذلك الآن.",
            "طلبك في الطريق وسيصل يوم الخميس 🚚",
            "تم تغيير عنوان التوصيل بنجاح.",
            "على الرحب والسعة! هل هناك شيء آخر؟",
        ),
        replies=("شكرا!", "تمام", "ممتاز 👍", "شكرا جزيلا"),
    ),
    "he": PhraseBank(
        openers=("שלום, מתי ההזמנה שלי תגיע?", "היי, יש לכם את הנעליים במידה 43?", "אפשר להחליף את המעיל למידה אחרת?"),
        customer=("תודה רבה!", "סבבה 👍", "עדיין לא הגיע כלום.", "מעולה, תודה"),
        agent=(
            "שלום! תודה שפנית אלינו, אני בודק.",
            "ההזמנה שלך בדרך ותגיע ביום חמישי 🚚",
            "שלחתי לך תווית החזרה במייל.",
            "בשמחה! אפשר לעזור במשהו נוסף?",
        ),
        replies=("תודה!", "סבבה", "מעולה 👍", "תודה רבה"),
    ),
    "ru": PhraseBank(
        openers=(
            "Здравствуйте, когда придёт мой заказ?",
            "Добрый день! Есть ли эта куртка в размере L?",
            "Можно перенести запись на пятницу?",
        ),
        customer=("Спасибо большое!", "Хорошо 👍", "Посылка всё ещё не пришла.", "Отлично, спасибо!"),
        agent=(
            "Здравствуйте! Спасибо за сообщение, сейчас проверю.",
            "Ваш заказ уже в пути, доставка в четверг 🚚",
            "Запись перенесена на пятницу, 14:00.",
            "Пожалуйста! Могу ещё чем-то помочь?",
        ),
        replies=("Спасибо!", "Хорошо", "Отлично 👍", "Понял, спасибо"),
    ),
    "el": PhraseBank(
        openers=(
            "Γεια σας, πότε θα φτάσει η παραγγελία μου;",
            "Καλησπέρα! Έχετε αυτό το σακίδιο σε μπλε;",
            "Μπορώ να αλλάξω τη διεύθυνση αποστολής;",
        ),
        customer=("Ευχαριστώ πολύ!", "Εντάξει 👍", "Δεν έχει φτάσει ακόμα.", "Τέλεια, ευχαριστώ!"),
        agent=(
            "Γεια σας! Ευχαριστούμε για το μήνυμα, το ελέγχω αμέσως.",
            "Η παραγγελία σας είναι καθ' οδόν και θα φτάσει την Πέμπτη 🚚",
            "Άλλαξα τη διεύθυνση αποστολής.",
            "Παρακαλώ! Μπορώ να βοηθήσω σε κάτι άλλο;",
        ),
        replies=("Ευχαριστώ!", "Εντάξει", "Τέλεια 👍", "Ευχαριστώ πολύ"),
    ),
    "hi": PhraseBank(
        openers=("नमस्ते, मेरा ऑर्डर कब तक आएगा?", "क्या आपके पास यह बैग काले रंग में है?"),
        customer=("धन्यवाद!", "ठीक है 👍", "अभी तक कुछ नहीं आया।", "बहुत बढ़िया, धन्यवाद"),
        agent=(
            "नमस्ते! संदेश के लिए धन्यवाद, मैं अभी देखता हूँ।",
            "आपका ऑर्डर रास्ते में है, गुरुवार तक पहुँच जाएगा 🚚",
            "आपका स्वागत है! और कुछ मदद चाहिए?",
        ),
        replies=("धन्यवाद!", "ठीक है", "बढ़िया 👍"),
    ),
}


def phrases(language: str | None) -> PhraseBank:
    """The lines for `language`, falling back to English."""
    return PHRASES.get(language or "en", PHRASES["en"])
