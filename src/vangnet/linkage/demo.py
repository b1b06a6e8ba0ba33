"""A labelled synthetic generator of person records with realistic spelling variants.

Persons are drawn from the nationalities of the Vangnet demo data (Dutch, Romanian,
Polish, Nigerian, Moroccan, Ukrainian, Chinese, Vietnamese, Brazilian, Bulgarian,
Hungarian, Eritrean, Syrian, Indian) with Zipf-like name popularity, so common names
recur among different people.  Each person gets zero to three further signals, written
the way different organisations write them: transliteration variants
(Oleksandr/Aleksandr/Olexandr, Mohammed/Muhammad), lost or added diacritics, typos
(Olumide/Olumedi), particles (``van der Berg``/``Berg``, ``El Amrani``/``Amrani``),
reordered names (family name first), joined or split given names (Xiao Ming/Xiaoming),
Cyrillic script, partial or slightly wrong birth dates, missing gender, and
nationality as code or Dutch/English name.  Siblings and twins (same surname, close
or equal birth dates) provide hard negatives.

All names are common given names and surnames; no real person is described.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from vangnet.linkage.countries import COUNTRIES, EXTRA_NAMES
from vangnet.linkage.encoding import PersonRecord

__all__ = ["NATIONALITIES", "LabelledDataset", "generate_demo"]


def _names(text: str) -> tuple[str, ...]:
    return tuple(n.strip() for n in text.split(",") if n.strip())


# nationality: (female given names, male given names, surnames, family-name-first?)
_NAME_DATA: dict[str, tuple[str, str, str, bool]] = {
    "NL": (
        "Anna, Emma, Sanne, Lotte, Femke, Eva, Lisa, Fleur, Iris, Marloes, Anouk, Johanna",
        "Jan, Pieter, Daan, Sem, Thijs, Joris, Bram, Willem, Hendrik, Jeroen, Kees, Lucas",
        "de Jong, Jansen, de Vries, van den Berg, van Dijk, Bakker, Janssen, Visser, Smit, Meijer, "
        "de Boer, Mulder, de Groot, Bos, Vos, Peters, Hendriks, van Leeuwen, Dekker, van der Meer",
        False,
    ),
    "RO": (
        "Maria, Elena, Ioana, Andreea, Alexandra, Mihaela, Ana-Maria, Cristina, Gabriela, Florentina, "
        "Ramona, Denisa",
        "Ion, Andrei, Alexandru, Mihai, Ștefan, Florin, Constantin, Gheorghe, Marius, Bogdan, Ionuț, Vasile",
        "Popescu, Ionescu, Popa, Pop, Radu, Dumitru, Stoica, Stan, Gheorghe, Matei, Ciobanu, Rusu, "
        "Munteanu, Constantin, Lungu, Moldovan, Țurcanu, Dobre, Bălan",
        False,
    ),
    "PL": (
        "Anna, Katarzyna, Małgorzata, Agnieszka, Joanna, Ewa, Magdalena, Aleksandra, Zofia, Natalia, "
        "Wiktoria, Dorota",
        "Piotr, Krzysztof, Andrzej, Tomasz, Paweł, Michał, Łukasz, "
        "Marcin, Jakub, Grzegorz, Wojciech, Mateusz",
        "Nowak, Kowalski, Wiśniewski, Wójcik, Kowalczyk, Kamiński, Lewandowski, Zieliński, Szymański, "
        "Woźniak, Dąbrowski, Kozłowski, Jankowski, Mazur, Krawczyk",
        False,
    ),
    "NG": (
        "Chioma, Ngozi, Blessing, Adaeze, Funmilayo, Aisha, "
        "Oluwaseun, Chiamaka, Folake, Precious, Joy, Amaka",
        "Olumide, Chinedu, Emeka, Oluwaseun, Ikechukwu, Tunde, Babajide, Uche, Obinna, Segun, Musa, Ibrahim",
        "Okafor, Adeyemi, Okonkwo, Nwosu, Eze, Ogunleye, Adebayo, Balogun, Obi, Okeke, Chukwu, Abubakar, "
        "Bello, Oyelaran, Nwachukwu",
        False,
    ),
    "MA": (
        "Fatima, Khadija, Aicha, Meryem, Salma, Nadia, Samira, Hanane, Imane, Zineb, Naima, Latifa",
        "Mohammed, Ahmed, Youssef, Hamza, Mehdi, Said, Rachid, Abdelkader, Karim, Omar, Hassan, Abderrahim",
        "El Amrani, Benali, Alaoui, El Idrissi, Bennani, Tazi, Chraibi, El Fassi, Berrada, Ouazzani, "
        "Bouzid, El Khatib, Haddad, Ziani, Boukhari",
        False,
    ),
    "UA": (
        "Olena, Oksana, Iryna, Nataliia, Tetiana, Yuliia, Kateryna, Anastasiia, Svitlana, Viktoriia, "
        "Mariia, Halyna",
        "Oleksandr, Andrii, Serhii, Dmytro, Volodymyr, Mykola, Oleksii, Yurii, Ivan, Vasyl, Taras, Bohdan",
        "Shevchenko, Kovalenko, Bondarenko, Tkachenko, Kravchenko, Melnyk, Boiko, Koval, Oliinyk, "
        "Shevchuk, Polishchuk, Lysenko, Moroz, Marchenko, Petrenko",
        False,
    ),
    "CN": (
        "Fang, Xiuying, Na, Min, Jing, Li, Yan, Hui, Xiaoling, Mei, Ying, Lan",
        "Wei, Lei, Jun, Yong, Jie, Tao, Ming, Qiang, Hao, Xiaoming, Jian, Bo",
        "Wang, Li, Zhang, Liu, Chen, Yang, Huang, Zhao, Wu, Zhou, Xu, Sun, Ma, Zhu, Hu",
        True,
    ),
    "VN": (
        "Thị Lan, Thị Hương, Thị Mai, Thùy Linh, Thu Trang, Ngọc Anh, Thu Hà, Thị Hoa, Phương Thảo, "
        "Thị Phương, Thị Hạnh, Thị Nga",
        "Văn Minh, Văn Hùng, Anh Tuấn, Tiến Dũng, Hoài Nam, Văn Quang, Minh Đức, Thành Long, Văn Hải, "
        "Quốc Thắng, Văn Sơn, Thanh Phong",
        "Nguyễn, Trần, Lê, Phạm, Hoàng, Huỳnh, Phan, Vũ, Võ, Đặng, Bùi, Đỗ, Hồ, Ngô, Dương",
        True,
    ),
    "BR": (
        "Maria, Ana, Francisca, Antônia, Adriana, Juliana, Márcia, "
        "Fernanda, Patrícia, Aline, Larissa, Camila",
        "José, João, Antônio, Francisco, Carlos, Paulo, Pedro, Lucas, Luiz, Marcos, Gabriel, Rafael",
        "da Silva, dos Santos, Oliveira, Souza, Rodrigues, Ferreira, Alves, Pereira, Lima, Gomes, Costa, "
        "Ribeiro, Martins, Carvalho, de Almeida",
        False,
    ),
    "BG": (
        "Maria, Ivanka, Elena, Yordanka, Petya, Desislava, Gergana, "
        "Tsvetelina, Radka, Nikolina, Galina, Stefka",
        "Georgi, Ivan, Dimitar, Nikolay, Petar, Hristo, Stoyan, Todor, Atanas, Vasil, Krasimir, Yordan",
        "Ivanov, Georgiev, Dimitrov, Petrov, Nikolov, Hristov, Stoyanov, Todorov, Iliev, Angelov, "
        "Atanasov, Kostov, Marinov, Popov, Yordanov",
        False,
    ),
    "HU": (
        "Mária, Erzsébet, Katalin, Ilona, Éva, Anna, Zsuzsanna, Margit, Judit, Ágnes, Andrea, Zsófia",
        "László, István, József, János, Zoltán, Sándor, Gábor, Ferenc, Attila, Péter, Tamás, Zsolt",
        "Nagy, Kovács, Tóth, Szabó, Horváth, Varga, Kiss, Molnár, Németh, Farkas, Balogh, Papp, Takács, "
        "Juhász, Lakatos",
        True,
    ),
    "ER": (
        "Senait, Helen, Yohana, Semhar, Luwam, Selam, Hiwet, Mebrat, Saba, Tsega, Freweini, Rahwa",
        "Yohannes, Tesfay, Berhane, Mehari, Dawit, Tekle, Habte, Kidane, Amanuel, Filmon, Samuel, Goitom",
        "Tesfamariam, Haile, Gebremedhin, Tekle, Berhe, Kahsay, Gebreyesus, Weldemichael, Ghebremariam, "
        "Abraha, Mengis, Ghebreab, Tesfay, Asfaha, Woldu",
        False,
    ),
    "SY": (
        "Fatima, Maryam, Layla, Rania, Hiba, Nour, Yasmin, Reem, Amal, Lina, Dima, Rasha",
        "Mohammad, Ahmad, Ali, Omar, Khaled, Mahmoud, Hussein, Abdulrahman, Yasser, Bashar, Samer, Ammar",
        "Al-Hassan, Al-Ahmad, Al-Ali, Haddad, Khoury, Al-Masri, Hamwi, Al-Halabi, Shami, Kassab, Najjar, "
        "Al-Khatib, Darwish, Sabbagh, Al-Homsi",
        False,
    ),
    "IN": (
        "Priya, Anjali, Sunita, Pooja, Neha, Kavita, Deepika, Lakshmi, Divya, Meena, Gurpreet, Harpreet",
        "Rahul, Amit, Rajesh, Sanjay, Vijay, Arjun, Suresh, Ravi, Manoj, Harpreet, Gurpreet, Deepak",
        "Sharma, Singh, Kumar, Patel, Gupta, Reddy, Kaur, Das, "
        "Yadav, Nair, Iyer, Mehta, Joshi, Chauhan, Verma",
        False,
    ),
}

#: The nationalities the generator draws from (ISO alpha-2).
NATIONALITIES: tuple[str, ...] = tuple(_NAME_DATA)

# Canonical spelling -> alternative spellings seen in records (transliteration, regional,
# Cyrillic script).  Lookup is by canonical spelling.
_VARIANTS: dict[str, tuple[str, ...]] = {
    # Dutch
    "Meijer": ("Meyer", "Meier"), "Janssen": ("Jansen", "Janszen"), "Hendriks": ("Hendrikx", "Hendricks"),
    "Pieter": ("Peter",), "Kees": ("Cees",), "van Dijk": ("van Dyk", "v. Dijk"),
    "van den Berg": ("van der Berg", "v.d. Berg", "Van Den Berg", "Berg"), "de Vries": ("de Vriese", "Vries"),
    "van der Meer": ("vd Meer", "Van der Meer", "Meer"), "de Jong": ("de Jongh", "Jong"),
    # Romanian
    "Ionescu": ("Ionesco",), "Ștefan": ("Ştefan", "Stefan"), "Gheorghe": ("Gheorge", "Georghe"),
    "Alexandru": ("Alexander",), "Ionuț": ("Ionut", "Ionutz"), "Țurcanu": ("Ţurcanu", "Turcanu"),
    "Andreea": ("Andrea",), "Bălan": ("Balan",),
    # Polish
    "Szymański": ("Szymanski", "Shimanski"), "Michał": ("Michal", "Michael"), "Katarzyna": ("Katarzina",),
    "Kowalski": ("Kovalski",), "Wojciech": ("Wojcech",), "Krzysztof": ("Kshishtof", "Krzystof"),
    "Wiśniewski": ("Wisniewski", "Visnevski"), "Woźniak": ("Wozniak", "Vozniak"),
    # Nigerian
    "Olumide": ("Olumidé", "Olumedi"), "Oluwaseun": ("Oluwasheun", "Oluseun"), "Chinedu": ("Chinedum",),
    "Okonkwo": ("Okonkow",), "Ikechukwu": ("Ikechuckwu", "Ikechuku"), "Adeyemi": ("Adeyemmi", "Adeyimi"),
    "Funmilayo": ("Funmilola",), "Nwachukwu": ("Nwachuku",),
    # Moroccan / Syrian
    "Mohammed": ("Mohamed", "Muhammad", "Mohamad", "Mouhamed"),
    "Mohammad": ("Muhammad", "Mohammed", "Mohamed"), "Youssef": ("Yousef", "Yusuf", "Youssouf"),
    "Aicha": ("Aisha", "Aïcha"), "Meryem": ("Maryam", "Mariam"), "Rachid": ("Rashid",),
    "Said": ("Saïd", "Saeed"), "El Amrani": ("Amrani", "Elamrani"), "El Idrissi": ("Idrissi", "Al-Idrissi"),
    "Abdelkader": ("Abd el-Kader", "Abdul Kader"), "Khadija": ("Khadidja", "Khadeeja"),
    "Abderrahim": ("Abdel Rahim", "Abdurrahim"), "Ahmad": ("Ahmed",), "Ahmed": ("Ahmad", "Achmed"),
    "Khaled": ("Khalid",), "Mahmoud": ("Mahmud",), "Hussein": ("Husein", "Hussain"),
    "Abdulrahman": ("Abd al-Rahman", "Abdelrahman"), "Yasser": ("Yaser", "Yasir"),
    "Al-Hassan": ("Alhassan", "El Hassan", "Hassan"), "Khoury": ("Khouri", "Khuri"),
    "Layla": ("Leila", "Laila"), "Nour": ("Noor", "Nur"), "Yasmin": ("Yasmine", "Jasmin"),
    "Al-Masri": ("El Masri", "Masri"), "El Khatib": ("Al-Khatib", "Khatib"),
    # Ukrainian
    "Oleksandr": ("Aleksandr", "Olexandr", "Alexander", "Олександр"),
    "Andrii": ("Andriy", "Andrey", "Андрій"),
    "Serhii": ("Serhiy", "Sergey", "Sergei"), "Dmytro": ("Dmitry", "Dmitri", "Дмитро"),
    "Volodymyr": ("Vladimir", "Wolodymyr"), "Mykola": ("Nikolai", "Mikola"), "Oleksii": ("Oleksiy", "Alexei"),
    "Yurii": ("Yuriy", "Yuri", "Jurij"), "Tetiana": ("Tetyana", "Tatiana", "Tatyana"),
    "Nataliia": ("Natalia", "Natalya"), "Yuliia": ("Yulia", "Iuliia", "Julia"), "Iryna": ("Irina",),
    "Halyna": ("Galina",), "Shevchenko": ("Ševčenko", "Шевченко", "Schewtschenko"),
    "Kovalenko": ("Kowalenko", "Коваленко"), "Boiko": ("Boyko",), "Oliinyk": ("Oleynik", "Oliynyk"),
    "Melnyk": ("Melnik", "Мельник"), "Tkachenko": ("Tkatschenko",), "Kravchenko": ("Krawtschenko",),
    "Anastasiia": ("Anastasia", "Anastasiya"), "Viktoriia": ("Viktoria", "Victoria"),
    # Chinese (pinyin, Wade-Giles, joined/split given names)
    "Xiaoming": ("Xiao Ming", "Xiao-Ming"), "Xiuying": ("Xiu Ying", "Xiu-Ying"), "Xiaoling": ("Xiao Ling",),
    "Zhang": ("Chang",), "Zhou": ("Chou",), "Xu": ("Hsu",), "Zhao": ("Chao",), "Li": ("Lee",),
    "Wang": ("Wong",),
    # Vietnamese
    "Thị Lan": ("Thi Lan", "Lan"),
    "Thị Hương": ("Thi Huong", "Huong"), "Thùy Linh": ("Thuy Linh", "Thuylinh"),
    "Ngọc Anh": ("Ngoc Anh", "Ngocanh"), "Văn Minh": ("Van Minh", "Minh"), "Minh Đức": ("Minh Duc",),
    "Đặng": ("Dang",), "Nguyễn": ("Nguyen", "Ng."), "Huỳnh": ("Huynh",), "Trần": ("Tran",),
    # Brazilian
    "Souza": ("Sousa",), "Luiz": ("Luis", "Luís"), "Antônio": ("António", "Antonio"),
    "da Silva": ("Silva", "Da Silva"), "dos Santos": ("Santos", "Dos Santos"), "João": ("Joao",),
    # Bulgarian
    "Hristo": ("Christo", "Khristo", "Христо"), "Dimitar": ("Dimitur", "Dimitr"), "Nikolay": ("Nikolai",),
    "Yordan": ("Jordan", "Iordan"), "Tsvetelina": ("Cvetelina", "Tzvetelina"), "Georgi": ("Georgy", "Георги"),
    "Ivanov": ("Иванов", "Iwanow"), "Petar": ("Peter", "Petur"),
    # Hungarian
    "Kovács": ("Kovacs", "Kovach"), "Horváth": ("Horvath", "Horvat"), "Szabó": ("Szabo",),
    "József": ("Jozsef",), "Erzsébet": ("Erzsebet", "Erszebet"), "Zsuzsanna": ("Zsuzsana", "Zsuzsa"),
    # Eritrean
    "Gebremedhin": ("Ghebremedhin", "Gebremedin"), "Weldemichael": ("Woldemichael", "Wolde-Michael"),
    "Yohannes": ("Johannes", "Yohanes"), "Tesfay": ("Tesfai", "Tesfaye"), "Ghebremariam": ("Gebremariam",),
    "Senait": ("Senayt",), "Tesfamariam": ("Tesfa Mariam", "Tesfamaryam"), "Gebreyesus": ("Ghebreyesus",),
    # Indian
    "Lakshmi": ("Laxmi", "Lakshmy"), "Deepak": ("Dipak",), "Priya": ("Preeya",), "Pooja": ("Puja",),
}  # fmt: skip

# Roots and endings to synthesise further plausible surnames per nationality, so that
# namesakes are about as rare as in a real population.
_SURNAME_PARTS: dict[str, tuple[str, str]] = {
    "NL": (
        "Berg, Veld, Bos, Hof, Dijk, Meer, Beek, Brink, Kamp, Horst, Broek, Wijk, Hout, Laan, Graaf",
        "man, er, ink, stra, ema, hout, sma, ing, ens, huis",
    ),
    "RO": (
        "Pop, Ion, Radu, Dobr, Stoic, Mare, Negr, Vasil, Lung, Munt, Bratu, Cost, Drag, Gavril, Sandu",
        "escu, eanu, oiu, anu, ache, ilă, aru, ean",
    ),
    "PL": (
        "Kowal, Nowa, Lewand, Zielin, Wojc, Kamin, Dabrow, Jank, Majew, Olsz, Pawl, Sobc, Grab, Wrob, Krol",
        "ski, czyk, ak, ewicz, owski, ek, iński, ecki",
    ),
    "NG": (
        "Ade, Olu, Oke, Nwa, Chi, Ogun, Oba, Ife, Eme, Aku, Oye, Babat, Ola, Ike, Ezeo",
        "yemi, wale, koya, nna, bueze, tunde, kola, chukwu, dele, mide, nwa, femi",
    ),
    "MA": (
        "Ben, El, Bou, Ait, Al",
        "ali, amrani, jelloun, kiran, slimani, hamdi, mansouri, naciri, tahiri, "
        "sabri, ouardi, fassi, hilali, rifi",
    ),
    "UA": (
        "Shevch, Koval, Bondar, Tkach, Kravch, Moroz, Lys, Petr, "
        "Savch, Rudn, Melnych, Hnat, Levch, Marty, Pavl",
        "enko, uk, yshyn, iak, ets, ovych, chuk, nyk",
    ),
    "CN": ("Gao, Lin, He, Guo, Luo, Liang, Song, Zheng, Xie, Han, Tang, Feng, Yu, Dong, Xiao", ""),
    "VN": ("Lý, Trương, Lâm, Mai, Tô, Đinh, Lưu, Quách, Tạ, Đoàn, Chu, Kiều, Cao, Trịnh, Lương", ""),
    "BR": (
        "Barbos, Rocha, Dias, Nascim, Andrad, Moreir, Nunes, Marques, "
        "Mendes, Freit, Cardos, Teix, Viei, Mont, Cavalc",
        "a, o, ento, e, eira, anti",
    ),
    "BG": (
        "Kolev, Ivanch, Stefan, Mihayl, Yank, Dragan, Vasilev, Zhel, "
        "Rusev, Bozh, Tsvetk, Simeon, Lazar, Valch, Genchev",
        "ov, ev, ski",
    ),
    "HU": (
        "Szil, Bal, Fekete, Fehér, Simon, Rácz, Fodor, Szalai, Sipos, "
        "Magyar, Csonka, Gál, Bogdán, Vincze, Orsós",
        ", i, ágyi, os",
    ),
    "ER": (
        "Gebre, Wolde, Tesfa, Habte, Kidane, Haile, Berhane, Ghebre, Mehari, Tekle",
        "mariam, michael, yesus, selassie, giorgis, medhin, tsion, ab, egziabher",
    ),
    "SY": (
        "Al-, , Abu ",
        "Hamad, Shami, Halabi, Zein, Sayed, Rifai, Jaber, Attar, Hakim, Saleh, Nasser, Jamal, Hariri, Kurdi",
    ),
    "IN": (
        "Agar, Bhat, Chand, Desh, Kapo, Malho, Mish, Pand, Rao, Saxe, Shet, Tiw, Trive, Vaid, Naid",
        "wal, ra, ey, ari, pande, na, ty, u, di",
    ),
}


def _synth_surname(rng: random.Random, nationality: str) -> str:
    roots, ends = (tuple(x.strip() for x in part.split(",")) for part in _SURNAME_PARTS[nationality])
    root, end = rng.choice(roots), rng.choice(ends)
    if nationality == "SY":  # "Al-" / "" / "Abu " + name
        return (root + end) if root.endswith("-") or not root else f"{root.strip()} {end}"
    return root + end


# Bulgarian surnames take -a for women.
_FEMININE_SUFFIX = {"BG": "a"}


@dataclass(frozen=True, slots=True)
class LabelledDataset:
    """Records with the true person id of each (``entity_ids[k]`` belongs to ``records[k]``).

    ``groups`` (optional) assigns every record to a source dataset; evaluation then
    only counts pairs across sources (two-dataset linkage such as febrl4).
    """

    name: str
    records: list[PersonRecord]
    entity_ids: list[str]
    groups: list[str] | None = None


@dataclass(frozen=True, slots=True)
class _Person:
    pid: str
    nationality: str
    gender: str
    first: str
    last: str
    birth: dt.date


def _zipf_choice(rng: random.Random, items: tuple[str, ...], s: float = 0.9) -> str:
    weights = [1.0 / (r + 1) ** s for r in range(len(items))]
    return rng.choices(items, weights=weights)[0]


def _random_date(rng: random.Random) -> dt.date:
    year = int(min(2008, max(1960, rng.gauss(1995, 9))))
    return dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(365))


def _typo(rng: random.Random, name: str) -> str:
    letters = [i for i, ch in enumerate(name) if ch.isalpha()]
    if len(letters) < 4:
        return name
    i = rng.choice(letters[1:])
    op = rng.random()
    chars = list(name)
    if op < 0.3 and i + 1 < len(chars) and chars[i + 1].isalpha():  # transposition
        chars[i], chars[i + 1] = chars[i + 1], chars[i]
    elif op < 0.55:  # deletion
        del chars[i]
    elif op < 0.8:  # substitution by a neighbouring vowel/consonant
        chars[i] = rng.choice("aeiou" if chars[i].lower() in "aeiou" else "bdgklmnprst")
    else:  # doubling
        chars.insert(i, chars[i])
    return "".join(chars)


def _strip_accents(name: str) -> str:
    import unicodedata

    special = {"ł": "l", "Ł": "L", "đ": "d", "Đ": "D"}
    name = "".join(special.get(ch, ch) for ch in name)
    return "".join(ch for ch in unicodedata.normalize("NFKD", name) if not unicodedata.combining(ch))


def _variant(rng: random.Random, name: str, p: float) -> str:
    if rng.random() < p and name in _VARIANTS:
        return rng.choice(_VARIANTS[name])
    return name


def _write_date(rng: random.Random, d: dt.date) -> str:
    r = rng.random()
    if r < 0.06:
        return ""
    if r < 0.14:
        return str(d.year)
    if r < 0.20:
        return f"{d.month:02d}/{d.year}"
    day, month, year = d.day, d.month, d.year
    r = rng.random()
    if r < 0.04 and day <= 12:
        day, month = month, day
    elif r < 0.08:
        year += rng.choice((-1, 1))
    elif r < 0.11:
        day = min(28, max(1, day + rng.choice((-1, 1, 10, -10))))
    style = rng.random()
    if style < 0.5:
        return f"{year:04d}-{month:02d}-{day:02d}"
    if style < 0.85:
        return f"{day:02d}-{month:02d}-{year:04d}"
    return f"{day}/{month}/{year}"


def _write_nationality(rng: random.Random, code: str) -> str:
    r = rng.random()
    if r < 0.10:
        return ""
    a3, name = COUNTRIES[code]
    options = [code, code.lower(), a3, name, *EXTRA_NAMES.get(code, ())]
    return rng.choice(options)


def _write_gender(rng: random.Random, gender: str) -> str:
    r = rng.random()
    if r < 0.2:
        return ""
    forms = {"F": ("F", "V", "vrouw", "female", "Female"), "M": ("M", "man", "male", "Male", "M")}
    return rng.choice(forms[gender])


def _signal(rng: random.Random, p: _Person, original: bool) -> tuple[str, str, str, str, str]:
    """One record of a person, written with the errors of a (second) organisation."""
    first, last = p.first, p.last
    if original:
        return first, last, p.birth.isoformat(), p.gender, p.nationality
    first = _variant(rng, first, 0.45)
    last = _variant(rng, last, 0.45)
    if rng.random() < 0.3:
        first, last = _strip_accents(first), _strip_accents(last)
    if rng.random() < 0.2:
        first = _typo(rng, first)
    if rng.random() < 0.2:
        last = _typo(rng, last)
    if rng.random() < 0.12:
        first, last = first.upper(), last.upper()
    family_first = _NAME_DATA[p.nationality][3]
    if rng.random() < (0.35 if family_first else 0.07):
        first, last = last, first
    if " " in first and rng.random() < 0.15:
        first = first.split(" ")[-1]
    return (
        first,
        last,
        _write_date(rng, p.birth),
        _write_gender(rng, p.gender),
        _write_nationality(rng, p.nationality),
    )


def _new_person(rng: random.Random, pid: str, nationality: str | None = None) -> _Person:
    nat = nationality or rng.choice(NATIONALITIES)
    female, male, surnames, _ = _NAME_DATA[nat]
    gender = "F" if rng.random() < 0.7 else "M"
    first = _zipf_choice(rng, _names(female if gender == "F" else male), 0.6)
    last = _zipf_choice(rng, _names(surnames), 0.8) if rng.random() < 0.5 else _synth_surname(rng, nat)
    if gender == "F" and nat in _FEMININE_SUFFIX:
        last += _FEMININE_SUFFIX[nat]
    return _Person(pid, nat, gender, first, last, _random_date(rng))


def _relative(rng: random.Random, pid: str, p: _Person, twin: bool) -> _Person:
    other = _new_person(rng, pid, p.nationality)
    gap = 0 if twin else rng.choice((-1, 1)) * rng.randint(300, 2500)
    birth = p.birth + dt.timedelta(days=gap)
    last = p.last
    if p.nationality in _FEMININE_SUFFIX:
        base = last[:-1] if p.gender == "F" else last
        last = base + (_FEMININE_SUFFIX[p.nationality] if other.gender == "F" else "")
    first = other.first if other.first != p.first else _zipf_choice(rng, _names(_NAME_DATA[p.nationality][0]))
    return _Person(pid, p.nationality, other.gender, first, last, birth)


def generate_demo(n_persons: int = 2000, *, seed: int = 2024) -> LabelledDataset:
    """Generate a labelled dataset of signals for ``n_persons`` synthetic persons.

    About 55 % of persons get one or more further signals (so roughly 1.8 records per
    person on average); 6 % of persons are siblings or twins of another person.
    Deterministic for a given ``seed``.
    """
    if n_persons < 1:
        raise ValueError("n_persons must be positive")
    rng = random.Random(seed)
    persons: list[_Person] = []
    for k in range(n_persons):
        pid = f"P{k:06d}"
        if persons and rng.random() < 0.06:
            persons.append(_relative(rng, pid, rng.choice(persons), twin=rng.random() < 0.2))
        else:
            persons.append(_new_person(rng, pid))
    rows: list[tuple[str, tuple[str, str, str, str, str]]] = []
    for p in persons:
        rows.append((p.pid, _signal(rng, p, original=True)))
        extra = rng.choices((0, 1, 2, 3), weights=(45, 35, 15, 5))[0]
        for _ in range(extra):
            rows.append((p.pid, _signal(rng, p, original=False)))
    rng.shuffle(rows)
    records = []
    entity_ids = []
    for k, (pid, (first, last, birth, gender, nat)) in enumerate(rows):
        records.append(
            PersonRecord(
                record_id=f"S{k:06d}",
                first_name=first or None,
                last_name=last or None,
                birth_date=birth or None,
                gender=gender or None,
                nationality=nat or None,
            )
        )
        entity_ids.append(pid)
    return LabelledDataset(f"demo-{n_persons}-{seed}", records, entity_ids)
