"""Demo data: the scenario of the source articles, for trying KIM Admin (``flask kim demo``).

Two regencies of Jawa Tengah as the articles describe them:

* **Karanganyar (33.13)**: 33 KIM, about two per kecamatan over its 17 kecamatan, 24 active and
  9 inactive because their boards' terms ran out without renewal; its provincial short-film
  placings 2021-2024 and its own 3rd place among the regencies in 2024; Wonogiri's study visit
  (November 2024).
* **Wonosobo (33.07)**: 48 KIM, pilots (rintisan) since 2012 with their founding SKs; the FK Metra
  forum formed in 2018 with 16 arts groups; Surakarta's study visit (27 October 2023).

Around them, a year of activities of every kind, content, media channels, Monev visits and FK
Metra performances, plus demo users of every regency role. Everything else is synthetic, drawn
from a fixed seed so every machine gets the same data.

Loading is idempotent by natural keys: a KIM is its name in its desa, an activity its title in
its regency, a user their e-mail, an award its contest, year, rank and winner. A KIM that
already exists is taken as loaded with its history (decrees, boards, content, Monev), so a second
run, even on a later day when the relative dates would differ, adds nothing. :func:`load_demo`
only flushes; the caller commits, so the whole load is one transaction.
"""

from __future__ import annotations

import calendar
import random
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, joinedload

from .auth import permissions
from .auth.passwords import hash_password
from .models import (
    Activity,
    ActivityParticipant,
    Award,
    Board,
    BoardMember,
    ContentItem,
    Decree,
    District,
    FkMetraForum,
    FkMetraGroup,
    FkMetraPerformance,
    Kim,
    KimLevel,
    KimStatusChange,
    MediaChannel,
    MonevAssessment,
    MonevIndicator,
    MonevScore,
    Province,
    Regency,
    Role,
    User,
    Village,
)
from .personal_data import nik_errors, normalise_phone
from .regions_loader import load_regions

__all__ = ["DEMO_PASSWORD", "INACTIVE_REASON", "DemoLogin", "DemoResult", "load_demo"]

#: Shared password of every demo user: printed by ``flask kim demo`` and in the README, so it is
#: deliberately not a secret. Never load the demo into a database people use for real.
DEMO_PASSWORD = "demo-kim-jateng"  # noqa: S105 - published on purpose, see above
#: Why the nine inactive Karanganyar KIM are inactive (status reason and history entry).
INACTIVE_REASON = "kepengurusan tidak diregenerasi"
SEED = 3313

PROVINCE = "33"  # Jawa Tengah
KARANGANYAR = "33.13"
WONOSOBO = "33.07"
WONOGIRI = "33.12"
SURAKARTA = "33.72"
BOYOLALI = "33.09"
BANJARNEGARA = "33.04"

PROVINCIAL_FILM_CONTEST = "Lomba Film Pendek KIM Tingkat Provinsi Jawa Tengah"
PROVINCIAL_ORGANISER = "Diskominfo Provinsi Jawa Tengah"
REGENCY_RANKING = "Pemeringkatan KIM Kabupaten/Kota se-Jawa Tengah"

# ---------------------------------------------------------------------------------------------
# Facts from the source articles
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NamedKim:
    """A KIM the articles name, placed by kecamatan and (when known) desa name."""

    name: str
    district: str
    village: str | None  # None: any desa of the kecamatan
    founded_on: date


KARANGANYAR_NAMED = (
    NamedKim("KIM Manteb", "Karangpandan", "Karangpandan", date(2016, 3, 14)),
    NamedKim("KIM Saraswati", "Tasikmadu", None, date(2017, 8, 21)),
    NamedKim("KIM Bima", "Karanganyar", "Popongan", date(2018, 2, 5)),
    NamedKim("KIM Tunas Harapan", "Jaten", "Dagen", date(2019, 5, 20)),
)
# The one kecamatan with a single KIM (33 = 16 x 2 + 1): the small mountain kecamatan.
KARANGANYAR_SINGLE_KIM_DISTRICT = "Jenawi"


@dataclass(frozen=True)
class FilmAward:
    kim: str
    year: int
    rank: int
    rank_label: str
    work_title: str | None


# Provincial short-film placings of Karanganyar KIM, spread over 2021-2024.
KARANGANYAR_FILM_AWARDS = (
    FilmAward("KIM Manteb", 2021, 3, "Juara III", "Nular"),
    FilmAward("KIM Saraswati", 2021, 6, "Harapan III", "Bantuan"),
    FilmAward("KIM Manteb", 2022, 2, "Juara II", "Krasa"),
    FilmAward("KIM Bima", 2022, 4, "Harapan I", "Penglaris"),
    FilmAward("KIM Manteb", 2023, 5, "Harapan II", "Kuatir"),
    FilmAward("KIM Tunas Harapan", 2024, 3, "Juara III", None),
)

WONOSOBO_KIM_COUNT = 48
WONOSOBO_FORUM_FORMED = date(2018, 4, 16)

# Wonosobo's 16 FK Metra arts groups: (name, art form). Lengger and bundengan are Wonosobo's own.
WONOSOBO_ARTS_GROUPS = (
    ("Sanggar Lengger Giri Wijaya", "tari"),
    ("Kuda Lumping Turonggo Seto", "kuda_lumping"),
    ("Paguyuban Bundengan Ngudi Lestari", "lainnya"),
    ("Karawitan Ngesti Laras", "karawitan"),
    ("Ketoprak Siswo Budoyo", "ketoprak"),
    ("Sanggar Wayang Sindoro Budoyo", "wayang"),
    ("Campursari Sekar Dieng", "campursari"),
    ("Rebana Al-Hikmah", "rebana"),
    ("Lengger Topeng Sekar Sari", "tari"),
    ("Kuda Lumping Satrio Wibowo", "kuda_lumping"),
    ("Kubro Siswo Tunggal Roso", "lainnya"),
    ("Karawitan Laras Madya", "karawitan"),
    ("Campursari Swara Sumbing", "campursari"),
    ("Ketoprak Tri Manunggal", "ketoprak"),
    ("Rebana Nurul Huda", "rebana"),
    ("Wayang Kulit Ki Lurah Semar", "wayang"),
)
# Karanganyar's smaller forum (synthetic: the articles say nothing of it).
KARANGANYAR_FORUM_FORMED = date(2022, 2, 14)
KARANGANYAR_ARTS_GROUPS = (
    ("Reog Singo Lawu", "lainnya"),
    ("Karawitan Ngudi Laras", "karawitan"),
    ("Sanggar Wayang Lawu Budaya", "wayang"),
    ("Campursari Sekar Melati", "campursari"),
    ("Rebana Al-Ikhlas", "rebana"),
    ("Kuda Lumping Turonggo Lawu", "kuda_lumping"),
)


@dataclass(frozen=True)
class StudyVisit:
    regency: str
    title: str
    on: date
    direction: str
    partner_agency: str
    partner_regency: str
    topic: str
    place: str
    participants: tuple[str, ...]  # KIM names


