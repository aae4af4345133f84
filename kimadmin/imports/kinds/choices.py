"""How legacy sheets write the domain's fixed lists, mapped to the stored slugs.

Keys are compare forms (:func:`kimadmin.imports.values.norm`); stored slugs are accepted too.
"""

from __future__ import annotations

from ..values import norm


def _spellings(table: dict[str, tuple[str, ...]]) -> dict[str, str]:
    return {norm(spelling): slug for slug, spellings in table.items() for spelling in spellings}


KIM_STATUS = _spellings(
    {
        "aktif": ("Aktif",),
        "kurang_aktif": ("Kurang Aktif",),
        "tidak_aktif": ("Tidak Aktif", "Non Aktif", "Nonaktif", "Vakum"),
        "dibekukan": ("Dibekukan", "Beku"),
    }
)
GROUP_STATUS = _spellings({"aktif": ("Aktif",), "tidak_aktif": ("Tidak Aktif", "Non Aktif", "Nonaktif", "Vakum")})
GENDER = _spellings({"L": ("L", "Laki-laki", "Laki laki", "Pria"), "P": ("P", "Perempuan", "Wanita")})
POSITION = _spellings(
    {
        "ketua": ("Ketua",),
        "wakil_ketua": ("Wakil Ketua", "Wakil"),
        "sekretaris": ("Sekretaris", "Sekertaris"),
        "bendahara": ("Bendahara",),
        "koord_pengumpulan": (
            "Koordinator Pengumpulan",
            "Koordinator Bidang Pengumpulan Informasi",
            "Koord. Pengumpulan Informasi",
            "Bidang Pengumpulan Informasi",
            "Pengumpulan Informasi",
        ),
        "koord_pengolahan": (
            "Koordinator Pengolahan",
            "Koordinator Bidang Pengolahan Informasi",
            "Koord. Pengolahan Informasi",
            "Bidang Pengolahan Informasi",
            "Pengolahan Informasi",
        ),
        "koord_penyebaran": (
            "Koordinator Penyebaran",
            "Koordinator Bidang Penyebaran Informasi",
            "Koord. Penyebaran Informasi",
            "Bidang Penyebaran Informasi",
            "Penyebaran Informasi",
        ),
        "seksi": ("Seksi",),
        "anggota": ("Anggota",),
    }
)
ART_FORM = _spellings(
    {
        "wayang": ("Wayang", "Wayang Kulit", "Wayang Orang"),
        "ketoprak": ("Ketoprak", "Kethoprak"),
        "kuda_lumping": ("Kuda Lumping", "Jathilan", "Jaranan", "Kuda Lumping / Jathilan"),
        "karawitan": ("Karawitan", "Gamelan"),
        "campursari": ("Campursari",),
        "rebana": ("Rebana", "Hadroh", "Hadrah"),
        "tari": ("Tari", "Tari Tradisional"),
        "lainnya": ("Lainnya", "Lain-lain"),
    }
)
ACTIVITY_KIND = _spellings(
    {
        "rakor": ("Rakor", "Rakor KIM", "Rapat Koordinasi"),
        "sosialisasi": ("Sosialisasi",),
        "pelatihan": ("Pelatihan", "Bimtek", "Pelatihan/Bimtek"),
        "workshop": ("Workshop", "Lokakarya"),
        "festival": ("Festival", "Lomba", "Festival/Lomba"),
        "monev": ("Monev", "Monitoring dan Evaluasi"),
        "studi_tiru": ("Studi Tiru", "Studi Banding", "Studi Tiru/Banding"),
        "pembinaan": ("Pembinaan",),
        "pentas_fkmetra": ("Pentas FK Metra", "Pertunjukan Rakyat"),
        "lainnya": ("Lainnya", "Lain-lain"),
    }
)
ORGANISER = _spellings(
    {
        "diskominfo_kab": ("Diskominfo Kabupaten", "Diskominfo Kab", "Diskominfo Kota", "Diskominfo"),
        "diskominfo_prov": ("Diskominfo Provinsi", "Diskominfo Prov"),
        "komdigi": ("Komdigi", "Kominfo", "Kementerian"),
        "kim": ("KIM",),
        "opd_lain": ("OPD Lain", "Dinas Lain", "Instansi Lain"),
    }
)
BUDGET_SOURCE = _spellings(
    {
        "apbd_kab": ("APBD Kabupaten", "APBD Kab", "APBD Kota", "APBD"),
        "apbd_prov": ("APBD Provinsi", "APBD Prov"),
        "apbn": ("APBN",),
        "dana_desa": ("Dana Desa", "DD"),
        "swadaya": ("Swadaya",),
        "sponsor": ("Sponsor",),
    }
)
AWARD_LEVEL = _spellings(
    {
        "kabupaten": ("Kabupaten", "Kota", "Kabupaten/Kota", "Kab"),
        "provinsi": ("Provinsi", "Prov"),
        "nasional": ("Nasional",),
    }
)
RANK = _spellings(
    {
        "1": ("1", "Juara I", "Juara 1", "Juara Satu"),
        "2": ("2", "Juara II", "Juara 2", "Juara Dua"),
        "3": ("3", "Juara III", "Juara 3", "Juara Tiga"),
        "4": ("4", "Harapan I", "Harapan 1", "Juara Harapan I"),
        "5": ("5", "Harapan II", "Harapan 2", "Juara Harapan II"),
        "6": ("6", "Harapan III", "Harapan 3", "Juara Harapan III"),
    }
)
