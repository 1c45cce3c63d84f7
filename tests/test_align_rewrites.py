"""Rewrites as news sites make them, clean translations with names only one side recognises,
and book-length texts searched in a band."""

from __future__ import annotations

from reader.corpus.align import align_pair
from reader.corpus.align import path as search
from reader.corpus.entities import find_entities
from reader.corpus.loading import document_from_bytes

# Ten paragraphs of a wire story ...
WIRE = [
    "The European Space Agency launched the Sentinel-7 satellite from Kourou on Tuesday.",
    "The launch was delayed twice in March because of strong winds over French Guiana.",
    "Sentinel-7 will measure carbon dioxide over cities such as Lagos and Jakarta.",
    "Josef Aschbacher, the agency's director general, called it a turning point.",
    "The mission cost 480 million euros and took nine years to build in Toulouse.",
    "Airbus built the main instrument, which weighs 312 kilograms.",
    "Data will be free for researchers from 2027, the agency said.",
    "China and India have announced similar missions for 2028.",
    "Critics in Brussels said the money should have gone to flood defences.",
    "A second satellite, Sentinel-8, is planned for launch in 2030.",
]
# ... and a site's rewrite in Portuguese: it keeps the second half, reorders it, merges two
# paragraphs into one and adds one of its own.
SITE = [
    "A Airbus construiu o instrumento principal, que pesa 312 quilos.",  # 5
    "Críticos em Bruxelas disseram que o dinheiro deveria ter ido para defesas contra cheias.",  # 8
    "Os dados serão gratuitos para pesquisadores a partir de 2027. China e Índia anunciaram "
    "missões parecidas para 2028.",  # 6 + 7
    "Um segundo satélite, o Sentinel-8, deve ser lançado em 2030.",  # 9
    "O Brasil ainda não tem um satélite próprio para medir emissões, lembrou o Inpe.",  # own
]
GOLD = {(5, 0), (8, 1), (6, 2), (7, 2), (9, 3)}


def docs(a: list[str], b: list[str]):
    da = document_from_bytes("a/en.txt", "\n\n".join(a).encode())
    db = document_from_bytes("b/pt.txt", "\n\n".join(b).encode())
    return da, db, find_entities([da, db])


def links(alignment) -> set[tuple[int, int]]:
    return {(i, j) for p in alignment.pairs for i in p.a for j in p.b}


def test_a_rewrite_links_only_the_part_it_covers_with_its_reorders_and_merges():
    wire, site, index = docs(WIRE, SITE)
    alignment = align_pair(wire, site, index)
    assert links(alignment) == GOLD
    assert alignment.unlinked_a == [0, 1, 2, 3, 4]  # the first half: not in the rewrite
    assert alignment.unlinked_b == [4]  # the site's own paragraph
    flipped = align_pair(site, wire, index)
    assert links(flipped) == {(j, i) for i, j in GOLD}


def test_a_clean_translation_links_passages_where_one_side_names_what_the_other_lacks():
    # "Indonésia"/"Freeman" are recognised in one language only (no key on the other side)
    en = [
        "The minister Rina Freeman arrived in Jakarta on 3 May.",
        "She said the programme would cost 2.4 billion dollars.",
        "Freeman will also visit the island of Sumatra.",
        "The trip ends on 9 May.",
    ]
    xx = [
        "Ministra Rina tiba di ibu kota pada 3 Mei.",
        "Menurut dia, program itu akan menelan biaya 2,4 miliar dolar.",
        "Dia juga akan mengunjungi pulau itu.",
        "Perjalanan berakhir pada 9 Mei.",
    ]
    a, b, index = docs(en, xx)
    assert links(align_pair(a, b, index)) == {(0, 0), (1, 1), (2, 2), (3, 3)}


def test_the_banded_search_of_long_texts_finds_the_full_searchs_path(monkeypatch):
    # 150 numbered paragraphs against a translation that drops some and merges others
    a_par = [
        f"Paragraph {n} reports {n * 37 % 1000} units and " + "x" * (20 + n * 7 % 60)
        for n in range(150)
    ]
    b_par = []
    for n, text in enumerate(a_par):
        if n % 17 == 5:
            continue  # dropped
        if n % 23 == 7 and b_par:
            b_par[-1] += " " + text.replace("Paragraph", "Parágrafo")  # merged
            continue
        b_par.append(text.replace("Paragraph", "Parágrafo").replace("reports", "relata"))
    a, b, index = docs(a_par, b_par)
    full = align_pair(a, b, index)
    monkeypatch.setattr(search, "FULL_SEARCH_CELLS", 100)
    monkeypatch.setattr(search, "BAND", 6)
    banded = align_pair(a, b, index)
    assert [(p.a, p.b) for p in banded.pairs] == [(p.a, p.b) for p in full.pairs]


