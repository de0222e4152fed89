"""Regenerate the binary files of the sample corpus (PDF, DOCX, PPTX, XLSX).

Run from the repo root: `.venv/bin/python data/make_corpus.py` (writes into data/corpus/).
The text formats (md, html,
txt, csv, eml) are written by hand next to the generated files. Facts are fictional and each
lives in exactly one place, so tests and evaluations can check the cited source and page.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from docx import Document
from fpdf import FPDF
from openpyxl import Workbook
from pptx import Presentation

DATA = Path(__file__).parent / "corpus"
# Fixed so regenerating an unchanged corpus gives the same PDF bytes (same content hash).
FIXED_DATE = datetime(2024, 1, 15, tzinfo=UTC)

# One list per PDF page: (heading level, text); level 0 is body text, "-" starts a bullet.
HANDBOOK_PAGES: list[list[tuple[int, str]]] = [
    [
        (1, "Northwind Robotics Employee Handbook"),
        (0, "This handbook applies to all employees of Northwind Robotics B.V. in the Netherlands "
            "and Germany. It was last revised in January 2024 by People Operations."),
        (2, "1 Working hours"),
        (0, "The standard working week is 38 hours. Core hours are 10:00 to 15:00, when everyone "
            "is expected to be reachable; outside core hours you plan your own time."),
        (2, "2 Remote work"),
        (0, "Employees may work from home up to 2 days per week. Robot test floor staff work on "
            "site because the test floor cannot be operated remotely."),
    ],
    [
        (2, "3 Time off"),
        (3, "3.1 Paid time off"),
        (0, "New employees receive 22 paid time off (PTO) days per calendar year, on top of public "
            "holidays. After five years of service this rises to 27 PTO days per year."),
        (0, "Up to 5 unused PTO days carry over to the next year and expire on 31 March."),
        (3, "3.2 Sick leave"),
        (0, "If you are ill, tell your manager before 09:30 on the first day of absence. From the "
            "third consecutive sick day, the company doctor (Arbo service) contacts you."),
    ],
    [
        (2, "4 Parental leave"),
        (0, "The birth parent receives 20 weeks of fully paid parental leave. The partner receives "
            "8 weeks of fully paid parental leave, to be taken within the child's first year."),
        (0, "Tell People Operations at least 12 weeks before the planned start of your leave."),
        (0, "- Adoptive and foster parents receive the same leave as the partner."),
        (0, "- Leave can be split into at most 3 blocks."),
    ],
    [
        (2, "5 Travel and expenses"),
        (0, "Book flights in economy class for flights shorter than 6 hours. Business class needs "
            "written approval from the Chief Operating Officer."),
        (0, "The meal allowance is 60 euros per day in the Netherlands and 85 euros per day "
            "abroad. Hotels may cost at most 180 euros per night, or 250 euros per night in "
            "London, Paris and New York."),
        (0, "Submit expense claims with receipts in Expensely within 30 days. Any single expense "
            "above 1,000 euros needs approval from your director before you spend it."),
    ],
]

HEADING_SIZES = {1: 20, 2: 15, 3: 12.5}  # points; body text is 10.5 pt


def make_handbook(path: Path) -> None:
    pdf = FPDF()
    pdf.set_creation_date(FIXED_DATE)
    pdf.set_title("Northwind Robotics Employee Handbook")
    for page in HANDBOOK_PAGES:
        pdf.add_page()
        for level, text in page:
            size = HEADING_SIZES.get(level, 10.5)
            pdf.set_font("Helvetica", "B" if level else "", size)
            body = "  " + chr(149) + " " + text[2:] if text.startswith("- ") else text
            pdf.multi_cell(0, size * 0.55, body)
            pdf.ln(size * 0.4)
    pdf.output(str(path))


INCIDENT_SLA = [
    ("Severity", "Example", "First response", "Status updates"),
    ("SEV1", "Customer robots stopped at a site", "15 minutes", "Every 30 minutes"),
    ("SEV2", "Fleet Manager degraded for one customer", "1 hour", "Every 4 hours"),
    ("SEV3", "Suspicious email reported by an employee", "1 business day", "On resolution"),
]


def make_security_policy(path: Path) -> None:
    doc = Document()
    doc.core_properties.created = FIXED_DATE
    doc.add_heading("Information Security Policy", level=0)
    doc.add_paragraph("Owner: Security Office. Applies to all employees and contractors of "
                      "Northwind Robotics. Version 3.1, effective 1 February 2024.")
    doc.add_heading("1. Passwords and authentication", level=1)
    doc.add_paragraph("Passwords must be at least 14 characters long. Passwords are not rotated "
                      "on a schedule; change a password at once if it may have been exposed.")
    doc.add_heading("1.1 Multi-factor authentication", level=2)
    doc.add_paragraph("Multi-factor authentication (MFA) is mandatory for every company account. "
                      "Access to production systems requires a FIDO2 hardware key (YubiKey 5); "
                      "SMS codes are not accepted as a second factor.")
    doc.add_heading("2. Devices", level=1)
    for rule in ("Laptops must use full-disk encryption (FileVault or BitLocker).",
                 "Screens lock automatically after 5 minutes of inactivity.",
                 "Lost or stolen devices must be reported within 1 hour."):
        doc.add_paragraph(rule, style="List Bullet")
    doc.add_heading("3. Incident response", level=1)
    doc.add_paragraph("Report security incidents to security@northwind-robotics.example or call "
                      "the security hotline on +31 40 555 0111. The incident commander assigns a "
                      "severity and the response times below apply.")
    table = doc.add_table(rows=len(INCIDENT_SLA), cols=len(INCIDENT_SLA[0]))
    for r, row in enumerate(INCIDENT_SLA):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    doc.save(str(path))


ROADMAP_SLIDES = [
    ("Q1 2025: Atlas 300 Outdoor", ["Weather-sealed Atlas 300 with IP65 rating",
                                    "Pilot customer: Van der Berg Logistics in Venlo",
                                    "Target price: 61,000 euros"]),
    ("Q3 2025: Fleet Manager 5.0", ["Multi-site dashboards for customers with several warehouses",
                                    "Planned release date: 15 September 2025",
                                    "Drops support for robot firmware older than 7.0"]),
]


def make_roadmap(path: Path) -> None:
    prs = Presentation()
    prs.core_properties.created = FIXED_DATE
    title = prs.slides.add_slide(prs.slide_layouts[0])
    title.shapes.title.text = "Atlas Product Roadmap 2025"
    title.placeholders[1].text = "Product Management, Northwind Robotics"
    for heading, bullets in ROADMAP_SLIDES:
        slide = prs.slides.add_slide(prs.slide_layouts[1])
        slide.shapes.title.text = heading
        slide.placeholders[1].text = "\n".join(bullets)
    prs.save(str(path))


HOLIDAYS = [
    ("Date", "Holiday", "Offices closed"),
    ("2024-01-01", "New Year's Day", "All"),
    ("2024-04-01", "Easter Monday", "All"),
    ("2024-04-27", "King's Day", "Eindhoven"),
    ("2024-06-14", "Northwind Day (company anniversary)", "All"),
    ("2024-10-03", "German Unity Day", "Munich"),
    ("2024-12-25", "Christmas Day", "All"),
]


def make_holidays(path: Path) -> None:
    wb = Workbook()
    sheet = wb.active
    assert sheet is not None
    sheet.title = "Holidays 2024"
    for row in HOLIDAYS:
        sheet.append(row)
    wb.properties.created = FIXED_DATE.replace(tzinfo=None)
    wb.save(str(path))


def main() -> None:
    make_handbook(DATA / "handbook" / "employee-handbook.pdf")
    make_holidays(DATA / "handbook" / "holidays-2024.xlsx")
    make_security_policy(DATA / "policies" / "security-policy.docx")
    make_roadmap(DATA / "product" / "roadmap-2025.pptx")


if __name__ == "__main__":
    main()
