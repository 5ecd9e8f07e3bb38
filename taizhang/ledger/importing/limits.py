"""The limits of an import, from settings (read at each import, so tests may override them)."""

from __future__ import annotations

from django.conf import settings

from taizhang.core.sheets import SheetLimits


def import_limits() -> SheetLimits:
    return SheetLimits(
        max_bytes=settings.TAIZHANG_MAX_IMPORT_BYTES,
        max_rows=settings.TAIZHANG_IMPORT_MAX_ROWS,
        max_merged=settings.TAIZHANG_IMPORT_MAX_MERGED,
        max_cells=settings.TAIZHANG_IMPORT_MAX_CELLS,
        max_unzipped=settings.TAIZHANG_IMPORT_MAX_UNZIPPED_BYTES,
        max_ratio=settings.TAIZHANG_IMPORT_MAX_ZIP_RATIO,
    )
