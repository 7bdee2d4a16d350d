"""summarize.boilerplate: page furniture is never summary material, news sentences always are.

Every example is written for this test (the shapes such lines take, no third-party text).
"""

from __future__ import annotations

import re

import pytest

from polyglot_news import summarize as S
from polyglot_news.summarize import boilerplate

FURNITURE: dict[str, list[str]] = {
    "any": [
        "https://example.org/news/2024/budget",
        "www.example.org",
        "desk@example.org",
        "@citydesk #budget #transport",
        "© 2024 Example Media Group",
    ],
    "en": [
        "Scroll down for video",
        "Scroll down for video The mayor, left, at the opening of the new tram line on Monday",
        "Read more: Council approves the transport budget",
        "Read more about the tram line here",
        "See also: How the budget was voted",
        "Click here to watch the full interview",
        "Follow us on Twitter for the latest updates",
        "Sign up for our daily newsletter",
        "Photo: City Press Office",
        "Photographs: Jane Doe",
        "Image copyright City Press Office",
        "Image caption The new tram at the depot",
        "Source: City Council",
        "PUBLISHED: 10:15 GMT, 4 March 2024 | UPDATED: 11:02 GMT, 4 March 2024",
        "Last updated at 09:30",
        "Copyright 2024 Example Media. All rights reserved.",
        "Advertisement",
        "Share this article",
        "Watch the video above",
        "Getty Images",
        "By Jane Smith",
        "By . Jane Smith and John Brown .",
        "RIVERTON (Example News) --",
        "LONDON —",
    ],
    "ru": [
        "Читайте также: Совет утвердил бюджет транспорта",
        "Подробнее: как голосовали депутаты",
        "Подписывайтесь на наш канал в Telegram",
        "Фото: пресс-служба мэрии",
        "Видео — пресс-служба мэрии",
        "Источник: городской совет",
        "Автор: Иван Петров",
        "Правообладатель иллюстрации Пресс-служба мэрии",
        "Подпись к фото Новый трамвай в депо",
        "Реклама",
        "Поделиться",
        "Все права защищены.",
        "Смотрите также: трамвайные линии города",
        "Опубликовано: 4 марта 2024",
        "Нашли ошибку? Выделите текст и нажмите Ctrl+Enter",
    ],
    "uk": [
        "Читайте також: Рада затвердила бюджет транспорту",
        "Детальніше: як голосували депутати",
        "Підписуйтеся на наш канал у Telegram",
        "Фото: пресслужба мерії",
        "Джерело: міська рада",
        "Автор: Іван Петренко",
        "Правовласник ілюстрації Пресслужба мерії",
        "Реклама",
        "Поділитися",
        "Усі права захищені.",
        "Дивіться також: трамвайні лінії міста",
        "Оновлено: 4 березня 2024",
        "Знайшли помилку? Виділіть текст і натисніть Ctrl+Enter",
    ],
    "be": [
        "Чытайце таксама: Савет зацвердзіў бюджэт транспарту",
        "Падрабязней: як галасавалі дэпутаты",
        "Падпісвайцеся на наш канал у Telegram",
        "Фота: прэс-служба мэрыі",
        "Крыніца: гарадскі савет",
        "Аўтар: Іван Пятровіч",
        "Аўтар фота Янка Купала",
        "Рэклама",
        "Падзяліцца",
        "Усе правы абаронены.",
        "Глядзіце таксама: трамвайныя лініі горада",
        "Абноўлена: 4 сакавіка 2024",
        "Знайшлі памылку? Вылучыце тэкст і націсніце Ctrl+Enter",
    ],
}

NEWS: dict[str, list[str]] = {
    "en": [
        "The city council approved a new budget for public transport on Monday.",
        "By 2030 the city wants every bus to be electric.",
        "By the end of the year, twenty new buses will be in service.",
        "Readers sent more than a thousand letters about the tram line.",
        "Sources close to the mayor said the plan was ready.",
        "The photo exhibition opens at the town hall next week.",
        "Updated timetables will be published in April.",
        "Subscribers to the city's transport pass will pay less.",
        "NATO.",
        "THE COUNCIL VOTED FOR THE BUDGET.",
        "By Helen SmithCity Desk The council met on Monday to vote on the budget.",
    ],
    "ru": [
        "Городской совет в понедельник утвердил новый бюджет общественного транспорта.",
        "Источник в мэрии сообщил, что план готов.",
        "Фотовыставка откроется в ратуше на следующей неделе.",
        "Подробнее о плане мэр расскажет в пятницу.",
        "Автор проекта заявил, что трамвай пойдёт весной.",
    ],
    "uk": [
        "Міська рада в понеділок затвердила новий бюджет громадського транспорту.",
        "Джерело в мерії повідомило, що план готовий.",
        "Детальніше про план мер розповість у п'ятницю.",
    ],
    "be": [
        "Гарадскі савет у панядзелак зацвердзіў новы бюджэт грамадскага транспарту.",
        "Крыніца ў мэрыі паведаміла, што план гатовы.",
        "Падрабязней пра план мэр раскажа ў пятніцу.",
    ],
}


@pytest.mark.parametrize(
    ("language", "sentence"), [(lang, s) for lang, items in FURNITURE.items() for s in items]
)
def test_page_furniture_is_boilerplate(language: str, sentence: str) -> None:
    assert S.is_boilerplate(sentence)


@pytest.mark.parametrize(("language", "sentence"), [(lang, s) for lang, items in NEWS.items() for s in items])
def test_news_sentences_are_not(language: str, sentence: str) -> None:
    assert not S.is_boilerplate(sentence)


@pytest.mark.parametrize("language", ["en", "ru", "uk", "be"])
def test_every_language_has_its_own_patterns(language: str) -> None:
    assert boilerplate.PATTERNS[language]
    for pattern in boilerplate.PATTERNS[language]:
        re.compile(pattern)


@pytest.mark.parametrize(
    "sentence", ["Read more:", "  Scroll down for video  ", "ФОТО: ТАСС", "photo: city press office"]
)
def test_case_and_surrounding_spaces_do_not_matter(sentence: str) -> None:
    assert S.is_boilerplate(sentence)
