
"""A realistic multicultural test-set generator with labelled variant types and hard negatives.

Built for issue 10 (``vangnet linkage``) to measure clustering, not only pair scores:

* 14 origins with the name structure of each: Vietnamese (family name first, a very
  common family name, ``Văn``/``Thị`` middle names), Chinese (family name first, short
  given names, pinyin/Wade-Giles), Eritrean (given name + father's name + grandfather's
  name, no family name: siblings share the father's name), Nigerian, Moroccan and
  Syrian (``El``/``Al-`` particles, ``Mohammed`` spellings), Indian (``Singh``/``Kaur``),
  Romanian, Bulgarian (``-ov``/``-ova``), Polish, Hungarian (family name first),
  Ukrainian (Cyrillic and several romanisations), Brazilian (two family names), Dutch.
* Every further signal of a person is written with **one labelled variant type**
  (``variant_types[k]``): ``copy``, ``transliteration``, ``diacritics``, ``typo``,
  ``name_order``, ``family_token_dropped``, ``nickname``, ``patronymic``,
  ``date_default`` (1 January / 1 July for an unknown date), ``date_swap``,
  ``date_year_only``, ``date_off_by_one``, ``date_missing``; the first signal is
  ``original``.
* Hard negatives, labelled per person (``person_kinds``): ``twin`` (same date of birth
  and family name), ``sibling`` (same family or father's name, other date), ``namesake``
  (same full name and birth year, another person).

Names come from public lists of common names; no real person is described.
Deterministic for a given seed.
"""

from __future__ import annotations

import datetime as dt
import random
import unicodedata
from dataclasses import dataclass, field

from vangnet.linkage.encoding import PersonRecord

__all__ = ["ORIGINS", "VARIANT_TYPES", "MulticulturalDataset", "generate_multicultural"]

VARIANT_TYPES: tuple[str, ...] = (
    "copy",
    "transliteration",
    "diacritics",
    "typo",
    "name_order",
    "family_token_dropped",
    "nickname",
    "patronymic",
    "date_default",
    "date_swap",
    "date_year_only",
    "date_off_by_one",
    "date_missing",
)


def _w(text: str) -> tuple[str, ...]:
    return tuple(x.strip() for x in text.split(",") if x.strip())


@dataclass(frozen=True)
class _Origin:
    code: str
    female: tuple[str, ...]
    male: tuple[str, ...]
    family: tuple[str, ...]  # most common first (Zipf-like draw)
    family_first: bool = False  # written family name first in the own culture
    zipf: float = 1.0  # steepness of the family-name distribution


