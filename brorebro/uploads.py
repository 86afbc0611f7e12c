"""Checks and clean-up for files that officers upload: listing photos and floor plans.

Photos are limited in bytes, pixels and type (JPEG, PNG, WebP) and then re-encoded
through Pillow, which drops EXIF and any other metadata (GPS positions, camera
serial numbers) and anything hidden after the image data. Floor plans must be PDFs
that parse as a whole (pypdf), not merely files that start with `%PDF-`.
Every rejection is a ValidationError with a message for the form, never a crash.

Every stored file gets a random name (`RandomName`) whose extension comes from what the
content was found to be, never from the uploader: a draft's floor plan cannot be guessed,
and `brorebro.media` serves each file with the type its extension allows, and no other.
"""

from __future__ import annotations

import io
import logging
import posixpath
import uuid
import warnings

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError
from pypdf import PdfReader

logger = logging.getLogger(__name__)

ALLOWED_IMAGE_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
# Photos are stored at most this wide or high; larger originals only cost bandwidth.
MAX_STORED_EDGE = 2400
# What a stored file's extension may be, and the one content type it is served with.
MEDIA_TYPES = {
    ".pdf": "application/pdf",
    ".jpg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
}


@deconstructible
class RandomName:
    """An `upload_to` that stores every file as `<folder>/<year>/<random>.<ext>`.

    `extension` fixes the extension (a floor plan is ".pdf" whatever it was called);
    without it the name's own extension is kept, which must then be one that
    `MEDIA_TYPES` serves (photos get theirs from `reencode_image`).
    """

    def __init__(self, folder: str, extension: str | None = None):
        self.folder = folder.strip("/")
        self.extension = extension

    def __call__(self, instance, filename: str) -> str:
        extension = self.extension or posixpath.splitext(filename)[1].lower()
        if extension not in MEDIA_TYPES:
            raise ValueError(f"{extension!r} is not an extension that uploads may be stored with")
        return f"{self.folder}/{timezone.now():%Y}/{uuid.uuid4().hex}{extension}"

    def __eq__(self, other) -> bool:
        return isinstance(other, RandomName) and (self.folder, self.extension) == (
            other.folder,
            other.extension,
        )


def _too_large(upload, limit: int) -> bool:
    size = getattr(upload, "size", None)
    return size is not None and size > limit