def test_a_rewrites_own_paragraph_does_not_link_to_one_it_left_out():
    wire = [
        "The European Space Agency launched the Sentinel-7 satellite from Kourou on Tuesday.",
        "The launch was delayed twice in March because of strong winds over French Guiana.",
        "Josef Aschbacher, the agency's director general, called it a turning point.",
        "Residents of Cayenne watched the launch from the beaches of Montjoly.",
        "The mission cost 480 million euros and took nine years to build in Toulouse.",
        "Airbus built the main instrument, which weighs 312 kilograms.",
        "Data will be free for researchers from 2027, the agency said.",
        "A second satellite, Sentinel-8, is planned for launch in 2030.",
    ]
    site = [  # keeps wire 2-5, puts a paragraph of its own where wire 3 was
        "Josef Aschbacher, diretor-geral da agência, chamou o lançamento de um marco.",
        "No Brasil, o Inpe de São José dos Campos acompanhou a transmissão ao vivo.",
        "A missão custou 480 milhões de euros e levou nove anos em Toulouse.",
        "A Airbus construiu o instrumento principal, que pesa 312 quilos.",
    ]
    a, b, index = docs(wire, site)
    alignment = align_pair(a, b, index)
    assert links(alignment) == {(2, 0), (4, 2), (5, 3)}
    assert alignment.unlinked_b == [1] and 3 in alignment.unlinked_a


def test_a_paragraph_that_repeats_a_name_its_translation_leaves_out_stays_linked():
    # "Sweden" in en 2 is "o país" in pt 2: the name is also in en 0, whose partner pt 0 has
    # it, but pt 0 is clearly en 0's, so en 2 does not belong there and keeps its partner.
    en = [
        "Sweden's parliament voted on Tuesday to ban new petrol cars from 2030.",
        "The vote was 201 to 148.",
        "Sweden is the first country to set such a date in law.",
        "Carmakers such as Volvo welcomed the decision.",
        "The ban will cost the state 3.2 billion kronor a year.",
    ]
    pt = [
        "O parlamento da Suécia votou na terça-feira proibir carros a gasolina a partir de 2030.",
        "A votação terminou com 201 a 148.",
        "O país é o primeiro a fixar tal data em lei.",
        "Fabricantes como a Volvo saudaram a decisão.",
        "A proibição custará ao Estado 3,2 bilhões de coroas por ano.",
    ]
    a, b, index = docs(en, pt)
    assert links(align_pair(a, b, index)) == {(n, n) for n in range(5)}


def test_a_moved_paragraph_that_names_nothing_is_found_by_its_quotation_marks():
    en = [
        "The European Space Agency launched the Sentinel-7 satellite from Kourou on Tuesday.",
        "The mission cost 480 million euros and took nine years to build in Toulouse.",
        '"This is a great day for all of science," the director told reporters.',
        "Engineers worked through the night to get the rocket ready to fly.",
        "Airbus built the main instrument, which weighs 312 kilograms.",
        "A second satellite, Sentinel-8, is planned for launch in 2030.",
    ]
    pt = [  # the site moved the quote after the engineers' paragraph
        "A Agência Espacial Europeia lançou o satélite Sentinel-7 de Kourou na terça-feira.",
        "A missão custou 480 milhões de euros e levou nove anos em Toulouse.",
        "Engenheiros trabalharam durante a noite para deixar o foguete pronto.",
        "“É um grande dia para toda a ciência”, disse o diretor aos repórteres.",
        "A Airbus construiu o instrumento principal, que pesa 312 quilos.",
        "Um segundo satélite, o Sentinel-8, deve ser lançado em 2030.",
    ]
    a, b, index = docs(en, pt)
    assert links(align_pair(a, b, index)) == {(0, 0), (1, 1), (2, 3), (3, 2), (4, 4), (5, 5)}


def test_a_rewrites_own_paragraph_that_names_nothing_stays_apart_from_a_named_one():
    wire = [
        '"Today Europe reaches space again," said Josef Aschbacher in Kourou on Tuesday.',
        "The mission cost 480 million euros, the agency said.",
        '"We have waited a long time for this," the engineers said.',
        "Airbus built the main instrument, which weighs 312 kilograms, at its plant over "
        "three years, with parts made by suppliers from eleven countries of the agency.",
        "A second satellite, Sentinel-8, is planned for launch in 2030.",
    ]
    site = [  # leaves wire 2 and 3 out and says something of its own in their place
        "“Hoje a Europa volta ao espaço”, disse Josef Aschbacher em Kourou na terça-feira.",
        "A missão custou 480 milhões de euros, disse a agência.",
        "Especialistas elogiaram o projeto e os seus objetivos.",
        "Um segundo satélite, o Sentinel-8, deve ser lançado em 2030.",
    ]
    a, b, index = docs(wire, site)
    # wire 2 quotes someone and the site quotes too (elsewhere): its partner would as well
    assert links(align_pair(a, b, index)) == {(0, 0), (1, 1), (4, 3)}