ORIGINS: dict[str, _Origin] = {
    o.code: o
    for o in (
        _Origin("VN", _w("Thị Lan, Thị Hương, Thị Mai, Thùy Linh, Thu Trang, Ngọc Anh, Thu Hà, Thị Hoa, "
                         "Phương Thảo, Thị Nga, Thị Thu, Ngọc Hân, Thị Yến, Kim Ngân"),
                _w("Văn An, Văn Minh, Văn Hùng, Anh Tuấn, Tiến Dũng, Hoài Nam, Văn Quang, Minh Đức, "
                   "Thành Long, Văn Hải, Quốc Thắng, Văn Sơn, Đức Anh, Văn Nam"),
                _w("Nguyễn, Trần, Lê, Phạm, Hoàng, Huỳnh, Phan, Vũ, Võ, Đặng, Bùi, Đỗ, Hồ, Ngô, Dương, Lý"),
                True, 1.6),
        _Origin("CN", _w("Fang, Xiuying, Na, Min, Jing, Li, Yan, Hui, Xiaoling, Mei, Ying, Lan, Xiaohong"),
                _w("Wei, Lei, Jun, Yong, Jie, Tao, Ming, Qiang, Hao, Xiaoming, Jian, Bo, Zhiwei, Jianguo"),
                _w("Wang, Li, Zhang, Liu, Chen, Yang, Huang, Zhao, Wu, Zhou, Xu, Sun, Ma, Zhu, Hu, Guo, Lin"),
                True, 1.1),
        _Origin("ER", _w("Senait, Helen, Yohana, Semhar, Luwam, Selam, Hiwet, Mebrat, Saba, Tsega, Freweini, "
                         "Rahwa, Feven, Winta"),
                _w("Yohannes, Tesfay, Berhane, Mehari, Dawit, Tekle, Habte, Kidane, Amanuel, Filmon, Samuel, "
                   "Goitom, Ghirmay, Mulugeta, Abraham, Haile, Tesfamariam, Gebremedhin, Kahsay, Woldu"),
                (), False, 0.8),
        _Origin("NG", _w("Chioma, Ngozi, Blessing, Adaeze, Funmilayo, Aisha, Oluwaseun, Chiamaka, Folake, "
                         "Precious, Joy, Amaka, Oluwabunmi, Temitope"),
                _w("Olumide, Chinedu, Emeka, Oluwaseun, Ikechukwu, Babatunde, Babajide, Uchenna, Obinna, "
                   "Oluwasegun, Musa, Ibrahim, Oluwaseyi, Chukwuemeka"),
                _w("Okafor, Adeyemi, Okonkwo, Nwosu, Eze, Ogunleye, Adebayo, Balogun, Obi, Okeke, Chukwu, "
                   "Abubakar, Bello, Oyelaran, Nwachukwu, Ibrahim, Adewale, Olawale"), False, 0.9),
        _Origin("MA", _w("Fatima, Khadija, Aicha, Meryem, Salma, Nadia, Samira, Hanane, Imane, Zineb, Naima, "
                         "Latifa"),
                _w("Mohammed, Ahmed, Youssef, Hamza, Mehdi, Said, Rachid, Abdelkader, Karim, Omar, Hassan, "
                   "Abderrahim, Mustapha, Brahim"),
                _w("El Amrani, Benali, Alaoui, El Idrissi, Bennani, Tazi, Chraibi, El Fassi, Berrada, "
                   "Ouazzani, Bouzid, El Khatib, Haddad, Ziani, Boukhari, El Ouafi, Benjelloun"), False, 0.9),
        _Origin("SY", _w("Fatima, Maryam, Layla, Rania, Hiba, Nour, Yasmin, Reem, Amal, Lina, Dima, Rasha"),
                _w("Mohammad, Ahmad, Ali, Omar, Khaled, Mahmoud, Hussein, Abdulrahman, Yasser, Bashar, "
                   "Samer, Ammar, Mohammad Ali, Abdullah"),
                _w("Al-Hassan, Al-Ahmad, Al-Ali, Haddad, Khoury, Al-Masri, Hamwi, Al-Halabi, Shami, "
                   "Kassab, Najjar, Al-Khatib, Darwish, Sabbagh, Al-Homsi, Al-Hussein"), False, 1.2),
        _Origin("IN", _w("Priya, Anjali, Sunita, Pooja, Neha, Kavita, Deepika, Lakshmi, Divya, Gurpreet, "
                         "Harpreet, Manpreet, Simran, Jaspreet"),
                _w("Rahul, Amit, Rajesh, Sanjay, Vijay, Arjun, Suresh, Ravi, Manoj, Harpreet, Gurpreet, "
                   "Deepak, Jaspreet, Harjit, Kuldeep, Sukhwinder"),
                _w("Singh, Kumar, Sharma, Patel, Gupta, Reddy, Das, Yadav, Nair, Iyer, Mehta, Joshi, "
                   "Chauhan, Verma, Gill, Sandhu"), False, 1.5),
        _Origin("RO", _w("Maria, Elena, Ioana, Andreea, Alexandra, Mihaela, Ana-Maria, Cristina, Gabriela, "
                         "Florentina, Ramona, Denisa"),
                _w("Ion, Andrei, Alexandru, Mihai, Ștefan, Florin, Constantin, Gheorghe, Marius, Bogdan, "
                   "Ionuț, Vasile"),
                _w("Popescu, Ionescu, Popa, Pop, Radu, Dumitru, Stoica, Stan, Gheorghe, Matei, Ciobanu, "
                   "Rusu, Munteanu, Constantin, Lungu, Moldovan, Țurcanu, Dobre, Bălan"), False, 0.9),
        _Origin("BG", _w("Maria, Ivanka, Elena, Yordanka, Petya, Desislava, Gergana, Tsvetelina, Radka, "
                         "Nikolina, Galina, Stefka"),
                _w("Georgi, Ivan, Dimitar, Nikolay, Petar, Hristo, Stoyan, Todor, Atanas, Vasil, Krasimir, "
                   "Yordan"),
                _w("Ivanov, Georgiev, Dimitrov, Petrov, Nikolov, Hristov, Stoyanov, Todorov, Iliev, "
                   "Angelov, Atanasov, Kostov, Marinov, Popov, Yordanov"), False, 0.9),
        _Origin("PL", _w("Anna, Katarzyna, Małgorzata, Agnieszka, Joanna, Ewa, Magdalena, Aleksandra, "
                         "Zofia, Natalia, Wiktoria, Dorota"),
                _w("Piotr, Krzysztof, Andrzej, Tomasz, Paweł, Michał, Łukasz, Marcin, Jakub, Grzegorz, "
                   "Wojciech, Mateusz"),
                _w("Nowak, Kowalski, Wiśniewski, Wójcik, Kowalczyk, Kamiński, Lewandowski, Zieliński, "
                   "Szymański, Woźniak, Dąbrowski, Kozłowski, Jankowski, Mazur, Krawczyk"), False, 0.8),
        _Origin("HU", _w("Mária, Erzsébet, Katalin, Ilona, Éva, Anna, Zsuzsanna, Margit, Judit, Ágnes, "
                         "Andrea, Zsófia"),
                _w("László, István, József, János, Zoltán, Sándor, Gábor, Ferenc, Attila, Péter, Tamás, "
                   "Zsolt"),
                _w("Nagy, Kovács, Tóth, Szabó, Horváth, Varga, Kiss, Molnár, Németh, Farkas, Balogh, Papp, "
                   "Takács, Juhász, Lakatos"), True, 0.9),
        _Origin("UA", _w("Olena, Oksana, Iryna, Nataliia, Tetiana, Yuliia, Kateryna, Anastasiia, Svitlana, "
                         "Viktoriia, Mariia, Halyna"),
                _w("Oleksandr, Andrii, Serhii, Dmytro, Volodymyr, Mykola, Oleksii, Yurii, Ivan, Vasyl, "
                   "Taras, Bohdan"),
                _w("Shevchenko, Kovalenko, Bondarenko, Tkachenko, Kravchenko, Melnyk, Boiko, Koval, "
                   "Oliinyk, Shevchuk, Polishchuk, Lysenko, Moroz, Marchenko, Petrenko"), False, 0.9),
        _Origin("BR", _w("Maria, Ana, Francisca, Antônia, Adriana, Juliana, Márcia, Fernanda, Patrícia, "
                         "Aline, Larissa, Camila"),
                _w("José, João, Antônio, Francisco, Carlos, Paulo, Pedro, Lucas, Luiz, Marcos, Gabriel, "
                   "Rafael"),
                _w("Silva, Santos, Oliveira, Souza, Rodrigues, Ferreira, Alves, Pereira, Lima, Gomes, "
                   "Costa, Ribeiro, Martins, Carvalho, Almeida"), False, 1.0),
        _Origin("NL", _w("Anna, Emma, Sanne, Lotte, Femke, Eva, Lisa, Fleur, Iris, Marloes, Anouk, Johanna, "
                         "Wilhelmina, Elisabeth"),
                _w("Jan, Pieter, Daan, Sem, Thijs, Joris, Bram, Willem, Hendrik, Jeroen, Kees, Johannes, "
                   "Cornelis, Lucas"),
                _w("de Jong, Jansen, de Vries, van den Berg, van Dijk, Bakker, Janssen, Visser, Smit, "
                   "Meijer, de Boer, Mulder, de Groot, Bos, Vos, Peters, Hendriks, van Leeuwen"), False, 0.8),
    )
}  # fmt: skip

