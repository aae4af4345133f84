"""Fixed choice lists of the domain with their labels (stored values are stable slugs)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

KIM_STATUSES = {
    "aktif": _l("Active"),
    "kurang_aktif": _l("Less active"),
    "tidak_aktif": _l("Inactive"),
    "dibekukan": _l("Frozen"),
}
ACTIVE_STATUSES = ("aktif", "kurang_aktif")

DECREE_KINDS = {
    "pembentukan": _l("Founding"),
    "pengukuhan_pengurus": _l("Board confirmation"),
    "perubahan_pengurus": _l("Board change"),
    "pembubaran": _l("Dissolution"),
}
BOARD_DECREE_KINDS = ("pengukuhan_pengurus", "perubahan_pengurus")

DECREE_ISSUERS = {
    "kepala_desa": _l("Village head"),
    "lurah": _l("Lurah"),
    "camat": _l("Camat"),
    "kepala_dinas": _l("Head of office"),
    "bupati": _l("Regent (Bupati)"),
    "walikota": _l("Mayor (Walikota)"),
}

BOARD_POSITIONS = {
    "ketua": _l("Chair"),
    "wakil_ketua": _l("Vice chair"),
    "sekretaris": _l("Secretary"),
    "bendahara": _l("Treasurer"),
    "koord_pengumpulan": _l("Coordinator, information gathering"),
    "koord_pengolahan": _l("Coordinator, information processing"),
    "koord_penyebaran": _l("Coordinator, information dissemination"),
    "seksi": _l("Section"),
    "anggota": _l("Member"),
}

GENDERS = {"L": _l("Male"), "P": _l("Female")}

MEDIA_PLATFORMS = {
    "website": _l("Website/Blog"),
    "facebook": "Facebook",
    "instagram": "Instagram",
    "youtube": "YouTube",
    "tiktok": "TikTok",
    "x": "X",
    "whatsapp": _l("WhatsApp group/channel"),
    "papan_informasi": _l("Notice board"),
    "radio_komunitas": _l("Community radio"),
    "buletin": _l("Bulletin"),
}

CONTENT_KINDS = {
    "berita": _l("News"),
    "video": _l("Video"),
    "film_pendek": _l("Short film"),
    "poster": _l("Poster/infographic"),
    "podcast": _l("Podcast"),
    "klarifikasi_hoaks": _l("Hoax clarification"),
}

ACTIVITY_KINDS = {
    "rakor": _l("KIM coordination meeting (Rakor)"),
    "sosialisasi": _l("Information session (sosialisasi)"),
    "pelatihan": _l("Training (pelatihan/bimtek)"),
    "workshop": _l("Workshop"),
    "festival": _l("Festival/contest"),
    "monev": _l("Monitoring and evaluation (Monev)"),
    "studi_tiru": _l("Study visit (studi tiru/banding)"),
    "pembinaan": _l("Guidance (pembinaan)"),
    "pentas_fkmetra": _l("FK Metra performance"),
    "lainnya": _l("Other"),
}
STUDY_VISIT_DIRECTIONS = {"masuk": _l("Incoming (we host)"), "keluar": _l("Outgoing (we visit)")}

ORGANISERS = {
    "diskominfo_kab": _l("Regency/city Diskominfo"),
    "diskominfo_prov": _l("Provincial Diskominfo"),
    "komdigi": _l("Komdigi (ministry)"),
    "kim": _l("A KIM"),
    "opd_lain": _l("Another office"),
}

BUDGET_SOURCES = {
    "apbd_kab": _l("Regency budget (APBD kab/kota)"),
    "apbd_prov": _l("Provincial budget (APBD provinsi)"),
    "apbn": _l("State budget (APBN)"),
    "dana_desa": _l("Village fund (Dana Desa)"),
    "swadaya": _l("Self-funded (swadaya)"),
    "sponsor": _l("Sponsor"),
}

AWARD_LEVELS = {"kabupaten": _l("Regency/city"), "provinsi": _l("Province"), "nasional": _l("National")}
DEFAULT_RANK_LABELS = {
    1: _l("Winner I"),
    2: _l("Winner II"),
    3: _l("Winner III"),
    4: _l("Honourable mention I"),
    5: _l("Honourable mention II"),
    6: _l("Honourable mention III"),
}
AWARD_WINNERS = {"kim": _l("A KIM"), "fkmetra_group": _l("An FK Metra group"), "regency": _l("The regency itself")}

ART_FORMS = {
    "wayang": _l("Wayang"),
    "ketoprak": _l("Ketoprak"),
    "kuda_lumping": _l("Kuda lumping / jathilan"),
    "karawitan": _l("Karawitan"),
    "campursari": _l("Campursari"),
    "rebana": _l("Rebana"),
    "tari": _l("Traditional dance"),
    "lainnya": _l("Other"),
}
GROUP_STATUSES = {"aktif": _l("Active"), "tidak_aktif": _l("Inactive")}

SUGGESTED_STATUS_THRESHOLDS = ((75, "aktif"), (50, "kurang_aktif"), (0, "tidak_aktif"))