STUDY_VISITS = (
    StudyVisit(
        WONOSOBO,
        "Studi tiru Diskominfo SP Kota Surakarta: SK pembentukan KIM dan FK Metra",
        date(2023, 10, 27),
        "masuk",
        "Diskominfo SP Kota Surakarta",
        SURAKARTA,
        "SK pembentukan KIM dan tata kelola FK Metra",
        "Ruang Rapat Diskominfo Kabupaten Wonosobo",
        (),  # filled with pilot KIM below
    ),
    StudyVisit(
        KARANGANYAR,
        "Studi tiru Diskominfo Kabupaten Wonogiri: menjaga keaktifan KIM",
        date(2024, 11, 20),
        "masuk",
        "Diskominfo Kabupaten Wonogiri",
        WONOGIRI,
        "Menjaga keaktifan KIM",
        "Ruang Rapat Diskominfo Kabupaten Karanganyar",
        ("KIM Manteb", "KIM Tunas Harapan", "KIM Bima", "KIM Saraswati"),
    ),
)

# ---------------------------------------------------------------------------------------------
# Synthetic but plausible names
# ---------------------------------------------------------------------------------------------

KIM_NAMES = (
    "Sekar Arum", "Mekar Sari", "Ngudi Kawruh", "Sumber Rejeki", "Tunas Muda", "Guyub Rukun",
    "Maju Makmur", "Sido Mulyo", "Cahaya Desa", "Lintas Warta", "Suara Desa", "Mitra Informasi",
    "Karya Bakti", "Budi Luhur", "Wahana Informasi", "Sinar Harapan", "Gema Desa", "Kabar Desa",
    "Jendela Desa", "Rukun Santoso", "Ngudi Rahayu", "Sekar Melati", "Tirta Kencana", "Puspa Warna",
    "Anjani", "Arjuna", "Srikandi", "Gatotkaca", "Pandawa", "Kresna", "Sembodro", "Larasati",
    "Dewi Sri", "Nusa Indah", "Kenanga", "Cempaka", "Flamboyan", "Sindoro Media", "Sumbing Info",
    "Serayu", "Prau", "Argo Mulyo", "Sedyo Rukun", "Tri Tunggal", "Lestari", "Bina Warga",
    "Mardi Utomo", "Jaya Abadi", "Sari Mulyo", "Mekar Jaya", "Candra Kirana", "Rejo Mulyo",
    "Ngesti Widodo", "Teguh Rahayu", "Gemah Ripah", "Purwa Kencana", "Lintang Desa", "Warta Tani",
    "Sumber Makmur", "Harapan Jaya", "Citra Desa", "Bumi Asri", "Taruna Mandiri", "Wijaya Kusuma",
    "Sapta Marga", "Ngudi Mulyo", "Margo Rahayu", "Kridha Warga", "Padi Emas", "Kembang Setaman",
    "Murakabi", "Amanah", "Barokah", "Sido Rukun", "Pelita Desa", "Lentera",
    "Kartika", "Mustika", "Jati Kencana", "Teratai",
)  # fmt: skip

MALE_FIRST = (
    "Agus", "Budi", "Slamet", "Joko", "Bambang", "Heru", "Eko", "Wahyu", "Teguh", "Sigit", "Bayu",
    "Rizki", "Fajar", "Hendra", "Aris", "Arif", "Yusuf", "Rudi", "Dedi", "Anton", "Imam", "Ahmad",
    "Muhammad", "Dwi", "Tri", "Ari", "Hadi", "Gilang", "Yoga", "Danang", "Nur", "Purwanto",
)  # fmt: skip
FEMALE_FIRST = (
    "Sri", "Siti", "Endang", "Yuni", "Rina", "Dewi", "Ratna", "Wulan", "Suryani", "Nanik", "Umi",
    "Fitri", "Ayu", "Novi", "Indah", "Dian", "Anisa", "Lina", "Eni", "Puji", "Tutik", "Retno",
    "Wahyuni", "Nurul", "Tri", "Dwi", "Rahma", "Laras",
)  # fmt: skip
MALE_LAST = (
    "Santoso", "Wibowo", "Prasetyo", "Nugroho", "Setiawan", "Hidayat", "Purnomo", "Kurniawan",
    "Saputro", "Haryanto", "Susanto", "Hartono", "Widodo", "Gunawan", "Wijaya", "Firmansyah",
    "Pamungkas", "Utomo", "Raharjo", "Sulistyo",
)  # fmt: skip
FEMALE_LAST = (
    "Rahmawati", "Wulandari", "Handayani", "Pratiwi", "Utami", "Susanti", "Kusumawati",
    "Purwaningsih", "Lestari", "Rahayu", "Astuti", "Setyaningsih", "Maharani", "Safitri",
)  # fmt: skip
JAVANESE_SINGLE = {
    "L": ("Sutrisno", "Suparno", "Mulyadi", "Sukardi", "Sugiyono", "Parman", "Sarjono", "Wagiman"),
    "P": ("Sumarni", "Sulastri", "Winarsih", "Partini", "Suwarni", "Tukiyem", "Sunarti"),
}
DEGREES = ("S.Pd.", "S.Kom.", "A.Md.", "S.E.", "S.Sos.")
MOBILE_PREFIXES = ("0812", "0813", "0821", "0822", "0823", "0852", "0853", "0856", "0857", "0878", "0877", "0895")

SECTIONS = ("Media dan IT", "Humas", "Usaha", "Dokumentasi")
FORUM_SECTIONS = (
    "Organisasi",
    "Humas",
    "Media Interpersonal dan Pameran",
    "Pertunjukan Rakyat",
    "Media Luar Ruang",
    "Promosi",
)

# (kind, title with {desa}, topic)
CONTENT_TEMPLATES = (
    ("berita", "Posyandu balita di Desa {desa}", "Kesehatan"),
    ("berita", "Kerja bakti membersihkan saluran irigasi {desa}", "Lingkungan"),
    ("berita", "Musyawarah desa rencana pembangunan {desa}", "Pemerintahan desa"),
    ("berita", "Panen raya padi di {desa}", "Pertanian"),
    ("berita", "Pelatihan UMKM ibu-ibu PKK {desa}", "Ekonomi"),
    ("berita", "Penyaluran bantuan pangan di {desa}", "Sosial"),
    ("berita", "Sedekah bumi warga {desa}", "Budaya"),
    ("video", "Video profil Desa {desa}", "Profil desa"),
    ("video", "Liputan kirab budaya {desa}", "Budaya"),
    ("video", "Tutorial cek data pemilih secara daring", "Pemilu"),
    ("poster", "Infografis cegah stunting sejak 1.000 hari pertama", "Kesehatan"),
    ("poster", "Poster jadwal posyandu {desa}", "Kesehatan"),
    ("poster", "Infografis waspada demam berdarah", "Kesehatan"),
    ("poster", "Infografis layanan adminduk di balai desa", "Layanan publik"),
    ("podcast", "Obrolan warga: pengelolaan sampah rumah tangga", "Lingkungan"),
    ("podcast", "Podcast KIM: bijak bermedia sosial", "Literasi digital"),
    ("klarifikasi_hoaks", "Klarifikasi hoaks bantuan sosial lewat tautan", "Hoaks"),
    ("klarifikasi_hoaks", "Hoaks pendaftaran kerja berbayar atas nama pemerintah", "Hoaks"),
    ("klarifikasi_hoaks", "Klarifikasi kabar air PDAM tercemar", "Hoaks"),
    ("film_pendek", "Film pendek: ayo ke posyandu", "Kesehatan"),
)