#: Share of persons per origin (of the signals a referral mechanism sees).
_ORIGIN_WEIGHTS = {
    "VN": 9, "CN": 7, "ER": 8, "NG": 10, "MA": 7, "SY": 7, "IN": 7, "RO": 9, "BG": 7, "PL": 7,
    "HU": 5, "UA": 7, "BR": 5, "NL": 5,
}  # fmt: skip

# Spelling variants across transliteration systems and registrations.
_TRANSLIT: dict[str, tuple[str, ...]] = {
    "Mohammed": ("Mohamed", "Muhammad", "Mohamad", "Mouhamed"),
    "Mohammad": ("Muhammad", "Mohammed", "Mohamed", "Mohamad"),
    "Ahmad": ("Ahmed",), "Ahmed": ("Ahmad", "Achmed"), "Youssef": ("Yousef", "Yusuf", "Youssouf"),
    "Hussein": ("Husein", "Hussain", "Husain"), "Khaled": ("Khalid",), "Mahmoud": ("Mahmud",),
    "Yasser": ("Yaser", "Yasir"), "Abdulrahman": ("Abd al-Rahman", "Abdelrahman", "Abdul Rahman"),
    "Abdelkader": ("Abd el-Kader", "Abdul Kader", "Abdelkadir"), "Abderrahim": ("Abdel Rahim", "Abdurrahim"),
    "Aicha": ("Aisha", "Aïcha", "Aysha"), "Meryem": ("Maryam", "Mariam"), "Rachid": ("Rashid",),
    "Said": ("Saïd", "Saeed"), "Layla": ("Leila", "Laila"), "Nour": ("Noor", "Nur"),
    "Mustapha": ("Mustafa", "Moustafa"), "Brahim": ("Ibrahim",), "Abdullah": ("Abdallah", "Abdulla"),
    "El Amrani": ("Amrani", "Elamrani", "Al-Amrani"), "El Idrissi": ("Idrissi", "Al-Idrissi"),
    "El Khatib": ("Al-Khatib", "Khatib"), "El Fassi": ("Al-Fassi", "Fassi"), "El Ouafi": ("Elouafi",),
    "Al-Hassan": ("Alhassan", "El Hassan", "Al Hasan"), "Al-Ahmad": ("Al Ahmed", "Alahmad"),
    "Al-Ali": ("El Ali", "Alali"), "Al-Masri": ("El Masri", "Almasri"), "Al-Halabi": ("Al Halaby", "Halabi"),
    "Al-Hussein": ("Al-Husain", "Alhussein"), "Khoury": ("Khouri", "Khuri"), "Al-Homsi": ("El Homsi",),
    "Oleksandr": ("Aleksandr", "Olexandr", "Alexander", "Олександр"), "Andrii": ("Andriy", "Andrey", "Андрій"),
    "Serhii": ("Serhiy", "Sergey", "Sergiy"), "Dmytro": ("Dmitry", "Dmitri", "Дмитро"),
    "Volodymyr": ("Vladimir", "Wolodymyr"), "Mykola": ("Nikolai", "Mikola"), "Oleksii": ("Oleksiy", "Alexei"),
    "Yurii": ("Yuriy", "Yuri", "Jurij"), "Vasyl": ("Vasil", "Vasiliy"), "Bohdan": ("Bogdan",),
    "Tetiana": ("Tetyana", "Tatiana"), "Nataliia": ("Natalia", "Nataliya"), "Yuliia": ("Yulia", "Iuliia"),
    "Iryna": ("Irina",), "Halyna": ("Galina", "Halina"), "Anastasiia": ("Anastasia", "Anastasiya"),
    "Viktoriia": ("Viktoria", "Victoria"), "Mariia": ("Maria", "Mariya"), "Kateryna": ("Katerina", "Ekaterina"),
    "Shevchenko": ("Ševčenko", "Шевченко", "Schewtschenko"), "Kovalenko": ("Kowalenko", "Коваленко"),
    "Boiko": ("Boyko",), "Oliinyk": ("Oleynik", "Oliynyk"), "Melnyk": ("Melnik", "Мельник"),
    "Tkachenko": ("Tkatschenko",), "Kravchenko": ("Krawtschenko",), "Lysenko": ("Lisenko",),
    "Zhang": ("Chang",), "Zhou": ("Chou",), "Xu": ("Hsu",), "Zhao": ("Chao",), "Li": ("Lee",),
    "Wang": ("Wong",), "Chen": ("Chan",), "Huang": ("Hwang",), "Liu": ("Lau",), "Guo": ("Kuo",),
    "Xiaoming": ("Xiao Ming", "Xiao-Ming"), "Xiuying": ("Xiu Ying",), "Xiaoling": ("Xiao Ling",),
    "Zhiwei": ("Zhi Wei", "Chih-Wei"), "Jianguo": ("Jian Guo",), "Xiaohong": ("Xiao Hong",),
    "Yohannes": ("Yohanes", "Johannes", "Yohanns"), "Tesfay": ("Tesfaye", "Tesfai"),
    "Berhane": ("Berhe", "Birhane"), "Habte": ("Habtom",), "Tekle": ("Teklay", "Teklai"),
    "Ghirmay": ("Girmay", "Ghirmai"), "Abraham": ("Abrham", "Abraha"), "Haile": ("Hayle", "Haileh"),
    "Gebremedhin": ("Ghebremedhin", "Gebremedin"), "Tesfamariam": ("Tesfamaryam", "Tesfa Mariam"),
    "Woldu": ("Weldu", "Wolde"), "Kahsay": ("Kahsai",), "Mulugeta": ("Mulgeta",), "Senait": ("Senayt",),
    "Selam": ("Salam",), "Luwam": ("Lwam",), "Helen": ("Hellen", "Helina"), "Feven": ("Fiyori",),
    "Okonkwo": ("Okonkow",), "Ikechukwu": ("Ikechuckwu", "Ikechuku"), "Adeyemi": ("Adeyemmi",),
    "Oluwaseun": ("Oluwasheun", "Oluseun"), "Nwachukwu": ("Nwachuku",), "Chukwuemeka": ("Chukwuemeke",),
    "Ionescu": ("Ionesco",), "Gheorghe": ("Gheorge", "Georghe"), "Alexandru": ("Alexander",),
    "Szymański": ("Szymanski", "Shimanski"), "Michał": ("Michal", "Michael"), "Krzysztof": ("Krzystof",),
    "Wiśniewski": ("Wisniewski", "Visnevski"), "Woźniak": ("Wozniak", "Vozniak"), "Kowalski": ("Kovalski",),
    "Yordan": ("Jordan", "Iordan"), "Hristo": ("Christo", "Hristos"), "Georgi": ("Georgy", "Georgij"),
    "Nikolay": ("Nikolai", "Nicolai"), "Ivanov": ("Ivanow", "Иванов"), "Georgiev": ("Georgiew", "Георгиев"),
    "Yordanov": ("Jordanov", "Iordanov"), "Hristov": ("Christov",), "Tsvetelina": ("Cvetelina",),
    "Meijer": ("Meyer", "Meier"), "Janssen": ("Jansen", "Janszen"), "Hendriks": ("Hendrikx", "Hendricks"),
    "Souza": ("Sousa",), "Luiz": ("Luis",), "Gurpreet": ("Gurprit",), "Harpreet": ("Harprit",),
    "Sukhwinder": ("Sukhvinder",), "Kuldeep": ("Kuldip",), "Lakshmi": ("Laxmi",), "Iyer": ("Ayyar",),
}  # fmt: skip

