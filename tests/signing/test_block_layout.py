"""The signature block's layout as geometry: the rules on made-up blocks, without a PDF."""

from __future__ import annotations

from signing.block_layout import SEAL_SIZE, BlockLayout, Rect, StampSpec, lay_out_block

PAGE = Rect(14, 14, 581, 828)
LINES = ("nguyentrongvan@hatinh.dcs.vn", "2026-04-20T11:10:29+07:00")


def measure(text: str, size: float) -> float:
    return len(text) * size * 0.5


def block(
    gap: float, *, name_x: tuple[float, float] = (380, 500), others: tuple[Rect, ...] = ()
) -> tuple[Rect, Rect, list[Rect]]:
    """A block whose name line sits at y 300 and whose position line is ``gap`` above it."""
    name = Rect(name_x[0], 300, name_x[1], 314)
    position = Rect(name_x[0] - 40, 314 + gap, name_x[1] + 40, 328 + gap)
    authority = Rect(position.x0, position.y1 + 2, position.x1, position.y1 + 16)
    return name, position, [name, position, authority, *others]


def lay_out(
    gap: float,
    aspect: float | None = 2.6,
    name_x: tuple[float, float] = (380, 500),
    others: tuple[Rect, ...] = (),
) -> tuple[BlockLayout, Rect, Rect, list[Rect]]:
    name, position, lines = block(gap, name_x=name_x, others=others)
    spec = StampSpec(LINES, LINES, signature_aspect=aspect)
    layout = lay_out_block(
        position=position, name=name, obstacles=lines, page=PAGE, spec=spec, measure=measure
    )
    return layout, name, position, lines


def test_with_room_the_seal_is_real_size_a_third_over_the_signature_on_its_left() -> None:
    layout, name, position, lines = lay_out(130)
    signature, seal = layout.signer.image, layout.organisation.image
    assert signature is not None and seal is not None
    assert layout.notes == ()
    assert seal.height == SEAL_SIZE
    assert seal.x0 < signature.x0
    assert 0.24 <= (seal.x1 - signature.x0) / signature.width <= 0.43
    assert abs(signature.centre[0] - (name.x0 + name.x1) / 2) < 0.01
    assert name.y1 < signature.y0 and signature.y1 < position.y0
    for mark in (signature, seal):
        assert not any(mark.overlaps(line) for line in lines)


def test_texts_overlap_nothing() -> None:
    layout, _, _, lines = lay_out(130)
    marks = [layout.signer.image, layout.organisation.image]
    texts = [layout.signer.text.rect, layout.organisation.text.rect]
    assert not texts[0].overlaps(texts[1])
    for text in texts:
        assert not any(text.overlaps(mark) for mark in marks if mark is not None)
        assert not any(text.overlaps(line) for line in lines)
        assert text.within(PAGE)


def test_a_tight_block_shrinks_the_seal_and_says_so() -> None:
    layout, _, _, lines = lay_out(70)
    seal = layout.organisation.image
    assert seal is not None and seal.height < SEAL_SIZE
    assert not any(seal.overlaps(line) for line in lines)
    assert any("of its real size" in str(note) for note in layout.notes)


def test_without_an_image_the_seal_still_sits_where_the_signature_would() -> None:
    layout, name, _, _ = lay_out(130, aspect=None)
    seal = layout.organisation.image
    assert layout.signer.image is None and seal is not None
    assert seal.x1 < (name.x0 + name.x1) / 2  # left of the block's centre
    assert layout.signer.field == layout.signer.text.rect


def test_a_block_at_the_right_edge_keeps_its_texts_on_the_page() -> None:
    layout, _, _, _ = lay_out(130, name_x=(480, 560))
    for rect in (layout.signer.text.rect, layout.organisation.text.rect):
        assert rect.within(PAGE)


def test_recipients_beside_the_block_push_the_texts_elsewhere() -> None:
    recipients = tuple(Rect(85, 300 + 14 * i, 340, 312 + 14 * i) for i in range(8))
    layout, _, _, lines = lay_out(130, others=recipients)
    for rect in (layout.signer.text.rect, layout.organisation.text.rect):
        assert not any(rect.overlaps(line) for line in lines)
    seal = layout.organisation.image
    assert seal is not None and not any(seal.overlaps(line) for line in recipients)