MONEV_NOTES = {
    "aktif": (
        "Notulen rapat, daftar hadir dan tautan konten diperiksa di sekretariat.",
        "Pendanaan masih bergantung pada dana desa.",
        "Perluas kanal media dan libatkan anggota muda.",
        "Diundang pelatihan pengelolaan media sosial berikutnya.",
    ),
    "tidak_aktif": (
        "Sekretariat tutup; SK pengurus terakhir sudah habis masa baktinya.",
        "Pengurus pindah atau sibuk bekerja; tidak ada regenerasi.",
        "Musyawarah desa untuk membentuk pengurus baru dan menerbitkan SK.",
        "Pendampingan oleh Bidang IKP bersama pemerintah desa.",
    ),
}


@dataclass(frozen=True)
class ActivityTemplate:
    kind: str
    title: str
    place: str
    participants: str = "some"  # all | some | few | groups | monev
    organiser: str = "diskominfo_kab"
    organiser_name: str | None = None
    theme: str | None = None
    budget_source: str | None = "apbd_kab"
    direction: str | None = None
    partner_agency: str | None = None
    partner_regency: str | None = None
    topic: str | None = None
    performance: tuple[str, str] | None = None  # (requesting office, message theme) for FK Metra


def _activity_templates(regency: str) -> tuple[ActivityTemplate, ...]:
    """A year of an office's programme: every activity kind at least once, titles without dates."""
    if regency == KARANGANYAR:
        hall = "Ruang Rapat Diskominfo Kabupaten Karanganyar"
        return (
            ActivityTemplate("rakor", "Rakor KIM Kabupaten Karanganyar: rencana kerja tahunan", hall, "all"),
            ActivityTemplate("rakor", "Rakor KIM: evaluasi semester dan regenerasi pengurus", hall, "all"),
            ActivityTemplate("rakor", "Rakor KIM: persiapan lomba film pendek provinsi", hall, "all"),
            ActivityTemplate(
                "sosialisasi",
                "Sosialisasi pencegahan stunting bersama KIM",
                "Pendopo Kecamatan Jaten",
                theme="Pencegahan stunting",
            ),
            ActivityTemplate(
                "sosialisasi", "Sosialisasi bahaya judi online bagi warga desa", "Balai Desa Karangpandan"
            ),
            ActivityTemplate(
                "sosialisasi", "Sosialisasi keterbukaan informasi publik desa", "Pendopo Kecamatan Tasikmadu"
            ),
            ActivityTemplate("pelatihan", "Pelatihan pengelolaan media sosial KIM", "Aula Diskominfo Karanganyar"),
            ActivityTemplate(
                "pelatihan",
                "Bimtek penulisan berita desa",
                "Aula Diskominfo Karanganyar",
                organiser="diskominfo_prov",
                organiser_name=PROVINCIAL_ORGANISER,
                budget_source="apbd_prov",
            ),
            ActivityTemplate(
                "pelatihan",
                "Pelatihan videografi dengan ponsel",
                "Rumah Dinas Bupati Karanganyar",
                organiser="komdigi",
                organiser_name="Kementerian Komunikasi dan Digital",
                budget_source="apbn",
            ),
            ActivityTemplate("pelatihan", "Pelatihan cek fakta dan penanganan hoaks", "Aula Diskominfo Karanganyar"),
            ActivityTemplate("workshop", "Workshop penulisan naskah film pendek", "Aula Diskominfo Karanganyar"),
            ActivityTemplate("workshop", "Workshop desain infografis untuk KIM", "Balai Desa Dagen", "few"),
            ActivityTemplate(
                "festival",
                "Festival Film Pendek KIM Kabupaten Karanganyar",
                "Gedung Wanita Karanganyar",
                theme="Desa sehat, bebas stunting",
            ),
            ActivityTemplate(
                "festival", "Lomba konten kreatif KIM Hari Jadi Kabupaten Karanganyar", "Alun-alun Karanganyar"
            ),
            ActivityTemplate("monev", "Monev KIM wilayah Karanganyar timur", "Sekretariat KIM", "monev"),
            ActivityTemplate("monev", "Monev KIM wilayah Karanganyar barat", "Sekretariat KIM", "monev"),
            ActivityTemplate(
                "studi_tiru",
                "Studi banding pengelolaan KIM ke Kabupaten Boyolali",
                "Diskominfo Kabupaten Boyolali",
                "few",
                direction="keluar",
                partner_agency="Diskominfo Kabupaten Boyolali",
                partner_regency=BOYOLALI,
                topic="Pemanfaatan platform digital desa oleh KIM",
            ),
            ActivityTemplate("pembinaan", "Pembinaan kelembagaan dan administrasi KIM", hall),
            ActivityTemplate(
                "pembinaan", "Pendampingan penyusunan SK pengurus KIM", "Pendopo Kecamatan Mojogedang", "few"
            ),
            ActivityTemplate(
                "pentas_fkmetra",
                "Pentas FK Metra: cegah stunting dari desa",
                "Lapangan Kelurahan Popongan",
                "groups",
                performance=("Dinas Kesehatan Kabupaten Karanganyar", "Pencegahan stunting"),
            ),
            ActivityTemplate(
                "pentas_fkmetra",
                "Pentas FK Metra: siaga bencana tanah longsor",
                "Lapangan Kecamatan Tawangmangu",
                "groups",
                performance=("BPBD Kabupaten Karanganyar", "Siaga bencana tanah longsor"),
            ),
            ActivityTemplate("lainnya", "Pameran produk UMKM desa pada Hari Jadi Kabupaten", "Alun-alun Karanganyar"),
            ActivityTemplate("lainnya", "Jambore KIM Kabupaten Karanganyar", "Bumi Perkemahan Sekipan Tawangmangu"),
            ActivityTemplate("sosialisasi", "Sosialisasi layanan kependudukan digital", "Pendopo Kecamatan Colomadu"),
        )
    hall = "Ruang Rapat Diskominfo Kabupaten Wonosobo"
    return (
        ActivityTemplate("rakor", "Rakor KIM Kabupaten Wonosobo: rencana kerja tahunan", hall, "all"),
        ActivityTemplate("rakor", "Rakor KIM dan FK Metra: evaluasi program", hall, "all"),
        ActivityTemplate("rakor", "Rakor KIM: persiapan festival KIM dan FK Metra", hall, "all"),
        ActivityTemplate(
            "sosialisasi",
            "Sosialisasi pencegahan stunting di desa",
            "Pendopo Kecamatan Kertek",
            theme="Pencegahan stunting",
        ),
        ActivityTemplate("sosialisasi", "Sosialisasi pengelolaan sampah rumah tangga", "Balai Desa Kejajar"),
        ActivityTemplate("sosialisasi", "Sosialisasi waspada penipuan daring", "Pendopo Kecamatan Selomerto"),
        ActivityTemplate("pelatihan", "Pelatihan pengelolaan media sosial KIM", "Aula Diskominfo Wonosobo"),
        ActivityTemplate("pelatihan", "Pelatihan jurnalistik warga", "Aula Diskominfo Wonosobo"),
        ActivityTemplate(
            "pelatihan",
            "Bimtek pengelolaan website desa",
            "Aula Diskominfo Wonosobo",
            organiser="komdigi",
            organiser_name="Kementerian Komunikasi dan Digital",
            budget_source="apbn",
        ),
        ActivityTemplate("workshop", "Workshop fotografi produk UMKM", "Balai Desa Kalikajar", "few"),
        ActivityTemplate("workshop", "Workshop produksi video pendek", "Aula Diskominfo Wonosobo"),
        ActivityTemplate(
            "festival",
            "Festival KIM dan FK Metra Kabupaten Wonosobo",
            "Alun-alun Wonosobo",
            theme="Informasi sampai ke desa",
        ),
        ActivityTemplate("festival", "Lomba video promosi wisata desa", "Pendopo Kabupaten Wonosobo"),
        ActivityTemplate("monev", "Monev KIM rintisan", "Sekretariat KIM", "monev"),
        ActivityTemplate("monev", "Monev KIM wilayah Wonosobo selatan", "Sekretariat KIM", "monev"),
        ActivityTemplate(
            "studi_tiru",
            "Kunjungan studi tiru Diskominfo Kabupaten Banjarnegara",
            hall,
            "few",
            direction="masuk",
            partner_agency="Diskominfo Kabupaten Banjarnegara",
            partner_regency=BANJARNEGARA,
            topic="Pembinaan KIM rintisan",
        ),
        ActivityTemplate("pembinaan", "Pembinaan pengurus KIM rintisan", hall),
        ActivityTemplate("pembinaan", "Pembinaan KIM Kecamatan Kertek dan Garung", "Pendopo Kecamatan Kertek", "few"),
        ActivityTemplate(
            "pentas_fkmetra",
            "Pentas FK Metra: cegah stunting lewat lengger",
            "Lapangan Desa Kejajar",
            "groups",
            performance=("Dinas Kesehatan Kabupaten Wonosobo", "Pencegahan stunting"),
        ),
        ActivityTemplate(
            "pentas_fkmetra",
            "Pentas FK Metra: desa bersih narkoba",
            "Lapangan Kecamatan Sapuran",
            "groups",
            performance=("BNN Kabupaten Wonosobo", "Desa bersih narkoba"),
        ),
        ActivityTemplate(
            "pentas_fkmetra",
            "Pentas FK Metra: promosi wisata Dieng",
            "Kompleks Candi Arjuna Dieng",
            "groups",
            performance=("Dinas Pariwisata dan Kebudayaan Kabupaten Wonosobo", "Promosi wisata Dieng"),
        ),
        ActivityTemplate("lainnya", "Stan informasi KIM pada Hari Jadi Kabupaten Wonosobo", "Alun-alun Wonosobo"),
        ActivityTemplate("lainnya", "Gelar budaya dan informasi di Dieng", "Dataran Tinggi Dieng"),
        ActivityTemplate("sosialisasi", "Sosialisasi keterbukaan informasi publik", hall),
    )