_NICKNAMES: dict[str, tuple[str, ...]] = {
    "Johannes": ("Hans", "Jan", "Joop"), "Wilhelmina": ("Mien", "Willemijn"), "Cornelis": ("Kees", "Cor"),
    "Elisabeth": ("Lies", "Elske", "Bep"), "Hendrik": ("Henk",), "Willem": ("Wim",), "Pieter": ("Piet",),
    "Aleksandra": ("Ola",), "Katarzyna": ("Kasia",), "Małgorzata": ("Gosia",), "Krzysztof": ("Krzysiek",),
    "Wojciech": ("Wojtek",), "Grzegorz": ("Grzesiek",), "Oleksandr": ("Sasha", "Sashko"),
    "Volodymyr": ("Volodya",), "Mykola": ("Kolya",), "Dmytro": ("Dima",), "Kateryna": ("Katya",),
    "Anastasiia": ("Nastya",), "Tetiana": ("Tanya",), "Nataliia": ("Natasha",), "Oleksii": ("Lesha",),
    "José": ("Zé",), "Francisco": ("Chico",), "Antônio": ("Toninho",), "Francisca": ("Chica",),
    "Alexandru": ("Alex",), "Constantin": ("Costel", "Costi"), "Gheorghe": ("Gigi",), "Ionuț": ("Ionel",),
    "Erzsébet": ("Erzsi", "Zsóka"), "István": ("Pista",), "József": ("Jóska",), "Katalin": ("Kati",),
    "Georgi": ("Gosho",), "Dimitar": ("Mitko",), "Hristo": ("Ico",), "Yordanka": ("Dana",),
    "Oluwaseun": ("Seun",), "Oluwaseyi": ("Seyi",), "Babatunde": ("Tunde",), "Oluwasegun": ("Segun",),
    "Oluwabunmi": ("Bunmi",), "Temitope": ("Tope",), "Chukwuemeka": ("Emeka",), "Uchenna": ("Uche",),
    "Mohammed": ("Mo", "Hamid"), "Mustapha": ("Moustie",), "Abdelkader": ("Kader",), "Abdullah": ("Abdo",),
    "Abdulrahman": ("Abed",), "Yohannes": ("John",), "Tesfamariam": ("Tesfa",), "Gebremedhin": ("Medhin",),
}  # fmt: skip

