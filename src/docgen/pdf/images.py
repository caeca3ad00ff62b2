"""Pictures from outside, checked before anyone decodes them.

A PNG's header may declare 60,000 × 60,000 pixels in a few hundred bytes (14 GB once decoded),
and a picture cut off in the middle decodes until it fails deep inside reportlab. Pillow reads
the header without decoding, so the size is checked first; then the picture is decoded once,
here, where a failure can be told in words.
"""

from __future__ import annotations

import io
import warnings

from docgen.i18n import _, language

#: An A3 scan at 300 dpi is 17.5 million pixels; a picture in a Word document far fewer.
MAX_PIXELS = 40_000_000


class BadImage(ValueError):
    """The picture cannot be used; the message says why, in a clerk's words."""


def check_image(data: bytes, *, max_pixels: int = MAX_PIXELS) -> tuple[int, int]:
    """(width, height) in pixels of a PNG or JPEG that decodes whole, or :class:`BadImage`."""
    from PIL import Image, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # Pillow's own bomb warning: the check is ours
            with Image.open(io.BytesIO(data)) as image:
                width, height = image.size
                if width <= 0 or height <= 0:
                    raise BadImage(_("the picture has no pixels"))
                if width * height > max_pixels:
                    raise BadImage(
                        _(
                            "the picture declares {width:,} × {height:,} pixels, more than the "
                            "{limit:,} a page can use"
                        ).format(width=width, height=height, limit=max_pixels)
                    )
                image.load()
    except UnidentifiedImageError:
        raise BadImage(_("the file is not a picture docgen can read (PNG or JPEG)")) from None
    except Image.DecompressionBombError:  # Pillow's own, stricter bound tripped at open()
        raise BadImage(
            _("the picture declares far more than the {limit:,} pixels a page can use").format(
                limit=max_pixels
            )
        ) from None
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        if isinstance(exc, BadImage):
            raise
        raise BadImage(
            # Pillow's sentence is English only: in another language, the kind of failure.
            _("the picture is damaged or cut off ({reason})").format(
                reason=exc if language() == "en" else type(exc).__name__
            )
        ) from None
    return width, height
