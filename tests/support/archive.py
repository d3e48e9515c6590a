"""A generated archive of issued notices with realistic Vietnamese subjects, for the search
test (10,000 notices) and the search benchmark (100,000 and 1,000,000).

Documents, their numbers, recipients and folded search words are written with bulk inserts
(the same folding as registering does), so that a million rows take minutes, not hours.
The same seed gives the same archive on SQLite and PostgreSQL, document for document.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session, sessionmaker

from registry.config import Config
from registry.models import (
    Document,
    DocumentStatus,
    DocumentType,
    DocumentWords,
    NumberEntry,
    Recipient,
    Secrecy,
    SeriesPeriod,
    User,
)
from registry.numbering import allocate_number, period_for
from registry.search_text import search_order_key, search_words
from registry.services.setup.reference_data import current_issuer, sync_reference_data

__all__ = ["GeneratedDocument", "generate_archive"]

TYPES = ("TB", "BC", "KH", "CTr", "CV")
ACTIONS = (
    "Kết luận của Ban Thường vụ về",
    "Triển khai thực hiện",
    "Tổng kết công tác",
    "Sơ kết 6 tháng đầu năm về",
    "Hướng dẫn",
    "Kiểm tra, giám sát việc thực hiện",
    "Tổ chức hội nghị quán triệt",
    "Đẩy mạnh",
    "Tăng cường lãnh đạo",
    "Phương hướng, nhiệm vụ",
)
TOPICS = (
    "công tác xây dựng Đảng",
    "công tác tuyên giáo",
    "công tác kiểm tra Đảng",
    "công tác dân vận",
    "phòng, chống tham nhũng, tiêu cực",
    "chuyển đổi số trong các cơ quan",
    "cải cách hành chính",
    "học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
    "phát triển đảng viên mới",
    "bảo vệ nền tảng tư tưởng của Đảng",
    "thi đua khen thưởng",
    "công tác tổ chức cán bộ",
    "an ninh trật tự",
    "phòng cháy, chữa cháy",
    "xây dựng nông thôn mới",
)
PLACES = (
    "tại Đảng bộ Khối",
    "tại các chi bộ cơ sở",
    "ở thành phố Hà Tĩnh",
    "ở huyện Hương Sơn",
    "ở huyện Hương Khê",
    "ở thị xã Kỳ Anh",
    "tại Công ty Điện lực Hà Tĩnh",
    "tại Ngân hàng Nông nghiệp chi nhánh Hà Tĩnh",
    "",
)
BODIES = (
    "Ủy ban Kiểm tra Đảng ủy Khối",
    "Ban Tuyên giáo Tỉnh ủy",
    "Văn phòng Tỉnh ủy",
    "Đảng ủy Công an tỉnh",
    "Sở Nội vụ tỉnh Hà Tĩnh",
    "Các đảng ủy, chi bộ cơ sở",
    "Đoàn Thanh niên Khối",
    "Công đoàn Viên chức tỉnh",
    "Hội Cựu chiến binh Khối",
    "Thường trực Tỉnh ủy",
)
SIGNERS = (
    ("nguyentrongvan", "Nguyễn Trọng Vân"),
    ("tranthihoa", "Trần Thị Hòa"),
    ("leducthang", "Lê Đức Thắng"),
    ("phamquangdung", "Phạm Quang Dũng"),
    ("dothithuy", "Đỗ Thị Thủy"),
)
SENTENCES = (
    "Các cấp ủy, tổ chức đảng quán triệt sâu sắc nội dung.",
    "Ban Thường vụ yêu cầu các đơn vị báo cáo kết quả trước ngày 30 hằng tháng.",
    "Tiếp tục nâng cao chất lượng sinh hoạt chi bộ.",
    "Chú trọng công tác bảo vệ chính trị nội bộ.",
    "Phát huy vai trò nêu gương của cán bộ, đảng viên.",
    "Văn phòng Đảng ủy Khối theo dõi, đôn đốc thực hiện.",
)
FIRST_DAY, LAST_DAY = date(2021, 1, 4), date(2026, 11, 20)


@dataclass(frozen=True)
class GeneratedDocument:
    id: int
    type_code: str
    subject: str
    signer_login: str
    recipients: tuple[str, ...]
    secrecy: Secrecy
    document_date: date
    number: str
    words: str  # the folded words, as indexed


def _documents(
    count: int, seed: int
) -> Iterator[tuple[str, str, tuple[str, ...], Secrecy, date, str]]:
    rng = random.Random(seed)
    span = (LAST_DAY - FIRST_DAY).days
    for _ in range(count):
        subject = " ".join(
            part for part in (rng.choice(ACTIONS), rng.choice(TOPICS), rng.choice(PLACES)) if part
        )
        recipients = (*rng.sample(BODIES, rng.randint(2, 4)), "Lưu Văn phòng Đảng ủy Khối")
        secrecy = Secrecy.SECRET if rng.random() < 0.05 else Secrecy.NONE
        day = FIRST_DAY + timedelta(days=rng.randrange(span))
        body = " ".join(rng.sample(SENTENCES, 3))
        yield rng.choice(TYPES), subject, recipients, secrecy, day, body


def generate_archive(
    sessions: sessionmaker[Session],
    config: Config,
    count: int,
    *,
    seed: int = 1,
    batch: int = 5000,
    progress: Callable[[int], None] = lambda _done: None,
) -> list[GeneratedDocument]:
    """Write ``count`` issued notices (5 % secret) into a migrated, empty database."""
    with sessions.begin() as session:
        sync_reference_data(session, config)
        for login, name in SIGNERS:
            if session.scalars(select(User).where(User.login == login)).first() is None:
                session.add(
                    User(
                        login=login, full_name=name, roles="signer", email=f"{login}@hatinh.dcs.vn"
                    )
                )
    generated: list[GeneratedDocument] = []
    plan = list(_documents(count, seed))
    plan.sort(key=lambda row: row[4])  # numbers follow the dates, as in a real book
    series: dict[tuple[str, str, bool], tuple[int, str]] = {}  # → (series period id, notation)
    counters: dict[int, int] = {}  # series period id → last number given
    period_of: dict[date, str] = {}
    for start in range(0, count, batch):
        with sessions.begin() as session:
            issuer = current_issuer(session, config)
            types = {
                t.code: t
                for t in session.scalars(
                    select(DocumentType).where(DocumentType.family == issuer.scheme)
                )
            }
            users = {u.login: u for u in session.scalars(select(User))}
            rows = plan[start : start + batch]
            first_id = (
                session.scalar(select(Document.id).order_by(Document.id.desc()).limit(1)) or 0
            ) + 1
            documents, numbers, recipients, words, heads = [], [], [], [], []
            for offset, (code, subject, _names, secrecy, day, body) in enumerate(rows):
                document_id = first_id + offset
                login, signer_name = SIGNERS[document_id % len(SIGNERS)]
                moment = datetime(day.year, day.month, day.day, 3, tzinfo=UTC)
                documents.append(
                    {
                        "id": document_id,
                        "issuer_id": issuer.id,
                        "type_id": types[code].id,
                        "subject": subject,
                        "signer_id": users[login].id,
                        "signer_name": signer_name,
                        "signer_position": "Phó Bí thư",
                        "signer_authority": "T/M Ban Thường vụ",
                        "place": issuer.place,
                        "urgency": "normal",
                        "secrecy": secrecy.value,
                        "status": DocumentStatus.ISSUED.value,
                        "drafting_unit": "",
                        "page_count": 1,
                        "body_text": body,
                        "registered_by": "generator",
                        "created_at": moment,
                        "document_date": day,
                        "issued_at": moment,
                        "withdrawn_reason": "",
                        "search_text": "",
                    }
                )
            session.execute(insert(Document), documents)
            for offset, (code, subject, names, secrecy, day, body) in enumerate(rows):
                document_id = first_id + offset
                secret = secrecy != Secrecy.NONE
                if day not in period_of:
                    period_of[day] = period_for(session, issuer, day).key
                key = (code, period_of[day], secret)
                if key not in series:
                    # The first number of a series comes from the registry itself; its
                    # counters must be up to date first (several keys may share a series).
                    for period_id, last in counters.items():
                        session.execute(
                            update(SeriesPeriod)
                            .where(SeriesPeriod.id == period_id)
                            .values(last_number=last)
                        )
                    entry = allocate_number(
                        session,
                        issuer=issuer,
                        doc_type=types[code],
                        on=day,
                        secret=secret,
                        document_id=document_id,
                    )
                    series[key] = (entry.series_period_id, entry.notation)
                    counters[entry.series_period_id] = entry.number
                    rendered = entry.rendered
                else:
                    period_id, notation = series[key]
                    number = counters[period_id] = counters[period_id] + 1
                    rendered = f"{number:02d}-{notation}"
                    numbers.append(
                        {
                            "series_period_id": period_id,
                            "issuer_id": issuer.id,
                            "period_key": period_of[day],
                            "secret_series": secret,
                            "number": number,
                            "notation": notation,
                            "rendered": rendered,
                            "given_at": datetime(day.year, day.month, day.day, 3, tzinfo=UTC),
                            "document_id": document_id,
                            "void_reason": "",
                        }
                    )
                login, signer_name = SIGNERS[document_id % len(SIGNERS)]
                found = search_words(rendered, subject, signer_name, names, body)
                heads.append({"id": document_id, "search_text": found.head})
                words.append(
                    {
                        "document_id": document_id,
                        "head": found.head,
                        "recipients": found.recipients,
                        "words": found.words,
                        "sort_key": search_order_key(day, document_id),
                    }
                )
                for position, name in enumerate(names, start=1):
                    recipients.append(
                        {
                            "document_id": document_id,
                            "position": position,
                            "name": name,
                            "organ_id": "",
                            "purpose": "",
                            "is_archive_copy": name.startswith("Lưu"),
                            "copies": 1,
                            "delivery_status": "",
                        }
                    )
                generated.append(
                    GeneratedDocument(
                        document_id,
                        code,
                        subject,
                        login,
                        names,
                        secrecy,
                        day,
                        rendered,
                        found.words,
                    )
                )
            if numbers:
                session.execute(insert(NumberEntry), numbers)
            session.execute(insert(Recipient), recipients)
            session.execute(insert(DocumentWords), words)
            session.execute(update(Document), heads)
            for period_id, last in counters.items():
                session.execute(
                    update(SeriesPeriod)
                    .where(SeriesPeriod.id == period_id)
                    .values(last_number=last)
                )
        progress(min(count, start + batch))
    return generated
