"""Evidence in the browser: from a question, the focal point attaches a PDF (sent in the
background, its progress shown), judges the answer, and a colleague downloads the file."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import expect

from assessments.instrument import CURRENT_VERSION, get_instrument
from assessments.models import Source

INSTRUMENT = get_instrument(CURRENT_VERSION)
QUESTION = INSTRUMENT.question("risk.socioeconomic_inequality")
CENSUS = Path(__file__).resolve().parents[2] / "assessments/demo/files/arcadia-census-2024.pdf"
WATCH_PROGRESS = """() => {
  const box = document.querySelector("#add-source .upload-progress");
  new MutationObserver(() => { if (!box.hidden) window.progressShown = true; })
    .observe(box, {attributes: true});
}"""


def test_a_pdf_is_attached_to_an_answer_judged_and_downloaded(
    visitor, demo, this_year, tmp_path
) -> None:
    focal = visitor("focal")
    page = focal.page
    focal.goto(f"/assessments/XA/{this_year}/sections/{QUESTION.section_key}/")
    card = page.locator(f"[id='q-{QUESTION.key}']")
    card.get_by_role("link", name="Sources and confidence").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Evidence for question")
    focal.check("evidence page", screenshot="g-evidence")

    # A title but no issuer: refused at the field, what was typed kept.
    form = page.locator("#add-source")
    form.get_by_label("Title").fill("2024 census: summary tables")
    form.get_by_label("Kind").select_option("government")
    form.get_by_label("File", exact=True).set_input_files(CENSUS)
    form.get_by_role("button", name="Add the source").click()
    expect(page.get_by_text("This field is required.")).to_be_visible()
    expect(page.get_by_text("choose it again")).to_be_visible()
    expect(form.get_by_label("Title")).to_have_value("2024 census: summary tables")

    # Sent in the background: the progress bar shows, then the source is listed, and the page
    # was never left (a plain post would have loaded a new one, forgetting `progressShown`).
    form = page.locator("#add-source")
    form.get_by_label("Issuing body").fill("Arcadia National Statistics Office")
    form.get_by_label("File", exact=True).set_input_files(CENSUS)
    page.evaluate(WATCH_PROGRESS)
    form.get_by_role("button", name="Add the source").click()
    expect(page.get_by_text("The source was added.")).to_be_visible()
    assert page.evaluate("window.progressShown") is True
    sources = page.locator("#sources ol")
    expect(sources).to_contain_text("2024 census: summary tables")
    expect(sources).to_contain_text("Download arcadia-census-2024.pdf")
    source = Source.objects.get(assessment__cycle=this_year, question_key=QUESTION.key)
    assert source.size == CENSUS.stat().st_size

    # Confidence and a contest.
    judgement = page.locator("#judgement")
    judgement.get_by_label("Medium").check()
    judgement.get_by_label("Contested").check()
    judgement.get_by_label("Whose view differs").fill("The Ombudsperson rates this higher.")
    judgement.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Your judgement of this answer was saved.")).to_be_visible()
    focal.check("evidence added", screenshot="g-evidence-added")

    # The question's card says so; a colleague who may only read downloads the file.
    page.get_by_role("link", name="Back to the question").click()
    expect(card.locator(".evidence-line")).to_contain_text("1 source · confidence: Medium")
    colleague = visitor("colleague")
    colleague.goto(f"/assessments/XA/{this_year}/questions/{QUESTION.key}/evidence/")
    expect(colleague.page.get_by_role("heading", name="Add a source")).to_have_count(0)
    with colleague.page.expect_download() as download:
        colleague.page.get_by_role("link", name="Download arcadia-census-2024.pdf").click()
    saved = tmp_path / "census.pdf"
    download.value.save_as(saved)
    assert saved.read_bytes() == CENSUS.read_bytes()