# ---------------------------------------------------------------------------------------------
# Results
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoLogin:
    role: str
    region: str
    email: str
    password: str


@dataclass
class DemoResult:
    """What a load created (model name -> rows; empty on a second run) and the demo logins."""

    created: Counter[str] = field(default_factory=Counter)
    logins: list[DemoLogin] = field(default_factory=list)

    @property
    def nothing_new(self) -> bool:
        return not self.created


@dataclass(frozen=True)
class DemoUser:
    email: str
    role: str
    regency: str | None = None
    province: str | None = None


DEMO_USERS = (
    DemoUser("provinsi@jawatengah.example", "provinsi", province=PROVINCE),
    DemoUser("admin@karanganyar.example", "admin_kabupaten", regency=KARANGANYAR),
    DemoUser("operator@karanganyar.example", "operator", regency=KARANGANYAR),
    DemoUser("viewer@karanganyar.example", "viewer", regency=KARANGANYAR),
    DemoUser("admin@wonosobo.example", "admin_kabupaten", regency=WONOSOBO),
    DemoUser("operator@wonosobo.example", "operator", regency=WONOSOBO),
    DemoUser("viewer@wonosobo.example", "viewer", regency=WONOSOBO),
)


def load_demo(session: Session, today: date | None = None, password: str = DEMO_PASSWORD) -> DemoResult:
    """Load the demo scenario into ``session`` (flushed, not committed) and return what was new.

    Loads Jawa Tengah's regions first if they are missing, and adds missing roles. ``today``
    anchors the relative dates (board terms, the last twelve months of activities); ``password``
    is the shared password of the demo users.
    """
    today = today or date.today()
    _ensure_regions(session)
    permissions.sync(session)
    with session.no_autoflush:
        loader = _Loader(session, today)
        loader.load(password)
    created = Counter(type(obj).__name__ for obj in session.new)
    session.flush()
    return DemoResult(created=created, logins=loader.logins(password))


def _ensure_regions(session: Session) -> None:
    """The demo needs Jawa Tengah (its desa, and Surakarta/Wonogiri as study-visit partners)."""
    needed = (KARANGANYAR, WONOSOBO, WONOGIRI, SURAKARTA, BOYOLALI, BANJARNEGARA)
    present = session.scalar(
        sa.select(sa.func.count(sa.distinct(Village.regency_code))).where(Village.regency_code.in_(needed))
    )
    if present != len(needed):
        load_regions(session.connection(), PROVINCE)


# ---------------------------------------------------------------------------------------------
# Plan (decided with one seeded generator) and loader (creates what is missing)
# ---------------------------------------------------------------------------------------------


@dataclass
class KimPlan:
    regency: str
    name: str
    village: Village
    founded_on: date
    status: str = "aktif"  # aktif, kurang_aktif or tidak_aktif
    is_pilot: bool = False
    board_expiring: bool = False  # the current board ends within 90 days
    monev_on: date | None = None

    @property
    def key(self) -> tuple[str, str]:
        return (self.village.code, self.name)


@dataclass
class ActivityPlan:
    regency: str
    template: ActivityTemplate
    start_on: date
    kims: list[KimPlan]
    groups: list[str] = field(default_factory=list)  # FK Metra group names


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _day_in_month(today: date, months_back: int, rng: random.Random) -> date:
    """A day of the calendar month ``months_back`` before today's (never after today)."""
    year, month = divmod(today.year * 12 + today.month - 1 - months_back, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, rng.randint(1, today.day if months_back == 0 else last))


def _random_day(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randint(0, max(0, (end - start).days)))


def _slug(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())


