"""Images reach the phone: packed under flat, content-addressed names, remote ones embedded."""

from __future__ import annotations

import re

from webserver import HTML, PNG, tiny_png


def test_a_local_image_is_packed_flat_and_arrives_in_the_collection(project, anki):
    project.write("chapter/losses.md", "## Huber\n![huber](assets/huber.png)\n")
    (project.root / "chapter/assets").mkdir()
    (project.root / "chapter/assets/huber.png").write_bytes(PNG)
    anki.import_deck(project.build("chapter/losses.md"))
    [name] = anki.images("Huber")
    assert re.fullmatch(r"[0-9a-f]{20}\.png", name)
    assert name in anki.media_files()
    assert anki.media_bytes(name) == PNG


def test_images_are_also_found_in_the_project_media_folder(project, anki):
    (project.root / ".git").mkdir()  # the project: the repository the notes live in
    (project.root / "media").mkdir()
    (project.root / "media/plot.png").write_bytes(PNG)
    project.write("notes/n.md", '## Plot\n<img src="plot.png" alt="a plot" width="200">\n')
    anki.import_deck(project.build("notes/n.md"))
    html = anki.card_html("Plot")[1]
    assert re.search(r'<img src="[0-9a-f]{20}\.png" alt="a plot" width="200">', html)


def test_identical_pictures_are_stored_once(project):
    for name in ("a.png", "b.png"):
        (project.root / name).write_bytes(PNG)
    project.write("n.md", "## A\n![a](a.png)\n\n## B\n![b](b.png)\n")
    project.build("n.md")
    manifest = (project.root / "dist/notes-0.1.0.manifest.json").read_text()
    assert len(re.findall(r'"[0-9a-f]{20}\.png"', manifest)) == 1


def test_a_changed_picture_gets_a_new_name_and_reaches_the_collection(project, anki):
    picture = project.root / "plot.png"
    picture.write_bytes(PNG)
    project.write("n.md", "## Plot\n![plot](plot.png)\n")
    anki.import_deck(project.build("n.md"))
    [old] = anki.images("Plot")
    picture.write_bytes(tiny_png(0x20))
    log = anki.import_deck(project.build("n.md"))
    [new] = anki.images("Plot")
    assert len(log.updated) == 1 and new != old
    assert anki.media_bytes(new) == tiny_png(0x20)


def test_a_remote_image_is_downloaded_once_and_embedded(project, anki, server):
    url = server.serve("/figures/iou.png", PNG)
    project.write("n.md", f"## IoU\n![iou]({url})\n")
    result = project.run("build", "n.md", "--deck", "Notes", "--out", "dist")
    assert result.code == 0 and result.err == ""
    anki.import_deck(project.root / "dist/notes-0.1.0.apkg")
    [name] = anki.images("IoU")
    assert name in anki.media_files() and not name.startswith("http")
    server.stop()
    again = project.run("build", "n.md", "--deck", "Notes", "--out", "dist")
    assert again.code == 0 and again.err == "" and len(server.requests) == 1


def test_a_failed_download_keeps_the_remote_url_with_a_warning(project, anki, server):
    missing = server.url("/gone.png")
    page = server.serve("/page.png", HTML, content_type="text/html")
    project.write("n.md", f"## A\ntext\n\n![gone]({missing})\n\n## B\n![page]({page})\n")
    result = project.run("build", "n.md", "--deck", "Notes", "--out", "dist")
    assert result.code == 0
    assert f"n.md:4: warning: remote image {missing} was not embedded (HTTP 404); the card loads it from the web" \
        in result.err
    assert f"n.md:7: warning: remote image {page} was not embedded (not an image (text/html))" in result.err
    anki.import_deck(project.root / "dist/notes-0.1.0.apkg")
    assert anki.images("A") == [missing]


def test_offline_builds_make_no_request(project, server):
    url = server.serve("/x.png", PNG)
    project.write("n.md", f"## A\n![x]({url})\n")
    result = project.run("build", "n.md", "--deck", "Notes", "--out", "dist", "--offline")
    assert result.code == 0 and "offline: not in cache" in result.err
    assert server.requests == []


def test_nothing_in_a_card_can_run_a_script(project, anki):
    project.write("n.md", """\
        ## Unsafe
        <figure onclick="steal()"><img src="https://example.org/x.png" onerror="steal()"></figure>

        <script>steal()</script>

        [click](javascript:steal()) and <a href="javascript:steal()">this</a>
        """)
    anki.import_deck(project.build("n.md"))
    html = anki.card_html("Unsafe")[1]
    answer = html.split('<div class="answer">')[1]
    assert "<script" not in answer and "steal()</" not in answer and "on" + "click" not in answer
    assert "onerror" not in answer and 'href="javascript' not in answer and "<a>this</a>" in answer
    assert '<figure><img src="https://example.org/x.png"></figure>' in answer


def test_a_missing_image_above_the_note_folder_but_inside_the_project_is_only_a_warning(project):
    (project.root / ".git").mkdir()
    (project.root / "media").mkdir()
    project.write("source/dl/a.md", "## Q\n![gone](../../img/missing.png)\n")
    result = project.run("build", "source/dl/a.md", "--offline")
    assert result.code == 0
    assert "source/dl/a.md:2: warning: image '../../img/missing.png' not found" in result.err


def test_a_failed_download_is_tried_once_per_build(project, server):
    gone = server.url("/gone.png")
    project.write("n.md", f"## A\n![a]({gone})\n\n## B\n![b]({gone})\n")
    result = project.run("build", "n.md", "--deck", "Notes", "--out", "dist")
    assert result.code == 0 and result.err.count("(HTTP 404)") == 2
    assert len(server.requests) == 1


def test_raw_html_images_with_spaces_and_accents_in_the_url_are_downloaded(project, anki, server):
    server.serve("/dir%20%C3%A9/c%C3%BC.png", PNG)
    project.write("n.md", f'## A\n<img src="{server.url("/dir é/cü.png")}" alt="c">\n')
    result = project.run("build", "n.md", "--deck", "Notes", "--out", "dist")
    assert result.code == 0 and result.err == ""
    anki.import_deck(project.root / "dist/notes-0.1.0.apkg")
    [name] = anki.images("A")
    assert anki.media_bytes(name) == PNG
