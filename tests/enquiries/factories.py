"""Factories for the contact form's routes and enquiries."""

import factory

from pavilion.enquiries.models import Enquiry, Topic, TopicRoute


class TopicRouteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TopicRoute
        django_get_or_create = ["topic"]

    topic = Topic.MEMBERSHIP
    name_en = "Aiko Sato"
    name_ja = "佐藤 愛子"
    email = factory.LazyAttribute(lambda o: f"{o.topic}@example.org")


class EnquiryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enquiry

    topic = Topic.MEMBERSHIP
    name = "Ken Tanaka"
    email = "ken@example.jp"
    language = "en"
    message = "How do we join?"
