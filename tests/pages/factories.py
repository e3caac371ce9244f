"""Factories for pages and testimonials."""

import factory

from pavilion.pages.models import Page, Status, Testimonial


class PageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Page

    title_en = factory.Sequence(lambda n: f"Page {n}")
    title_ja = factory.Sequence(lambda n: f"ページ {n}")
    slug_en = factory.Sequence(lambda n: f"page-{n}")
    slug_ja = factory.Sequence(lambda n: f"peji-{n}")
    summary_en = "A short summary."
    summary_ja = "短い概要です。"
    body_en = "Some **text**."
    body_ja = "本文です。"
    status = Status.PUBLISHED


class QuoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Testimonial

    quote_en = "We sail the boats."
    quote_ja = "私たちは船を操ります。"
    person_en = factory.Sequence(lambda n: f"Person {n}")
    person_ja = factory.Sequence(lambda n: f"人物 {n}")
    role_en = "Senior Advisor"
    role_ja = "シニア・アドバイザー"
    organisation_en = "A council"
    organisation_ja = "ある協議会"
    status = Status.PUBLISHED
