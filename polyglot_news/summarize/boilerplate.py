"""Sentences that are never summary material: page furniture left in an article's text.

Bylines, datelines, "Scroll down for video", "Read more:", photo credits, subscription
prompts, copyright lines, in English, Russian, Ukrainian and Belarusian. Each pattern is
matched at the start of a sentence (``re.match``, case-insensitive unless it says
``(?-i:…)``); one that must cover the whole sentence ends in ``$``. The patterns of every
language apply to every article: pages in Russian carry English credits ("Getty Images") and
the reverse. Only the default method (``auto``) leaves these sentences out; the single methods
rank every sentence as they always did.
"""

from __future__ import annotations

import re

_END = r"\W*$"  # nothing but punctuation or spaces to the end of the sentence

#: Patterns by language ("any": script-neutral ones). Written for this project from the shapes of
#: such lines, never from a particular article.
PATTERNS: dict[str, tuple[str, ...]] = {
    "any": (
        r"(?:https?://|www\.)\S+" + _END,  # a bare link
        r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+" + _END,  # a bare e-mail address
        r"(?:[@#]\w+[\s,]*)+$",  # handles and hashtags only
        r"(?:©|\(c\)\s*\d{4})",  # a copyright line
    ),
    "en": (
        r"scroll (?:down|up)\b.{0,24}\b(?:video|videos|pictures?|photos?|images?|more|comments?)\b",
        r"(?:read|see) (?:more|also)\b\s*(?:[:»>…-]|about\b|at\b|here\b|on\b|in\b|from\b|$)",
        r"click (?:here|the link|below|through)\b",
        (
            r"(?:follow|like|find) (?:us|me|him|her|them|@\w+)\b.{0,40}"
            r"\b(?:twitter|facebook|instagram|tiktok|telegram|youtube|linkedin)\b"
        ),
        r"(?:sign up|subscribe|register)\b.{0,60}\b(?:newsletter|updates|alerts|here|now|free|today)\b",
        r"(?:photo|photograph|picture|image|video|graphic|illustration)s?(?: credits?)?\s*:",
        r"(?:image|photo|picture)s? (?:copyright|caption|source|credit|courtesy)\b",
        r"(?:credit|source)s?\s*:",
        r"(?:published|updated|last updated|last modified|posted)\s*(?::|at\b|on\b)?\s*\d",
        r".*\ball rights reserved\b",
        r"copyright\b",
        r"advertisement" + _END,
        r"(?:share|email|print) (?:this|the) (?:article|story|page)\b",
        r"(?:watch|play) (?:the )?video\b",
        r"(?:getty images|afp|reuters|ap photo|pa wire|epa)(?:\s*/\s*[\w ]+)?" + _END,  # a credit alone
        # a byline alone: "By Jane Smith.", "By . Jane Smith and John Brown ."
        r"(?-i:By\b[\s.]*[A-Z][\w'’.-]*[\s,.]*(?:(?:[A-Z][\w'’.-]*|and|&)[\s,.]*){0,7})$",
        # a dateline alone, "LONDON (Reuters) --": capitals, then an agency in brackets or a dash
        r"(?-i:[A-Z][A-Z.'’ ]{2,}(?:,\s*[A-Z][\w.'’ ]+)?\s*(?:\([\w .]+\)\s*(?:--|—|–|-)?|--|—|–|-)\s*)$",
    ),
    "ru": (
        r"читайте (?:также|тоже|ещё|еще|нас|подробнее)\b",
        r"подробнее\b\s*(?:[:—–»…-]|читайте|здесь|по ссылке|на сайте|в материале|$)",
        r"(?:подписывайтесь|подпишитесь|присоединяйтесь)\b",
        r"(?:фото|фотография|видео|иллюстрация|изображение|снимок)\s*(?::|—|–|©)",
        r"(?:источник|автор|авторы|редактор|корреспондент)\s*(?:фото\s*)?:",
        r"(?:правообладатель иллюстрации|подпись к фото|автор фото)\b",
        r"(?:реклама|поделиться)" + _END,
        r".*\bвсе права защищены\b",
        r"смотрите (?:также|видео|трансляцию)\b",
        r"(?:опубликовано|обновлено|дата публикации)\s*:?\s*\d",
        r"нашли ошибку\b",
    ),
    "uk": (
        r"читайте (?:також|ще|нас|більше)\b",
        r"детальніше\b\s*(?:[:—–»…-]|читайте|тут|за посиланням|на сайті|у матеріалі|$)",
        r"(?:підписуйтеся|підписуйтесь|підпишіться|приєднуйтеся|приєднуйтесь)\b",
        r"(?:фото|фотографія|відео|ілюстрація|зображення|світлина)\s*(?::|—|–|©)",
        r"(?:джерело|автор|автори|редактор|кореспондент)\s*(?:фото\s*)?:",
        r"(?:правовласник ілюстрації|підпис до фото|автор фото)\b",
        r"(?:реклама|поділитися)" + _END,
        r".*\b(?:усі|всі) права захищені\b",
        r"дивіться (?:також|відео|трансляцію)\b",
        r"(?:опубліковано|оновлено|дата публікації)\s*:?\s*\d",
        r"знайшли помилку\b",
    ),
    "be": (
        r"чытайце (?:таксама|яшчэ|нас|падрабязней)\b",
        r"падрабязней\b\s*(?:[:—–»…-]|чытайце|тут|па спасылцы|на сайце|у матэрыяле|$)",
        r"(?:падпісвайцеся|падпішыцеся|далучайцеся)\b",
        r"(?:фота|фотаздымак|відэа|ілюстрацыя|выява)\s*(?::|—|–|©)",
        r"(?:крыніца|аўтар|аўтары|рэдактар|карэспандэнт)\s*(?:фота\s*)?:",
        r"(?:аўтар фота|подпіс да фота)\b",
        r"(?:рэклама|падзяліцца)" + _END,
        r".*\bусе правы абаронены\b",
        r"глядзіце (?:таксама|відэа|трансляцыю)\b",
        r"(?:апублікавана|абноўлена|дата публікацыі)\s*:?\s*\d",
        r"знайшлі памылку\b",
    ),
}

_ANY = re.compile("|".join(f"(?:{p})" for patterns in PATTERNS.values() for p in patterns), re.IGNORECASE)


def is_boilerplate(sentence: str) -> bool:
    """Whether ``sentence`` is page furniture (see the module docstring), never summary material."""
    return _ANY.match(sentence.strip()) is not None