_BG_FEMININE = "a"


@dataclass
class _Person:
    pid: str
    origin: str
    sex: str
    given: str  # given name(s), as the person writes them
    family: tuple[str, ...]  # family-name parts (BR two; ER father's + grandfather's name)
    birth: dt.date
    kind: str = "single"


@dataclass(frozen=True)
class MulticulturalDataset:
    """Records with the true person, the variant type of each record and the person kinds."""

    name: str
    records: list[PersonRecord]
    entity_ids: list[str]
    variant_types: list[str]
    person_kinds: dict[str, str] = field(default_factory=dict)
    #: Pairs of hard-negative persons (twins, siblings, namesakes): (kind, person a, person b).
    hard_negatives: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def groups(self) -> None:  # same interface as LabelledDataset
        return None


def _zipf(rng: random.Random, items: tuple[str, ...], s: float) -> str:
    return rng.choices(items, weights=[1.0 / (r + 1) ** s for r in range(len(items))])[0]


def _birth(rng: random.Random) -> dt.date:
    year = int(min(2009, max(1962, rng.gauss(1995, 8))))
    return dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(365))


def _strip(text: str) -> str:
    special = {"ł": "l", "Ł": "L", "đ": "d", "Đ": "D"}
    text = "".join(special.get(ch, ch) for ch in text)
    return "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))


