"""``Image``: PNG, JPEG, GIF or WEBP data, embedded (base64) or linked by URL.

The format comes from the file name or URL extension, else from the data's
magic bytes, else PNG. Embedded images are sent as their MIME type with
``width`` / ``height`` metadata; linked ones as an ``<img>`` tag in ``text/html``.
"""

from __future__ import annotations

import struct
from typing import Any

from .display_objects import DisplayObject, _is_file

__all__ = ["Image", "image_format", "image_size"]

#: format name -> magic bytes at the start of the data
_MAGIC = {
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpeg": (b"\xff\xd8",),
    "gif": (b"GIF87a", b"GIF89a"),
    "webp": (b"RIFF",),
}


def image_format(data: bytes) -> str | None:
    """``png``, ``jpeg``, ``gif`` or ``webp`` from the magic bytes; ``None`` if unknown."""
    for name, magics in _MAGIC.items():
        if any(data.startswith(m) for m in magics):
            if name == "webp" and data[8:12] != b"WEBP":
                continue
            return name
    return None


def image_size(data: bytes, fmt: str) -> tuple[int, int]:
    """(width, height) read from the image header."""
    if fmt == "png":
        at = data.index(b"IHDR")
        width, height = struct.unpack(">ii", data[at + 4 : at + 12])
        return width, height
    if fmt == "gif":
        width, height = struct.unpack("<HH", data[6:10])
        return width, height
    if fmt == "jpeg":
        at = 2
        while at + 9 <= len(data):
            marker, length = struct.unpack(">HH", data[at : at + 4])
            if marker in (0xFFC0, 0xFFC1, 0xFFC2):  # start of frame: height, then width
                height, width = struct.unpack(">HH", data[at + 5 : at + 9])
                return width, height
            at += 2 + length
    raise ValueError(f"cannot read the size of this {fmt} image")


def _extension(name: str) -> str:
    _base, dot, ext = name.rpartition(".")
    return ext.lower() if dot and "/" not in ext else ""


class Image(DisplayObject):
    """An image; see the module docstring."""

    _read_flags = "rb"

    def __init__(
        self,
        data: Any = None,
        url: str | None = None,
        filename: str | None = None,
        format: str | None = None,
        embed: bool | None = None,
        width: int | None = None,
        height: int | None = None,
        retina: bool = False,
        unconfined: bool = False,
        metadata: dict[str, Any] | None = None,
        alt: str | None = None,
    ) -> None:
        if data is not None and not isinstance(data, (bytes, str)):
            data = str(data)  # a path
        if filename is not None:
            ext = _extension(str(filename))
        elif url is not None:
            ext = _extension(url)
        elif data is None:
            raise ValueError("No image data found. Expecting filename, url, or data.")
        elif isinstance(data, str) and (data.startswith("http") or _is_file(data)):
            ext = _extension(data)
        else:
            ext = ""
        if format is None:
            detected = image_format(data) if isinstance(data, bytes) else None
            format = ext or detected or "png"
        format = format.lower()
        self.format = "jpeg" if format == "jpg" else format
        self.embed = embed if embed is not None else url is None
        if self.embed and self.format not in _MAGIC:
            raise ValueError(f"Cannot embed the '{self.format}' image format")
        self.width = width
        self.height = height
        self.retina = retina
        self.unconfined = unconfined
        self.alt = alt
        super().__init__(data=data, url=url, filename=filename, metadata=metadata)
        md = self.metadata or {}
        self.width = self.width or md.get("width")
        self.height = self.height or md.get("height")
        self.alt = self.alt or md.get("alt")
        if retina:
            self._retina_shape()

    @property
    def mimetype(self) -> str:
        return f"image/{self.format}"

    def _retina_shape(self) -> None:
        """Half the pixel size: the image was drawn at double resolution."""
        if self.embed and isinstance(self.data, bytes) and self.format in ("png", "jpeg", "gif"):
            width, height = image_size(self.data, self.format)
            self.width, self.height = width // 2, height // 2

    def reload(self) -> None:
        if self.embed:
            super().reload()

    def _metadata(self) -> dict[str, Any]:
        md = dict(self.metadata or {})
        for key in ("width", "height", "unconfined", "alt"):
            value = getattr(self, key)
            if value:
                md[key] = value
        return md

    def _base64(self) -> str:
        import base64

        if not isinstance(self.data, bytes):
            raise FileNotFoundError(f"No such file or directory: '{self.data}'")
        return base64.b64encode(self.data).decode("ascii")

    def _data_and_metadata(self) -> Any:
        md = self._metadata()
        return (self._base64(), md) if md else self._base64()

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> Any:
        if not self.embed:
            return {"text/html": self._repr_html_()}
        md = self._metadata()
        return {self.mimetype: self._base64()}, ({self.mimetype: md} if md else {})

    def _repr_html_(self) -> str | None:
        if self.embed:
            return None
        import html

        attrs = ""
        if self.width:
            attrs += f' width="{int(self.width)}"'
        if self.height:
            attrs += f' height="{int(self.height)}"'
        if self.unconfined:
            attrs += ' class="unconfined"'
        if self.alt:
            attrs += f' alt="{html.escape(self.alt)}"'
        src = self.url if self.url is not None else self.filename
        return f'<img src="{html.escape(src or "")}"{attrs}/>'

    def _repr_png_(self) -> Any:
        return self._data_and_metadata() if self.embed and self.format == "png" else None

    def _repr_jpeg_(self) -> Any:
        return self._data_and_metadata() if self.embed and self.format == "jpeg" else None
