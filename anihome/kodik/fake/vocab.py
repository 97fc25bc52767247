"""Word lists and reference tables the fake Kodik catalog draws from.

Written from the public facts in shared/kodik/API.md (team names, genre and quality names),
not copied from the captures. Tables are tuples: read-only data, no state.
"""

# The 12 values Kodik accepts in `types` (API.md §3.4); anything else is "Неправильный тип".
VALID_TYPES = (
    "foreign-movie", "soviet-cartoon", "foreign-cartoon", "russian-cartoon", "anime", "russian-movie",
    "cartoon-serial", "documentary-serial", "russian-serial", "foreign-serial", "anime-serial",
    "multi-part-film",
)
MOVIE_TYPES = frozenset(VALID_TYPES[:6])

# Types the generator uses, with weights: an anime-heavy catalog with some other material.
GENERATED_TYPES = (("anime-serial", 58), ("anime", 24), ("foreign-movie", 7), ("foreign-serial", 5),
                   ("cartoon-serial", 3), ("russian-cartoon", 2), ("soviet-cartoon", 1))

# (id, title, type, weight): dubbing and subtitle teams as they appear on Kodik.
TEAMS = (
    (609, "AniDUB", "voice", 30), (610, "AniLibria.TV", "voice", 18), (767, "SHIZA Project", "voice", 15),
    (910, "AniStar", "voice", 12), (923, "AnimeVost", "voice", 11), (1291, "Crunchyroll.Subtitles", "subtitles", 10),
    (869, "Субтитры", "subtitles", 9), (739, "Animedia", "voice", 7), (827, "Persona99", "voice", 5),
    (1978, "Dream Cast", "voice", 5), (963, "Amazing Dubbing", "voice", 5), (654, "AniFilm", "voice", 4),
    (2822, "AniBaza", "voice", 4), (643, "Studio Band", "voice", 4), (825, "AniMaunt", "voice", 3),
    (1863, "КОМНАТА ДИДИ", "voice", 3), (557, "JAM", "voice", 3), (2228, "Freedub Studio", "voice", 3),
    (761, "Onibaku", "voice", 3), (1284, "ПВА ШОУ", "voice", 2), (958, "AniRise", "voice", 2),
    (735, "2x2", "voice", 2), (674, "Люб. Одноголосый", "voice", 2), (2529, "Kazoku Project.Subtitles", "subtitles", 1),
    (1273, "Wakanim.Subtitles", "subtitles", 1), (704, "Дублированный", "voice", 1),
    (734, "Проф. многоголосый", "voice", 1), (2550, "ANI.OMNIA", "voice", 1), (3560, "#студияБУБНЯЖА", "voice", 1),
    (2023, "РуАниме / DEEP", "voice", 1), (1070, "MedusaSub.Subtitles", "subtitles", 1),
    (3084, "ТО Дубляжная", "voice", 1), (1709, "Ушастая озвучка", "voice", 1), (800, "Украинский", "voice", 1),
)

QUALITIES = (("WEB-DLRip 720p", 50), ("HDTVRip 720p", 18), ("BDRip 720p", 14), ("DVDRip", 8), ("WEB-DLRip", 3),
             ("TVRip", 2), ("BDRip 1080p", 1), ("SATRip", 1), ("HDRip", 1), ("TS 720p", 1), ("CAMRip", 1))

KP_GENRES = ("аниме", "боевик", "детектив", "драма", "комедия", "криминал", "мелодрама", "мультфильм",
             "приключения", "семейный", "спорт", "триллер", "ужасы", "фантастика", "фэнтези", "музыка",
             "военный", "история", "мюзикл", "короткометражка")
ANIME_GENRES = ("Экшен", "Приключения", "Комедия", "Драма", "Романтика", "Фэнтези", "Фантастика", "Сёнен",
                "Сёдзё", "Сэйнэн", "Школа", "Повседневность", "Сверхъестественное", "Меха", "Спорт",
                "Детектив", "Психологическое", "Ужасы", "Исэкай", "Музыка", "Исторический", "Боевые искусства",
                "Гурман", "Космос", "Самураи", "Триллер")