def validate_image_upload(upload) -> None:
    """Reject anything that is not a JPEG, PNG or WebP within the size and pixel limits."""
    if upload is None or getattr(upload, "_committed", False):
        return  # an already stored file: it was checked when it came in
    if _too_large(upload, settings.IMAGE_MAX_UPLOAD_BYTES):
        raise ValidationError(
            _("The image is too large (%(size)s). The limit is %(limit)s."),
            code="image_too_large",
            params={
                "size": filesizeformat(upload.size),
                "limit": filesizeformat(settings.IMAGE_MAX_UPLOAD_BYTES),
            },
        )
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload) as image:  # reads the header only
                image_format, (width, height) = image.format, image.size
    except (
        UnidentifiedImageError,
        Image.DecompressionBombWarning,
        Image.DecompressionBombError,
        OSError,
        ValueError,
        SyntaxError,
    ):
        raise ValidationError(
            _("The file is not an image we can use. Upload a JPEG, PNG or WebP photo."),
            code="not_an_image",
        ) from None
    finally:
        upload.seek(0)
    if image_format not in ALLOWED_IMAGE_FORMATS:
        raise ValidationError(
            _("Images of type %(format)s are not accepted. Upload a JPEG, PNG or WebP photo."),
            code="image_type",
            params={"format": image_format},
        )
    if width * height > settings.IMAGE_MAX_PIXELS:
        raise ValidationError(
            _("The image has too many pixels (%(w)d × %(h)d). The limit is %(limit)s megapixels."),
            code="image_too_many_pixels",
            params={"w": width, "h": height, "limit": settings.IMAGE_MAX_PIXELS // 1_000_000},
        )


def reencode_image(upload, max_edge: int = MAX_STORED_EDGE, prefix: str = "") -> ContentFile:
    """A clean copy of a validated image: oriented, resized, without metadata, new name."""
    upload.seek(0)
    with Image.open(upload) as source:
        image_format = source.format
        image = ImageOps.exif_transpose(source)  # keep the orientation the camera meant
        image.thumbnail((max_edge, max_edge))
        return _encode(image, image_format, prefix)


def _encode(image: Image.Image, image_format: str, prefix: str) -> ContentFile:
    if image_format == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    elif image.mode not in ("RGB", "RGBA", "L", "LA", "P"):
        image = image.convert("RGBA")
    buffer = io.BytesIO()
    options = {"JPEG": {"quality": 85, "optimize": True}, "PNG": {"optimize": True}, "WEBP": {"quality": 82}}[
        image_format
    ]
    # No exif=, icc_profile= or pnginfo= arguments: Pillow writes pixels only.
    image.save(buffer, format=image_format, **options)
    name = f"{prefix}{uuid.uuid4().hex}.{ALLOWED_IMAGE_FORMATS[image_format]}"
    return ContentFile(buffer.getvalue(), name=name)


def thumbnail_of(image_file, edge: int = 480) -> ContentFile:
    """A small JPEG for result lists, made from a stored (already clean) image."""
    image_file.open("rb")
    try:
        with Image.open(image_file) as source:
            image = source.convert("RGB")
            image.thumbnail((edge, edge))
            return _encode(image, "JPEG", "thumb-")
    finally:
        image_file.close()


def validate_pdf_upload(upload) -> None:
    """A floor plan must be a whole, readable PDF within the size and page limits.

    The check is by content: the file must start with `%PDF-` *and* parse with pypdf
    down to every page. An HTML file with a PDF header, a truncated or broken file and
    an encrypted one are refused, each with a message the officer can act on.
    """
    if upload is None or getattr(upload, "_committed", False):
        return
    if _too_large(upload, settings.PDF_MAX_UPLOAD_BYTES):
        raise ValidationError(
            _("The PDF is too large (%(size)s). The limit is %(limit)s."),
            code="pdf_too_large",
            params={
                "size": filesizeformat(upload.size),
                "limit": filesizeformat(settings.PDF_MAX_UPLOAD_BYTES),
            },
        )
    upload.seek(0)
    head = upload.read(5)
    upload.seek(0)
    if head != b"%PDF-":
        raise ValidationError(_("The floor plan must be a PDF file."), code="not_a_pdf")
    try:
        reader = PdfReader(upload, strict=False)
        encrypted = reader.is_encrypted
        pages = None if encrypted else len(reader.pages)
        if pages is not None and pages <= settings.PDF_MAX_PAGES:
            for page in reader.pages:
                page.mediabox  # noqa: B018 - parses the page object, so a broken page is found now
    except Exception as error:  # noqa: BLE001 - any failure of the parser on hostile input means "not a PDF"
        logger.info("Floor plan refused, pypdf could not read it: %s", type(error).__name__)
        raise ValidationError(
            _(
                "The file is not a readable PDF (it may be damaged or not a PDF at all). Export it as PDF again."
            ),
            code="broken_pdf",
        ) from None
    finally:
        upload.seek(0)
    if encrypted:
        raise ValidationError(
            _("The PDF is password protected. Upload a version without a password."), code="encrypted_pdf"
        )
    if pages == 0:
        raise ValidationError(_("The PDF has no pages."), code="empty_pdf")
    if pages > settings.PDF_MAX_PAGES:
        raise ValidationError(
            _("The PDF has %(pages)d pages. The limit is %(limit)d."),
            code="pdf_too_many_pages",
            params={"pages": pages, "limit": settings.PDF_MAX_PAGES},
        )


def move_to_new_name(fieldfile) -> bool:
    """Store a file under a new random name and point `fieldfile` at it; the old name stops
    working once the record is saved (django-cleanup deletes the old file after the commit).

    For a listing that leaves the public site: its file names were shown on its public
    page, and must not keep working for whoever noted them. Returns False when there is
    nothing to move or the stored file is unreadable (the record then keeps its name).
    """
    if not fieldfile:
        return False
    old = fieldfile.name
    try:
        new = fieldfile.field.generate_filename(fieldfile.instance, old)
        with fieldfile.storage.open(old, "rb") as source:
            fieldfile.name = fieldfile.storage.save(new, source)
    except (OSError, ValueError) as error:
        logger.warning("Could not move %s to a new name: %s", old, error)
        return False
    return True