def _typo(rng: random.Random, name: str) -> str:
    pos = [i for i, ch in enumerate(name) if ch.isalpha()]
    if len(pos) < 4:
        return name
    i = rng.choice(pos[1:])
    chars = list(name)
    op = rng.random()
    if op < 0.3 and i + 1 < len(chars) and chars[i + 1].isalpha():
        chars[i], chars[i + 1] = chars[i + 1], chars[i]
    elif op < 0.55:
        del chars[i]
    elif op < 0.8:
        chars[i] = rng.choice("aeiou" if chars[i].lower() in "aeiou" else "bdgklmnprst")
    else:
        chars.insert(i, chars[i])
    return "".join(chars)


def _new_person(rng: random.Random, pid: str, origin: str | None = None, sex: str | None = None) -> _Person:
    code = origin or rng.choices(list(_ORIGIN_WEIGHTS), weights=list(_ORIGIN_WEIGHTS.values()))[0]
    o = ORIGINS[code]
    sex = sex or ("F" if rng.random() < 0.6 else "M")
    given = _zipf(rng, o.female if sex == "F" else o.male, 0.7)
    family: tuple[str, ...]
    if code == "ER":  # father's name, grandfather's name (given names of men)
        father = _zipf(rng, o.male, 0.5)
        family = (father, _zipf(rng, o.male, 0.5))
    elif code == "BR":
        family = (_zipf(rng, o.family, o.zipf), _zipf(rng, o.family, o.zipf))
    elif code == "IN" and rng.random() < 0.6 and given in _w("Gurpreet, Harpreet, Manpreet, Simran, Jaspreet, "
                                                           "Harjit, Kuldeep, Sukhwinder"):
        family = ("Kaur" if sex == "F" else "Singh",)
    else:
        family = (_zipf(rng, o.family, o.zipf),)
        if code == "BG" and sex == "F":
            family = (family[0] + _BG_FEMININE,)
    return _Person(pid, code, sex, given, family, _birth(rng))


