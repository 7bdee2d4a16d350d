"""Word lists and alphabets for language detection, written for this project (facts of usage).

:data:`ALPHABETS` and :data:`FUNCTION_WORDS` serve the Cyrillic model in :mod:`.detect`;
:data:`LATIN_WORDS` the short-text evidence for Latin-script languages. No code, no imports.
"""

from __future__ import annotations

# Standard alphabets (lower case). A letter outside a language's alphabet is strong evidence
# against it: Belarusian writes no и, щ, ъ; Russian no і, ў; Ukrainian no ы, э, ё, ъ, ў…
ALPHABETS = {
    "be": frozenset("абвгдеёжзійклмнопрстуўфхцчшыьэюя"),
    "bg": frozenset("абвгдежзийклмнопрстуфхцчшщъьюя"),
    "kk": frozenset("аәбвгғдеёжзийкқлмнңоөпрстуұүфхһцчшщъыіьэюя"),
    "mk": frozenset("абвгдѓежзѕијклљмнњопрстќуфхцчџш"),
    "mn": frozenset("абвгдеёжзийклмнопрөстуүфхцчшщъыьэюя"),
    "ru": frozenset("абвгдеёжзийклмнопрстуфхцчшщъыьэюя"),
    "sr": frozenset("абвгдђежзијклљмнњопрстћуфхцчџш"),
    "uk": frozenset("абвгґдеєжзиіїйклмнопрстуфхцчшщьюя"),
}
# Very frequent function words, written for this project (pronouns, prepositions, conjunctions).
FUNCTION_WORDS = {
    lang: frozenset(words.split())
    for lang, words in {
        "be": "і ў у не на з са што гэта як да ад але па ці так яго яна ён яны мы вы я мне было быў "
        "была ёсць таксама толькі калі дзе таму вельмі для пра пры пасля паміж які якая якое якія "
        "свой усё усе ўсё ўсе яшчэ адзін можна трэба бо каб нават цяпер сёння або ужо ўжо ня зь "
        "гэтым гэтага гэты гэтая ім іх ёй яму сваё можа няма хто дзякуй вось чаму дзе сабе "
        "таксама пакуль",
        "bg": "и в не на аз че той с това като а то по но към от за така го тя те ние вие би беше "
        "бил била е са съм само когато къде при след между който която които всички всичко още "
        "вече един може трябва да дори сега днес или също много ако ѝ им му мен ми себе този тази "
        "тези там тук ще се си ли във със най какво защо кога ето нещо",
        "kk": "және бұл мен да де үшін деп бір осы ол бар жоқ еді болып туралы бойынша сол оның бірақ",
        "mk": "и во не на јас дека тој со ова како а тоа по но кон од за така го таа тие ние вие би "
        "беше бил била е се сум само кога каде при меѓу кој која кои сите сè уште веќе еден може "
        "треба да дури сега денес или исто многу ако ѝ им му мене ми овој оваа овие таму тука ќе "
        "си ли што нема има",
        "mn": "нь бол энэ тэр юм байна гэж болон ба дээр бид би та одоо байсан байгаа гэх мөн",
        "ru": "и в не на я что он с это как а то по но к у из за от так его она они мы вы же бы "
        "было был была есть только когда где для о об при после между который которая которые "
        "все всё ещё уже еще один можно нужно чтобы даже теперь сегодня или тоже также очень если "
        "её ее их ему меня мне себя этот эта эти того чем чего ничего тот там здесь вот да нет может "
        "кто сейчас спасибо пожалуйста привет почему тоже будет были",
        "sr": "и у не на ја да он са с то као а по али ка од за тако га она они ми ви би био била је "
        "су сам само када где при после између који која које сви све још већ један може треба "
        "чак сада данас или такође веома много ако јој им му мене овај ова ове тамо овде ће се си "
        "ли што шта нема има из",
        "uk": "і й в у не на я що він з із це як а та то по але до від за так його вона вони ми ви б "
        "би було був була є тільки лише коли де для про при після між який яка які все всі ще "
        "вже один можна треба щоб навіть тепер сьогодні або також дуже якщо її їх йому мене мені "
        "себе цей ця ці того ніж нічого той там тут ось ні може хто зараз дякую привіт чому "
        "буде були",
    }.items()
}
# Frequent words of Latin-script languages (function words; for English also very common
# content words), written for this module. They only weigh in on short text (under
# 100 letters, see detect._SHORT_LETTERS), where langdetect's character sampling sees too little.
LATIN_WORDS = {
    lang: frozenset(words.split())
    for lang, words in {
        "en": "the of and to in is was for that with on as by at from it this be are were not or "
        "an but have has had he she they we you i his her their its our my your which who what "
        "when where why how there here will would can could should may might must do does did "
        "done let us me him them been being after before over under about into out up down off "
        "then than so if because while also just only very more most some any all each every no "
        "new old good great first last next year years day days time people man men woman women "
        "city government police president minister said says say told report reports news week "
        "today yesterday tomorrow make made take took get got go went come came see saw know "
        "think want need use used work world life state country system market company except "
        "since until through during without within between against among again still never "
        "always something nothing everything one two three four five these those such other "
        "another same own many much few little less least well back even way thing things "
        "price prices rise rises fall falls home school water money house family children "
        "health war peace election elections court law month months night morning true",
        "de": "der die das und ist nicht ein eine einen einem einer den dem des zu mit auf für von "
        "im in sich auch es sie er wir ich ihr wird werden wurde wurden hat haben hatte sind war "
        "waren bei nach aus über unter vor um noch nur schon aber oder wenn weil dass als wie "
        "kein keine mehr sehr heute gestern morgen jahr jahre stadt regierung gibt diese dieser was "
        "wer warum wo "
        "dieses zum zur vom beim am",
        "fr": "le la les de des du un une et est en dans pour pas que qui sur au aux avec ce cette "
        "ces il elle ils elles nous vous je tu ne se sont était été être avoir a ont plus mais ou "
        "où donc car par leur leurs son sa ses mon ma mes très aussi comme tout tous sans sous "
        "entre après avant aujourd'hui hier demain ans ville gouvernement c'est qu'il d'un d'une",
        "es": "el la los las de del y en un una es que por para con no se su sus al lo como más "
        "pero o sí muy ya también porque cuando donde este esta estos estas ese esa fue era son "
        "está están ha han hay ser sin sobre entre hasta desde hoy ayer mañana años ciudad "
        "gobierno nadie nada todo todos él ella ellos nosotros usted yo qué cómo dónde cuándo",
        "it": "il lo la i gli le di del della dei delle e è un una uno per con non che si in nel "
        "nella al alla da dal dalla sono era ha hanno ma anche come più molto questo questa "
        "questi sua suo loro oggi ieri domani anni città governo perché quando dove tutto tutti "
        "io lui lei noi voi sul sulla ci",
        "pt": "o a os as de do da dos das e em no na nos nas um uma é que para com não se por "
        "mais mas como ao aos à às foi são está estão tem têm ser muito também porque quando "
        "onde este esta isso isto ele ela eles elas nós você eu hoje ontem amanhã anos cidade "
        "governo sem sobre entre até já tu vais vai onde",
        "nl": "de het een en van in is dat op te zijn niet met voor die er aan om ook als bij of "
        "maar door naar dan nog wel worden wordt werd was waren heeft hebben had ze hij zij wij "
        "ik je jij u we dit deze geen meer zeer vandaag gisteren morgen jaar stad regering uit "
        "over tot onder",
        "pl": "i w na z się nie do że to jest jak o po od za ale co tak jego jej ich przez dla "
        "oraz czy był była było są być jestem już tylko bardzo może także który która które "
        "dziś wczoraj jutro roku miasto rząd ten ta te tym tej go mu mi",
        "cs": "a v na se je že to s z do o i by jako ale jsou byl byla bylo být jsem už jen velmi "
        "také který která které kde když proto pro od po za při jeho její jejich dnes včera "
        "zítra roku město vláda tento tato toto není nebo jak co kudy vede",
        "sk": "a v na sa je že to s z do o i by ako ale sú bol bola bolo byť som už len veľmi "
        "tiež ktorý ktorá ktoré kde keď preto pre od po za pri jeho jej ich dnes včera zajtra "
        "roku mesto vláda tento táto toto nie alebo čo",
        "tr": "ve bir bu da de için ile çok daha ne o ben sen biz siz onlar gibi ama var yok olan "
        "olarak değil mi mı mu mü kadar sonra önce bugün dün yarın yıl şehir hükümet her şey",
        "lt": "ir yra kad į iš su ar bet tai jis ji jie mes jūs aš buvo bus nėra kaip kur kai "
        "dėl per prie po apie šiandien vakar rytoj metų miestas vyriausybė labai taip pat",
    }.items()
}