COUNTRIES = ("Япония", "Китай", "Корея Южная", "США", "Франция", "Россия", "СССР")
STUDIOS = ("MAPPA", "Madhouse", "Bones", "Kyoto Animation", "Production I.G", "Wit Studio", "ufotable",
           "Sunrise", "Toei Animation", "Pierrot", "A-1 Pictures", "CloverWorks", "J.C.Staff", "Shaft",
           "Trigger", "Doga Kobo", "Lerche", "Silver Link", "OLM", "TMS Entertainment", "Voil", "Shin-Ei Animation")
LICENSORS = ("Иви", "Wakanim", "Crunchyroll", "Reanimedia", "2x2", "Кинопоиск")
# (rating_mpaa, minimal_age)
RATINGS = (("G", 0), ("PG", 6), ("PG-13", 12), ("PG-13", 16), ("R", 16), ("R+", 18), ("Rx", 18))
ANIME_KINDS = {"anime-serial": ("tv", "tv", "tv", "tv", "ona", "ova", "tv_13", "tv_24"),
               "anime": ("movie", "movie", "movie", "ova", "special", "music")}
STATUSES = ("released", "ongoing", "anons")

# Name parts. Russian words include ё on purpose: search must fold ё to е.
RU_ADJ = ("Тёмный", "Звёздный", "Зелёный", "Весёлый", "Ледяной", "Последний", "Магический", "Небесный",
          "Стальной", "Забытый", "Огненный", "Тихий", "Лунный", "Алый", "Бессмертный", "Чёрный", "Золотой",
          "Дикий", "Святой", "Призрачный")
RU_NOUN = ("клинок", "путь", "легион", "дозор", "шёпот", "лёд", "ёкай", "алхимик", "рыцарь", "охотник",
           "город", "сад", "остров", "мечник", "самурай", "демон", "пилот", "маг", "орден", "берег")
RU_SUB = ("Начало", "Возвращение", "Финал", "Новая глава", "Тёмные времена", "Рассвет", "Приёмная дочь",
          "Последняя битва", "Школьные дни", "Путешествие")
ROMAJI = ("Kimetsu", "Shingeki", "Hoshi", "Yoru", "Tsuki", "Sora", "Kaze", "Yume", "Kokoro", "Hikari",
          "Kage", "Tenshi", "Akuma", "Kyojin", "Mahou", "Shoujo", "Sekai", "Ryuu", "Yuusha", "Maou")
ROMAJI_LINK = ("no", "to", "wa", "ni")
EN_WORDS = ("Blade", "Legion", "Frost", "Garden", "Demon", "Star", "Knight", "Hunter", "Shadow", "Moon",
            "Sky", "Dream", "Heart", "Light", "Dragon", "Hero", "World", "Alchemist", "Samurai", "Pilot")
JP_PARTS = ("夜", "星", "月", "空", "風", "夢", "心", "光", "影", "天使", "悪魔", "巨人", "魔法", "少女", "世界", "竜",
            "勇者", "魔王")
PERSON_FIRST = ("Юки", "Хироси", "Рёта", "Сумирэ", "Кэнта", "Аяка", "Дзюн", "Мао", "Такэси", "Рина", "Сёта",
                "Юи", "Кодзи", "Мэгуми", "Акира", "Нацуки", "Ёсукэ", "Тиэ")
PERSON_LAST = ("Кимура", "Судзуки", "Такахаси", "Ямада", "Фукуяма", "Хидака", "Морохоси", "Накамура", "Сато",
               "Ито", "Ватанабэ", "Кобаяси", "Мацумото", "Иноуэ", "Такэда", "Симидзу", "Ёсида", "Огава")
SENTENCES = ("Юный герой покидает родную деревню, чтобы найти пропавшего брата.",
             "Старая легенда оживает, когда над городом всходит алая луна.",
             "Школьница обнаруживает, что её сосед — ёкай, скрывающийся среди людей.",
             "Отряд охотников на демонов берётся за самое опасное задание.",
             "Вчерашний офисный работник просыпается в мире меча и магии.",
             "Дружба, соперничество и мечта о победе на национальном турнире.",
             "Загадочное убийство в тихом курортном городке меняет всё.",
             "Пилоты гигантских роботов защищают последний оплот человечества.")
TAGLINES = ("Legends never die.", "The power within... unleashed!", "Every hero has a beginning.",
            "Some secrets should stay buried.")