def _written_date(rng: random.Random, d: dt.date, variant: str) -> str:
    day, month, year = d.day, d.month, d.year
    if variant == "date_missing":
        return ""
    if variant == "date_year_only":
        return str(year)
    if variant == "date_default":
        day, month = (1, 1) if rng.random() < 0.75 else (1, 7)
    elif variant == "date_swap":
        if day <= 12 and day != month:
            day, month = month, day
        else:
            year += rng.choice((-1, 1))  # not swappable: fall back to an off-by-one year
    elif variant == "date_off_by_one":
        year += rng.choice((-1, 1))
    style = rng.random()
    if style < 0.5:
        return f"{year:04d}-{month:02d}-{day:02d}"
    if style < 0.85:
        return f"{day:02d}-{month:02d}-{year:04d}"
    return f"{day}/{month}/{year}"


def _variant_of(rng: random.Random, name: str, table: dict[str, tuple[str, ...]]) -> str | None:
    if name in table:
        return rng.choice(table[name])
    parts = name.split(" ")
    hits = [k for k, part in enumerate(parts) if part in table]
    if not hits:
        return None
    k = rng.choice(hits)
    parts[k] = rng.choice(table[parts[k]])
    return " ".join(parts)


def _signal(rng: random.Random, p: _Person, variant: str) -> tuple[str, str, str, str, str, str]:
    """(first, last, birth, sex, nationality, actual variant) of one signal of ``p``."""
    o = ORIGINS[p.origin]
    given, family = p.given, list(p.family)
    order_swapped = False
    if variant == "transliteration":
        options = [k for k, x in enumerate([given, *family]) if _variant_of(rng, x, _TRANSLIT)]
        if not options:
            variant = "diacritics" if _strip(given + "".join(family)) != given + "".join(family) else "typo"
        else:
            k = rng.choice(options)
            if k == 0:
                given = _variant_of(rng, given, _TRANSLIT) or given
            else:
                family[k - 1] = _variant_of(rng, family[k - 1], _TRANSLIT) or family[k - 1]
    if variant == "nickname":
        nick = _variant_of(rng, given, _NICKNAMES)
        if nick is None:
            variant = "typo"
        else:
            given = nick
    if variant == "patronymic":
        if p.origin == "ER":  # father's name, or grandfather's name in the family-name field
            family = [family[1]] if rng.random() < 0.5 else [" ".join(family)]
        elif p.origin in ("SY", "MA") and rng.random() < 0.7:
            variant = "family_token_dropped"
        else:
            variant = "name_order"
    if variant == "family_token_dropped":
        if len(family) > 1:
            family = [family[0]] if rng.random() < 0.5 else [family[-1]]
        elif " " in given:  # second given name or Vietnamese middle name dropped
            given = given.split(" ")[-1] if rng.random() < 0.6 else given.split(" ")[0]
        elif " " in family[0] or "-" in family[0]:
            family = [family[0].replace("-", " ").split(" ")[-1]]
        else:
            variant = "typo"
    if variant == "typo":
        if rng.random() < 0.5:
            given = _typo(rng, given)
        else:
            family[-1] = _typo(rng, family[-1])
    if variant == "diacritics":
        given, family = _strip(given), [_strip(f) for f in family]
        if rng.random() < 0.4:
            given, family = given.upper(), [f.upper() for f in family]
    last = " ".join(family) if p.origin != "ER" else family[0]
    if p.origin == "ER" and variant != "patronymic" and rng.random() < 0.3:
        last = " ".join(family)  # some registrations keep both names
    first = given
    if variant == "name_order" or (o.family_first and rng.random() < 0.15):
        first, last = last, first
        order_swapped = True
    if not order_swapped and variant not in ("diacritics",) and rng.random() < 0.25:
        first, last = _strip(first), _strip(last)  # most registrations lose diacritics anyway
    birth = _written_date(rng, p.birth, variant)
    sex = "" if rng.random() < 0.15 else p.sex
    nat = "" if rng.random() < 0.1 else rng.choice((p.origin, p.origin.lower(), _NAT_NAMES.get(p.origin, p.origin)))
    return first, last, birth, sex, nat, variant


