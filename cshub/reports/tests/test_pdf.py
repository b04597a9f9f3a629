"""The PDF pipeline fetches nothing but the app's own static files."""

import pytest

from cshub.reports import pdf


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com/x.png",
        "https://example.com/assets/reports/document.css",
        "file:///etc/hostname",
        "ftp://cshub.invalid/assets/reports/document.css",
        "https://cshub.invalid/assets/../../../etc/passwd",
        "https://cshub.invalid/assets/%2e%2e/settings.py",
        "https://cshub.invalid/children/1/",
        "https://cshub.invalid/assets/reports/document.css?x=1",
    ],
)
def test_anything_but_a_static_file_is_refused(url):
    fetcher = pdf.StaticFilesOnly()
    with pytest.raises(pdf.FetchRefusedError):
        fetcher(url)
    assert fetcher.refused == [url]


def test_a_static_file_is_served():
    response = pdf.StaticFilesOnly()("https://cshub.invalid/assets/reports/document.css")
    assert b"OFFICIAL-SENSITIVE" in response.read()
    assert response.content_type == "text/css"


def test_a_document_asking_for_the_network_renders_without_it():
    fetcher = pdf.StaticFilesOnly()
    html = (
        '<link rel="stylesheet" href="/assets/reports/document.css">'
        '<link rel="stylesheet" href="https://fonts.example.com/x.css">'
        '<img src="http://example.com/track.png"><img src="file:///etc/hostname"><p>Hello</p>'
    )
    body = pdf.html_to_pdf(html, fetcher)
    assert body.startswith(b"%PDF")
    assert sorted(fetcher.refused) == [
        "file:///etc/hostname",
        "http://example.com/track.png",
        "https://fonts.example.com/x.css",
    ]