class _Loader:
    def __init__(self, session: Session, today: date) -> None:
        self.session = session
        self.today = today
        self.rng = random.Random(SEED)
        self.villages = self._villages((KARANGANYAR, WONOSOBO))
        self.levels = {
            level.name: level for level in session.scalars(sa.select(KimLevel).where(KimLevel.regency_code.is_(None)))
        }
        self.indicators = list(
            session.scalars(
                sa.select(MonevIndicator)
                .where(MonevIndicator.regency_code.is_(None), MonevIndicator.active.is_(True))
                .order_by(MonevIndicator.position, MonevIndicator.id)
            )
        )
        self.kims: dict[tuple[str, str], Kim] = {
            (kim.village_code, kim.name): kim
            for kim in session.scalars(sa.select(Kim).where(Kim.regency_code.in_((KARANGANYAR, WONOSOBO))))
        }
        self.groups: dict[tuple[str, str], FkMetraGroup] = {
            (group.regency_code, group.name): group
            for group in session.scalars(
                sa.select(FkMetraGroup).where(FkMetraGroup.regency_code.in_((KARANGANYAR, WONOSOBO)))
            )
        }

    # --- helpers --------------------------------------------------------------------------------
    def _villages(self, regencies: Iterable[str]) -> dict[str, list[Village]]:
        rows = self.session.scalars(
            sa.select(Village)
            .options(joinedload(Village.district))
            .where(Village.regency_code.in_(tuple(regencies)))
            .order_by(Village.code)
        )
        by_regency: dict[str, list[Village]] = {}
        for village in rows:
            by_regency.setdefault(village.regency_code, []).append(village)
        return by_regency

    def _districts(self, regency: str) -> list[District]:
        seen: dict[str, District] = {}
        for village in self.villages[regency]:
            seen.setdefault(village.district_code, village.district)
        return list(seen.values())

    def _village(self, regency: str, district: str, name: str | None, rng: random.Random) -> Village:
        """A desa looked up by name within its kecamatan (any desa of it when ``name`` is None)."""
        candidates = [
            v
            for v in self.villages[regency]
            if v.district.name == district and (v.name == name if name else v.kind == "desa")
        ]
        if not candidates:
            raise LookupError(f"No village {name or '(desa)'} in kecamatan {district} of {regency}")
        return candidates[0] if name else rng.choice(candidates)

    def add(self, *objects: Any) -> None:
        self.session.add_all(objects)

    # --- the load -------------------------------------------------------------------------------
    def load(self, password: str) -> None:
        names = list(KIM_NAMES)
        self.rng.shuffle(names)
        plans = {
            KARANGANYAR: self._plan_karanganyar(names[:29]),
            WONOSOBO: self._plan_wonosobo(names[29:]),
        }
        groups = {
            WONOSOBO: self._plan_groups(WONOSOBO, WONOSOBO_ARTS_GROUPS),
            KARANGANYAR: self._plan_groups(KARANGANYAR, KARANGANYAR_ARTS_GROUPS),
        }
        activities = [
            activity
            for regency in (KARANGANYAR, WONOSOBO)
            for activity in self._plan_activities(regency, plans[regency], [name for name, _, _ in groups[regency]])
        ]

        for regency in (KARANGANYAR, WONOSOBO):
            for plan in plans[regency]:
                if plan.key not in self.kims:
                    self.kims[plan.key] = self._create_kim(plan)
        self._create_forum(WONOSOBO, "FK Metra Kabupaten Wonosobo", WONOSOBO_FORUM_FORMED)
        self._create_forum(KARANGANYAR, "FK Metra Kabupaten Karanganyar", KARANGANYAR_FORUM_FORMED)
        for regency, regency_groups in groups.items():
            for name, art_form, village in regency_groups:
                self._create_group(regency, name, art_form, village)
        self._create_activities(activities)
        self._create_awards(plans[KARANGANYAR])
        self._create_users(password)

    # --- plans ------------------------------------------------------------------------------------
    def _plan_karanganyar(self, names: list[str]) -> list[KimPlan]:
        rng = self.rng
        plans: list[KimPlan] = []
        named_by_district = {named.district: named for named in KARANGANYAR_NAMED}
        pool = iter(names)
        for district in self._districts(KARANGANYAR):
            count = 1 if district.name == KARANGANYAR_SINGLE_KIM_DISTRICT else 2
            taken: set[str] = set()
            named = named_by_district.get(district.name)
            if named is not None:
                village = self._village(KARANGANYAR, district.name, named.village, rng)
                plans.append(KimPlan(KARANGANYAR, named.name, village, named.founded_on))
                taken.add(village.code)
            while len(taken) < count:
                village = rng.choice([v for v in self.villages[KARANGANYAR] if v.district_code == district.code])
                if village.code in taken:
                    continue
                taken.add(village.code)
                founded = _random_day(rng, date(2015, 1, 1), date(2023, 6, 30))
                plans.append(KimPlan(KARANGANYAR, f"KIM {next(pool)}", village, founded))
        named = {n.name for n in KARANGANYAR_NAMED}
        others = [plan for plan in plans if plan.name not in named]
        inactive = rng.sample(others, 9)
        for plan in inactive:
            plan.status = "tidak_aktif"
            # Old enough that the last board could serve a full term and lapse.
            plan.founded_on = _random_day(rng, date(2015, 1, 1), date(2019, 12, 31))
        active_others = [plan for plan in others if plan.status == "aktif"]
        for plan in rng.sample(active_others, 4):
            plan.board_expiring = True
        return plans

    def _plan_wonosobo(self, names: list[str]) -> list[KimPlan]:
        rng = self.rng
        districts = self._districts(WONOSOBO)
        per_district = dict.fromkeys((d.code for d in districts), WONOSOBO_KIM_COUNT // len(districts))
        for district in rng.sample(districts, WONOSOBO_KIM_COUNT % len(districts)):
            per_district[district.code] += 1
        plans: list[KimPlan] = []
        pool = iter(names)
        for index, district in enumerate(districts):
            villages = [v for v in self.villages[WONOSOBO] if v.district_code == district.code]
            for position, village in enumerate(rng.sample(villages, per_district[district.code])):
                if position == 0:  # one rintisan (pilot) per kecamatan, founded 2012-2014
                    year = 2012 + index * 3 // len(districts)
                    founded = _random_day(rng, date(year, 2, 1), date(year, 12, 20))
                    plans.append(KimPlan(WONOSOBO, f"KIM {next(pool)}", village, founded, is_pilot=True))
                else:
                    founded = _random_day(rng, date(2015, 1, 1), date(2023, 10, 31))
                    plans.append(KimPlan(WONOSOBO, f"KIM {next(pool)}", village, founded))
        non_pilots = [plan for plan in plans if not plan.is_pilot]
        for plan in rng.sample(non_pilots, 3):
            plan.status = "kurang_aktif"
        for plan in rng.sample([p for p in plans if p.status == "aktif"], 3):
            plan.board_expiring = True
        return plans

    def _plan_groups(self, regency: str, groups: Sequence[tuple[str, str]]) -> list[tuple[str, str, Village]]:
        villages = self.rng.sample([v for v in self.villages[regency] if v.kind == "desa"], len(groups))
        return [(name, art_form, village) for (name, art_form), village in zip(groups, villages, strict=True)]

    def _plan_activities(self, regency: str, kims: list[KimPlan], groups: list[str]) -> list[ActivityPlan]:
        rng = self.rng
        templates = list(_activity_templates(regency))
        rng.shuffle(templates)
        # Two or so per calendar month over the twelve months up to today, so every month shows.
        plans: list[ActivityPlan] = []
        for index, template in enumerate(templates):
            start_on = _day_in_month(self.today, index % 12, rng)
            recent = (self.today - start_on).days <= 180
            active = [k for k in kims if k.status == "aktif" or (k.status == "kurang_aktif" and not recent)]
            chosen: list[KimPlan] = []
            chosen_groups: list[str] = []
            if template.participants == "all":
                chosen = active
            elif template.participants == "some":
                chosen = rng.sample(active, rng.randint(5, 12))
            elif template.participants == "few":
                chosen = rng.sample(active, rng.randint(2, 4))
            elif template.participants == "groups":
                chosen_groups = rng.sample(groups, rng.randint(2, 3))
            elif template.participants == "monev":
                visited = rng.sample([k for k in kims if k.status == "aktif" and k.monev_on is None], 4)
                lapsed = [k for k in kims if k.status != "aktif" and k.monev_on is None]
                for plan in [*visited, *rng.sample(lapsed, 1)]:
                    plan.monev_on = min(self.today, start_on + timedelta(days=rng.randint(0, 3)))
                chosen = visited  # the office's visit; the lapsed KIM had nobody attending
            plans.append(ActivityPlan(regency, template, start_on, sorted(chosen, key=lambda k: k.key), chosen_groups))
        for visit in STUDY_VISITS:
            if visit.regency != regency:
                continue
            # Surakarta came for founding decrees and FK Metra: pilot KIM and two arts groups received it.
            named = [k for k in kims if k.name in visit.participants] or [k for k in kims if k.is_pilot][:4]
            visiting_groups = [] if visit.participants else groups[:2]
            template = ActivityTemplate(
                "studi_tiru",
                visit.title,
                visit.place,
                direction=visit.direction,
                partner_agency=visit.partner_agency,
                partner_regency=visit.partner_regency,
                topic=visit.topic,
            )
            plans.append(ActivityPlan(regency, template, visit.on, named, visiting_groups))
        return plans

    # --- KIM with their history -------------------------------------------------------------------
    def _person(self, rng: random.Random, gender: str | None = None) -> tuple[str, str]:
        gender = gender or rng.choice("LP")
        if rng.random() < 0.2:
            name = rng.choice(JAVANESE_SINGLE[gender])
        else:
            first, last = (MALE_FIRST, MALE_LAST) if gender == "L" else (FEMALE_FIRST, FEMALE_LAST)
            name = f"{rng.choice(first)} {rng.choice(last)}"
        if rng.random() < 0.1:
            name = f"{name}, {rng.choice(DEGREES)}"
        return name, gender

    def _phone(self, rng: random.Random) -> str | None:
        digits = rng.choice(MOBILE_PREFIXES) + "".join(str(rng.randint(0, 9)) for _ in range(rng.choice((7, 8))))
        return normalise_phone(digits)

    def _nik(self, rng: random.Random, village: Village, birth: date, gender: str) -> str | None:
        day = birth.day + (40 if gender == "P" else 0)
        nik = f"{village.district_code.replace('.', '')}{day:02d}{birth:%m%y}{rng.randint(1, 99):04d}"
        return nik if not nik_errors(nik) else None

    def _members(
        self, rng: random.Random, board: Board, village: Village, ended: bool, full: bool, forum: bool = False
    ) -> BoardMember:
        """Add a board's members (a full board, or just the core of an older one); returns the Ketua."""
        positions: list[tuple[str, str | None]] = [("ketua", None)]
        if full:
            if rng.random() < 0.7:
                positions.append(("wakil_ketua", None))
            positions += [("sekretaris", None), ("bendahara", None)]
            if forum:
                positions += [("seksi", section) for section in FORUM_SECTIONS]
            else:
                positions += [("koord_pengumpulan", None), ("koord_pengolahan", None), ("koord_penyebaran", None)]
                positions += [("seksi", s) for s in rng.sample(SECTIONS, rng.randint(0, 2))]
                positions += [("anggota", None)] * rng.randint(2, 5)
        else:
            positions += [("sekretaris", None), ("bendahara", None)]
        end_on = board.term_end if ended else None
        members: list[BoardMember] = []
        for position, section in positions:
            name, gender = self._person(rng)
            birth = _random_day(rng, date(1962, 1, 1), date(2004, 12, 31)) if rng.random() < 0.7 else None
            core = position in ("ketua", "sekretaris")
            member = BoardMember(
                board=board,
                name=name,
                gender=gender,
                birth_date=birth,
                phone=self._phone(rng) if core or rng.random() < 0.4 else None,
                nik=self._nik(rng, village, birth, gender) if birth and rng.random() < 0.08 else None,
                position=position,
                section_name=section,
                start_on=board.term_start,
                end_on=end_on,
            )
            self.add(member)
            members.append(member)
            served = (self.today - board.term_start).days
            if position == "sekretaris" and not ended and full and served > 120 and rng.random() < 0.2:
                # A secretary who moved away mid-term, and the successor.
                member.end_on = _random_day(rng, board.term_start + timedelta(days=60), self.today - timedelta(days=30))
                member.leave_reason = rng.choice(("Pindah domisili", "Bekerja di luar kota", "Mengundurkan diri"))
                name, gender = self._person(rng)
                self.add(
                    BoardMember(
                        board=board,
                        name=name,
                        gender=gender,
                        phone=self._phone(rng),
                        position="sekretaris",
                        start_on=member.end_on + timedelta(days=1),
                    )
                )
        return members[0]

    def _board_terms(self, rng: random.Random, plan: KimPlan) -> list[tuple[date, date]]:
        """The board terms of a KIM, oldest first: the first from its founding, the last current
        (active KIM) or lapsed (inactive KIM)."""
        years = rng.choice((3, 5, 5))
        if plan.status == "tidak_aktif":
            end = _random_day(rng, self.today - timedelta(days=1200), self.today - timedelta(days=150))
        elif plan.board_expiring:
            end = self.today + timedelta(days=rng.randint(10, 85))
        else:
            end = self.today + timedelta(days=rng.randint(120, 365 * years - 90))
        terms: list[tuple[date, date]] = []
        while True:
            start = max(plan.founded_on, _add_years(end, -years) + timedelta(days=1))
            if (start - plan.founded_on).days < 365:
                start = plan.founded_on  # a short first term runs from the founding
            terms.append((start, end))
            if start == plan.founded_on:
                return list(reversed(terms))
            end = start - timedelta(days=1)

    def _create_kim(self, plan: KimPlan) -> Kim:
        rng = random.Random(f"{SEED}:kim:{plan.village.code}:{plan.name}")
        village, desa = plan.village, plan.village.name
        is_kelurahan = village.kind == "kelurahan"
        level = self.levels.get(
            "Pemula"
            if plan.status != "aktif"
            else rng.choice(("Pemula", "Berkembang", "Berkembang", "Maju", "Maju", "Mandiri"))
        )
        if plan.name in {award.kim for award in KARANGANYAR_FILM_AWARDS}:
            level = self.levels.get("Mandiri" if plan.name == "KIM Manteb" else "Maju")
        registered = plan.status != "tidak_aktif" and rng.random() < 0.6
        slug = _slug(f"{plan.name.removeprefix('KIM ')}{desa}")
        kim = Kim(
            name=plan.name,
            village=village,
            status="aktif",
            founded_on=plan.founded_on,
            is_pilot=plan.is_pilot,
            level=level,
            address=f"Sekretariat {'Kantor Kelurahan' if is_kelurahan else 'Balai Desa'} {desa}, "
            f"Kec. {village.district.name}",
            members_count=rng.randint(12, 40),
            kimid_number=f"{village.regency_code.replace('.', '')}{rng.randint(1000, 9999)}" if registered else None,
            kimid_url=f"https://kim{slug}.kim.id" if registered else None,
            email=f"kim.{slug}@desa.example" if rng.random() < 0.5 else None,
        )
        self.add(kim)

        # Founding SK (which also confirms the first board), then one board confirmation SK per renewal.
        terms = self._board_terms(rng, plan)
        founding_issuer = "camat" if is_kelurahan or rng.random() < 0.25 else "kepala_desa"
        board_issuer = "lurah" if is_kelurahan else "kepala_desa"
        ketua: BoardMember | None = None
        founding_number = ""
        for index, (start, end) in enumerate(terms):
            first = index == 0
            issuer = founding_issuer if first else board_issuer
            issued = plan.founded_on if first else max(plan.founded_on, start - timedelta(days=rng.randint(0, 14)))
            prefix = {"kepala_desa": "141", "camat": "045.2", "lurah": "045.2"}[issuer]
            decree = Decree(
                kim=kim,
                kind="pembentukan" if first else "pengukuhan_pengurus",
                number=f"{prefix}/{rng.randint(3, 60)}/{issued.year}",
                issued_on=issued,
                issuer=issuer,
                subject=(
                    f"Pembentukan Kelompok Informasi Masyarakat (KIM) {plan.name.removeprefix('KIM ')} "
                    f"{'Kelurahan' if is_kelurahan else 'Desa'} {desa}"
                    if first
                    else f"Pengukuhan Pengurus {plan.name} Masa Bakti {start.year}-{end.year}"
                ),
                term_start=start,
                term_end=end,
            )
            board = Board(kim=kim, decree=decree, term_start=start, term_end=end)
            self.add(decree, board)
            founding_number = founding_number or decree.number
            ketua = self._members(rng, board, village, ended=end < self.today, full=index == len(terms) - 1)
        if ketua is not None:  # the latest board's Ketua is the contact
            kim.contact_name, kim.contact_phone = ketua.name, ketua.phone

        lapsed_on = terms[-1][1]
        history = [("aktif", plan.founded_on, f"Pembentukan berdasarkan SK {founding_number}")]
        if plan.status == "tidak_aktif":
            since = min(self.today - timedelta(days=1), lapsed_on + timedelta(days=rng.randint(30, 120)))
            history.append(("tidak_aktif", since, INACTIVE_REASON))
        elif plan.status == "kurang_aktif":
            since = self.today - timedelta(days=rng.randint(20, 90))
            history.append(("kurang_aktif", since, "Tidak ada kegiatan dan konten lebih dari enam bulan"))
        for status, on, reason in history:
            self.add(KimStatusChange(kim=kim, status=status, changed_on=on, reason=reason))
        kim.status, kim.status_since, kim.status_reason = history[-1]

        self._create_channels_and_content(rng, kim, plan, lapsed_on)
        if plan.monev_on is not None:
            self._create_monev(rng, kim, plan)
        return kim

    def _create_channels_and_content(self, rng: random.Random, kim: Kim, plan: KimPlan, lapsed_on: date) -> None:
        desa, handle = plan.village.name, _slug(kim.name)
        live = plan.status == "aktif"
        candidates = [
            ("facebook", f"{kim.name} {desa}", 1.0, (150, 3500)),
            ("instagram", f"@{handle}", 0.7, (80, 2500)),
            ("youtube", f"{kim.name} {desa}", 0.4, (20, 900)),
            ("whatsapp", f"Grup WA {kim.name}", 0.6, (40, 250)),
            ("website", f"https://{handle}.desa.example", 0.3, None),
            ("papan_informasi", f"Papan informasi {'Kelurahan' if plan.village.kind == 'kelurahan' else 'Balai Desa'} "
             f"{desa}", 0.3, None),
        ]  # fmt: skip
        channels: list[MediaChannel] = []
        for platform, name, chance, followers in candidates:
            if rng.random() >= chance:
                continue
            channel = MediaChannel(
                kim=kim,
                platform=platform,
                handle=name,
                followers=rng.randint(*followers) if followers else None,
                followers_checked_on=self.today - timedelta(days=rng.randint(0, 60)) if followers else None,
                active=live or rng.random() < 0.3,
            )
            channels.append(channel)
            self.add(channel)

        if plan.status == "aktif":
            count = rng.randint(3, 8)
            dates = [self.today - timedelta(days=rng.randint(0, 60))]
            dates += [self.today - timedelta(days=rng.randint(0, 364)) for _ in range(count - 1)]
        else:  # nothing in the last six months
            last = plan.founded_on + timedelta(days=200)
            if plan.status == "tidak_aktif":
                last = max(last, min(self.today - timedelta(days=200), lapsed_on - timedelta(days=30)))
            else:
                last = self.today - timedelta(days=rng.randint(200, 300))
            dates = [last - timedelta(days=rng.randint(0, 150)) for _ in range(rng.randint(1, 3))]
        for template, published in zip(rng.sample(CONTENT_TEMPLATES, len(dates)), sorted(dates), strict=True):
            kind, title, topic = template
            self.add(self._content(rng, kim, kind, title.format(desa=desa), topic, published, channels))
        for award in KARANGANYAR_FILM_AWARDS:
            if award.kim == kim.name and award.work_title:
                published = date(award.year, rng.randint(6, 8), rng.randint(1, 28))
                title = f"Film pendek \u201c{award.work_title}\u201d"
                self.add(self._content(rng, kim, "film_pendek", title, "Lomba film pendek", published, channels))

    def _content(
        self,
        rng: random.Random,
        kim: Kim,
        kind: str,
        title: str,
        topic: str,
        published: date,
        channels: list[MediaChannel],
    ) -> ContentItem:
        usable = [c for c in channels if c.platform in ("facebook", "instagram", "youtube", "website")]
        channel = rng.choice(usable) if usable else None
        return ContentItem(kim=kim, title=title, kind=kind, published_on=published, channel=channel, topic=topic)

    def _create_monev(self, rng: random.Random, kim: Kim, plan: KimPlan) -> None:
        assert plan.monev_on is not None
        good = plan.status == "aktif"
        base = rng.randint(68, 92) if good else rng.randint(15, 45)
        evidence, obstacles, recommendations, follow_up = MONEV_NOTES["aktif" if good else "tidak_aktif"]
        regency = "Karanganyar" if plan.regency == KARANGANYAR else "Wonosobo"
        assessment = MonevAssessment(
            kim=kim,
            period=str(plan.monev_on.year),
            visited_on=plan.monev_on,
            assessors=f"Tim Monev Bidang IKP Diskominfo Kabupaten {regency}",
            evidence=evidence,
            obstacles=obstacles,
            recommendations=recommendations,
            follow_up=follow_up,
        )
        self.add(assessment)
        for indicator in self.indicators:
            value = max(0, min(indicator.max_score, base + rng.randint(-15, 12)))
            self.add(MonevScore(assessment=assessment, indicator=indicator, value=value))
        assessment.compute()

    # --- FK Metra ---------------------------------------------------------------------------------
    def _create_forum(self, regency: str, name: str, formed_on: date) -> None:
        exists = self.session.scalar(
            sa.select(FkMetraForum.id).where(FkMetraForum.regency_code == regency, FkMetraForum.name == name)
        )
        if exists is not None:
            return
        rng = random.Random(f"{SEED}:forum:{regency}")
        regency_name = "Wonosobo" if regency == WONOSOBO else "Karanganyar"
        forum = FkMetraForum(
            regency_code=regency,
            name=name,
            formed_on=formed_on,
            address=f"Diskominfo Kabupaten {regency_name}",
            notes="Dibentuk dari perwakilan kelompok seni tradisional se-kabupaten.",
        )
        self.add(forum)
        village = self.villages[regency][0]
        start = formed_on
        first = True
        while start <= self.today:
            end = _add_years(start, 5) - timedelta(days=1)
            decree = Decree(
                forum=forum,
                kind="pembentukan" if first else "pengukuhan_pengurus",
                number=f"480/{rng.randint(40, 400)}/{start.year}",
                issued_on=start,
                issuer="bupati",
                subject=f"{'Pembentukan' if first else 'Pengukuhan Pengurus'} Forum Komunikasi Media Tradisional "
                f"Kabupaten {regency_name} Masa Bakti {start.year}-{end.year}",
                term_start=start,
                term_end=end,
            )
            board = Board(forum=forum, decree=decree, term_start=start, term_end=end)
            self.add(decree, board)
            self._members(rng, board, village, ended=end < self.today, full=True, forum=True)
            start, first = end + timedelta(days=1), False

    def _create_group(self, regency: str, name: str, art_form: str, village: Village) -> None:
        if (regency, name) in self.groups:
            return
        rng = random.Random(f"{SEED}:group:{regency}:{name}")
        group = FkMetraGroup(
            name=name,
            art_form=art_form,
            village=village,
            leader_name=self._person(rng)[0],
            performers=rng.randint(8, 45),
            status="aktif",
        )
        self.groups[(regency, name)] = group
        self.add(group)

    # --- activities, performances, awards, users ------------------------------------------------
    def _create_activities(self, plans: list[ActivityPlan]) -> None:
        existing = {
            tuple(row)
            for row in self.session.execute(
                sa.select(Activity.regency_code, Activity.title).where(
                    Activity.regency_code.in_((KARANGANYAR, WONOSOBO))
                )
            )
        }
        performances = {
            tuple(row)
            for row in self.session.execute(
                sa.select(FkMetraPerformance.regency_code, FkMetraPerformance.message_theme).where(
                    FkMetraPerformance.regency_code.in_((KARANGANYAR, WONOSOBO))
                )
            )
        }
        for plan in plans:
            template = plan.template
            rng = random.Random(f"{SEED}:activity:{plan.regency}:{template.title}")
            groups = [self.groups[(plan.regency, name)] for name in plan.groups]
            if (plan.regency, template.title) not in existing:
                self._create_activity(rng, plan, groups)
            if template.performance and (plan.regency, template.performance[1]) not in performances:
                office, theme = template.performance
                self.add(
                    FkMetraPerformance(
                        regency_code=plan.regency,
                        performed_on=plan.start_on,
                        place=template.place,
                        requesting_office=office,
                        message_theme=theme,
                        audience=rng.randint(150, 900),
                        groups=groups,
                        notes=f"Pertunjukan rakyat atas permintaan {office}.",
                    )
                )

    def _create_activity(self, rng: random.Random, plan: ActivityPlan, groups: list[FkMetraGroup]) -> None:
        template = plan.template
        days = 0 if template.kind in ("rakor", "sosialisasi", "pentas_fkmetra", "monev") else rng.choice((0, 0, 1, 2))
        regency_name = "Karanganyar" if plan.regency == KARANGANYAR else "Wonosobo"
        activity = Activity(
            regency_code=plan.regency,
            kind=template.kind,
            title=template.title,
            start_on=plan.start_on,
            end_on=plan.start_on + timedelta(days=days) if days else None,
            place=template.place,
            organiser=template.organiser,
            organiser_name=template.organiser_name or f"Diskominfo Kabupaten {regency_name}",
            theme=template.theme,
            budget=Decimal(rng.choice((0, 2_500_000, 5_000_000, 7_500_000, 12_000_000, 25_000_000))) or None,
            budget_source=template.budget_source,
            direction=template.direction,
            partner_agency=template.partner_agency,
            partner_regency_code=template.partner_regency,
            topic=template.topic,
        )
        self.add(activity)
        total = 0
        for kim_plan in plan.kims:
            absent = template.participants == "all" and rng.random() < 0.12
            attendees = None if absent else rng.randint(1, 4)
            total += attendees or 0
            participant = ActivityParticipant(
                activity=activity, kim=self.kims[kim_plan.key], attended=not absent, attendees=attendees
            )
            self.add(participant)
        for group in groups:
            attendees = rng.randint(8, 25)
            total += attendees
            self.add(ActivityParticipant(activity=activity, fkmetra_group=group, attendees=attendees))
        activity.headcount = total + rng.randint(4, 20)

    def _create_awards(self, karanganyar: list[KimPlan]) -> None:
        existing = {
            tuple(row)
            for row in self.session.execute(
                sa.select(Award.year, Award.contest_name, Award.rank, Award.kim_id).where(
                    Award.regency_code == KARANGANYAR
                )
            )
        }
        by_name = {plan.name: self.kims[plan.key] for plan in karanganyar}
        for award in KARANGANYAR_FILM_AWARDS:
            kim = by_name[award.kim]
            if (award.year, PROVINCIAL_FILM_CONTEST, award.rank, kim.id) in existing:
                continue
            self.add(
                Award(
                    kim=kim,
                    contest_name=PROVINCIAL_FILM_CONTEST,
                    level="provinsi",
                    organiser=PROVINCIAL_ORGANISER,
                    year=award.year,
                    category="Film pendek",
                    rank=award.rank,
                    rank_label=award.rank_label,
                    work_title=award.work_title,
                )
            )
        if (2024, REGENCY_RANKING, 3, None) not in existing:
            self.add(
                Award(
                    regency_code=KARANGANYAR,
                    contest_name=REGENCY_RANKING,
                    level="provinsi",
                    organiser=PROVINCIAL_ORGANISER,
                    year=2024,
                    category="Pembinaan KIM kabupaten/kota",
                    rank=3,
                    rank_label="Peringkat III",
                )
            )

    def _create_users(self, password: str) -> None:
        emails = {user.email for user in DEMO_USERS}
        existing = set(self.session.scalars(sa.select(User.email).where(User.email.in_(emails))))
        missing = [user for user in DEMO_USERS if user.email not in existing]
        if not missing:
            return
        password_hash = hash_password(password)  # one hash: the demo users share the password anyway
        rng = random.Random(f"{SEED}:users")
        for user in missing:
            self.add(
                User(
                    email=user.email,
                    full_name=self._person(rng)[0],
                    password_hash=password_hash,
                    role=self.session.get(Role, user.role),
                    regency_code=user.regency,
                    province_code=user.province,
                )
            )

    def logins(self, password: str) -> list[DemoLogin]:
        names = {code: name for code, name in self.session.execute(sa.select(Regency.code, Regency.name))}
        names.update((code, name) for code, name in self.session.execute(sa.select(Province.code, Province.name)))
        return [
            DemoLogin(user.role, names.get(user.regency or user.province or "", ""), user.email, password)
            for user in DEMO_USERS
        ]