_NAT_NAMES = {
    "VN": "Vietnam", "CN": "China", "ER": "Eritrea", "NG": "Nigeria", "MA": "Marokko", "SY": "Syrië",
    "IN": "India", "RO": "Roemenië", "BG": "Bulgarije", "PL": "Polen", "HU": "Hongarije", "UA": "Oekraïne",
    "BR": "Brazilië", "NL": "Nederland",
}  # fmt: skip

_VARIANT_WEIGHTS = {
    "copy": 14, "transliteration": 12, "diacritics": 8, "typo": 10, "name_order": 8,
    "family_token_dropped": 6, "nickname": 5, "patronymic": 5, "date_default": 7, "date_swap": 4,
    "date_year_only": 7, "date_off_by_one": 5, "date_missing": 5,
}  # fmt: skip


def generate_multicultural(
    n_persons: int = 12_000, *, seed: int = 1, twins: float = 0.03, siblings: float = 0.05, namesakes: float = 0.04
) -> MulticulturalDataset:
    """About 1.7 signals per person (12,000 persons give about 20,000 signals)."""
    if n_persons < 2:
        raise ValueError("n_persons must be at least 2")
    rng = random.Random(seed)
    persons: list[_Person] = []
    hard: list[tuple[str, str, str]] = []
    while len(persons) < n_persons:
        pid = f"P{len(persons):06d}"
        r = rng.random()
        if persons and r < twins + siblings + namesakes and len(persons) + 1 < n_persons:
            base = _new_person(rng, pid)
            persons.append(base)
            pid2 = f"P{len(persons):06d}"
            other = _new_person(rng, pid2, base.origin)
            if r < twins:
                kind, birth, family = "twin", base.birth, base.family
            elif r < twins + siblings:
                kind, family = "sibling", base.family
                birth = base.birth + dt.timedelta(days=rng.choice((-1, 1)) * rng.randint(330, 3000))
            else:
                kind, family = "namesake", base.family
                birth = dt.date(base.birth.year, 1, 1) + dt.timedelta(days=rng.randrange(365))
                other.sex, other.given = base.sex, base.given
            if kind != "namesake":
                while other.given == base.given:
                    other = _new_person(rng, pid2, base.origin)
            if base.origin == "BG" and kind != "namesake":
                stem = base.family[0][:-1] if base.sex == "F" else base.family[0]
                family = (stem + (_BG_FEMININE if other.sex == "F" else ""),)
            persons.append(_Person(pid2, base.origin, other.sex, other.given, family, birth, kind))
            base.kind = kind
            hard.append((kind, base.pid, pid2))
        else:
            persons.append(_new_person(rng, pid))
    rows: list[tuple[str, tuple[str, str, str, str, str, str]]] = []
    names, weights = list(_VARIANT_WEIGHTS), list(_VARIANT_WEIGHTS.values())
    for p in persons:
        first_variant = "original"
        first = (p.given, " ".join(p.family), p.birth.isoformat(), p.sex, p.origin, first_variant)
        if ORIGINS[p.origin].family_first and rng.random() < 0.3:
            first = (" ".join(p.family), p.given, *first[2:])
        rows.append((p.pid, first))
        extra = rng.choices((0, 1, 2, 3, 5), weights=(52, 28, 12, 6, 2))[0]
        for _ in range(extra):
            rows.append((p.pid, _signal(rng, p, rng.choices(names, weights=weights)[0])))
    rng.shuffle(rows)
    records, entity_ids, variants = [], [], []
    for k, (pid, (first_name, last_name, written, sex, nat, variant)) in enumerate(rows):
        records.append(
            PersonRecord(
                f"R{k:06d}", first_name or None, last_name or None, written or None, sex or None, nat or None
            )
        )
        entity_ids.append(pid)
        variants.append(variant)
    return MulticulturalDataset(
        f"multicultural-{n_persons}-{seed}",
        records,
        entity_ids,
        variants,
        {p.pid: p.kind for p in persons},
        hard,
    )
