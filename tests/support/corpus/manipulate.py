"""What happens to signed files on their way: saves, padding, and deliberate manipulations.

Each function takes the file's bytes and the step's options and returns the new bytes.
Updates go through pyHanko's incremental writer, as any other tool's would.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping

from asn1crypto import cms
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader

__all__ = ["MANIPULATIONS"]

Options = Mapping[str, str]
_XMP = (
    b'<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>'
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
    b'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" '
    b'xmlns:xmp="http://ns.adobe.com/xap/1.0/"><xmp:ModifyDate>2026-04-20T14:34:09+07:00'
    b"</xmp:ModifyDate></rdf:Description></rdf:RDF></x:xmpmeta>"
    b'<?xpacket end="w"?>'
)


def _update(data: bytes, change: Callable[[IncrementalPdfFileWriter], None]) -> bytes:
    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    change(writer)
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def append(data: bytes, options: Options) -> bytes:
    kind = options["data"]
    if kind.startswith("nul:"):
        return data + b"\x00" * int(kind.removeprefix("nul:"))
    return data + {"crlf": b"\r\n", "garbage": b"\nGARBAGE 1 0 obj"}[kind]


def resave(data: bytes, options: Options) -> bytes:
    """A viewer's save: new document information and XMP metadata, nothing else."""

    def change(writer: IncrementalPdfFileWriter) -> None:
        metadata = generic.StreamObject(
            {
                generic.pdf_name("/Type"): generic.pdf_name("/Metadata"),
                generic.pdf_name("/Subtype"): generic.pdf_name("/XML"),
            },
            stream_data=_XMP,
        )
        writer.root[generic.pdf_name("/Metadata")] = writer.add_object(metadata)
        writer.update_root()

    return _update(data, change)


def add_content(data: bytes, options: Options) -> bytes:
    def change(writer: IncrementalPdfFileWriter) -> None:
        stream = writer.add_object(
            generic.StreamObject(stream_data=b"q 1 1 1 rg 72 690 400 90 re f Q")
        )
        writer.add_stream_to_page(0, stream)

    return _update(data, change)


def _annotation(writer: IncrementalPdfFileWriter, entries: dict[str, generic.PdfObject]) -> None:
    annotation = writer.add_object(
        generic.DictionaryObject(
            {
                generic.pdf_name("/Type"): generic.pdf_name("/Annot"),
                **{generic.pdf_name(k): v for k, v in entries.items()},
            }
        )
    )
    writer.register_annotation(writer.find_page_for_modification(0)[0], annotation)


def _rect(*values: float) -> generic.ArrayObject:
    return generic.ArrayObject([generic.FloatObject(v) for v in values])


def add_annotation(data: bytes, options: Options) -> bytes:
    def change(writer: IncrementalPdfFileWriter) -> None:
        _annotation(
            writer,
            {
                "/Subtype": generic.pdf_name("/FreeText"),
                "/Rect": _rect(72, 600, 300, 640),
                "/Contents": generic.TextStringObject("Số 99-TB/ĐUK"),
                "/DA": generic.TextStringObject("0 g /Helv 12 Tf"),
            },
        )

    return _update(data, change)


def cover_text(data: bytes, options: Options) -> bytes:
    """A square annotation whose appearance paints white over the signed lines."""

    def change(writer: IncrementalPdfFileWriter) -> None:
        appearance = writer.add_object(
            generic.StreamObject(
                {
                    generic.pdf_name("/Type"): generic.pdf_name("/XObject"),
                    generic.pdf_name("/Subtype"): generic.pdf_name("/Form"),
                    generic.pdf_name("/BBox"): _rect(0, 0, 420, 100),
                },
                stream_data=b"1 1 1 rg 0 0 420 100 re f",
            )
        )
        _annotation(
            writer,
            {
                "/Subtype": generic.pdf_name("/Square"),
                "/Rect": _rect(60, 670, 480, 770),
                "/F": generic.NumberObject(4),
                "/AP": generic.DictionaryObject({generic.pdf_name("/N"): appearance}),
            },
        )

    return _update(data, change)


def _signature(data: bytes, name: str) -> tuple[int, int]:
    """Where the hex /Contents of signature ``name`` lies (the ByteRange's gap)."""
    reader = PdfFileReader(io.BytesIO(data), strict=False)
    for signature in reader.embedded_signatures:
        if signature.field_name == name:
            start1, length1, start2, _ = (int(v) for v in signature.byte_range)
            return start1 + length1 + 1, start2 - 1  # inside the < >
    raise KeyError(name)


def _contents(data: bytes, name: str) -> cms.ContentInfo:
    start, end = _signature(data, name)
    return cms.ContentInfo.load(bytes.fromhex(data[start:end].decode("ascii")))


def _replace_contents(data: bytes, name: str, der: bytes) -> bytes:
    start, end = _signature(data, name)
    digits = der.hex().encode("ascii")
    if len(digits) > end - start:
        raise ValueError("the new signature value does not fit")
    return data[:start] + digits.ljust(end - start, b"0") + data[end:]


def copy_timestamp(data: bytes, options: Options) -> bytes:
    """The target signature's timestamp token replaced by the source signature's."""
    donor = _contents(data, options["source"])["content"]["signer_infos"][0]
    receiver = _contents(data, options["target"])
    receiver["content"]["signer_infos"][0]["unsigned_attrs"] = donor["unsigned_attrs"]
    return _replace_contents(data, options["target"], receiver.dump(force=True))


def zero_contents(data: bytes, options: Options) -> bytes:
    start, end = _signature(data, options["target"])
    return data[:start] + b"0" * (end - start) + data[end:]


def override(data: bytes, options: Options) -> bytes:
    """An update that redefines the target's signature dictionary, a key removed or emptied."""

    def change(writer: IncrementalPdfFileWriter) -> None:
        for ref in writer.root["/AcroForm"]["/Fields"]:
            field = ref.get_object()
            if str(field.get_object()["/T"]) != options["target"]:
                continue
            value_ref = field.raw_get("/V")
            signature = value_ref.get_object()
            if "remove" in options:
                del signature[options["remove"]]
            else:
                signature[generic.pdf_name(options["empty"])] = generic.ByteStringObject(b"")
            writer.mark_update(value_ref)

    return _update(data, change)


MANIPULATIONS: dict[str, Callable[[bytes, Options], bytes]] = {
    "append": append,
    "resave": resave,
    "add-content": add_content,
    "add-annotation": add_annotation,
    "cover-text": cover_text,
    "copy-timestamp": copy_timestamp,
    "zero-contents": zero_contents,
    "override": override,
}
